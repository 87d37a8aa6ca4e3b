"""The two integrators of tau dr/dt = -r + f(W r + I): forward Euler, and LSODA for small
networks without noise.

Both fill ``rates`` (recorded every ``every`` steps of ``dt``; row 0 holds r0) and call
``emit(first, kept)`` after each piece, rows ``first:kept`` being new; ``should_stop()`` ends
early. Both return the number of rows filled. Euler costs one matrix-vector product per step
(t_end/dt of them, a few microseconds each in Python); LSODA takes steps as long as the
dynamics allow, between the times where the input changes, which for a winner-take-all of
20 units is a few hundred evaluations instead of thousands of steps.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..blas_threads import one_blas_thread

CHUNK_STEPS = 500
SMALL = 50         # networks up to this size (without noise) go to LSODA
SINGLE = 400       # from this size Euler's products run in single precision
MAX_PIECES = 20    # inputs changing more often than this go to Euler


def transfer_in_place(f: str, x: np.ndarray, gain: float, threshold: float) -> np.ndarray:
    """Overwrite the float array ``x`` with f(x) and return it (no temporary arrays: the
    integration loop calls it every step). ``f`` is one of network.TRANSFERS."""
    x -= threshold
    x *= 0.5 * gain if f == "sigmoid" else gain
    if f == "sigmoid":  # 1 / (1 + exp(-gain (h - threshold))) = (1 + tanh(gain (h - th)/2)) / 2
        np.tanh(x, out=x)
        x += 1.0
        x *= 0.5
    elif f == "threshold_linear":
        np.maximum(x, 0.0, out=x)
    elif f == "tanh":
        np.tanh(x, out=x)
    return x


def input_pieces(I: np.ndarray, steps: int) -> list[int] | None:
    """Step indices where a piece of constant input starts (and ``steps``), or None if the
    input changes more than MAX_PIECES times."""
    if len(I) == 1:
        return [0, steps]
    changes = np.flatnonzero(np.any(np.diff(I[:steps], axis=0) != 0, axis=1)) + 1
    return [0, *changes.tolist(), steps] if len(changes) <= MAX_PIECES else None


def lsoda(W, I, tau, f, fa, rates, every, steps, dt, emit, should_stop) -> int:
    """LSODA (scipy's odeint) over each piece of constant input."""
    from scipy.integrate import ODEintWarning, odeint
    level = np.empty(len(W))

    def rhs(r, _t):
        h = W @ r
        h += level
        transfer_in_place(f, h, fa["gain"], fa["threshold"])
        h -= r
        h /= tau
        return h

    recorded = np.arange(len(rates)) * every  # step index of each row
    edges = input_pieces(I, steps)
    r, kept = rates[0].copy(), 1
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", ODEintWarning)
        for a, b in zip(edges[:-1], edges[1:]):
            level[:] = I[a] if len(I) > 1 else I[0]
            inside = recorded[(recorded > a) & (recorded <= b)]
            times = np.unique(np.concatenate([[a], inside, [b]])) * dt
            states = odeint(rhs, r, times, rtol=1e-7, atol=1e-10, mxstep=100000)
            rates[kept:kept + len(inside)] = states[1:1 + len(inside)]
            emit(kept, kept + len(inside))
            kept, r = kept + len(inside), states[-1]
            if not np.isfinite(r).all() or (should_stop is not None and should_stop()):
                break
    return kept


def euler(W, I, tau, f, fa, rates, every, steps, dt, emit, should_stop, noise=0.0,
          rng=None) -> int:
    """Forward Euler, with white input noise of standard deviation ``noise`` per step.

    From SINGLE units on, W r is taken in single precision (half the memory to stream, twice
    as fast; a relative error near 1e-7) while the rates add up in double precision."""
    r = rates[0].copy()
    a, kept, h = dt / tau, 1, np.empty(len(W))
    single = len(W) >= SINGLE
    if single:
        W, r_single, h_single = W.astype(np.float32), np.empty(len(W), np.float32), \
            np.empty(len(W), np.float32)
    with np.errstate(over="ignore", invalid="ignore"), one_blas_thread():
        for start in range(0, steps, CHUNK_STEPS):
            first = kept
            for k in range(start, min(start + CHUNK_STEPS, steps)):
                if single:
                    r_single[:] = r
                    np.dot(W, r_single, out=h_single)
                    h[:] = h_single
                else:
                    np.dot(W, r, out=h)
                h += I[k] if len(I) > 1 else I[0]
                if noise:
                    h += noise * rng.standard_normal(len(W))
                transfer_in_place(f, h, fa["gain"], fa["threshold"])
                h -= r  # r += dt/tau (f(h) - r)
                h *= a
                r += h
                if (k + 1) % every == 0:
                    rates[kept] = r
                    kept += 1
            if kept > first:
                emit(first, kept)
            if not np.isfinite(r).all() or (should_stop is not None and should_stop()):
                break
    return kept
