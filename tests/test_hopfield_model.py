"""Hopfield network (book 17.2): recall, capacity, energy, and the fast update against W."""
import numpy as np
import pytest

from neurodynex_gui.models import hopfield as hf
from neurodynex_gui.models.params import ParamError


def reference_weight(patterns):
    """w_ij = (1/n) Σ_μ p_i^μ p_j^μ with w_ii = 0, by an explicit loop over patterns."""
    patterns = np.asarray(patterns, dtype=float)
    n = patterns.shape[1]
    w = np.zeros((n, n))
    for p in patterns:
        w += np.outer(p, p)
    np.fill_diagonal(w, 0)
    return w / n


def reference_sync_step(w, s):
    """S_i(t+1) = sgn(Σ_j w_ij S_j) with sgn(0) = +1; ties decided on exact integers n w."""
    n = len(s)
    field = np.rint(w * n).astype(np.int64) @ np.asarray(s, dtype=np.int64)
    return np.where(field >= 0, 1, -1)


def test_few_random_patterns_are_recalled_exactly_from_ten_percent_noise():
    for seed in range(5):
        net = hf.HopfieldNetwork(10, seed=seed)
        net.make_pattern(P=3)
        for mu in range(3):
            result = net.run(t_max=20, mu=mu, flip_ratio=0.1)
            assert np.count_nonzero(result.states[0] != net.patterns[mu]) == 10
            np.testing.assert_array_equal(result.states[-1], net.patterns[mu])
            assert result.overlaps[-1, mu] == 1.0
            assert result.converged


@pytest.mark.parametrize("N", [20, 30])
def test_capacity_collapses_between_0_1_and_0_2_patterns_per_neuron(N):
    n = N * N
    result = hf.capacity_experiment(N, [round(0.1 * n), round(0.2 * n)], trials=20,
                                    flip_ratio=0.1, min_overlap=0.95, seed=3)
    np.testing.assert_allclose(result.load, [0.1, 0.2], atol=1 / n)
    assert result.retrieval_rate[0] >= 0.9
    assert result.retrieval_rate[1] <= 0.1
    assert result.mean_overlap[1] < 0.8


def test_overlap_is_one_for_a_pattern_and_minus_one_for_its_inverse():
    net = hf.HopfieldNetwork(6, seed=0)
    patterns = net.make_pattern(P=4, ratio=0.3)
    assert np.count_nonzero(patterns == 1, axis=1).tolist() == [round(0.3 * 36)] * 4
    net.set_state(patterns[2])
    assert net.overlap(2) == 1.0
    net.x = -patterns[2].reshape(6, 6)
    assert net.overlap(2) == -1.0
    np.testing.assert_allclose(net.overlaps(), patterns @ -patterns[2] / 36.0)


def test_energy_matches_the_weight_matrix_and_never_increases_asynchronously():
    net = hf.HopfieldNetwork(8, mode="async", seed=4)
    net.make_pattern(P=20)  # overloaded: many updates before a fixed point
    w = reference_weight(net.patterns)
    energies = []
    for step in net.iterate(t_max=30):
        s = step.state.astype(float)
        assert step.energy == pytest.approx(-0.5 * s @ w @ s, abs=1e-9)
        energies.append(step.energy)
    assert len(energies) > 2
    assert np.all(np.diff(energies) <= 1e-9)
    assert step.flips == 0  # ended at a fixed point: async dynamics always converges


@pytest.mark.parametrize("N, P", [(3, 1), (4, 2), (5, 4), (3, 6)])  # (3, 6): the cached-W path
def test_pattern_update_equals_weight_matrix_update(N, P):
    net = hf.HopfieldNetwork(N, seed=N + P)
    net.make_pattern(P=P)
    w = reference_weight(net.patterns)
    np.testing.assert_allclose(net.weight, w, atol=1e-12)
    ties = 0
    for _ in range(10):
        net.x = np.where(net.rng.random(N * N) < 0.5, 1, -1)
        expected = reference_sync_step(w, net.x)
        ties += np.count_nonzero(np.rint(w * N * N) @ net.x == 0)
        net.dynamic()
        np.testing.assert_array_equal(net.x, expected)
    if P == 1:
        # n h_i = p_i (p . S) - S_i vanishes whenever p . S = ±1: sgn(0) = +1 was exercised
        assert ties > 0


def test_letters_are_26_distinct_10_by_10_patterns():
    alphabet = hf.load_alphabet()
    assert sorted(alphabet) == [chr(c) for c in range(ord("a"), ord("z") + 1)]
    grids = list(alphabet.values())
    assert all(g.shape == (10, 10) and set(np.unique(g)) == {-1, 1} for g in grids)
    assert len({g.tobytes() for g in grids}) == 26
    assert hf.text_to_grid(hf.grid_to_text(alphabet["k"])).tolist() == alphabet["k"].tolist()
    net = hf.HopfieldNetwork(10)
    net.make_pattern(letters="abc")
    np.testing.assert_array_equal(net.grid(1), alphabet["b"])
    assert hf.letter_patterns("ab", N=20).shape == (2, 20, 20)
    np.testing.assert_array_equal(hf.letter_patterns("z", N=20)[0, ::2, ::2], alphabet["z"])


def test_checkerboard_alternates():
    board = hf.checkerboard(5)
    assert board[0, 0] == 1
    np.testing.assert_array_equal(board[:, 1:], -board[:, :-1])
    np.testing.assert_array_equal(board[1:, :], -board[:-1, :])


def test_errors_as_documented():
    net = hf.HopfieldNetwork(4)
    with pytest.raises(RuntimeError):
        net.run()
    with pytest.raises(RuntimeError):
        net.dynamic()
    net.make_pattern(P=2)
    with pytest.raises(IndexError):
        net.run(mu=2)
    with pytest.raises(IndexError):
        net.overlap(-1)
    with pytest.raises(ValueError):
        net.store_patterns(np.zeros((1, 16)))
    with pytest.raises(ValueError):
        net.set_state(np.ones(15))
    with pytest.raises(ValueError):
        net.mode = "parallel"


def test_store_patterns_appends_drawn_patterns():
    net = hf.HopfieldNetwork(3)
    net.store_patterns(hf.checkerboard(3))
    net.store_patterns(np.ones((3, 3)), append=True)
    assert net.patterns.shape == (2, 9)
    net.set_state(np.ones(9))
    np.testing.assert_allclose(net.overlaps(), [1 / 9, 1.0])


def test_params_build_the_described_network():
    params = hf.HopfieldParams.from_dict({"N": "12", "kind": "checkerboard", "P": "4",
                                          "mode": "async"})
    net = hf.HopfieldNetwork.from_params(params)
    assert net.patterns.shape == (4, 144) and net.mode == "async"
    np.testing.assert_array_equal(net.grid(0), hf.checkerboard(12))
    letters = hf.HopfieldNetwork.from_params(hf.HopfieldParams(kind="letters", P=3))
    np.testing.assert_array_equal(letters.patterns, hf.letter_patterns("abc").reshape(3, 100))
    with pytest.raises(ParamError):
        hf.HopfieldParams(kind="letters", P=27)
    beyond = hf.HopfieldParams(P=3, mu=3)  # may name a drawn pattern stored after the P
    with pytest.raises(IndexError):
        hf.HopfieldNetwork.from_params(beyond).run(mu=beyond.mu)


def test_default_letters_are_retrieved_and_five_letters_interfere():
    for seed in range(3):
        params = hf.HopfieldParams(kind="letters", seed=seed)
        net = hf.HopfieldNetwork.from_params(params)
        for mu in range(params.P):
            assert net.run(params.t_max, mu, params.flip_ratio).overlaps[-1, mu] == 1.0
    net = hf.HopfieldNetwork(10)
    net.make_pattern(letters="abcde")
    finals = [net.run(20, mu, 0.0).overlaps[-1, mu] for mu in range(5)]
    assert min(finals) < 1.0  # a-e are too similar: some letter is not even a fixed point


def test_resample_is_nearest_neighbour():
    grid = np.array([[1, -1], [-1, 1]])
    np.testing.assert_array_equal(hf.resample(grid, 4), np.kron(grid, np.ones((2, 2))))
    np.testing.assert_array_equal(hf.resample(hf.resample(grid, 6), 2), grid)


def test_experiments_report_progress_and_stop_when_asked():
    seen = []
    result = hf.error_correction_experiment(
        10, 3, [0.0, 0.1, 0.5, 0.7], trials=10, seed=1,
        on_progress=lambda fraction, partial: seen.append((fraction, len(partial.flip_ratio))))
    assert seen == [(0.25, 1), (0.5, 2), (0.75, 3), (1.0, 4)]
    assert result.retrieval_rate[0] == 1.0  # a stored pattern is a fixed point at low load
    assert result.retrieval_rate[-1] == 0.0  # 70 % flipped: the inverse pattern (overlap < 0)
    assert result.mean_overlap[-1] < 0
    calls = []
    stopped = hf.capacity_experiment(10, range(1, 11), trials=5, seed=1,
                                     should_stop=lambda: len(calls) >= 2,
                                     on_progress=lambda *args: calls.append(args))
    np.testing.assert_array_equal(stopped.P, [1, 2])
    assert stopped.retrieval_rate.shape == (2,)
    at_once = hf.error_correction_experiment(10, 3, [0.1, 0.2], should_stop=lambda: True)
    assert at_once.flip_ratio.shape == at_once.retrieval_rate.shape == (0,)


def test_batched_trials_recall_one_pattern_or_its_inverse(monkeypatch):
    # one stored pattern: n h_i = p_i (p.S) - S_i, so S -> sgn(p.S) p once |p.S| > 1
    monkeypatch.setattr(hf, "BATCH_BYTES", 1)  # one trial per batch
    np.testing.assert_array_equal(hf.final_overlaps(6, 1, 0.3, 4, rng=0), [1.0] * 4)
    np.testing.assert_array_equal(hf.final_overlaps(6, 1, 0.7, 4, rng=0), [-1.0] * 4)
    asked = []
    with pytest.raises(InterruptedError):
        hf.final_overlaps(6, 1, 0.1, 4, rng=0, should_stop=lambda: asked.append(1) or True)
    assert len(asked) == 1  # asked between the first and the second batch


def test_capacity_tool_marks_0_138_n_squared_and_reports_progress():
    chunks = []
    sweep = hf.capacity_sweep(hf.HopfieldParams(N=10), max_load=0.3, points=30, trials=4,
                              on_chunk=chunks.append)
    np.testing.assert_array_equal(sweep.x, np.arange(1, 31))
    assert sweep.answer == pytest.approx(13.8)
    assert set(sweep.columns) == {"retrieval_rate", "mean_overlap"}
    assert sweep.columns["retrieval_rate"][0] == 1.0  # one pattern, 10 % flipped: recalled
    assert [c["fraction"] for c in chunks] == pytest.approx(np.arange(1, 31) / 30)
    assert len(chunks[4]["partial"].x) == 5
    errors = hf.error_correction_sweep(hf.HopfieldParams(N=10, P=1), max_flip=1.0, points=5,
                                       trials=3)
    np.testing.assert_allclose(errors.x, [0, 0.25, 0.5, 0.75, 1.0])
    assert errors.columns["retrieval_rate"][[0, 1, 3, 4]].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert errors.columns["mean_overlap"][-1] == -1.0  # all flipped: the inverse is stable


def test_a_run_says_how_it_ended():
    net = hf.HopfieldNetwork(6, seed=2)
    net.make_pattern(P=1)
    assert net.run(mu=0, flip_ratio=0.2).describe(0) == \
        "Retrieved pattern 0 exactly (a fixed point after 1 update)."
    inverse = net.run(mu=0, flip_ratio=0.8).describe(0)  # |p.S| > 1: S -> -p in one update
    assert inverse.startswith("Pattern 0 not retrieved: 36 pixels wrong (m = -1.00)")
    assert "the inverse of pattern 0" in inverse
