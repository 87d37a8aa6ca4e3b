"""The Hodgkin-Huxley tab driven through its real widgets and the simulation process."""
import csv

import numpy as np
import pytest
from PyQt5.QtCore import QPointF, Qt
from PyQt5.QtWidgets import QPushButton

from neurodynex_gui import export
from neurodynex_gui.models import hh
from neurodynex_gui.models.params import ParamError


@pytest.fixture(scope="module", autouse=True)
def compiled():
    """brian2's cython code in its disk cache, so that the worker runs it at once."""
    assert hh.prepare(wait=True)


@pytest.fixture
def window(make_window):
    return make_window("hh")


def hh_tab(window):
    tab = window.tabs["hh"]
    window.tab_widget.setCurrentWidget(tab)
    return tab


def upward_crossings(v, level):
    return int(np.sum((v[:-1] < level) & (v[1:] >= level)))


def test_run_plots_voltage_gates_and_currents_consistently(window, run_and_wait):
    tab = hh_tab(window)
    assert tab.param_forms["stimulus"].set_value("I_amp", "10")
    run_and_wait(tab)
    data = tab.traces.data()
    t, v = data["v/vm"]
    assert t[0] == 0 and t[-1] == pytest.approx(199.98) and len(t) == 10000
    spikes = upward_crossings(v, 50.0)
    assert spikes >= 10 and len(data["v/spikes"][0]) == spikes
    assert f"{spikes} spikes" in tab.readout.text()
    _, current = data["I/I"]
    assert current.max() == 10 and current[t < 20].max() == 0
    # the plotted ionic currents are the book's conductance formulas of the plotted traces
    m, n, h = (data[f"gates/{gate}"][1] for gate in "mnh")
    assert np.allclose(data["currents/I_L"][1], 0.3 * (v - 10.6))
    assert np.allclose(data["currents/I_K"][1], 36 * n**4 * (v + 12))
    assert np.allclose(data["currents/I_Na"][1], 120 * m**3 * h * (v - 115))


def test_sodium_density_moves_rest_and_dashed_resting_lines(window, run_and_wait):
    tab = hh_tab(window)
    assert tab.param_forms["params"].set_value("g_Na_scale", "1.5")
    rest = hh.resting_state(tab.param_forms["params"].params())
    steady = hh.steady_states(rest.v_mV)
    for gate in "mnh":
        assert tab.rest_lines[gate].value() == pytest.approx(float(steady[gate]))
    result = run_and_wait(tab)
    assert result.params.g_Na_effective == 180.0
    assert f"resting potential {rest.v_mV:.2f} mV" in tab.readout.text()
    assert rest.v_mV > 0.5  # more sodium conductance pulls rest towards E_Na


def test_rebound_preset_explains_h_and_n(window, run_and_wait):
    tab = hh_tab(window)
    tab.apply_preset("rebound spike: -5 uA for 20 ms")
    run_and_wait(tab)
    t, v = tab.traces.data()["v/vm"]
    assert upward_crossings(v[t >= 25], 50.0) == 1 and upward_crossings(v[t < 25], 50.0) == 0
    text = tab.readout.text()
    assert "rebound spike at" in text and "de-inactivated" in text


def test_long_run_streams_and_stop_ends_it(qtbot, window):
    tab = hh_tab(window)
    tab.apply_preset("long sinusoid (2 s)")
    tab.param_forms["params"].set_value("tend", "20000")
    tab.param_forms["stimulus"].set_value("I_tend", "20000")
    chunks = []
    tab.run()
    tab.job.chunk.connect(chunks.append)
    with qtbot.waitSignal(tab.job.chunk, timeout=30000):
        pass
    qtbot.wait(100)  # a redraw frame
    t, _ = tab.traces.data()["v/vm"]
    assert 0 < t[-1] < 20000
    growing = t[-1]
    qtbot.wait(150)
    assert tab.traces.data()["v/vm"][0][-1] > growing  # the trace grows while it runs
    with qtbot.waitSignal(tab.job.stopped, timeout=3000):
        qtbot.mouseClick(tab.run_bar.stop_button, Qt.LeftButton)
    assert chunks, "no partial result arrived before Stop"
    t, _ = tab.traces.data()["v/vm"]
    assert 0 < t[-1] < 20000
    assert tab.run_bar.state.text() == "stopped"
    assert "stopped early" in tab.readout.text()


def test_hover_marks_the_operating_point_on_the_kinetics_panel(window, run_and_wait):
    tab = hh_tab(window)
    run_and_wait(tab)
    t, v = tab.traces.data()["v/vm"]
    assert tab.op_lines["inf"].value() == pytest.approx(v[-1])  # the run's last vm
    plot = tab.traces.plots["v"]
    moment, height = 23.0, float(np.mean(plot.vb.viewRange()[1]))  # inside the plot
    tab._hovered(plot.vb.mapViewToScene(QPointF(moment, height)))
    expected = np.interp(moment, t, v)
    assert tab.op_lines["tau"].value() == pytest.approx(expected, abs=0.5)
    marks = tab.op_marks["inf"].data["y"]
    assert marks == pytest.approx([float(hh.steady_states(tab.op_lines["inf"].value())[g])
                                   for g in "mnh"])


def test_current_switches_and_session_round_trip(qtbot, window):
    tab = hh_tab(window)
    tab.current_boxes["I_Na"].setChecked(False)
    assert not tab.traces.curve("currents", "I_Na").item.isVisible()
    tab.param_forms["params"].set_value("g_K", "30")
    state = tab.state()
    assert state["view"]["currents"] == ["I_K", "I_L"]
    tab.reset_defaults()
    for check in tab.current_boxes.values():
        check.setChecked(True)
    bad = {**state, "view": {**state["view"], "currents": ["I_Ca"]}}
    with pytest.raises(ParamError):
        tab.restore(bad)
    assert tab.param_forms["params"].params().g_K == 36.0  # untouched by the refused state
    tab.restore(state)
    assert tab.param_forms["params"].params().g_K == 30.0
    assert tab.shown_currents() == ["I_K", "I_L"]
    for check in tab.current_boxes.values():
        check.setChecked(False)
    assert not tab.traces.plots["currents"].isVisible()


def test_threshold_button_fills_the_analysis_page(qtbot, window):
    tab = hh_tab(window)
    with qtbot.waitSignal(tab.tool_ready, timeout=60000) as blocker:
        qtbot.mouseClick(tab.findChild(QPushButton, "tool_min_step"), Qt.LeftButton)
    key, sweep = blocker.args
    assert key == "min_step" and tab.pages.currentWidget() is tab.analysis
    x, counts = tab.analysis.data()["spike_count/spike_count"]
    assert np.all(counts[x < sweep.answer] == 0) and np.all(counts[x >= sweep.answer] > 0)
    assert f"{sweep.answer:.2f}" in tab.readout.text()


def test_export_of_the_traces(window, run_and_wait, tmp_path):
    tab = hh_tab(window)
    run_and_wait(tab)
    export.export(tab.export_panel(), tmp_path / "hh.csv")
    export.export(tab.export_panel(), tmp_path / "hh.png")
    assert (tmp_path / "hh.png").stat().st_size > 10000
    with open(tmp_path / "hh.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("v/vm vm (mV)")
    v = np.array([float(row[column]) for row in rows[1:] if row[column]])
    assert upward_crossings(v, 50.0) == tab.result.spike_count


def test_command_line_export(tmp_path, main_py):
    out = tmp_path / "hh.csv"
    done = main_py("--tab", "hh", "--set", "I_amp=3", "--export", str(out))
    assert done.returncode == 0, done.stderr
    with open(out, newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    v = np.array([float(row[header.index("v/vm vm (mV)")]) for row in rows[1:]
                  if row[header.index("v/vm vm (mV)")]])
    current = np.array([float(row[header.index("I/I injected I (µA)")]) for row in rows[1:]
                        if row[header.index("I/I injected I (µA)")]])
    assert current.max() == 3.0 and upward_crossings(v, 50.0) >= 1
