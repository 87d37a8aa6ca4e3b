"""A conductance-based point neuron you assemble (the broader note's ``NeuralDynamics``):

    C_m dV/dt = -sum_i g_i x_i (V - E_i) - w - g_s s (V - E_syn) + I_ext(t)
    tau_w dw/dt = a_w (V - E_L) - w           (a recovery variable; w += b_w at a spike)
    ds/dt = -s / tau_s + sum_k delta(t - t_k) (s jumps by 1 at each input or presynaptic spike)

Units: ms, mV, nF, uS (so uS x mV = nA and nA / nF = mV/ms), currents in nA. Each channel is
a dict ``{"name", "g" (uS), "E" (mV)}`` with an optional gate ``x``: ``"gating": "instant"``
(x = x_inf(V) at once) or ``"first-order"`` (dx/dt = (x_inf(V) - x)/tau), where x_inf(V) =
1/(1 + exp(-(V - V_half)/k)) raised to ``power``; without a gate x = 1 (a leak). A spike is
registered when V crosses ``V_th`` upwards; with ``V_reset`` given, V is reset there (an
integrate-and-fire neuron with conductances), else the channels must make the spike.

Several neurons: ``network_params = {"n": N, "coupling": N x N}`` where coupling[i, j] is how
much s of neuron i jumps at a spike of neuron j; the input spike train drives every neuron's s
with weight ``input_weights`` (one per neuron, default 1 for neuron 0 and 0 for the others).
Forward Euler, vectorised over the neurons.
"""
from __future__ import annotations

import math
from typing import Callable, Mapping

import numpy as np

__all__ = ["NeuralDynamics", "DEFAULT_NEURON", "DEFAULT_SYNAPSE", "GATINGS"]

GATINGS = ("none", "instant", "first-order")

DEFAULT_NEURON = {
    "C_m": 1.0, "E_L": -65.0, "V_th": -50.0, "V_reset": -65.0,
    "channels": [{"name": "leak", "g": 0.1, "E": -65.0}],
    "a_w": 0.0, "b_w": 0.0, "tau_w": 100.0,
}
"""A leaky neuron (tau = C_m / g_L = 10 ms) with a threshold and reset, no recovery."""

DEFAULT_SYNAPSE = {"g_s": 0.0, "E_rev": 0.0, "tau_s": 5.0, "input_spikes": ()}


def _number(value, name: str, low: float | None = None, positive: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: '{value}' is not a number") from None
    if not math.isfinite(x):
        raise ValueError(f"{name}: must be a finite number")
    if positive and x <= 0:
        raise ValueError(f"{name}: must be positive")
    if low is not None and x < low:
        raise ValueError(f"{name}: must be at least {low:g}")
    return x


def _channel(spec: Mapping, k: int) -> dict:
    if not isinstance(spec, Mapping):
        raise ValueError(f"channels[{k}]: must be a dict with g and E")
    name = str(spec.get("name", f"channel {k}"))
    gating = str(spec.get("gating", "none"))
    if gating not in GATINGS:
        raise ValueError(f"channels[{k}].gating: '{gating}' is not one of {', '.join(GATINGS)}")
    ch = {"name": name, "g": _number(spec.get("g", 0.0), f"channels[{k}].g", low=0.0),
          "E": _number(spec.get("E", 0.0), f"channels[{k}].E"), "gating": gating}
    if gating != "none":
        ch["V_half"] = _number(spec.get("V_half", -40.0), f"channels[{k}].V_half")
        ch["k"] = _number(spec.get("k", 5.0), f"channels[{k}].k")
        if ch["k"] == 0:
            raise ValueError(f"channels[{k}].k: must not be 0")
        ch["power"] = _number(spec.get("power", 1.0), f"channels[{k}].power", low=0.0)
        ch["tau"] = _number(spec.get("tau", 1.0), f"channels[{k}].tau", positive=True)
    return ch


def x_inf(ch: dict, V):
    """The steady-state gate of a voltage-gated channel at V (mV)."""
    with np.errstate(over="ignore"):
        return (1.0 / (1.0 + np.exp(-(np.asarray(V, float) - ch["V_half"]) / ch["k"]))) \
            ** ch["power"]


class NeuralDynamics:
    """The note's class: ``NeuralDynamics(neuron_params, synapse_params, network_params)
    .simulate_dynamics(initial_state, inputs, time_span, dt)``. Parameters are dicts (see the
    module text and DEFAULT_NEURON / DEFAULT_SYNAPSE: missing keys take those defaults)."""

    def __init__(self, neuron_params: Mapping | None = None,
                 synapse_params: Mapping | None = None,
                 network_params: Mapping | None = None):
        n_p = {**DEFAULT_NEURON, **(neuron_params or {})}
        s_p = {**DEFAULT_SYNAPSE, **(synapse_params or {})}
        net = dict(network_params or {})
        self.C_m = _number(n_p["C_m"], "C_m", positive=True)
        self.E_L = _number(n_p["E_L"], "E_L")
        self.V_th = _number(n_p["V_th"], "V_th")
        self.V_reset = None if n_p.get("V_reset") is None else _number(n_p["V_reset"],
                                                                       "V_reset")
        if self.V_reset is not None and self.V_reset >= self.V_th:
            raise ValueError("V_reset: must be below V_th")
        if not isinstance(n_p["channels"], (list, tuple)):
            raise ValueError("channels: must be a list of channel dicts")
        self.channels = [_channel(spec, k) for k, spec in enumerate(n_p["channels"])]
        self.a_w = _number(n_p["a_w"], "a_w")
        self.b_w = _number(n_p["b_w"], "b_w")
        self.tau_w = _number(n_p["tau_w"], "tau_w", positive=True)
        self.g_s = _number(s_p["g_s"], "g_s", low=0.0)
        self.E_rev = _number(s_p["E_rev"], "E_rev")
        self.tau_s = _number(s_p["tau_s"], "tau_s", positive=True)
        try:
            spikes = np.sort(np.asarray(s_p.get("input_spikes", ()), float).ravel())
        except (TypeError, ValueError):
            raise ValueError("input_spikes: must be a sequence of times (ms)") from None
        if not np.all(np.isfinite(spikes)):
            raise ValueError("input_spikes: must be finite times (ms)")
        self.input_spikes = spikes
        self.n = int(_number(net.get("n", 1), "n", low=1))
        coupling = np.asarray(net.get("coupling", np.zeros((self.n, self.n))), float)
        if coupling.shape != (self.n, self.n) or not np.all(np.isfinite(coupling)):
            raise ValueError(f"coupling: must be a finite {self.n} x {self.n} matrix")
        self.coupling = coupling
        weights = net.get("input_weights")
        if weights is None:
            weights = np.eye(1, self.n).ravel()
        self.input_weights = np.asarray(weights, float).ravel()
        if self.input_weights.shape != (self.n,):
            raise ValueError(f"input_weights: must have {self.n} values")

    # -- running -----------------------------------------------------------------------------

    def _inputs(self, inputs, t: np.ndarray) -> np.ndarray:
        """I_ext (nA) per step and neuron, from a number, a function of t (ms), an array
        sampled every dt (per neuron in its second axis), or a dict time (ms) -> current held
        from that time on."""
        steps = len(t)
        if inputs is None:
            values = np.zeros(steps)
        elif isinstance(inputs, Mapping):
            values = np.zeros(steps)
            for time, amp in sorted((_number(k, "inputs time"), _number(v, "inputs current"))
                                    for k, v in inputs.items()):
                values[t >= time - 1e-9] = amp
        elif callable(inputs):
            values = np.array([inputs(x) for x in t], float)
        elif np.isscalar(inputs):
            values = np.full(steps, _number(inputs, "inputs"))
        else:
            values = np.asarray(inputs, float)
            if len(values) < steps:
                values = np.concatenate([values, np.repeat(values[-1:], steps - len(values),
                                                           axis=0)])
            values = values[:steps]
        values = np.asarray(values, float)
        if values.ndim == 1:
            values = np.repeat(values[:, None], self.n, axis=1)
        if values.shape != (steps, self.n) or not np.all(np.isfinite(values)):
            raise ValueError("inputs: must give finite currents for every step (and neuron)")
        return values

    def currents(self, V, x: list, s):
        """Every channel's current and the synaptic current (nA, outward positive)."""
        out = {}
        for ch, gate in zip(self.channels, x):
            out[ch["name"]] = ch["g"] * gate * (V - ch["E"])
        out["synapse"] = self.g_s * s * (V - self.E_rev)
        return out

    def simulate_dynamics(self, initial_state: Mapping | None = None, inputs=None,
                          time_span: float | tuple = 200.0, dt: float = 0.05) -> dict:
        """Integrate; returns ``t`` (ms), ``V`` (mV), ``w`` (nA), ``s`` (steps x neurons, or
        1-d for one neuron), ``spikes`` (list of arrays, ms) and ``currents`` (name -> nA)."""
        state = dict(initial_state or {})
        if isinstance(time_span, (tuple, list)):
            t0, t1 = (_number(x, "time_span") for x in time_span)
        else:
            t0, t1 = 0.0, _number(time_span, "time_span", positive=True)
        dt = _number(dt, "dt", positive=True)
        if t1 <= t0 or dt > t1 - t0:
            raise ValueError("time_span: must be longer than dt")
        t = t0 + np.arange(int(round((t1 - t0) / dt))) * dt
        I_ext = self._inputs(inputs, t)
        V = np.full(self.n, _number(state.get("voltage", self.E_L), "voltage"))
        w = np.full(self.n, _number(state.get("recovery", 0.0), "recovery"))
        s = np.full(self.n, _number(state.get("synaptic", 0.0), "synaptic"))
        gates = [x_inf(ch, V) if ch["gating"] != "none" else np.ones(self.n)
                 for ch in self.channels]
        steps = len(t)
        Vs, ws, ss = (np.empty((steps, self.n)) for _ in range(3))
        cur = {ch["name"]: np.empty((steps, self.n)) for ch in self.channels}
        cur["synapse"] = np.empty((steps, self.n))
        spikes: list[list[float]] = [[] for _ in range(self.n)]
        arrivals = np.searchsorted(self.input_spikes, t + dt - 1e-9) \
            - np.searchsorted(self.input_spikes, t - 1e-9)  # input spikes in [t, t + dt)
        for k in range(steps):
            Vs[k], ws[k], ss[k] = V, w, s
            parts = self.currents(V, gates, s)
            for name, value in parts.items():
                cur[name][k] = value
            dV = (-sum(parts.values()) - w + I_ext[k]) / self.C_m
            dw = (self.a_w * (V - self.E_L) - w) / self.tau_w
            for i, ch in enumerate(self.channels):
                if ch["gating"] == "first-order":
                    gates[i] = gates[i] + dt * (x_inf(ch, V) - gates[i]) / ch["tau"]
            V_new = V + dt * dV
            w = w + dt * dw
            s = s - dt * s / self.tau_s + arrivals[k] * self.input_weights
            for i, ch in enumerate(self.channels):
                if ch["gating"] == "instant":
                    gates[i] = x_inf(ch, V_new)
            crossed = (V < self.V_th) & (V_new >= self.V_th)
            if crossed.any():
                for j in np.flatnonzero(crossed):
                    spikes[j].append(t[k] + dt)
                s = s + self.coupling @ crossed.astype(float)
                w = w + self.b_w * crossed
                if self.V_reset is not None:
                    V_new = np.where(crossed, self.V_reset, V_new)
            V = V_new
        squeeze = (lambda a: a[:, 0]) if self.n == 1 else (lambda a: a)
        return {"t": t, "V": squeeze(Vs), "w": squeeze(ws), "s": squeeze(ss),
                "spikes": [np.array(x) for x in spikes],
                "currents": {name: squeeze(value) for name, value in cur.items()}}


# -- the assembled neuron of the tab: the same model described by forms ------------------------

import dataclasses  # noqa: E402 - the forms part of the module

from .params import ParamError, Params, checked, param  # noqa: E402

_GATED = ("gating", ("instant", "first-order"))


@dataclasses.dataclass(frozen=True)
class ChannelParams(Params):
    """One channel: I = g x (V - E), x = 1 (no gate) or a voltage-gated x."""

    g: float = param(0.1, "conductance g", "uS", min=0.0, max=100.0, step=0.01, decimals=4,
                     help="maximal conductance (uS x mV = nA)")
    E: float = param(-65.0, "reversal potential E", "mV", min=-150.0, max=150.0, step=1.0,
                     decimals=2, help="the current reverses here")
    gating: str = param("none", "gating", choices=GATINGS,
                        help="none: a leak; instant: x = x_inf(V); first-order: "
                             "dx/dt = (x_inf(V) - x) / tau")
    V_half: float = param(-40.0, "half-activation V½", "mV", min=-150.0, max=150.0, step=1.0,
                          decimals=2, show_when=_GATED,
                          help="x_inf = 1 / (1 + exp(-(V - V½) / k)) ** power")
    k: float = param(5.0, "slope k", "mV", min=-100.0, max=100.0, step=0.5, decimals=3,
                     show_when=_GATED, help="positive: activates with depolarisation; "
                                            "negative: inactivates")
    power: float = param(1.0, "power", min=0.0, max=8.0, step=1.0, decimals=2,
                         show_when=_GATED, help="exponent of the gate, as m^3 in HH")
    tau: float = param(10.0, "gate time constant τ", "ms", min=0.01, max=10000.0, step=1.0,
                       decimals=3, show_when=("gating", ("first-order",)),
                       help="how fast a first-order gate follows x_inf(V)")

    def check(self) -> None:
        if self.gating != "none" and self.k == 0:
            raise ParamError("k", "must not be 0")

    def spec(self, name: str) -> dict:
        return {"name": name, **self.to_dict()}


CHANNEL_TEMPLATES = {
    "leak": ChannelParams(),
    "persistent sodium (instant)": ChannelParams(g=0.08, E=50.0, gating="instant",
                                                 V_half=-45.0, k=4.0),
    "slow potassium (first-order)": ChannelParams(g=0.2, E=-90.0, gating="first-order",
                                                  V_half=-40.0, k=5.0, tau=80.0),
    "h current (first-order, hyperpolarisation)": ChannelParams(
        g=0.02, E=-30.0, gating="first-order", V_half=-80.0, k=-6.0, tau=100.0),
}
"""Channels the tab offers to add (a custom one starts as a leak)."""


@dataclasses.dataclass(frozen=True)
class AssembledParams(Params):
    """Membrane, spike rule, recovery variable, external current and run."""

    C_m: float = param(1.0, "capacitance C_m", "nF", min=0.001, max=100.0, step=0.1,
                       decimals=3, help="C_m dV/dt = -sum of currents + I_ext")
    E_L: float = param(-65.0, "resting level E_L", "mV", min=-150.0, max=50.0, step=1.0,
                       decimals=2, help="initial V, and the level the recovery variable reads")
    V_th: float = param(-50.0, "spike threshold", "mV", min=-150.0, max=100.0, step=1.0,
                        decimals=2, help="a spike is counted when V crosses it upwards")
    reset: bool = param(True, "reset after a spike",
                        help="on: integrate-and-fire with conductances (V <- V_reset); off: "
                             "the channels must make and end the spike")
    V_reset: float = param(-65.0, "reset potential", "mV", min=-150.0, max=100.0, step=1.0,
                           decimals=2, show_when=("reset", ("True",)),
                           help="V after a spike (with reset on)")
    a_w: float = param(0.0, "recovery coupling a_w", "uS", min=-10.0, max=10.0, step=0.005,
                       decimals=4, help="tau_w dw/dt = a_w (V - E_L) - w; w is an outward current")
    b_w: float = param(0.0, "recovery jump b_w", "nA", min=-10.0, max=10.0, step=0.01,
                       decimals=4, help="w jumps by this at each spike")
    tau_w: float = param(100.0, "recovery time constant τ_w", "ms", min=0.1, max=10000.0,
                         step=5.0, decimals=2, help="time constant of w")
    I_amp: float = param(2.0, "external current", "nA", min=-100.0, max=100.0, step=0.1,
                         decimals=3, help="amplitude of the step I_ext")
    I_tstart: float = param(20.0, "current on", "ms", min=0.0, max=1e5, step=5.0, decimals=1,
                            help="the step starts here")
    I_tend: float = param(180.0, "current off", "ms", min=0.0, max=1e5, step=5.0, decimals=1,
                          help="the step ends here")
    t_end: float = param(300.0, "simulation length", "ms", min=1.0, max=10000.0, step=10.0,
                         decimals=1, help="simulated time")
    dt: float = param(0.05, "time step", "ms", min=0.001, max=1.0, step=0.01, decimals=3,
                      help="forward Euler step")

    def check(self) -> None:
        if self.reset and self.V_reset >= self.V_th:
            raise ParamError("V_reset", "must be below the spike threshold")
        if self.I_tend < self.I_tstart:
            raise ParamError("I_tend", "must not be before the start")
        if self.dt > self.t_end:
            raise ParamError("dt", "must be shorter than the simulation")


@dataclasses.dataclass(frozen=True)
class SynapseParams(Params):
    """I_syn = g_s s (V - E_rev); s decays with tau_s and jumps by 1 at each input spike."""

    g_s: float = param(0.0, "synaptic conductance g_s", "uS", min=0.0, max=100.0, step=0.01,
                       decimals=4, help="0 switches the synapse off")
    E_rev: float = param(0.0, "synaptic reversal E_rev", "mV", min=-150.0, max=150.0, step=1.0,
                         decimals=2, help="0 mV: excitatory; -80 mV: inhibitory")
    tau_s: float = param(5.0, "synaptic time constant τ_s", "ms", min=0.01, max=1000.0,
                         step=0.5, decimals=3, help="decay of s")
    input_start: float = param(200.0, "first input spike", "ms", min=0.0, max=1e5, step=5.0,
                               decimals=1, help="time of the first spike of the input train")
    input_interval: float = param(5.0, "input interval", "ms", min=0.01, max=1e4, step=1.0,
                                  decimals=2, help="time between input spikes (regular train)")
    input_count: int = param(10, "input spikes", min=0, max=10000, step=1,
                             help="number of spikes of the input train")

    def spike_times(self):
        return self.input_start + self.input_interval * np.arange(self.input_count)


@dataclasses.dataclass
class AssembledResult:
    """``t`` (ms), ``V`` (mV), ``w`` (nA), ``s``, ``currents`` (name -> nA, outward positive),
    ``I_ext`` (nA), ``spike_times`` and the input spikes (ms)."""

    t: np.ndarray
    V: np.ndarray
    w: np.ndarray
    s: np.ndarray
    currents: dict
    I_ext: np.ndarray
    spike_times: np.ndarray
    input_spikes: np.ndarray
    completed: bool = True


def channel_names(channels) -> list[str]:
    return [f"{k + 1}: {'leak' if c.gating == 'none' else c.gating} (E {c.E:g} mV)"
            for k, c in enumerate(channels)]


@checked(AssembledParams, SynapseParams, diverges=True)
def simulate_assembled(params: AssembledParams = AssembledParams(),
                       synapse: SynapseParams = SynapseParams(),
                       channels: tuple = (ChannelParams(),), *, on_chunk=None,
                       should_stop=None) -> AssembledResult:
    """The tab's run: NeuralDynamics with the forms' values and ``channels`` (ChannelParams)."""
    channels = tuple(ChannelParams(**c) if isinstance(c, Mapping) else c for c in channels)
    if not all(isinstance(c, ChannelParams) for c in channels):
        raise ValueError("channels: must be ChannelParams")
    names = channel_names(channels)
    nd = NeuralDynamics(
        {"C_m": params.C_m, "E_L": params.E_L, "V_th": params.V_th,
         "V_reset": params.V_reset if params.reset else None,
         "channels": [c.spec(n) for c, n in zip(channels, names)],
         "a_w": params.a_w, "b_w": params.b_w, "tau_w": params.tau_w},
        {"g_s": synapse.g_s, "E_rev": synapse.E_rev, "tau_s": synapse.tau_s,
         "input_spikes": synapse.spike_times()})
    t = np.arange(int(round(params.t_end / params.dt))) * params.dt
    I_ext = np.where((t >= params.I_tstart) & (t < params.I_tend), params.I_amp, 0.0)
    out = nd.simulate_dynamics({"voltage": params.E_L}, I_ext, params.t_end, params.dt)
    return AssembledResult(t=out["t"], V=out["V"], w=out["w"], s=out["s"],
                           currents=out["currents"], I_ext=I_ext,
                           spike_times=out["spikes"][0], input_spikes=synapse.spike_times())
