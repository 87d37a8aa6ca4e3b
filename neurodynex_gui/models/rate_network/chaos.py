"""The largest Lyapunov exponent of a rate network, lambda = lim 1/t ln(|dx(t)| / |dx(0)|).

A tangent vector is carried along the trajectory by the Jacobian of the Euler step,
(1 - dt/tau) + dt/tau diag(f'(W r + I)) W, and renormalised every few steps; the exponent is
the mean growth of its logarithm after a transient. Several gains g of one matrix (W = g J)
run as one batch: one matrix product per step for the whole sweep.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..blas_threads import one_blas_thread
from ..params import ParamError, Params, checked, param
from ..sweep import SweepResult
from .network import (NetworkParams, f_arguments, random_matrix, square_matrix, transfer,
                      transfer_slope)

RENORMALISE_STEPS = 10


@dataclasses.dataclass(frozen=True)
class ChaosSweep(Params):
    """The values of g and the integration of the Lyapunov tool."""

    g_min: float = param(0.2, "from g", min=0.0, max=10.0, step=0.1, decimals=3,
                         help="smallest gain of the random network")
    g_max: float = param(3.0, "to g", min=0.0, max=10.0, step=0.1, decimals=3,
                         help="largest gain")
    n_values: int = param(20, "values of g", min=2, max=200, step=1,
                          help="number of gains, evenly spaced")
    t_lyap: float = param(1000.0, "measured for", "ms", min=10.0, max=1e5, step=100.0,
                          decimals=1, help="time over which the growth is averaged (after a "
                                           "transient of a fifth of it)")
    dt_lyap: float = param(0.5, "time step", "ms", min=1e-3, max=5.0, step=0.1, decimals=3,
                           help="Euler step of the sweep (keep it well below τ)")

    def check(self) -> None:
        if self.g_max <= self.g_min:
            raise ParamError("g_max", "must be larger than 'from g'")


def _lyapunov_batch(J, gains, tau, f, fa, I, t_end, dt, t_transient, seed, on_chunk=None,
                    should_stop=None) -> np.ndarray:
    """Largest exponent (1/ms) of tau dr/dt = -r + f(g J r + I) for each g in ``gains``."""
    n, k = len(J), len(gains)
    rng = np.random.default_rng(seed)
    state = np.hstack([rng.normal(0.0, 0.5, (n, k)), rng.normal(0.0, 1.0, (n, k))])
    state[:, k:] /= np.linalg.norm(state[:, k:], axis=0)
    g = np.asarray(gains, float)
    a = dt / tau
    skip, steps = int(round(t_transient / dt)), int(round((t_transient + t_end) / dt))
    log_growth = np.zeros(k)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), one_blas_thread():
        for step in range(steps):
            drive = (J @ state) * np.concatenate([g, g])
            h = drive[:, :k] + I
            r, v = state[:, :k], state[:, k:]
            state[:, k:] = (1.0 - a) * v + a * transfer_slope(f, h, **fa) * drive[:, k:]
            state[:, :k] = r + a * (transfer(f, h, **fa) - r)
            if (step + 1) % RENORMALISE_STEPS == 0 or step + 1 == skip or step + 1 == steps:
                norm = np.linalg.norm(state[:, k:], axis=0)
                if step + 1 > skip:
                    log_growth += np.log(norm)
                state[:, k:] /= norm
            if on_chunk is not None and (step + 1) % 200 == 0:
                on_chunk({"fraction": (step + 1) / steps})
            if should_stop is not None and should_stop():
                return np.full(k, np.nan)
    return log_growth / ((steps - skip) * dt)


@checked(NetworkParams, W=None)
def lyapunov_exponent(W, tau=10., f="tanh", t_end=1000., dt=0.1, seed=1, f_params=None,
                      I_ext=0.0, t_transient=None) -> float:
    """Largest Lyapunov exponent in 1/ms of tau dr/dt = -r + f(W r + I_ext) (multiply by tau
    for units of 1/tau): mean log growth of a tangent vector over ``t_end`` ms after a
    transient (``t_end``/5 unless given), from a random state seeded by ``seed``."""
    W = square_matrix(W)
    t_transient = t_end / 5 if t_transient is None else t_transient
    if not (np.isfinite(t_transient) and t_transient >= 0):
        raise ParamError("t_transient", "must be a finite number >= 0")
    I = np.broadcast_to(np.asarray(I_ext, float), (len(W),))[:, None]
    return float(_lyapunov_batch(W, [1.0], tau, f, f_arguments(f, f_params), I, t_end, dt,
                                 t_transient, seed)[0])


@checked(ChaosSweep)
def lyapunov_sweep(params: NetworkParams, g_min=0.2, g_max=3.0, n_values=20, t_lyap=1000.,
                   dt_lyap=0.5, *, on_chunk=None, should_stop=None) -> SweepResult:
    """Largest exponent of the random network (the form's N, seed, f, τ; no input) against g;
    the answer is the g where it crosses zero (the transition to chaos)."""
    if dt_lyap > params.tau:
        raise ParamError("dt_lyap", "must not exceed τ")
    J = random_matrix(params.N, params.seed)
    gains = np.linspace(g_min, g_max, n_values)
    fa = {"gain": params.gain, "threshold": params.threshold}
    lam = _lyapunov_batch(J, gains, params.tau, params.f, fa, np.zeros((params.N, 1)), t_lyap,
                          dt_lyap, t_lyap / 5, params.seed, on_chunk, should_stop)
    cross = np.flatnonzero((lam[:-1] < 0) & (lam[1:] >= 0))
    if len(cross):
        i = cross[0]
        answer = float(gains[i] - lam[i] * (gains[i + 1] - gains[i]) / (lam[i + 1] - lam[i]))
        text = f"λ = 0 at g ≈ {answer:.3g} (chaos above)"
    else:
        answer, text = None, "λ does not cross zero in this range of g"
    return SweepResult(gains, {"largest exponent (1/ms)": lam, "λ·τ (per τ)": lam * params.tau},
                       "gain g", answer, text)

