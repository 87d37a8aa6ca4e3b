"""Short-term depression and facilitation (Tsodyks-Markram), event-exact and in closed form.

Between presynaptic spikes the resources x recover and the utilisation u decays:

    dx/dt = (1 - x)/tau_D,    du/dt = -u/tau_F;

at a spike u first jumps, u <- u + U (1 - u), then the fraction u x of the resources is
released, x <- x - u x (Tsodyks, Pawelzik and Markram 1998). Without facilitation
(tau_F = 0) u = U at every spike. The postsynaptic response of a spike is proportional to its
release u x (1 for a fresh synapse with u = 1): the *relative amplitude*.

:func:`tm_synapse` applies these rules spike by spike with the exact exponential solutions
between spikes (no time step); :func:`steady_state_amplitude` is the closed form of the
steady state under a regular train.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .params import Params, checked, param
from .presynaptic import TrainParams

__all__ = ["PlasticityParams", "PRESETS", "TMResult", "tm_synapse", "steady_state_u",
           "steady_state_x", "steady_state_amplitude", "limiting_frequency",
           "recovery_amplitude"]


@dataclasses.dataclass(frozen=True)
class PlasticityParams(Params):
    """Tsodyks-Markram short-term plasticity; off: every spike releases u x = 1."""

    stp: bool = param(True, "short-term plasticity",
                      help="off: a static synapse, every spike gives the same response")
    U: float = param(0.5, "utilisation U", min=0.001, max=1.0, step=0.05, decimals=3,
                     help="fraction of the resources a spike releases (without facilitation); "
                          "the jump of u per spike")
    tau_D: float = param(800.0, "recovery time constant tau_D", "ms", min=0.1, max=1e5,
                         step=50.0, decimals=2, help="resources x recover towards 1 with it")
    tau_F: float = param(0.0, "facilitation time constant tau_F", "ms", min=0.0, max=1e5,
                         step=50.0, decimals=2,
                         help="u decays towards 0 with it; 0: no facilitation (u = U)")


PRESETS = {
    "depressing": PlasticityParams(U=0.5, tau_D=800.0, tau_F=0.0),
    "facilitating": PlasticityParams(U=0.15, tau_D=50.0, tau_F=750.0),
    "mixed": PlasticityParams(U=0.3, tau_D=200.0, tau_F=300.0),
    "static": PlasticityParams(stp=False),
}
"""Depressing (Tsodyks and Markram 1997: U = 0.5, tau_D = 800 ms), facilitating (small U,
fast recovery, slow facilitation) and mixed (facilitates, then depresses) synapses."""


@dataclasses.dataclass
class TMResult:
    """Per presynaptic spike: ``x`` before it, ``u`` after its jump, the release ``u x``."""

    spike_times_ms: np.ndarray
    x: np.ndarray
    u: np.ndarray
    amplitude: np.ndarray

    @property
    def amplitudes(self) -> np.ndarray:
        return self.amplitude


@checked(PlasticityParams, spike_times_ms=None)
def tm_synapse(spike_times_ms, U: float = 0.5, tau_D: float = 800.0,
               tau_F: float = 0.0) -> TMResult:
    """``x`` before, ``u`` after each spike and the relative amplitude ``u x`` (event-exact)."""
    times = np.asarray(spike_times_ms, dtype=float).ravel()
    if len(times) and (not np.isfinite(times).all() or np.any(np.diff(times) < 0)):
        raise ValueError("spike_times_ms: must be finite and sorted")
    xs, us = [], []
    x, u_after, last = 1.0, 0.0, None
    U, tau_D, tau_F = float(U), float(tau_D), float(tau_F)
    for t in times.tolist():  # plain floats: this loop is the rate tool's cost
        if last is not None:
            gap = t - last
            x = 1.0 - (1.0 - x) * math.exp(-gap / tau_D)
            u_before = u_after * math.exp(-gap / tau_F) if tau_F > 0 else 0.0
        else:
            u_before = 0.0
        u_after = u_before + U * (1.0 - u_before)
        xs.append(x)
        us.append(u_after)
        x -= u_after * x
        last = t
    xs, us = np.array(xs, dtype=float), np.array(us, dtype=float)
    return TMResult(times, xs, us, us * xs)


def _decay(rate_Hz, tau_ms):
    period = 1000.0 / np.asarray(rate_Hz, dtype=float)
    return np.exp(-period / tau_ms) if tau_ms > 0 else np.zeros_like(period)


@checked(PlasticityParams, rate_Hz=None)
def steady_state_u(rate_Hz, U: float = 0.5, tau_F: float = 0.0):
    """u just after a spike in the steady state of a regular train: U / (1 - (1 - U) e^(-T/tau_F))."""
    return U / (1.0 - (1.0 - U) * _decay(rate_Hz, tau_F))


@checked(PlasticityParams, rate_Hz=None)
def steady_state_x(rate_Hz, U: float = 0.5, tau_D: float = 800.0, tau_F: float = 0.0):
    """x just before a spike in the steady state:
    (1 - e^(-T/tau_D)) / (1 - (1 - u_ss) e^(-T/tau_D))."""
    d = _decay(rate_Hz, tau_D)
    return (1.0 - d) / (1.0 - (1.0 - steady_state_u(rate_Hz, U, tau_F)) * d)


@checked(PlasticityParams, rate_Hz=None)
def steady_state_amplitude(rate_Hz, U: float = 0.5, tau_D: float = 800.0,
                           tau_F: float = 0.0):
    """The relative amplitude u x of a spike in the steady state of a regular train (analytic)."""
    return steady_state_u(rate_Hz, U, tau_F) * steady_state_x(rate_Hz, U, tau_D, tau_F)


@checked(PlasticityParams)
def limiting_frequency(U: float = 0.5, tau_D: float = 800.0) -> float:
    """1/(U tau_D) in Hz: above it a depressing synapse's steady amplitude falls as 1/rate, so
    the transmitted rate x amplitude saturates (Tsodyks and Markram 1997)."""
    return 1000.0 / (U * tau_D)


@checked(PlasticityParams, TrainParams, delay_ms=None, n_burst="n_spikes",
         burst_rate_Hz="rate_Hz")
def recovery_amplitude(delay_ms, n_burst: int = 10, burst_rate_Hz: float = 20.0,
                       U: float = 0.5, tau_D: float = 800.0, tau_F: float = 0.0):
    """The relative amplitude of a probe spike ``delay_ms`` after the last spike of a regular
    burst, as a continuous function of the delay: x recovers as 1 - (1 - x_+) e^(-d/tau_D),
    u decays as u_+ e^(-d/tau_F) and jumps by U (1 - u) (x_+, u_+ after the burst's last spike)."""
    burst = tm_synapse(np.arange(n_burst) * 1000.0 / burst_rate_Hz, U, tau_D, tau_F)
    x_after = burst.x[-1] * (1.0 - burst.u[-1])
    d = np.asarray(delay_ms, dtype=float)
    x = 1.0 - (1.0 - x_after) * np.exp(-d / tau_D)
    u = burst.u[-1] * np.exp(-d / tau_F) if tau_F > 0 else np.zeros_like(d)
    return (u + U * (1.0 - u)) * x
