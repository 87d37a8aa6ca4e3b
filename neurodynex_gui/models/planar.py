"""Generic analysis of planar (two-variable) ODE models: flow, nullclines, fixed points,
trajectories and a one-parameter bifurcation scan.

A :class:`PlanarModel` holds a vectorised right-hand side ``rhs(x, y, params) -> (dx, dy)``
and, optionally, analytic helpers (Jacobian, nullclines, fixed points, stability condition).
Whatever is missing is computed numerically. ``params`` is read by attribute only; the scan
passes copies whose scanned field is a numpy array, so write ``rhs`` with numpy operations.

Book: Neuronal Dynamics, ch. 4.3 (phase plane analysis) and 4.4 (type I/II, bifurcations).
"""
from __future__ import annotations

import copy
import dataclasses
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from .sweep import SweepResult

Limits = tuple[float, float]


@dataclasses.dataclass(frozen=True)
class PlanarModel:
    """A two-variable model dx/dt, dy/dt = rhs(x, y, params), with optional analytic helpers.

    jacobian(x, y, p) -> [[dfx/dx, dfx/dy], [dfy/dx, dfy/dy]] (entries broadcast);
    x_nullcline(xs, p) / y_nullcline(xs, p) -> y values where dx/dt = 0 / dy/dt = 0;
    equilibria(p) -> all fixed points as (x, y) pairs;
    stability(p) -> smooth number, < 0 where the most stable fixed point is stable, whose sign
    changes mark the bifurcations (e.g. the trace at a Hopf point).
    The labels and units name the axes of plots (x, y and time t).
    """

    name: str
    rhs: Callable[[Any, Any, Any], tuple[Any, Any]]
    x_name: str = "x"
    y_name: str = "y"
    x_label: str = "x"
    y_label: str = "y"
    x_unit: str = ""
    y_unit: str = ""
    t_label: str = "t"
    t_unit: str = ""
    jacobian: Callable[[Any, Any, Any], Any] | None = None
    x_nullcline: Callable[[np.ndarray, Any], np.ndarray] | None = None
    y_nullcline: Callable[[np.ndarray, Any], np.ndarray] | None = None
    equilibria: Callable[[Any], Sequence[tuple[float, float]]] | None = None
    stability: Callable[[Any], float] | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class FixedPoint:
    """A fixed point, its Jacobian, eigenvalues and kind ("stable focus", "saddle", ...)."""

    x: float
    y: float
    jacobian: np.ndarray
    eigenvalues: np.ndarray
    kind: str

    @property
    def stable(self) -> bool:
        return bool(np.max(self.eigenvalues.real) < 0)

    @property
    def leading(self) -> complex:
        """The eigenvalue with the largest real part."""
        return complex(self.eigenvalues[np.argmax(self.eigenvalues.real)])


class Nullclines(NamedTuple):
    """Polylines ((M, 2) arrays of x, y) where dx/dt = 0 (``x``) and dy/dt = 0 (``y``)."""

    x: list[np.ndarray]
    y: list[np.ndarray]


class Trajectory(NamedTuple):
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray


@dataclasses.dataclass(frozen=True)
class BifurcationScan:
    """Result of :func:`bifurcation_scan`; arrays are indexed like ``values``.

    ``x_fp, y_fp, eigenvalues`` describe the most stable fixed point (NaN if none);
    ``lead`` is the real part of its leading eigenvalue; ``critical`` the parameter values where
    ``lead`` changes sign; ``x_min, x_max`` the extent in x of the attractor (both equal to the
    fixed point where it is stable, the limit cycle's extent where not, NaN if it diverged).
    """

    name: str
    values: np.ndarray
    fixed_points: list[list[FixedPoint]]
    x_fp: np.ndarray
    y_fp: np.ndarray
    eigenvalues: np.ndarray
    lead: np.ndarray
    critical: tuple[float, ...]
    x_min: np.ndarray
    x_max: np.ndarray

    @property
    def amplitude(self) -> np.ndarray:
        return self.x_max - self.x_min


@dataclasses.dataclass
class BifurcationSweep(SweepResult):
    """A :class:`BifurcationScan` as a tool result (what sessions save): columns
    ``re_lambda1``, ``re_lambda2`` (real parts of the fixed point's eigenvalues, larger first),
    ``im_lambda`` (their imaginary part, >= 0), ``<x>_max`` and ``<x>_min`` (the attractor's
    extent); ``critical`` the parameter values where the stability changes."""

    critical: tuple[float, ...] = ()


def scan_sweep(scan: BifurcationScan, label: str, x_label: str = "x",
               unit: str = "") -> BifurcationSweep:
    """``scan`` against the parameter shown as ``label`` (in ``unit``); the answer text names
    the critical values and what crosses zero there."""
    order = np.argsort(-scan.eigenvalues.real, axis=1)
    eig = np.take_along_axis(scan.eigenvalues, order, axis=1)
    columns = {"re_lambda1": eig[:, 0].real, "re_lambda2": eig[:, 1].real,
               "im_lambda": np.abs(eig[:, 0].imag), f"{x_label}_max": scan.x_max,
               f"{x_label}_min": scan.x_min}
    marks = []
    for value in scan.critical:
        k = int(np.argmin(np.abs(scan.values - value)))
        what = ("Hopf: a complex pair of eigenvalues crosses the imaginary axis"
                if abs(eig[k, 0].imag) > 1e-9 else "a real eigenvalue crosses zero")
        marks.append(f"{label} = {value:.4f} ({what})")
    text = ("The fixed point changes stability at " + " and at ".join(marks) + "." if marks
            else f"The stability of the fixed point does not change for {label} in this range.")
    return BifurcationSweep(scan.values, columns, f"{label} ({unit})" if unit else label,
                            None, text, scan.critical)


def with_param(params: Any, name: str, value: Any) -> Any:
    """A copy of ``params`` with one field set, unchecked (``value`` may be an array)."""
    changed = copy.copy(params)
    object.__setattr__(changed, name, value)
    return changed


def _grid(xlim: Limits, ylim: Limits, n: int | tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    nx, ny = (n, n) if np.isscalar(n) else n
    return np.linspace(*xlim, nx), np.linspace(*ylim, ny)


def _rhs(model: PlanarModel, params: Any, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    dx, dy = model.rhs(x, y, params)
    return tuple(np.array(d, float) for d in np.broadcast_arrays(dx, dy, x)[:2])


def flow_field(model: PlanarModel, params: Any, xlim: Limits, ylim: Limits,
               n: int | tuple[int, int] = 20):
    """(X, Y, dX, dY) on an n x n grid (rows: y, columns: x) spanning the limits."""
    X, Y = np.meshgrid(*_grid(xlim, ylim, n))
    dX, dY = _rhs(model, params, X, Y)
    return X, Y, dX, dY


# ---------------------------------------------------------------- Jacobian and classification

def jacobian(model: PlanarModel, params: Any, x: Any, y: Any) -> np.ndarray:
    """Jacobian at (x, y), shape (..., 2, 2): analytic if the model has one, else central
    finite differences."""
    if model.jacobian is not None:
        (a, b), (c, d) = model.jacobian(x, y, params)
        entries = np.broadcast_arrays(a, b, c, d, x, y)[:4]
    else:
        x, y = np.asarray(x, float), np.asarray(y, float)
        hx = 1e-6 * np.maximum(1.0, np.abs(x))
        hy = 1e-6 * np.maximum(1.0, np.abs(y))
        fxp, gxp = _rhs(model, params, x + hx, y)
        fxm, gxm = _rhs(model, params, x - hx, y)
        fyp, gyp = _rhs(model, params, x, y + hy)
        fym, gym = _rhs(model, params, x, y - hy)
        entries = ((fxp - fxm) / (2 * hx), (fyp - fym) / (2 * hy),
                   (gxp - gxm) / (2 * hx), (gyp - gym) / (2 * hy))
    stacked = np.stack([np.asarray(e, float) for e in entries], axis=-1)
    return stacked.reshape(stacked.shape[:-1] + (2, 2))


def classify(J: np.ndarray, tol: float = 1e-7) -> str:
    """Kind of a fixed point from trace and determinant; ``tol`` is relative to the scale of J.

    A zero eigenvalue (det ~ 0) is reported as a node of the other eigenvalue's sign.
    """
    tr, det = float(np.trace(J)), float(np.linalg.det(J))
    scale = max(float(np.max(np.abs(J))), 1e-300)
    if det < -tol * scale**2:
        return "saddle"
    if abs(tr) <= tol * scale and det > tol * scale**2:
        return "center"
    shape = "focus" if tr * tr - 4 * det < 0 else "node"
    return f"{'stable' if tr < 0 else 'unstable'} {shape}"


def _fixed_point(model: PlanarModel, params: Any, x: float, y: float, tol: float) -> FixedPoint:
    J = jacobian(model, params, x, y)
    return FixedPoint(float(x), float(y), J, np.linalg.eigvals(J).astype(complex), classify(J, tol))


# ---------------------------------------------------------------- fixed points

def fixed_points(model: PlanarModel, params: Any, xlim: Limits | None = None,
                 ylim: Limits | None = None, *, n: int = 60, tol: float = 1e-7) -> list[FixedPoint]:
    """Fixed points inside the limits (all of them if the model's ``equilibria`` is analytic and
    no limits are given), sorted by x.

    Numerically: cells of an n x n grid where both dx/dt and dy/dt change sign are refined with
    scipy.optimize.root and de-duplicated.
    """
    if model.equilibria is not None:
        points = [(float(x), float(y)) for x, y in model.equilibria(params)]
        if xlim is not None and ylim is not None:
            points = [p for p in points if _inside(p, xlim, ylim)]
    else:
        if xlim is None or ylim is None:
            raise ValueError("numerical fixed points need xlim and ylim")
        points = _numeric_equilibria(model, params, xlim, ylim, n)
    return [_fixed_point(model, params, x, y, tol) for x, y in sorted(points)]


def _inside(p: tuple[float, float], xlim: Limits, ylim: Limits, margin: float = 1e-9) -> bool:
    mx, my = margin * (xlim[1] - xlim[0]), margin * (ylim[1] - ylim[0])
    return xlim[0] - mx <= p[0] <= xlim[1] + mx and ylim[0] - my <= p[1] <= ylim[1] + my


def _sign_change(F: np.ndarray) -> np.ndarray:
    """Cells (ny-1, nx-1) whose four corners do not all have the same sign."""
    s = F > 0
    corners = np.stack([s[:-1, :-1], s[:-1, 1:], s[1:, :-1], s[1:, 1:]])
    return corners.any(axis=0) & ~corners.all(axis=0)


def _numeric_equilibria(model, params, xlim, ylim, n) -> list[tuple[float, float]]:
    from scipy.optimize import root
    xs, ys = _grid(xlim, ylim, n)
    X, Y = np.meshgrid(xs, ys)
    F, G = _rhs(model, params, X, Y)
    cells = np.argwhere(_sign_change(F) & _sign_change(G))
    scale = np.array([xlim[1] - xlim[0], ylim[1] - ylim[0]])

    def residual(p):
        return np.array(_rhs(model, params, p[0], p[1]), float)

    def jac(p):
        return jacobian(model, params, p[0], p[1])

    found: list[np.ndarray] = []
    for j, i in cells:
        start = np.array([(xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2])
        sol = root(residual, start, jac=jac, method="hybr")
        p = sol.x
        if not (sol.success and _inside(tuple(p), xlim, ylim)):
            continue
        if all(np.max(np.abs(p - q) / scale) > 1e-6 for q in found):
            found.append(p)
    return [(float(p[0]), float(p[1])) for p in found]


# ---------------------------------------------------------------- nullclines

def nullclines(model: PlanarModel, params: Any, xlim: Limits, ylim: Limits,
               n: int = 200) -> Nullclines:
    """Nullclines as polylines: sampled from the analytic y(x) when the model has it (n points,
    cut where it leaves the y range by more than 10 %), else contoured on an n x n grid."""
    xs, ys = _grid(xlim, ylim, n)
    F = G = None
    if model.x_nullcline is None or model.y_nullcline is None:
        F, G = _rhs(model, params, *np.meshgrid(xs, ys))
    return Nullclines(_curve(model.x_nullcline, params, xs, ys, ylim, F),
                      _curve(model.y_nullcline, params, xs, ys, ylim, G))


def _curve(curve, params, xs, ys, ylim, F) -> list[np.ndarray]:
    return _contour(xs, ys, F) if curve is None else _analytic_curve(curve, params, xs, ylim)


def _analytic_curve(curve, params, xs: np.ndarray, ylim: Limits) -> list[np.ndarray]:
    y = np.broadcast_to(np.asarray(curve(xs, params), float), xs.shape)
    pad = 0.1 * (ylim[1] - ylim[0])
    keep = (y >= ylim[0] - pad) & (y <= ylim[1] + pad)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(np.int8), [0]])))
    return [np.column_stack([xs[a:b], y[a:b]]) for a, b in zip(edges[::2], edges[1::2])
            if b - a >= 2]


# Marching squares. Corner bits: 1 bottom-left, 2 bottom-right, 4 top-right, 8 top-left;
# cell edges: 0 bottom, 1 right, 2 top, 3 left. Saddles (5, 10) are resolved by the centre.
_SEGMENTS = {1: ((3, 0),), 2: ((0, 1),), 3: ((3, 1),), 4: ((1, 2),), 6: ((0, 2),),
             7: ((2, 3),), 8: ((2, 3),), 9: ((0, 2),), 11: ((1, 2),), 12: ((3, 1),),
             13: ((0, 1),), 14: ((3, 0),)}
_CUT_ODD = ((0, 1), (2, 3))   # cuts off the bottom-right and top-left corners
_CUT_EVEN = ((3, 0), (1, 2))  # cuts off the bottom-left and top-right corners


def _contour(xs: np.ndarray, ys: np.ndarray, F: np.ndarray) -> list[np.ndarray]:
    """Zero level of F (shape (len(ys), len(xs))) as polylines."""
    ny, nx = F.shape
    n_h = ny * (nx - 1)
    points = _edge_points(xs, ys, F)
    s = (F > 0).astype(np.int8)
    case = s[:-1, :-1] + 2 * s[:-1, 1:] + 4 * s[1:, 1:] + 8 * s[1:, :-1]
    centre_pos = (F[:-1, :-1] + F[:-1, 1:] + F[1:, 1:] + F[1:, :-1]) > 0
    jj, ii = np.mgrid[0:ny - 1, 0:nx - 1]
    edge_ids = np.stack([jj * (nx - 1) + ii, n_h + jj * nx + ii + 1,
                         (jj + 1) * (nx - 1) + ii, n_h + jj * nx + ii])
    tables = [(case == c, pairs) for c, pairs in _SEGMENTS.items()]
    tables += [((case == 5) & centre_pos, _CUT_ODD), ((case == 5) & ~centre_pos, _CUT_EVEN),
               ((case == 10) & centre_pos, _CUT_EVEN), ((case == 10) & ~centre_pos, _CUT_ODD)]
    segments = [np.column_stack([edge_ids[a][mask], edge_ids[b][mask]])
                for mask, pairs in tables if mask.any() for a, b in pairs]
    if not segments:
        return []
    return [points[chain] for chain in _chains(np.concatenate(segments).tolist())]


def _edge_points(xs, ys, F) -> np.ndarray:
    """Linear-interpolated zero crossing on every grid edge (horizontal edges first)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        th = F[:, :-1] / (F[:, :-1] - F[:, 1:])
        tv = F[:-1, :] / (F[:-1, :] - F[1:, :])
    hx = xs[:-1] + th * np.diff(xs)
    hy = np.broadcast_to(ys[:, None], th.shape)
    vx = np.broadcast_to(xs[None, :], tv.shape)
    vy = ys[:-1, None] + tv * np.diff(ys)[:, None]
    return np.concatenate([np.column_stack([hx.ravel(), hy.ravel()]),
                           np.column_stack([vx.ravel(), vy.ravel()])])


def _chains(segments: list[list[int]]) -> list[list[int]]:
    """Join segments (pairs of edge ids, each id in at most two) into open or closed chains."""
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in segments:
        neighbours[a].append(b)
        neighbours[b].append(a)
    ends = [k for k, v in neighbours.items() if len(v) == 1]
    seen: set[int] = set()
    chains = []
    for start in ends + list(neighbours):
        if start in seen:
            continue
        chain, current = [start], start
        seen.add(start)
        while (nxt := next((k for k in neighbours[current] if k not in seen), None)) is not None:
            chain.append(nxt)
            seen.add(nxt)
            current = nxt
        if len(chain) > 2 and start in neighbours[current]:
            chain.append(start)
        chains.append(chain)
    return chains


# ---------------------------------------------------------------- trajectories

def trajectory_chunks(model: PlanarModel, params: Any, x0: float, y0: float, t_end: float,
                      dt_out: float = 0.1, backward: bool = False, *, chunk_points: int = 500,
                      box: tuple[Limits, Limits] | None = None, rtol: float = 1e-8,
                      atol: float = 1e-10) -> Iterator[Trajectory]:
    """Integrate from (x0, y0) for ``t_end`` (backward in time: t runs from 0 to -t_end),
    yielding the start sample, then pieces of up to ``chunk_points`` samples every ``dt_out``.

    Uses scipy's LSODA through ``scipy.integrate.odeint`` (its loop is compiled: about ten times
    faster than ``solve_ivp`` for a 2-D system); each piece is computed when it is asked for.
    A solution that blows up ends at its last good sample; one that leaves ``box``
    ((xmin, xmax), (ymin, ymax)) ends at its first sample outside it.
    """
    n = int(np.ceil(t_end / dt_out - 1e-9)) + 1
    t_all = np.minimum(np.arange(n) * dt_out, t_end) * (-1.0 if backward else 1.0)

    def f(state, _t):
        x, y = state.tolist()
        return model.rhs(x, y, params)

    last = np.array([x0, y0], float)
    yield Trajectory(t_all[:1], last[:1], last[1:])
    for first in range(1, n, chunk_points):
        times = t_all[first - 1:first + chunk_points]
        new = _odeint_valid(f, last, times, rtol, atol)
        ended = len(new) < len(times) - 1
        if box is not None and len(new):
            outside = ~(_within(new[:, 0], box[0]) & _within(new[:, 1], box[1]))
            if outside.any():
                new, ended = new[:int(np.argmax(outside)) + 1], True
        if len(new):
            last = new[-1]
            yield Trajectory(times[1:1 + len(new)], new[:, 0], new[:, 1])
        if ended:
            return


def trajectory(model: PlanarModel, params: Any, x0: float, y0: float, t_end: float,
               dt_out: float = 0.1, backward: bool = False,
               on_chunk: Callable[[Trajectory], None] | None = None,
               should_stop: Callable[[], bool] | None = None, **options) -> Trajectory:
    """The whole trajectory of :func:`trajectory_chunks` (same ``options``); every piece goes to
    ``on_chunk(piece)`` as it is computed, and ``should_stop()``, checked between pieces, ends
    the run early."""
    pieces = []
    for piece in trajectory_chunks(model, params, x0, y0, t_end, dt_out, backward, **options):
        pieces.append(piece)
        if on_chunk is not None:
            on_chunk(piece)
        if should_stop is not None and should_stop():
            break
    return Trajectory(*(np.concatenate(arrays) for arrays in zip(*pieces)))


def _within(values: np.ndarray, limits: Limits) -> np.ndarray:
    return (values >= limits[0]) & (values <= limits[1])


def _odeint_valid(f, start, times, rtol, atol) -> np.ndarray:
    """States at times[1:], cut at the first sample odeint did not reach or that is not finite."""
    from scipy.integrate import ODEintWarning, odeint
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ODEintWarning)
        states, info = odeint(f, start, times, rtol=rtol, atol=atol, mxstep=5000,
                              full_output=True)
    reached = np.abs(info["tcur"]) >= np.abs(times[1:]) * (1 - 1e-12)
    good = reached & np.isfinite(states[1:]).all(axis=1)
    return states[1:1 + (len(good) if good.all() else int(np.argmin(good)))]


# ---------------------------------------------------------------- bifurcation scan

def bifurcation_scan(model: PlanarModel, params: Any, name: str, values: Sequence[float], *,
                     xlim: Limits | None = None, ylim: Limits | None = None,
                     t_transient: float = 300.0, t_measure: float = 100.0,
                     n_samples: int = 2000) -> BifurcationScan:
    """Fixed points, stability and limit-cycle extent along the parameter ``name``.

    ``values`` must be monotonic. The sign changes of the leading eigenvalue's real part are
    refined with brentq (on the model's analytic ``stability`` when given). Where no fixed point
    is stable, the attractor is integrated: first the most unstable value from its fixed point,
    then all unstable values at once (one vectorised solve_ivp RK45 run) from the end point of
    that attractor, for ``t_transient`` then sampled ``n_samples`` times over ``t_measure``.
    xlim/ylim bound the numerical fixed-point search (not needed with analytic equilibria).
    """
    values = np.asarray(values, float)
    fps = [fixed_points(model, with_param(params, name, v), xlim, ylim) for v in values]
    chosen = [min(f, key=lambda p: p.leading.real) if f else None for f in fps]
    nan2 = np.full(2, np.nan, complex)
    eig = np.array([p.eigenvalues if p else nan2 for p in chosen])
    lead = np.array([p.leading.real if p else np.nan for p in chosen])
    x_fp = np.array([p.x if p else np.nan for p in chosen])
    y_fp = np.array([p.y if p else np.nan for p in chosen])
    x_min = np.where(lead <= 0, x_fp, np.nan)
    x_max = x_min.copy()
    unstable = np.flatnonzero(lead > 0)
    if len(unstable):
        seed = unstable[np.argmax(lead[unstable])]
        start = _attractor_point(model, with_param(params, name, values[seed]), chosen[seed],
                                 t_transient + t_measure)
        x_min[unstable], x_max[unstable] = _cycle_extent(
            model, with_param(params, name, values[unstable]), len(unstable), start,
            t_transient, t_measure, n_samples)
    critical = _critical_values(model, params, name, values, lead, xlim, ylim)
    return BifurcationScan(name, values, fps, x_fp, y_fp, eig, lead, critical, x_min, x_max)


def _attractor_point(model, params, fp: FixedPoint, t_end: float) -> np.ndarray:
    """End point of a trajectory leaving the unstable fixed point along its leading direction."""
    values, vectors = np.linalg.eig(fp.jacobian)
    direction = vectors[:, np.argmax(values.real)].real
    direction /= np.linalg.norm(direction)
    start = np.array([fp.x, fp.y]) + 1e-3 * (1 + np.hypot(fp.x, fp.y)) * direction
    traj = trajectory(model, params, start[0], start[1], t_end, dt_out=t_end / 10)
    return np.array([traj.x[-1], traj.y[-1]])


def _cycle_extent(model, params, k, start, t_transient, t_measure, n_samples):
    """(min x, max x) over the sampled window for each of the k values in ``params``."""

    from scipy.integrate import solve_ivp
    def f(_t, state):
        return np.concatenate(_rhs(model, params, state[:k], state[k:]))

    t_eval = np.linspace(t_transient, t_transient + t_measure, n_samples)
    state0 = np.concatenate([np.full(k, start[0]), np.full(k, start[1])])
    with np.errstate(all="ignore"):
        sol = solve_ivp(f, (0.0, t_eval[-1]), state0, method="RK45", t_eval=t_eval,
                        rtol=1e-5, atol=1e-8)
    if sol.status != 0 or not np.isfinite(sol.y).all():
        return np.full(k, np.nan), np.full(k, np.nan)
    xs = sol.y[:k]
    return xs.min(axis=1), xs.max(axis=1)


def _critical_values(model, params, name, values, lead, xlim, ylim) -> tuple[float, ...]:
    from scipy.optimize import brentq
    def condition(v):
        p = with_param(params, name, v)
        if model.stability is not None:
            return model.stability(p)
        fps = fixed_points(model, p, xlim, ylim)
        return min(fp.leading.real for fp in fps) if fps else np.nan

    positive = lead > 0
    brackets = np.flatnonzero((positive[:-1] != positive[1:])
                              & np.isfinite(lead[:-1]) & np.isfinite(lead[1:]))
    return tuple(float(brentq(condition, values[i], values[i + 1], xtol=1e-12))
                 for i in brackets)
