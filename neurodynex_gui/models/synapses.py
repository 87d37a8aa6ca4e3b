"""Synaptic transmission (book chapter 3.1): a presynaptic spike train drives a synapse with
short-term plasticity onto a postsynaptic neuron, simulated with brian2.

    I_syn = g(t) B(V) (V - E_rev),   C dV/dt = -g_L (V - E_L) - I_syn

with g(t) the receptor's conductance (``receptors``: single exponential or difference of
exponentials, peak g_max per spike of full release), scaled for each spike by its release u x
(``tsodyks_markram``), B the NMDA magnesium block (1 for the other receptors). The
postsynaptic neuron is voltage-clamped (V = V_hold: the current is what the clamp measures),
passive, or a LIF (threshold, reset, refractory period). A current-based synapse keeps the
driving force at rest, I_syn = g (V_rest - E_rev) B(V_rest).

The brian2 model is one group: g, x and u are written as their exact solutions since the last
presynaptic spike (event-exact, as in :func:`tm_synapse`), so only V is integrated (RK4). The
presynaptic spikes are a table the group reads (a custom event at each one), so one built
model serves every train; the compiled fast path runs it in a few milliseconds.

Scripting API: :func:`tm_synapse`, :func:`steady_state_amplitude` (analytic),
:func:`simulate_synapse` (the full time course) and :func:`nmda_block`, plus the tools'
functions :func:`rate_sweep`, :func:`recovery_sweep` and :func:`nmda_iv`.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import fast_path
from .params import ParamError, Params, checked, param
from .presynaptic import MAX_SPIKES, TrainParams, on_grid, parse_spike_times, spike_train
from .receptors import (RECEPTORS, ReceptorParams, block_constants, nmda_block, nmda_current,
                        peak_factor)
from .sweep import SweepResult
from .tsodyks_markram import (PRESETS as PLASTICITY_PRESETS, PlasticityParams, TMResult,
                              limiting_frequency, recovery_amplitude, steady_state_amplitude,
                              tm_synapse)

__all__ = ["NeuronParams", "TrainParams", "ReceptorParams", "PlasticityParams", "RECEPTORS",
           "PLASTICITY_PRESETS", "SynapseResult", "TMResult", "simulate_synapse",
           "tm_synapse", "steady_state_amplitude", "limiting_frequency", "recovery_amplitude",
           "nmda_block", "nmda_current", "spike_train", "parse_spike_times", "rate_sweep",
           "recovery_sweep", "nmda_iv", "RateSweepInputs", "RecoveryInputs", "IVInputs"]

NEURONS = ("voltage clamp", "passive", "LIF")


@dataclasses.dataclass(frozen=True)
class NeuronParams(Params):
    """The postsynaptic neuron and the run."""

    neuron_model: str = param("passive", "postsynaptic neuron", choices=NEURONS,
                      help="voltage clamp: V held at V_hold; passive membrane; or a LIF "
                           "neuron with threshold and reset")
    V_hold: float = param(-70.0, "holding potential V_hold", "mV", min=-150.0, max=80.0,
                          step=5.0, decimals=2, help="voltage clamp: V stays here")
    E_L: float = param(-70.0, "resting potential E_L", "mV", min=-150.0, max=50.0, step=1.0,
                       decimals=2, help="the membrane relaxes to it")
    tau_m: float = param(20.0, "membrane time constant", "ms", min=0.1, max=1000.0, step=1.0,
                         decimals=3, help="tau_m = C / g_L")
    g_L: float = param(10.0, "leak conductance g_L", "nS", min=0.01, max=1e4, step=1.0,
                       decimals=3, help="1/R: the membrane capacity is C = g_L tau_m")
    threshold: float = param(-50.0, "firing threshold", "mV", min=-150.0, max=50.0, step=1.0,
                             decimals=2, help="LIF: a spike when V crosses it")
    v_reset: float = param(-65.0, "reset potential", "mV", min=-150.0, max=50.0, step=1.0,
                           decimals=2, help="LIF: V after a spike")
    t_ref: float = param(2.0, "refractory period", "ms", min=0.0, max=100.0, step=0.5,
                         decimals=2, help="LIF: V stays at reset this long")
    tend: float = param(500.0, "simulation length", "ms", min=1.0, max=20000.0, step=100.0,
                        decimals=1, help="simulated time")
    dt: float = param(0.1, "time step", "ms", min=0.005, max=1.0, step=0.05, decimals=3,
                      help="integration time step (presynaptic spikes fall on its grid)")

    def check(self) -> None:
        if self.v_reset >= self.threshold:
            raise ParamError("v_reset", "must be below the firing threshold")
        if self.dt * 10 > self.tend:
            raise ParamError("dt", "must be at most a tenth of the simulation length")


EQUATIONS = """
dv/dt = free * (-(v - E_L) * g_L - I_syn) / C : volt (unless refractory)
I_syn = g * B * (V_drive - E_rev) : amp
V_drive = cond * v + (1 - cond) * V_base : volt
B = 1 / (1 + mg_ratio * exp(-V_drive / v_block)) : 1
g = S_d * exp(-(t - t_last) / tau_d) - S_r * exp(-(t - t_last) / tau_r) : siemens
x = 1 - (1 - X) * exp(-(t - t_last) / tau_D) : 1
u = u_base + (U_last - u_base) * exp(-(t - t_last) / tau_F) : 1
S_d : siemens
S_r : siemens
X : 1
U_last : 1
t_last : second
t_next : second
k : 1
rel : 1
free : 1 (shared)
cond : 1 (shared)
mg_ratio : 1 (shared)
V_base : volt (shared)
E_L : volt (shared)
E_rev : volt (shared)
v_block : volt (shared)
v_th : volt (shared)
v_reset : volt (shared)
g_L : siemens (shared)
C : farad (shared)
t_ref : second (shared)
tau_d : second (shared)
tau_r : second (shared)
tau_D : second (shared)
tau_F : second (shared)
w_d : siemens (shared)
w_r : siemens (shared)
U : 1 (shared)
u_base : 1 (shared)
facil : 1 (shared)
stp : 1 (shared)
"""

ON_SPIKE = """
gap = t + dt - t_last
x_now = 1 - (1 - X) * exp(-gap / tau_D)
u_now = u_base + (U_last - u_base) * exp(-gap / tau_F)
U_last = facil * (u_now + U * (1 - u_now)) + (1 - facil) * u_base
rel = U_last * x_now
X = x_now - stp * rel
S_d = S_d * exp(-gap / tau_d) + w_d * rel
S_r = S_r * exp(-gap / tau_r) + w_r * rel
t_last = t + dt
k += 1
t_next = spike_table(k * ms)
"""
"""What a presynaptic spike does. The event is tested after the state update of the step
before the spike's (``t + dt`` is the spike's time): the conductance it opens acts from the
spike's step on, and the step's sample shows it."""

PRE_EVENT = ("pre", "t + dt >= t_next - 0.5 * dt", ON_SPIKE)
TABLE_SIZE = MAX_SPIKES + 1  # the last entry, never reached, is "no more spikes"
NO_SPIKE_S = 1e9
RECORD = ("v", "g", "x", "u", "I_syn", "k", "rel")

MODEL = fast_path.Model("synapse", EQUATIONS, "rk4", threshold="v > v_th", reset="v = v_reset",
                        refractory="t_ref", runtime_us_per_step=250.0, events=(PRE_EVENT,),
                        tables=(("spike_table", TABLE_SIZE, "second"),))
"""The model as the compiled fast path builds it (see ``fast_path``)."""


@dataclasses.dataclass
class SynapseResult:
    """One run: traces (``t`` ms, ``g`` nS, ``x``, ``u``, ``v`` mV, ``I`` pA), the presynaptic
    spikes on the time grid, and per spike the relative amplitude u x the simulation released
    (``amplitudes``) and the event-exact one of :func:`tm_synapse` (``amplitudes_exact``)."""

    t_ms: np.ndarray
    g_nS: np.ndarray
    x: np.ndarray
    u: np.ndarray
    v_mV: np.ndarray
    I_pA: np.ndarray
    spikes_ms: np.ndarray
    amplitudes: np.ndarray
    amplitudes_exact: np.ndarray
    post_spikes_ms: np.ndarray
    responses: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    """Per spike, the postsynaptic response: the largest change of the clamp current (pA,
    voltage clamp) or of V (mV) from its value at the spike until the next spike."""
    completed: bool = True
    path: str = "numpy"
    path_note: str = ""

    t = property(lambda self: self.t_ms, doc="time (ms)")
    g = property(lambda self: self.g_nS, doc="synaptic conductance (nS)")
    v = property(lambda self: self.v_mV, doc="membrane potential (mV)")
    I = property(lambda self: self.I_pA, doc="synaptic current g (V - E_rev), pA")  # noqa: E741


def _values(receptor: ReceptorParams, plasticity: PlasticityParams, neuron: NeuronParams,
            table_s: np.ndarray) -> dict:
    """Parameters, initial state and the spike table in SI units, for either simulator."""
    clamp = neuron.neuron_model == "voltage clamp"
    rest = neuron.V_hold if clamp else neuron.E_L
    dual = receptor.kernel == "dual exponential"
    weight = receptor.g_max * 1e-9 / peak_factor(receptor)
    scale, v_block = block_constants(receptor.Mg_mM, receptor.block_form, receptor.v0)
    facil = plasticity.stp and plasticity.tau_F > 0
    u_base = 0.0 if facil else plasticity.U if plasticity.stp else 1.0  # static: u = x = 1
    return {
        "v": rest * 1e-3, "free": 0.0 if clamp else 1.0,
        "cond": 1.0 if receptor.coupling == "conductance-based" else 0.0,
        "mg_ratio": receptor.Mg_mM / scale if receptor.mg_block else 0.0,
        "V_base": rest * 1e-3, "E_L": neuron.E_L * 1e-3, "E_rev": receptor.E_rev * 1e-3,
        "v_block": v_block * 1e-3,
        "v_th": neuron.threshold * 1e-3 if neuron.neuron_model == "LIF" else 1e9,
        "v_reset": neuron.v_reset * 1e-3, "g_L": neuron.g_L * 1e-9,
        "C": neuron.g_L * 1e-9 * neuron.tau_m * 1e-3, "t_ref": neuron.t_ref * 1e-3,
        "tau_d": receptor.tau_decay * 1e-3,
        "tau_r": (receptor.tau_rise if dual else 1.0) * 1e-3,
        "tau_D": plasticity.tau_D * 1e-3,
        "tau_F": (plasticity.tau_F if facil else 1000.0) * 1e-3,
        "w_d": weight, "w_r": weight if dual else 0.0, "U": plasticity.U,
        "u_base": u_base, "U_last": u_base, "facil": float(facil),
        "stp": float(plasticity.stp), "X": 1.0, "S_d": 0.0, "S_r": 0.0, "t_last": 0.0,
        "k": 0.0, "rel": 0.0, "t_next": float(table_s[0]), "spike_table": table_s,
    }


def _setup(neuron: NeuronParams) -> fast_path.Setup:
    return fast_path.Setup(1, neuron.dt, neuron.tend, record=RECORD, spikes=True)


_tables: dict = {}


def _runtime(neuron: NeuronParams, values: dict, on_chunk, should_stop):
    """brian2's runtime: the cached network for this dt, with the values written in."""
    import brian2 as b2

    from . import brian_support as bs

    key = ("synapse", neuron.dt)
    if key not in _tables:
        _tables[key] = b2.TimedArray(np.full(TABLE_SIZE, NO_SPIKE_S) * b2.second,
                                     dt=1 * b2.ms, name="spike_table")
    table = _tables[key]
    built = bs.network(key, EQUATIONS, 1, dt_ms=neuron.dt, threshold="v > v_th",
                       reset="v = v_reset", refractory="t_ref", method="rk4", record=RECORD,
                       name="synapse", events=(PRE_EVENT,), tables={"spike_table": table})
    table.values[:] = values["spike_table"]
    bs.write(built, {name: value for name, value in values.items() if name != "spike_table"})
    completed = bs.run(built, neuron.tend, on_chunk, should_stop)
    state = {var: bs.recorded(built, var, 1)[0] for var in RECORD}
    return bs.recorded_times_ms(built), state, bs.spike_trains_ms(built)[0], completed


@checked(train=None, receptor=None, plasticity=None, neuron=None, spike_times_ms=None,
         diverges=True)
def simulate_synapse(train: TrainParams = TrainParams(),
                     receptor: ReceptorParams = ReceptorParams(),
                     plasticity: PlasticityParams = PlasticityParams(),
                     neuron: NeuronParams = NeuronParams(), spike_times_ms=None, *,
                     on_chunk=None, should_stop=None) -> SynapseResult:
    """The full time course: the train (``spike_times_ms`` for a typed one) through the
    synapse onto the neuron. ``on_chunk`` gets dicts of new samples (t_ms, g_nS, x, u, v_mV,
    I_pA) while brian2's runtime runs."""
    if isinstance(spike_times_ms, str):
        spike_times_ms = parse_spike_times(spike_times_ms)
    times = spike_train(train, neuron.tend, spike_times_ms)
    steps = on_grid(times, neuron.dt)
    steps = steps[steps < round(neuron.tend / neuron.dt)]
    grid_ms = steps * neuron.dt
    table = np.full(TABLE_SIZE, NO_SPIKE_S)
    table[:len(steps)] = steps * (neuron.dt * 1e-3)
    values = _values(receptor, plasticity, neuron, table)
    forward = None
    if on_chunk is not None:
        def forward(chunk):
            on_chunk(_scaled(chunk["t_ms"], chunk))
    fast, note = fast_path.run(MODEL, _setup(neuron), values, on_chunk=forward,
                               should_stop=should_stop)
    if fast is not None:
        t_ms, completed, path = fast.t_ms, fast.completed, fast_path.PATH
        state = {var: fast.state[var][0] for var in RECORD}
        post = fast.spikes_ms[0]
    else:
        t_ms, state, post, completed = _runtime(neuron, values, forward, should_stop)
        path = "numpy"
    scaled = _scaled(t_ms, state)
    k = np.rint(state["k"]).astype(int)
    arrived = np.flatnonzero(np.diff(k) > 0) + 1
    amplitudes = state["rel"][arrived]
    if plasticity.stp:
        exact = tm_synapse(grid_ms, plasticity.U, plasticity.tau_D, plasticity.tau_F).amplitude
    else:
        exact = np.ones(len(grid_ms))
    measured = scaled["I_pA"] if neuron.neuron_model == "voltage clamp" else scaled["v_mV"]
    return SynapseResult(**scaled, spikes_ms=grid_ms[:len(amplitudes)], amplitudes=amplitudes,
                         amplitudes_exact=exact[:len(amplitudes)] if not completed else exact,
                         post_spikes_ms=np.asarray(post),
                         responses=_responses(measured, arrived), completed=completed,
                         path=path, path_note=note)


def _responses(trace: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The largest deviation of ``trace`` from its value at each start, up to the next one."""
    ends = np.append(starts[1:], len(trace))
    out = np.empty(len(starts))
    for i, (a, b) in enumerate(zip(starts, ends)):
        change = trace[a:b] - trace[a - 1]  # the sample before the spike's: its baseline
        out[i] = change[np.argmax(np.abs(change))]
    return out


def _scaled(t_ms, state: dict) -> dict:
    """Recorded SI values in the result's units."""
    return {"t_ms": np.asarray(t_ms), "g_nS": state["g"] * 1e9, "x": state["x"],
            "u": state["u"], "v_mV": state["v"] * 1e3, "I_pA": state["I_syn"] * 1e12}


def fast_builds() -> list:
    """(model, setup) of the fast path for the default run (see ``precompile``)."""
    return [(MODEL, _setup(NeuronParams()))]


# -- tools ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RateSweepInputs(Params):
    """Inputs of :func:`rate_sweep`."""

    f_min_Hz: float = param(1.0, "lowest rate", "Hz", min=0.1, max=1000.0, step=1.0,
                            help="first presynaptic rate")
    f_max_Hz: float = param(100.0, "highest rate", "Hz", min=0.1, max=1000.0, step=10.0,
                            help="last presynaptic rate")
    n_rates: int = param(100, "rates", min=2, max=1000, step=10,
                         help="number of rates between the two (logarithmically spaced)")

    def check(self) -> None:
        if self.f_max_Hz <= self.f_min_Hz:
            raise ParamError("f_max_Hz", "must be above the lowest rate")


@dataclasses.dataclass(frozen=True)
class RecoveryInputs(Params):
    """Inputs of :func:`recovery_sweep`."""

    n_burst: int = param(10, "spikes in the burst", min=1, max=500, step=1,
                         help="regular spikes before the probe")
    burst_rate_Hz: float = param(20.0, "burst rate", "Hz", min=0.1, max=1000.0, step=5.0,
                                 help="rate of the burst")
    delay_max_ms: float = param(3000.0, "longest probe delay", "ms", min=1.0, max=1e5,
                                step=100.0, help="probe delays run from a short one to this")
    n_delays: int = param(30, "probe delays", min=2, max=500, step=5,
                          help="number of probe delays (one train each)")


@dataclasses.dataclass(frozen=True)
class IVInputs(Params):
    """Inputs of :func:`nmda_iv`."""

    V_min: float = param(-100.0, "lowest potential", "mV", min=-200.0, max=100.0, step=10.0,
                         help="the I-V curve starts here")
    V_max: float = param(40.0, "highest potential", "mV", min=-200.0, max=100.0, step=10.0,
                         help="the I-V curve ends here")

    def check(self) -> None:
        if self.V_max <= self.V_min:
            raise ParamError("V_max", "must be above the lowest potential")


def _steady_spikes(rate_Hz: float, plasticity: PlasticityParams) -> int:
    """Enough regular spikes for the release to settle to 1e-12: from spike to spike the
    distance of u from its steady state shrinks by (1 - U) e^(-T/tau_F), that of x by at
    most (1 - U) e^(-T/tau_D) (u >= U); twice the spikes either needs, for both in turn."""
    period = 1000.0 / rate_Hz
    slowest = max(plasticity.tau_D, plasticity.tau_F)
    factor = (1.0 - plasticity.U) * np.exp(-period / slowest)
    needed = np.log(1e-12) / np.log(factor) if 0.0 < factor < 1.0 else 1.0
    return int(min(MAX_SPIKES, max(3, 2 * np.ceil(needed) + 2)))


@checked("RateSweepInputs", plasticity=None)
def rate_sweep(plasticity: PlasticityParams = PlasticityParams(), *, f_min_Hz: float = 1.0,
               f_max_Hz: float = 100.0, n_rates: int = 100, on_chunk=None,
               should_stop=None) -> SweepResult:
    """Steady-state relative amplitude (and amplitude x rate) against the presynaptic rate: the
    last spike of a long regular train, event-exact (the analytic curve is
    :func:`steady_state_amplitude`); the answer is the limiting frequency 1/(U tau_D)."""
    if not plasticity.stp:
        raise ValueError("plasticity: a static synapse has the same amplitude at every rate; "
                         "switch short-term plasticity on")
    rates = np.linspace(f_min_Hz, f_max_Hz, n_rates)
    amps = np.empty(n_rates)
    for i, rate in enumerate(rates):
        n = _steady_spikes(rate, plasticity)
        amps[i] = tm_synapse(np.arange(n) * 1000.0 / rate, plasticity.U, plasticity.tau_D,
                             plasticity.tau_F).amplitude[-1]
    f_lim = limiting_frequency(plasticity.U, plasticity.tau_D)
    return SweepResult(rates, {"steady_amplitude": amps, "amplitude_x_rate_Hz": amps * rates},
                       "presynaptic rate (Hz)", answer=f_lim,
                       answer_text=f"limiting frequency 1/(U τ_D) = {f_lim:.3g} Hz (analytic "
                                   "dashed)")


@checked("RecoveryInputs", plasticity=None)
def recovery_sweep(plasticity: PlasticityParams = PlasticityParams(), *, n_burst: int = 10,
                   burst_rate_Hz: float = 20.0, delay_max_ms: float = 3000.0,
                   n_delays: int = 30, on_chunk=None, should_stop=None) -> SweepResult:
    """The probe's relative amplitude after a burst against the probe delay (event-exact, one
    train per delay), relative to the first spike's; the analytic curve is
    :func:`recovery_amplitude`, the answer the delay at which it recovered 63 % of the way."""
    period = 1000.0 / burst_rate_Hz
    delays = np.linspace(delay_max_ms / n_delays, delay_max_ms, n_delays)
    burst = np.arange(n_burst) * period
    first = plasticity.U if plasticity.stp else 1.0
    probe = np.empty(n_delays)
    for i, delay in enumerate(delays):
        times = np.append(burst, burst[-1] + delay)
        probe[i] = (tm_synapse(times, plasticity.U, plasticity.tau_D, plasticity.tau_F)
                    .amplitude[-1] if plasticity.stp else 1.0)
    text = f"probe after {n_burst} spikes at {burst_rate_Hz:g} Hz: no depression to recover"
    answer = None
    if plasticity.stp:
        fine = np.linspace(0.0, delays[-1], 20001)
        curve = recovery_amplitude(fine, n_burst, burst_rate_Hz, plasticity.U,
                                   plasticity.tau_D, plasticity.tau_F)
        start, fresh = curve[0], plasticity.U  # just after the burst; a rested synapse
        target = start + (1 - np.exp(-1)) * (fresh - start)
        past = np.flatnonzero((curve - target) * np.sign(fresh - start) >= 0)
        if len(past) and fresh != start:
            answer = float(fine[past[0]])
            text = f"63 % recovered after {answer:.3g} ms (τ_D = {plasticity.tau_D:g} ms)"
    return SweepResult(delays, {"probe_amplitude": probe / first}, "probe delay (ms)",
                       answer=answer, answer_text=text)


@checked("IVInputs", receptor=None)
def nmda_iv(receptor: ReceptorParams = RECEPTORS["NMDA"], *, V_min: float = -100.0,
            V_max: float = 40.0, Mg_values=(0.0, 0.3, 1.0, 2.0), on_chunk=None,
            should_stop=None) -> SweepResult:
    """The NMDA current g_max B(V) (V - E_rev) (pA) against V for several [Mg] (mM), in the
    receptor's block form; the answer is the potential of the steepest negative slope at the
    receptor's [Mg] (None if the curve has no negative slope there)."""
    V = np.linspace(V_min, V_max, 281)
    columns = {}
    for mg in Mg_values:
        columns[f"I_Mg_{mg:g}_mM"] = nmda_current(V, receptor.g_max, receptor.E_rev, mg,
                                                  receptor.block_form, receptor.v0)
    own = nmda_current(V, receptor.g_max, receptor.E_rev, receptor.Mg_mM,
                       receptor.block_form, receptor.v0)
    slope = np.gradient(own, V)
    form = (f"note's block 1/(1 + [Mg] e^(-V/{receptor.v0:g} mV))"
            if receptor.block_form == "note" else "Jahr-Stevens 1/(1 + [Mg]/3.57 e^(-0.062 V))")
    answer = float(V[np.argmin(slope)]) if slope.min() < 0 else None
    text = f"NMDA, {form}"
    if answer is not None:
        negative = V[slope < 0]
        text += (f"; negative slope {negative.min():.0f} to {negative.max():.0f} mV at "
                 f"{receptor.Mg_mM:g} mM")
    return SweepResult(V, columns, "membrane potential V (mV)", answer=answer,
                       answer_text=text)
