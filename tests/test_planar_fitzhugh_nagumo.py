"""Planar-system analysis and the FitzHugh-Nagumo model (book ch. 4.3).

Expected numbers come from the equations, solved here by other means (brentq on the cubic,
closed-form Hopf condition, numpy.linalg on finite-difference Jacobians, scipy's DOP853, a
hand-written RK4 loop), never from the code under test.
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq
from scipy.signal import find_peaks

from neurodynex_gui.models import fitzhugh_nagumo as fhn
from neurodynex_gui.models import planar
from neurodynex_gui.models.params import ParamError

XLIM, YLIM = (-2.5, 2.5), (-3.0, 8.0)
CURRENTS = [-1.0, 0.0, 0.5, 1.2, 1.5, 2.0, 2.7, 3.5]


def fhn_rhs(v, w, I, eps=0.1, a=2.0):
    return v * (1 - v**2) - w + I, eps * (v + 0.5 * (a - w))


def fd_jacobian(v, w, I, eps=0.1, a=2.0, h=1e-6):
    def f(dv, dw):
        return np.array(fhn_rhs(v + dv, w + dw, I, eps, a))

    return np.column_stack([(f(h, 0) - f(-h, 0)) / (2 * h), (f(0, h) - f(0, -h)) / (2 * h)])


def fixed_point_by_brentq(I, a=2.0):
    """dv/dt = 0 and dw/dt = 0 give w = 2v + a and v^3 + v + a - I = 0 (monotone in v)."""
    v = brentq(lambda v: v**3 + v + a - I, -20, 20, xtol=1e-14)
    return v, 2 * v + a


def hopf_currents(eps=0.1, a=2.0):
    """Trace 1 - 3 v^2 - eps/2 = 0 at the fixed point; I from v^3 + v + a = I."""
    v = np.sqrt((1 - eps / 2) / 3)
    return sorted(s * v**3 + s * v + a for s in (-1, 1))


GENERIC = planar.PlanarModel("FHN, numerics only",
                             lambda v, w, p: fhn_rhs(v, w, p.I_ext, p.eps, p.a))


def params(I=0.0, **kw):
    return fhn.FHNParams(I_ext=I, **kw)


# ---------------------------------------------------------------- fixed points

@pytest.mark.parametrize("I", CURRENTS)
def test_fixed_point_is_the_real_root_of_the_cubic(I):
    v, w = fixed_point_by_brentq(I)
    assert fhn.get_fixed_point(I=I) == pytest.approx((v, w), abs=1e-10)
    (fp,) = planar.fixed_points(fhn.FHN, params(I), XLIM, YLIM)
    assert (fp.x, fp.y) == pytest.approx((v, w), abs=1e-10)


@pytest.mark.parametrize("I", CURRENTS)
def test_generic_path_finds_the_same_fixed_point(I):
    v, w = fixed_point_by_brentq(I)
    (fp,) = planar.fixed_points(GENERIC, params(I), XLIM, YLIM)
    assert (fp.x, fp.y) == pytest.approx((v, w), abs=1e-9)
    assert fp.jacobian == pytest.approx(fd_jacobian(v, w, I), abs=1e-6)


@pytest.mark.parametrize("I", CURRENTS + [1.25, 1.27, 2.73, 2.75])
def test_classification_agrees_with_numpy_eigenvalues(I):
    v, w = fixed_point_by_brentq(I)
    eig = np.linalg.eigvals(fd_jacobian(v, w, I))
    expected = ("stable" if eig.real.max() < 0 else "unstable") + (
        " focus" if abs(eig.imag).max() > 1e-6 else " node")
    for model in (fhn.FHN, GENERIC):
        (fp,) = planar.fixed_points(model, params(I), XLIM, YLIM)
        assert fp.kind == expected
        assert np.sort_complex(fp.eigenvalues) == pytest.approx(np.sort_complex(eig), abs=1e-6)


def test_known_kinds_of_the_exercise():
    kinds = {I: planar.fixed_points(fhn.FHN, params(I))[0].kind for I in (0.0, 1.2, 1.3, 2.0)}
    assert kinds == {0.0: "stable node", 1.2: "stable focus", 1.3: "unstable focus",
                     2.0: "unstable node"}


def test_three_fixed_points_saddle_and_foci_found_numerically():
    """dx = x - x^3 - y, dy = x/2 - y: fixed points x = 0 (saddle), x = +-sqrt(1/2) (foci)."""
    model = planar.PlanarModel("bistable", lambda x, y, p: (x - x**3 - y, 0.5 * x - y))
    fps = planar.fixed_points(model, None, (-2, 2), (-2, 2))
    r = np.sqrt(0.5)
    coords = [c for p in fps for c in (p.x, p.y)]
    assert coords == pytest.approx([-r, -r / 2, 0, 0, r, r / 2], abs=1e-9)
    assert [p.kind for p in fps] == ["stable focus", "saddle", "stable focus"]


def test_classify_center():
    assert planar.classify(np.array([[0.0, -2.0], [0.5, 0.0]])) == "center"


def test_jacobian_matches_finite_differences():
    assert fhn.get_jacobian(0.7, 1.0, eps=0.3) == pytest.approx(
        fd_jacobian(0.7, 1.0, 0.0, eps=0.3), abs=1e-6)


# ---------------------------------------------------------------- nullclines and flow

@pytest.mark.parametrize("model", [fhn.FHN, GENERIC], ids=["analytic", "contoured"])
def test_nullcline_points_have_zero_derivative(model):
    I = 1.5
    lines = planar.nullclines(model, params(I), XLIM, YLIM, n=200)
    assert lines.x and lines.y
    xs = np.concatenate(lines.x)
    ys = np.concatenate(lines.y)
    # on the curves w = v - v^3 + I and w = 2 v + a (contouring: linear interpolation error)
    assert np.abs(xs[:, 1] - (xs[:, 0] - xs[:, 0] ** 3 + I)).max() < 2e-3
    assert np.abs(ys[:, 1] - (2 * ys[:, 0] + 2.0)).max() < 1e-9
    # they span the view: the v-nullcline crosses the whole v range inside the w range
    assert xs[:, 0].min() < -1.7 and xs[:, 0].max() > 1.7


def test_contour_of_a_circle_is_closed():
    model = planar.PlanarModel("circle", lambda x, y, p: (x**2 + y**2 - 1, y))
    (circle,) = planar.nullclines(model, None, (-2, 2), (-2, 2), n=101).x
    assert circle[0] == pytest.approx(circle[-1])
    assert np.hypot(circle[:, 0], circle[:, 1]) == pytest.approx(1, abs=1e-3)


def test_flow_field_is_the_rhs_on_the_grid():
    V, W, dV, dW = fhn.get_flow(I_ext=0.5, eps=0.2, a=1.0, n=20)
    assert V.shape == W.shape == dV.shape == dW.shape == (20, 20)
    assert V[0] == pytest.approx(np.linspace(*fhn.V_LIM, 20))
    ref = fhn_rhs(V, W, 0.5, eps=0.2, a=1.0)
    assert dV == pytest.approx(ref[0]) and dW == pytest.approx(ref[1])


# ---------------------------------------------------------------- trajectories

def rk4_reference(v, w, I, eps, a, t_end, dt=1e-3):
    for _ in range(int(round(t_end / dt))):
        k1 = fhn_rhs(v, w, I, eps, a)
        k2 = fhn_rhs(v + dt / 2 * k1[0], w + dt / 2 * k1[1], I, eps, a)
        k3 = fhn_rhs(v + dt / 2 * k2[0], w + dt / 2 * k2[1], I, eps, a)
        k4 = fhn_rhs(v + dt * k3[0], w + dt * k3[1], I, eps, a)
        v += dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        w += dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    return v, w


def test_get_trajectory_with_the_seed_arguments_matches_rk4():
    t, v, w = fhn.get_trajectory(v0=1., w0=2., I_ext=3., eps=0.4, a=5.0, tend=1.234)
    assert t[0] == 0 and t[-1] == pytest.approx(1.234) and np.diff(t).max() <= 0.1 + 1e-12
    assert (v[-1], w[-1]) == pytest.approx(rk4_reference(1., 2., 3., 0.4, 5.0, 1.234), rel=1e-5)


def test_trajectory_matches_an_independent_integrator():
    t, v, w = fhn.get_trajectory(v0=-1.5, w0=1.0, I=2.0, tend=30.0)
    ref = solve_ivp(lambda _t, s: fhn_rhs(s[0], s[1], 2.0), (0, 30), [-1.5, 1.0], method="DOP853",
                    t_eval=t, rtol=1e-11, atol=1e-12)
    assert np.abs(v - ref.y[0]).max() < 1e-4 and np.abs(w - ref.y[1]).max() < 1e-4


@pytest.mark.parametrize("I", [1.5, 2.0, 2.5])
def test_limit_cycle_between_the_critical_currents(I):
    t, v, _ = fhn.get_trajectory(I=I, tend=600.0)
    late = t > 200
    peaks, _ = find_peaks(v[late], prominence=0.5)
    assert len(peaks) >= 4
    periods = np.diff(t[late][peaks])
    assert periods.std() < 0.01 * periods.mean()           # periodic
    assert np.ptp(v[late][peaks]) < 1e-2                     # same peak each period
    assert np.ptp(v[late]) > 1.5                             # non-zero amplitude


@pytest.mark.parametrize("I", [0.0, 1.0, 3.0, 3.5])
def test_converges_to_the_fixed_point_outside_the_critical_currents(I):
    t, v, w = fhn.get_trajectory(v0=0.3, w0=-1.0, I=I, tend=500.0)
    assert (v[-1], w[-1]) == pytest.approx(fixed_point_by_brentq(I), abs=1e-5)


def test_backward_then_forward_returns_to_the_start():
    p = params(0.5)
    back = planar.trajectory(fhn.FHN, p, 0.4, 0.8, 3.0, backward=True)
    assert back.t[-1] == pytest.approx(-3.0) and np.all(np.diff(back.t) < 0)
    fwd = planar.trajectory(fhn.FHN, p, back.x[-1], back.y[-1], 3.0)
    assert (fwd.x[-1], fwd.y[-1]) == pytest.approx((0.4, 0.8), abs=1e-5)


def test_current_is_accepted_as_I_and_as_the_seeds_I_ext():
    v, w = fixed_point_by_brentq(1.7)
    for call in (lambda: fhn.get_fixed_point(I=1.7), lambda: fhn.get_fixed_point(I_ext=1.7),
                 lambda: fhn.get_fixed_point(1.7), lambda: fhn.get_fixed_point(1.7, I_ext=1.7)):
        assert call() == pytest.approx((v, w), abs=1e-10)
    by_I, by_I_ext = (fhn.get_trajectory(0.3, 0.1, tend=20.0, **{key: 1.7})
                      for key in ("I", "I_ext"))
    assert by_I[1] == pytest.approx(by_I_ext[1]) and by_I[2] == pytest.approx(by_I_ext[2])
    ref = fhn_rhs(np.array([-1.0, 0.5]), np.array([0.0, 2.0]), 1.7, eps=0.2, a=1.0)
    for kw in ({"I": 1.7}, {"I_ext": 1.7}):
        V, W, dV, dW = fhn.get_flow(eps=0.2, a=1.0, vlim=(-1, 0.5), wlim=(0, 2), n=2, **kw)
        assert dV.diagonal() == pytest.approx(ref[0]) and dW.diagonal() == pytest.approx(ref[1])
    with pytest.raises(TypeError, match="twice"):
        fhn.get_fixed_point(I=1.0, I_ext=2.0)


def test_blow_up_ends_the_trajectory_early_with_finite_samples():
    back = planar.trajectory(fhn.FHN, params(0.0), 0.5, 0.0, 50.0, backward=True)
    assert -50 < back.t[-1] < -1 and np.isfinite(back.x).all() and np.isfinite(back.y).all()


def test_leaving_the_box_ends_the_trajectory_at_its_first_sample_outside():
    """Backward in time u grows without bound; it must stop just after crossing u = 3."""
    box = ((-3.0, 3.0), (-10.0, 10.0))
    back = planar.trajectory(fhn.FHN, params(0.0), 0.5, 0.0, 50.0, backward=True, box=box)
    assert abs(back.x[-1]) > 3 and np.all(np.abs(back.x[:-1]) <= 3)
    free = planar.trajectory(fhn.FHN, params(0.0), 0.5, 0.0, 50.0, backward=True)
    assert back.x == pytest.approx(free.x[:len(back.x)])


def test_chunks_are_computed_when_asked_for():
    pieces = planar.trajectory_chunks(fhn.FHN, params(1.5), 0.2, 0.4, 100.0, chunk_points=250)
    start = next(pieces)
    assert (start.t.tolist(), start.x.tolist(), start.y.tolist()) == ([0.0], [0.2], [0.4])
    assert [len(p.t) for p in pieces] == [250, 250, 250, 250]


def test_chunks_stream_the_whole_trajectory_and_should_stop_cancels():
    chunks = []
    full = fhn.simulate(params(1.5, tend=100.0), on_chunk=chunks.append)
    assert len(full.t) == 1001 and len(chunks) > 2
    for k, arr in enumerate(full):
        assert np.concatenate([c[k] for c in chunks]) == pytest.approx(arr)

    calls = []
    stopped = planar.trajectory(fhn.FHN, params(1.5), 0, 0, 100.0, chunk_points=100,
                                on_chunk=lambda piece: calls.append(len(piece.t)),
                                should_stop=lambda: len(calls) >= 3)
    assert len(stopped.t) == 1 + 2 * 100 and calls == [1, 100, 100]


# ---------------------------------------------------------------- bifurcation scan

@pytest.mark.parametrize("eps,a", [(0.1, 2.0), (0.3, 1.0)])
def test_scan_finds_the_analytic_critical_currents(eps, a):
    lo, hi = hopf_currents(eps, a)
    values = np.linspace(a - 2, a + 2, 400)
    scan = planar.bifurcation_scan(fhn.FHN, params(eps=eps, a=a), "I_ext", values)
    assert scan.critical == pytest.approx([lo, hi], abs=1e-6)
    assert fhn.critical_currents(eps, a) == pytest.approx((lo, hi), abs=1e-12)
    inside = (values > lo) & (values < hi)
    assert np.all(scan.lead[inside] > 0) and np.all(scan.lead[~inside] < 0)
    assert np.all(scan.amplitude[~inside] == 0)
    fixed_v = [fixed_point_by_brentq(I, a)[0] for I in values[~inside]]
    assert scan.x_min[~inside] == pytest.approx(fixed_v)


def test_scan_cycle_extent_matches_a_long_trajectory():
    values = np.linspace(0, 4, 41)
    scan = planar.bifurcation_scan(fhn.FHN, params(), "I_ext", values)
    for I in (1.5, 2.0, 2.5):
        ref = solve_ivp(lambda _t, s: fhn_rhs(s[0], s[1], I), (0, 800), [0.0, 0.0],
                        method="DOP853", t_eval=np.linspace(500, 800, 30001),
                        rtol=1e-10, atol=1e-10)
        k = np.argmin(abs(values - I))
        extent = (ref.y[0].min(), ref.y[0].max())
        assert (scan.x_min[k], scan.x_max[k]) == pytest.approx(extent, abs=2e-3)


def test_generic_scan_agrees_with_analytic_scan():
    values = np.linspace(0, 4, 120)
    analytic = planar.bifurcation_scan(fhn.FHN, params(), "I_ext", values)
    generic = planar.bifurcation_scan(GENERIC, params(), "I_ext", values, xlim=XLIM, ylim=YLIM)
    assert generic.critical == pytest.approx(hopf_currents(), abs=1e-3)
    assert generic.x_fp == pytest.approx(analytic.x_fp, abs=1e-8)
    assert generic.eigenvalues == pytest.approx(analytic.eigenvalues, abs=1e-5)
    assert generic.amplitude == pytest.approx(analytic.amplitude, abs=1e-3)


def test_scan_current_covers_the_chosen_range():
    scan = fhn.scan_current(params(eps=0.3, a=1.0), I_min=0.5, I_max=2.5, n_values=21)
    assert scan.values == pytest.approx(np.linspace(0.5, 2.5, 21))
    assert scan.critical == pytest.approx([c for c in hopf_currents(0.3, 1.0) if 0.5 < c < 2.5],
                                          abs=1e-6)


# ---------------------------------------------------------------- parameters

def test_params_defaults_are_the_seed_defaults_and_validated():
    p = fhn.FHNParams()
    assert (p.I_ext, p.eps, p.a, p.tend) == (0.0, 0.1, 2.0, 500.0)
    with pytest.raises(ParamError, match="eps"):
        p.replace(eps=-1)
    with pytest.raises(ParamError, match="I_max"):
        fhn.BifurcationInputs(I_min=2.0, I_max=1.0)
