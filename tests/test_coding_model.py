"""The coding and information API against numbers derived independently: renewal-process
statistics, the binary symmetric and Z channels, an exactly solvable transfer entropy, the
Cramer-Rao bound, hand-counted motifs and Erdos-Renyi expectations (issue 21)."""
import math

import numpy as np
import pytest

from neurodynex_gui.models import coding


def h2(p):
    return -p * math.log2(p) - (1 - p) * math.log2(1 - p)


# ---------------------------------------------------------------- rate and variability

def test_a_poisson_train_has_cv_and_fano_factor_one():
    data = coding.poisson_spikes(rate_Hz=20.0, t_end=100000.0, n_units=2, seed=3)
    trains = data.trains()
    n = sum(len(t) for t in trains)
    assert abs(n - 4000) < 4 * math.sqrt(4000)  # Poisson count of 2 x 20 Hz x 100 s
    # the CV of ~4000 exponential intervals has a standard error of about 1/sqrt(n)
    assert coding.cv(trains) == pytest.approx(1.0, abs=4 / math.sqrt(n))
    fano = coding.fano_curve(trains, data.t_end_ms, [10.0, 100.0, 1000.0])
    # var/mean of ~10^4, 10^3 and 10^2 Poisson counts: standard errors ~ sqrt(2/m)
    assert fano == pytest.approx([1, 1, 1], abs=4 * math.sqrt(2 / 100))


def test_the_cv_of_a_gamma_process_is_one_over_the_square_root_of_its_order():
    rng = np.random.default_rng(5)
    intervals = rng.gamma(4.0, 5.0, 20000)  # order 4: CV = 1/2
    assert coding.cv([np.cumsum(intervals)]) == pytest.approx(0.5, abs=0.02)
    regular = np.arange(0.0, 1000.0, 10.0)
    assert coding.cv([regular]) == pytest.approx(0.0, abs=1e-9)
    # a clock that fires every 10 ms puts 10 spikes in every 100 ms window: no variance
    assert coding.fano_curve([regular], 1000.0, [100.0])[0] == pytest.approx(0.0, abs=1e-12)


def test_the_psth_of_an_inhomogeneous_poisson_process_recovers_its_rate():
    def rate(t):
        return 20.0 + 15.0 * np.sin(2 * np.pi * 2.0 * t / 1000.0)  # Hz, t in ms

    n, window = 2000, 20.0
    data = coding.inhomogeneous_poisson(rate, t_end=1000.0, n_units=n, seed=2)
    t, r = coding.psth(data.times_ms, data.t_end_ms, window, n=n)
    assert len(t) == 50 and t[0] == pytest.approx(10.0)
    # the bin average of the rate, integrated exactly
    a, b = t - window / 2, t + window / 2
    omega = 2 * np.pi * 2.0 / 1000.0
    exact = 20.0 + 15.0 * (np.cos(omega * a) - np.cos(omega * b)) / (omega * window)
    # each bin's count is Poisson: sd = sqrt(exact n window) / (n window)
    sd = np.sqrt(exact / (n * window / 1000.0))
    z = (r - exact) / sd
    assert np.abs(z).max() < 4.5
    assert np.sqrt(np.mean(z ** 2)) == pytest.approx(1.0, abs=0.35)
    slide_t, slide_r = coding.sliding_rate(data.times_ms, 1000.0, 50.0, n=n, step_ms=5.0)
    middle = (slide_t > 100) & (slide_t < 900)
    assert np.abs(slide_r[middle] - rate(slide_t[middle])).max() < 3.0  # smoothed by 50 ms


def test_the_spectrum_of_poisson_population_activity_is_flat_at_rate_over_n():
    data = coding.poisson_spikes(rate_Hz=20.0, t_end=10000.0, n_units=100, seed=1)
    frequencies, power = coding.power_spectrum(data.times_ms, data.t_end_ms, 1.0, n=100)
    assert frequencies[-1] == pytest.approx(500.0) and len(frequencies) == 5001
    # white noise: every periodogram value is ~ exponential around rate / n; 5000 of them
    rate = len(data.times_ms) / 100 / 10.0
    assert power[1:].mean() == pytest.approx(rate / 100, rel=0.05)
    # a rate modulated at 8 Hz puts its power at 8 Hz
    wave = coding.inhomogeneous_poisson(lambda t: 20 + 15 * np.sin(2 * np.pi * 8 * t / 1e3),
                                        t_end=5000.0, n_units=50, seed=2)
    frequencies, power = coding.power_spectrum(wave.times_ms, 5000.0, 1.0, n=50)
    assert frequencies[np.argmax(power)] == pytest.approx(8.0)


def test_spike_phases_follow_the_notes_formula():
    reference = [0.0, 100.0, 300.0]
    phases = coding.spike_phases([50.0, 150.0, 299.0, 350.0, -1.0], reference)
    assert phases[:3] == pytest.approx([np.pi, np.pi / 2, 2 * np.pi * 199 / 200])
    assert np.isnan(phases[3]) and np.isnan(phases[4])
    # an 8 Hz oscillation from t = 0: a period of 125 ms
    assert coding.spike_phases([125.0 * 3 + 31.25], 8.0) == pytest.approx([np.pi / 2])


# ---------------------------------------------------------------- information

def test_mutual_information_of_a_binary_symmetric_channel_is_one_minus_h_p():
    rng = np.random.default_rng(0)
    s = rng.integers(0, 2, 100000)
    for p in (0.05, 0.1, 0.3):
        r = s ^ (rng.uniform(size=s.size) < p)
        for correction in coding.CORRECTIONS:
            # the estimator's sd for 10^5 samples is below 0.003 bits here
            assert coding.mutual_information(s, r, correction=correction, seed=1) == \
                pytest.approx(1 - h2(p), abs=0.01)


def test_independent_variables_carry_no_information_after_correction():
    rng = np.random.default_rng(1)
    s = rng.integers(0, 2, 100000)
    r = rng.integers(0, 2, 100000)
    for correction in ("panzeri-treves", "shuffle"):
        assert abs(coding.mutual_information(s, r, correction=correction, seed=2)) < 1e-3
    # few trials: 8 stimuli, Poisson counts of mean 3 (8-10 response values), 800 trials:
    # the plug-in is biased by about (8 - 1)(8 - 1) / (2 N ln 2) ~ 0.04 bits or more; the
    # corrections remove most of it
    s = rng.integers(0, 8, 800)
    r = rng.poisson(3.0, 800)
    plugin = coding.mutual_information(s, r)
    assert plugin > 0.03
    assert abs(coding.mutual_information(s, r, correction="panzeri-treves")) < plugin / 3
    assert abs(coding.mutual_information(s, r, correction="shuffle", seed=3)) < plugin / 2


def test_channel_capacity_of_the_symmetric_and_z_channels():
    p = 0.1
    capacity, prior = coding.channel_capacity([[1 - p, p], [p, 1 - p]])
    assert capacity == pytest.approx(1 - h2(p), abs=1e-6)
    assert prior == pytest.approx([0.5, 0.5], abs=1e-6)
    # Z channel (1 is read as 0 with probability p): C = log2(1 + (1 - p) p^(p / (1 - p)))
    capacity, _ = coding.channel_capacity([[1, 0], [p, 1 - p]])
    assert capacity == pytest.approx(math.log2(1 + (1 - p) * p ** (p / (1 - p))), abs=1e-6)
    # a skewed input through the symmetric channel is below capacity: efficiency < 1
    rng = np.random.default_rng(4)
    s = (rng.uniform(size=100000) < 0.1).astype(int)
    r = s ^ (rng.uniform(size=s.size) < p)
    info, cap, eta = coding.coding_efficiency(s, r)
    q = 0.1 * (1 - p) + 0.9 * p  # P(r = 1)
    assert info == pytest.approx(h2(q) - h2(p), abs=0.01)
    assert cap == pytest.approx(1 - h2(p), abs=0.01)
    assert eta == pytest.approx((h2(q) - h2(p)) / (1 - h2(p)), abs=0.03)


def test_transfer_entropy_of_a_copied_bit_is_exact_and_one_way():
    """y is fair coin flips; x(t+1) = y(t), replaced by a fresh coin flip with probability e.
    x(t) is independent of (y(t), x(t+1)), so T_{Y->X} = I(x(t+1); y(t)) = 1 - H(e/2); y never
    depends on x: T_{X->Y} = 0."""
    rng = np.random.default_rng(6)
    n, e = 200000, 0.2
    y = rng.integers(0, 2, n)
    x = np.empty(n, int)
    x[0] = 0
    fresh = rng.uniform(size=n) < e
    x[1:] = np.where(fresh[1:], rng.integers(0, 2, n - 1), y[:-1])
    assert coding.transfer_entropy(y, x) == pytest.approx(1 - h2(e / 2), abs=0.01)
    assert coding.transfer_entropy(x, y) == pytest.approx(0.0, abs=1e-3)


def test_transfer_entropy_of_a_coupled_pair_against_surrogates():
    """x(t+1) = a y(t) + noise (real values, quantile bins): T_{Y->X} > 0, T_{X->Y} ~ 0."""
    rng = np.random.default_rng(7)
    n = 20000
    y = rng.normal(size=n)
    x = np.zeros(n)
    x[1:] = 0.8 * y[:-1] + 0.6 * rng.normal(size=n - 1)
    forward = coding.transfer_entropy_test(y, x, surrogates=50, seed=1)
    backward = coding.transfer_entropy_test(x, y, surrogates=50, seed=1)
    assert forward.value > 0.3 and forward.p_value < 0.05
    assert backward.value < 0.005 and backward.value < 3 * backward.surrogate_95
    # spike trains: unit 1 repeats half of unit 0's spikes 2 ms later
    data = coding.couple(coding.poisson_spikes(40.0, 20000.0, 2, seed=3), 0, 1, 0.5,
                         delay_ms=2.0, seed=4)
    bins = np.minimum(data.binned(2.0), 1).astype(int)
    assert coding.transfer_entropy(bins[0], bins[1]) > 10 * coding.transfer_entropy(bins[1],
                                                                                     bins[0])


# ---------------------------------------------------------------- population coding

def test_fisher_information_matches_a_numerical_derivative():
    params = coding.PopulationParams(n_neurons=16, kappa=3.0, rate_max=40.0, count_ms=100.0)
    s, ds = 0.3, 1e-5
    theta = np.linspace(0, 2 * np.pi, 16, endpoint=False)

    def f(x):
        return 1.0 + 40.0 * np.exp(3.0 * (np.cos(x - theta) - 1))

    slope = (f(s + ds) - f(s - ds)) / (2 * ds)
    assert coding.fisher_information(params, s) == pytest.approx(
        0.1 * np.sum(slope ** 2 / f(s)), rel=1e-6)
    gaussian = coding.PopulationParams(n_neurons=16, kappa=3.0, rate_max=40.0, count_ms=100.0,
                                       shape="Gaussian")

    def g(x):
        d = np.angle(np.exp(1j * (x - theta)))
        return 1.0 + 40.0 * np.exp(-1.5 * d ** 2)

    slope = (g(s + ds) - g(s - ds)) / (2 * ds)
    assert coding.fisher_information(gaussian, s) == pytest.approx(
        0.1 * np.sum(slope ** 2 / g(s)), rel=1e-6)


def test_bayesian_decoding_reaches_the_cramer_rao_bound_for_a_large_population():
    params = coding.PopulationParams(n_neurons=128, rate_max=30.0, kappa=2.0, count_ms=200.0)
    curve = coding.decoding_error(params, sizes=[128], trials=3000, seed=2)
    assert curve.bayes_deg[0] == pytest.approx(curve.cramer_rao_deg[0], rel=0.2)
    gaussian = coding.decoding_error(params.replace(shape="Gaussian"), sizes=[128],
                                     trials=3000, seed=3)
    assert gaussian.bayes_deg[0] == pytest.approx(gaussian.cramer_rao_deg[0], rel=0.2)
    assert curve.vector_deg[0] >= 0.8 * curve.cramer_rao_deg[0]
    # the posterior of one trial is normalised and peaks near the shown stimulus
    rng = np.random.default_rng(3)
    grid = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    theta = np.linspace(0, 2 * np.pi, 128, endpoint=False)
    tuning = 1.0 + 30.0 * np.exp(2.0 * (np.cos(grid[:, None] - theta) - 1))
    counts = rng.poisson(tuning[180] * 0.2)  # s = 90 deg
    estimate, posterior = coding.bayes_decode(tuning, counts, 200.0)
    assert posterior.sum() == pytest.approx(1.0)
    assert abs(np.rad2deg(estimate) - 90.0) < 5 * curve.cramer_rao_deg[0]


# ---------------------------------------------------------------- motifs and circuits

def test_motif_counts_of_small_graphs_equal_hand_counts():
    import networkx as nx

    triangle = nx.DiGraph([(0, 1), (1, 2), (0, 2)])
    assert coding.motif_counts(triangle) == {"reciprocal": 0, "feedforward": 1,
                                             "recurrent loop": 0}
    loop = nx.DiGraph([(0, 1), (1, 2), (2, 0)])
    assert coding.motif_counts(loop) == {"reciprocal": 0, "feedforward": 0,
                                         "recurrent loop": 1}
    # the loop plus 1 -> 0: the pair 0 <-> 1, and 1 -> 2 -> 0 with 1 -> 0 is feedforward
    loop.add_edge(1, 0)
    assert coding.motif_counts(loop) == {"reciprocal": 1, "feedforward": 1,
                                         "recurrent loop": 1}
    # a weight matrix w[i, j] is the synapse from j to i: w[1, 0] = 0.5 is the edge 0 -> 1
    w = np.zeros((3, 3))
    w[1, 0], w[2, 1], w[2, 0] = 0.5, -1.0, 2.0
    assert coding.motif_counts(w) == coding.motif_counts(triangle)
    # the complete directed graph on 4 nodes: 6 pairs; 24 ordered triples, each one a
    # feedforward loop; 8 directed 3-cycles (4 triangles x 2 directions)
    full = np.ones((4, 4))
    assert coding.motif_counts(full) == {"reciprocal": 6, "feedforward": 24,
                                         "recurrent loop": 8}


def test_motif_counts_of_erdos_renyi_graphs_match_their_expectation():
    n, p = 150, 0.1
    counts = [coding.motif_counts(coding.random_graph(n, p, seed=seed)) for seed in range(6)]
    expected = coding.expected_motifs(n, p)
    assert expected["reciprocal"] == pytest.approx(n * (n - 1) / 2 * p * p)
    for motif in coding.MOTIFS:
        mean = np.mean([c[motif] for c in counts])
        assert mean == pytest.approx(expected[motif], rel=0.12), motif
    stats = coding.connectivity(coding.random_graph(n, p, seed=9))
    assert stats["density"] == pytest.approx(p, rel=0.05)
    assert stats["reciprocity"] == pytest.approx(p, abs=0.03)  # P(j -> i | i -> j) = p
    # the clustering of the undirected graph: P(edge) = 1 - (1 - p)^2
    assert stats["clustering"] == pytest.approx(1 - (1 - p) ** 2, rel=0.1)


def test_the_circuit_analyzer_returns_connectivity_dynamics_and_information():
    import networkx as nx

    data = coding.couple(coding.poisson_spikes(30.0, 5000.0, 3, seed=1), 0, 1, 0.6, seed=2)
    graph = nx.DiGraph([(0, 1), (1, 2)])
    out = coding.NeuralCircuit().analyze_circuit(
        graph, {"times": data.times_ms, "ids": data.ids, "t_end": 5000.0}, {"bin_ms": 2.0})
    assert set(out) == {"connectivity", "dynamics", "information"}
    assert out["connectivity"]["n_edges"] == 2
    assert out["dynamics"]["rates_Hz"][2] == pytest.approx(30.0, abs=5 * math.sqrt(30 / 5))
    transfer = out["information"]["transfer_bits"]
    assert transfer[(0, 1)] > 10 * transfer[(1, 2)]


# ---------------------------------------------------------------- files

def test_spikes_round_trip_through_csv_and_npz(tmp_path):
    data = coding.tuned_population(6, 5, 100.0, 40.0, seed=1)
    for name in ("spikes.csv", "spikes.npz"):
        coding.save_spikes(tmp_path / name, data)
        again = coding.load_spikes(tmp_path / name)
        assert np.array_equal(again.times_ms, data.times_ms)
        assert np.array_equal(again.ids, data.ids)
    assert np.array_equal(again.stimulus, data.stimulus) and again.trial_ms == 100.0
    bad = tmp_path / "bad.csv"
    bad.write_text("time_ms,unit\n1.0,0\nabc,1\n")
    with pytest.raises(ValueError, match="line 3"):
        coding.load_spikes(bad)


def test_spikes_written_with_pynwb_are_read_back_identically(tmp_path):
    pynwb = pytest.importorskip("pynwb")
    from datetime import datetime, timezone

    trains = [np.array([0.0101, 0.5, 0.75]), np.array([]), np.array([0.25, 1.999])]  # s
    nwbfile = pynwb.NWBFile(session_description="test", identifier="t1",
                            session_start_time=datetime(2026, 1, 1, tzinfo=timezone.utc))
    for train in trains:
        nwbfile.add_unit(spike_times=train)
    path = tmp_path / "units.nwb"
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    data = coding.load_spikes(path)
    assert data.n_units == 3
    for unit, train in enumerate(trains):
        assert np.array_equal(data.train(unit), train * 1000.0)
