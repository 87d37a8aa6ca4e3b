"""The Hodgkin-Huxley model of the squid giant axon (book chapter 2.2): parameters, kinetics,
resting state and one simulated neuron (brian2, or its compiled fast path).

Potentials are measured from rest, as in the exercise package (rest at about 0 mV)::

    C dv/dt = -g_Na m^3 h (v - E_Na) - g_K n^4 (v - E_K) - g_L (v - E_L) + I(t)
    dx/dt = alpha_x(v) (1 - x) - beta_x(v) x        for the gating variables x = m, n, h

with the classic rate functions (1/ms, v in mV; ``rates``). The ionic currents follow the
book's sign: positive is outward. A run starts from the resting state (``resting_state``); a
**spike** is an upward crossing of ``spike_level`` (50 mV, the exercise's "vm > 50 mV").
``hh`` is the scripting API: it adds the exercise's questions as tools.
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np

from . import fast_path
from .exercise import check_flag
from .params import ParamError, Params, checked, param
from .spikes import get_spiketimes
from .stimulus import BRIAN_EQUATIONS, si_values, stimulus_class

__all__ = ["HHParams", "HHStimulus", "HHResult", "RestingState", "PRESETS", "simulate",
           "HH_Step", "HH_Sinus", "HH_Ramp", "rates", "steady_states", "time_constants",
           "ionic_currents", "resting_state", "initial_state", "prepare", "fast_builds"]

GATES = ("m", "n", "h")
NEURONS_PER_ROUND = 46
"""Amplitudes the tools simulate together per round: [0, 20] uA narrows to 0.01 uA in two
rounds (one build of the fast path serves them all)."""


@dataclasses.dataclass(frozen=True)
class HHParams(Params):
    """Membrane, channels and run; defaults are the exercise package's squid axon."""

    E_Na: float = param(115.0, "sodium reversal E_Na", "mV", min=-500, max=500, step=1.0,
                        decimals=3,
                        help="reversal potential of the sodium current (relative to rest)")
    E_K: float = param(-12.0, "potassium reversal E_K", "mV", min=-500, max=500, step=1.0,
                       decimals=3, help="reversal potential of the potassium current")
    E_L: float = param(10.6, "leak reversal E_L", "mV", min=-500, max=500, step=0.1,
                       decimals=3, help="reversal potential of the leak current")
    g_Na: float = param(120.0, "sodium conductance g_Na", "mS", min=0.0, max=1e4, step=5.0,
                        decimals=3, help="maximal sodium conductance (all channels open)")
    g_Na_scale: float = param(1.0, "sodium channel density ×", min=0.0, max=20.0, step=0.1,
                              decimals=3, help="g_Na is multiplied by this factor (the "
                              "exercise asks for 1.5)")
    g_K: float = param(36.0, "potassium conductance g_K", "mS", min=0.0, max=1e4, step=1.0,
                       decimals=3, help="maximal potassium conductance")
    g_L: float = param(0.3, "leak conductance g_L", "mS", min=0.001, max=1e3, step=0.05,
                       decimals=4, help="leak conductance (always open)")
    C: float = param(1.0, "membrane capacitance C", "uF", min=0.01, max=100.0, step=0.1,
                     decimals=3, help="charge needed per mV of depolarisation")
    spike_level: float = param(50.0, "spike detection level", "mV", min=-100, max=200,
                               step=5.0, decimals=2, help="a spike is counted when vm crosses "
                               "this level upwards (the exercise: vm > 50 mV)")
    tend: float = param(200.0, "simulation length", "ms", min=0.1, max=1e5, step=10.0,
                        decimals=2, help="simulated time")
    dt: float = param(0.01, "time step", "ms", min=0.001, max=0.1, step=0.005, decimals=4,
                      help="integration step (exponential Euler); 0.01 ms puts thresholds "
                      "within about 0.01 uA, 0.1 ms is visibly off")
    record_dt: float = param(0.02, "recording interval", "ms", min=0.001, max=10.0,
                             step=0.01, decimals=4, help="the traces keep one sample per "
                             "interval (rounded to a whole number of time steps)")

    def check(self) -> None:
        if self.dt > self.tend:
            raise ParamError("dt", "must be shorter than the simulation")
        if self.record_dt < self.dt:
            raise ParamError("record_dt", "must be at least one time step")

    @property
    def g_Na_effective(self) -> float:
        return self.g_Na * self.g_Na_scale

    @property
    def sample_every(self) -> int:
        return max(1, int(round(self.record_dt / self.dt)))


HHStimulus = stimulus_class("uA", "HHStimulus", __name__, I_amp=7.0, amplitude_range=1e3,
                            I_tstart=20.0, I_tend=180.0, I_freq=0.01, I_offset=0.0)

PRESETS = {
    "step 7 uA (HH_Step)": (HHParams(), HHStimulus()),
    "sinusoid (HH_Sinus)": (HHParams(tend=600.0), HHStimulus(
        kind="sinusoid", I_tstart=0.0, I_tend=600.0, I_amp=7.0, I_offset=0.5, I_freq=0.01)),
    "ramp (HH_Ramp)": (HHParams(tend=300.0), HHStimulus(
        kind="ramp", I_tstart=30.0, I_tend=270.0, I_amp=20.0)),
    "rebound spike: -5 uA for 20 ms": (HHParams(tend=50.0), HHStimulus(
        I_tstart=5.0, I_tend=25.0, I_amp=-5.0)),
    "slow ramp to 12 uA (5-50 ms)": (HHParams(tend=80.0), HHStimulus(
        kind="ramp", I_tstart=5.0, I_tend=50.0, I_amp=12.0)),
    "sodium channels x1.5, step 1 uA": (HHParams(g_Na_scale=1.5), HHStimulus(I_amp=1.0)),
    "long sinusoid (2 s)": (HHParams(tend=2000.0), HHStimulus(
        kind="sinusoid", I_tstart=0.0, I_tend=2000.0, I_amp=7.0, I_offset=0.5, I_freq=0.01)),
}
"""Named parameter sets with a stimulus that shows them at work (the exercise's cases)."""


# -- the rate functions, in numpy --------------------------------------------------------------

def _exprel(x):
    """(exp(x) - 1) / x, equal to 1 at x = 0 (brian2's ``exprel``)."""
    x = np.asarray(x, dtype=float)
    tiny = np.abs(x) < 1e-8
    safe = np.where(tiny, 1.0, x)
    return np.where(tiny, 1.0 + x / 2, np.expm1(safe) / safe)


def rates(v_mV) -> dict[str, np.ndarray]:
    """Opening (alpha) and closing (beta) rates in 1/ms of m, n, h at ``v_mV``."""
    v = np.asarray(v_mV, dtype=float)
    return {
        "alpha_m": 1.0 / _exprel((25.0 - v) / 10.0),          # 0.1 (25 - v) / (e^(..) - 1)
        "beta_m": 4.0 * np.exp(-v / 18.0),
        "alpha_n": 0.1 / _exprel((10.0 - v) / 10.0),          # 0.01 (10 - v) / (e^(..) - 1)
        "beta_n": 0.125 * np.exp(-v / 80.0),
        "alpha_h": 0.07 * np.exp(-v / 20.0),
        "beta_h": 1.0 / (1.0 + np.exp((30.0 - v) / 10.0)),
    }


def steady_states(v_mV) -> dict[str, np.ndarray]:
    """x_inf(v) = alpha / (alpha + beta) for x = m, n, h."""
    r = rates(v_mV)
    return {x: r[f"alpha_{x}"] / (r[f"alpha_{x}"] + r[f"beta_{x}"]) for x in GATES}


def time_constants(v_mV) -> dict[str, np.ndarray]:
    """tau_x(v) = 1 / (alpha + beta) in ms for x = m, n, h."""
    r = rates(v_mV)
    return {x: 1.0 / (r[f"alpha_{x}"] + r[f"beta_{x}"]) for x in GATES}


@checked()
def ionic_currents(params: HHParams, vm, m, n, h) -> dict[str, np.ndarray]:
    """I_Na, I_K, I_L in uA (positive = outward, the book's sign)."""
    vm = np.asarray(vm, dtype=float)
    return {"I_Na": params.g_Na_effective * np.asarray(m) ** 3 * np.asarray(h)
            * (vm - params.E_Na),
            "I_K": params.g_K * np.asarray(n) ** 4 * (vm - params.E_K),
            "I_L": params.g_L * (vm - params.E_L)}


def _derivatives(params: HHParams, state: np.ndarray, current: float = 0.0) -> np.ndarray:
    v, m, n, h = state
    r = rates(v)
    ionic = sum(ionic_currents(params, v, m, n, h).values())
    return np.array([(current - ionic) / params.C,
                     *(r[f"alpha_{x}"] * (1 - g) - r[f"beta_{x}"] * g
                       for x, g in zip(GATES, (m, n, h)))])


@dataclasses.dataclass(frozen=True)
class RestingState:
    """A fixed point without input: v (mV) and the gates at their steady state there."""

    v_mV: float
    m: float
    n: float
    h: float
    stable: bool

    @property
    def state(self) -> tuple[float, float, float, float]:
        return self.v_mV, self.m, self.n, self.h


@checked()
@functools.lru_cache(maxsize=64)
def resting_state(params: HHParams = HHParams()) -> RestingState:
    """The resting state: the stable fixed point without input of lowest potential.

    Fixed points are the zeros of the steady-state current (gates at x_inf(v)); stability
    comes from the eigenvalues of the Jacobian there. Without a stable one (the neuron fires
    on its own) this returns the lowest fixed point, or v = 0 if there is none, with
    ``stable=False``.
    """
    grid = np.arange(-200.0, 200.0, 0.5)
    current = _steady_current(params, grid)
    crossing = np.flatnonzero(np.sign(current[:-1]) * np.sign(current[1:]) <= 0)
    roots = [_bisect(params, grid[i], grid[i + 1]) for i in crossing]
    points = [_fixed_point(params, v) for v in dict.fromkeys(roots)]
    stable = [point for point in points if point.stable]
    if stable:
        return stable[0]
    return points[0] if points else _fixed_point(params, 0.0, stable=False)


def _steady_current(params: HHParams, v):
    inf = steady_states(v)
    return sum(ionic_currents(params, v, inf["m"], inf["n"], inf["h"]).values())


def _bisect(params: HHParams, low: float, high: float) -> float:
    f_low = _steady_current(params, low)
    for _ in range(60):
        mid = 0.5 * (low + high)
        f_mid = _steady_current(params, mid)
        if np.sign(f_mid) == np.sign(f_low):
            low, f_low = mid, f_mid
        else:
            high = mid
    return 0.5 * (low + high)


def _fixed_point(params: HHParams, v: float, stable: bool | None = None) -> RestingState:
    inf = steady_states(v)
    state = np.array([v, inf["m"], inf["n"], inf["h"]], dtype=float)
    if stable is None:
        jacobian = np.empty((4, 4))
        for k in range(4):
            delta = np.zeros(4)
            delta[k] = 1e-6
            jacobian[:, k] = (_derivatives(params, state + delta)
                              - _derivatives(params, state - delta)) / 2e-6
        stable = bool(np.max(np.linalg.eigvals(jacobian).real) < 0)
    return RestingState(*(float(x) for x in state), stable=stable)


@checked()
def initial_state(params: HHParams) -> tuple[float, float, float, float]:
    """Where a run starts: the resting state, or v = 0 with x_inf(0) if none is stable."""
    rest = resting_state(params)
    return rest.state if rest.stable else _fixed_point(params, 0.0, stable=False).state


# -- runs ------------------------------------------------------------------------------------

@dataclasses.dataclass
class HHResult:
    """One run. ``t``, ``vm``, ``I_e``, ``m``, ``n``, ``h`` are the exercise package's names."""

    t_ms: np.ndarray
    vm_mV: np.ndarray
    I_e_uA: np.ndarray
    m: np.ndarray
    n: np.ndarray
    h: np.ndarray
    spikes_ms: np.ndarray
    params: HHParams
    rest: RestingState
    target: str = "cython"
    """Which simulator ran: "standalone" (the compiled fast path), brian2's "cython" or
    "numpy"."""
    completed: bool = True
    path_note: str = ""
    """Why it was not the fast path ("" if it was)."""

    t = property(lambda self: self.t_ms, doc="time (ms)")
    vm = property(lambda self: self.vm_mV, doc="membrane potential (mV)")
    I_e = property(lambda self: self.I_e_uA, doc="injected current (uA)")

    @property
    def spike_count(self) -> int:
        return len(self.spikes_ms)

    def currents(self) -> dict[str, np.ndarray]:
        """The ionic currents I_Na, I_K, I_L (uA, positive outward) along the run."""
        return ionic_currents(self.params, self.vm_mV, self.m, self.n, self.h)


EQUATIONS = """
dvm/dt = (I_stim - g_Na*m**3*h*(vm - E_Na) - g_K*n**4*(vm - E_K) - g_L*(vm - E_L)) / C : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
alpha_m = 1/exprel((25*mV - vm)/(10*mV))/ms : Hz
beta_m = 4*exp(-vm/(18*mV))/ms : Hz
alpha_n = 0.1/exprel((10*mV - vm)/(10*mV))/ms : Hz
beta_n = 0.125*exp(-vm/(80*mV))/ms : Hz
alpha_h = 0.07*exp(-vm/(20*mV))/ms : Hz
beta_h = 1/(1 + exp((30*mV - vm)/(10*mV)))/ms : Hz
g_Na : siemens
g_K : siemens (shared)
g_L : siemens (shared)
E_Na : volt (shared)
E_K : volt (shared)
E_L : volt (shared)
C : farad (shared)
v_spike : volt (shared)
"""
"""The brian2 model; g_Na is per neuron, so that a tool can vary the sodium channel density."""

METHOD = "exponential_euler"
SPIKE = "vm > v_spike"  # threshold and refractory condition: one count per upward crossing
WARM_UP = "neurodynex_gui.models.hh_model:_compile_cython"
SIGNATURE = "\n".join(("hh 1", EQUATIONS, METHOD, SPIKE))
RUN_MODEL = fast_path.Model("hh_run", EQUATIONS + BRIAN_EQUATIONS, METHOD,
                            runtime_us_per_step=400.0)
TOOL_MODEL = fast_path.Model("hh_tool", EQUATIONS + BRIAN_EQUATIONS, METHOD, threshold=SPIKE,
                             refractory=SPIKE, runtime_us_per_step=400.0)
"""The models as the compiled fast path builds them: a traced run, and spike counting. A
numpy-target step costs 400 us (measured), so a default run (20000 steps) waits for its
build (about 5 s) rather than take 8 s on the numpy target."""


def prepare(*, wait: bool = False, on_chunk=None, should_stop=None) -> bool:
    """Make sure the compiled fast path of the default run and brian2's cython code (for long
    runs shown live) are (being) built; True once the default run uses compiled code.

    Without ``wait`` this returns at once and background processes build (the GUI asks for it
    when the tab opens), the cython code only once the fast path is ready: the first run
    waits for the fast path's build, which must not share the processor with it. With
    ``wait`` it builds here first (tests, benchmarks).
    """
    from . import brian_support as bs

    setup = run_setup(HHParams())
    if wait and not (fast_path.missing_compiler() or fast_path.switched_off()):
        fast_path.build(RUN_MODEL, setup)
    fast = fast_path.prepare(RUN_MODEL, setup)
    if not (fast or wait) and fast_path.being_built(RUN_MODEL, setup):
        return False
    return bs.cython_ready(WARM_UP, SIGNATURE, wait=wait) or fast


def build_in_background(*, on_chunk=None, should_stop=None) -> bool:
    """Start building the default run's fast path now, in the background, without brian2:
    the tab calls it in the GUI process as it opens, so that the build overlaps the start of
    the simulation processes, whose first run then waits for it (``prepare`` does the rest);
    whether it is built already."""
    return fast_path.prepare(RUN_MODEL, run_setup(HHParams()))


def brian_target(target: str | None) -> str:
    return target or ("cython" if prepare() else "numpy")


def _run_network(params: HHParams, stimulus, target: str):
    """The single-neuron network of ``simulate`` with params and stimulus written into it."""
    from . import brian_support as bs

    built = bs.network(("hh_run", target, params.dt, params.sample_every), EQUATIONS, 1,
                       dt_ms=params.dt, method=METHOD, spikes=False, target=target,
                       name=f"hh_run_{target}", sample=("vm",) + GATES,
                       sample_every=params.sample_every)
    _write(built, params, stimulus)
    return built


def tool_network(params: HHParams, stimulus, n: int, target: str):
    """A network of ``n`` neurons that counts spikes, for the threshold tools."""
    from . import brian_support as bs

    built = bs.network(("hh_tool", target, params.dt, n), EQUATIONS, n, dt_ms=params.dt,
                       method=METHOD, threshold=SPIKE, refractory=SPIKE, target=target,
                       name=f"hh_tool_{target}", one_clock=True)
    _write(built, params, stimulus)
    return built


def _write(built, params: HHParams, stimulus) -> None:
    from . import brian_support as bs

    bs.write(built, run_values(params, stimulus))


def run_values(params: HHParams, stimulus) -> dict:
    """Parameters, resting state and stimulus in SI units, for either simulator."""
    v, m, n, h = initial_state(params)
    return {"E_Na": params.E_Na * 1e-3, "E_K": params.E_K * 1e-3, "E_L": params.E_L * 1e-3,
            "g_Na": params.g_Na_effective * 1e-3, "g_K": params.g_K * 1e-3,
            "g_L": params.g_L * 1e-3, "C": params.C * 1e-6, "v_spike": params.spike_level * 1e-3,
            "vm": v * 1e-3, "m": m, "n": n, "h": h, **si_values(stimulus, 1e-6)}


def run_setup(params: HHParams) -> fast_path.Setup:
    return fast_path.Setup(1, params.dt, params.tend, record=("vm",) + GATES,
                           record_every=params.sample_every)


def tool_setup(params: HHParams, n: int, duration_ms: float) -> fast_path.Setup:
    return fast_path.Setup(n, params.dt, duration_ms, spikes=True)


def fast_builds() -> list:
    """(model, setup) of the fast path for the default runs, the exercise's presets up to
    600 ms and the default tools (see ``precompile``)."""
    params = HHParams()
    runs = {run_setup(preset) for preset, _ in PRESETS.values() if preset.tend <= 600.0}
    tools = [tool_setup(params, NEURONS_PER_ROUND, params.tend),  # min_step_amplitude
             tool_setup(params, NEURONS_PER_ROUND, 300.0),  # repetitive_threshold
             tool_setup(params, 2 * NEURONS_PER_ROUND, 300.0)]  # gNa_scan, two factors
    return [(RUN_MODEL, setup) for setup in sorted(runs, key=lambda s: s.duration_ms)] + \
        [(TOOL_MODEL, setup) for setup in tools]


FIRST_CHUNK_S = 0.15
"""A run streams after this much wall time: a default run is over sooner and arrives whole."""


@checked(diverges=True)
def simulate(params: HHParams = HHParams(), stimulus=HHStimulus(), *, on_chunk=None,
             should_stop=None, target: str | None = None) -> HHResult:
    """Simulate one neuron from rest; ``on_chunk`` receives dicts of new samples.

    A chunk holds ``t_ms``, ``vm_mV``, ``m``, ``n``, ``h`` and ``I_e_uA``. The compiled fast
    path runs it when its build is ready (the result arrives whole). Until then a run shown
    live streams on brian2's runtime and the build takes over the moment it is ready (the
    first run after installing shows its first samples within seconds); one not shown
    waits for the build. Long runs shown live stay on the runtime: ``target`` forces its
    "numpy" or "cython" code generation (default: cython once it is compiled).
    """
    setup, values = run_setup(params), run_values(params, stimulus)
    fast, note = (None, f"brian2's {target} target was asked for") if target else \
        fast_path.run(RUN_MODEL, setup, values, on_chunk=on_chunk, should_stop=should_stop,
                      stream_first=True)
    if fast is None:
        take_over = note == fast_path.BUILDING  # the build finishes this run once it is ready
        stop = fast_path.until_built(RUN_MODEL, setup, should_stop) if take_over else \
            should_stop
        target = brian_target(target)
        trace, completed = _on_runtime(params, stimulus, target, on_chunk, stop)
        if take_over and not completed and not (should_stop and should_stop()):
            fast, note = fast_path.run(RUN_MODEL, setup, values)
    if fast is not None:
        trace = _trace(fast.t_ms, *(fast.state[var][0] for var in ("vm",) + GATES), stimulus)
        target, completed = fast_path.PATH, fast.completed
    return HHResult(t_ms=trace["t_ms"], vm_mV=trace["vm_mV"], I_e_uA=trace["I_e_uA"],
                    m=trace["m"], n=trace["n"], h=trace["h"],
                    spikes_ms=get_spiketimes(trace["t_ms"], trace["vm_mV"], params.spike_level),
                    params=params, rest=resting_state(params), target=target,
                    completed=completed, path_note=note)


def _on_runtime(params: HHParams, stimulus, target: str, on_chunk, should_stop):
    """``simulate`` on brian2's runtime: (the trace, whether it ran to the end)."""
    from . import brian_support as bs

    built = _run_network(params, stimulus, target)
    forward = None
    if on_chunk is not None:
        def forward(chunk):
            on_chunk(_trace(chunk["t_ms"], chunk["vm"], chunk["m"], chunk["n"], chunk["h"],
                            stimulus))
    completed = bs.run(built, params.tend, forward, should_stop, first_chunk_s=FIRST_CHUNK_S)
    return _trace(bs.recorded_times_ms(built),
                  *(bs.recorded(built, var, 1.0)[0] for var in ("vm",) + GATES),
                  stimulus), completed


def _trace(t_ms, vm_volt, m, n, h, stimulus) -> dict[str, np.ndarray]:
    return {"t_ms": t_ms, "vm_mV": np.asarray(vm_volt) * 1e3, "m": np.asarray(m),
            "n": np.asarray(n), "h": np.asarray(h), "I_e_uA": stimulus.current(t_ms)}


@checked(HHParams, HHStimulus)
def HH_Step(I_tstart=20, I_tend=180, I_amp=7, tend=200, do_plot=True) -> HHResult:
    """A step current (uA) from ``I_tstart`` to ``I_tend`` (ms); ``do_plot`` draws vm, m, n, h
    and I (``hh.plot_data``) and keeps the figure as ``result.figure``."""
    check_flag(do_plot, "do_plot")
    return _plotted(simulate(HHParams(tend=float(tend)),
                             HHStimulus(kind="step", I_tstart=float(I_tstart),
                                        I_tend=float(I_tend), I_amp=float(I_amp))),
                    do_plot, "Step current")


@checked(HHParams, HHStimulus, dt="record_dt")
def HH_Sinus(I_freq=0.01, I_offset=0.5, I_amp=7.0, tend=600, dt=0.1,
             do_plot=True) -> HHResult:
    """I_offset + I_amp sin(2 pi I_freq t) (uA, I_freq in kHz) during the whole run.

    ``dt`` is the sampling interval of the traces, as in the exercise package (where it
    sampled the current); the integration step stays HHParams().dt. ``do_plot`` as HH_Step.
    """
    check_flag(do_plot, "do_plot")
    return _plotted(simulate(HHParams(tend=float(tend), record_dt=float(dt)),
                             HHStimulus(kind="sinusoid", I_tstart=0.0, I_tend=float(tend) + 1.0,
                                        I_freq=float(I_freq), I_offset=float(I_offset),
                                        I_amp=float(I_amp))),
                    do_plot, "Sinusoidal current")


@checked(HHParams, HHStimulus, dt="record_dt")
def HH_Ramp(I_tstart=30, I_tend=270, I_amp=20.0, tend=300, dt=0.1,
            do_plot=True) -> HHResult:
    """A current rising linearly from 0 at ``I_tstart`` to ``I_amp`` (uA) at ``I_tend``, then
    0; ``dt`` is the sampling interval of the traces (see ``HH_Sinus``); ``do_plot`` as
    HH_Step."""
    check_flag(do_plot, "do_plot")
    return _plotted(simulate(HHParams(tend=float(tend), record_dt=float(dt)),
                             HHStimulus(kind="ramp", I_tstart=float(I_tstart),
                                        I_tend=float(I_tend), I_amp=float(I_amp))),
                    do_plot, "Ramp current")


def _plotted(result: HHResult, do_plot: bool, title: str) -> HHResult:
    if do_plot:
        from .exercise_plots import hh_figure

        result.figure = hh_figure(result.t_ms, result.vm_mV, result.m, result.n, result.h,
                                  result.I_e_uA, title)
    return result


def _compile_cython() -> None:
    """Build and briefly run every cython network of this module (the background compile)."""
    from . import brian_support as bs

    params = HHParams(tend=0.1)
    bs.run(_run_network(params, HHStimulus(), "cython"), params.tend)
    bs.run(tool_network(params, HHStimulus(), 2, "cython"), params.tend)
