"""One module per model tab; ``TAB_MODULES`` lists them in tab order by their stable ids."""
from __future__ import annotations

import importlib

TAB_MODULES = {
    "lif": ("neurodynex_gui.tabs.lif_tab", "LIFTab", "Leaky integrate-and-fire"),
    "hh": ("neurodynex_gui.tabs.hh_tab", "HHTab", "Hodgkin-Huxley"),
    "fitzhugh_nagumo": ("neurodynex_gui.tabs.fitzhugh_nagumo_tab", "FitzHughNagumoTab",
                        "FitzHugh-Nagumo"),
    "neuron_type": ("neurodynex_gui.tabs.neuron_type_tab", "NeuronTypeTab",
                    "Type I and type II"),
    "hopfield": ("neurodynex_gui.tabs.hopfield_tab", "HopfieldTab", "Hopfield network"),
    "oja": ("neurodynex_gui.tabs.oja_tab", "OjaTab", "Oja's rule"),
}
"""tab id -> (module, class, title). Modules are imported when their tab is built."""


def tab_class(tab_id: str):
    module, name, _ = TAB_MODULES[tab_id]
    return getattr(importlib.import_module(module), name)
