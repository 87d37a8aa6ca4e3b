"""Type I and type II neurons (Neuronal Dynamics, ch. 4.4): the mystery-neuron exercise.

The two models (a Morris-Lecar-like type I and a FitzHugh-Nagumo-like type II neuron) are in
:mod:`.neuron_type_models` and re-exported here. Spikes are upward crossings of v = 0.5 mV,
rates come from the mean inter-spike interval (as ``get_rate`` of the exercise package: a step
from 100 ms to the end of the run).

The mystery: ``NeuronX`` and ``NeuronY`` are the two types in a random order, reassigned by
:func:`shuffle`; ``NeuronX.get_neuron_type()`` reveals which is which. Sweeps run one brian2
network per type with one neuron per amplitude. brian2 is imported only when a simulation runs.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import fast_path, spikes
from .exercise import check_flag
from .neuron_type_exercise import get_step_curr, plot_data, rec_to_tuple, run_neuron
from .neuron_type_models import (COMMON_EQUATIONS, DT_MS, SPECS, TYPE_ONE, TYPE_ONE_MODEL,
                                 TYPE_TWO, TYPE_TWO_MODEL, V_TH_MV, NeuronSpec, Traces,
                                 TypeOneParams, TypeTwoParams, spec_of)
from .params import ParamError, Params, checked, param
from .search import SearchInputs, lowest_firing
from .stimulus import BRIAN_EQUATIONS, si_values, stimulus_class

__all__ = ["TYPE_ONE", "TYPE_TWO", "TypeOneParams", "TypeTwoParams", "TYPE_ONE_MODEL",
           "TYPE_TWO_MODEL", "SPECS", "NeuronTypeStimulus", "TraceParams", "AmplitudeRange",
           "MysteryParams", "Traces", "PairResult", "ThresholdResult", "Curves", "NeuronTypeOne",
           "NeuronTypeTwo", "NeuronX", "NeuronY", "shuffle", "get_spiketimes", "rates",
           "traces", "threshold", "onset_curve", "simulate", "thresholds", "fi_curves",
           "onset_curves", "ThresholdInputs", "FICurveInputs", "OnsetInputs", "get_step_curr",
           "plot_data", "rec_to_tuple"]

RATE_STEP_START_MS = 100.0
"""A rate is measured with a step from this time to the end of the run (as ``get_rate``)."""


# ---------------------------------------------------------------- inputs of the tab and tools

NeuronTypeStimulus = stimulus_class("pA", "NeuronTypeStimulus", __name__, I_amp=0.3,
                                    amplitude_range=100.0, I_tstart=100.0, I_tend=1100.0)

MAX_AMPLITUDES = 12


@dataclasses.dataclass(frozen=True)
class TraceParams(Params):
    """A run of both neurons: several amplitudes overlaid (I_amp, I_amp + step, ...)."""

    n_amplitudes: int = param(5, "amplitudes overlaid", min=1, max=MAX_AMPLITUDES, step=1,
                              help="number of runs overlaid, one neuron each: the stimulus "
                                   "amplitude, then in increments of the step below")
    amplitude_step: float = param(0.05, "amplitude increment", "pA", min=-10.0, max=10.0,
                                  step=0.01, help="difference between successive amplitudes")
    t_end: float = param(1200.0, "simulation length", "ms", min=1.0, max=1e5, step=100.0,
                         decimals=1, help="simulated time")
    dt: float = param(DT_MS, "time step", "ms", min=0.001, max=0.5, step=0.01, decimals=3,
                      help="integration (forward Euler, as the seed) and sampling step")

    def check(self) -> None:
        if self.dt > self.t_end:
            raise ParamError("dt", "must be shorter than the simulation")

    def amplitudes(self, first: float) -> np.ndarray:
        return first + self.amplitude_step * np.arange(self.n_amplitudes)


@dataclasses.dataclass(frozen=True)
class AmplitudeRange(Params):
    """How far the amplitudes of :func:`traces` and :func:`rates` may reach: as far as the
    tab's overlaid runs (the largest amplitude plus the largest increments)."""

    amplitudes: float = param(0.0, "amplitudes", "pA",
                              min=-100.0 - 10.0 * (MAX_AMPLITUDES - 1),
                              max=100.0 + 10.0 * (MAX_AMPLITUDES - 1))


@dataclasses.dataclass(frozen=True)
class MysteryParams(Params):
    """Which type hides behind neuron X (Y is the other) and whether that was revealed."""

    neuron_X: str = param(TYPE_ONE, "neuron X is", choices=(TYPE_ONE, TYPE_TWO),
                          help="the type behind neuron X; neuron Y is the other")
    revealed: bool = param(False, "revealed", help="whether the answer has been shown")

    def assignment(self) -> dict[str, str]:
        other = TYPE_TWO if self.neuron_X == TYPE_ONE else TYPE_ONE
        return {"X": self.neuron_X, "Y": other}


@dataclasses.dataclass(frozen=True)
class ThresholdInputs(Params):
    """Inputs of :func:`thresholds`."""

    resolution: float = param(0.01, "resolution", "pA", min=1e-5, max=1.0, step=0.001,
                              decimals=5, help="the threshold is bracketed to this width")
    I_max: float = param(2.0, "search up to", "pA", min=0.01, max=100.0, step=0.1,
                         help="highest step amplitude tried")
    t_end: float = param(1000.0, "run length", "ms", min=200.0, max=1e5, step=100.0,
                         help="each run: step from 100 ms to this time; repetitive firing "
                              "means at least two spikes")


@dataclasses.dataclass(frozen=True)
class FICurveInputs(Params):
    """Inputs of :func:`fi_curves`."""

    I_min: float = param(0.0, "lowest amplitude", "pA", min=-100.0, max=100.0, step=0.1,
                         help="first step amplitude of the curve")
    I_max: float = param(1.0, "highest amplitude", "pA", min=-100.0, max=100.0, step=0.1,
                         help="last step amplitude of the curve")
    n: int = param(100, "amplitudes", min=2, max=2000, step=10,
                   help="number of amplitudes, one neuron each, simulated together")
    t_end: float = param(1000.0, "run length", "ms", min=200.0, max=1e5, step=100.0,
                         help="each run: step from 100 ms to this time (as get_rate)")

    def check(self) -> None:
        if self.I_max <= self.I_min:
            raise ParamError("I_max", "must be above the lowest amplitude")


@dataclasses.dataclass(frozen=True)
class OnsetInputs(Params):
    """Inputs of :func:`onset_curves`."""

    width: float = param(0.05, "range above threshold", "pA", min=1e-4, max=10.0, step=0.01,
                         help="the zoom spans from a quarter of this below the threshold "
                              "to this above it")
    n: int = param(100, "amplitudes", min=10, max=2000, step=10,
                   help="number of amplitudes in the zoom, one neuron each")
    t_end: float = param(2000.0, "run length", "ms", min=200.0, max=1e5, step=100.0,
                         help="each run: step from 100 ms to this time; longer runs resolve "
                              "lower rates")


# ---------------------------------------------------------------- results

@dataclasses.dataclass
class PairResult:
    """A run of both mystery neurons, keyed "X" and "Y" (Y is missing if stopped before);
    ``assignment`` is the mystery it was run with (neuron name -> type)."""

    assignment: dict[str, str]
    traces: dict[str, Traces] = dataclasses.field(default_factory=dict)
    completed: bool = True

    @property
    def path_note(self) -> str:
        """Why a neuron's run did not take the compiled fast path ('' if both did)."""
        return next((t.path_note for t in self.traces.values() if t.path_note), "")


@dataclasses.dataclass
class ThresholdResult:
    """Per neuron ("X", "Y"): the bracket (low: no repetitive firing, high: firing)."""

    assignment: dict[str, str]
    brackets: dict[str, tuple[float, float]]
    text: str

    def threshold(self, name: str) -> float:
        low, high = self.brackets[name]
        return 0.5 * (low + high)


@dataclasses.dataclass
class Curves:
    """Rate (Hz) against current (pA) per neuron; ``onset`` (pA) is the reference current of a
    zoom (the lowest amplitude with repetitive firing; None for a plain f-I curve)."""

    assignment: dict[str, str]
    currents: dict[str, np.ndarray]
    rates: dict[str, np.ndarray]
    text: str
    onset: dict[str, float] | None = None


# ---------------------------------------------------------------- brian2 runs

SPIKE = "v > v_th"
"""Threshold and refractory condition: spikes are upward crossings of v_th (a neuron stays
refractory while v > v_th)."""

MODELS = {spec.slug: fast_path.Model(f"ntype_{spec.slug}",
                                     spec.equations + COMMON_EQUATIONS + BRIAN_EQUATIONS,
                                     "euler", threshold=SPIKE, refractory=SPIKE)
          for spec in SPECS.values()}
"""The two models as the compiled fast path builds them, by slug."""


def _values(spec: NeuronSpec, stimulus, amplitudes: np.ndarray) -> dict:
    """Parameters, initial state and stimulus (one amplitude per neuron) in SI units."""
    return {**spec.values(spec.params), "v_th": V_TH_MV * 1e-3, "v": spec.params.v0 * 1e-3,
            "w": spec.params.w0 * 1e-3, **si_values(stimulus, 1e-12),
            "stim_amplitude": amplitudes * 1e-12}


NEURONS_PER_ROUND = 41
"""Amplitudes simulated together per round of a threshold search."""


RECORDED = ("v", "w")
"""What a traced run records; the current is known from the stimulus (``_currents``): recording
it too cost a third of a compiled run."""


def _trace_setup(n: int, dt: float, t_end: float) -> fast_path.Setup:
    return fast_path.Setup(n, dt, t_end, record=RECORDED)


def _currents(stimulus, amplitudes: np.ndarray, first: int, samples: int, dt: float
              ) -> np.ndarray:
    """The input current (pA), one row per amplitude, at samples ``first`` to ``first +
    samples`` (every ``dt`` ms): what brian2's I_stim is at those steps."""
    return stimulus.current((first + np.arange(samples)) * dt, amplitudes)


def _rate_setup(n: int, t_end: float) -> fast_path.Setup:
    return fast_path.Setup(n, DT_MS, t_end, spikes=True)


def fast_builds() -> list:
    """(model, setup) of the fast path for the tab's default run, f-I curve and threshold
    search and the scripting API's ``step``, per type (see ``precompile``)."""
    run = TraceParams()
    setups = [_trace_setup(run.n_amplitudes, run.dt, run.t_end), _trace_setup(1, DT_MS, 300.0),
              _rate_setup(FICurveInputs().n, FICurveInputs().t_end),
              _rate_setup(NEURONS_PER_ROUND, ThresholdInputs().t_end)]
    return [(model, setup) for model in MODELS.values() for setup in setups]


def _network(spec: NeuronSpec, n: int, dt_ms: float, record: bool, values: dict):
    """The cached runtime network of ``n`` neurons of one type, in its initial state, with
    ``values`` written."""
    from . import brian_support as bs

    built = bs.network(("ntype", spec.slug, n, dt_ms, record),
                       spec.equations + COMMON_EQUATIONS, n, dt_ms=dt_ms,
                       threshold=SPIKE, refractory=SPIKE, method="euler",
                       record=RECORDED if record else (), spikes=not record)
    bs.write(built, values)
    return built


@checked(TraceParams, AmplitudeRange)
def rates(neuron_type: str, amplitudes, t_end: float = 1000.0, *, should_stop=None
          ) -> np.ndarray:
    """Firing rates (Hz, from the mean ISI; 0 below two spikes) for steps of ``amplitudes``
    (pA) from 100 ms to ``t_end`` (ms), all in one run with one neuron per amplitude."""
    spec = spec_of(neuron_type)
    amplitudes = np.atleast_1d(np.asarray(amplitudes, float))
    values = _values(spec, NeuronTypeStimulus(I_tstart=RATE_STEP_START_MS, I_tend=t_end),
                     amplitudes)
    fast, _ = fast_path.run(MODELS[spec.slug], _rate_setup(len(amplitudes), t_end), values,
                            should_stop=should_stop)
    if fast is not None:
        if not fast.completed:
            raise InterruptedError("stopped")
        trains = fast.spikes_ms
    else:
        from . import brian_support as bs

        built = _network(spec, len(amplitudes), DT_MS, False, values)
        if not bs.run(built, t_end, should_stop=should_stop):
            raise InterruptedError("stopped")
        trains = bs.spike_trains_ms(built)
    return np.array([spikes.rate_from_isi(train) for train in trains])


@checked(TraceParams, AmplitudeRange, diverges=True)
def traces(neuron_type: str, stimulus=NeuronTypeStimulus(), amplitudes=(0.3,),
           t_end: float = 1200.0, dt: float = DT_MS, *, on_chunk=None,
           should_stop=None) -> Traces:
    """Runs of one neuron type with ``stimulus``, one neuron per amplitude (pA, replacing the
    stimulus's I_amp). ``on_chunk`` receives dicts of new samples of every neuron:
    t_ms (k,), v_mV, w_mV, I_pA (n, k); the compiled fast path, when its build is ready,
    sends none (the result arrives whole)."""
    amplitudes = np.atleast_1d(np.asarray(amplitudes, float))
    run = _fast_run(neuron_type, stimulus, amplitudes, t_end, dt)
    fast, note = fast_path.run(*run, on_chunk=on_chunk, should_stop=should_stop)
    return _traces(fast, stimulus, amplitudes, dt) if fast is not None else \
        _runtime_traces(neuron_type, stimulus, run[2], amplitudes, t_end, dt, note, on_chunk,
                        should_stop)


def _fast_run(neuron_type: str, stimulus, amplitudes: np.ndarray, t_end: float, dt: float):
    """(model, setup, values) of a traces run on the fast path."""
    spec = spec_of(neuron_type)
    return (MODELS[spec.slug], _trace_setup(len(amplitudes), dt, t_end),
            _values(spec, stimulus, amplitudes))


def _traces(fast: fast_path.Output, stimulus, amplitudes: np.ndarray, dt: float) -> Traces:
    return Traces(t_ms=fast.t_ms, v_mV=fast.state["v"] * 1e3, w_mV=fast.state["w"] * 1e3,
                  I_pA=_currents(stimulus, amplitudes, 0, len(fast.t_ms), dt),
                  amplitudes_pA=amplitudes, completed=fast.completed, path=fast_path.PATH)


def _runtime_traces(neuron_type, stimulus, values, amplitudes, t_end, dt, note, on_chunk,
                    should_stop) -> Traces:
    from brian2 import mV

    from . import brian_support as bs

    built = _network(spec_of(neuron_type), len(amplitudes), dt, True, values)
    forward = None if on_chunk is None else _all_neurons(built, stimulus, amplitudes, dt,
                                                         on_chunk)
    completed = bs.run(built, t_end, forward, should_stop)
    t_ms = bs.recorded_times_ms(built)
    return Traces(t_ms=t_ms, v_mV=bs.recorded(built, "v", mV),
                  w_mV=bs.recorded(built, "w", mV),
                  I_pA=_currents(stimulus, amplitudes, 0, len(t_ms), dt),
                  amplitudes_pA=amplitudes, completed=completed, path_note=note)


def _all_neurons(built, stimulus, amplitudes, dt, on_chunk):
    """A chunk callback for brian_support (which sends neuron 0) that sends every neuron."""
    state, sent = built.state, [0]

    def forward(chunk):
        start, end = sent[0], sent[0] + len(chunk["t_ms"])
        sent[0] = end

        def new(name, scale):
            return np.asarray(state.variables[name].get_value()[start:end].T * scale, float)

        on_chunk({"t_ms": chunk["t_ms"], "v_mV": new("v", 1e3), "w_mV": new("w", 1e3),
                  "I_pA": _currents(stimulus, amplitudes, start, end - start, dt)})

    return forward


@checked(ThresholdInputs, SearchInputs)
def threshold(neuron_type: str, resolution: float = 0.01, I_max: float = 2.0,
              t_end: float = 1000.0, *, neurons: int = NEURONS_PER_ROUND, should_stop=None
              ) -> tuple[float, float]:
    """The current (pA) above which a step from 100 ms to ``t_end`` makes the neuron fire
    repetitively (at least two spikes), bracketed to ``resolution``: (low, high), where
    ``high`` fires and ``low`` does not. Each round runs ``neurons`` amplitudes at once and
    narrows the bracket by that factor less one."""
    def fires(amps):
        counts = rates(neuron_type, amps.ravel(), t_end, should_stop=should_stop)
        return counts.reshape(amps.shape), counts.reshape(amps.shape) > 0

    search = lowest_firing(fires, resolution=resolution, start=float(I_max),
                           ceiling=float(I_max), neurons=neurons)
    low, high = float(search.low[0]), float(search.high[0])
    if np.isnan(high):
        raise ValueError(f"no repetitive firing up to {I_max:g} pA")
    if high <= 0.0:
        raise ValueError("repetitive firing already without input")
    return low, high


@checked(OnsetInputs)
def onset_curve(neuron_type: str, width: float = 0.05, n: int = 100, t_end: float = 2000.0,
                *, should_stop=None) -> tuple[np.ndarray, np.ndarray, float]:
    """The f-I curve near threshold: (amplitudes, rates, onset) with ``n`` amplitudes from a
    quarter of ``width`` below the threshold to ``width`` above it; ``onset`` is the lowest
    amplitude with repetitive firing (the scan itself finds it: the threshold is first
    bracketed to a quarter of ``width``)."""
    low, high = threshold(neuron_type, width / 4, t_end=t_end, should_stop=should_stop)
    amps = np.linspace(low - 0.25 * width, high + width, n)
    found = rates(neuron_type, amps, t_end, should_stop=should_stop)
    firing = found > 0
    onset = float(amps[np.argmax(firing)]) if firing.any() else high
    return amps, found, onset


# ---------------------------------------------------------------- jobs of the tab

SHOWN_SAMPLES = 2400
"""The tab's runs keep about this many samples per trace (every k-th step): a plot some 500 to
1000 pixels wide shows no more, and drawing, sending and keeping 12,000 samples of 30 traces
cost a third of a re-run while a slider is dragged. Spike counts are found at every step."""


@dataclasses.dataclass(frozen=True)
class ShownSamples(Params):
    """How many samples per trace the tab's run keeps."""

    samples: int = param(SHOWN_SAMPLES, "samples per trace", min=0, max=10**8, step=100,
                         help="at most about this many samples of each trace (every k-th "
                              "step); 0 keeps every step")


@checked(ShownSamples)
def simulate(stimulus=NeuronTypeStimulus(), run: TraceParams = TraceParams(),
             mystery: MysteryParams = MysteryParams(), *, samples: int = SHOWN_SAMPLES,
             on_chunk=None, should_stop=None) -> PairResult:
    """Both mystery neurons, X then Y, with the same stimulus and amplitudes; chunks carry
    ``"neuron": "X"`` or ``"Y"``. The traces keep about ``samples`` samples each (every k-th
    step, all if 0; chunks keep every step), spike counts come from every step."""
    amplitudes = run.amplitudes(stimulus.I_amp)
    assignment = mystery.assignment()
    result = PairResult(assignment)
    runs = {name: _fast_run(neuron_type, stimulus, amplitudes, run.t_end, run.dt)
            for name, neuron_type in assignment.items()}
    fast = dict(zip(runs, fast_path.run_all(list(runs.values()), on_chunk=on_chunk,
                                            should_stop=should_stop)))  # X and Y at once
    for name, neuron_type in assignment.items():
        output, note = fast[name]
        forward = None
        if on_chunk is not None:
            def forward(chunk, name=name):
                on_chunk({"neuron": name, **chunk})
        done = _traces(output, stimulus, amplitudes, run.dt) if output is not None else \
            _runtime_traces(neuron_type, stimulus, runs[name][2], amplitudes, run.t_end, run.dt,
                            note, forward, should_stop)
        result.traces[name] = done.shown(samples)
        if not done.completed:
            result.completed = False
            break
    return result


@checked(ThresholdInputs)
def thresholds(mystery: MysteryParams = MysteryParams(), resolution: float = 0.01,
               I_max: float = 2.0, t_end: float = 1000.0, *, on_chunk=None,
               should_stop=None) -> ThresholdResult:
    """The threshold current of repetitive firing of neurons X and Y (see :func:`threshold`)."""
    brackets = {name: threshold(neuron_type, resolution, I_max, t_end, should_stop=should_stop)
                for name, neuron_type in mystery.assignment().items()}
    text = "; ".join(f"neuron {name}: repetitive firing from {0.5 * (lo + hi):.4f} pA "
                     f"(± {0.5 * (hi - lo):.4f})" for name, (lo, hi) in brackets.items())
    return ThresholdResult(mystery.assignment(), brackets, f"Threshold currents, {text}.")


@checked(FICurveInputs)
def fi_curves(mystery: MysteryParams = MysteryParams(), I_min: float = 0.0, I_max: float = 1.0,
              n: int = 100, t_end: float = 1000.0, *, on_chunk=None,
              should_stop=None) -> Curves:
    """f-I curves of neurons X and Y: ``n`` step amplitudes from I_min to I_max (pA)."""
    amps = np.linspace(I_min, I_max, n)
    found = {name: rates(neuron_type, amps, t_end, should_stop=should_stop)
             for name, neuron_type in mystery.assignment().items()}
    text = "; ".join(_fi_summary(name, amps, r) for name, r in found.items())
    return Curves(mystery.assignment(), {name: amps for name in found}, found,
                  f"f-I curves: {text}.")


def _fi_summary(name: str, amps: np.ndarray, found: np.ndarray) -> str:
    if not found.any():
        return f"neuron {name} does not fire repetitively up to {amps[-1]:g} pA"
    first = int(np.argmax(found > 0))
    return (f"neuron {name} fires from {amps[first]:.3f} pA at {found[first]:.1f} Hz, "
            f"{found.max():.1f} Hz at most")


@checked(OnsetInputs)
def onset_curves(mystery: MysteryParams = MysteryParams(), width: float = 0.05, n: int = 100,
                 t_end: float = 2000.0, *, on_chunk=None, should_stop=None) -> Curves:
    """f-I curves of X and Y near their thresholds (see :func:`onset_curve`)."""
    currents, found, onset = {}, {}, {}
    for name, neuron_type in mystery.assignment().items():
        currents[name], found[name], onset[name] = onset_curve(
            neuron_type, width, n, t_end, should_stop=should_stop)
    text = "; ".join(f"neuron {name} starts at {found[name][found[name] > 0][0]:.2f} Hz "
                     f"({onset[name]:.4f} pA)" if found[name].any()
                     else f"neuron {name} does not fire" for name in found)
    return Curves(mystery.assignment(), currents, found, f"Onset of firing, {text}.", onset)


# ---------------------------------------------------------------- scripting API (exercise)

def get_spiketimes(t, v, v_th=V_TH_MV, do_plot=False) -> np.ndarray:
    """Times at which ``v`` crosses ``v_th`` upwards (``do_plot`` is accepted and ignored)."""
    return spikes.get_spiketimes(t, v, v_th)


class _NeuronClass(type):
    """Neuron classes print readably: ``str(NeuronTypeOne)`` is "NeuronTypeOne (Type I)";
    a mystery class prints only its name."""

    def __str__(cls) -> str:
        revealed = cls.__dict__.get("revealed", False)
        return f"{cls.__name__} ({cls.neuron_type})" if revealed else cls.__name__


class NeuronAbstract(metaclass=_NeuronClass):
    """A neuron of one type, as in the exercise package (``do_plot`` is accepted and ignored:
    plot the returned arrays, or use the application)."""

    neuron_type = ""

    @classmethod
    def get_neuron_type(cls) -> type["NeuronAbstract"]:
        """The revealed class, ``NeuronTypeOne`` or ``NeuronTypeTwo`` (as the exercise
        package: compare with ``is`` or ``==``); its ``neuron_type`` is "Type I" or "Type II"."""
        return REVEALED[cls.neuron_type]

    @checked(TraceParams, NeuronTypeStimulus, curr=None, simtime=None, dt=None)
    def run(self, curr, simtime, dt=0.1) -> Traces:
        """Run the neuron with any input current, as the seed's ``run(curr, simtime)``:
        ``curr`` in pA (``get_step_curr(...)``, an array sampled every ``dt`` ms, a number or
        a brian2 TimedArray), ``simtime`` in seconds. Returns ``Traces`` (``t``; ``v``, ``w``,
        ``I`` with one row, as the seed's StateMonitor: ``rec.v[0]``)."""
        return run_neuron(self.neuron_type, curr, simtime, dt)

    @checked(TraceParams, NeuronTypeStimulus)
    def step(self, t_end=300., I_tstart=20, I_tend=270, I_amp=0.5, do_plot=True, show=True):
        """A step of ``I_amp`` pA from I_tstart to I_tend (ms); returns (t, v, w, I) arrays in
        ms, mV, mV and pA, sampled every 0.1 ms. ``do_plot`` draws them (``plot_data``, titled
        with the class's name); ``show`` calls ``plt.show()``."""
        check_flag(do_plot, "do_plot")
        check_flag(show, "show")
        stimulus = NeuronTypeStimulus(kind="step", I_tstart=float(I_tstart),
                                      I_tend=float(I_tend))
        run = traces(self.neuron_type, stimulus, [float(I_amp)], float(t_end))
        arrays = run.t_ms, run.v_mV[0], run.w_mV[0], run.I_pA[0]
        if do_plot:
            plot_data(arrays, title=type(self).__name__, show=show)
        return arrays

    @checked(TraceParams, NeuronTypeStimulus)
    def get_rate(self, I_amp, t_end=1000., do_plot=False) -> float:
        """Firing rate (Hz, from the mean inter-spike interval) for a step of ``I_amp`` pA from
        100 ms to ``t_end`` ms; 0 for fewer than two spikes. ``do_plot`` draws that run with
        its spikes marked."""
        check_flag(do_plot, "do_plot")
        rate = float(rates(self.neuron_type, [float(I_amp)], float(t_end))[0])
        if do_plot:
            stimulus = NeuronTypeStimulus(kind="step", I_tstart=RATE_STEP_START_MS,
                                          I_tend=float(t_end) + DT_MS)
            run = traces(self.neuron_type, stimulus, [float(I_amp)], float(t_end))
            arrays = run.t_ms, run.v_mV[0], run.w_mV[0], run.I_pA[0]
            plot_data(arrays, title=f"{type(self).__name__}: {rate:.1f} Hz", show=True,
                      spikes_ms=get_spiketimes(run.t_ms, run.v_mV[0]))
        return rate


class NeuronTypeOne(NeuronAbstract):
    """The type I neuron (revealed)."""

    neuron_type = TYPE_ONE
    revealed = True


class NeuronTypeTwo(NeuronAbstract):
    """The type II neuron (revealed)."""

    neuron_type = TYPE_TWO
    revealed = True


REVEALED = {TYPE_ONE: NeuronTypeOne, TYPE_TWO: NeuronTypeTwo}
"""The revealed class of each type name."""


def _mystery_class(name: str, neuron_type: str) -> type[NeuronAbstract]:
    return _NeuronClass(name, (NeuronAbstract,), {
        "neuron_type": neuron_type, "__module__": __name__,
        "__doc__": "A neuron of unknown type: find out!"})


def shuffle(seed=None) -> tuple[type[NeuronAbstract], type[NeuronAbstract]]:
    """Randomly reassign the two types to ``NeuronX`` and ``NeuronY`` (module attributes:
    use ``neuron_type.NeuronX`` afterwards); returns the new (NeuronX, NeuronY)."""
    global NeuronX, NeuronY
    first = TYPE_ONE if np.random.default_rng(seed).random() < 0.5 else TYPE_TWO
    mystery = MysteryParams(neuron_X=first).assignment()
    NeuronX, NeuronY = (_mystery_class(f"Neuron{k}", mystery[k]) for k in ("X", "Y"))
    return NeuronX, NeuronY


NeuronX, NeuronY = shuffle()
