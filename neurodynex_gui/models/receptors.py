"""Synaptic receptors (book chapter 3.1): time course of the conductance, reversal potentials,
and the magnesium block of the NMDA receptor. Plain numpy, no brian2: the synapses tab uses it,
and any other model (a dendrite, say) can put the same receptors on its compartments.

A receptor's conductance after one presynaptic spike at t = 0 (release amplitude 1):

- single exponential: g(t) = g_max e^(-t/tau_decay);
- difference of exponentials: g(t) = g_max (e^(-t/tau_decay) - e^(-t/tau_rise)) / p, with
  p the peak of the bracket, so that g_max is the peak conductance in both forms.

The current through it is I = g (V - E_rev) B(V) (positive outwards, as in the book), with
B = 1 except for NMDA, where magnesium blocks the channel at hyperpolarised potentials:

- ``"note"``: B(V) = 1 / (1 + [Mg]/(1 mM) e^(-V/v0)), v0 = 16.13 mV by default. The broader
  note writes the NMDA current as g [Mg] e^(V/v0) / (1 + [Mg] e^(V/v0)); taken literally that
  is 0 without magnesium, so it is read as this block factor (it is the same at 1 mM);
- ``"jahr_stevens"``: B(V) = 1 / (1 + [Mg]/(3.57 mM) e^(-0.062 V/mV)) (Jahr and Stevens 1990).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import ParamError, Params, checked, param

__all__ = ["ReceptorParams", "RECEPTORS", "BLOCK_FORMS", "nmda_block", "block_constants",
           "peak_factor", "conductance", "conductance_integral", "nmda_current"]

BLOCK_FORMS = ("note", "jahr_stevens")
KERNELS = ("dual exponential", "single exponential")
COUPLINGS = ("conductance-based", "current-based")

JAHR_STEVENS = (3.57, 1.0 / 0.062)
"""(Mg scale in mM, voltage scale v0 in mV) of the Jahr-Stevens block."""


@dataclasses.dataclass(frozen=True)
class ReceptorParams(Params):
    """A receptor: its conductance time course, reversal potential and (NMDA) magnesium block."""

    g_max: float = param(5.0, "peak conductance g_max", "nS", min=0.0, max=1000.0, step=0.5,
                         decimals=3, help="peak of the conductance after one spike with full "
                                          "release (u x = 1); a spike adds g_max u x")
    E_rev: float = param(0.0, "reversal potential E_rev", "mV", min=-150.0, max=100.0,
                         step=5.0, decimals=2, help="the current g (V - E_rev) reverses here")
    tau_rise: float = param(0.5, "rise time constant", "ms", min=0.01, max=1000.0, step=0.1,
                            decimals=3, help="rise of the difference of exponentials "
                                             "(unused by the single exponential)")
    tau_decay: float = param(3.0, "decay time constant tau_s", "ms", min=0.05, max=5000.0,
                             step=0.5, decimals=3, help="decay of the conductance")
    kernel: str = param("dual exponential", "conductance time course", choices=KERNELS,
                        help="single exponential (jumps by g_max, decays with tau_s) or "
                             "difference of exponentials (rises, then decays; peak g_max)")
    coupling: str = param("conductance-based", "synapse", choices=COUPLINGS,
                          help="conductance-based: I = g (V - E_rev); current-based: the "
                               "driving force stays that at rest, I = g (V_rest - E_rev)")
    mg_block: bool = param(False, "magnesium block (NMDA)",
                           help="multiply the current by the NMDA block B(V)")
    Mg_mM: float = param(1.0, "[Mg2+] outside", "mM", min=0.0, max=20.0, step=0.1,
                         decimals=3, help="extracellular magnesium concentration")
    block_form: str = param("note", "block form", choices=BLOCK_FORMS,
                            help="note: 1/(1 + [Mg]/1 mM e^(-V/v0)); Jahr-Stevens: "
                                 "1/(1 + [Mg]/3.57 mM e^(-0.062 V/mV))")
    v0: float = param(16.13, "block voltage scale v0", "mV", min=1.0, max=100.0, step=1.0,
                      decimals=3, help="voltage scale of the note's block form")

    def check(self) -> None:
        if self.kernel == "dual exponential" and self.tau_rise >= self.tau_decay:
            raise ParamError("tau_rise", "must be shorter than the decay time constant")


RECEPTORS = {
    "AMPA": ReceptorParams(g_max=5.0, E_rev=0.0, tau_rise=0.5, tau_decay=3.0),
    "NMDA": ReceptorParams(g_max=2.0, E_rev=0.0, tau_rise=3.0, tau_decay=80.0, mg_block=True),
    "GABA_A": ReceptorParams(g_max=5.0, E_rev=-75.0, tau_rise=0.5, tau_decay=6.0),
    "GABA_B": ReceptorParams(g_max=1.0, E_rev=-95.0, tau_rise=30.0, tau_decay=150.0),
}
"""Typical values (book ch. 3.1): AMPA and NMDA reverse near 0 mV, GABA_A near the chloride
potential, GABA_B near the potassium potential; NMDA and GABA_B are the slow ones."""


@checked(ReceptorParams, V_mV=None, form="block_form")
def block_constants(Mg_mM: float = 1.0, form: str = "note", v0: float = 16.13,
                    V_mV=None) -> tuple[float, float]:
    """(Mg scale in mM, voltage scale in mV) of a block form: B = 1/(1 + Mg/scale e^(-V/v0))."""
    return (1.0, float(v0)) if form == "note" else JAHR_STEVENS


@checked(ReceptorParams, V_mV=None, form="block_form")
def nmda_block(V_mV, Mg_mM: float = 1.0, form: str = "note", v0: float = 16.13):
    """The open fraction B(V) of NMDA channels under magnesium block (1 without magnesium)."""
    scale, volts = block_constants(Mg_mM, form, v0)
    V = np.asarray(V_mV, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + (Mg_mM / scale) * np.exp(-V / volts))


@checked(ReceptorParams, V_mV=None, g_nS="g_max", form="block_form")
def nmda_current(V_mV, g_nS: float = 1.0, E_rev: float = 0.0, Mg_mM: float = 1.0,
                 form: str = "note", v0: float = 16.13):
    """The NMDA current g B(V) (V - E_rev) in pA at a fixed conductance (the I-V curve)."""
    V = np.asarray(V_mV, dtype=float)
    return g_nS * nmda_block(V, Mg_mM, form, v0) * (V - E_rev)


def _shape(receptor: ReceptorParams) -> tuple[float, float]:
    """(tau_rise or 0 for a single exponential, tau_decay)."""
    rise = receptor.tau_rise if receptor.kernel == "dual exponential" else 0.0
    return rise, receptor.tau_decay


@checked(receptor=None)
def peak_factor(receptor: ReceptorParams) -> float:
    """The peak of e^(-t/tau_decay) - e^(-t/tau_rise) (1 for a single exponential)."""
    rise, decay = _shape(receptor)
    if rise == 0.0:
        return 1.0
    t_peak = rise * decay / (decay - rise) * np.log(decay / rise)
    return float(np.exp(-t_peak / decay) - np.exp(-t_peak / rise))


@checked(receptor=None, t_ms=None)
def conductance(receptor: ReceptorParams, t_ms):
    """g(t) in nS after one spike with full release at t = 0 (0 before it)."""
    t = np.asarray(t_ms, dtype=float)
    rise, decay = _shape(receptor)
    after = np.maximum(t, 0.0)
    bracket = np.exp(-after / decay) - (np.exp(-after / rise) if rise else 0.0)
    return np.where(t >= 0, receptor.g_max * bracket / peak_factor(receptor), 0.0)


@checked(receptor=None)
def conductance_integral(receptor: ReceptorParams) -> float:
    """The integral of g(t) over one event, nS ms: g_max (tau_decay - tau_rise) / p."""
    rise, decay = _shape(receptor)
    return receptor.g_max * (decay - rise) / peak_factor(receptor)
