"""Oja's Hebbian learning rule (Neuronal Dynamics, chapter 19.2).

One linear neuron ``y = w . x`` receives two presynaptic rates ``x``. The data points of a 2-D
Gaussian cloud are presented one at a time, in order, and the weight vector ``w`` follows one
of three rules:

- ``"hebb"``: plain Hebb, ``w += eta y x``; ``|w|`` diverges.
- ``"oja"``: Oja's rule, ``w += eta y (x - y w)``; ``w`` tends to the unit principal eigenvector
  of the correlation matrix ``<x x^T>`` (of the covariance when the data are centred).
- ``"covariance"``: Oja's rule applied to ``x - mean(cloud)``. The mean is that of the whole
  cloud (the neuron is taken to know the mean rates), so ``w`` tends to the principal axis of
  the covariance even for a cloud that is not centred at the origin.

Usage from a notebook, like the ``neurodynex3.ojas_rule.oja`` exercise::

    from neurodynex_gui.models import oja
    cloud = oja.make_cloud(n=200, ratio=.3, angle=60, seed=1)
    wcourse = oja.learn(cloud, initial_angle=-20, eta=0.04)
    wcourse, cloud = oja.run_oja(ratio=1.2, angle=30, do_plot=True)

``seed`` arguments take an int, None or a ``numpy.random.Generator``.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import Params, checked, param

RULES = ("oja", "hebb", "covariance")


@checked("OjaParams", center="center_x")
def make_cloud(n=10000, ratio=1.0, angle=0.0, center=(0.0, 0.0), seed=None):
    """An (n, 2) Gaussian cloud: standard deviation 1 along the long axis, ``ratio`` across it.

    ``ratio`` is (std along the short axis) / (std along the long axis); a ratio above 1 is
    inverted. The long axis makes ``angle`` degrees with the x-axis; the cloud is centred on
    ``center``.
    """
    if ratio < 0:
        raise ValueError(f"ratio must not be negative, got {ratio}")
    if ratio > 1:
        ratio = 1.0 / ratio
    rng = np.random.default_rng(seed)
    points = rng.standard_normal((n, 2)) * (1.0, ratio)
    return points @ _rotation(angle).T + np.asarray(center, dtype=float)


@checked("OjaParams", diverges=True)
def learn(cloud, initial_angle=None, eta=0.001, rule="oja", seed=None):
    """Present the points of ``cloud`` once, in order; return the (n, 2) weight time course.

    Row ``i`` is the weight vector *before* point ``i`` is presented (as in neurodynex3), so
    row 0 is the initial weight, a unit vector at ``initial_angle`` degrees (uniformly random
    in [0, 360) from ``seed`` if None), and the update by the last point is not included.
    Plain Hebb's weights may grow beyond the float range: inf, then nan.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule '{rule}' (known: {', '.join(RULES)})")
    x = np.asarray(cloud, dtype=float)
    if rule == "covariance":
        x = x - x.mean(axis=0)
    if initial_angle is None:
        initial_angle = np.random.default_rng(seed).uniform(0.0, 360.0)
    w1, w2 = _rotation(initial_angle)[:, 0]
    step = _hebb_course if rule == "hebb" else _oja_course
    return step(x[:, 0].tolist(), x[:, 1].tolist(), float(w1), float(w2), float(eta))


def _oja_course(x1s, x2s, w1, w2, eta):
    """Oja's rule over the points, on Python floats (much faster than 2-element arrays)."""
    out1, out2 = [], []
    for x1, x2 in zip(x1s, x2s):
        out1.append(w1)
        out2.append(w2)
        y = w1 * x1 + w2 * x2
        g = eta * y
        w1 += g * (x1 - y * w1)
        w2 += g * (x2 - y * w2)
    return np.column_stack((out1, out2))


def _hebb_course(x1s, x2s, w1, w2, eta):
    """Plain Hebb over the points, on Python floats."""
    out1, out2 = [], []
    for x1, x2 in zip(x1s, x2s):
        out1.append(w1)
        out2.append(w2)
        g = eta * (w1 * x1 + w2 * x2)
        w1 += g * x1
        w2 += g * x2
    return np.column_stack((out1, out2))


def _rotation(angle_deg):
    """2x2 matrix rotating by ``angle_deg`` degrees counter-clockwise."""
    a = np.deg2rad(angle_deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


def principal_axis(cloud):
    """Unit eigenvector of the data covariance with the largest eigenvalue.

    The sign is fixed so that the vector points into the right half-plane (angle in (-90, 90]).
    """
    _, vectors = np.linalg.eigh(np.cov(np.asarray(cloud, dtype=float), rowvar=False))
    axis = vectors[:, -1]
    return -axis if axis[0] < 0 or (axis[0] == 0 and axis[1] < 0) else axis


def angle_error_deg(wcourse, axis):
    """Angle in degrees (0..90) between each weight vector and the line along ``axis``."""
    w = np.atleast_2d(wcourse)
    u = np.asarray(axis, dtype=float)
    along = w @ u
    across = w[:, 0] * u[1] - w[:, 1] * u[0]
    return np.rad2deg(np.arctan2(np.abs(across), np.abs(along)))


def weight_norm(wcourse):
    """|w| at each time step (without overflow on the way, for Hebb's huge weights)."""
    w = np.atleast_2d(wcourse)
    return np.hypot(w[:, 0], w[:, 1])


@checked("OjaParams", learning_rate="eta", center="center_x")
def run_oja(n=10000, ratio=1.0, angle=0.0, do_plot=True, *, eta=0.001, learning_rate=None,
            initial_angle=None, rule="oja", center=(0.0, 0.0), seed=None):
    """Make a cloud and learn once over it; return ``(wcourse, cloud)`` as neurodynex3 does.

    ``learning_rate`` is neurodynex3's name for ``eta`` (it wins if given). One random
    generator built from ``seed`` draws the cloud, then the initial angle if it is None.
    ``do_plot`` (the seed's default) draws the cloud and the weight trace with matplotlib
    (``plot_oja_trace``; if matplotlib is missing a warning says how to install it).
    """
    if not isinstance(do_plot, (bool, np.bool_)):
        raise TypeError(f"do_plot must be True or False, got {do_plot!r} (in neurodynex3 the "
                        "fourth argument was the learning rate: pass it as eta=...)")
    if learning_rate is not None:
        eta = learning_rate
    rng = np.random.default_rng(seed)
    cloud = make_cloud(n, ratio, angle, center, seed=rng)
    wcourse = learn(cloud, initial_angle, eta, rule, seed=rng)
    if do_plot:
        plot_oja_trace(cloud, wcourse)
    return wcourse, cloud


def plot_oja_trace(cloud, wcourse, show=True):
    """Scatter the data and the weight trace (coloured by time) with matplotlib; returns the
    figure."""
    from .exercise_plots import oja_figure

    return oja_figure(np.asarray(cloud), np.asarray(wcourse), show=show)


@dataclasses.dataclass(frozen=True)
class OjaParams(Params):
    """Cloud and learning parameters.

    The defaults are those of the exercise's example (200 points, eta 0.04: a quick demo); the
    scripting functions default to 10,000 points and eta 0.001.
    """

    n: int = param(200, "data points", min=2, max=100_000, step=100, section="Data cloud",
                   help="Number of points in the cloud, presented once each, in order "
                        "(default 200 as in the exercise's example; make_cloud uses 10,000).")
    ratio: float = param(0.3, "axis ratio", min=0.0, max=10.0, step=0.05, decimals=3,
                         section="Data cloud",
                         help="Std along the short axis / std along the long axis (1 = circular; "
                              "a ratio above 1 is inverted, as in the exercise).")
    angle: float = param(60.0, "cloud angle", "deg", min=-180.0, max=180.0, step=5.0,
                         decimals=1, section="Data cloud",
                         help="Angle of the cloud's long axis with the x1 axis.")
    center_x: float = param(0.0, "centre x1", min=-20.0, max=20.0, step=0.5, decimals=2,
                            section="Data cloud",
                            help="Mean of the first input rate (e.g. 5 for non-centred data).")
    center_y: float = param(0.0, "centre x2", min=-20.0, max=20.0, step=0.5, decimals=2,
                            section="Data cloud",
                            help="Mean of the second input rate (e.g. 5 for non-centred data).")
    eta: float = param(0.04, "learning rate eta", min=0.0, max=1.0, step=0.001, decimals=4,
                       section="Learning",
                       help="Step size of each weight update (default 0.04 as in the "
                            "exercise's example; learn uses 0.001).")
    rule: str = param("oja", "learning rule", choices=RULES, section="Learning",
                      help="oja: w += eta y (x - y w); hebb: w += eta y x; "
                           "covariance: oja on x - mean(x).")
    random_initial: bool = param(False, "random initial angle", section="Learning",
                                 help="Start from a random direction: a new one at each Run "
                                      "in the window (kept in the session); drawn from the "
                                      "seed in scripts and command-line export.")
    initial_angle: float = param(-20.0, "initial weight angle", "deg", min=-360.0, max=360.0,
                                 step=5.0, decimals=1, section="Learning",
                                 help="Direction of the initial unit weight vector "
                                      "(unused when the angle is random).")
    seed: int = param(0, "random seed", min=0, max=2**31 - 1, step=1, section="Data cloud",
                      help="Seed of the data cloud (and of a random initial angle in scripts).")


@dataclasses.dataclass(frozen=True)
class OjaResult:
    """One learning run: the data, the weight course and how it compares with the data's axis."""

    cloud: np.ndarray            # (n, 2) presynaptic rates, in presentation order
    w: np.ndarray                # (n, 2) weight before each point (row 0: initial weight)
    axis: np.ndarray             # (2,) principal eigenvector of the data covariance
    angle_error_deg: np.ndarray  # (n,) angle between w and the axis, modulo sign, 0..90
    w_norm: np.ndarray           # (n,) |w|


@checked()
def simulate(params: OjaParams, *, on_chunk=None, should_stop=None) -> OjaResult:
    """Run one learning pass described by ``params`` (a few ms for 10,000 points).

    ``on_chunk`` and ``should_stop`` are the runner's hooks; a pass is too short to use them.
    """
    wcourse, cloud = run_oja(
        params.n, params.ratio, params.angle, False, eta=params.eta,
        initial_angle=None if params.random_initial else params.initial_angle,
        rule=params.rule, center=(params.center_x, params.center_y), seed=params.seed)
    axis = principal_axis(cloud)
    with np.errstate(invalid="ignore", over="ignore"):  # Hebb may overflow to inf, then nan
        error = angle_error_deg(wcourse, axis)
    return OjaResult(cloud, wcourse, axis, error, weight_norm(wcourse))


def simulate_many(runs, *, on_chunk=None, should_stop=None) -> list[OjaResult]:
    """``simulate`` each OjaParams of ``runs`` in turn; ``should_stop`` is checked between runs.

    Runs with the same cloud parameters (n, ratio, angle, centre, seed) learn on the same data,
    as for comparing rules.
    """
    results = []
    for params in runs:
        if should_stop is not None and should_stop():
            raise InterruptedError("stopped")
        results.append(simulate(params))
    return results
