"""Hodgkin-Huxley model (book chapter 2.2): the scripting API, with the exercise's questions.

The model itself (parameters, kinetics, resting state, ``simulate``, ``HH_Step``, ``HH_Sinus``,
``HH_Ramp``, ``prepare``) lives in :mod:`.hh_model` and is re-exported here. The tools answer
the exercise's questions (``min_step_amplitude``, ``repetitive_threshold``, ``gNa_scan``,
``rebound_threshold``, ``ramp_threshold``), each a vectorised run with one neuron per
amplitude, where **repetitive firing** means at least ``min_spikes`` spikes in the last
``window_ms`` of a long step (by default 2 spikes in the last 100 ms of a 300 ms step): the
first few spikes after the onset of a step do not count.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import fast_path
from .exercise import as_current, simtime_ms
from .hh_model import (NEURONS_PER_ROUND, PRESETS, TOOL_MODEL, HH_Ramp, HH_Sinus, HH_Step,
                       HHParams, HHResult, HHStimulus, RestingState, brian_target, fast_builds,
                       initial_state, ionic_currents, prepare, rates, resting_state,
                       run_values, simulate, steady_states, time_constants, tool_network,
                       tool_setup)
from .params import ParamError, Params, checked, param
from .search import Brackets, lowest_firing
from .spikes import get_spiketimes
from .sweep import SweepResult

__all__ = ["HHParams", "HHStimulus", "HHResult", "RestingState", "PRESETS", "simulate",
           "HH_Step", "HH_Sinus", "HH_Ramp", "rates", "steady_states", "time_constants",
           "ionic_currents", "resting_state", "initial_state", "prepare", "fast_builds",
           "min_step_amplitude", "repetitive_threshold", "gNa_scan", "rebound_threshold",
           "ramp_threshold", "ThresholdInputs", "RepetitiveInputs", "GNaScanInputs",
           "ReboundInputs", "RampInputs", "HH_Neuron", "plot_data"]


# -- the seed's HH_Neuron and plot_data ------------------------------------------------------

@checked(HHParams, curr=None, simtime=None, dt=None)
def HH_Neuron(curr, simtime, dt=0.1, *, params: HHParams = HHParams()) -> HHResult:
    """Run the squid axon (or ``params``'s) from rest with any input current, as the seed's
    ``HH_Neuron(curr, simtime)``: ``curr`` in uA (an array sampled every ``dt`` ms, a number,
    a Current or a brian2 TimedArray), ``simtime`` in seconds.

    Integrated in numpy with brian2's exponential Euler step of ``params.dt`` (every variable
    advanced with the others held at the step's start, the current at the step's start);
    traces are kept every ``params.record_dt``, spikes are upward crossings of
    ``params.spike_level``, as in ``simulate``.
    """
    from .lif import _positive

    current = as_current(curr, "uA", _positive(dt, "dt"), 1e4)
    tend = simtime_ms(simtime, HHParams.meta("tend").max, params.dt)
    return _integrate(params, current, tend)


def _integrate(params: HHParams, current, tend_ms: float) -> HHResult:
    dt, every = params.dt, params.sample_every
    steps = int(round(tend_ms / dt))
    drive = current.at(np.arange(steps) * dt)
    g_Na, g_K, g_L, C = params.g_Na_effective, params.g_K, params.g_L, params.C
    E_Na, E_K, E_L = params.E_Na, params.E_K, params.E_L
    v, m, n, h = initial_state(params)
    kept = np.empty(((steps + every - 1) // every, 4))
    exp, expm1 = math.exp, math.expm1
    for i in range(steps):
        if i % every == 0:
            kept[i // every] = v, m, n, h
        x_m, x_n = (25.0 - v) / 10.0, (10.0 - v) / 10.0
        a_m = x_m / expm1(x_m) if abs(x_m) > 1e-8 else 1.0
        a_n = 0.1 * x_n / expm1(x_n) if abs(x_n) > 1e-8 else 0.1
        b_m, b_n = 4.0 * exp(-v / 18.0), 0.125 * exp(-v / 80.0)
        a_h, b_h = 0.07 * exp(-v / 20.0), 1.0 / (1.0 + exp((30.0 - v) / 10.0))
        sodium, potassium = g_Na * m ** 3 * h, g_K * n ** 4
        total = sodium + potassium + g_L
        v_inf = (sodium * E_Na + potassium * E_K + g_L * E_L + drive[i]) / total
        v_new = v_inf + (v - v_inf) * exp(-dt * total / C)
        m = a_m / (a_m + b_m) + (m - a_m / (a_m + b_m)) * exp(-dt * (a_m + b_m))
        n = a_n / (a_n + b_n) + (n - a_n / (a_n + b_n)) * exp(-dt * (a_n + b_n))
        h = a_h / (a_h + b_h) + (h - a_h / (a_h + b_h)) * exp(-dt * (a_h + b_h))
        v = v_new
    t = np.arange(len(kept)) * every * dt
    return HHResult(t_ms=t, vm_mV=kept[:, 0], I_e_uA=current.at(t), m=kept[:, 1],
                    n=kept[:, 2], h=kept[:, 3],
                    spikes_ms=get_spiketimes(t, kept[:, 0], params.spike_level), params=params,
                    rest=resting_state(params), target="numpy loop",
                    path_note="HH_Neuron integrates in numpy (exponential Euler)")


def plot_data(rec, title=None, show=True):
    """Draw vm (mV), m, n, h and I (uA) of a run (``HH_Step``, ``HH_Neuron``... or a brian2
    StateMonitor recording vm, I_e, m, n, h) with matplotlib; returns the figure."""
    from .exercise_plots import hh_figure

    if hasattr(rec, "vm_mV"):
        values = rec.t_ms, rec.vm_mV, rec.m, rec.n, rec.h, rec.I_e_uA
    else:  # a brian2 StateMonitor: SI values
        values = (np.asarray(rec.t) * 1e3, np.asarray(rec.vm[0]) * 1e3, np.asarray(rec.m[0]),
                  np.asarray(rec.n[0]), np.asarray(rec.h[0]), np.asarray(rec.I_e[0]) * 1e6)
    return hh_figure(*values, title=title, show=show)


# -- the exercise's questions ----------------------------------------------------------------



def _spike_trains(params: HHParams, stimulus, amplitudes, scales=None, duration_ms=None,
                  should_stop=None) -> list[np.ndarray]:
    """Spike times (ms) of one neuron per amplitude (uA), in one run; ``scales`` (shaped like
    the amplitudes) sets each neuron's sodium channel density factor and resting state."""
    amplitudes = np.ravel(amplitudes)
    values = {**run_values(params, stimulus), "stim_amplitude": amplitudes * 1e-6}
    if scales is not None:
        scales = np.ravel(scales)
        starts = {s: initial_state(dataclasses.replace(params, g_Na_scale=s))
                  for s in np.unique(scales)}
        state = np.array([starts[s] for s in scales])
        values.update(g_Na=params.g_Na * scales * 1e-3, vm=state[:, 0] * 1e-3, m=state[:, 1],
                      n=state[:, 2], h=state[:, 3])
    duration_ms = duration_ms or params.tend
    fast, _ = fast_path.run(TOOL_MODEL, tool_setup(params, len(amplitudes), duration_ms),
                            values, should_stop=should_stop)
    if fast is not None:
        if not fast.completed:
            raise InterruptedError("stopped")
        return fast.spikes_ms
    from . import brian_support as bs

    built = tool_network(params, stimulus, len(amplitudes), brian_target(None))
    bs.write(built, values)
    if not bs.run(built, duration_ms, should_stop=should_stop):
        raise InterruptedError("stopped")
    return bs.spike_trains_ms(built)


def _lowest_firing(fires, resolution_uA: float, groups: int = 1) -> Brackets:
    """The lowest amplitude (uA, from 0 up to 1000) for which ``fires`` holds, per group."""
    return lowest_firing(fires, resolution=resolution_uA, groups=groups, start=20.0,
                         ceiling=1000.0, neurons=NEURONS_PER_ROUND)


def _sweep(search: Brackets, sign: float, column: str, x_label: str, text: str,
           group: int = 0) -> SweepResult:
    """The tried amplitudes of one group with their counts, answer marked."""
    amps = np.concatenate([a[group] for a, _ in search.tried]) * sign
    counts = np.concatenate([c[group] for _, c in search.tried])
    amps, first = np.unique(amps, return_index=True)
    answer = search.answer[group]
    return SweepResult(amps, {column: counts[first].astype(float)}, x_label,
                       answer=None if np.isnan(answer) else float(sign * answer),
                       answer_text=text)


def _describe(answer: float, what: str, resolution: float, sign: float = 1.0,
              ceiling: float = 1000.0) -> str:
    if np.isnan(answer):
        return f"{what}: none up to {sign * ceiling:g} uA"
    if answer == 0.0:
        return f"{what}: 0 uA (the neuron fires without input)"
    return f"{what}: {sign * answer:.{_decimals(resolution)}f} uA (to {resolution:g} uA)"


def _decimals(resolution: float) -> int:
    return max(1, int(np.ceil(-np.log10(resolution))))


@checked("ThresholdInputs")
def min_step_amplitude(params: HHParams = HHParams(), stimulus=HHStimulus(), *,
                       resolution_uA: float = 0.01, on_chunk=None,
                       should_stop=None) -> SweepResult:
    """The lowest step amplitude (uA) that gives at least one spike (vm crossing
    ``spike_level``) during a run of ``params.tend`` with the step's timing of ``stimulus``."""
    step = dataclasses.replace(stimulus, kind="step", I_offset=0.0)

    def fires(amps):
        counts = _counts(_spike_trains(params, step, amps, should_stop=should_stop), amps)
        return counts, counts > 0

    search = _lowest_firing(fires, resolution_uA)
    text = _describe(search.answer[0], "lowest step amplitude for a spike", resolution_uA)
    return _sweep(search, 1.0, "spike_count", "step amplitude (uA)", text)


def _counts(trains, amps, start_ms: float = -np.inf) -> np.ndarray:
    """Spikes at or after ``start_ms`` per neuron, shaped like ``amps``."""
    return np.array([np.sum(train >= start_ms) for train in trains]).reshape(np.shape(amps))


def _repetitive(params: HHParams, scales: np.ndarray, step_ms: float, window_ms: float,
                min_spikes: int, resolution_uA: float, should_stop) -> Brackets:
    step = HHStimulus(kind="step", I_tstart=0.0, I_tend=step_ms + 1.0, I_amp=0.0)
    run_params = dataclasses.replace(params, tend=step_ms)

    def fires(amps):
        per_neuron = np.repeat(scales[:, None], amps.shape[1], axis=1)
        trains = _spike_trains(run_params, step, amps, per_neuron, step_ms, should_stop)
        counts = _counts(trains, amps, step_ms - window_ms)
        return counts, counts >= min_spikes

    return _lowest_firing(fires, resolution_uA, len(scales))


@checked("RepetitiveInputs")
def repetitive_threshold(params: HHParams = HHParams(), *, step_ms: float = 300.0,
                         window_ms: float = 100.0, min_spikes: int = 2,
                         resolution_uA: float = 0.01, on_chunk=None,
                         should_stop=None) -> SweepResult:
    """The lowest step amplitude (uA) for repetitive firing: at least ``min_spikes`` spikes
    in the last ``window_ms`` of a step lasting ``step_ms`` (the run starts with the step)."""
    search = _repetitive(params, np.array([params.g_Na_scale]), step_ms, window_ms,
                         min_spikes, resolution_uA, should_stop)
    text = _describe(search.answer[0], "lowest step amplitude for repetitive firing",
                     resolution_uA)
    return _sweep(search, 1.0, "late_spikes", "step amplitude (uA)",
                  f"{text}; g_Na = {params.g_Na_effective:g} mS")


@checked("GNaScanInputs")
def gNa_scan(params: HHParams = HHParams(), *, scale_min: float = 1.0,
             scale_max: float = 1.5, scales: int = 2, step_ms: float = 300.0,
             window_ms: float = 100.0, min_spikes: int = 2, resolution_uA: float = 0.01,
             on_chunk=None, should_stop=None) -> SweepResult:
    """The repetitive-firing threshold (see ``repetitive_threshold``) for sodium channel
    densities ``g_Na x scale`` with ``scales`` factors from ``scale_min`` to ``scale_max``
    (they replace ``params.g_Na_scale``); all in one run per round."""
    factors = np.linspace(scale_min, scale_max, scales)
    search = _repetitive(params, factors, step_ms, window_ms, min_spikes, resolution_uA,
                         should_stop)
    parts = [f"×{f:g}: {'none' if np.isnan(a) else f'{a:.{_decimals(resolution_uA)}f} uA'}"
             for f, a in zip(factors, search.answer)]
    return SweepResult(factors, {"threshold_uA": search.answer.copy()},
                       "sodium channel density factor",
                       answer_text="repetitive firing threshold, g_Na " + ", ".join(parts))


@checked("ReboundInputs")
def rebound_threshold(params: HHParams = HHParams(), *, step_start_ms: float = 5.0,
                      step_ms: float = 20.0, after_ms: float = 30.0,
                      resolution_uA: float = 0.01, on_chunk=None,
                      should_stop=None) -> SweepResult:
    """The weakest hyperpolarising step (uA, negative) after whose end the neuron fires a
    rebound spike within ``after_ms``: while the current pulls vm down, h recovers above and n
    falls below their resting values, so at release sodium dominates."""
    end = step_start_ms + step_ms
    step = HHStimulus(kind="step", I_tstart=step_start_ms, I_tend=end, I_amp=0.0)
    run_params = dataclasses.replace(params, tend=end + after_ms)

    def fires(amps):
        counts = _counts(_spike_trains(run_params, step, -amps, should_stop=should_stop),
                         amps, end)
        return counts, counts > 0

    search = _lowest_firing(fires, resolution_uA)
    text = _describe(search.answer[0], "weakest negative step for a rebound spike",
                     resolution_uA, sign=-1.0)
    return _sweep(search, -1.0, "rebound_spikes", "step amplitude (uA)", text)


@checked("RampInputs")
def ramp_threshold(params: HHParams = HHParams(), *, ramp_start_ms: float = 5.0,
                   ramp_end_ms: float = 50.0, after_ms: float = 30.0,
                   resolution_uA: float = 0.01, on_chunk=None,
                   should_stop=None) -> SweepResult:
    """The lowest final amplitude (uA) of a ramp, from 0 at ``ramp_start_ms`` to its end at
    ``ramp_end_ms`` (then 0), that gives a spike within ``after_ms`` of its end. A slow ramp
    needs more current than a fast one: m follows v at once, but h closes and n opens on the
    way up (accommodation)."""
    if ramp_end_ms <= ramp_start_ms:
        raise ParamError("ramp_end_ms", "must be later than the start")
    ramp = HHStimulus(kind="ramp", I_tstart=ramp_start_ms, I_tend=ramp_end_ms, I_amp=0.0)
    run_params = dataclasses.replace(params, tend=ramp_end_ms + after_ms)

    def fires(amps):
        counts = _counts(_spike_trains(run_params, ramp, amps, should_stop=should_stop), amps)
        return counts, counts > 0

    search = _lowest_firing(fires, resolution_uA)
    text = _describe(search.answer[0], f"lowest ramp amplitude for a spike "
                     f"({ramp_end_ms - ramp_start_ms:g} ms ramp)", resolution_uA)
    return _sweep(search, 1.0, "spike_count", "ramp amplitude (uA)", text)


_RESOLUTION = dict(min=1e-4, max=1.0, step=0.01, decimals=4,
                   help="the answer is exact to this current")


@dataclasses.dataclass(frozen=True)
class ThresholdInputs(Params):
    """Inputs of :func:`min_step_amplitude` besides the neuron and the step's timing."""

    resolution_uA: float = param(0.01, "resolution", "uA", **_RESOLUTION)


@dataclasses.dataclass(frozen=True)
class RepetitiveInputs(Params):
    """Inputs of :func:`repetitive_threshold`: what counts as repetitive firing."""

    step_ms: float = param(300.0, "step duration", "ms", min=10.0, max=1e4, step=50.0,
                           decimals=1, help="the step starts with the run and lasts this long")
    window_ms: float = param(100.0, "late window", "ms", min=1.0, max=1e4, step=10.0,
                             decimals=1, help="spikes are counted in this last part of "
                             "the step")
    min_spikes: int = param(2, "spikes in the window", min=1, max=100, step=1,
                            help="repetitive firing: at least this many spikes late in "
                            "the step")
    resolution_uA: float = param(0.01, "resolution", "uA", **_RESOLUTION)

    def check(self) -> None:
        if self.window_ms > self.step_ms:
            raise ParamError("window_ms", "must not exceed the step duration")


@dataclasses.dataclass(frozen=True)
class GNaScanInputs(RepetitiveInputs):
    """Inputs of :func:`gNa_scan`: the sodium channel density factors to compare."""

    scale_min: float = param(1.0, "smallest g_Na factor", min=0.0, max=20.0, step=0.1,
                             decimals=3, help="first sodium channel density factor")
    scale_max: float = param(1.5, "largest g_Na factor", min=0.0, max=20.0, step=0.1,
                             decimals=3, help="last sodium channel density factor")
    scales: int = param(2, "factors", min=1, max=21, step=1,
                        help="number of factors, evenly spaced, simulated together")

    def check(self) -> None:
        super().check()
        if self.scale_max < self.scale_min:
            raise ParamError("scale_max", "must not be below the smallest factor")


@dataclasses.dataclass(frozen=True)
class ReboundInputs(Params):
    """Inputs of :func:`rebound_threshold`."""

    step_start_ms: float = param(5.0, "step start", "ms", min=0.0, max=1e4, step=1.0,
                                 decimals=1, help="the negative step starts here")
    step_ms: float = param(20.0, "step duration", "ms", min=0.1, max=1e4, step=5.0,
                           decimals=1, help="how long the neuron is hyperpolarised")
    after_ms: float = param(30.0, "watch after the step", "ms", min=1.0, max=1e4, step=5.0,
                            decimals=1, help="a spike this soon after the step's end counts")
    resolution_uA: float = param(0.01, "resolution", "uA", **_RESOLUTION)


@dataclasses.dataclass(frozen=True)
class RampInputs(Params):
    """Inputs of :func:`ramp_threshold` (the exercise: slow 5-50 ms, fast 5-10 ms)."""

    ramp_start_ms: float = param(5.0, "ramp start", "ms", min=0.0, max=1e4, step=1.0,
                                 decimals=1, help="the current starts rising from 0 here")
    ramp_end_ms: float = param(50.0, "ramp end", "ms", min=0.1, max=1e4, step=5.0,
                               decimals=1, help="the current reaches its amplitude and "
                               "drops to 0 here")
    after_ms: float = param(30.0, "watch after the ramp", "ms", min=1.0, max=1e4, step=5.0,
                            decimals=1, help="a spike this soon after the ramp's end counts")
    resolution_uA: float = param(0.01, "resolution", "uA", **_RESOLUTION)

    def check(self) -> None:
        if self.ramp_end_ms <= self.ramp_start_ms:
            raise ParamError("ramp_end_ms", "must be later than the ramp start")
