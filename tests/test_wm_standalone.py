"""The working-memory ring as a compiled program (models/wm_standalone.py) against brian2's
runtime (models/working_memory.py) and against the convolution's definition: its C++ NMDA sum
equals the circular convolution (direct sum and numpy's FFT) to 1e-9; with the same seed the
program fires the runtime's spikes; the cued bump stays at the cue; a stopped run returns what
it computed; without a compiler the runtime runs. One build (about 12-20 s) for the module.
No timings (bench/bench_decisions.py)."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

from neurodynex_gui.models import decision_runs, fast_path, precompile
from neurodynex_gui.models import plasticity_standalone as ps
from neurodynex_gui.models import wm_network
from neurodynex_gui.models import working_memory as wm
from neurodynex_gui.models import wm_standalone as ws
from test_decisions import check_bump_stays_at_the_cue
from test_plasticity_standalone import reset_program_state

NO_COMPILER = fast_path.missing_compiler()
# the tab's working-memory defaults (decision_runs.MemoryInputs) as simulate_wm arguments
CUED = dict(stimulus_center_deg=120.0, stimulus_strength=0.3, t_stimulus_start=100.0,
            t_stimulus_duration=200.0, weight_scaling_factor=2.0)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fast path on, its own cache folder, the default ring's program built."""
    if NO_COMPILER:
        pytest.skip(NO_COMPILER)
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("wm-cache")
        patch.setenv("NEURODYNEX_GUI_CACHE", str(folder))
        patch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
        reset_program_state()
        ps.build(ws.default_spec())
        yield folder
        reset_program_state()


# -- the NMDA sum ---------------------------------------------------------------------------

_HARNESS = """
#include <cmath>
#include <cstdio>
#include <vector>
namespace brian {
double s[%(n)d], total_exc[%(n)d], total_inh[%(n_inh)d], weight[%(n)d];
int modes[1];
}
%(code)s
int main(int argc, char** argv)
{
    FILE* in = std::fopen(argv[1], "rb");
    if (std::fread(brian::s, sizeof(double), %(n)d, in) != %(n)d) return 1;
    if (std::fread(brian::weight, sizeof(double), %(n)d, in) != %(n)d) return 1;
    if (std::fread(brian::modes, sizeof(int), 1, in) != 1) return 1;
    std::fclose(in);
    wm_nmda_sum(0.0);
    FILE* out = std::fopen(argv[2], "wb");
    std::fwrite(brian::total_exc, sizeof(double), %(n)d, out);
    std::fwrite(brian::total_inh, sizeof(double), %(n_inh)d, out);
    std::fclose(out);
    return 0;
}
"""


@pytest.mark.parametrize("n, sigma, j_pos", [(1024, 20.0, 1.6), (1000, 5.0, 2.0),
                                              (64, 60.0, 1.3)])
def test_cpp_nmda_sum_is_the_circular_convolution(tmp_path, n, sigma, j_pos):
    """The program's C++ (NMDA_CPP, compiled alone with the build's flags, on the modes that
    kernel_weights keeps) against sum_i kernel[(j - i) mod n] s_i and numpy's FFT."""
    if NO_COMPILER:
        pytest.skip(NO_COMPILER)
    n_inh = n // 4
    code = ws.NMDA_CPP % {"n_exc": n, "n_inh": n_inh, "s": "s", "total_exc": "total_exc",
                          "total_inh": "total_inh", "weight": "weight", "modes": "modes"}
    source = tmp_path / "nmda.cpp"
    source.write_text(_HARNESS % {"n": n, "n_inh": n_inh, "code": code})
    program = tmp_path / "nmda"
    subprocess.run(["c++", *ws.COMPILE_ARGS, "-o", str(program), str(source)], check=True)
    kernel = wm.weight_profile(n, sigma, j_pos)
    weights, modes = ws.kernel_weights(kernel)
    # the 20 deg profile is smooth: few modes; 60 deg on 64 neurons has a kink at +-180
    # deg (exp(-4.5) there): every mode
    assert modes < 30 if sigma == 20.0 else True
    s = np.random.default_rng(n).random(n)  # s_NMDA lies in [0, 1]
    padded = np.zeros(n)
    padded[:modes] = weights[:modes]
    with open(tmp_path / "in", "wb") as f:
        s.tofile(f)
        padded.tofile(f)
        np.array([modes], np.int32).tofile(f)
    subprocess.run([str(program), str(tmp_path / "in"), str(tmp_path / "out")], check=True)
    out = np.fromfile(tmp_path / "out")
    total, total_inh = out[:n], out[n:]
    j = np.arange(n)
    direct = np.array([np.dot(kernel[(k - j) % n], s) for k in range(n)])
    by_fft = np.fft.irfft(np.fft.rfft(kernel) * np.fft.rfft(s), n)  # the runtime's
    np.testing.assert_allclose(total, direct, rtol=0, atol=1e-9)
    np.testing.assert_allclose(total, by_fft, rtol=0, atol=1e-9)
    np.testing.assert_allclose(total_inh, s.sum(), rtol=1e-12)


def test_kernel_weights_are_the_profile_in_cosines():
    """kernel[j] = sum_k w_k cos(2 pi k j / n) over all modes (the profile is even); the
    Gaussian's weights fall as exp(-k^2 sigma^2 / 2): 20 deg on 1024 neurons keeps 20-30."""
    n = 1024
    kernel = wm.weight_profile(n, 20.0, 1.6)
    weights, modes = ws.kernel_weights(kernel)
    k = np.arange(len(weights))
    rebuilt = np.cos(2 * np.pi * np.outer(np.arange(n), k) / n) @ weights
    np.testing.assert_allclose(rebuilt, kernel, atol=1e-12)
    assert 20 <= modes <= 30 and abs(weights[modes:]).sum() <= 1e-13
    sigma = np.radians(20.0)
    assert weights[5] / weights[1] == pytest.approx(np.exp(-(25 - 1) * sigma ** 2 / 2),
                                                    rel=1e-6)


# -- the compiled ring ----------------------------------------------------------------------

def test_compiled_ring_fires_the_runtimes_spikes(built, monkeypatch):
    """Same seed, same network, same random numbers (brian2's binomial sampler on the same
    Mersenne twister): the same spikes, until rounding (C++ -ffast-math against numpy) moves
    one across the threshold, which it did not in 400 ms here."""
    compiled = wm.simulate_wm(sim_time=300.0, seed=5, **CUED)
    with monkeypatch.context() as patch:
        patch.setenv("NEURODYNEX_GUI_FAST_PATH", "off")
        runtime = wm.simulate_wm(sim_time=300.0, seed=5, **CUED)
    assert compiled.params["path"] == "standalone" and runtime.params["path"] == "runtime"
    assert len(runtime.spike_t_ms) > 1500
    first = 1000
    np.testing.assert_allclose(compiled.spike_t_ms[:first], runtime.spike_t_ms[:first],
                               atol=1e-6)
    np.testing.assert_array_equal(compiled.spike_i[:first], runtime.spike_i[:first])
    assert len(compiled.spike_t_ms) == pytest.approx(len(runtime.spike_t_ms), rel=0.02)
    np.testing.assert_allclose(compiled.t_ms, runtime.t_ms, atol=1e-9)
    assert compiled.rate_inhib_Hz.mean() == pytest.approx(runtime.rate_inhib_Hz.mean(),
                                                          rel=0.02)
    # a seed is a run: again the same, another seed other spikes
    again = wm.simulate_wm(sim_time=300.0, seed=5, **CUED)
    np.testing.assert_array_equal(again.spike_i, compiled.spike_i)
    other = wm.simulate_wm(sim_time=300.0, seed=6, **CUED)
    assert not np.array_equal(other.spike_i[:100], compiled.spike_i[:100])


def test_chunks_carry_the_state_on(built):
    """A run in chunks of 100 ms (each a program run given the last one's state) equals one
    run, where the network is deterministic: the Poisson drive switched off (g_ext = 0: its
    conductance), a 1 nA cue instead (40 mV above rest: the cued neurons fire, the NMDA and
    GABA synapses carry it on). The chunks end while the cue is on, the first 1 ms after a
    spike (refractory neurons)."""
    spec = ws.default_spec()
    rng = np.random.default_rng(3)
    values = wm_network.run_values(
        N_excitatory=1024, N_inhibitory=256, weight_scaling_factor=2.0, G_inhib2inhib=1.024,
        G_inhib2excit=1.336, G_excit2excit=0.381, G_excit2inhib=0.292,
        stimulus_center_deg=200.0, stimulus_width_deg=40.0, stimulus_strength=1.0,
        t_stimulus_start=20.3, t_stimulus_duration=250.0, distractor_center_deg=90.0,
        distractor_width_deg=40.0, distractor_strength=0.0, t_distractor_start=0.0,
        t_distractor_duration=0.0, rng=rng)
    values["exc.g_ext"] = values["inh.g_ext"] = 0.0
    kernel = wm.weight_profile(1024, 20.0, 1.6)
    whole, _ = ws.run_compiled(spec, values, kernel, 7, 300.0)
    assert len(whole["spike_t_ms"]) > 500  # the cued neurons fire, and not only them
    assert np.any(whole["spike_t_ms"] > 250.0)
    # chunks that end 1 ms after a spike: its neurons are refractory (2 ms) at the boundary
    chunk = round(whole["spike_t_ms"][whole["spike_t_ms"] > 60.0][0] + 1.0, 1)
    pieces = []
    chunked, _ = ws.run_compiled(spec, values, kernel, 7, 300.0, chunk_ms=chunk,
                                 on_piece=pieces.append)
    ends = [min(300.0, k * chunk) for k in range(1, int(np.ceil(300.0 / chunk)) + 1)]
    assert len(pieces) >= 2 and [p["t_end_ms"] for p in pieces] == pytest.approx(ends)
    np.testing.assert_array_equal(chunked["spike_i"], whole["spike_i"])
    np.testing.assert_allclose(chunked["spike_t_ms"], whole["spike_t_ms"], atol=1e-6)
    np.testing.assert_allclose(chunked["t_ms"], whole["t_ms"], atol=1e-6)
    np.testing.assert_array_equal(chunked["rate_inhib_Hz"], whole["rate_inhib_Hz"])
    np.testing.assert_array_equal(np.concatenate([p["spike_i"] for p in pieces]),
                                  whole["spike_i"])


def test_a_long_compiled_run_streams_and_keeps_the_bump(built):
    """1.6 s: two program runs, the second given the first's state: the bump goes on at the
    cue across the boundary (at 1000 ms), and the chunks arrive as the seconds are done."""
    chunks = []
    result = wm.simulate_wm(sim_time=1600.0, seed=2, on_chunk=chunks.append, **CUED)
    assert result.params["path"] == "standalone"
    assert [c["fraction"] for c in chunks] == pytest.approx([1000 / 1600, 1.0])
    np.testing.assert_array_equal(np.concatenate([c["spike_t_ms"] for c in chunks]),
                                  result.spike_t_ms)
    centres, pos, count = wm.bump_position(result.spike_t_ms, result.spike_i, 1024, 1600.0,
                                           50.0)
    delay = centres > 300
    assert np.all(count[delay] > 50)
    assert np.all(np.abs((pos[delay] - 120 + 180) % 360 - 180) < 25)
    np.testing.assert_allclose(np.diff(result.t_ms), 0.1, atol=1e-6)


def test_compiled_bump_stays_at_the_cue(built):
    chunks = []
    out = decision_runs.memory_run(seed=2, on_chunk=chunks.append)
    assert out["path"] == "standalone"
    check_bump_stays_at_the_cue(out)
    # 800 ms: one program run, one chunk with every spike (the tab draws it at once)
    assert len(chunks) == 1 and chunks[0]["fraction"] == 1.0
    np.testing.assert_array_equal(chunks[0]["spike_t_ms"], out["spike_t_ms"])


def test_a_stopped_compiled_run_returns_what_it_computed(built):
    result = wm.simulate_wm(sim_time=20000.0, seed=1, should_stop=lambda: True)
    assert result.params["path"] == "standalone" and result.params["stopped"]
    assert 0 < len(result.t_ms) < 200000 and len(result.rate_inhib_Hz) == len(result.t_ms)
    np.testing.assert_allclose(np.diff(result.t_ms), 0.1, atol=1e-9)


def test_precompile_knows_the_ring(built):
    """``--precompile working_memory`` builds the default ring's program (here built already
    by the fixture: found in the cache, nothing started)."""
    assert precompile.program_specs(["working_memory"]) == [ws.default_spec()]
    assert precompile.builds(["working_memory"]) == [] and precompile.program_specs(["lif"]) == []
    summary = precompile.precompile(["working_memory"])
    assert summary["cached"] == 1 and summary["built"] == 0 and summary["failed"] == []


def test_first_run_uses_the_runtime_while_its_program_builds(monkeypatch, tmp_path):
    """An empty cache: the first run of a ring size runs on brian2's runtime and starts the
    build in the background; once that is done the same run is compiled, with the same
    spikes (a small ring: the first 100 ms, one chunk, the runtime's random numbers)."""
    if NO_COMPILER:
        pytest.skip(NO_COMPILER)
    monkeypatch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path))
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    reset_program_state()
    small = dict(N_excitatory=64, N_inhibitory=16, weight_scaling_factor=32.0, sim_time=100.0,
                 seed=4, stimulus_center_deg=90.0, stimulus_strength=1.0,
                 t_stimulus_start=10.0, t_stimulus_duration=50.0)
    first = wm.simulate_wm(**small)
    assert first.params["path"] == "runtime" and "background" in first.params["note"]
    assert ps._State.process is not None
    assert ps._State.process.wait(timeout=300) == 0
    second = wm.simulate_wm(**small)
    assert second.params["path"] == "standalone" and len(first.spike_i) > 20
    np.testing.assert_array_equal(second.spike_i, first.spike_i)
    np.testing.assert_allclose(second.spike_t_ms, first.spike_t_ms, atol=1e-6)
    reset_program_state()


def test_runtime_without_compiler(monkeypatch, tmp_path):
    monkeypatch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path))
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    monkeypatch.setenv("CXX", "no-such-compiler-for-neurodynex")
    reset_program_state()
    # a small ring and a strong cue: 1 nA into 25 nS is 40 mV above rest, far above the
    # threshold: the 9 cued neurons (+-20 deg) fire many times more than the 55 others
    result = wm.simulate_wm(N_excitatory=64, N_inhibitory=16, sim_time=100.0, seed=1,
                            stimulus_center_deg=90.0, stimulus_strength=1.0,
                            t_stimulus_duration=100.0)
    assert result.params["path"] == "runtime" and "compiler" in result.params["note"]
    cued = (result.spike_i >= 12) & (result.spike_i <= 20)  # 90 deg: neuron 16; 20 deg: 3.6
    assert set(result.spike_i[cued]) == set(range(12, 21))
    assert cued.sum() / 9 > 5 * (~cued).sum() / 55 and cued.sum() / 9 > 5
    assert not any(tmp_path.iterdir())  # nothing built, nothing started
    reset_program_state()
