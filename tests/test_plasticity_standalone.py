"""The compiled pairing program (models/plasticity_standalone.py) and the compiled competition
(models/song_standalone.py) against brian2's runtime and against sums by hand: the same weight
changes at every dt, the same weight trace, both pairings and both rules; the same weights and
output spikes after learning; the runtime when there is no compiler. No timings (bench/)."""
from __future__ import annotations

import concurrent.futures
import math

import numpy as np
import pytest

from neurodynex_gui.models import build_processes, fast_path
from neurodynex_gui.models import plasticity as pl
from neurodynex_gui.models import plasticity_brian as pb
from neurodynex_gui.models import plasticity_standalone as ps
from neurodynex_gui.models import song_standalone as ss

NO_COMPILER = fast_path.missing_compiler()
DTS = np.arange(-20.0, 21.0)
N_PAIRS, FREQ = 8, 5.0  # 200 ms apart: neighbouring pairs overlap by e^-9 (tau 20 ms)
SONG = dict(n_inputs=40, t_end_s=3.0, rule="additive", seed=2, w_max=0.25, A_plus=0.02)


def reset_program_state():
    """Forget this process's program builds (their process, failures, manifests read)."""
    ps._State.process = ps._State.folder = None
    ps._State.failed.clear()
    ps._State.manifests.clear()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """The fast path on, its own cache folder; the two builds of this module made at once."""
    if NO_COMPILER:
        pytest.skip(NO_COMPILER)
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("stdp-cache")
        patch.setenv("NEURODYNEX_GUI_CACHE", str(folder))
        patch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
        reset_program_state()
        pre, post = pb.protocol_trains(DTS, N_PAIRS, FREQ, 21.0)
        duration = max(t.max() for t in post + pre) + 2.0
        specs = [ps.spec_for(rule, pairing, len(DTS), len(DTS) * N_PAIRS, 1.0, duration)
                 for rule, pairing in (("pair", "all-to-all"), ("triplet", "nearest"))]
        specs.append(ss.spec_for("additive", 40, 1000, 0.5))  # 40 x 15 Hz: 1024 items
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            list(pool.map(ps.build, specs))
        yield folder
        reset_program_state()


def _both(stdp, pre, post):
    compiled = pb.run_trains(stdp, pre, post, record_first=True)
    runtime = pb.run_trains(stdp, pre, post, record_first=True, compiled=False)
    assert compiled["path"] == "standalone" and runtime["path"] == "runtime"
    return compiled, runtime


@pytest.mark.parametrize("rule,pairing", [("pair", "all-to-all"), ("triplet", "nearest")])
def test_compiled_window_equals_runtime_and_the_notes_window(cache, rule, pairing):
    stdp = pl.STDPParams(rule=rule, pairing=pairing)
    pre, post = pb.protocol_trains(DTS, N_PAIRS, FREQ, 21.0)
    compiled, runtime = _both(stdp, pre, post)
    np.testing.assert_allclose(compiled["dw"], runtime["dw"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(compiled["t_ms"], runtime["t_ms"], atol=1e-9)
    np.testing.assert_allclose(compiled["w"], runtime["w"], rtol=1e-12, atol=1e-15)
    if rule == "pair":  # 8 nearly independent pairs: 8 W(dt), to e^-9 of overlap
        by_hand = np.where(DTS >= 0, N_PAIRS * 0.01 * np.exp(-np.abs(DTS) / 20),
                           N_PAIRS * -0.0105 * np.exp(-np.abs(DTS) / 20))
        np.testing.assert_allclose(compiled["dw"], by_hand, rtol=2e-3)
        assert compiled["dw"][DTS == 10.0][0] == pytest.approx(
            N_PAIRS * 0.01 * math.exp(-0.5), rel=0.01)


def test_compiled_build_takes_other_trains_and_parameters(cache):
    """The build of the first test (sizes rounded up: 64 synapses, 1.5 s) serves 40 synapses,
    other spike times and other amplitudes. Synapse 0: post spikes 5 ms after pre spikes 60 ms
    apart, all-to-all: dw = A+ e^(-5/tau+) (2 + e^(-60/tau+)) + A- e^(-55/tau-) (the second
    pre after the first post); the others get no spikes."""
    stdp = pl.STDPParams(A_plus=0.02, A_minus=-0.03, tau_plus=10.0, tau_minus=30.0)
    empty = [np.zeros(0)] * 39
    pre, post = [np.array([1300.0, 1360.0])] + empty, [np.array([1305.0, 1365.0])] + empty
    compiled, runtime = _both(stdp, pre, post)
    by_hand = 0.02 * math.exp(-0.5) * (2 + math.exp(-6.0)) - 0.03 * math.exp(-55 / 30)
    assert compiled["dw"][0] == pytest.approx(by_hand, rel=1e-12)
    assert runtime["dw"][0] == pytest.approx(by_hand, rel=1e-12)
    assert len(compiled["dw"]) == 40 and not np.any(compiled["dw"][1:])
    assert len(list(cache.rglob("stdp-*/manifest.json"))) == 2  # no third build


def test_compiled_competition_equals_runtime_and_streams(cache):
    """40 inputs for 3 s, one compiled run per simulated second: the weights after learning
    and the output spikes are the runtime's (numpy target); a frame streams each second; a
    stop after the second frame ends the run there."""
    frames = []
    compiled = pl.song_abbott(**SONG, target="standalone",
                              on_chunk=lambda chunk: frames.append(chunk["t_s"]))
    runtime = pl.song_abbott(**SONG, target="numpy")
    assert compiled["target"] == "standalone" and runtime["target"] == "numpy"
    np.testing.assert_allclose(compiled["weights"][-1], runtime["weights"][-1], rtol=1e-9,
                               atol=1e-15)
    assert len(runtime["post_spikes_ms"]) > 5  # the neuron fires: post-synaptic STDP acts
    np.testing.assert_allclose(compiled["post_spikes_ms"], runtime["post_spikes_ms"],
                               atol=1e-9)
    np.testing.assert_allclose(compiled["weights"][0], runtime["weights"][0])
    assert frames == [0.0, 1.0, 2.0, 3.0] and compiled["weights"].shape == (4, 40)
    assert np.any(compiled["weights"][-1] != compiled["weights"][0])
    sent = []
    stopped = pl.song_abbott(**SONG, target="standalone", on_chunk=sent.append,
                             should_stop=lambda: len(sent) >= 2)
    assert not stopped["completed"] and len(stopped["frames_s"]) == 2


def test_runtime_without_compiler(monkeypatch, tmp_path):
    monkeypatch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path))
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    monkeypatch.setenv("CXX", "no-such-compiler-for-neurodynex")
    reset_program_state()
    out = pb.run_trains(pl.STDPParams(), [np.array([1.0])], [np.array([11.0])])
    assert out["path"] == "runtime"
    assert out["dw"][0] == pytest.approx(0.01 * math.exp(-0.5), rel=1e-12)
    assert not any(tmp_path.iterdir())  # nothing built, nothing started
    reset_program_state()


def test_a_build_another_process_started_is_waited_for(tmp_path, monkeypatch):
    """A program build under way in another process (here one started outside this module's
    bookkeeping, as the GUI's or --precompile's would be) is waited for, not built again."""
    if NO_COMPILER:
        pytest.skip(NO_COMPILER)
    monkeypatch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path))
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    reset_program_state()
    small = ps.spec_for("pair", "all-to-all", 4, 8, 1.0, 100.0)
    other = build_processes.spawn_program(small, ps.build_dir(small), quiet=False)
    try:
        assert ps.lookup(small)[0] is None and ps._State.process is None  # not started again
        assert ps.lookup(small, wait=True) == (ps.build_dir(small), "")
        assert ps._State.process is None and other.wait(timeout=300) == 0
        assert not build_processes.building_marker(ps.build_dir(small)).exists()
    finally:
        other.kill()
        other.wait()
        reset_program_state()
