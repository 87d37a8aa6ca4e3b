"""The Oja tab driven through its real widgets: the arrow's replay, overlaid runs, comparing
rules, sessions and the command line. Learned weights are checked against a plain loop over
the cloud read back from the scatter plot."""
import json

import numpy as np
import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtGui import QImage
from PyQt5.QtWidgets import QAction

from neurodynex_gui import app
from neurodynex_gui.models.params import ParamError


@pytest.fixture
def window(make_window):
    return make_window("oja")


@pytest.fixture
def tab(window):
    return window.tabs["oja"]


def reference_course(cloud, initial_angle, eta, rule="oja"):
    """The learning rule written out step by step; row i: weight before point i."""
    x = cloud - cloud.mean(axis=0) if rule == "covariance" else cloud
    w = np.array([np.cos(np.deg2rad(initial_angle)), np.sin(np.deg2rad(initial_angle))])
    course = []
    for xi in x:
        course.append(w)
        y = w @ xi
        w = w + eta * y * xi if rule == "hebb" else w + eta * y * (xi - y * w)
    return np.array(course)


def shown_cloud(tab):
    x, y = tab.traces.data()["cloud/data"]
    return np.column_stack((x, y))


def trails(tab):
    """Trail curves on the cloud plot: {label: (x, y)}."""
    return {key.split("/", 1)[1]: xy for key, xy in tab.traces.data().items()
            if key.startswith("cloud/#")}


def click(qtbot, tab, button, signal=None):
    with qtbot.waitSignal(signal or tab.result_ready, timeout=5000) as blocker:
        qtbot.mouseClick(button, Qt.LeftButton)
    return blocker.args


def set_values(form, **values):
    for name, value in values.items():
        assert form.set_value(name, str(value)), (name, form.error(name))


def test_the_arrow_moves_and_ends_at_the_last_learned_weight(qtbot, tab):
    set_values(tab.param_forms["params"], n=2000, eta=0.01, initial_angle=-20)
    set_values(tab.display_form, duration=0.6)
    tips, trail_lengths = [], []

    def frame(_index):
        tips.append(tab.views[-1].tip())
        trail_lengths.append(len(tab.traces.data()[f"cloud/{tab.views[-1].label}"][0]))

    tab.frame_shown.connect(frame)
    click(qtbot, tab, tab.run_bar.run_button)
    qtbot.waitSignal(tab.animation_finished, timeout=5000).wait()
    tips = np.array(tips)
    expected = reference_course(shown_cloud(tab), -20.0, 0.01)
    assert len(expected) == 2000
    np.testing.assert_allclose(tips[0], [np.cos(np.deg2rad(-20)), np.sin(np.deg2rad(-20))],
                               atol=1e-12)
    np.testing.assert_allclose(tips[-1], expected[-1], rtol=1e-9)
    moves = np.linalg.norm(np.diff(tips, axis=0), axis=1)
    assert len(tips) >= 5 and (moves > 0).sum() >= 4  # it moved between frames
    assert trail_lengths[0] < 2000 and trail_lengths[-1] == 2000
    assert trail_lengths == sorted(trail_lengths)
    shaft_x, shaft_y = tab.views[-1].shaft.getData()
    np.testing.assert_allclose([shaft_x[0], shaft_y[0]], [0, 0])
    np.testing.assert_allclose([shaft_x[-1], shaft_y[-1]], expected[-1], rtol=1e-9)
    # every time course drawn is the whole run
    label = tab.views[-1].label
    data = tab.traces.data()
    np.testing.assert_allclose(data[f"weights/{label} w2"][1], expected[:, 1], rtol=1e-9)
    np.testing.assert_allclose(data[f"norm/{label}"][1], np.hypot(*expected.T), rtol=1e-9)


def test_replay_time_zero_and_stop_show_the_end_at_once(qtbot, tab, window):
    set_values(tab.param_forms["params"], n=500)
    set_values(tab.display_form, duration=30)
    click(qtbot, tab, tab.run_bar.run_button)
    assert tab.views[-1].tip() == pytest.approx(tab.views[-1].result.w[0])
    with qtbot.waitSignal(tab.animation_finished, timeout=1000):
        set_values(tab.display_form, duration=0)  # while the replay runs
    np.testing.assert_allclose(tab.views[-1].tip(), tab.views[-1].result.w[-1])
    set_values(tab.display_form, duration=0.3)
    with qtbot.waitSignal(tab.frame_shown, timeout=1000):
        qtbot.mouseClick(tab.buttons["replay"], Qt.LeftButton)
    np.testing.assert_allclose(tab.views[-1].tip(), tab.views[-1].result.w[0])
    qtbot.waitSignal(tab.animation_finished, timeout=2000).wait()
    np.testing.assert_allclose(tab.views[-1].tip(), tab.views[-1].result.w[-1])
    set_values(tab.display_form, duration=30)
    qtbot.mouseClick(tab.buttons["replay"], Qt.LeftButton)
    assert tab.views[-1].tip() == pytest.approx(tab.views[-1].result.w[0])
    with qtbot.waitSignal(tab.animation_finished, timeout=1000):
        next(a for a in window.findChildren(QAction) if a.text() == "&Stop").trigger()  # Esc
    np.testing.assert_allclose(tab.views[-1].tip(), tab.views[-1].result.w[-1])


def test_overlaid_runs_keep_earlier_ones_until_clear(qtbot, tab):
    set_values(tab.param_forms["params"], n=1500, eta=0.02, ratio=0.4, angle=20,
               random_initial="true")
    set_values(tab.display_form, duration=0, overlay="true")
    for _ in range(3):
        click(qtbot, tab, tab.run_bar.run_button)
    shown = trails(tab)
    assert len(shown) == 3
    starts = [np.rad2deg(np.arctan2(y[0], x[0])) for x, y in shown.values()]
    assert len({round(s, 1) for s in starts}) == 3  # a new random start per run
    cloud = shown_cloud(tab)
    for (x, y), start in zip(shown.values(), starts):
        expected = reference_course(cloud, start, 0.02)
        np.testing.assert_allclose(np.column_stack((x, y)), expected, rtol=1e-7, atol=1e-9)
    assert len([k for k in tab.traces.data() if k.startswith("error/")]) == 3
    # the session keeps each run's concrete start, so that it can be redone
    runs = tab.state()["view"]["runs"]
    assert [r["random_initial"] for r in runs] == [False] * 3
    kept = np.array([r["initial_angle"] for r in runs])
    np.testing.assert_allclose((kept - starts + 180) % 360 - 180, 0, atol=0.051)

    qtbot.mouseClick(tab.buttons["clear"], Qt.LeftButton)
    assert trails(tab) == {} and tab.state()["view"]["runs"] == []
    set_values(tab.display_form, overlay="false")
    click(qtbot, tab, tab.run_bar.run_button)
    click(qtbot, tab, tab.run_bar.run_button)
    assert len(trails(tab)) == 1


def test_compare_rules_runs_three_rules_on_the_same_data(qtbot, tab):
    set_values(tab.param_forms["params"], n=1000, eta=0.01, ratio=0.3, angle=60,
               initial_angle=-20)
    set_values(tab.display_form, duration=0)
    (results,) = click(qtbot, tab, tab.buttons["compare"])
    assert [view.params.rule for view in tab.views] == ["oja", "hebb", "covariance"]
    cloud = shown_cloud(tab)
    data = tab.traces.data()
    finals = {}
    for view in tab.views:
        x, y = data[f"cloud/{view.label}"]
        expected = reference_course(cloud, -20.0, 0.01, view.params.rule)
        np.testing.assert_allclose(np.column_stack((x, y)), expected, rtol=1e-7, atol=1e-9)
        finals[view.params.rule] = data[f"norm/{view.label}"][1][-1]
    assert finals["oja"] == pytest.approx(1.0, abs=0.05)
    assert finals["covariance"] == pytest.approx(1.0, abs=0.05)
    assert finals["hebb"] > 100 * finals["oja"]  # |w| ~ exp(eta n var) = exp(10)
    legend = [label.text for _, label in tab.traces.plots["cloud"].legend.items]
    assert sum("hebb" in text for text in legend) == 1


def test_hebb_beyond_the_float_range_is_reported(qtbot, tab):
    set_values(tab.param_forms["params"], n=1000, eta=0.1, center_x=5, center_y=5,
               rule="hebb")
    set_values(tab.display_form, duration=0)
    click(qtbot, tab, tab.run_bar.run_button)
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(np.hypot(*reference_course(shown_cloud(tab), -20.0, 0.1,
                                                        "hebb").T)).sum()
    assert 0 < finite < 1000
    assert f"overflowed the float range after {finite} points" in tab.readout.text()
    assert not tab.views[-1].head.isVisible()


def test_session_restores_parameters_view_and_runs(qtbot, tab, window, tmp_path, make_window):
    set_values(tab.param_forms["params"], n=800, eta=0.03, center_x=5, center_y=5)
    set_values(tab.display_form, duration=0, overlay="true")
    click(qtbot, tab, tab.buttons["compare"])
    set_values(tab.param_forms["params"], rule="covariance", initial_angle=100)
    click(qtbot, tab, tab.run_bar.run_button)
    before = trails(tab)
    assert len(before) == 4
    path = window.save_session(tmp_path / "oja.ndx.json", with_results=True)

    other = make_window("oja")
    restored = other.tabs["oja"]
    with qtbot.waitSignal(restored.result_ready, timeout=5000):
        assert other.open_session(path)
    assert restored.param_forms["params"].params() == tab.param_forms["params"].params()
    assert restored.display_form.params() == tab.display_form.params()
    after = trails(restored)
    assert list(after) == list(before)
    for key in before:
        np.testing.assert_array_equal(after[key][1], before[key][1])

    doc = json.loads(path.read_text())
    doc["tabs"]["oja"]["view"]["runs"][1]["rule"] = "bcm"
    bad = tmp_path / "bad.ndx.json"
    bad.write_text(json.dumps(doc))
    state_before = restored.state()
    assert not other.open_session(bad)
    assert "rule" in other.last_error
    assert restored.state() == state_before
    for broken in ({"view": {"runs": "all"}}, {"display": {"duration": -1}},
                   {"view": {"runs": [{}] * 21}}):
        with pytest.raises(ParamError):
            restored.validate_state({**state_before, **broken})


def test_command_line_export(qtbot, tab, window, tmp_path):
    csv_path, png_path = tmp_path / "oja.csv", tmp_path / "oja.png"
    assert app.main(["--tab", "oja", "--set", "n=600", "--set", "eta=0.02",
                     "--set", "initial_angle=45", "--export", str(csv_path)]) == 0
    table = np.genfromtxt(csv_path, delimiter=",", skip_header=1)
    header = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:2] == ["cloud/data x1", "cloud/data x2"]
    assert header[4].startswith("cloud/#1 oja from 45")
    cloud, trail = table[:, 0:2], table[:, 4:6]
    np.testing.assert_allclose(trail, reference_course(cloud, 45.0, 0.02), rtol=1e-9)

    set_values(tab.display_form, duration=0, overlay="true")
    set_values(tab.param_forms["params"], n=300)
    click(qtbot, tab, tab.buttons["compare"])
    session = window.save_session(tmp_path / "s.ndx.json")
    assert app.main(["--tab", "oja", "--session", str(session), "--export",
                     str(png_path)]) == 0
    image = QImage(str(png_path))
    assert image.width() >= 800 and image.height() >= 400
    assert app.main(["--tab", "oja", "--session", str(session), "--export",
                     str(csv_path)]) == 0
    header = csv_path.read_text(encoding="utf-8").splitlines()[0]
    # the three compared runs of the session, and the form's run added (overlay on)
    assert [f"#{i} {rule}" in header for i, rule in
            enumerate(("oja", "hebb", "covariance", "oja"), 1)] == [True] * 4


def test_compared_rules_all_fit_and_the_covariance_twin_is_told(qtbot, tab):
    set_values(tab.param_forms["params"], n=1000, eta=0.01, ratio=0.3, angle=60,
               initial_angle=-20)
    set_values(tab.display_form, duration=0.5)
    click(qtbot, tab, tab.buttons["compare"])
    assert "learning…" in tab.readout.text()  # no final numbers while the replay runs
    qtbot.waitSignal(tab.animation_finished, timeout=5000).wait()
    assert "|w| = " in tab.readout.text()
    oja_run, hebb, covariance = tab.views
    # on this centred cloud the covariance rule learns exactly Oja's weights: said, and drawn
    # dotted over Oja's curve so that both show
    assert "(≈ #1" in covariance.label and "≈" not in hebb.label
    assert covariance.curves["trail"].item.opts["pen"].style() == Qt.DotLine
    assert oja_run.curves["trail"].item.opts["pen"].style() == Qt.SolidLine
    plots = tab.traces.plots
    (_, _), (w_low, w_high) = plots["weights"].vb.viewRange()
    for view in tab.views:  # Hebb's growing weights too stay inside the frame
        assert w_low <= view.result.w.min() and view.result.w.max() <= w_high
    assert plots["norm"].ctrl.logYCheck.isChecked()  # |w| of Hebb and Oja on a log axis
    (_, _), (n_low, n_high) = plots["norm"].vb.viewRange()
    assert n_low <= np.log10(oja_run.result.w_norm.min())
    assert np.log10(hebb.result.w_norm.max()) <= n_high
