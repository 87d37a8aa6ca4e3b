"""The synapse models (issue 15) against closed forms derived here: Tsodyks-Markram steady
states, the brian2 run against the event-exact release, the PSP of a passive membrane, the
conductance integral, the NMDA block and its I-V curve."""
from __future__ import annotations

import math

import numpy as np
import pytest

from neurodynex_gui.models import fast_path, presynaptic, receptors, synapses as sy
from neurodynex_gui.models import tsodyks_markram as tm
from neurodynex_gui.models.params import ParamError

# -- Tsodyks-Markram, event-exact and closed forms ---------------------------------------------


@pytest.mark.parametrize("U, tau_D, rate", [(0.5, 800.0, 20.0), (0.2, 300.0, 50.0),
                                            (0.8, 100.0, 5.0)])
def test_depression_approaches_its_closed_form_steady_state(U, tau_D, rate):
    T = 1000.0 / rate
    d = math.exp(-T / tau_D)
    x_ss = (1 - d) / (1 - (1 - U) * d)
    run = tm.tm_synapse(np.arange(400) * T, U, tau_D)
    assert run.x[-1] == pytest.approx(x_ss, rel=1e-9)
    assert np.all(run.u == U)  # no facilitation: u = U at every spike
    assert run.amplitude[-1] == pytest.approx(U * x_ss, rel=1e-9)
    # the first two spikes by hand: x = 1, then 1 - U e^(-T/tau_D)
    assert run.amplitude[0] == U and run.amplitude[1] == pytest.approx(U * (1 - U * d))
    assert np.all(np.diff(run.amplitude) <= 1e-15)  # depression only: never grows
    assert tm.steady_state_x(rate, U, tau_D) == pytest.approx(x_ss, rel=1e-12)
    assert tm.steady_state_amplitude(rate, U, tau_D) == pytest.approx(U * x_ss, rel=1e-12)


@pytest.mark.parametrize("U, tau_D, tau_F, rate", [(0.15, 50.0, 750.0, 20.0),
                                                   (0.3, 200.0, 300.0, 40.0)])
def test_facilitation_steady_state_u_and_amplitude(U, tau_D, tau_F, rate):
    T = 1000.0 / rate
    u_ss = U / (1 - (1 - U) * math.exp(-T / tau_F))
    d = math.exp(-T / tau_D)
    x_ss = (1 - d) / (1 - (1 - u_ss) * d)
    run = tm.tm_synapse(np.arange(600) * T, U, tau_D, tau_F)
    assert run.u[-1] == pytest.approx(u_ss, rel=1e-9)
    assert run.x[-1] == pytest.approx(x_ss, rel=1e-9)
    # second spike by hand: u decays from U to U e^(-T/tau_F), then jumps by U (1 - u)
    u2 = U * math.exp(-T / tau_F) + U * (1 - U * math.exp(-T / tau_F))
    assert run.u[1] == pytest.approx(u2)
    assert run.amplitude[1] == pytest.approx(u2 * (1 - U * d))
    assert tm.steady_state_amplitude(rate, U, tau_D, tau_F) == pytest.approx(u_ss * x_ss)


def test_rate_tool_matches_the_analytic_curve_and_marks_the_limiting_frequency():
    params = tm.PlasticityParams(U=0.4, tau_D=500.0)
    sweep = sy.rate_sweep(params, f_min_Hz=1.0, f_max_Hz=100.0, n_rates=100)
    T = 1000.0 / sweep.x
    d = np.exp(-T / 500.0)
    expected = 0.4 * (1 - d) / (1 - 0.6 * d)
    np.testing.assert_allclose(sweep.columns["steady_amplitude"], expected, rtol=1e-6)
    np.testing.assert_allclose(sweep.columns["amplitude_x_rate_Hz"], expected * sweep.x,
                               rtol=1e-6)
    assert sweep.answer == pytest.approx(1000.0 / (0.4 * 500.0))  # 5 Hz
    with pytest.raises(ValueError, match="static synapse"):
        sy.rate_sweep(tm.PRESETS["static"])


def test_recovery_tool_follows_the_exponential_recovery_of_x():
    U, tau_D, n, rate = 0.5, 400.0, 5, 50.0
    sweep = sy.recovery_sweep(tm.PlasticityParams(U=U, tau_D=tau_D), n_burst=n,
                              burst_rate_Hz=rate, delay_max_ms=2000.0, n_delays=20)
    x = 1.0  # the burst by hand
    for _ in range(n - 1):
        x = 1 - (1 - x * (1 - U)) * math.exp(-20.0 / tau_D)
    x_after = x * (1 - U)
    expected = 1 - (1 - x_after) * np.exp(-sweep.x / tau_D)  # relative to the first spike
    np.testing.assert_allclose(sweep.columns["probe_amplitude"], expected, rtol=1e-9)
    assert sweep.answer == pytest.approx(tau_D, abs=0.2)  # 63 % of the way back at tau_D


# -- trains ----------------------------------------------------------------------------------


def test_trains():
    regular = presynaptic.spike_train(presynaptic.TrainParams(rate_Hz=25.0, n_spikes=4,
                                                              t_start=5.0), 1000.0)
    np.testing.assert_allclose(regular, [5.0, 45.0, 85.0, 125.0])
    probe = presynaptic.spike_train(presynaptic.TrainParams(
        kind="burst + probe", rate_Hz=50.0, n_spikes=3, t_start=0.0, probe_delay=250.0), 1e3)
    np.testing.assert_allclose(probe, [0.0, 20.0, 40.0, 290.0])
    poisson = presynaptic.TrainParams(kind="poisson", rate_Hz=40.0, t_start=0.0, seed=3)
    first = presynaptic.spike_train(poisson, 10000.0)
    assert np.array_equal(first, presynaptic.spike_train(poisson, 10000.0))  # seeded
    assert 300 < len(first) < 500 and np.all(np.diff(first) >= 0)  # 400 expected, sd 20
    typed = presynaptic.parse_spike_times("30, 10;20\n 5.5")
    np.testing.assert_allclose(typed, [5.5, 10.0, 20.0, 30.0])
    with pytest.raises(ParamError, match="'abc' is not a number"):
        presynaptic.parse_spike_times("1, abc")
    with pytest.raises(ParamError, match="not a time"):
        presynaptic.parse_spike_times("-3")
    np.testing.assert_array_equal(presynaptic.on_grid([0.0, 0.04, 0.06, 0.3], 0.1),
                                  [1, 2, 3, 4])  # at least step 1, one step apart


# -- the brian2 simulation -------------------------------------------------------------------

SHORT = sy.NeuronParams(tend=200.0)


@pytest.mark.parametrize("plasticity", [tm.PRESETS["depressing"], tm.PRESETS["mixed"]])
def test_brian2_amplitudes_equal_the_event_exact_ones(plasticity):
    train = sy.TrainParams(kind="poisson", rate_Hz=80.0, t_start=5.0, seed=2)
    run = sy.simulate_synapse(train, receptors.ReceptorParams(), plasticity, SHORT)
    assert len(run.amplitudes) > 8
    exact = tm.tm_synapse(run.spikes_ms, plasticity.U, plasticity.tau_D, plasticity.tau_F)
    np.testing.assert_allclose(run.amplitudes, exact.amplitude, rtol=1e-9)
    np.testing.assert_allclose(run.amplitudes_exact, exact.amplitude, rtol=1e-12)
    # the traces: x just before each spike and u just after it, as tm_synapse says
    steps = np.rint(run.spikes_ms / SHORT.dt).astype(int)
    np.testing.assert_allclose(run.u[steps], exact.u, rtol=1e-9)
    t_gap = SHORT.dt
    x_before = 1 - (1 - run.x[steps - 1]) * np.exp(-t_gap / plasticity.tau_D)
    np.testing.assert_allclose(x_before, exact.x, rtol=1e-9)


def _single_event(receptor, neuron, E_L=-70.0):
    train = sy.TrainParams(n_spikes=1, t_start=10.0)
    run = sy.simulate_synapse(train, receptor, tm.PRESETS["static"], neuron)
    since = run.t_ms - 10.0
    return run, since


def test_a_single_event_gives_the_analytic_psp_of_a_passive_membrane():
    """Current-based, single exponential: tau_m dw/dt = -w + (g_max (E_rev - E_L)/g_L)
    e^(-t/tau_s) gives w = A tau_m tau_s/(tau_m - tau_s) (e^(-t/tau_m) - e^(-t/tau_s)) with
    A = g_max (E_rev - E_L) / C."""
    receptor = receptors.ReceptorParams(g_max=3.0, E_rev=0.0, tau_decay=5.0,
                                        kernel="single exponential", coupling="current-based")
    neuron = sy.NeuronParams(neuron_model="passive", E_L=-70.0, tau_m=20.0, g_L=10.0, tend=100.0)
    run, since = _single_event(receptor, neuron)
    C = 10.0 * 20.0  # pF
    A = 3.0 * 70.0 / C  # mV/ms
    after = since >= 0
    w = A * 20.0 * 5.0 / 15.0 * (np.exp(-since[after] / 20.0) - np.exp(-since[after] / 5.0))
    np.testing.assert_allclose(run.v_mV[after] + 70.0, w, atol=1e-4 * w.max())
    assert np.all(run.v_mV[~after] == -70.0)
    # difference of exponentials: three exponentials, peak normalised to g_max
    dual = receptors.ReceptorParams(g_max=3.0, E_rev=0.0, tau_rise=1.0, tau_decay=5.0,
                                    coupling="current-based")
    run, since = _single_event(dual, neuron)
    fine = np.linspace(0, 20, 200001)
    p = np.max(np.exp(-fine / 5.0) - np.exp(-fine / 1.0))

    def kernel(tau, t):
        return 20.0 * tau / (20.0 - tau) * (np.exp(-t / 20.0) - np.exp(-t / tau))

    s = since[after]
    w = A / p * (kernel(5.0, s) - kernel(1.0, s))
    np.testing.assert_allclose(run.v_mV[after] + 70.0, w, atol=1e-4 * w.max())
    # conductance-based: the driving force shrinks as V rises, by at most w/70 here
    conductance = dual.replace(coupling="conductance-based")
    run_g, _ = _single_event(conductance, neuron)
    assert np.all(run_g.v_mV[after] + 70.0 <= w + 1e-9)
    np.testing.assert_allclose(run_g.v_mV[after] + 70.0, w, atol=w.max() * w.max() / 70.0)


@pytest.mark.parametrize("kernel", ["single exponential", "dual exponential"])
def test_the_conductance_of_one_event_integrates_to_its_closed_form(kernel):
    """Single exponential: integral g_max tau_s. Difference of exponentials with peak g_max:
    g_max (tau_d - tau_r) / p, p the peak of e^(-t/tau_d) - e^(-t/tau_r)."""
    receptor = receptors.ReceptorParams(g_max=2.0, tau_rise=2.0, tau_decay=10.0, kernel=kernel,
                                        E_rev=0.0)
    neuron = sy.NeuronParams(neuron_model="voltage clamp", V_hold=-60.0, tend=150.0, dt=0.05)
    run, since = _single_event(receptor, neuron)
    fine = np.linspace(0, 50, 500001)
    p = np.max(np.exp(-fine / 10.0) - np.exp(-fine / 2.0))
    expected = 2.0 * 10.0 if kernel == "single exponential" else 2.0 * 8.0 / p
    after = since >= -1e-9  # from the spike's sample on (it shows the jump), trapezoids
    area = np.trapezoid(run.g_nS[after], run.t_ms[after])
    assert area == pytest.approx(expected, rel=1e-3)  # the tail beyond 140 ms: e^-14
    assert receptors.conductance_integral(receptor) == pytest.approx(expected, rel=1e-9)
    assert run.g_nS.max() == pytest.approx(2.0, rel=1e-3)  # the peak is g_max
    assert list(run.amplitudes) == [1.0] and np.all(run.u == 1) and np.all(run.x == 1)  # static
    # voltage clamp: I = g (V_hold - E_rev), V stays at V_hold
    np.testing.assert_allclose(run.I_pA, run.g_nS * -60.0, rtol=1e-12)
    assert np.all(run.v_mV == -60.0)


# -- NMDA --------------------------------------------------------------------------------------


def test_nmda_block_values_and_shape():
    V = np.linspace(-120, 60, 181)
    for form in receptors.BLOCK_FORMS:
        np.testing.assert_array_equal(receptors.nmda_block(V, 0.0, form), 1.0)
        block = receptors.nmda_block(V, 1.0, form)
        assert np.all(np.diff(block) > 0) and np.all((block > 0) & (block < 1))
        assert np.all(receptors.nmda_block(V, 2.0, form) < block)  # more Mg, more block
    assert receptors.nmda_block(-60.0, 1.0, "note") == pytest.approx(
        1 / (1 + math.exp(60 / 16.13)))
    assert receptors.nmda_block(-60.0, 1.0, "jahr_stevens") == pytest.approx(
        1 / (1 + 1 / 3.57 * math.exp(0.062 * 60)))  # 0.0796
    assert sy.nmda_block(-60.0, 1.0, "jahr_stevens") == pytest.approx(0.0796, abs=1e-4)
    with pytest.raises(ValueError, match="Mg_mM"):
        receptors.nmda_block(-60.0, -1.0)
    with pytest.raises(ValueError, match="form"):
        receptors.nmda_block(-60.0, 1.0, form="other")


def test_nmda_iv_curve_has_a_negative_slope_region():
    sweep = sy.nmda_iv(receptors.RECEPTORS["NMDA"])
    V = sweep.x
    own = 2.0 * (V - 0.0) / (1 + 1.0 * np.exp(-V / 16.13))
    np.testing.assert_allclose(sweep.columns["I_Mg_1_mM"], own, rtol=1e-12)
    np.testing.assert_allclose(sweep.columns["I_Mg_0_mM"], 2.0 * V, rtol=1e-12)
    assert own[np.searchsorted(V, -30)] < own[np.searchsorted(V, -70)] < 0  # more inward
    assert -40 < sweep.answer < -10  # steepest negative slope
    assert "note" in sweep.answer_text and "negative slope" in sweep.answer_text
    js = sy.nmda_iv(receptors.RECEPTORS["NMDA"].replace(block_form="jahr_stevens"))
    assert "Jahr-Stevens" in js.answer_text


def test_nmda_current_under_voltage_clamp_follows_the_block():
    nmda = receptors.RECEPTORS["NMDA"]
    peaks = {}
    for V_hold in (-80.0, -30.0):
        neuron = sy.NeuronParams(neuron_model="voltage clamp", V_hold=V_hold, tend=100.0)
        run, _ = _single_event(nmda, neuron)
        peaks[V_hold] = run.I_pA.min()
        np.testing.assert_allclose(run.I_pA, run.g_nS * V_hold / (
            1 + math.exp(-V_hold / 16.13)), rtol=1e-9)
    ratio = (-30 / (1 + math.exp(30 / 16.13))) / (-80 / (1 + math.exp(80 / 16.13)))
    assert peaks[-30.0] / peaks[-80.0] == pytest.approx(ratio, rel=1e-6)


# -- arguments, and the compiled fast path ---------------------------------------------------


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="U"):
        tm.tm_synapse([0, 10], U=1.5)
    with pytest.raises(ValueError, match="tau_D"):
        sy.steady_state_amplitude(10.0, 0.5, tau_D=-1.0)
    with pytest.raises(ValueError, match="neuron"):
        sy.simulate_synapse(neuron="LIF")
    with pytest.raises(ValueError, match="sorted"):
        tm.tm_synapse([10, 5])


@pytest.fixture
def fast_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path))
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    yield tmp_path
    fast_path._builds.clear()
    fast_path._failed.clear()


@pytest.mark.skipif(bool(fast_path.missing_compiler()), reason="no C++ compiler")
def test_the_compiled_model_runs_as_the_runtime_does(fast_cache, monkeypatch):
    """Events, the spike table and its values given at run time, in the compiled program."""
    neuron = sy.NeuronParams(neuron_model="LIF", tend=100.0)
    receptor = receptors.ReceptorParams(g_max=40.0)
    train = sy.TrainParams(kind="poisson", rate_Hz=150.0, seed=5)
    fast_path.build(sy.MODEL, sy._setup(neuron))
    fast = sy.simulate_synapse(train, receptor, tm.PRESETS["mixed"], neuron)
    assert fast.path == fast_path.PATH
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "off")
    slow = sy.simulate_synapse(train, receptor, tm.PRESETS["mixed"], neuron)
    np.testing.assert_allclose(fast.amplitudes, slow.amplitudes, rtol=1e-9)
    np.testing.assert_allclose(fast.g_nS, slow.g_nS, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fast.v_mV, slow.v_mV, atol=1e-6)
    assert len(fast.post_spikes_ms) == len(slow.post_spikes_ms) > 0
    # another train on the same build: only the table's values change
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    other = sy.simulate_synapse(train.replace(seed=6), receptor, tm.PRESETS["mixed"], neuron)
    assert other.path == fast_path.PATH and not np.array_equal(other.spikes_ms,
                                                               fast.spikes_ms)
    exact = tm.tm_synapse(other.spikes_ms, 0.3, 200.0, 300.0).amplitude
    np.testing.assert_allclose(other.amplitudes, exact, rtol=1e-9)


def test_clamp_current_peaks_scale_with_the_release():
    """Voltage clamp, responses far apart (tau_s 3 ms, 50 ms between spikes): each current
    peak is g_max u x (V_hold - E_rev), to the sampling of the peak (0.1 ms grid)."""
    neuron = sy.NeuronParams(neuron_model="voltage clamp", V_hold=-70.0, tend=200.0)
    run = sy.simulate_synapse(sy.TrainParams(n_spikes=4), receptors.ReceptorParams(),
                              tm.PRESETS["depressing"], neuron)
    expected = 5.0 * run.amplitudes * (-70.0 - 0.0)
    np.testing.assert_allclose(run.responses, expected, rtol=5e-3)
    assert np.all(np.abs(run.responses) <= np.abs(expected))  # a sampled peak is never above
