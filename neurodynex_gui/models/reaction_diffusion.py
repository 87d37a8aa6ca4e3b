"""Reaction-diffusion fronts and the wave equation (the broader note's "Field Theories").

    du/dt = D laplacian(u) + f(u)                      reaction_diffusion
    d2u/dt2 = c^2 laplacian(u) - alpha u + f(u)        wave_equation

with f = 0 (``"none"``), Fisher-KPP ``r u (1 - u)`` (fronts at speed 2 sqrt(D r)) or the
bistable Nagumo ``r u (1 - u) (u - a)`` (fronts at sqrt(D r / 2) (1 - 2 a): the state u = 1
invades for a < 1/2 and retreats for a > 1/2). Space in mm, time in ms. Fronts live on a line
(or square) with no-flux borders; waves on a ring (or torus). The Laplacian is the
5-point (2D) or 3-point (1D) stencil of scipy.ndimage. Usage::

    from neurodynex_gui.models import reaction_diffusion as rd
    run = rd.reaction_diffusion(f="fisher", D=1, r=1, L=200, n=1000, t_end=40)
    rd.front_speed(run.t, run.x, run.u, since=20), rd.fisher_speed(1, 1)
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .neural_field import FieldResult, FrameRecorder, grid
from .params import Params, checked, param

REACTIONS = ("fisher", "bistable", "none")


@dataclasses.dataclass(frozen=True)
class ReactionParams(Params):
    """Diffusion (or wave speed) and the local reaction f(u)."""

    f: str = param("fisher", "reaction f(u)", choices=REACTIONS,
                   help="fisher: r u (1 - u); bistable (Nagumo): r u (1 - u) (u - a); "
                        "none: f = 0.")
    D: float = param(1.0, "diffusion D", "mm²/ms", min=0.0, max=100.0, step=0.1,
                     help="Diffusion constant of du/dt = D laplacian(u) + f(u).")
    r: float = param(1.0, "reaction rate r", "1/ms", min=0.0, max=100.0, step=0.1)
    a: float = param(0.25, "bistable threshold a", "", min=0.0, max=1.0, step=0.05,
                     help="The middle zero of the bistable f: the front reverses at a = 1/2.")
    c: float = param(1.0, "wave speed c", "mm/ms", min=0.0, max=100.0, step=0.1,
                     help="Speed of d2u/dt2 = c^2 laplacian(u) - alpha u + f(u).")
    alpha: float = param(0.0, "restoring alpha", "1/ms²", min=0.0, max=100.0, step=0.1,
                         help="The -alpha u term of the wave equation (0: plain waves).")
    wave_f: str = param("none", "wave reaction f(u)", choices=REACTIONS,
                        help="The f(u) of the wave equation (the wave_equation's f).")


@dataclasses.dataclass(frozen=True)
class GridParams(Params):
    """Extent, resolution and duration of a reaction-diffusion or wave run."""

    L: float = param(100.0, "length L", "mm", min=1.0, max=10000.0, step=10.0)
    n: int = param(500, "grid points n", "", min=8, max=8192, step=50)
    t_end: float = param(40.0, "duration", "ms", min=0.01, max=100000.0, step=10.0)
    dt: float = param(0.01, "time step dt", "ms", min=1e-5, max=10.0, step=0.01,
                      help="Explicit time step: D dt / dx² must stay below 1/(2 d) "
                           "(c dt / dx below 1/sqrt(d) for waves).")
    record_dt: float = param(0.5, "frame interval", "ms", min=1e-5, max=1000.0, step=0.1)


def reaction(u: np.ndarray, f: str, r: float, a: float) -> np.ndarray:
    """f(u) of the named reaction."""
    if f == "fisher":
        return r * u * (1 - u)
    if f == "bistable":
        return r * u * (1 - u) * (u - a)
    return np.zeros_like(u)


@checked("ReactionParams")
def fisher_speed(D: float, r: float) -> float:
    """The speed (mm/ms) that a Fisher-KPP front approaches: 2 sqrt(D r)."""
    return 2.0 * np.sqrt(D * r)


@checked("ReactionParams")
def bistable_speed(D: float, r: float, a: float) -> float:
    """The speed (mm/ms) of the bistable front, positive when u = 1 invades:
    sqrt(D r / 2) (1 - 2 a)."""
    return float(np.sqrt(D * r / 2) * (1 - 2 * a))


@checked(ReactionParams, GridParams, diverges=True)
def reaction_diffusion(f="fisher", D=1.0, r=1.0, a=0.25, L=100.0, n=500, ndim=1, u0=None,
                       t_end=40.0, dt=0.01, record_dt=0.5, *, on_chunk=None,
                       should_stop=None) -> FieldResult:
    """du/dt = D laplacian(u) + f(u) on [0, L] (or [0, L]^2) with no-flux borders.

    ``u0`` defaults to 1 on the first quarter of the line (a disc of radius L/10 at the
    centre in 2D) and 0 elsewhere. Frames ``u`` at ``t`` (ms) on ``x`` (and ``y``) (mm).
    """
    from scipy import ndimage
    _check_ndim(ndim)
    x = (np.arange(n) + 0.5) * (L / n)
    if u0 is None:
        u0 = (x < L / 4).astype(float) if ndim == 1 else \
            (np.hypot(*np.meshgrid(x - L / 2, x - L / 2, indexing="ij")) < L / 10) * 1.0
    dx2 = (L / n) ** 2
    if D * dt / dx2 > 0.5 / ndim:
        raise ValueError(f"dt: {dt:g} ms is too large for D = {D:g} mm²/ms at dx = "
                         f"{L / n:g} mm (D dt / dx² must be at most {0.5 / ndim:g})")

    def rate(u, _previous):
        return D / dx2 * ndimage.laplace(u, mode="nearest") + reaction(u, f, r, a)

    return _integrate(rate, x, ndim, u0, t_end, dt, record_dt, on_chunk, should_stop,
                      first_order=True)


@checked(ReactionParams, GridParams, diverges=True, f="wave_f")
def wave_equation(c=1.0, alpha=0.0, f="none", r=1.0, a=0.25, L=100.0, n=500, ndim=1, u0=None,
                  v0=None, t_end=40.0, dt=0.01, record_dt=0.5, *, on_chunk=None,
                  should_stop=None) -> FieldResult:
    """d2u/dt2 = c^2 laplacian(u) - alpha u + f(u) on a ring (torus) of length L, by the
    leapfrog scheme. ``u0`` defaults to a Gaussian bump of width L/50 at the centre, ``v0``
    (du/dt at t = 0) to 0."""
    from scipy import ndimage
    _check_ndim(ndim)
    x = grid(L, n)
    shape = (n,) * ndim
    if u0 is None:
        r2 = x ** 2 if ndim == 1 else x[:, None] ** 2 + x[None, :] ** 2
        u0 = np.exp(-r2 / (2 * (L / 50) ** 2))
    dx = L / n
    if c * dt / dx > 1 / np.sqrt(ndim):
        raise ValueError(f"dt: {dt:g} ms is too large for c = {c:g} mm/ms at dx = {dx:g} mm "
                         f"(c dt / dx must be at most {1 / np.sqrt(ndim):.3g})")

    def acceleration(u):
        return c ** 2 / dx ** 2 * ndimage.laplace(u, mode="wrap") - alpha * u + \
            reaction(u, f, r, a)

    u0 = np.array(np.broadcast_to(u0, shape), dtype=float)
    v0 = np.zeros(shape) if v0 is None else np.broadcast_to(v0, shape)
    start = u0 - dt * v0 + 0.5 * dt ** 2 * acceleration(u0)  # u at -dt, for leapfrog

    def step(u, previous):
        return 2 * u - previous + dt ** 2 * acceleration(u)

    return _integrate(step, x, ndim, u0, t_end, dt, record_dt, on_chunk, should_stop,
                      first_order=False, previous=start)


def _check_ndim(ndim) -> None:
    if ndim not in (1, 2):
        raise ValueError(f"ndim: must be 1 or 2, got {ndim!r}")


def _integrate(update, x, ndim, u0, t_end, dt, record_dt, on_chunk, should_stop, *,
               first_order: bool, previous=None) -> FieldResult:
    """Step ``u`` (Euler on ``update``'s rate, or ``update`` gives the next u from u and the
    one before), keeping a frame every ``record_dt`` and streaming them."""
    u = np.array(np.broadcast_to(u0, (len(x),) * ndim), dtype=float)
    steps = round(t_end / dt)
    every = max(1, round(record_dt / dt))
    frames = FrameRecorder(u, on_chunk)
    for i in range(1, steps + 1):
        if first_order:
            u = u + dt * update(u, None)
        else:
            u, previous = update(u, previous), u
        if i % every == 0 or i == steps:
            frames.add(i * dt, u)
            if should_stop is not None and should_stop():
                break
    t, u = frames.finish()
    return FieldResult(t=t, x=x, u=u, y=x if ndim == 2 else None)


def front_position(x: np.ndarray, u_frame: np.ndarray, level: float = 0.5) -> float:
    """Where a 1D front (high on the left) crosses ``level`` (mm), interpolated; nan if the
    frame does not cross it."""
    u = np.asarray(u_frame, dtype=float)
    below = u < level
    if not below.any() or below[0]:
        return float("nan")
    i = int(np.argmax(below))  # the first point below the level; the one before is above
    return float(x[i - 1] + (x[i] - x[i - 1]) * (u[i - 1] - level) / (u[i - 1] - u[i]))


def front_speed(t: np.ndarray, x: np.ndarray, u: np.ndarray, level: float = 0.5,
                since: float | None = None) -> float:
    """The slope (mm/ms) of the front's position against time for t >= ``since`` (default:
    the second half of the run), by least squares; nan if the front is not seen."""
    since = t[-1] / 2 if since is None else since
    keep = t >= since
    positions = np.array([front_position(x, frame, level) for frame in u[keep]])
    ok = np.isfinite(positions)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(t[keep][ok], positions[ok], 1)[0])
