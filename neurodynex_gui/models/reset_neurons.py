"""Integrate-and-fire neurons with an exponential or quadratic upswing and a reset (book ch.
5.2, 6.1): the forward Euler scheme neurodynex3's exercises give brian2 (``method="euler"``),
written as plain loops.

Why not brian2 here: one neuron of these models is two lines of arithmetic per step; a plain
Python loop over floats runs 500 ms at dt = 0.1 ms in about 3-5 ms (bench/bench_zoo.py), within
the fast path's budget, with no worker build; several neurons at once (gallery, f-I curves, the
rheobase search) run as one numpy loop over the neuron axis. The scheme is brian2's "euler": the
input is read at the start of each step, the threshold is tested after the step, then the reset.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .params import ParamError



def check_exponential_neuron(params) -> None:
    """The cross-field rules of an exponential IF or AdEx parameter set (ParamError)."""
    if params.v_spike <= params.v_rheobase:
        raise ParamError("v_spike", "must be above the rheobase threshold")
    if params.v_reset >= params.v_spike:
        raise ParamError("v_reset", "must be below the numerical spike threshold")
    if params.dt > params.simulation_time:
        raise ParamError("dt", "must be shorter than the simulation")

@dataclasses.dataclass
class SpikingResult:
    """One run: ``t`` (ms), ``v`` (mV), ``w`` (pA; zeros without adaptation), ``I`` (pA) and
    ``spike_times`` (ms), the exercise package's names."""

    t: np.ndarray
    v: np.ndarray
    w: np.ndarray
    I: np.ndarray  # noqa: E741
    spike_times: np.ndarray
    completed: bool = True
    label: str = ""

    t_ms = property(lambda self: self.t)
    v_mV = property(lambda self: self.v)

    def spike_trains(self) -> tuple[np.ndarray, np.ndarray, float]:
        """The run as one unit for "Analyse spikes": times (ms), unit ids, duration (ms)."""
        return self.spike_times, np.zeros(len(self.spike_times), int), float(self.t[-1])

    @property
    def spike_count(self) -> int:
        return len(self.spike_times)


def current_samples(I_stim, steps: int, dt: float) -> np.ndarray:
    """The input at the start of each of ``steps`` steps (pA): a constant amplitude, an
    ``(amplitude, t_start_ms, t_end_ms)`` step, or an array sampled every dt (held at its last
    value past its end). Raises ValueError naming ``I_stim``."""
    if isinstance(I_stim, (int, float, np.floating, np.integer)) and not isinstance(I_stim, bool):
        value = float(I_stim)
        if not math.isfinite(value):
            raise ValueError("I_stim: must be a finite number")
        return np.full(steps, value)
    if isinstance(I_stim, tuple):
        if len(I_stim) != 3:
            raise ValueError("I_stim: a step is (amplitude_pA, t_start_ms, t_end_ms)")
        amplitude, start, end = (float(x) for x in I_stim)
        if not all(math.isfinite(x) for x in (amplitude, start, end)) or end < start:
            raise ValueError("I_stim: a step needs finite values and t_end_ms >= t_start_ms")
        t = np.arange(steps) * dt
        return np.where((t >= start - 1e-9) & (t < end - 1e-9), amplitude, 0.0)
    values = np.asarray(I_stim, dtype=float)
    if values.ndim != 1 or len(values) == 0 or not np.all(np.isfinite(values)):
        raise ValueError("I_stim: give a number (pA), a (amplitude_pA, t_start_ms, t_end_ms) "
                         "step, or a 1-d array of finite values sampled every dt")
    if len(values) >= steps:
        return values[:steps].copy()
    return np.concatenate([values, np.full(steps - len(values), values[-1])])


def adex_euler(tau_m, R, v_rest, v_reset, v_rheobase, delta_T, v_spike, a, tau_w, b,
               current: np.ndarray, dt: float, v0: float | None = None, w0: float = 0.0,
               exponential: bool = True):
    """One AdEx neuron (mV, MOhm, ms, nS, pA; R w and R I in mV as R [MOhm] x pA / 1000):
    tau_m dv/dt = -(v - v_rest) + delta_T exp((v - v_rheobase)/delta_T) + R (I - w),
    tau_w dw/dt = a (v - v_rest) - w; v > v_spike: v = v_reset, w += b.
    ``exponential=False`` drops the exponential term (a leaky neuron with a hard threshold).
    Returns v, w (one sample per step, before the step) and the spike times (ms)."""
    steps = len(current)
    v = v_rest if v0 is None else v0
    w = w0
    h_m, h_w, r = dt / tau_m, dt / tau_w, R / 1000.0  # the constants of one step, hoisted
    scale, inv_delta = (delta_T, 1.0 / delta_T) if exponential else (0.0, 0.0)
    vs, ws, spikes = [0.0] * steps, [0.0] * steps, []
    exp = math.exp
    for k, drive in enumerate((r * np.asarray(current, float)).tolist()):
        vs[k] = v
        ws[k] = w
        dv = h_m * (v_rest - v + scale * exp((v - v_rheobase) * inv_delta) + drive - r * w)
        w += h_w * (a * (v - v_rest) - w)
        v += dv
        if v > v_spike:
            v = v_reset
            w += b
            spikes.append((k + 1) * dt)
    return np.array(vs), np.array(ws), np.array(spikes)


def adex_euler_many(p: dict, current: np.ndarray, dt: float, exponential: bool = True):
    """Many AdEx neurons at once: ``p`` maps each parameter name of :func:`adex_euler` to a
    number or an array (one per neuron); ``current`` is steps x neurons (pA). Returns the spike
    times of every neuron (list of arrays, ms) and v, w (steps x neurons)."""
    n = current.shape[1]
    get = {name: np.broadcast_to(np.asarray(value, float), (n,)).copy()
           for name, value in p.items()}
    v = get["v_rest"].copy()
    w = np.zeros(n)
    r = get["R"] / 1000.0
    steps = current.shape[0]
    vs, ws = np.empty((steps, n)), np.empty((steps, n))
    fired: list[list[float]] = [[] for _ in range(n)]
    with np.errstate(over="ignore"):
        for k in range(steps):
            vs[k], ws[k] = v, w
            upswing = (get["delta_T"] * np.exp((v - get["v_rheobase"]) / get["delta_T"])
                       if exponential else 0.0)
            dv = (-(v - get["v_rest"]) + upswing + r * (current[k] - w)) / get["tau_m"]
            dw = (get["a"] * (v - get["v_rest"]) - w) / get["tau_w"]
            v = v + dt * dv
            w = w + dt * dw
            spiking = v > get["v_spike"]
            if spiking.any():
                for i in np.flatnonzero(spiking):
                    fired[i].append((k + 1) * dt)
                v = np.where(spiking, get["v_reset"], v)
                w = np.where(spiking, w + get["b"], w)
    return [np.array(s) for s in fired], vs, ws
