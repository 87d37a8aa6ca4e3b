"""Adaptive exponential integrate-and-fire neuron (Neuronal Dynamics ch. 6.1; neurodynex3's
``adex_model`` exercise, with its names and defaults):

    tau_m du/dt = -(u - v_rest) + delta_T exp((u - v_rheobase)/delta_T) - R w + R I(t)
    tau_w dw/dt = a (u - v_rest) - w
    u > v_spike: u <- v_reset, w <- w + b

Units of the exercise as plain numbers: ms, mV, MOhm, nS, pA. ``FIRING_PATTERNS`` holds the
seven parameter sets of the book's Table 6.1 with a step current that shows each pattern;
``classify_pattern`` names the pattern of a run from its spike times by the rules in
``CLASSIFIER_RULES``; ``ADEX`` is the u-w plane for the shared phase-plane widget.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import Params, checked, param
from .planar import PlanarModel
from .reset_neurons import (SpikingResult, adex_euler, check_exponential_neuron,
                            current_samples)
from .stimulus import stimulus_class

__all__ = ["AdExParams", "AdExStimulus", "FIRING_PATTERNS", "PATTERN_CURRENTS", "ADEX",
           "simulate_AdEx_neuron", "simulate", "classify_pattern", "gallery", "classify_run",
           "u_nullcline", "w_nullcline", "CLASSIFIER_RULES"]


@dataclasses.dataclass(frozen=True)
class AdExParams(Params):
    """neurodynex3's ``AdEx`` defaults (the initial-burst set of Table 6.1)."""

    tau_m: float = param(5.0, "τ_m (membrane)", "ms", min=0.1, max=1000.0,
                         step=0.5, decimals=2, help="MEMBRANE_TIME_SCALE_tau_m")
    R: float = param(500.0, "R (resistance)", "MOhm", min=0.1, max=10000.0, step=10.0,
                     decimals=1, help="MEMBRANE_RESISTANCE_R: R I (mV) = R (MOhm) I (pA) / 1000")
    v_rest: float = param(-70.0, "u_rest (rest)", "mV", min=-120.0, max=0.0, step=1.0,
                          decimals=2, help="V_REST")
    v_reset: float = param(-51.0, "u_r (reset)", "mV", min=-120.0, max=0.0, step=1.0,
                           decimals=2, help="V_RESET: u after a spike")
    v_rheobase: float = param(-50.0, "θ_rh (rheobase)", "mV", min=-120.0, max=0.0,
                              step=1.0, decimals=2, help="RHEOBASE_THRESHOLD_v_rh")
    a: float = param(0.5, "a (subthreshold)", "nS", min=-100.0, max=100.0, step=0.1,
                     decimals=3, help="ADAPTATION_VOLTAGE_COUPLING_a: w follows a (u - v_rest)")
    b: float = param(7.0, "b (spike-triggered)", "pA", min=-1000.0, max=10000.0,
                     step=1.0, decimals=2, help="SPIKE_TRIGGERED_ADAPTATION_INCREMENT_b")
    v_spike: float = param(-30.0, "spike threshold", "mV", min=-100.0, max=50.0,
                           step=1.0, decimals=2, help="FIRING_THRESHOLD_v_spike")
    delta_T: float = param(2.0, "Δ_T (sharpness)", "mV", min=0.01, max=20.0, step=0.1, decimals=3,
                           help="SHARPNESS_delta_T")
    tau_w: float = param(100.0, "τ_w (adaptation)", "ms", min=0.1, max=10000.0,
                         step=5.0, decimals=2, help="ADAPTATION_TIME_CONSTANT_tau_w")
    simulation_time: float = param(500.0, "simulation length", "ms", min=1.0, max=20000.0,
                                   step=10.0, decimals=1, help="simulated time")
    dt: float = param(0.1, "time step", "ms", min=0.001, max=0.5, step=0.01, decimals=3,
                      help="Euler step: 0.1 ms keeps a 500 ms run to a few ms; neurodynex3's "
                           "AdEx clock (the scripting function's default) is 0.01 ms")

    def check(self) -> None:
        check_exponential_neuron(self)


AdExStimulus = stimulus_class("pA", "AdExStimulus", __name__, I_amp=65.0, amplitude_range=1e5,
                              I_tstart=10.0, I_tend=500.0)

_TABLE = {  # book Table 6.1: tau_m (ms), a (nS), tau_w (ms), b (pA), u_r (mV)
    "tonic": (20.0, 0.0, 30.0, 60.0, -55.0),
    "adapting": (20.0, 0.0, 100.0, 5.0, -55.0),
    "initial burst": (5.0, 0.5, 100.0, 7.0, -51.0),
    "bursting": (5.0, -0.5, 100.0, 7.0, -46.0),
    "irregular": (9.9, -0.5, 100.0, 7.0, -46.0),
    "transient": (10.0, 1.0, 100.0, 10.0, -60.0),
    "delayed": (5.0, -1.0, 100.0, 10.0, -60.0),
}
PATTERN_CURRENTS = {"tonic": 65.0, "adapting": 65.0, "initial burst": 65.0, "bursting": 65.0,
                    "irregular": 108.0, "transient": 55.0, "delayed": 25.0}
"""Step amplitudes (pA, from 10 ms to the end of a 500 ms run) that show each pattern: 65 pA
where it does; the irregular set fires chaotically in a window near 106-113 pA, the transient
set stops after two spikes at 55 pA, the delayed set starts late just above its rheobase."""

FIRING_PATTERNS = {
    name: AdExParams(tau_m=tau_m, a=a, tau_w=tau_w, b=b, v_reset=u_r)
    for name, (tau_m, a, tau_w, b, u_r) in _TABLE.items()}
"""The seven firing patterns of Table 6.1 (R = 500 MOhm, Δ_T = 2 mV, θ_rh = -50 mV,
v_rest = -70 mV in all)."""


def _neuron(p: AdExParams) -> dict:
    return dict(tau_m=p.tau_m, R=p.R, v_rest=p.v_rest, v_reset=p.v_reset,
                v_rheobase=p.v_rheobase, delta_T=p.delta_T, v_spike=p.v_spike, a=p.a,
                tau_w=p.tau_w, b=p.b)


def _run(p: AdExParams, current: np.ndarray, label: str = "AdEx") -> SpikingResult:
    v, w, spikes = adex_euler(**_neuron(p), current=current, dt=p.dt)
    return SpikingResult(t=np.arange(len(current)) * p.dt, v=v, w=w,
                         I=np.asarray(current, float), spike_times=spikes, label=label)


@checked(AdExParams, I_stim=None)
def simulate_AdEx_neuron(tau_m=5.0, R=500.0, v_rest=-70.0, v_reset=-51.0, v_rheobase=-50.0,
                         a=0.5, b=7.0, v_spike=-30.0, delta_T=2.0, tau_w=100.0, I_stim=0.0,
                         simulation_time=200.0, dt=0.01) -> SpikingResult:
    """neurodynex3's function with numbers in its units; ``I_stim`` in pA: a constant, an
    ``(amplitude_pA, t_start_ms, t_end_ms)`` step or an array sampled every ``dt``. The
    result has ``t`` (ms), ``v`` (mV), ``w`` (pA), ``I`` (pA) and ``spike_times`` (ms).
    ``dt`` defaults to the clock neurodynex3's AdEx module sets (0.01 ms)."""
    p = AdExParams(tau_m=float(tau_m), R=float(R), v_rest=float(v_rest),
                   v_reset=float(v_reset), v_rheobase=float(v_rheobase), a=float(a),
                   b=float(b), v_spike=float(v_spike), delta_T=float(delta_T),
                   tau_w=float(tau_w), simulation_time=float(simulation_time), dt=float(dt))
    steps = int(round(p.simulation_time / p.dt))
    return _run(p, current_samples(I_stim, steps, p.dt))


@checked(diverges=True)
def simulate(params: AdExParams = AdExParams(), stimulus=AdExStimulus(), *, on_chunk=None,
             should_stop=None) -> SpikingResult:
    """The tab's run: the form's neuron and stimulus."""
    steps = int(round(params.simulation_time / params.dt))
    return _run(params, stimulus.current(np.arange(steps) * params.dt))


# -- the u-w plane --------------------------------------------------------------------------------

@checked(AdExParams, I=None)
def u_nullcline(u, I=65.0, R=500.0, v_rest=-70.0, v_rheobase=-50.0, delta_T=2.0):
    """w (pA) where du/dt = 0: w = I + (-(u - v_rest) + delta_T exp((u - v_rheobase)/delta_T))
    / R, with R in MOhm (1000 mV / (MOhm pA))."""
    u = np.asarray(u, float)
    with np.errstate(over="ignore"):
        return I + 1000.0 * (-(u - v_rest) + delta_T * np.exp((u - v_rheobase) / delta_T)) / R


@checked(AdExParams)
def w_nullcline(u, a=0.5, v_rest=-70.0):
    """w (pA) where dw/dt = 0: w = a (u - v_rest) (a in nS, u in mV)."""
    return a * (np.asarray(u, float) - v_rest)


@dataclasses.dataclass(frozen=True)
class PlaneParams:
    """What the u-w plane needs: the neuron and a constant current I (pA)."""

    neuron: AdExParams
    I: float

    def __getattr__(self, name):
        return getattr(self.neuron, name)


def _rhs(u, w, p):
    with np.errstate(over="ignore"):
        du = (-(u - p.v_rest) + p.delta_T * np.exp((u - p.v_rheobase) / p.delta_T)
              + p.R * (p.I - w) / 1000.0) / p.tau_m
    return du, (p.a * (u - p.v_rest) - w) / p.tau_w


def _jacobian(u, w, p):
    with np.errstate(over="ignore"):
        e = np.exp((u - p.v_rheobase) / p.delta_T)
    return [[(-1.0 + e) / p.tau_m, -p.R / 1000.0 / p.tau_m], [p.a / p.tau_w, -1.0 / p.tau_w]]


ADEX = PlanarModel(
    name="AdEx", rhs=_rhs, x_name="u", y_name="w", x_label="u", y_label="w", x_unit="mV",
    y_unit="pA", t_label="time", t_unit="ms", jacobian=_jacobian,
    x_nullcline=lambda u, p: u_nullcline(u, p.I, p.R, p.v_rest, p.v_rheobase, p.delta_T),
    y_nullcline=lambda u, p: p.a * (np.asarray(u, float) - p.v_rest))
"""The u-w plane (without resets: those the tab draws as jumps of the simulated run)."""


# -- classifying a pattern -------------------------------------------------------------------------

CLASSIFIER_RULES = (
    ("silent", "no spike during the stimulus"),
    ("transient", "the last spike comes more than max(100 ms, 3 x the longest ISI) before "
                  "the stimulus ends"),
    ("delayed", "the first spike comes more than 50 ms after the onset and later than the "
                "median ISI (or a single spike more than 50 ms after the onset)"),
    ("bursting", "at least three long ISIs (> 1/3 of the longest) with groups of several spikes "
                 "between them, every complete group of the same size"),
    ("irregular", "long ISIs repeat but the groups between them differ in size"),
    ("initial burst", "the first ISI is shorter than a third of the median ISI of the second "
                      "half, with no repeated bursts"),
    ("adapting", "the last ISI is more than 1.5 x the first"),
    ("tonic", "otherwise: regular ISIs from the start"),
)
"""The rules of :func:`classify_pattern`, tested in this order."""


@checked()
def classify_pattern(spike_times, stimulus_start: float = 10.0,
                     stimulus_end: float | None = None) -> str:
    """The firing pattern (a key of FIRING_PATTERNS, or "silent") of the spike times (ms)
    of a run with a step from ``stimulus_start`` to ``stimulus_end`` (default: the last spike
    plus 100 ms), by the rules of ``CLASSIFIER_RULES``."""
    s = np.sort(np.asarray(spike_times, float))
    s = s[s >= stimulus_start]
    if len(s) == 0:
        return "silent"
    end = s[-1] + 100.0 if stimulus_end is None else float(stimulus_end)
    isi = np.diff(s)
    longest = isi.max() if len(isi) else 0.0
    if end - s[-1] > max(100.0, 3.0 * longest):
        return "transient"
    latency = s[0] - stimulus_start
    if latency > 50.0 and (len(isi) == 0 or latency > np.median(isi)):
        return "delayed"
    if len(isi) < 2:
        return "tonic"
    long = np.flatnonzero(isi > isi.max() / 3.0)
    groups = np.diff(long)  # spikes between consecutive long ISIs
    if len(long) >= 3 and groups.max() > 1:
        return "bursting" if len(set(groups.tolist())) == 1 else "irregular"
    late = isi[len(isi) // 2:]
    if isi[0] < np.median(late) / 3.0:
        return "initial burst"
    if isi[-1] > 1.5 * isi[0]:
        return "adapting"
    return "tonic"


def classify_run(result: SpikingResult, stimulus=None) -> str:
    """classify_pattern for a run of the tab (its stimulus window)."""
    start = 0.0 if stimulus is None else stimulus.I_tstart
    end = result.t[-1] if stimulus is None else min(stimulus.I_tend, result.t[-1])
    return classify_pattern(result.spike_times, start, end)


@dataclasses.dataclass
class Gallery:
    """All seven presets run together: ``runs`` by name, and the pattern each was classified as."""

    runs: dict[str, SpikingResult]
    classified: dict[str, str]


@checked(AdExParams)
def gallery(simulation_time: float = 500.0, dt: float = 0.1, on_chunk=None,
            should_stop=None) -> Gallery:
    """The seven Table 6.1 presets with their step currents (``PATTERN_CURRENTS`` from 10 ms
    on), each simulated and classified."""
    steps = int(round(simulation_time / dt))
    t = np.arange(steps) * dt
    runs, classified = {}, {}
    for name, params in FIRING_PATTERNS.items():  # seven plain loops beat one numpy loop
        current = np.where(t >= 10.0, PATTERN_CURRENTS[name], 0.0)
        v, w, spikes = adex_euler(**_neuron(params), current=current, dt=dt)
        runs[name] = SpikingResult(t=t, v=v, w=w, I=current, spike_times=spikes, label=name)
        classified[name] = classify_pattern(spikes, 10.0, simulation_time)
    return Gallery(runs, classified)



@checked()
def classify_tool(params: AdExParams = AdExParams(), stimulus=AdExStimulus(), *, on_chunk=None,
                  should_stop=None):
    """The classifier as a tool: simulate, classify, and return the ISI sequence."""
    from .sweep import SweepResult

    result = simulate(params, stimulus)
    pattern = classify_run(result, stimulus)
    isi = np.diff(result.spike_times)
    return SweepResult(x=np.arange(1, len(isi) + 1, dtype=float), columns={"ISI_ms": isi},
                       x_label="interval number",
                       answer_text=f"{result.spike_count} spikes: classified as <b>{pattern}"
                                   f"</b> (rules on the Gallery page).")
