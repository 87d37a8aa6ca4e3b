"""Plasticity rules in closed form and in numpy (Neuronal Dynamics, ch. 19): the parameters of
the tab, the STDP window, the weight change of a pairing protocol summed by hand, the rate-based
Hebb rule with decay, and synaptic scaling towards a target rate.

Convention (the broader note's): dt = t_post - t_pre; the window is

    W(dt) = A_plus  exp(-|dt| / tau_plus)    for dt >= 0 (pre before post: potentiation)
    W(dt) = A_minus exp(-|dt| / tau_minus)   for dt < 0  (post before pre: depression)

with A_minus signed (negative for depression). No brian2 or Qt here.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import Params, checked, param

RULES = ("pair", "triplet")
PAIRINGS = ("all-to-all", "nearest")


@dataclasses.dataclass(frozen=True)
class STDPParams(Params):
    """The pair rule's window and the triplet rule's amplitudes (Pfister and Gerstner 2006,
    visual cortex, minimal all-to-all model)."""

    A_plus: float = param(0.01, "A₊ (potentiation)", min=0.0, max=1.0, step=0.001,
                          decimals=5, help="weight change of one pre-before-post pair at dt = 0⁺")
    A_minus: float = param(-0.0105, "A₋ (depression, signed)", min=-1.0, max=0.0,
                           step=0.001, decimals=5,
                           help="weight change of one post-before-pre pair at dt = 0⁻ "
                                "(negative: depression)")
    tau_plus: float = param(20.0, "τ₊", "ms", min=0.5, max=500.0, step=1.0,
                            help="decay of the window for dt > 0 (presynaptic trace)")
    tau_minus: float = param(20.0, "τ₋", "ms", min=0.5, max=500.0, step=1.0,
                             help="decay of the window for dt < 0 (postsynaptic trace)")
    rule: str = param("pair", "rule", choices=RULES,
                      help="pair: the window above; triplet: Pfister-Gerstner triplet rule")
    pairing: str = param("all-to-all", "pairing", choices=PAIRINGS,
                         help="all-to-all: every pre/post pair counts (traces add up); "
                              "nearest: each spike pairs only with the latest spike of the "
                              "other side (traces reset to 1)")
    A2_plus: float = param(5e-10, "A₂⁺ (triplet)", min=0.0, max=1.0, decimals=10,
                           help="triplet rule: pair potentiation", show_when=("rule",
                                                                                ("triplet",)))
    A3_plus: float = param(6.2e-3, "A₃⁺ (triplet)", min=0.0, max=1.0, decimals=5,
                           help="triplet rule: potentiation by pre-post-post triplets",
                           show_when=("rule", ("triplet",)))
    A2_minus: float = param(7e-3, "A₂⁻ (triplet)", min=0.0, max=1.0, decimals=5,
                            help="triplet rule: pair depression (magnitude)",
                            show_when=("rule", ("triplet",)))
    tau_plus_triplet: float = param(16.8, "τ₊ (triplet)", "ms", min=0.5, max=500.0,
                                    help="triplet rule: presynaptic trace r₁",
                                    show_when=("rule", ("triplet",)))
    tau_minus_triplet: float = param(33.7, "τ₋ (triplet)", "ms", min=0.5, max=500.0,
                                     help="triplet rule: postsynaptic trace o₁",
                                     show_when=("rule", ("triplet",)))
    tau_y: float = param(125.0, "τ_y (triplet)", "ms", min=0.5, max=5000.0,
                         help="triplet rule: slow postsynaptic trace o₂",
                         show_when=("rule", ("triplet",)))


@dataclasses.dataclass(frozen=True)
class PairingParams(Params):
    """The pairing protocol: n pairs, pre at k/f, post dt later."""

    dt_ms: float = param(10.0, "dt = t_post − t_pre", "ms", min=-500.0, max=500.0, step=1.0,
                         help="timing of each pair (positive: pre before post)")
    n_pairs: int = param(60, "number of pairs", min=1, max=500, step=1,
                         help="pairs in the protocol (Bi and Poo 1998: 60)")
    frequency_Hz: float = param(1.0, "pairing frequency", "Hz", min=0.1, max=100.0,
                                step=1.0, help="repetition rate of the pairs")
    window_ms: float = param(100.0, "window range ±", "ms", min=5.0, max=200.0, step=5.0,
                             help="the STDP window is measured for dt from −range to +range "
                                  "in steps of 1 ms, all in one run")


@dataclasses.dataclass(frozen=True)
class CompetitionParams(Params):
    """Song, Miller and Abbott (2000): Poisson inputs onto an LIF neuron with STDP."""

    n_inputs: int = param(1000, "inputs", min=10, max=5000, step=100,
                          help="number of excitatory Poisson inputs")
    rate_Hz: float = param(15.0, "input rate", "Hz", min=0.1, max=100.0, step=1.0,
                           help="rate of every input")
    t_end_s: float = param(100.0, "learning time", "s", min=1.0, max=1000.0, step=10.0,
                           help="simulated time")
    rule: str = param("additive", "STDP", choices=("additive", "multiplicative"),
                      help="additive: fixed steps, hard bounds (competition, two groups); "
                           "multiplicative: depression proportional to w (one group)")
    A_plus: float = param(0.01, "A₊ / w_max", min=0.0, max=0.5, step=0.001, decimals=5,
                          help="potentiation per pair, as a fraction of w_max")
    ratio: float = param(1.05, "|A₋| / A₊", min=0.1, max=5.0, step=0.01,
                         help="depression slightly stronger than potentiation (1.05 in the "
                              "paper)")
    w_max: float = param(0.01, "w_max", min=1e-4, max=1.0, step=0.001, decimals=5,
                         help="upper bound of the weights (conductance, units of the leak)")
    correlated: int = param(0, "correlated group size", min=0, max=5000, step=50,
                            help="the first inputs share a common Poisson source with this "
                                 "correlation (0: all independent)")
    c: float = param(0.2, "correlation c", min=0.0, max=1.0, step=0.05,
                     help="share of a correlated input's spikes copied from the common source")
    seed: int = param(1, "seed", min=0, max=2 ** 31 - 1, help="random seed")
    dt_ms: float = param(0.5, "time step", "ms", min=0.05, max=0.5, step=0.05,
                         help="brian2 clock of the competition (Euler steps of the neuron; "
                              "spike times on this grid); at 1 ms the weights run away")


@dataclasses.dataclass(frozen=True)
class HebbParams(Params):
    """The note's rate rule dW/dt = eta (r_pre r_post - alpha W) and synaptic scaling."""

    eta: float = param(0.01, "η (learning rate)", "1/(Hz² s)", min=0.0, max=10.0, step=0.001,
                       decimals=5, help="learning rate of dW/dt = η (r_i r_j − α W)")
    alpha: float = param(10.0, "α (decay)", "Hz²", min=0.0, max=1e4, step=1.0,
                         help="weight decay; W → r_pre r_post / α")
    r_pre: float = param(5.0, "r_pre", "Hz", min=0.0, max=200.0, step=1.0,
                         help="presynaptic rate (the first of four pairs; the others are "
                              "scaled)")
    r_post: float = param(4.0, "r_post", "Hz", min=0.0, max=200.0, step=1.0,
                          help="postsynaptic rate")
    t_end: float = param(50.0, "duration", "s", min=0.01, max=1000.0, step=1.0,
                         help="simulated time")
    dt: float = param(0.01, "time step", "s", min=1e-4, max=1.0, step=0.01,
                      help="Euler step")
    target_Hz: float = param(5.0, "target rate", "Hz", min=0.1, max=100.0, step=1.0,
                             help="homeostasis: the postsynaptic rate synaptic scaling aims at")
    tau_h: float = param(1.0, "τ scaling", "s", min=0.01, max=1000.0, step=0.5,
                         help="homeostasis: time constant of synaptic scaling")
    eta_h: float = param(0.001, "η with scaling", "1/(Hz² s)", min=0.0, max=10.0, step=0.001,
                         decimals=5, help="homeostasis: the Hebbian learning rate beside the "
                                          "scaling (the rate settles at target × (1 + η τ "
                                          "(Σr² − α)))")
    W0: float = param(0.1, "initial W", min=0.0, max=100.0, step=0.01,
                      help="initial weight of every synapse")


@checked(STDPParams, PairingParams, dt_ms=None)
def stdp_window(dt_ms, A_plus: float = 0.01, A_minus: float = -0.0105, tau_plus: float = 20.0,
                tau_minus: float = 20.0) -> np.ndarray:
    """The note's analytic STDP window W(dt) for dt = t_post - t_pre in ms (array or number);
    W(0) = A_plus (pre first at equal times)."""
    dt = np.asarray(dt_ms, dtype=float)
    return np.where(dt >= 0, A_plus * np.exp(-np.abs(dt) / tau_plus),
                    A_minus * np.exp(-np.abs(dt) / tau_minus))


@checked(PairingParams, start_ms=None)
def protocol_times(dt_ms: float = 10.0, n_pairs: int = 60, frequency_Hz: float = 1.0,
                   start_ms: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Pre and post spike times (ms) of a pairing protocol."""
    pre = start_ms + np.arange(n_pairs) * (1000.0 / frequency_Hz)
    return pre, pre + dt_ms


@checked(STDPParams, PairingParams, pre_ms=None, post_ms=None)
def pair_rule_sum(pre_ms, post_ms, A_plus: float = 0.01, A_minus: float = -0.0105,
                  tau_plus: float = 20.0, tau_minus: float = 20.0,
                  pairing: str = "all-to-all") -> float:
    """The pair rule's total weight change for two spike trains, summed pair by pair (no
    bounds): all-to-all sums W over every pre/post pair; nearest lets each post spike pair
    with the latest earlier (or simultaneous) pre spike and each pre spike with the latest
    strictly earlier post spike."""
    pre, post = np.sort(np.asarray(pre_ms, float)), np.sort(np.asarray(post_ms, float))
    if pairing == "all-to-all":
        diffs = post[None, :] - pre[:, None]
        return float(np.sum(stdp_window(diffs, A_plus, A_minus, tau_plus, tau_minus)))
    total = 0.0
    for t in post:
        before = pre[pre <= t]
        if len(before):
            total += A_plus * np.exp(-(t - before[-1]) / tau_plus)
    for t in pre:
        before = post[post < t]
        if len(before):
            total += A_minus * np.exp(-(t - before[-1]) / tau_minus)
    return total


@checked(HebbParams, r_pre=None, r_post=None)
def hebb_with_decay(r_pre, r_post, eta: float = 0.01, alpha: float = 10.0, t_end: float = 10.0,
                    dt: float = 0.01, W0=0.0) -> dict:
    """Euler steps of dW_ij/dt = eta (r_i r_j - alpha W_ij) (rates in Hz, time in s) for
    arrays of rates (one synapse each) beside plain Hebb (alpha = 0): a dict with ``t`` (s),
    ``W`` and ``W_plain`` (time x synapse) and ``W_fixed`` = r_pre r_post / alpha."""
    r_pre, r_post = np.atleast_1d(np.asarray(r_pre, float)), np.atleast_1d(
        np.asarray(r_post, float))
    steps = int(round(t_end / dt))
    t = np.arange(steps + 1) * dt
    drive = r_pre * r_post
    W = np.empty((steps + 1, len(drive)))
    W_plain = np.empty_like(W)
    W[0] = W_plain[0] = W0
    for k in range(steps):
        W[k + 1] = W[k] + dt * eta * (drive - alpha * W[k])
        W_plain[k + 1] = W_plain[k] + dt * eta * drive
    fixed = drive / alpha if alpha > 0 else np.full_like(drive, np.inf)
    return {"t": t, "W": W, "W_plain": W_plain, "W_fixed": fixed}


@checked(HebbParams, r_pre=None, W0=None)
def synaptic_scaling(r_pre, W0, target_Hz: float = 5.0, tau_h: float = 2.0, t_end: float = 10.0,
                     dt: float = 0.01, eta: float = 0.01, alpha: float = 0.0) -> dict:
    """A linear rate neuron r_post = sum_j W_j r_j whose weights grow by Hebb (eta r_j r_post,
    minus the decay alpha W_j) and are scaled multiplicatively towards a target rate:
    dW_j/dt = eta (r_j r_post - alpha W_j) + W_j (target - r_post) / (target tau_h).
    Returns ``t`` (s), ``rate`` and ``rate_plain`` (Hz, with and without scaling) and ``W``."""
    r_pre = np.asarray(r_pre, float)
    W, W_plain = np.array(W0, float), np.array(W0, float)
    steps = int(round(t_end / dt))
    rates, plain, weights = np.empty(steps + 1), np.empty(steps + 1), np.empty(
        (steps + 1, len(W)))
    for k in range(steps + 1):
        r, r_plain = float(W @ r_pre), float(W_plain @ r_pre)
        rates[k], plain[k], weights[k] = r, r_plain, W
        if k == steps:
            break
        W = W + dt * (eta * (r_pre * r - alpha * W) + W * (target_Hz - r) / (target_Hz * tau_h))
        W_plain = W_plain + dt * eta * (r_pre * r_plain - alpha * W_plain)
        if not np.all(np.isfinite(W_plain)) or r_plain > 1e6:
            W_plain = np.full_like(W_plain, np.nan)
    return {"t": np.arange(steps + 1) * dt, "rate": rates, "rate_plain": plain, "W": weights,
            "target_Hz": target_Hz}
