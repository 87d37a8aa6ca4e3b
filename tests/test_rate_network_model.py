"""Rate networks (issue 17): steady states, winner-take-all, Wilson-Cowan's Hopf point, the
decision model's attractors and the largest Lyapunov exponent, against values derived here
independently (linear algebra, scalar root finding, finite differences, direct simulation)."""
import numpy as np
import pytest
from scipy.integrate import odeint
from scipy.optimize import brentq

from neurodynex_gui.models import planar
from neurodynex_gui.models import rate_network as rn
from neurodynex_gui.models.params import ParamError


def test_linear_network_settles_at_the_inverse_of_one_minus_w_times_i():
    rng = np.random.default_rng(5)
    W = rng.normal(0, 0.3, (6, 6))
    assert np.linalg.eigvals(W).real.max() < 1  # stable: every eigenvalue of W - 1 below 0
    I = rng.normal(0, 1, 6)
    run = rn.simulate_rates(W, I, tau=5.0, f="linear", t_end=400.0, dt=0.05)
    np.testing.assert_allclose(run.r[-1], np.linalg.solve(np.eye(6) - W, I), atol=1e-6)
    assert run.t[-1] == pytest.approx(400.0) and run.r.shape == (len(run.t), 6)


def test_a_feedforward_chain_passes_the_input_on_with_the_weight():
    params = rn.NetworkParams(motif="feedforward chain", N=4, w=0.5, f="linear", gain=1.0,
                              threshold=0.0, input_kind="constant", I0=2.0, I_slope=-2.0,
                              t_end=400.0)
    run = rn.simulate(params)
    # only unit 0 gets input (2, then 2 - 2/3, ... would feed the others: check the chain)
    I = rn.motif_inputs(params)
    expected = np.linalg.solve(np.eye(4) - 0.5 * np.eye(4, k=-1), I)
    np.testing.assert_allclose(run.r[-1], expected, atol=1e-6)


def test_a_step_input_is_on_only_between_its_times():
    params = rn.NetworkParams(motif="feedforward chain", N=2, w=0.0, f="linear", gain=1.0,
                              threshold=0.0, input_kind="step", I0=1.0, I_slope=0.0,
                              t_on=100.0, t_off=200.0, tau=5.0, t_end=300.0)
    run = rn.simulate(params)
    at = lambda t: run.r[np.searchsorted(run.t, t), 0]  # noqa: E731
    assert at(99.0) == 0.0
    assert at(199.0) == pytest.approx(1 - np.exp(-99.0 / 5.0), abs=1e-2)
    assert at(299.0) == pytest.approx(np.exp(-99.0 / 5.0), abs=1e-2)


def test_winner_take_all_one_winner_for_strong_inhibition_all_for_none():
    I = [0.6, 1.0, 0.9, 0.3]
    strong = rn.winner_take_all(I, alpha=2.0)
    assert strong.winners.tolist() == [1]
    assert strong.r[-1, 1] == pytest.approx(1.0, abs=1e-3)  # f(I_1 - 0) with f(h) = max(h, 0)
    none = rn.winner_take_all(I, alpha=0.0)
    assert none.winners.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(none.r[-1], I, atol=1e-3)


def test_the_wta_tool_finds_where_two_units_stop_coexisting():
    # two threshold-linear units: the weaker survives while I2 - alpha r1 > 0 with
    # r1 = (I1 - alpha I2) / (1 - alpha^2), i.e. while alpha < I2 / I1
    params = rn.NetworkParams(motif="winner-take-all", N=2, f="threshold_linear", gain=1.0,
                              threshold=0.0, input_kind="constant", I0=1.0, I_slope=-0.4,
                              t_end=1500.0)
    sweep = rn.wta_range(params, 0.0, 1.0, 51)
    assert sweep.answer == pytest.approx(0.6, abs=0.021)
    counts = sweep.columns["active units"]
    assert set(counts[sweep.x < 0.57]) == {2} and set(counts[sweep.x > 0.63]) == {1}


def _wc_fixed_point(P, p):
    """The single fixed point: I(E) on the I-nullcline, then dE/dt = 0 along it."""
    q = p.replace(P=P)
    on_nullcline = lambda E: brentq(lambda I: rn.wilson_cowan.rhs(E, I, q)[1], -1, 2,  # noqa
                                    xtol=1e-14)
    E = brentq(lambda E: rn.wilson_cowan.rhs(E, on_nullcline(E), q)[0], 0, 1, xtol=1e-14)
    return np.array([E, on_nullcline(E)])


def _trace_by_finite_differences(P, p):
    z = _wc_fixed_point(P, p)
    q = p.replace(P=P)
    h = 1e-6
    dE = (rn.wilson_cowan.rhs(z[0] + h, z[1], q)[0] - rn.wilson_cowan.rhs(z[0] - h, z[1], q)[0])
    dI = (rn.wilson_cowan.rhs(z[0], z[1] + h, q)[1] - rn.wilson_cowan.rhs(z[0], z[1] - h, q)[1])
    return (dE + dI) / (2 * h)


def _amplitude(P, p):
    """Peak-to-peak E over the last second of 30 s (the slow approach near a Hopf point)."""
    q = p.replace(P=P)
    t = np.arange(0.0, 30000.5, 0.5)
    states = odeint(lambda s, _t: rn.wilson_cowan.rhs(s[0], s[1], q), [0.3, 0.2], t,
                    rtol=1e-8, atol=1e-10)
    return np.ptp(states[t >= 29000.0, 0])


def test_wilson_cowan_hopf_point_from_the_jacobian_is_where_oscillation_starts():
    p = rn.WilsonCowanParams()
    hopf = brentq(lambda P: _trace_by_finite_differences(P, p), 1.0, 3.0)
    sweep = rn.wilson_cowan_bifurcation(p, 0.0, 4.0, 81)
    assert sweep.critical == pytest.approx((hopf,), abs=1e-4)
    assert _amplitude(hopf - 0.05, p) < 1e-4  # the fixed point attracts
    # above it the cycle grows like a supercritical Hopf's: amplitude^2 linear in P, its
    # zero (the onset seen in simulation) where the Jacobian's trace vanishes
    above = hopf + np.array([0.05, 0.1, 0.15])
    slope, offset = np.polyfit(above, [_amplitude(P, p) ** 2 for P in above], 1)
    assert -offset / slope == pytest.approx(hopf, abs=0.015)
    far = sweep.x > hopf + 0.2
    assert (sweep.columns["E_max"][far] - sweep.columns["E_min"][far] > 0.03).all()


def test_the_decision_model_has_two_attractors_and_a_saddle_between_them():
    p = rn.DecisionParams()
    found = planar.fixed_points(rn.decision_model, p, (-1, 2), (-1, 2))
    assert [fp.kind for fp in found] == ["stable node", "saddle", "stable node"]
    # the symmetric state h1 = h2 = h solves h = (w_EE - 2 alpha) g(h) + I0
    g = lambda h: 1 / (1 + np.exp(-p.beta * (h - p.theta)))  # noqa: E731
    h = brentq(lambda h: -h + (p.w_EE - 2 * p.alpha) * g(h) + p.I0, -5, 5)
    saddle = found[1]
    assert (saddle.x, saddle.y) == pytest.approx((h, h), abs=1e-8)
    slope = p.beta * g(h) * (1 - g(h))  # along (1, 1): -1 + (w_EE - 2 a) g'; along (1, -1):
    expected = sorted([(-1 + (p.w_EE - 2 * p.alpha) * slope) / p.tau_E,  # -1 + w_EE g'
                       (-1 + p.w_EE * slope) / p.tau_E])
    assert sorted(saddle.eigenvalues.real) == pytest.approx(expected, abs=1e-9)
    assert found[0].x == pytest.approx(found[2].y) and found[0].y == pytest.approx(found[2].x)
    biased = planar.fixed_points(rn.decision_model, p.replace(bias=0.5), (-1, 2), (-1, 2))
    assert [fp.kind for fp in biased] == ["stable node"] and biased[0].x > biased[0].y


@pytest.mark.parametrize("g, sign", [(0.5, -1), (2.0, 1)])
def test_random_tanh_network_is_stable_below_and_chaotic_above_the_transition(g, sign):
    W = rn.random_network(400, g, seed=1)
    assert np.sign(rn.lyapunov_exponent(W, tau=10.0, f="tanh", t_end=500.0, seed=2)) == sign


def test_a_linear_network_exponent_is_the_largest_real_part_of_the_eigenvalues():
    W = rn.random_network(40, 0.8, seed=3)
    expected = np.linalg.eigvals((W - np.eye(40)) / 10.0).real.max()
    got = rn.lyapunov_exponent(W, tau=10.0, f="linear", t_end=3000.0, dt=0.05, seed=4)
    assert got == pytest.approx(expected, rel=0.02)


def test_the_chaos_tool_marks_the_transition_near_g_one():
    params = rn.NetworkParams(motif="random", N=200, f="tanh", gain=1.0, threshold=0.0)
    sweep = rn.lyapunov_sweep(params, 0.4, 2.4, 6, t_lyap=400.0, dt_lyap=0.5)
    lam = sweep.columns["largest exponent (1/ms)"]
    assert lam[0] == pytest.approx(-0.6 / 10.0, abs=0.01)  # g = 0.4: the origin, (g - 1) / tau
    assert 0.8 < sweep.answer < 1.6


@pytest.mark.parametrize("call, name", [
    (lambda: rn.simulate_rates(np.ones((2, 3)), 0.0), "W"),
    (lambda: rn.simulate_rates(np.eye(2), [1, 2, 3]), "I_ext"),
    (lambda: rn.simulate_rates(np.eye(2), 0.0, f="cubic"), "f"),
    (lambda: rn.simulate_rates(np.eye(2), 0.0, tau=-1.0), "tau"),
    (lambda: rn.simulate_rates(np.eye(2), 0.0, f_params={"slope": 2}), "f_params"),
    (lambda: rn.winner_take_all([1.0], alpha=1.0), "I"),
    (lambda: rn.random_network(N=1), "N"),
])
def test_bad_arguments_are_refused_naming_them(call, name):
    with pytest.raises(ParamError) as error:
        call()
    assert error.value.name == name


def test_euler_and_lsoda_agree_on_a_small_network_with_a_step_input():
    from neurodynex_gui.models.rate_network import integrate

    rng = np.random.default_rng(7)
    W = rng.normal(0, 0.8, (5, 5))
    steps, dt = 20000, 0.01
    I = np.zeros((steps, 5))
    I[5000:15000] = rng.normal(1, 0.5, 5)
    runs = []
    for method in (integrate.euler, integrate.lsoda):
        rates = np.zeros((steps // 10 + 1, 5))
        kept = method(W, I, 10.0, "sigmoid", {"gain": 3.0, "threshold": 0.5}, rates, 10,
                      steps, dt, lambda *_: None, None)
        assert kept == len(rates)
        runs.append(rates)
    assert np.abs(runs[0] - runs[1]).max() < 2e-3  # Euler's error at dt = tau / 1000
    assert np.ptp(runs[1][:, 0]) > 0.1  # the step moved the rates


def test_a_large_network_with_single_precision_products_follows_the_exact_one():
    """Euler written out here in double precision against the integrator, whose products
    run in single precision from integrate.SINGLE units on."""
    from neurodynex_gui.models.rate_network import integrate

    n, steps, dt, tau = integrate.SINGLE, 2000, 0.1, 10.0
    W = rn.random_network(n, 0.8, seed=3)  # below the transition: differences do not grow
    I = np.random.default_rng(4).normal(0.5, 0.5, (1, n))
    rates = np.zeros((steps + 1, n))
    integrate.euler(W, I, tau, "tanh", {"gain": 1.0, "threshold": 0.0}, rates, 1, steps, dt,
                    lambda *_: None, None)
    r = np.zeros(n)
    for _ in range(steps):
        r = r + dt / tau * (np.tanh(W @ r + I[0]) - r)
    assert np.abs(rates[-1] - r).max() < 1e-5
    assert np.abs(r).max() > 0.3  # the rates moved


@pytest.mark.parametrize("n", [1, 60])  # LSODA and Euler
def test_a_diverging_network_warns(n):
    from neurodynex_gui.models.divergence import DivergenceWarning

    with pytest.warns(DivergenceWarning, match="not a finite number"):
        rn.simulate_rates(20 * np.eye(n), 1.0, tau=1.0, f="linear", t_end=1000.0)
