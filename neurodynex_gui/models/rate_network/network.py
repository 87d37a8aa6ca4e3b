"""Rate networks tau dr/dt = -r + f(W r + I) (Neuronal Dynamics, ch. 15-16): transfer
functions, motifs, integration and winner-take-all.

Time is in ms, rates and inputs are dimensionless (r is the output of f). See integrate for
how the equations are solved.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..params import ParamError, Params, checked, param
from ..sweep import SweepResult
from . import integrate

TRANSFERS = ("sigmoid", "threshold_linear", "tanh", "linear")
MOTIFS = ("feedforward chain", "recurrent ring", "winner-take-all", "E-I pair", "random")
INPUTS = ("constant", "step", "noisy")
ACTIVE = 1e-3  # a unit whose final rate exceeds this is "active" (winner-take-all)


@dataclasses.dataclass(frozen=True)
class NetworkParams(Params):
    """A motif, its transfer function, its inputs and the integration (the tab's form)."""

    motif: str = param("recurrent ring", "motif", choices=MOTIFS,
                       help="feedforward chain: unit i drives i+1 with weight w; recurrent "
                            "ring: each unit drives both neighbours; winner-take-all: "
                            "every unit inhibits every other with alpha; E-I pair: an "
                            "excitatory unit (0) and an inhibitory one (1); random: Gaussian "
                            "weights of variance g^2/N")
    N: int = param(8, "units N", min=2, max=2000, step=1,
                   help="number of units (the E-I pair always has 2)")
    w: float = param(0.5, "weight w", min=-20.0, max=20.0, step=0.1, decimals=3,
                     help="weight of the chain and ring connections; in the E-I pair, "
                          "w_EE = w_IE = w and w_EI = -2 w, w_II = 0",
                     show_when=("motif", ("feedforward chain", "recurrent ring", "E-I pair")))
    alpha: float = param(1.5, "inhibition α", min=0.0, max=20.0, step=0.05, decimals=3,
                         help="winner-take-all: weight -α from every unit to every other",
                         show_when=("motif", ("winner-take-all",)))
    g: float = param(1.5, "gain g", min=0.0, max=10.0, step=0.1, decimals=3,
                     help="random network: weights drawn from N(0, g²/N); chaos for g > 1 "
                          "with tanh", show_when=("motif", ("random",)))
    seed: int = param(1, "seed", min=0, max=2**31 - 1, step=1,
                      help="seed of the random weights, the random network's initial rates "
                           "and the input noise")
    f: str = param("sigmoid", "transfer f", choices=TRANSFERS,
                   help="sigmoid 1/(1+exp(-gain (h-θ))); threshold_linear gain·max(h-θ, 0); "
                        "tanh tanh(gain (h-θ)); linear gain·(h-θ)")
    gain: float = param(4.0, "gain of f", min=0.0, max=100.0, step=0.1, decimals=3,
                        help="slope parameter of the transfer function")
    threshold: float = param(0.5, "threshold θ", min=-20.0, max=20.0, step=0.05,
                             decimals=3, help="input at which f is centred (or starts)")
    input_kind: str = param("step", "input", choices=INPUTS,
                            help="constant; a step from t_on to t_off; or constant plus "
                                 "white noise redrawn every time step")
    I0: float = param(1.0, "input I0 (unit 0)", min=-20.0, max=20.0, step=0.05, decimals=3,
                      help="external input of the first unit")
    I_slope: float = param(-0.5, "input slope ΔI", min=-20.0, max=20.0,
                           step=0.05, decimals=3,
                           help="inputs vary linearly from I0 (unit 0) to I0 + this "
                                "(unit N-1); the dragged bars of the WTA page replace them")
    t_on: float = param(50.0, "step on", "ms", min=0.0, max=1e5, step=10.0, decimals=1,
                        help="start of the step input", show_when=("input_kind", ("step",)))
    t_off: float = param(300.0, "step off", "ms", min=0.0, max=1e5, step=10.0, decimals=1,
                         help="end of the step input", show_when=("input_kind", ("step",)))
    noise: float = param(0.2, "noise σ", min=0.0, max=20.0, step=0.05, decimals=3,
                         help="standard deviation of the input noise (noisy input)",
                         show_when=("input_kind", ("noisy",)))
    tau: float = param(10.0, "time constant τ", "ms", min=0.01, max=1e4, step=1.0,
                       decimals=2, help="time constant of every unit")
    t_end: float = param(500.0, "duration", "ms", min=1.0, max=1e5, step=50.0, decimals=1,
                         help="simulated time")
    dt: float = param(0.1, "time step dt", "ms", min=1e-4, max=10.0, step=0.05, decimals=4,
                      help="Euler step; keep it well below τ")

    def check(self) -> None:
        if self.dt > self.tau:
            raise ParamError("dt", "must not exceed τ (the Euler step would be unstable)")
        if self.t_off < self.t_on:
            raise ParamError("t_off", "must not come before the step's start")


@dataclasses.dataclass
class RateResult:
    """``t`` (ms, shape T) and ``r`` (rates, T x units)."""

    t: np.ndarray
    r: np.ndarray


@dataclasses.dataclass
class WTAResult(RateResult):
    """A winner-take-all run; ``winners`` are the units active at the end."""

    winners: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, int))


def transfer(f: str, h, gain: float = 1.0, threshold: float = 0.0):
    """f(h) for the named transfer function."""
    if f not in TRANSFERS:
        raise ParamError("f", f"'{f}' is not one of {', '.join(TRANSFERS)}")
    return integrate.transfer_in_place(f, np.array(h, float), gain, threshold)


def transfer_slope(f: str, h, gain: float = 1.0, threshold: float = 0.0):
    """The derivative f'(h)."""
    x = gain * (np.asarray(h) - threshold)
    if f == "sigmoid":
        s = 0.5 * (1.0 + np.tanh(0.5 * x))
        return gain * s * (1.0 - s)
    if f == "threshold_linear":
        return gain * (x > 0)
    if f == "tanh":
        return gain / np.cosh(np.minimum(np.abs(x), 350.0)) ** 2
    if f == "linear":
        return np.full_like(x, gain, dtype=float)
    raise ParamError("f", f"'{f}' is not one of {', '.join(TRANSFERS)}")


def f_arguments(f: str, f_params: dict | None) -> dict:
    """The gain and threshold of ``f`` (defaults: gain 1, threshold 0), checked."""
    transfer(f, 0.0)
    given = dict(f_params or {})
    unknown = set(given) - {"gain", "threshold"}
    if unknown:
        raise ParamError("f_params", f"unknown entries {', '.join(sorted(unknown))} "
                                     "(known: gain, threshold)")
    for name, value in given.items():
        if not np.isfinite(value):
            raise ParamError("f_params", f"{name} must be a finite number")
    return {"gain": float(given.get("gain", 1.0)), "threshold": float(given.get("threshold", 0.0))}


def square_matrix(W, name: str = "W") -> np.ndarray:
    """``W`` as a finite float square matrix, or ParamError naming it."""
    try:
        W = np.array(W, float)
    except (TypeError, ValueError):
        raise ParamError(name, "must be a square matrix of numbers") from None
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] == 0:
        raise ParamError(name, f"must be a square matrix, got shape {W.shape}")
    if not np.isfinite(W).all():
        raise ParamError(name, "must hold finite numbers")
    return W


def _inputs(I_ext, n: int, steps: int) -> np.ndarray:
    """I_ext as a (1, n) constant or a (steps, n) array sampled every dt."""
    try:
        I = np.array(I_ext, float)
    except (TypeError, ValueError):
        raise ParamError("I_ext", "must be a number, one per unit, or time x units") from None
    if not np.isfinite(I).all():
        raise ParamError("I_ext", "must hold finite numbers")
    if I.ndim <= 1:
        return np.broadcast_to(I, (n,)).reshape(1, n) if I.size in (1, n) else _bad_shape(I, n)
    if I.ndim == 2 and I.shape[1] == n and I.shape[0] >= steps:
        return I
    return _bad_shape(I, n, steps)


def _bad_shape(I, n, steps=None):
    rows = f" or ({steps}, {n}) sampled every dt" if steps else ""
    raise ParamError("I_ext", f"shape {I.shape} does not fit {n} units (give a number, "
                              f"{n} values{rows})")


@checked(NetworkParams, W=None, I_ext=None, r0=None, diverges=True)
def simulate_rates(W, I_ext, tau=10., f="sigmoid", f_params=None, r0=None, t_end=500.,
                   dt=0.1, *, noise=0.0, seed=None, record_dt=None, on_chunk=None,
                   should_stop=None) -> RateResult:
    """Integrate tau dr/dt = -r + f(W r + I_ext + noise) from ``r0`` (zeros) for ``t_end`` ms:
    forward Euler with step ``dt``, or (up to 50 units without noise) LSODA sampled every dt.

    ``I_ext``: a number, one value per unit, or an array (steps x units) sampled every dt;
    ``f_params``: {"gain", "threshold"} of f; ``noise``: standard deviation of white input
    noise redrawn every step (seeded by ``seed``). Rates are kept every ``record_dt`` ms (dt).
    ``on_chunk`` gets each new RateResult piece; ``should_stop()`` ends the run early.
    """
    W = square_matrix(W)
    n = W.shape[0]
    steps = int(round(t_end / dt))
    I = _inputs(I_ext, n, steps)
    fa = f_arguments(f, f_params)
    r = np.zeros(n) if r0 is None else np.array(np.broadcast_to(np.asarray(r0, float), (n,)))
    every = max(1, int(round((record_dt or dt) / dt)))
    t = np.arange(steps // every + 1) * every * dt
    rates = np.empty((len(t), n))
    rates[0] = r

    def emit(first, kept):
        if on_chunk is not None:
            on_chunk(RateResult(t[first:kept], rates[first:kept]))

    if n <= integrate.SMALL and not noise and integrate.input_pieces(I, steps) is not None:
        kept = integrate.lsoda(W, I, tau, f, fa, rates, every, steps, dt, emit, should_stop)
    else:
        kept = integrate.euler(W, I, tau, f, fa, rates, every, steps, dt, emit, should_stop,
                               noise, np.random.default_rng(seed))
    return RateResult(t[:kept], rates[:kept])


# -- motifs ------------------------------------------------------------------------------------

@checked(NetworkParams)
def random_network(N=200, g=1.5, seed=1) -> np.ndarray:
    """N x N weights drawn from N(0, g²/N), no self-coupling (Sompolinsky et al. 1988)."""
    return g * random_matrix(N, seed)


@checked(NetworkParams)
def random_matrix(N: int, seed: int) -> np.ndarray:
    """The random weights of gain g = 1 (the same draws for every g)."""
    J = np.random.default_rng(seed).normal(0.0, 1.0 / np.sqrt(N), (N, N))
    np.fill_diagonal(J, 0.0)
    return J


@checked()
def motif_weights(params: NetworkParams) -> np.ndarray:
    """The weight matrix (row: target, column: source) of the form's motif."""
    n, w = params.N, params.w
    if params.motif == "feedforward chain":
        return w * np.eye(n, k=-1)
    if params.motif == "recurrent ring":
        return w * (np.roll(np.eye(n), 1, axis=0) + np.roll(np.eye(n), -1, axis=0)) / (
            1.0 if n > 2 else 2.0)
    if params.motif == "winner-take-all":
        return -params.alpha * (1.0 - np.eye(n))
    if params.motif == "E-I pair":
        return np.array([[w, -2.0 * w], [w, 0.0]])
    return random_network(n, params.g, params.seed)


@checked(NetworkParams, n="N")
def motif_inputs(params: NetworkParams, n: int | None = None) -> np.ndarray:
    """The inputs per unit: I0 for unit 0 changing linearly by I_slope to the last unit."""
    n = n or (2 if params.motif == "E-I pair" else params.N)
    return params.I0 + params.I_slope * np.linspace(0.0, 1.0, n)


@checked(levels=None)
def input_course(params: NetworkParams, levels: np.ndarray) -> np.ndarray:
    """The input per unit as time x units (a step), or the constant levels."""
    if params.input_kind != "step":
        return levels
    t = np.arange(int(round(params.t_end / params.dt))) * params.dt
    on = (t >= params.t_on) & (t < params.t_off)
    return on[:, None] * levels[None, :]


@checked()
def simulate(params: NetworkParams, weights=None, inputs=None, *, on_chunk=None,
             should_stop=None) -> RateResult:
    """Run the form's motif (or the edited ``weights`` and ``inputs`` per unit) from rest
    (the random network from random rates, seeded)."""
    W = motif_weights(params) if weights is None else square_matrix(weights, "weights")
    levels = motif_inputs(params, len(W)) if inputs is None else np.asarray(inputs, float)
    if levels.shape != (len(W),):
        raise ParamError("inputs", f"must hold one value per unit ({len(W)})")
    record = params.dt if len(W) * params.t_end / params.dt <= 2e6 else max(params.dt, 1.0)
    r0 = (np.random.default_rng(params.seed).normal(0.0, 0.5, len(W))
          if params.motif == "random" else None)  # away from the fixed point r = 0 of tanh
    return simulate_rates(W, input_course(params, levels), params.tau, params.f,
                          {"gain": params.gain, "threshold": params.threshold}, r0,
                          params.t_end, params.dt,
                          noise=params.noise if params.input_kind == "noisy" else 0.0,
                          seed=params.seed, record_dt=record, on_chunk=on_chunk,
                          should_stop=should_stop)


# -- winner-take-all ---------------------------------------------------------------------------

@checked(NetworkParams, I=None, diverges=True)
def winner_take_all(I, alpha=1.5, tau=10., f="threshold_linear", t_end=500., dt=0.1,
                    f_params=None) -> WTAResult:
    """tau dr_i/dt = -r_i + f(I_i - alpha sum_{j != i} r_j) from rest; ``winners``: the units
    whose final rate exceeds 1e-3."""
    I = np.atleast_1d(np.array(I, float))
    if I.ndim != 1 or len(I) < 2:
        raise ParamError("I", "must give one input per unit, at least 2 units")
    run = simulate_rates(-alpha * (1.0 - np.eye(len(I))), I, tau, f, f_params, None, t_end, dt)
    return WTAResult(run.t, run.r, np.flatnonzero(run.r[-1] > ACTIVE))


@dataclasses.dataclass(frozen=True)
class WTARange(Params):
    """The values of alpha the winner-take-all tool tries."""

    alpha_min: float = param(0.0, "from α", min=0.0, max=20.0, step=0.1, decimals=3,
                             help="smallest inhibition tried")
    alpha_max: float = param(2.0, "to α", min=0.0, max=20.0, step=0.1, decimals=3,
                             help="largest inhibition tried")
    n_values: int = param(41, "values of α", min=2, max=500, step=1,
                          help="number of values, evenly spaced")

    def check(self) -> None:
        if self.alpha_max <= self.alpha_min:
            raise ParamError("alpha_max", "must be larger than 'from α'")


@checked(WTARange)
def wta_range(params: NetworkParams, alpha_min=0.0, alpha_max=2.0, n_values=41, inputs=None,
              *, on_chunk=None, should_stop=None) -> SweepResult:
    """Number of units still active at the end (as in :func:`winner_take_all`, with the
    form's f, tau, t_end, dt) against alpha, for the form's inputs (or ``inputs`` per unit);
    the answer is the smallest alpha where only one unit wins."""
    I = motif_inputs(params) if inputs is None else np.asarray(inputs, float)
    alphas = np.linspace(alpha_min, alpha_max, n_values)
    fa = {"gain": params.gain, "threshold": params.threshold}
    r = np.zeros((n_values, len(I)))  # one network per alpha, all stepped at once
    a, steps = params.dt / params.tau, int(round(params.t_end / params.dt))
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            h = I - alphas[:, None] * (r.sum(axis=1, keepdims=True) - r)
            r += a * (transfer(params.f, h, **fa) - r)
            if on_chunk is not None and (step + 1) % 1000 == 0:
                on_chunk({"fraction": (step + 1) / steps})
            if should_stop is not None and should_stop():
                break
    counts = (r > ACTIVE).sum(axis=1).astype(float)
    one = np.flatnonzero(counts == 1)
    answer = float(alphas[one[0]]) if len(one) else None
    text = (f"one winner from α ≈ {answer:.3g}" if answer is not None
            else "no α tried leaves one unit active")
    return SweepResult(alphas, {"active units": counts}, "inhibition α", answer, text)
