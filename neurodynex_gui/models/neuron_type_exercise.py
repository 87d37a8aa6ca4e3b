"""The seed's step current, free-current runs and figure of the type I / type II neurons
(re-exported by :mod:`.neuron_type`: ``get_step_curr``, ``plot_data``; ``run_neuron`` is what
``NeuronX().run(curr, simtime)`` calls)."""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .exercise import Current, as_current, check_flag, simtime_ms
from .neuron_type_models import DT_MS, TYPE_ONE, Traces, TypeOneParams, TypeTwoParams, spec_of
from .params import ParamError, Params, checked, param

__all__ = ["StepCurrent", "get_step_curr", "plot_data", "rec_to_tuple", "run_neuron"]

AMPLITUDE_LIMIT_PA = 100.0
"""The largest current (pA) a run takes, as the tab's stimulus form."""


@dataclasses.dataclass(frozen=True)
class StepCurrent(Params):
    """The step of :func:`get_step_curr` (ms, pA), 1 ms samples as in the seed."""

    I_tstart: float = param(20.0, "start", "ms", min=0.0, max=1e5, step=1.0,
                            help="the step switches on at this time")
    I_tend: float = param(270.0, "end", "ms", min=0.0, max=1e5, step=1.0,
                          help="the step switches off at this time")
    I_amp: float = param(0.5, "amplitude", "pA", min=-AMPLITUDE_LIMIT_PA,
                         max=AMPLITUDE_LIMIT_PA, step=0.01, help="height of the step")

    def check(self) -> None:
        if self.I_tend <= self.I_tstart:
            raise ParamError("I_tend", "must be later than the start")


@checked(StepCurrent)
def get_step_curr(I_tstart=20, I_tend=270, I_amp=0.5) -> Current:
    """A step of ``I_amp`` pA from ``I_tstart`` to ``I_tend`` ms, sampled every 1 ms (the
    sample at k ms is on when I_tstart <= k < I_tend) and 0 afterwards: the seed's
    ``get_step_curr``, as a :class:`.exercise.Current` (``.to_timed_array()`` gives brian2's
    TimedArray)."""
    k = np.arange(int(math.ceil(I_tend)) + 1)
    return Current(np.where((k >= I_tstart) & (k < I_tend), float(I_amp), 0.0), 1.0, "pA")


def run_neuron(neuron_type: str, curr, simtime, dt: float = 0.1):
    """One neuron of ``neuron_type`` driven by ``curr`` (pA: a Current, an array sampled every
    ``dt`` ms, a number or a brian2 TimedArray) for ``simtime`` seconds, integrated in numpy
    with the forward Euler step the brian2 runs use (0.1 ms); returns ``Traces``."""

    from .lif import _positive

    current = as_current(curr, "pA", _positive(dt, "dt"), AMPLITUDE_LIMIT_PA)
    tend = simtime_ms(simtime, 1e5, DT_MS)
    spec = spec_of(neuron_type)
    p = spec.params
    if p.I != 0.0:
        p = dataclasses.replace(p, I=0.0)
    t = np.arange(int(round(tend / DT_MS))) * DT_MS
    current_pA = current.at(t)
    drive = p.R * current_pA / (20.0 if isinstance(p, TypeOneParams) else 1.0)  # mV/ms
    rhs = spec.planar.rhs
    v, w = np.empty_like(t), np.empty_like(t)
    x, y = float(p.v0), float(p.w0)
    for i in range(len(t)):
        v[i], w[i] = x, y
        dv, dw = rhs(x, y, p)
        x, y = x + DT_MS * (float(dv) + drive[i]), y + DT_MS * float(dw)
    if not isinstance(p, (TypeOneParams, TypeTwoParams)):  # pragma: no cover - two types
        raise ValueError(neuron_type)
    return Traces(t_ms=t, v_mV=v[None, :], w_mV=w[None, :], I_pA=current_pA[None, :],
                  amplitudes_pA=np.array([np.nan]), path="numpy loop",
                  path_note=f"run integrates the {'type I' if neuron_type == TYPE_ONE else 'type II'}"
                            " neuron in numpy (forward Euler)")


def _arrays(rec):
    """(t, v, w, I) in ms, mV, mV, pA of ``Traces`` (first neuron), a (t, v, w, I) tuple or a
    brian2 StateMonitor recording v, w, I."""
    if hasattr(rec, "v_mV"):
        return rec.t_ms, rec.v_mV[0], rec.w_mV[0], rec.I_pA[0]
    if isinstance(rec, tuple) and len(rec) == 4:
        return tuple(np.asarray(part, dtype=float) for part in rec)
    return (np.asarray(rec.t) * 1e3, np.asarray(rec.v[0]) * 1e3, np.asarray(rec.w[0]) * 1e3,
            np.asarray(rec.I[0]) * 1e12)


def rec_to_tuple(rec):
    """(t, v, w, I) arrays in ms, mV, mV, pA of a run (what ``run`` returns, or a brian2
    StateMonitor recording v, w, I): the seed's ``rec_to_tuple``."""
    return tuple(np.asarray(part, dtype=float) for part in _arrays(rec))


def plot_data(rec, title=None, show=False, spikes_ms=()):
    """Draw v, w (mV) and I (pA) of a run (what ``run`` or ``step`` returns, or a brian2
    StateMonitor) with matplotlib; ``show`` calls ``plt.show()`` (as the seed, False by
    default); returns the figure."""
    from .exercise_plots import neuron_type_figure

    check_flag(show, "show")
    return neuron_type_figure(*_arrays(rec), title=title, show=show, spikes_ms=spikes_ms)
