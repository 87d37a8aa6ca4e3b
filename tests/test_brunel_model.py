"""Brunel's balanced network (issue 18): readouts on spike trains of known statistics, the
mean-field rate in its deterministic limit, and small networks against the mean field and
against each other (weak versus strong inhibition)."""
import inspect
import math

import numpy as np
import pytest

from neurodynex_gui.models import brunel, spiking_stats as ss


def poisson_trains(rate_Hz, n, duration_ms, rng):
    counts = rng.poisson(rate_Hz * duration_ms / 1000.0, n)
    i = np.repeat(np.arange(n), counts)
    return rng.uniform(0, duration_ms, counts.sum()), i


def test_poisson_trains_have_cv_and_fano_one_and_little_synchrony():
    rng = np.random.default_rng(1)
    t, i = poisson_trains(40.0, 200, 5000.0, rng)
    assert ss.isi_cv(t, i, 200) == pytest.approx(1.0, abs=0.05)
    assert ss.fano_factor(t, i, 200, 0.0, 5000.0) == pytest.approx(1.0, abs=0.05)
    # independent neurons: chi ~ 1 / sqrt(N)
    assert ss.synchrony(t, i, 200, 0.0, 5000.0) == pytest.approx(1 / math.sqrt(200), rel=0.3)


def test_a_clock_has_cv_zero_and_identical_neurons_full_synchrony():
    t = np.tile(np.arange(0.0, 1000.0, 25.0) + 3.0, 50)
    i = np.repeat(np.arange(50), 40)
    assert ss.isi_cv(t, i, 50) == pytest.approx(0.0, abs=1e-9)
    assert ss.synchrony(t, i, 50, 0.0, 1000.0) == pytest.approx(1.0, abs=1e-9)


def test_the_spectrum_of_an_oscillating_activity_peaks_at_its_frequency():
    t = np.arange(0.0, 2000.0, 0.1)
    freq, power = ss.power_spectrum(t, 20 + 10 * np.sin(2 * np.pi * 0.08 * t))  # 80 Hz
    assert freq[np.argmax(power)] == pytest.approx(80.0, abs=1000.0 / 128)


def test_mean_field_without_noise_is_the_deterministic_lif_rate():
    # many tiny external inputs: sigma -> 0, and the Siegert rate becomes
    # 1 / (t_ref + tau ln((mu - V_r) / (mu - theta))) with mu = tau N_ext w nu_ext
    params = brunel.BrunelParams(N_Excit=100, connection_probability=0.0, N_extern=100000,
                                 w0=0.0005, poisson_input_rate=25.0)  # mu = 25 mV
    mu, tau = 0.02 * 100000 * 0.0005 * 25.0, 20e-3
    exact = 1.0 / (2e-3 + tau * math.log((mu - 10.0) / (mu - 20.0)))
    assert brunel.mean_field_rate(params) == pytest.approx(exact, rel=0.02)


def test_the_exercise_function_keeps_neurodynex3s_names_and_defaults():
    defaults = {name: p.default for name, p in
                inspect.signature(brunel.simulate_brunel_network).parameters.items()}
    assert defaults["N_Excit"] == 5000 and defaults["N_Inhib"] is None
    assert defaults["N_extern"] == 1000 and defaults["connection_probability"] == 0.1
    assert defaults["w0"] == 0.1 and defaults["g"] == 4.0
    assert defaults["synaptic_delay"] == 1.5 and defaults["poisson_input_rate"] == 13.0
    assert defaults["w_external"] is None and defaults["monitored_subset_size"] == 100
    assert defaults["v_reset"] == 10.0 and defaults["firing_threshold"] == 20.0
    with pytest.raises(ValueError, match="^g:"):
        brunel.simulate_brunel_network(g=-1.0)
    with pytest.raises(ValueError, match="^connection_probability:"):
        brunel.simulate_brunel_network(connection_probability=1.5)
    with pytest.raises(ValueError, match="^random_vm_init:"):
        brunel.simulate_brunel_network(random_vm_init=float("nan"))
    with pytest.raises(ValueError, match="^N_Inhib:"):
        brunel.simulate_brunel_network(N_Inhib=-5)


SMALL = dict(N_Excit=1000, connection_probability=0.2, N_extern=200, w0=0.5,
             random_vm_init=True, seed=7)


def test_asynchronous_irregular_state_agrees_with_the_mean_field_and_is_irregular():
    params = brunel.regime_params("asynchronous irregular (AI)", **SMALL, sim_time=300.0)
    params = params.replace(g=6.0)
    chunks = []
    result = brunel.simulate(params, on_chunk=chunks.append)
    predicted = brunel.mean_field_rate(params)
    assert 10.0 < predicted < 100.0
    assert result.mean_rate_Hz == pytest.approx(predicted, rel=0.2)
    assert result.stats.cv_isi > 0.7
    assert result.spike_i.max() < 100
    # the streamed pieces add up to the result
    streamed_t = np.concatenate([c["spike_t_ms"] for c in chunks])
    np.testing.assert_allclose(np.sort(streamed_t), np.sort(result.spike_t_ms), atol=1e-9)
    assert chunks[-1]["fraction"] == pytest.approx(1.0)


def test_weak_inhibition_fires_faster_and_more_synchronously_than_strong():
    small = dict(SMALL, N_Excit=500, N_extern=100, sim_time=200.0)
    weak = brunel.simulate(brunel.regime_params("synchronous regular (SR)", **small))
    strong = brunel.simulate(brunel.regime_params("synchronous regular (SR)", **small)
                             .replace(g=6.0))
    assert weak.mean_rate_Hz > 2 * strong.mean_rate_Hz
    assert weak.stats.synchrony > strong.stats.synchrony
    assert weak.stats.cv_isi < strong.stats.cv_isi


def test_the_synchronous_irregular_presets_oscillate_fast_and_slow():
    # Brunel (2000): SI fast oscillates near 1 / (4 delay) and faster, SI slow well below
    fast = brunel.simulate(brunel.PRESETS["synchronous irregular, fast (SI fast)"]
                           .replace(seed=11))
    slow = brunel.simulate(brunel.PRESETS["synchronous irregular, slow (SI slow)"]
                           .replace(seed=11))
    assert fast.stats.peak_Hz > 1000.0 / (4 * 1.5) * 0.6  # > 100 Hz
    assert slow.stats.peak_Hz < 60.0
    assert fast.stats.cv_isi > 0.7  # irregular neurons in a synchronous population
    assert slow.mean_rate_Hz < fast.mean_rate_Hz
