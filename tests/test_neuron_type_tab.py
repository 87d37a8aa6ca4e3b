"""The type I / type II tab driven through its real widgets: run both, tools, reveal, shuffle,
phase planes, session and export. Expected spike counts come from the equations solved with
scipy in test_neuron_type_model."""
import numpy as np
import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QPushButton

from neurodynex_gui.models import neuron_type as nt
from neurodynex_gui.models.params import ParamError
from test_neuron_type_model import scipy_spike_times, scipy_threshold

AMPLITUDES = (0.30, 0.35, 0.40)  # type II fires repetitively at 0.35 pA, type I from 0.374 pA


@pytest.fixture
def window(make_window):
    return make_window("neuron_type")


@pytest.fixture
def tab(window):
    return window.tabs["neuron_type"]


def run_both(qtbot, tab):
    """Three amplitudes, 0.30 to 0.40 pA, a step from 20 to 320 ms, both neurons."""
    stimulus, run = tab.param_forms["stimulus"], tab.param_forms["run"]
    for name, value in (("I_tstart", "20"), ("I_tend", "320"), ("I_amp", "0.3")):
        assert stimulus.set_value(name, value)
    for name, value in (("n_amplitudes", "3"), ("amplitude_step", "0.05"), ("t_end", "350")):
        assert run.set_value(name, value)
    with qtbot.waitSignal(tab.result_ready, timeout=30000) as blocker:
        qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
    return blocker.args[0]


def plotted_spikes(tab, name):
    data = tab.traces.data()
    keys = [key for key in data if key.startswith(f"v_{name}/")]
    return [len(nt.get_spiketimes(*data[key])) for key in keys]


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.LeftButton)


def test_run_both_neurons_overlays_every_amplitude(qtbot, tab):
    run_both(qtbot, tab)
    data = tab.traces.data()
    for name, kind in tab.assignment().items():
        for var in ("v", "w", "I"):
            keys = [key for key in data if key.startswith(f"{var}_{name}/")]
            assert len(keys) == 3
        currents = [data[f"I_{name}/{k + 1}: {a:.4g} pA"][1] for k, a in enumerate(AMPLITUDES)]
        assert np.allclose([c.max() for c in currents], AMPLITUDES)
        _, _, trains = scipy_spike_times(kind, AMPLITUDES, 350.0, start=20.0, stop=320.0)
        assert plotted_spikes(tab, name) == [len(s) for s in trains]
    assert "neuron X" in tab.readout.text() and "neuron Y" in tab.readout.text()


def test_reveal_is_truthful_and_kept_in_the_session(qtbot, window, tab, tmp_path):
    run_both(qtbot, tab)
    fires = {name: plotted_spikes(tab, name)[1] > 1 for name in "XY"}  # at 0.35 pA
    assert fires["X"] != fires["Y"]
    assert "Reveal" in tab.mystery_label.text() and "<b>" not in tab.mystery_label.text()
    click(qtbot, tab.reveal_button)
    assert tab.mystery().revealed and not tab.reveal_button.isEnabled()
    type_two = "X" if fires["X"] else "Y"
    assert f"{type_two} is <b>type II</b>" in tab.mystery_label.text()
    assert tab.traces.plots[f"v_{type_two}"].titleLabel.text.endswith("(type II)")
    assert tab.result is not None, "revealing keeps the results"

    path = window.save_session(tmp_path / "mystery.ndx.json")
    saved = window.session_state()["tabs"]["neuron_type"]["mystery"]
    assert saved == {"neuron_X": tab.mystery().neuron_X, "revealed": True}
    click(qtbot, tab.shuffle_button)
    assert not tab.mystery().revealed and tab.traces.data() == {}
    tab.param_forms["mystery"].set_params(nt.MysteryParams(
        neuron_X=nt.TYPE_ONE if saved["neuron_X"] == nt.TYPE_TWO else nt.TYPE_TWO))
    assert window.open_session(path)
    assert tab.mystery().neuron_X == saved["neuron_X"] and tab.mystery().revealed
    assert "<b>type" in tab.mystery_label.text()


def test_shuffle_assigns_both_ways_and_clears(qtbot, tab):
    seen = set()
    for _ in range(40):
        click(qtbot, tab.shuffle_button)
        seen.add(tab.mystery().neuron_X)
        assert not tab.mystery().revealed and tab.reveal_button.isEnabled()
    assert seen == {nt.TYPE_ONE, nt.TYPE_TWO}
    assert not tab.param_forms["mystery"].isVisibleTo(tab), "the answer is hidden"


def test_tools_threshold_f_i_and_onset(qtbot, tab):
    tab.param_forms["mystery"].set_params(nt.MysteryParams(neuron_X=nt.TYPE_TWO))
    for key, values in (("fi_curve", {"n": "11"}), ("onset", {"width": "0.01", "n": "20",
                                                             "t_end": "1000"})):
        for name, value in values.items():
            assert tab.tool_forms[key].set_value(name, value)
    results = {}
    for key in ("threshold", "fi_curve", "onset"):
        with qtbot.waitSignal(tab.tool_ready, timeout=60000) as blocker:
            click(qtbot, tab.findChild(QPushButton, f"tool_{key}"))
        results[blocker.args[0]] = blocker.args[1]
    assert tab.pages.currentWidget() is tab.analysis
    scan = {"X": scipy_threshold(nt.TYPE_TWO, 0.30, 0.35),
            "Y": scipy_threshold(nt.TYPE_ONE, 0.35, 0.40)}
    for name, line in tab.threshold_lines.items():
        assert line.isVisible() and abs(line.value() - scan[name]) <= 0.01
    data = tab.analysis.data()
    x, rate_x = data["fi/neuron X"]
    assert np.allclose(x, np.linspace(0, 1, 11))
    assert rate_x[3] == 0 and rate_x[4] > 15  # 0.3 pA: below, 0.4 pA: above the jump
    _, onset_y = data["onset/neuron Y"]
    _, onset_x = data["onset/neuron X"]
    assert 0 < onset_y[onset_y > 0][0] < 3.0 < 15.0 < onset_x[onset_x > 0][0]
    assert "Onset of firing" in tab.readout.text()


def test_phase_plane_of_each_neuron_with_the_run(qtbot, tab):
    run_both(qtbot, tab)
    tab.pages.setCurrentWidget(tab.phase_page)
    assert tab.run_box.count() == 3
    tab.run_box.setCurrentIndex(0)
    tab.run_box.activated.emit(0)  # as a user's choice: 0.30 pA
    assert tab.phase_form.params().I == pytest.approx(0.30)
    for name, kind in tab.assignment().items():
        tab.neuron_box.setCurrentIndex("XY".index(name))
        plane = tab.plane_stack.currentWidget()
        assert plane is tab.planes[kind] and plane.params.I == pytest.approx(0.30)
        v, w = plane.run_curve.item.getData()
        traces = tab.result.traces[name]
        assert np.allclose(v, traces.v_mV[0]) and np.allclose(w, traces.w_mV[0])
        points = plane.fixed_points
        if kind == nt.TYPE_ONE:  # below the saddle-node: rest, saddle and unstable point
            assert len(points) == 3 and points[1].kind == "saddle"
            assert points[0].stable and not points[2].stable
        else:  # below the Hopf current: one stable focus
            assert [p.kind for p in points] == ["stable focus"]
        assert tab.export_panel() is plane.panel


def test_session_with_results_redraws_runs_and_thresholds(qtbot, window, tab, tmp_path):
    run_both(qtbot, tab)
    with qtbot.waitSignal(tab.tool_ready, timeout=60000):
        tab.run_tool("threshold")
    drawn = tab.traces.data()
    lines = {name: line.value() for name, line in tab.threshold_lines.items()}
    path = window.save_session(tmp_path / "with_results.ndx.json", with_results=True)
    click(qtbot, tab.shuffle_button)
    assert tab.traces.data() == {} and not tab.threshold_lines["X"].isVisible()
    assert window.open_session(path)
    restored = tab.traces.data()
    assert restored.keys() == drawn.keys()
    assert all(np.array_equal(restored[k][1], drawn[k][1]) for k in drawn)
    assert {name: line.value() for name, line in tab.threshold_lines.items()} == lines
    assert tab.threshold_lines["Y"].isVisible()


def test_export_and_bad_session(qtbot, window, tab, tmp_path):
    run_both(qtbot, tab)
    csv = window.export_to(tmp_path / "traces.csv")
    header = csv.read_text().splitlines()[0]
    assert "v_X/1: 0.3 pA" in header and "I_Y/3: 0.4 pA" in header and "(mV)" in header
    png = window.export_to(tmp_path / "traces.png", width=800)
    assert png.read_bytes()[:4] == b"\x89PNG"
    state = window.session_state()["tabs"]["neuron_type"]
    before = tab.state()
    view = state["view"]
    for bad in ({"view": {**view, "phase": {"neuron": "Z"}}},
                {"mystery": {"neuron_X": "Type III"}},
                {"view": {**view, "phase": {"params": {"I": "abc"}}}}):
        with pytest.raises(ParamError):
            tab.restore({**state, **bad})
    assert tab.state() == before


def test_command_line_export(tmp_path, main_py):
    out = tmp_path / "cli.csv"
    done = main_py("--tab", "neuron_type", "--set", "n_amplitudes=2", "--set", "t_end=200",
                   "--set", "I_tend=150", "--set", "neuron_X=Type II", "--export", str(out))
    assert done.returncode == 0, done.stderr
    header = out.read_text().splitlines()[0]
    assert "v_X/2: 0.35 pA" in header
    rows = np.array([[float(x) for x in line.split(",")[:2]]
                     for line in out.read_text().splitlines()[1:]])
    assert rows.shape[0] == 2000 and rows[:, 1].min() < -1.0 < rows[:, 1].max() < 3.0


def test_currents_beyond_the_phase_plane_range_still_show(qtbot, tab):
    """A run whose current exceeds the phase planes' slider range (100 pA) is drawn, the
    plane sits at the end of its range, and the run bar does not stay 'running'."""
    stimulus, run = tab.param_forms["stimulus"], tab.param_forms["run"]
    for name, value in (("I_tstart", "5"), ("I_tend", "45"), ("I_amp", "99.9")):
        assert stimulus.set_value(name, value)
    for name, value in (("n_amplitudes", "2"), ("amplitude_step", "0.2"), ("t_end", "50")):
        assert run.set_value(name, value)
    with qtbot.waitSignal(tab.result_ready, timeout=30000):
        tab.run()
    tab.run_box.setCurrentIndex(1)  # the run at 100.1 pA
    assert tab.phase_form.params().I == 100.0
    assert not tab.run_bar.stop_button.isEnabled()
