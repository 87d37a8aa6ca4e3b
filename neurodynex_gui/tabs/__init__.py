"""The tab registry: the built-in tabs in order, then those of installed plugins.

A plugin is a package that declares its tab class in the entry-point group
``neurodynex_gui.tabs`` (``my_tab = my_package.tab:MyTab``); the class is a
:class:`~neurodynex_gui.tabs.base.ModelTab` with a unique ``tab_id`` and a ``title``. Ids and
titles are read from the classes; a plugin that fails to load is skipped with a warning.
"""
from __future__ import annotations

import functools
import warnings
from importlib.metadata import entry_points

from ..worker_process import resolve

ENTRY_POINT_GROUP = "neurodynex_gui.tabs"
BUILTIN = (
    "neurodynex_gui.tabs.lif_tab:LIFTab",
    "neurodynex_gui.tabs.hh_tab:HHTab",
    "neurodynex_gui.tabs.fitzhugh_nagumo_tab:FitzHughNagumoTab",
    "neurodynex_gui.tabs.neuron_type_tab:NeuronTypeTab",
    "neurodynex_gui.tabs.hopfield_tab:HopfieldTab",
    "neurodynex_gui.tabs.oja_tab:OjaTab",
    "neurodynex_gui.tabs.rate_network_tab:RateNetworkTab",
    "neurodynex_gui.tabs.neural_field_tab:NeuralFieldTab",
    "neurodynex_gui.tabs.coding_tab:CodingTab",
    "neurodynex_gui.tabs.dendrites_tab:DendritesTab",
    "neurodynex_gui.tabs.exp_if_tab:ExpIFTab",
    "neurodynex_gui.tabs.adex_tab:AdExTab",
    "neurodynex_gui.tabs.izhikevich_tab:IzhikevichTab",
    "neurodynex_gui.tabs.neural_dynamics_tab:NeuralDynamicsTab",
    "neurodynex_gui.tabs.synapses_tab:SynapsesTab",
    "neurodynex_gui.tabs.plasticity_tab:PlasticityTab",
    "neurodynex_gui.tabs.brunel_tab:BrunelTab",
    "neurodynex_gui.tabs.decision_tab:DecisionTab",
    "neurodynex_gui.tabs.custom_tab:CustomTab",
)


@functools.cache
def tab_classes() -> dict[str, type]:
    """Every tab class by its id, in tab order."""
    from .base import ModelTab

    classes = {}
    for path in BUILTIN:
        cls = resolve(path)
        classes[cls.tab_id] = cls
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        try:
            cls = point.load()
            if not (isinstance(cls, type) and issubclass(cls, ModelTab)):
                raise TypeError(f"{point.value} is not a ModelTab")
            if not cls.tab_id or cls.tab_id in classes:
                raise ValueError(f"its tab id '{cls.tab_id}' is empty or taken")
        except Exception as error:  # a broken plugin must not stop the application
            warnings.warn(f"tab plugin '{point.name}' skipped: {error}", stacklevel=2)
            continue
        classes[cls.tab_id] = cls
    return classes


def tab_class(tab_id: str) -> type:
    return tab_classes()[tab_id]


def tab_ids() -> list[str]:
    return list(tab_classes())


def tab_title(tab_id: str) -> str:
    return tab_class(tab_id).title
