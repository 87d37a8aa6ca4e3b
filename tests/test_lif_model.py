"""The LIF model against the book's closed-form answers (chapter 1.3)."""
import math

import numpy as np
import pytest

from neurodynex_gui.models import lif
from neurodynex_gui.models.params import ParamError

EXERCISE = lif.LIFParams()
BOOK = lif.PRESETS["book ch. 1.3 (physiological)"][0]


def analytic_isi_ms(p: lif.LIFParams, current_nA: float) -> float:
    """Time from reset to threshold under a constant current, plus the refractory period."""
    drive = p.membrane_resistance * current_nA  # mV (MOhm * nA)
    start, end = p.v_reset - p.v_rest, p.firing_threshold - p.v_rest
    return p.abs_refractory_period + p.membrane_time_scale * math.log(
        (drive - start) / (drive - end))


@pytest.mark.parametrize("current", [1.2, 1.5, 2.0, 3.0])
def test_isi_matches_tau_log_formula_within_dt(current):
    result = lif.LIF_Step(I_amp=current)
    isi = np.diff(result.spikes_ms)
    expected = EXERCISE.membrane_time_scale * math.log(current / (current - 1.0))
    assert len(isi) >= 5
    assert np.all(np.abs(isi - expected) <= EXERCISE.dt + 1e-9)


def test_isi_with_reset_and_refractory_period_book_preset():
    stimulus = lif.LIFStimulus(I_tstart=0.0, I_tend=200.0, I_amp=3.0)
    result = lif.simulate(BOOK, stimulus)
    isi = np.diff(result.spikes_ms)
    assert np.all(np.abs(isi - analytic_isi_ms(BOOK, 3.0)) <= BOOK.dt + 1e-9)


def test_no_spike_below_rheobase():
    rheobase = (EXERCISE.firing_threshold - EXERCISE.v_rest) / EXERCISE.membrane_resistance
    assert lif.LIF_Step(I_amp=0.99 * rheobase).spike_count == 0
    assert lif.LIF_Step(I_amp=1.01 * rheobase).spike_count > 0


def test_minimum_step_amplitude_is_one_point_00x_nA():
    sweep = lif.min_step_amplitude(resolution_nA=0.001)
    assert 1.0 <= sweep.answer <= 1.01
    assert sweep.answer == pytest.approx(1.0, abs=0.001 + 1e-9)


def test_minimum_step_amplitude_for_a_short_step_book_preset():
    """v(T) = R I (1 - exp(-T/tau)) must reach theta - v_rest within the step of T ms."""
    step = lif.LIFStimulus(I_tstart=10.0, I_tend=20.0)
    sweep = lif.min_step_amplitude(BOOK, step, resolution_nA=0.001)
    depth = BOOK.firing_threshold - BOOK.v_rest
    expected = depth / (BOOK.membrane_resistance * (1 - math.exp(-10.0 / BOOK.membrane_time_scale)))
    # the spike is detected on the time grid: allow one time step of charging, plus resolution
    slack = depth / BOOK.membrane_resistance * BOOK.dt / BOOK.membrane_time_scale
    assert expected - 0.001 <= sweep.answer <= expected + slack + 0.002


def test_fi_curve_rates_follow_the_isi_formula():
    sweep = lif.fi_curve(BOOK, I_min=1.0, I_max=6.0, n=11, step_ms=500.0)
    rates = sweep.columns["rate_Hz"]
    rheobase = (BOOK.firing_threshold - BOOK.v_rest) / BOOK.membrane_resistance
    for current, rate in zip(sweep.x, rates):
        if current <= rheobase:
            assert rate == 0.0
        else:
            expected_isi = analytic_isi_ms(BOOK, current)
            assert 1000.0 / rate == pytest.approx(expected_isi, abs=BOOK.dt + 1e-9)


def test_sinusoidal_response_is_a_low_pass_filter():
    sweep = lif.sinus_response(EXERCISE, I_amp=0.5, f_min_kHz=0.1, f_max_kHz=1.0, n=4)
    omega_tau = 2 * np.pi * sweep.x * EXERCISE.membrane_time_scale
    amplitude = 0.5 * EXERCISE.membrane_resistance / np.sqrt(1 + omega_tau ** 2)
    phase = -np.degrees(np.arctan(omega_tau))
    np.testing.assert_allclose(sweep.columns["amplitude_mV"], amplitude, rtol=0.01)
    np.testing.assert_allclose(sweep.columns["phase_deg"], phase, atol=2.0)


@pytest.mark.parametrize("kind", ["step", "sinusoid", "ramp", "pulses"])
def test_brian_current_equals_the_numpy_waveform(kind):
    stimulus = lif.LIFStimulus(kind=kind, I_tstart=10.0, I_tend=60.0, I_amp=0.8, I_offset=0.1,
                               I_freq=0.05, pulse_width=3.0, pulse_period=10.0)
    result = lif.simulate(lif.LIFParams(tend=80.0), stimulus)
    expected = stimulus.current(result.t_ms)
    # pulse edges may fall one sample apart through floating-point rounding of t
    mismatched = np.abs(result.I_nA - expected) > 1e-9
    assert mismatched.sum() <= (8 if kind == "pulses" else 0)


def test_seed_api_names_and_units():
    result = lif.LIF_Sinus(I_freq=0.1, I_offset=0.5, I_amp=0.5, tend=100, dt=0.1)
    assert result.t.shape == result.v.shape == result.I.shape == (1000,)
    assert result.t[1] - result.t[0] == pytest.approx(0.1)
    assert result.I.max() == pytest.approx(1.0, abs=1e-3)
    times = lif.get_spiketimes(result.t, result.v, v_th=0.5)
    assert np.all(np.diff(times) > 0)


def test_get_spiketimes_finds_upward_crossings():
    t = np.arange(10.0)
    v = np.array([0, 2, 0, 0, 3, 3, 0, 1, 2, 0])
    np.testing.assert_array_equal(lif.get_spiketimes(t, v, 1.5), [1.0, 4.0, 8.0])


def test_should_stop_ends_the_run_early():
    calls = []
    result = lif.simulate(lif.LIFParams(tend=1000.0), lif.LIFStimulus(),
                          should_stop=lambda: calls.append(1) or len(calls) > 5)
    assert not result.completed
    assert result.t_ms[-1] < 100.0


def test_cross_field_rules():
    with pytest.raises(ParamError) as error:
        lif.LIFParams(v_reset=2.0, firing_threshold=1.0)
    assert error.value.name == "v_reset"
    with pytest.raises(ParamError):
        lif.LIFStimulus(I_tstart=50.0, I_tend=10.0)
    with pytest.raises(ParamError, match="not a number"):
        lif.LIFParams.from_dict({"tend": "ten"})


def test_sinus_sweeps_too_large_to_record_are_refused_at_once():
    slow = lif.LIFParams(membrane_time_scale=1e4)  # settling alone: 8 tau = 80 s
    with pytest.raises(ValueError, match="raise the lowest frequency"):
        lif.sinus_response(slow, f_min_kHz=0.001, f_max_kHz=10.0, n=500)


def test_integer_fields_refuse_fractions():
    with pytest.raises(ParamError, match="not an integer"):
        lif.FICurveInputs.from_dict({"n": 1.7})
    assert lif.FICurveInputs.from_dict({"n": 12.0}).n == 12


def test_exact_firing_rate_is_the_closed_form_and_the_tool_says_where_dt_quantises():
    params = lif.LIFParams(v_rest=-70.0, v_reset=-65.0, firing_threshold=-50.0,
                           membrane_resistance=10.0, membrane_time_scale=8.0,
                           abs_refractory_period=2.0)
    # R I = 40 mV: T = 2 + 8 ln((40 - 5) / (40 - 20)) ms, by hand
    assert lif.firing_rate(params, 4.0) == pytest.approx(1000 / (2 + 8 * np.log(35 / 20)))
    assert lif.firing_rate(params, 1.9) == 0.0  # R I = 19 mV < 20 mV: no firing
    sweep = lif.fi_curve(lif.LIFParams(), I_max=5.0, n=11, step_ms=100.0)
    assert "whole number of time steps dt = 0.1 ms" in sweep.answer_text
    exact = lif.firing_rate(lif.LIFParams(), sweep.x)
    fast = exact > 1000  # simulated ISIs of fewer than ten steps
    assert np.all(sweep.columns["rate_Hz"][fast] <= exact[fast] * 1.0001)  # rounded up ISIs
    slow = (exact > 0) & (exact < 300)
    np.testing.assert_allclose(sweep.columns["rate_Hz"][slow], exact[slow], rtol=0.05)


def test_minimum_amplitude_is_printed_to_its_resolution():
    result = lif.min_step_amplitude(resolution_nA=0.001)
    number = result.answer_text.split(": ")[1].split(" nA")[0]
    assert number == f"{result.answer:.3f}" and len(number.split(".")[1]) == 3
