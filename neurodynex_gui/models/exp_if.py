"""Exponential integrate-and-fire neuron (Neuronal Dynamics ch. 5.2; neurodynex3's
``exponential_integrate_fire`` exercise, with its names and defaults):

    tau du/dt = -(u - v_rest) + delta_T exp((u - v_rheobase) / delta_T) + R I(t)
    u > v_spike: u <- v_reset

Units of the exercise, as plain numbers: ms, mV, MOhm, pA. The I-V relation (book Fig. 5.3)
F(u) = -(u - v_rest) + delta_T exp((u - v_rheobase)/delta_T) + R I = tau du/dt has its minimum
at u = v_rheobase; below the rheobase current I_rh = (v_rheobase - v_rest - delta_T) / R it
has two zeros (a stable rest and the unstable firing threshold), found in closed form with
Lambert's W (see ``fixed_points``).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import ParamError, Params, checked, param
from .reset_neurons import (SpikingResult, adex_euler, adex_euler_many,
                            check_exponential_neuron, current_samples)
from .search import SearchInputs, lowest_firing
from .stimulus import stimulus_class
from .sweep import SweepResult

__all__ = ["ExpIFParams", "ExpIFStimulus", "simulate_exponential_IF_neuron", "simulate",
           "rheobase_current", "fixed_points", "iv_curve", "rheobase_search", "fi_curve"]


@dataclasses.dataclass(frozen=True)
class ExpIFParams(Params):
    """neurodynex3's ``exp_IF`` defaults (``simulation_time`` and ``dt`` in ms)."""

    tau: float = param(12.0, "membrane time constant τ", "ms", min=0.1, max=1000.0, step=0.5,
                       decimals=2, help="MEMBRANE_TIME_SCALE_tau")
    R: float = param(20.0, "membrane resistance R", "MOhm", min=0.1, max=10000.0, step=1.0,
                     decimals=2, help="MEMBRANE_RESISTANCE_R: R I (mV) = R (MOhm) I (pA) / 1000")
    v_rest: float = param(-65.0, "resting potential", "mV", min=-120.0, max=0.0, step=1.0,
                          decimals=2, help="V_REST: u relaxes towards it without input")
    v_reset: float = param(-60.0, "reset potential", "mV", min=-120.0, max=0.0, step=1.0,
                           decimals=2, help="V_RESET: u is set to it after a spike")
    v_rheobase: float = param(-55.0, "rheobase threshold θ_rh", "mV", min=-120.0, max=0.0,
                              step=1.0, decimals=2,
                              help="RHEOBASE_THRESHOLD_v_rh: where the I-V curve has its minimum")
    v_spike: float = param(-30.0, "numerical spike threshold", "mV", min=-100.0, max=50.0,
                           step=1.0, decimals=2,
                           help="FIRING_THRESHOLD_v_spike: a spike is registered above it")
    delta_T: float = param(2.0, "sharpness Δ_T", "mV", min=0.01, max=20.0, step=0.1, decimals=3,
                           help="SHARPNESS_delta_T: width of the exponential upswing")
    simulation_time: float = param(200.0, "simulation length", "ms", min=1.0, max=20000.0,
                                   step=10.0, decimals=1, help="simulated time")
    dt: float = param(0.1, "time step", "ms", min=0.001, max=0.5, step=0.01, decimals=3,
                      help="Euler step: 0.1 ms keeps a 500 ms run to a few ms; neurodynex3's "
                           "exp_IF clock (the scripting function's default) is 0.05 ms")

    def check(self) -> None:
        check_exponential_neuron(self)


ExpIFStimulus = stimulus_class("pA", "ExpIFStimulus", __name__, I_amp=800.0,
                               amplitude_range=1e5, I_tstart=20.0, I_tend=120.0)


def _neuron(params: ExpIFParams) -> dict:
    return dict(tau_m=params.tau, R=params.R, v_rest=params.v_rest, v_reset=params.v_reset,
                v_rheobase=params.v_rheobase, delta_T=params.delta_T, v_spike=params.v_spike,
                a=0.0, tau_w=1.0, b=0.0)


def _run(params: ExpIFParams, current: np.ndarray) -> SpikingResult:
    v, w, spikes = adex_euler(**_neuron(params), current=current, dt=params.dt)
    t = np.arange(len(current)) * params.dt
    return SpikingResult(t=t, v=v, w=np.zeros_like(v), I=np.asarray(current, float),
                         spike_times=spikes, label="exponential integrate-and-fire")


@checked(ExpIFParams, I_stim=None)
def simulate_exponential_IF_neuron(tau=12.0, R=20.0, v_rest=-65.0, v_reset=-60.0,
                                   v_rheobase=-55.0, v_spike=-30.0, delta_T=2.0, I_stim=0.0,
                                   simulation_time=200.0, dt=0.05) -> SpikingResult:
    """neurodynex3's function with numbers in its units; ``I_stim`` in pA: a constant, an
    ``(amplitude_pA, t_start_ms, t_end_ms)`` step or an array sampled every ``dt``; ``dt``
    defaults to the clock neurodynex3's exp_IF module sets (0.05 ms)."""
    params = ExpIFParams(tau=float(tau), R=float(R), v_rest=float(v_rest),
                         v_reset=float(v_reset), v_rheobase=float(v_rheobase),
                         v_spike=float(v_spike), delta_T=float(delta_T),
                         simulation_time=float(simulation_time), dt=float(dt))
    steps = int(round(params.simulation_time / params.dt))
    return _run(params, current_samples(I_stim, steps, params.dt))


@checked(diverges=True)
def simulate(params: ExpIFParams = ExpIFParams(), stimulus=ExpIFStimulus(), *, on_chunk=None,
             should_stop=None) -> SpikingResult:
    """The tab's run: the form's neuron and stimulus (one call, a few milliseconds)."""
    steps = int(round(params.simulation_time / params.dt))
    return _run(params, stimulus.current(np.arange(steps) * params.dt))


# -- analysis -----------------------------------------------------------------------------------

@checked(ExpIFParams)
def rheobase_current(R=20.0, v_rest=-65.0, v_rheobase=-55.0, delta_T=2.0) -> float:
    """I_rh (pA) = (v_rheobase - v_rest - delta_T) / R: the largest current for which the I-V
    curve still has a zero (where dF/du = -1 + exp((u - v_rheobase)/delta_T) = 0)."""
    return 1000.0 * (v_rheobase - v_rest - delta_T) / R


@checked(ExpIFParams, I=None)
def iv_curve(u, I=0.0, R=20.0, v_rest=-65.0, v_rheobase=-55.0, delta_T=2.0):
    """F(u) = tau du/dt (mV) at the constant current ``I`` (pA), at the potentials ``u``."""
    u = np.asarray(u, float)
    with np.errstate(over="ignore"):
        return (-(u - v_rest) + delta_T * np.exp((u - v_rheobase) / delta_T)
                + R * I / 1000.0)



@checked(ExpIFParams, I=None)
def fixed_points(I=0.0, R=20.0, v_rest=-65.0, v_rheobase=-55.0, delta_T=2.0) -> tuple:
    """The zeros of the I-V curve at current ``I`` (pA): (rest, threshold) in mV, one point at
    the rheobase, none above it. With x = (u - v_rheobase)/delta_T the condition reads
    exp(x) = x + c, c = (v_rheobase - v_rest - R I)/delta_T, so x = -c - W_k(-exp(-c)) on the
    two real branches k = 0 (threshold) and k = -1 (rest) of Lambert's W."""
    from scipy.special import lambertw

    c = (v_rheobase - v_rest - R * I / 1000.0) / delta_T
    z = -np.exp(-c)
    if z < -np.exp(-1.0) - 1e-15:
        return ()
    if z < -np.exp(-1.0) + 1e-12:  # the saddle-node: both branches meet at x = 0
        return (float(v_rheobase),)
    points = sorted({float(np.real(-c - lambertw(z, k))) for k in (0, -1)})
    return tuple(v_rheobase + delta_T * x for x in points)



@dataclasses.dataclass(frozen=True)
class RheobaseInputs(SearchInputs):
    resolution: float = param(1.0, "resolution", "pA", min=0.01, max=1000.0, step=0.5,
                              decimals=3, help="the search stops when the bracket is this narrow")
    duration: float = param(1500.0, "duration of each trial", "ms", min=10.0, max=20000.0,
                            step=100.0, decimals=1,
                            help="constant current for this long: near the rheobase the first "
                                 "spike comes late (tau pi sqrt(2 delta_T / (R dI)))")


@checked(ExpIFParams, RheobaseInputs)
def rheobase_search(params: ExpIFParams = ExpIFParams(), neurons: int = 46,
                    resolution: float = 1.0, duration: float = 1500.0, *, on_chunk=None,
                    should_stop=None) -> SweepResult:
    """The lowest constant current that makes the neuron fire within ``duration``, found by
    simulation (vectorised rounds of ``neurons`` currents), beside the closed form."""
    steps = int(round(duration / params.dt))
    neuron = _neuron(params)

    def fires(amps):
        flat = amps.ravel()
        spikes, _, _ = adex_euler_many(neuron, np.broadcast_to(flat, (steps, len(flat))),
                                       params.dt)
        counts = np.array([len(s) for s in spikes]).reshape(amps.shape)
        return counts, counts > 0

    exact = rheobase_current(params.R, params.v_rest, params.v_rheobase, params.delta_T)
    start = max(4.0 * abs(exact), 10.0)
    brackets = lowest_firing(fires, resolution=resolution, start=start, ceiling=1e5,
                             neurons=neurons)
    amps = np.concatenate([a.ravel() for a, _ in brackets.tried])
    counts = np.concatenate([c.ravel() for _, c in brackets.tried])
    order = np.argsort(amps)
    found = float(brackets.answer[0])
    return SweepResult(x=amps[order], columns={"spike count": counts[order].astype(float)},
                       x_label="constant current I (pA)", answer=found,
                       answer_text=f"Rheobase by simulation {found:.2f} pA (fires; "
                                   f"{brackets.low[0]:.2f} pA does not); closed form "
                                   f"(θ_rh - v_rest - Δ_T)/R = {exact:.2f} pA")


@dataclasses.dataclass(frozen=True)
class FICurveInputs(Params):
    I_min: float = param(0.0, "lowest current", "pA", min=-1e5, max=1e5, step=10.0, decimals=2,
                         help="first current of the f-I curve")
    I_max: float = param(1500.0, "highest current", "pA", min=-1e5, max=1e5, step=10.0,
                         decimals=2, help="last current of the f-I curve")
    currents: int = param(61, "currents", min=2, max=2000, step=1,
                          help="currents simulated together, one neuron each")
    duration: float = param(500.0, "duration", "ms", min=10.0, max=20000.0, step=100.0,
                            decimals=1, help="each current is held this long")

    def check(self) -> None:
        if self.I_max <= self.I_min:
            raise ParamError("I_max", "must be above the lowest current")


@checked(ExpIFParams, FICurveInputs)
def fi_curve(params: ExpIFParams = ExpIFParams(), I_min: float = 0.0, I_max: float = 1500.0,
             currents: int = 61, duration: float = 500.0, *, on_chunk=None,
             should_stop=None) -> SweepResult:
    """Firing rate against constant current (rate from the mean inter-spike interval)."""
    amps = np.linspace(I_min, I_max, currents)
    steps = int(round(duration / params.dt))
    spikes, _, _ = adex_euler_many(_neuron(params), np.broadcast_to(amps, (steps, currents)),
                                   params.dt)
    rates = np.array([1000.0 / np.mean(np.diff(s)) if len(s) > 1 else 0.0 for s in spikes])
    exact = rheobase_current(params.R, params.v_rest, params.v_rheobase, params.delta_T)
    return SweepResult(x=amps, columns={"rate_Hz": rates}, x_label="constant current I (pA)",
                       answer=exact, answer_text=f"Rate from the mean ISI over {duration:g} ms; "
                       f"line: the rheobase {exact:.1f} pA (closed form)")
