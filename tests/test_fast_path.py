"""The compiled fast path (models/fast_path.py) against brian2's runtime: the same spikes
(within one time step) and traces, a correct first run with an empty cache, the fallback
without a compiler, and a cache left by ``--precompile``. No timings here (see bench/)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from neurodynex_gui.models import build_processes, fast_path, hh, hh_model, lif, precompile
from neurodynex_gui.models import neuron_type as nt

ROOT = Path(__file__).resolve().parents[1]


def _reset_process_state():
    fast_path._builds.clear()
    fast_path._failed.clear()
    fast_path._building.update(process=None, dir=None)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """The fast path on, with a cache folder shared by this module's tests."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("fast-path-cache")
        patch.setenv("NEURODYNEX_GUI_CACHE", str(folder))
        patch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
        _reset_process_state()
        yield folder
        _reset_process_state()


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path))
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    _reset_process_state()
    yield tmp_path
    process = fast_path._building["process"]
    if process is not None:
        process.wait(timeout=300)
    _reset_process_state()


def _runtime(monkeypatch, function, *args, **kwargs):
    """``function`` on brian2's runtime (the fast path switched off for this call)."""
    with monkeypatch.context() as patch:
        patch.setenv("NEURODYNEX_GUI_FAST_PATH", "off")
        return function(*args, **kwargs)


def _same_spikes(fast, slow, dt):
    assert len(fast) == len(slow)
    assert np.all(np.abs(np.asarray(fast) - np.asarray(slow)) <= dt + 1e-9)


def _lif_period_ms(params: lif.LIFParams, current_nA: float) -> float:
    """Closed form: from reset, v reaches theta after tau ln((RI - v_r) / (RI - theta))
    (potentials relative to rest), plus the refractory period."""
    drive = params.membrane_resistance * current_nA
    reset = params.v_reset - params.v_rest
    theta = params.firing_threshold - params.v_rest
    return (params.membrane_time_scale * np.log((drive - reset) / (drive - theta))
            + params.abs_refractory_period)


PHYSIOLOGICAL = lif.LIFParams(v_rest=-70.0, v_reset=-65.0, firing_threshold=-50.0,
                              membrane_resistance=10.0, membrane_time_scale=8.0,
                              abs_refractory_period=2.0)

LIF_CASES = [
    (lif.LIFParams(), lif.LIFStimulus(I_amp=1.2)),
    (PHYSIOLOGICAL, lif.LIFStimulus(I_amp=2.5, I_tstart=10.0, I_tend=90.0)),
    (lif.LIFParams(membrane_time_scale=5.0), lif.LIFStimulus(kind="sinusoid", I_amp=2.0,
                                                             I_offset=0.5, I_freq=0.05)),
    (lif.LIFParams(abs_refractory_period=1.5), lif.LIFStimulus(kind="ramp", I_amp=4.0)),
    (lif.LIFParams(), lif.LIFStimulus(kind="pulses", I_amp=3.0, pulse_width=1.0)),
]


@pytest.mark.parametrize("params, stimulus", LIF_CASES)
def test_lif_fast_path_equals_runtime(cache, monkeypatch, params, stimulus):
    fast_path.build(lif.MODEL, fast_path.Setup(1, params.dt, params.tend, ("v", "I_stim"),
                                               spikes=True))
    fast = lif.simulate(params, stimulus)
    slow = _runtime(monkeypatch, lif.simulate, params, stimulus)
    assert (fast.path, slow.path) == ("standalone", "numpy")
    assert fast.spike_count > 0
    _same_spikes(fast.spikes_ms, slow.spikes_ms, params.dt)
    np.testing.assert_allclose(fast.t_ms, slow.t_ms)
    np.testing.assert_allclose(fast.v_mV, slow.v_mV, atol=1e-6)
    np.testing.assert_allclose(fast.I_nA, slow.I_nA, atol=1e-9)


def test_lif_fi_curve_fast_path_equals_runtime(cache, monkeypatch):
    fast_path.build(lif.MODEL, fast_path.Setup(12, 0.1, 200.0, spikes=True))
    fast = lif.fi_curve(I_min=0.0, I_max=3.0, n=12, step_ms=200.0)
    slow = _runtime(monkeypatch, lif.fi_curve, I_min=0.0, I_max=3.0, n=12, step_ms=200.0)
    np.testing.assert_allclose(fast.columns["rate_Hz"], slow.columns["rate_Hz"])
    # above the rheobase (1 nA) the rate is 1 / period, with the period a whole number of steps
    drive = fast.x > 1.2
    period = np.ceil(_lif_period_ms(lif.LIFParams(), fast.x[drive]) / 0.1 - 1e-9) * 0.1
    np.testing.assert_allclose(fast.columns["rate_Hz"][drive], 1000.0 / period, rtol=0.06)


HH_RUNS = [
    (hh.HHParams(tend=50.0), hh.HHStimulus(I_tstart=5.0, I_tend=45.0, I_amp=7.0)),
    (hh.HHParams(tend=50.0, g_Na_scale=1.5), hh.HHStimulus(I_tstart=5.0, I_tend=45.0,
                                                          I_amp=1.0)),
    (hh.HHParams(tend=50.0, g_K=30.0), hh.HHStimulus(kind="ramp", I_tstart=5.0, I_tend=40.0,
                                                     I_amp=15.0)),
]


@pytest.mark.parametrize("params, stimulus", HH_RUNS)
def test_hh_fast_path_equals_runtime(cache, monkeypatch, params, stimulus):
    fast_path.build(hh_model.RUN_MODEL, hh_model.run_setup(params))
    fast = hh.simulate(params, stimulus)
    slow = _runtime(monkeypatch, hh.simulate, params, stimulus, target="numpy")
    assert (fast.target, slow.target) == ("standalone", "numpy")
    assert fast.spike_count > 0
    _same_spikes(fast.spikes_ms, slow.spikes_ms, params.dt)
    np.testing.assert_allclose(fast.t_ms, slow.t_ms)
    np.testing.assert_allclose(fast.vm_mV, slow.vm_mV, atol=1e-6)
    for gate in ("m", "n", "h"):
        np.testing.assert_allclose(getattr(fast, gate), getattr(slow, gate), atol=1e-9)


def test_hh_tool_runs_fast_path_equal_runtime(cache, monkeypatch):
    """The threshold tools' runs: one neuron per amplitude and sodium density factor."""
    params = hh.HHParams(tend=50.0)
    step = hh.HHStimulus(I_tstart=5.0, I_tend=45.0, I_amp=0.0)
    amps, scales = np.array([1.0, 2.0, 2.5, 6.0, 1.0, 2.0]), np.array([1, 1, 1, 1, 1.5, 1.5])
    fast_path.build(hh.TOOL_MODEL, fast_path.Setup(len(amps), params.dt, 50.0, spikes=True))
    fast = hh._spike_trains(params, step, amps, scales)
    slow = _runtime(monkeypatch, hh._spike_trains, params, step, amps, scales)
    assert sum(len(train) for train in fast) > 3
    for fast_train, slow_train in zip(fast, slow):
        _same_spikes(fast_train, slow_train, params.dt)


def test_first_lif_run_with_an_empty_cache_is_correct_then_fast(empty_cache):
    params, current = lif.LIFParams(), 1.2
    first = lif.LIF_Step(I_amp=current)  # the step lasts from 20 to 70 ms
    assert first.path == "numpy" and "background" in first.path_note
    period = _lif_period_ms(params, current)  # 1.79 ms; a simulated one is up to dt longer
    assert np.floor(50.0 / (period + params.dt)) <= first.spike_count <= np.ceil(50.0 / period)
    fast_path._building["process"].wait(timeout=300)
    again = lif.LIF_Step(I_amp=current)
    assert again.path == "standalone" and again.path_note == ""
    _same_spikes(again.spikes_ms, first.spikes_ms, params.dt)


def test_without_a_compiler_runs_fall_back_with_the_reason(empty_cache, monkeypatch):
    monkeypatch.setenv("CXX", "no-such-compiler-for-neurodynex")
    result = lif.LIF_Step(I_amp=1.2)
    assert result.path == "numpy"
    assert "no C++ compiler" in result.path_note and "slower" in result.path_note
    assert result.spike_count == lif.LIF_Step(I_amp=1.2).spike_count > 0
    assert fast_path._building["process"] is None
    with pytest.raises(RuntimeError, match="no C\\+\\+ compiler"):
        fast_path.build(lif.MODEL, fast_path.Setup(1, 0.1, 100.0, ("v",)))


NEURON_TYPE_CASES = [(nt.TYPE_ONE, np.array([0.0, 0.2, 0.5, 0.9])),
                     (nt.TYPE_TWO, np.array([0.0, 0.1, 0.4, 0.9]))]


@pytest.mark.parametrize("neuron_type, amplitudes", NEURON_TYPE_CASES)
def test_neuron_type_traces_fast_path_equal_runtime(cache, monkeypatch, neuron_type,
                                                    amplitudes):
    stimulus = nt.NeuronTypeStimulus(I_tstart=20.0, I_tend=270.0)
    slug = nt.SPECS[neuron_type].slug
    fast_path.build(nt.MODELS[slug], nt._trace_setup(len(amplitudes), nt.DT_MS, 300.0))
    fast = nt.traces(neuron_type, stimulus, amplitudes, 300.0)
    slow = _runtime(monkeypatch, nt.traces, neuron_type, stimulus, amplitudes, 300.0)
    assert (fast.path, slow.path) == ("standalone", "numpy")
    assert fast.spike_counts() == slow.spike_counts() and max(fast.spike_counts()) > 1
    np.testing.assert_allclose(fast.t_ms, slow.t_ms)
    np.testing.assert_allclose(fast.v_mV, slow.v_mV, atol=1e-6)
    np.testing.assert_allclose(fast.w_mV, slow.w_mV, atol=1e-6)
    np.testing.assert_allclose(fast.I_pA, slow.I_pA, atol=1e-9)
    inside = (fast.t_ms > 20.0 + 1e-6) & (fast.t_ms < 270.0 - 1e-6)  # the step, from its times
    outside = (fast.t_ms < 20.0 - 1e-6) | (fast.t_ms > 270.0 + 1e-6)
    np.testing.assert_allclose(fast.I_pA[:, inside], np.repeat(amplitudes[:, None],
                                                                 inside.sum(), axis=1))
    assert not fast.I_pA[:, outside].any()
    for fast_v, slow_v in zip(fast.v_mV, slow.v_mV):
        _same_spikes(nt.get_spiketimes(fast.t_ms, fast_v), nt.get_spiketimes(slow.t_ms, slow_v),
                     nt.DT_MS)


@pytest.mark.parametrize("neuron_type, amplitudes", NEURON_TYPE_CASES)
def test_neuron_type_rates_fast_path_equal_runtime(cache, monkeypatch, neuron_type,
                                                   amplitudes):
    fast_path.build(nt.MODELS[nt.SPECS[neuron_type].slug],
                    fast_path.Setup(len(amplitudes), nt.DT_MS, 500.0, spikes=True))
    fast = nt.rates(neuron_type, amplitudes, 500.0)
    slow = _runtime(monkeypatch, nt.rates, neuron_type, amplitudes, 500.0)
    assert fast[-1] > 0
    np.testing.assert_allclose(fast, slow)


def test_both_mystery_neurons_at_once_equal_their_runs_one_by_one(cache, monkeypatch):
    """The tab's run: X and Y as two compiled programs at the same time (fast_path.run_all)."""
    stimulus = nt.NeuronTypeStimulus(I_amp=0.5, I_tstart=20.0, I_tend=270.0)
    run = nt.TraceParams(n_amplitudes=4, amplitude_step=0.1, t_end=300.0)
    for spec in nt.SPECS.values():
        fast_path.build(nt.MODELS[spec.slug], nt._trace_setup(4, nt.DT_MS, 300.0))
    pair = nt.simulate(stimulus, run, samples=0)
    shown = nt.simulate(stimulus, run, samples=1000)  # as the tab: every 3rd of 3000 steps
    assert pair.completed
    for name, neuron_type in pair.assignment.items():
        alone = _runtime(monkeypatch, nt.traces, neuron_type, stimulus,
                         run.amplitudes(stimulus.I_amp), 300.0)
        assert pair.traces[name].path == "standalone"
        assert pair.traces[name].spike_counts() == alone.spike_counts()
        np.testing.assert_allclose(pair.traces[name].v_mV, alone.v_mV, atol=1e-6)
        assert shown.traces[name].spike_counts() == alone.spike_counts()
        np.testing.assert_allclose(shown.traces[name].t_ms, alone.t_ms[::3])
        np.testing.assert_allclose(shown.traces[name].v_mV, alone.v_mV[:, ::3], atol=1e-6)
        for train, v in zip(shown.traces[name].spikes_ms, alone.v_mV):
            _same_spikes(train, nt.get_spiketimes(alone.t_ms, v), 0.0)
    assert max(pair.traces["X"].spike_counts()) > 1 or max(pair.traces["Y"].spike_counts()) > 1


def test_precompile_leaves_a_cache_that_the_next_start_uses(empty_cache):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--precompile", "lif"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, NEURODYNEX_GUI_CACHE=str(empty_cache)))
    wanted = precompile.builds(["lif"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"[{len(wanted)}/{len(wanted)}] built" in done.stdout
    assert all(fast_path.lookup(model, setup, start=False)[0] is not None
               for model, setup in wanted)
    result = lif.LIF_Step(I_amp=1.2)  # as the next start does: no build, the fast path
    assert result.path == "standalone" and fast_path._building["process"] is None
    assert lif.fi_curve().columns["rate_Hz"].max() > 0 and fast_path._building["process"] is None


def test_a_stopped_compiled_run_returns_what_it_computed(cache):
    params = hh.HHParams(tend=5000.0)
    fast_path.build(hh_model.RUN_MODEL, hh_model.run_setup(params))
    result = hh.simulate(params, should_stop=lambda: True)  # asked at the first look, 50 ms in
    assert result.target == "standalone" and not result.completed
    assert 0 < len(result.t_ms) < 5000.0 / params.record_dt
    np.testing.assert_allclose(np.diff(result.t_ms), params.record_dt)


def test_hh_prepare_builds_the_default_run_in_the_background(empty_cache):
    hh.prepare()  # what the tab asks for when it opens
    assert fast_path._building["dir"] == fast_path.build_dir(
        hh_model.RUN_MODEL, hh_model.run_setup(hh.HHParams()).built_as())
    result = hh.HH_Step()  # waits for that build rather than starting its own
    assert result.target == "standalone" and result.spike_count > 0
    assert fast_path._building["process"].poll() == 0


def test_a_build_marker_counts_while_its_process_lives(empty_cache):
    folder = fast_path.build_dir(hh_model.RUN_MODEL,
                                 hh_model.run_setup(hh.HHParams()).built_as())
    folder.parent.mkdir(parents=True)
    marker = build_processes.building_marker(folder)
    marker.write_text(str(os.getpid()), encoding="ascii")  # a live process
    assert fast_path.build_under_way(folder)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    marker.write_text(ended.stdout.strip(), encoding="ascii")  # its builder died
    assert not fast_path.build_under_way(folder)
    marker.write_text("not a process id", encoding="ascii")
    assert not fast_path.build_under_way(folder)


def test_a_run_waits_for_the_build_another_process_started(empty_cache):
    """As the HH tab does: the GUI process starts the build, the simulation process's first
    run waits for it instead of building the same program a second time."""
    code = ("from neurodynex_gui.models import fast_path, hh_model; "
            "hh_model.build_in_background(); print('started', flush=True); "
            "fast_path._building['process'].wait()")
    other = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert other.stdout.readline().strip() == "started"
        folder = fast_path.build_dir(hh_model.RUN_MODEL,
                                     hh_model.run_setup(hh.HHParams()).built_as())
        assert fast_path.build_under_way(folder)
        result = hh.HH_Step(do_plot=False)
        assert result.target == "standalone" and result.spike_count > 0
        assert fast_path._building["process"] is None  # no build of its own
        assert other.wait(timeout=300) == 0
        assert not build_processes.building_marker(folder).exists()
    finally:
        other.kill()
        other.wait()


def test_a_live_first_run_streams_until_its_build_takes_over(empty_cache):
    """The GUI's first HH run with an empty cache: pieces from the runtime at once, then the
    whole run from the build as soon as it is ready (a 1 s run: the runtime would need some
    40 s); the pieces agree with the compiled trace."""
    params = hh.HHParams(tend=1000.0)
    hh_model.build_in_background()
    pieces = []
    result = hh.simulate(params, hh.HHStimulus(I_tend=900.0), on_chunk=pieces.append)
    assert result.target == "standalone" and result.completed and result.path_note == ""
    assert len(result.t_ms) == round(params.tend / params.record_dt)
    assert len(result.spikes_ms) > 30  # about 60 Hz for 880 ms
    streamed_t = np.concatenate([piece["t_ms"] for piece in pieces])
    streamed_v = np.concatenate([piece["vm_mV"] for piece in pieces])
    assert 0 < len(streamed_t) < len(result.t_ms) and streamed_t[0] == 0.0
    at = np.rint(streamed_t / params.record_dt).astype(int)
    np.testing.assert_allclose(result.t_ms[at], streamed_t, atol=1e-9)
    np.testing.assert_allclose(result.vm_mV[at], streamed_v, atol=1e-3)


def test_precompile_builds_the_models_own_programs_too(empty_cache, monkeypatch):
    from neurodynex_gui.models import plasticity
    from neurodynex_gui.models import plasticity_standalone as ps

    small = ps.spec_for("pair", "all-to-all", 4, 8, 1.0, 100.0)  # a quick build
    monkeypatch.setattr(plasticity, "program_specs", lambda: [small])
    progress = []
    summary = precompile.precompile(["plasticity"], on_chunk=progress.append)
    assert summary["built"] == 1 and summary["cached"] == 0 and summary["failed"] == []
    assert progress == [{"done": 1, "total": 1, "built": "stdp-pair-all-to-all program",
                         "seconds": progress[0]["seconds"]}]
    assert ps.lookup(small)[0] == ps.build_dir(small)
    assert precompile.precompile(["plasticity"])["cached"] == 1  # nothing to build again
