"""Leaky integrate-and-fire neuron (book chapter 1.3), simulated with brian2.

    tau dv/dt = -(v - v_rest) + R I(t);  v > theta: spike, v <- v_reset, refractory period

The scripting API follows the exercise package: ``LIF_Step``, ``LIF_Sinus``,
``LIF_Neuron`` (any input current), ``plot_data``, ``get_spiketimes``, and the exercise's
three questions as functions (``min_step_amplitude``,
``fi_curve``, ``sinus_response``), each one vectorised brian2 run with a neuron per value.
brian2 is imported only when a simulation runs.
"""
from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np

from . import fast_path
from .exercise import as_current, check_flag, simtime_ms
from .params import ParamError, Params, checked, param
from .search import SearchInputs, lowest_firing
from .spikes import get_spiketimes, rate_from_isi
from .stimulus import BRIAN_EQUATIONS, si_values, stimulus_class
from .sweep import SweepResult

__all__ = ["LIFParams", "LIFStimulus", "LIFResult", "PRESETS", "simulate", "LIF_Step",
           "LIF_Sinus", "LIF_Neuron", "plot_data", "get_spiketimes", "min_step_amplitude",
           "fi_curve", "sinus_response",
           "firing_rate", "MinAmplitudeInputs", "FICurveInputs", "SinusResponseInputs"]


@dataclasses.dataclass(frozen=True)
class LIFParams(Params):
    """Neuron and run parameters; defaults are the exercise package's ``LIF_Step``."""

    v_rest: float = param(0.0, "resting potential", "mV", min=-200, max=200, step=1.0,
                          decimals=3, help="v relaxes towards this value without input")
    v_reset: float = param(0.0, "reset potential", "mV", min=-200, max=200, step=1.0,
                           decimals=3, help="v is set to this value after a spike")
    firing_threshold: float = param(1.0, "firing threshold", "mV", min=-200, max=200, step=1.0,
                                    decimals=3, help="a spike is emitted when v exceeds this")
    membrane_resistance: float = param(1.0, "membrane resistance R", "MOhm", min=0.001,
                                       max=1e4, step=1.0, decimals=3,
                                       help="R: steady depolarisation per unit current")
    membrane_time_scale: float = param(1.0, "membrane time constant tau", "ms", min=0.01,
                                       max=1e4, step=1.0, decimals=3,
                                       help="tau = R C: how fast v follows the input")
    abs_refractory_period: float = param(0.0, "absolute refractory period", "ms", min=0.0,
                                         max=1000, step=0.5, decimals=3,
                                         help="v is clamped at reset for this long after a spike")
    tend: float = param(100.0, "simulation length", "ms", min=0.1, max=1e5, step=10.0,
                        decimals=1, help="simulated time")
    dt: float = param(0.1, "time step", "ms", min=0.001, max=1.0, step=0.01, decimals=3,
                      help="integration time step")

    def check(self) -> None:
        if self.v_reset >= self.firing_threshold:
            raise ParamError("v_reset", "must be below the firing threshold")
        if self.dt > self.tend:
            raise ParamError("dt", "must be shorter than the simulation")


LIFStimulus = stimulus_class("nA", "LIFStimulus", __name__, I_amp=1.005, amplitude_range=1e3)

PRESETS = {
    "exercise package (LIF_Step)": (LIFParams(), LIFStimulus()),
    "book ch. 1.3 (physiological)": (
        LIFParams(v_rest=-70.0, v_reset=-65.0, firing_threshold=-50.0, membrane_resistance=10.0,
                  membrane_time_scale=8.0, abs_refractory_period=2.0, tend=200.0),
        LIFStimulus(I_tstart=20.0, I_tend=170.0, I_amp=2.5)),
}
"""Named parameter sets with a stimulus that shows them at work."""

EQUATIONS = """
dv/dt = (-(v - v_rest) + R * I_stim) / tau : volt (unless refractory)
v_rest : volt (shared)
v_reset : volt (shared)
v_th : volt (shared)
R : ohm (shared)
tau : second (shared)
t_ref : second (shared)
"""

MODEL = fast_path.Model("lif", EQUATIONS + BRIAN_EQUATIONS, "exponential_euler",
                        threshold="v > v_th", reset="v = v_reset", refractory="t_ref")
"""The model as the compiled fast path builds it (see ``fast_path``)."""


@dataclasses.dataclass
class LIFResult:
    """One run: sampled trace and spikes. ``t``, ``v``, ``I`` are the exercise package's names."""

    t_ms: np.ndarray
    v_mV: np.ndarray
    I_nA: np.ndarray
    spikes_ms: np.ndarray
    completed: bool = True
    path: str = "numpy"
    """Which simulator ran: "standalone" (the compiled fast path) or brian2's "numpy"."""
    path_note: str = ""
    """Why it was not the fast path ("" if it was)."""

    t = property(lambda self: self.t_ms, doc="time (ms)")
    v = property(lambda self: self.v_mV, doc="membrane potential (mV)")
    I = property(lambda self: self.I_nA, doc="injected current (nA)")  # noqa: E741

    @property
    def spike_count(self) -> int:
        return len(self.spikes_ms)

    @property
    def mean_rate_Hz(self) -> float:
        """Spike count over the simulated time."""
        duration_ms = self.t_ms[-1] - self.t_ms[0] + (self.t_ms[1] - self.t_ms[0]) \
            if len(self.t_ms) > 1 else 0.0
        return 1000.0 * self.spike_count / duration_ms if duration_ms > 0 else 0.0


def _values(params: LIFParams, stimulus, passive: bool = False) -> dict:
    """Parameters, initial state and stimulus in SI units, for either simulator."""
    threshold = 1e9 if passive else params.firing_threshold
    return {"v_rest": params.v_rest * 1e-3, "v_reset": params.v_reset * 1e-3,
            "v_th": threshold * 1e-3, "R": params.membrane_resistance * 1e6,
            "tau": params.membrane_time_scale * 1e-3, "t_ref": params.abs_refractory_period * 1e-3,
            "v": params.v_rest * 1e-3, **si_values(stimulus, 1e-9)}


def _group(params: LIFParams, stimulus, n: int, *, record: tuple[str, ...] = (),
           record_dt_ms: float | None = None, dt_ms: float | None = None,
           passive: bool = False):
    """The cached runtime network for ``n`` neurons, recording ``record`` of every neuron,
    with params and stimulus written into it."""
    from . import brian_support as bs

    dt_ms = dt_ms or params.dt
    record_dt_ms = record_dt_ms or dt_ms
    key = ("lif", n, "_".join(record) or "spikes", record_dt_ms, dt_ms)  # also the brian2 name
    built = bs.network(key, EQUATIONS, n, dt_ms=dt_ms,
                       threshold="v > v_th", reset="v = v_reset", refractory="t_ref",
                       method="exponential_euler", record=record, record_dt_ms=record_dt_ms)
    bs.write(built, _values(params, stimulus, passive))
    return built


def _run_setup(params: LIFParams) -> fast_path.Setup:
    return fast_path.Setup(1, params.dt, params.tend, record=("v", "I_stim"), spikes=True)


def _tool_setup(params: LIFParams, n: int, duration_ms: float) -> fast_path.Setup:
    return fast_path.Setup(n, params.dt, duration_ms, spikes=True)


def _min_amplitude_ms(params: LIFParams, stimulus) -> float:
    """How long a run of ``min_step_amplitude`` lasts: until the step ends, and a step more."""
    return min(params.tend, stimulus.I_tend) + params.dt


def fast_builds() -> list:
    """(model, setup) of the fast path for the default runs and tools (see ``precompile``)."""
    params, book = LIFParams(), PRESETS["book ch. 1.3 (physiological)"][0]
    return [(MODEL, _run_setup(params)), (MODEL, _run_setup(book)),
            (MODEL, _tool_setup(params, 50, 500.0)),
            (MODEL, _tool_setup(params, 101, _min_amplitude_ms(params, LIFStimulus())))]


@checked(diverges=True)
def simulate(params: LIFParams = LIFParams(), stimulus=LIFStimulus(), *, on_chunk=None,
             should_stop=None) -> LIFResult:
    """Simulate one neuron; ``on_chunk`` receives dicts of new samples (t_ms, v_mV, I_nA).

    The compiled fast path runs it when its build is ready (the result arrives whole);
    until then, and for long runs shown live, brian2's runtime (see ``fast_path``).
    """
    fast, note = fast_path.run(MODEL, _run_setup(params), _values(params, stimulus),
                               on_chunk=on_chunk,
                               should_stop=should_stop)
    if fast is not None:
        return LIFResult(t_ms=fast.t_ms, v_mV=fast.state["v"][0] * 1e3,
                         I_nA=fast.state["I_stim"][0] * 1e9, spikes_ms=fast.spikes_ms[0],
                         completed=fast.completed, path=fast_path.PATH)
    from brian2 import mV, nA

    from . import brian_support as bs

    built = _group(params, stimulus, 1, record=("v", "I_stim"))
    forward = None
    if on_chunk is not None:
        def forward(chunk):
            on_chunk({"t_ms": chunk["t_ms"], "v_mV": chunk["v"] * 1e3,
                      "I_nA": chunk["I_stim"] * 1e9, "spike_count": chunk["spike_count"]})
    completed = bs.run(built, params.tend, forward, should_stop)
    return LIFResult(t_ms=bs.recorded_times_ms(built),
                     v_mV=bs.recorded(built, "v", mV)[0],
                     I_nA=bs.recorded(built, "I_stim", nA)[0],
                     spikes_ms=bs.spike_trains_ms(built)[0], completed=completed,
                     path="numpy", path_note=note)


@checked(LIFParams, LIFStimulus)
def LIF_Step(I_tstart=20, I_tend=70, I_amp=1.005, tend=100, do_plot=True) -> LIFResult:
    """A step current (nA) from ``I_tstart`` to ``I_tend`` (ms) into the exercise-package
    neuron; ``do_plot`` draws v and I (``plot_data``) and keeps the figure as
    ``result.figure``."""
    check_flag(do_plot, "do_plot")
    result = simulate(LIFParams(tend=float(tend)),
                      LIFStimulus(kind="step", I_tstart=float(I_tstart), I_tend=float(I_tend),
                                  I_amp=float(I_amp)))
    return _plotted(result, do_plot, "Step current")


@checked(LIFParams, LIFStimulus)
def LIF_Sinus(I_freq=0.1, I_offset=0.5, I_amp=0.5, tend=100, dt=0.1, do_plot=True):
    """A sinusoidal current (I_freq in kHz, nA) during the whole run; ``do_plot`` as in
    ``LIF_Step``."""
    check_flag(do_plot, "do_plot")
    result = simulate(LIFParams(tend=float(tend), dt=float(dt)),
                      LIFStimulus(kind="sinusoid", I_tstart=0.0, I_tend=float(tend) + float(dt),
                                  I_freq=float(I_freq), I_offset=float(I_offset),
                                  I_amp=float(I_amp)))
    return _plotted(result, do_plot, "Sinusoidal current")


def _plotted(result: LIFResult, do_plot: bool, title: str, params: LIFParams = LIFParams()):
    if do_plot:
        result.figure = plot_data(result, v_threshold=params.firing_threshold, title=title)
    return result


@checked(LIFParams, curr=None, simtime=None, dt=None)
def LIF_Neuron(curr, simtime, dt=0.1, *, params: LIFParams = LIFParams()) -> LIFResult:
    """Run the exercise-package neuron (or ``params``'s) with any input current, as the
    seed's ``LIF_Neuron(curr, simtime)``: ``curr`` in nA (an array sampled every ``dt`` ms, a
    number, a ``neuron_type``-style Current or a brian2 TimedArray), ``simtime`` in seconds.

    Integrated in numpy with brian2's exact exponential step of ``params.dt``: the current is
    constant within a step, v is recorded at the start of each step, a spike (v above the
    threshold after a step) is timed at the step's start and resets v; during the refractory
    period v stays at the reset.
    """
    current = as_current(curr, "nA", _positive(dt, "dt"), 1e3)
    tend = simtime_ms(simtime, LIFParams.meta("tend").max, params.dt)
    return _integrate(params, current, tend)


def _positive(value, name: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or \
            not (math.isfinite(value) and value > 0):
        raise ParamError(name, f"must be a positive number of ms, not {str(value)[:40]!r}")
    return float(value)


def _integrate(params: LIFParams, current, tend_ms: float) -> LIFResult:
    dt = params.dt
    t = np.arange(int(round(tend_ms / dt))) * dt
    I = current.at(t)  # noqa: E741 - the exercise's name
    v_inf = params.v_rest + params.membrane_resistance * I  # mV: MOhm x nA
    decay = math.exp(-dt / params.membrane_time_scale)
    refractory = int(round(params.abs_refractory_period / dt))
    v = np.empty_like(t)
    spikes, x, last = [], params.v_rest, -refractory - 1
    for i in range(len(t)):
        v[i] = x
        if i - last >= refractory:
            x = v_inf[i] + (x - v_inf[i]) * decay
            if x > params.firing_threshold:
                spikes.append(t[i])
                x, last = params.v_reset, i
    return LIFResult(t_ms=t, v_mV=v, I_nA=I, spikes_ms=np.array(spikes), path="numpy loop",
                     path_note="LIF_Neuron integrates in numpy (exact exponential step)")


def plot_data(rec, v_threshold=1.0, title=None, show=True):
    """Draw v (with ``v_threshold`` dashed, mV) above I (nA) of a run (``LIF_Step``,
    ``LIF_Neuron``... or a brian2 StateMonitor recording v and I) with matplotlib; returns
    the figure."""
    from .exercise_plots import lif_figure

    if hasattr(rec, "v_mV"):
        t, v, current = rec.t_ms, rec.v_mV, rec.I_nA
    else:  # a brian2 StateMonitor: SI values
        t, v, current = (np.asarray(rec.t) * 1e3, np.asarray(rec.v[0]) * 1e3,
                         np.asarray(rec.I[0]) * 1e9)
    return lif_figure(t, v, current, v_threshold, title, show)


def _spike_trains(params, stimulus, amplitudes, duration_ms, should_stop=None):
    """Spike times (ms) of one neuron per step amplitude (nA), all in one run (compiled
    when its build is ready)."""
    values = {**_values(params, stimulus), "stim_amplitude": np.asarray(amplitudes) * 1e-9}
    fast, _ = fast_path.run(MODEL, _tool_setup(params, len(amplitudes), duration_ms), values,
                            should_stop=should_stop)
    if fast is not None:
        if not fast.completed:
            raise InterruptedError("stopped")
        return fast.spikes_ms
    from . import brian_support as bs

    built = _group(params, stimulus, len(amplitudes))
    bs.write(built, {"stim_amplitude": values["stim_amplitude"]})
    if not bs.run(built, duration_ms, should_stop=should_stop):
        raise InterruptedError("stopped")
    return bs.spike_trains_ms(built)


@checked("MinAmplitudeInputs", SearchInputs)
def min_step_amplitude(params: LIFParams = LIFParams(), stimulus=LIFStimulus(), *,
                       resolution_nA: float = 0.001, neurons: int = 101, on_chunk=None,
                       should_stop=None) -> SweepResult:
    """The smallest step amplitude (nA) that elicits at least one spike, to ``resolution_nA``.

    Each round runs ``neurons`` amplitudes at once and narrows the bracket by that factor.
    """
    step = dataclasses.replace(stimulus, kind="step", I_offset=0.0)
    duration = _min_amplitude_ms(params, step)
    rheobase = abs(params.firing_threshold - params.v_rest) / params.membrane_resistance

    def fires(amps):
        counts = np.array([len(train) for train in
                           _spike_trains(params, step, amps.ravel(), duration, should_stop)])
        return counts.reshape(amps.shape), counts.reshape(amps.shape) > 0

    search = lowest_firing(fires, resolution=resolution_nA, start=max(2 * rheobase, 0.01),
                           ceiling=1e3, neurons=neurons)
    answer = float(search.answer[0])
    if np.isnan(answer):
        raise ValueError("no spike up to 1000 nA: check the threshold and the step")
    if answer <= 0.0:
        raise ValueError("the neuron spikes without input: its rest is above threshold")
    amps = np.concatenate([a[0] for a, _ in search.tried])
    spiked = np.concatenate([c[0] for _, c in search.tried]) > 0
    order = np.argsort(amps)
    digits = max(0, -int(np.floor(np.log10(resolution_nA))))  # as many as the resolution has
    return SweepResult(amps[order], {"spike": spiked[order].astype(float)},
                       "step amplitude (nA)", answer=answer,
                       answer_text=f"minimum step amplitude for a spike: {answer:.{digits}f} nA "
                                   f"(to {resolution_nA:g} nA)")


@checked("FICurveInputs")
def fi_curve(params: LIFParams = LIFParams(), *, I_min: float = 0.0, I_max: float = 5.0,
             n: int = 50, step_ms: float = 500.0, on_chunk=None,
             should_stop=None) -> SweepResult:
    """Firing rate (Hz, from the mean inter-spike interval) against step amplitude (nA)."""
    amps = np.linspace(I_min, I_max, n)
    step = LIFStimulus(kind="step", I_tstart=0.0, I_tend=step_ms)
    run_params = dataclasses.replace(params, tend=step_ms)
    trains = _spike_trains(run_params, step, amps, step_ms, should_stop)
    rates = np.array([rate_from_isi(train) for train in trains])
    onset = amps[np.argmax(rates > 0)] if rates.any() else None
    text = (f"f-I curve: first firing at {onset:.3f} nA, {rates.max():.1f} Hz at {I_max:g} nA"
            if onset is not None else f"f-I curve: no repetitive firing up to {I_max:g} nA")
    quantised = 100.0 / params.dt  # Hz: above this an ISI is fewer than ten time steps
    if rates.max() > quantised:
        text += (f"; above about {quantised:.0f} Hz the simulated rates step, as an "
                 f"inter-spike interval is a whole number of time steps dt = {params.dt:g} ms "
                 "(the dashed curve is the exact rate)")
    return SweepResult(amps, {"rate_Hz": rates}, "step amplitude (nA)", answer_text=text)


@checked(I_nA=None)
def firing_rate(params: LIFParams, I_nA) -> np.ndarray:
    """The exact rate (Hz) under a constant current (book eq. 1.13): 1 / (t_ref + tau
    ln(R I / (R I - (theta - v_rest)))) above the rheobase, 0 below it."""
    drive = params.membrane_resistance * np.asarray(I_nA, dtype=float)  # mV
    gap = params.firing_threshold - params.v_rest
    reset = params.v_reset - params.v_rest
    with np.errstate(divide="ignore", invalid="ignore"):
        period = params.abs_refractory_period + params.membrane_time_scale * np.log(
            (drive - reset) / (drive - gap))
        return np.where(drive > gap, 1000.0 / period, 0.0)


MAX_SWEEP_STEPS = 2e6     # about a minute of brian2 numpy-target time
MAX_SWEEP_SAMPLES = 2e7   # 160 MB of recorded membrane potential


@checked("SinusResponseInputs")
def sinus_response(params: LIFParams = LIFParams(), *, I_amp: float = 0.5,
                   f_min_kHz: float = 0.1, f_max_kHz: float = 1.0, n: int = 19,
                   on_chunk=None, should_stop=None) -> SweepResult:
    """Amplitude (mV) and phase (degrees, v relative to I) of the membrane's response to a
    sinusoidal current, one neuron per frequency, threshold disabled (the subthreshold, passive
    membrane). The analytic answer is R I / sqrt(1 + (2 pi f tau)^2) and -atan(2 pi f tau).
    """
    from brian2 import kHz, mV

    from . import brian_support as bs

    freqs = np.linspace(f_min_kHz, f_max_kHz, n)
    tau = params.membrane_time_scale
    settle = 8.0 * tau
    duration = settle + 3.0 / f_min_kHz
    dt = min(params.dt, 0.005 / f_max_kHz)
    steps, samples = duration / dt, n * duration / (4 * dt)
    if steps > MAX_SWEEP_STEPS or samples > MAX_SWEEP_SAMPLES:
        raise ValueError(f"this sweep needs {steps:.3g} time steps and {samples:.3g} samples "
                         "(settling 8 tau, 3 periods of the lowest frequency, 200 steps per "
                         "period of the highest): raise the lowest frequency, lower the "
                         "highest or shorten tau")
    sinus = LIFStimulus(kind="sinusoid", I_tstart=0.0, I_tend=duration + 1.0, I_amp=I_amp)
    run_params = dataclasses.replace(params, tend=duration)
    built = _group(run_params, sinus, n, record=("v",), record_dt_ms=4 * dt, dt_ms=dt,
                   passive=True)
    built.group.stim_frequency = freqs * kHz
    if not bs.run(built, duration, should_stop=should_stop):
        raise InterruptedError("stopped")
    t = bs.recorded_times_ms(built)
    v = bs.recorded(built, "v", mV)
    keep = t >= settle
    amplitude, phase = np.empty(n), np.empty(n)
    for i, f in enumerate(freqs):
        omega_t = 2 * np.pi * f * t[keep]
        basis = np.column_stack([np.ones_like(omega_t), np.sin(omega_t), np.cos(omega_t)])
        _, b, c = np.linalg.lstsq(basis, v[i, keep], rcond=None)[0]
        amplitude[i], phase[i] = np.hypot(b, c), np.degrees(np.arctan2(c, b))
    return SweepResult(freqs, {"amplitude_mV": amplitude, "phase_deg": phase},
                       "input frequency (kHz)",
                       answer_text=f"response at {freqs[0]:g} kHz: {amplitude[0]:.3f} mV, "
                                   f"{phase[0]:.1f}°; at {freqs[-1]:g} kHz: {amplitude[-1]:.3f} mV,"
                                   f" {phase[-1]:.1f}°")


@dataclasses.dataclass(frozen=True)
class MinAmplitudeInputs(Params):
    """Inputs of :func:`min_step_amplitude` besides the neuron and the step's timing."""

    resolution_nA: float = param(0.001, "resolution", "nA", min=1e-6, max=1.0, step=0.001,
                                 decimals=6, help="the answer is exact to this current")


@dataclasses.dataclass(frozen=True)
class FICurveInputs(Params):
    """Inputs of :func:`fi_curve`."""

    I_min: float = param(0.0, "lowest amplitude", "nA", min=-1e3, max=1e3, step=0.1,
                         help="first step amplitude of the curve")
    I_max: float = param(5.0, "highest amplitude", "nA", min=-1e3, max=1e3, step=0.1,
                         help="last step amplitude of the curve")
    n: int = param(50, "amplitudes", min=2, max=2000, step=10,
                   help="number of amplitudes, one neuron each, simulated together")
    step_ms: float = param(500.0, "step duration", "ms", min=1.0, max=1e5, step=100.0,
                           help="each neuron receives its step for this long")

    def check(self) -> None:
        if self.I_max <= self.I_min:
            raise ParamError("I_max", "must be above the lowest amplitude")


@dataclasses.dataclass(frozen=True)
class SinusResponseInputs(Params):
    """Inputs of :func:`sinus_response`."""

    I_amp: float = param(0.5, "current amplitude", "nA", min=1e-6, max=1e3, step=0.1,
                         help="amplitude of the sinusoidal current")
    f_min_kHz: float = param(0.1, "lowest frequency", "kHz", min=0.001, max=10.0, step=0.05,
                             help="first input frequency")
    f_max_kHz: float = param(1.0, "highest frequency", "kHz", min=0.001, max=10.0, step=0.05,
                             help="last input frequency")
    n: int = param(19, "frequencies", min=2, max=500, step=1,
                   help="number of frequencies, one neuron each, simulated together")

    def check(self) -> None:
        if self.f_max_kHz <= self.f_min_kHz:
            raise ParamError("f_max_kHz", "must be above the lowest frequency")
