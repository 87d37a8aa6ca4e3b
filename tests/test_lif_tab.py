"""The LIF tab driven through its real widgets."""
import math

import numpy as np
import pytest
from PyQt5.QtCore import Qt

LONG_RUN_MS = "20000"


@pytest.fixture
def window(make_window):
    return make_window("lif")


def lif_tab(window):
    tab = window.tabs["lif"]
    window.tab_widget.setCurrentWidget(tab)
    return tab


def test_typed_parameter_runs_and_plots_the_expected_spikes(window, run_and_wait):
    tab = lif_tab(window)
    assert tab.param_forms["stimulus"].set_value("I_amp", "1.5")
    run_and_wait(tab)
    t, v = tab.traces.data()["v/v"]
    assert len(t) == 1000 and t[-1] == np.float64(99.9)
    # tau ln(RI/(RI - theta)) = ln 3 ms rounds up to 1.1 ms on the 0.1 ms grid; step of 50 ms
    isi = math.ceil(math.log(3.0) / 0.1) * 0.1
    expected = math.floor(50.0 / isi)
    spikes_t, spikes_y = tab.traces.data()["v/spikes"]
    assert len(spikes_t) == expected
    assert f"{expected} spikes" in tab.readout.text()
    assert v.max() < 1.0  # reset before the sample after the crossing
    _, current = tab.traces.data()["I/I"]
    assert current.max() == 1.5


def test_trace_grows_while_running_and_stop_cancels(qtbot, window):
    tab = lif_tab(window)
    tab.param_forms["params"].set_value("tend", LONG_RUN_MS)
    chunks = []
    tab.run()
    tab.job.chunk.connect(chunks.append)
    with qtbot.waitSignal(tab.job.chunk, timeout=20000):
        pass
    qtbot.wait(100)  # a redraw frame
    t, _ = tab.traces.data()["v/v"]
    assert 0 < t[-1] < float(LONG_RUN_MS)
    with qtbot.waitSignal(tab.job.stopped, timeout=3000):
        qtbot.mouseClick(tab.run_bar.stop_button, Qt.LeftButton)
    assert chunks, "no partial result arrived before Stop"
    t, _ = tab.traces.data()["v/v"]
    assert 0 < t[-1] < float(LONG_RUN_MS)
    assert tab.run_bar.state.text() == "stopped"


def test_a_new_run_cancels_the_run_in_flight(qtbot, window):
    tab = lif_tab(window)
    tab.param_forms["params"].set_value("tend", LONG_RUN_MS)
    tab.run()
    first = tab.job
    tab.param_forms["params"].set_value("tend", "100")
    with qtbot.waitSignal(first.stopped, timeout=5000):
        result = None
        with qtbot.waitSignal(tab.result_ready, timeout=20000) as blocker:
            tab.run()
        result = blocker.args[0]
    assert result.t_ms[-1] < 100.0 and result.completed


def test_bad_values_are_refused_beside_their_field(qtbot, window):
    tab = lif_tab(window)
    form = tab.param_forms["params"]
    before = form.params()
    assert not form.set_value("membrane_time_scale", "-3")
    assert "at least 0.01 ms" in form.error("membrane_time_scale")
    assert not form.set_value("membrane_time_scale", "abc")
    assert "not a number" in form.error("membrane_time_scale")
    assert form.params() == before
    tab.run()
    assert "fix the values" in window.statusBar().currentMessage()
    assert form.set_value("membrane_time_scale", "2")
    assert form.error("membrane_time_scale") == ""
    assert not form.set_value("v_reset", "5")  # above the 1 mV threshold
    assert "below the firing threshold" in form.error("v_reset")


def test_up_down_keys_step_the_focused_field(qtbot, window):
    tab = lif_tab(window)
    editor = tab.param_forms["params"].editor("membrane_time_scale")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key_Up)
    assert tab.param_forms["params"].params().membrane_time_scale == 2.0


def test_minimum_amplitude_button(qtbot, window):
    tab = lif_tab(window)
    with qtbot.waitSignal(tab.tool_ready, timeout=20000) as blocker:
        qtbot.mouseClick(tab.findChild(type(tab.run_bar.run_button), "tool_min_amplitude"),
                         Qt.LeftButton)
    key, sweep = blocker.args
    assert key == "min_amplitude"
    assert 1.0 <= sweep.answer <= 1.001 + 1e-9
    assert "1.00" in tab.readout.text()
    assert tab.pages.currentWidget() is tab.analysis


def test_a_failing_run_shows_a_message_and_the_app_goes_on(qtbot, window, run_and_wait):
    tab = lif_tab(window)
    form = tab.param_forms["params"]
    assert form.set_value("v_reset", "-1")
    assert form.set_value("v_rest", "5")  # rest above threshold: spikes without input
    with qtbot.waitSignal(tab.run_failed, timeout=20000):
        tab.run_tool("min_amplitude")
    assert "failed" in window.statusBar().currentMessage()
    assert "spikes without input" in window.statusBar().currentMessage()
    form.reset_defaults()
    result = run_and_wait(tab)
    assert result.spike_count == 9


def test_presets(qtbot, window):
    tab = lif_tab(window)
    tab.apply_preset("book ch. 1.3 (physiological)")
    params = tab.param_forms["params"].params()
    assert (params.v_rest, params.v_reset, params.firing_threshold) == (-70.0, -65.0, -50.0)
    assert (params.membrane_resistance, params.membrane_time_scale) == (10.0, 8.0)
    assert params.abs_refractory_period == 2.0
    tab.reset_defaults()
    assert tab.param_forms["params"].params().v_rest == 0.0


def test_every_bad_field_is_listed_at_once_and_no_field_moves(qtbot, window):
    tab = lif_tab(window)
    form = tab.param_forms["params"]
    fields = [form.editor(name) for name in form.params_class.names()]
    before = [field.mapTo(tab, field.rect().topLeft()) for field in fields]
    assert not form.set_value("membrane_time_scale", "-3")
    assert not form.set_value("firing_threshold", "abc")
    assert "at least 0.01 ms" in form.error("membrane_time_scale")
    assert "not a number" in form.error("firing_threshold")  # both flagged, not only the first
    text = tab.problems.text()
    assert tab.problems.isVisibleTo(tab)
    assert "membrane time constant tau" in text and "not a number" in text
    assert [field.mapTo(tab, field.rect().topLeft()) for field in fields] == before
    assert "at least 0.01 ms" in form.editor("membrane_time_scale").toolTip()
    assert form.set_value("membrane_time_scale", "2") is False  # the other is still refused
    assert form.error("membrane_time_scale") == "" and form.has_errors()
    assert form.set_value("firing_threshold", "1")
    assert not tab.problems.isVisibleTo(tab) and not form.has_errors()


def test_status_bar_speaks_of_the_current_tab_only(qtbot, make_window, run_and_wait):
    window = make_window("lif", "hh")
    lif_tab, hh_tab = window.tabs["lif"], window.tabs["hh"]
    window.tab_widget.setCurrentWidget(lif_tab)
    lif_tab.param_forms["params"].set_value("tend", "20000")
    lif_tab.run()
    assert "simulation…" in window.statusBar().currentMessage()
    hh_tab.message.emit("Hodgkin-Huxley: something happened")
    assert "Leaky" in window.statusBar().currentMessage()
    lif_tab.stop()
    window.tab_widget.setCurrentWidget(hh_tab)
    assert window.statusBar().currentMessage() == "Hodgkin-Huxley: something happened"
    window.tab_widget.setCurrentWidget(lif_tab)
    assert window.statusBar().currentMessage().startswith("Leaky integrate-and-fire:")


def test_run_and_stop_are_visible_without_scrolling_on_every_tab(qtbot, window):
    window.resize(1280, 820)
    for index, tab in enumerate(window.tabs.values()):
        window.tab_widget.setCurrentIndex(index)
        qtbot.wait(10)
        for button in (tab.run_bar.run_button, tab.run_bar.stop_button):
            corner = button.mapTo(window, button.rect().bottomRight())
            assert button.isVisibleTo(window) and window.rect().contains(corner), tab.tab_id


def test_a_diverged_result_is_said_in_the_readout_and_the_status_bar(qtbot, window,
                                                                     run_and_wait):
    import dataclasses

    tab = lif_tab(window)
    result = run_and_wait(tab)
    broken = dataclasses.replace(result, v_mV=np.where(result.t_ms > 50, np.nan, result.v_mV))
    tab.finish_run(broken)
    assert "diverged" in tab.readout.text() and "not a finite number" in tab.readout.text()
    assert "diverged" in window.statusBar().currentMessage()
    tab.finish_run(result)
    assert "diverged" not in tab.readout.text()


def test_dragging_a_slider_reruns_and_the_last_position_wins(qtbot, window, run_and_wait):
    tab = lif_tab(window)
    slider = tab.explore_sliders[0].sliders["membrane_time_scale"]
    amplitude = next(s for s in tab.explore_sliders if "I_amp" in s.sliders)
    results = []
    tab.result_ready.connect(results.append)
    for position in range(0, 200, 20):  # a quick drag: more moves than runs can finish
        amplitude.sliders["I_amp"].setValue(position)
    assert tab.param_forms["stimulus"].params().I_amp == pytest.approx(1.8)
    qtbot.waitUntil(lambda: bool(results) and not tab.running(), timeout=30000)
    assert 1 <= len(results) < 10  # coalesced: at most one run in flight
    last = results[-1]
    again = run_and_wait(tab)  # the same values, run from the button
    assert last.spike_count == again.spike_count
    np.testing.assert_allclose(last.v_mV, again.v_mV)
    assert slider.isVisibleTo(tab)


def test_f_i_tool_draws_the_exact_rate_beside_the_simulated_one(qtbot, window):
    from neurodynex_gui.models import lif

    tab = lif_tab(window)
    with qtbot.waitSignal(tab.tool_ready, timeout=30000):
        tab.run_tool("fi_curve")
    currents, exact = tab.analysis.data()["rate_Hz/exact rate"]
    params = tab.param_forms["params"].params()
    gap = params.firing_threshold - params.v_rest
    firing = currents * params.membrane_resistance > gap
    expected = 1000 / (params.abs_refractory_period + params.membrane_time_scale * np.log(
        currents[firing] * params.membrane_resistance
        / (currents[firing] * params.membrane_resistance - gap)))
    np.testing.assert_allclose(exact[firing], expected)  # v_reset = v_rest by default
    assert "whole number of time steps" in tab.readout.text()
    assert lif.LIFParams().v_reset == lif.LIFParams().v_rest
