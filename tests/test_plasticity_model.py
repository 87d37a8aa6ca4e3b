"""Plasticity models (issue 16): numbers derived by hand, independently of the code's sums."""
import math

import numpy as np
import pytest

from neurodynex_gui.models import plasticity as pl

A_P, A_M, TAU = 0.01, -0.0105, 20.0


def test_analytic_window_is_the_notes_formula():
    assert pl.stdp_window(10.0) == pytest.approx(A_P * math.exp(-0.5))
    assert pl.stdp_window(-30.0) == pytest.approx(A_M * math.exp(-1.5))
    assert pl.stdp_window(0.0) == pytest.approx(A_P)


def test_simulated_window_is_n_times_the_window_at_every_dt():
    """60 pairs at 1 Hz: neighbouring pairs are 1 s apart (e^-50 of overlap), so each dt
    gives 60 W(dt); +-10 ms within 1 % of 60 A+- e^(-10/20)."""
    out = pl.simulated_window(np.arange(-100.0, 101.0), n_pairs=60, frequency_Hz=1.0)
    dts = out["dt_ms"]
    by_hand = np.where(dts >= 0, 60 * A_P * np.exp(-np.abs(dts) / TAU),
                       60 * A_M * np.exp(-np.abs(dts) / TAU))
    np.testing.assert_allclose(out["dw"], by_hand, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(out["dw"], out["analytic"], rtol=1e-9, atol=1e-12)
    plus, minus = out["dw"][dts == 10.0][0], out["dw"][dts == -10.0][0]
    assert plus == pytest.approx(60 * A_P * math.exp(-10 / TAU), rel=0.01)
    assert minus == pytest.approx(60 * A_M * math.exp(-10 / TAU), rel=0.01)


def test_all_to_all_and_nearest_at_20_Hz_against_sums_by_hand():
    """dt = +10 ms, period 50 ms, n = 20 pairs. All-to-all: pre k and post j are
    10 + 50 (j - k) ms apart, n - |m| pairs at each distance m = j - k: potentiation
    A+ e^(-10/tau) sum_{m>=0} (n-m) q^m, depression A- e^(+10/tau) sum_{m>=1} (n-m) q^m,
    q = e^(-50/tau). Nearest: each post with its own pre (10 ms), each later pre with the
    previous post (40 ms): n A+ e^(-10/tau) + (n-1) A- e^(-40/tau)."""
    n, q = 20, math.exp(-50 / TAU)
    all_to_all = (A_P * math.exp(-10 / TAU) * sum((n - m) * q ** m for m in range(n))
                  + A_M * math.exp(10 / TAU) * sum((n - m) * q ** m for m in range(1, n)))
    nearest = n * A_P * math.exp(-10 / TAU) + (n - 1) * A_M * math.exp(-40 / TAU)
    got_all = pl.pairing_protocol(10.0, n, 20.0, rule="pair", pairing="all-to-all")
    got_nearest = pl.pairing_protocol(10.0, n, 20.0, rule="pair", pairing="nearest")
    assert got_all == pytest.approx(all_to_all, rel=1e-9)
    assert got_nearest == pytest.approx(nearest, rel=1e-9)
    assert got_all - got_nearest == pytest.approx(all_to_all - nearest, rel=1e-9)
    pre, post = pl.protocol_times(10.0, n, 20.0)
    assert pl.pair_rule_sum(pre, post, pairing="all-to-all") == pytest.approx(all_to_all)
    assert pl.pair_rule_sum(pre, post, pairing="nearest") == pytest.approx(nearest)


def test_triplet_rule_two_pairs_by_hand():
    """Pre at 0 and 50 ms, post at 10 and 60 ms (triplet, all-to-all): post 1 sees r1 =
    e^(-10/tp) and o2 = 0; pre 2 sees o1 = e^(-40/tm); post 2 sees r1 = e^(-60/tp) +
    e^(-10/tp) and o2 = e^(-50/ty)."""
    s = pl.STDPParams(rule="triplet")
    tp, tm, ty = s.tau_plus_triplet, s.tau_minus_triplet, s.tau_y
    r1 = math.exp(-60 / tp) + math.exp(-10 / tp)
    by_hand = (s.A2_plus * math.exp(-10 / tp) - s.A2_minus * math.exp(-40 / tm)
               + r1 * (s.A2_plus + s.A3_plus * math.exp(-50 / ty)))
    assert pl.pairing_protocol(10.0, 2, 20.0, stdp=s) == pytest.approx(by_hand, rel=1e-9)


def test_triplet_potentiation_grows_with_frequency_pair_rule_does_not():
    out = pl.frequency_dependence(10.0, 10, (2.0, 10.0, 20.0, 50.0))
    assert np.all(np.diff(out["triplet_plus"]) > 0)
    assert out["triplet_plus"][-1] > 10 * out["triplet_plus"][0]
    assert np.all(np.diff(out["pair_plus"]) <= 1e-12)
    # at 2 Hz the pair rule is 10 independent pairs (500 ms apart: e^-25 of overlap)
    assert out["pair_plus"][0] == pytest.approx(10 * A_P * math.exp(-0.5), rel=1e-9)


def test_hebb_with_decay_converges_to_rates_product_over_alpha():
    r_pre, r_post = np.array([5.0, 2.0]), np.array([4.0, 3.0])
    out = pl.hebb_with_decay(r_pre, r_post, eta=0.01, alpha=10.0, t_end=100.0, dt=0.01)
    np.testing.assert_allclose(out["W"][-1], r_pre * r_post / 10.0, rtol=1e-3)
    # Euler's steps solved exactly: W_k = W* (1 - (1 - eta alpha dt)^k)
    k = len(out["t"]) - 1
    np.testing.assert_allclose(out["W"][-1], r_pre * r_post / 10 * (1 - (1 - 1e-3) ** k))
    # plain Hebb grows linearly without bound: eta r r t
    np.testing.assert_allclose(out["W_plain"][-1], 0.01 * r_pre * r_post * 100.0)


def test_homeostasis_brings_the_rate_to_the_target():
    """W = a r (its direction never changes): da/dt = eta a (S - alpha) + a (T - r)/(T tau)
    with r = a S settles at r = T (1 + eta tau (S - alpha)), S = sum r_j^2."""
    rates = np.array([5.0, 4.0, 3.0, 2.0])
    out = pl.synaptic_scaling(rates, np.full(4, 0.1), target_Hz=5.0, tau_h=1.0, t_end=50.0,
                              dt=0.01, eta=0.001, alpha=10.0)
    S = np.sum(rates ** 2)
    assert out["rate"][-1] == pytest.approx(5.0, rel=0.10)
    assert out["rate"][-1] == pytest.approx(5.0 * (1 + 0.001 * 1.0 * (S - 10.0)), rel=0.01)
    assert out["rate_plain"][-1] > 2 * out["rate"][-1]  # without scaling it runs away


def test_synaptic_plasticity_class_stdp_matches_the_pair_sums():
    rng = np.random.default_rng(3)
    pre = [np.sort(rng.choice(np.arange(0, 500.0, 1.0), 8, replace=False)) for _ in range(3)]
    post = np.sort(rng.choice(np.arange(0, 500.0, 1.0), 10, replace=False))
    for pairing in ("all-to-all", "nearest"):
        sp = pl.SynapticPlasticity(stdp={"pairing": pairing, "w_min": -np.inf})
        out = sp.simulate_plasticity(pre, post, np.zeros(3), time_span=600.0, dt=0.5)
        expected = [pl.pair_rule_sum(p, post, pairing=pairing) for p in pre]
        np.testing.assert_allclose(out["weights"][-1], expected, rtol=1e-9, atol=1e-12)
        assert out["weights"].shape == (1201, 3) and out["t"][-1] == pytest.approx(600.0)


def test_synaptic_plasticity_short_term_depression_two_spikes():
    """U = 0.5, spikes at 0 and 20 ms: efficacies U and u2 x2 with u2 = U e^(-20/tf) +
    U (1 - U e^(-20/tf)), x2 = 1 - U e^(-20/tr)."""
    U, tf, tr = 0.5, 50.0, 200.0
    sp = pl.SynapticPlasticity(stdp=None, stp={"U": U, "tau_facil": tf, "tau_rec": tr})
    out = sp.simulate_plasticity([np.array([0.0, 20.0])], np.array([]), [1.0], 50.0)
    u_before = U * math.exp(-20 / tf)
    u2, x2 = u_before + U * (1 - u_before), 1 - U * math.exp(-20 / tr)
    assert out["stp"]["mean_efficacy"][0] == pytest.approx((U + u2 * x2) / 2, rel=1e-9)


def test_synaptic_plasticity_homeostasis_and_lif():
    """Post spikes simulated (post_spikes=None): strong regular input makes the LIF fire;
    scaling shrinks the weights while the rate is above the target."""
    pre = [np.arange(1.0, 1000.0, 5.0)] * 5
    sp = pl.SynapticPlasticity(stdp=None, homeostasis={"target_rate": 5.0, "tau": 200.0})
    out = sp.simulate_plasticity(pre, None, np.full(5, 5.0), 1000.0)
    assert len(out["post_spikes"]) > 5
    assert out["weights"][-1, 0] < 5.0
    assert out["homeostasis"]["target_rate"] == 5.0


@pytest.mark.parametrize("bad", [dict(dt_ms=1e4), dict(n_pairs=0), dict(frequency_Hz=-1.0),
                                 dict(rule="quadruplet")])
def test_pairing_protocol_refuses_nonsense_naming_the_argument(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        pl.pairing_protocol(**bad)


def test_song_abbott_additive_splits_multiplicative_does_not():
    """A scaled-down competition that learns in 25 s (numpy target, same seed, same inputs):
    250 inputs with w_max = 0.04 (the drive of 1000 at 0.01), A+ = 2 % of w_max, |A-|/A+ =
    1.1. Additive STDP with hard bounds sends most weights to 0 or w_max (uniform at the
    start: 40 % within 0.2 w_max of either bound); multiplicative STDP gathers them in one
    group in between. (The full 1000-input, 100 s run: bench/bench_plasticity.py.)"""
    kwargs = dict(n_inputs=250, t_end_s=25.0, seed=1, A_plus=0.02, ratio=1.1, w_max=0.04,
                  target="numpy")
    add = pl.song_abbott(rule="additive", **kwargs)
    w = add["weights"][-1] / 0.04
    assert np.mean((w[:] > 0.4) & (w < 0.6)) < 0.15
    low, high = pl.bimodality(add["weights"][-1], 0.04)
    assert low + high > 0.6 and low > 0.25 and high > 0.25
    start_low, start_high = pl.bimodality(add["weights"][0], 0.04)
    assert start_low + start_high < 0.5
    mult = pl.song_abbott(rule="multiplicative", **kwargs)
    low, high = pl.bimodality(mult["weights"][-1], 0.04)
    assert low + high < 0.05
    w = mult["weights"][-1] / 0.04
    assert 0.2 < np.median(w) < 0.8 and np.std(w) < 0.1
    assert add["weights"].shape == (26, 250) and add["frames_s"][-1] == pytest.approx(25.0)


def test_combined_class_run_homeostasis_and_short_term_plasticity():
    """The tab's Combined experiment (the note's SynapticPlasticity on 20 Poisson inputs at
    20 Hz, 60 s). Homeostasis: from weights 3x too strong, or without STP from weights
    too weak, the output rate over the last 30 s ends within 10 % of the 5 Hz target; without
    it the rate stays far off. STP: each spike's efficacy u x against the mean-field value for
    Poisson input (a = E[e^(-ISI/tau)] = r tau / (1 + r tau)): u+ = u- + U (1 - u-),
    u- = a_f u+, x- = 1 - a_r (1 - x- (1 - u+)), efficacy u+ x-. And the neuron sees w u x:
    the same rate without STP needs weights smaller by the mean efficacy."""
    base = dict(time_span_s=60.0, dt=1.0)
    strong = pl.combined_experiment(pl.CombinedParams(w0=30.0, **base))
    no_stp = pl.combined_experiment(pl.CombinedParams(w0=3.0, stp=False, **base))
    off = pl.combined_experiment(pl.CombinedParams(w0=10.0, homeostasis=False, **base))
    assert strong["rate_last_half_Hz"] == pytest.approx(5.0, rel=0.10)
    assert no_stp["rate_last_half_Hz"] == pytest.approx(5.0, rel=0.10)
    assert abs(off["rate_last_half_Hz"] - 5.0) > 2.5
    U, rate = 0.2, 20.0
    a_f, a_r = rate * 0.05 / (1 + rate * 0.05), rate * 0.2 / (1 + rate * 0.2)
    u_minus = a_f * U / (1 - a_f * (1 - U))
    u_plus = u_minus + U * (1 - u_minus)
    x_minus = (1 - a_r) / (1 - a_r * (1 - u_plus))
    efficacy = strong["stp"]["mean_efficacy"]
    assert np.mean(efficacy) == pytest.approx(u_plus * x_minus, rel=0.05)
    drive_stp = np.mean(strong["weights"][-1]) * np.mean(efficacy)
    assert np.mean(no_stp["weights"][-1]) == pytest.approx(drive_stp, rel=0.15)
    assert strong["weights"].shape == (6001, 20) and strong["t_s"][-1] == pytest.approx(60.0)
    assert strong["stdp"]["n_post"] == len(strong["post_spikes"])
