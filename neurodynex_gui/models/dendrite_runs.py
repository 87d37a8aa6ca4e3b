"""The Dendrites tab's runs: one of the passive cable, the branched tree or the NMDA synapses,
with the parameters of the tab's forms (see :mod:`.cable` and :mod:`.dendritic_tree`)."""
from __future__ import annotations

import dataclasses

import numpy as np

from . import cable as cb
from . import dendritic_tree as dt
from .params import Params, checked, param

MODES = ("passive cable", "branched tree", "NMDA spikes")


@dataclasses.dataclass(frozen=True)
class ShowParams(Params):
    """Which of the tab's models runs."""

    mode: str = param("passive cable", "model", choices=MODES,
                      help="passive cable: V(x, t) of one cylinder; branched tree: a soma "
                           "and a dendrite that branches, against its equivalent cylinder; "
                           "NMDA spikes: co-active synapses on branch 1.")


@checked(cb.CableParams, cb.InjectionParams)
def cable_places(cable: cb.CableParams, injection: cb.InjectionParams) -> list[float]:
    """The places of the current (um), clipped onto the cable."""
    places = [injection.location] + ([injection.location_2] if injection.sites == "two"
                                     else [])
    return [min(max(p, 0.0), cable.length) for p in places]


@checked(cb.CableParams, cb.InjectionParams)
def run_cable(cable: cb.CableParams = cb.CableParams(),
              injection: cb.InjectionParams = cb.InjectionParams(), *, on_chunk=None,
              should_stop=None) -> cb.CableResult:
    """The cable of the forms with the current of ``injection`` at its places."""
    n_steps = int(round(cable.simulation_time / cable.dt))
    wave = cb.injection_waveform(n_steps, cable.dt, injection.kind, injection.amplitude,
                                 injection.t_start, injection.t_end, injection.frequency)
    places = cable_places(cable, injection)
    values = {k: v for k, v in cable.to_dict().items() if k != "end"}
    return cb.simulate_passive_cable(places, np.repeat(wave[:, None], len(places), axis=1),
                                     end=cable.end, on_chunk=on_chunk,
                                     should_stop=should_stop, **values)


@checked("ShowParams")
def simulate(show: ShowParams, cable: cb.CableParams, injection: cb.InjectionParams,
             tree: dt.TreeParams, nmda: dt.NMDAParams, *, on_chunk=None, should_stop=None):
    """The run of the model chosen in ``show`` (what the tab's Run button starts)."""
    stream = {"on_chunk": on_chunk, "should_stop": should_stop}
    if show.mode == "passive cable":
        return run_cable(cable, injection, **stream)
    if show.mode == "branched tree":
        return dt.simulate_tree(tree, cable, **stream)
    return dt.simulate_nmda(tree, cable, nmda, **stream)
