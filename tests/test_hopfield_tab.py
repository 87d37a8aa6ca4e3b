"""Hopfield tab through its real widgets: drawing, the animation, Step and Stop, experiments,
sessions with drawn patterns, command-line export."""
import csv
import json

import numpy as np
import pytest
from PyQt5.QtCore import QEvent, QPointF, Qt
from PyQt5.QtGui import QMouseEvent
from PyQt5.QtWidgets import QApplication, QPushButton

from neurodynex_gui.models import hopfield as hf


@pytest.fixture
def window(make_window):
    return make_window("hopfield")


@pytest.fixture
def tab(window):
    return window.tabs["hopfield"]


def set_params(tab, **values):
    for name, value in values.items():
        form = next(f for f in tab.param_forms.values() if name in f.params_class.names())
        assert form.set_value(name, str(value)), form.error(name)


def drag(tab, cells):
    """Press the left button on the first cell, move over the others, release on the last."""
    view = tab.traces
    # pixel (row, column) spans [column, column + 1] x [row, row + 1] in the grid's coordinates
    points = [view.mapFromScene(tab.grid.mapToScene(QPointF(col + 0.5, row + 0.5)))
              for row, col in cells]
    events = [(QEvent.MouseButtonPress, points[0], Qt.LeftButton)]
    events += [(QEvent.MouseMove, p, Qt.NoButton) for p in points[1:]]
    events += [(QEvent.MouseButtonRelease, points[-1], Qt.LeftButton)]
    for kind, point, button in events:
        held = Qt.NoButton if kind == QEvent.MouseButtonRelease else Qt.LeftButton
        screen = QPointF(view.viewport().mapToGlobal(point))  # the scene finds items by it
        event = QMouseEvent(kind, QPointF(point), screen, button, held, Qt.NoModifier)
        QApplication.sendEvent(view.viewport(), event)


def click(qtbot, thumbnails, item):
    qtbot.mouseClick(thumbnails.viewport(), Qt.LeftButton,
                     pos=thumbnails.visualItemRect(item).center())


def overlap_data(tab, mu):
    return tab.traces.data()[f"overlap/pattern {mu}"]


def test_drawing_on_the_grid_flips_the_pixels_under_the_mouse(tab, qtbot):
    set_params(tab, N=12)
    tab.clear_grid()
    assert (tab.grid.state == -1).all()
    drag(tab, [(3, 1), (3, 9)])  # one move: the pixels between are filled in too
    expected = -np.ones((12, 12), dtype=int)
    expected[3, 1:10] = 1
    np.testing.assert_array_equal(tab.grid.state, expected)
    np.testing.assert_array_equal(tab.net.x, expected.ravel())  # the network's state follows
    assert tab.param_forms["animation"].params().start == "grid"
    drag(tab, [(3, 4), (6, 4)])  # starting on a +1 pixel: the drag paints -1
    expected[3:7, 4] = -1
    np.testing.assert_array_equal(tab.grid.state, expected)


def test_animation_retrieves_a_letter_step_by_step(tab, qtbot):
    set_params(tab, kind="letters", P=3, mu=1, flip_ratio=0.2, speed=60)
    letter_b = hf.load_alphabet()["b"]
    shown = []
    tab.grid.sigImageChanged.connect(lambda: shown.append(tab.grid.state))
    with qtbot.waitSignal(tab.result_ready, timeout=5000) as finished:
        qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
        assert tab.replay.playing
    run = finished.args[0]
    wrong = [np.count_nonzero(state != letter_b) for state in shown]
    assert wrong[0] == 20  # the cue: 20 % of 100 pixels flipped
    assert wrong[-1] == 0 and len(set(wrong)) >= 2  # the grid moved to the letter
    t, m = overlap_data(tab, 1)
    np.testing.assert_array_equal(t, np.arange(len(run.states)))
    assert m[0] == pytest.approx(1 - 2 * 0.2)  # m = 1 - 2 (flipped fraction)
    assert m[-1] == 1.0
    assert len(tab.traces.data()) == 3 + 1 + 1  # one overlap per letter, energy, grid
    patterns = hf.letter_patterns("abc").reshape(3, 100).astype(float)
    w = (patterns.T @ patterns - 3 * np.eye(100)) / 100
    s = letter_b.ravel().astype(float)
    assert tab.traces.data()["energy/energy"][1][-1] == pytest.approx(-0.5 * s @ w @ s)
    assert not tab.replay.playing and not tab.run_bar.stop_button.isEnabled()
    assert "Retrieved pattern 1" in tab.readout.text()


def test_step_advances_one_update_and_stop_ends_the_run(tab, qtbot):
    set_params(tab, N=20, P=40, flip_ratio=0.3, mode="async", t_max=50, speed=0.5)
    qtbot.mouseClick(tab.replay_bar.step_button, Qt.LeftButton)
    qtbot.mouseClick(tab.replay_bar.step_button, Qt.LeftButton)
    t, m = overlap_data(tab, 0)
    np.testing.assert_array_equal(t, [0, 1])
    assert m[0] == pytest.approx(1 - 2 * 0.3)
    qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)  # restarts, 2 s per step
    assert tab.run_bar.stop_button.isEnabled()
    with qtbot.waitSignal(tab.result_ready, timeout=2000) as stopped:
        qtbot.mouseClick(tab.run_bar.stop_button, Qt.LeftButton)
    assert len(stopped.args[0].states) == 1  # stopped at t = 0
    assert not tab.replay.playing
    assert tab.run_bar.state.text() == "stopped after 0 updates"
    qtbot.wait(50)
    np.testing.assert_array_equal(overlap_data(tab, 0)[0], [0])


def test_selecting_a_thumbnail_cues_that_pattern(tab, qtbot):
    set_params(tab, kind="checkerboard", P=4, N=8)
    item = tab.thumbnails.item(0)
    assert tab.thumbnails.count() == 4 and item.text() == "0 checkerboard"
    click(qtbot, tab.thumbnails, tab.thumbnails.item(2))
    assert tab.param_forms["params"].params().mu == 2
    assert tab.thumbnails.currentRow() == 2
    np.testing.assert_array_equal(tab.grid.state, tab.net.grid(2))
    click(qtbot, tab.thumbnails, item)
    np.testing.assert_array_equal(tab.grid.state, hf.checkerboard(8))


def test_drawn_pattern_round_trips_through_a_session(window, tab, qtbot, tmp_path):
    set_params(tab, N=10, P=2)
    tab.clear_grid()
    drag(tab, [(1, 1), (8, 8)])  # a diagonal stroke
    drawn = tab.grid.state
    assert np.count_nonzero(drawn == 1) == 8
    tab.store_grid()
    assert len(tab.net.patterns) == 3
    np.testing.assert_array_equal(tab.net.patterns[2], drawn.ravel())
    assert tab.param_forms["params"].params().mu == 2  # the new pattern is selected
    drag(tab, [(0, 9)])
    grid = tab.grid.state
    path = window.save_session(tmp_path / "drawn.ndx.json")

    tab.forget_drawn()
    set_params(tab, N=12, mu=0)
    assert len(tab.net.patterns) == 2 and tab.grid.N == 12
    assert window.open_session(path)
    assert tab.param_forms["params"].params().N == 10
    np.testing.assert_array_equal(tab.drawn[0], drawn)
    np.testing.assert_array_equal(tab.net.patterns[2], drawn.ravel())
    np.testing.assert_array_equal(tab.grid.state, grid)
    assert tab.param_forms["params"].params().mu == 2

    tab.run_blocking()  # a run, saved with the results this time
    overlaps = tab.traces.data()
    with_results = window.save_session(tmp_path / "run.ndx.json", with_results=True)
    tab.start_run()
    assert "energy/energy" not in tab.traces.data()
    assert window.open_session(with_results)
    restored = tab.traces.data()
    for key in ("overlap/pattern 0", "overlap/pattern 2", "energy/energy"):
        np.testing.assert_array_equal(restored[key], overlaps[key])

    bad = json.loads(path.read_text())
    bad["tabs"]["hopfield"]["view"]["drawn"][0][3] = "..x......."
    (tmp_path / "bad.ndx.json").write_text(json.dumps(bad))
    window.show_error = lambda title, text: None  # no message box in a test
    assert not window.open_session(tmp_path / "bad.ndx.json")
    np.testing.assert_array_equal(tab.drawn[0], drawn)


def test_capacity_experiment_shows_progress_and_marks_0_138_n_squared(tab, qtbot):
    tab.tool_forms["capacity"].set_value("trials", "5")
    with qtbot.waitSignal(tab.tool_ready, timeout=10000):
        qtbot.mouseClick(tab.findChild(QPushButton, "tool_capacity"), Qt.LeftButton)
    assert tab.progress_bars["capacity"].value() == 100
    P, rate = tab.analysis.data()["retrieval_rate/retrieval_rate"]
    np.testing.assert_array_equal(P, np.arange(1, 31))
    assert rate[0] == 1.0 and rate[-1] <= 0.2  # P = 30 in 100 neurons: far over capacity
    lines = [item.value() for item in tab.analysis.plots["retrieval_rate"].items
             if hasattr(item, "angle")]
    assert lines == [pytest.approx(13.8)]
    assert "0.138 N² = 13.8" in tab.readout.text()


def test_error_correction_experiment_can_be_stopped(tab, qtbot):
    set_params(tab, N=40)
    tab.tool_forms["error_correction"].set_value("trials", "500")
    button = tab.findChild(QPushButton, "tool_error_correction")
    qtbot.mouseClick(button, Qt.LeftButton)
    with qtbot.waitSignal(tab.job.stopped, timeout=10000):
        qtbot.mouseClick(tab.run_bar.stop_button, Qt.LeftButton)
    assert tab.progress_bars["error_correction"].value() < 100
    assert tab.run_bar.state.text() == "stopped"


def test_weights_page_shows_the_hebbian_matrix_or_says_why_not(tab):
    set_params(tab, N=4, P=2)
    tab.pages.setCurrentWidget(tab.weights)
    p = tab.net.patterns.astype(float)
    expected = (p.T @ p - 2 * np.eye(16)) / 16
    np.testing.assert_allclose(tab.weights.image.image, expected)
    set_params(tab, N=60)
    assert tab.weights.image.image is None
    assert "N = 60" in tab.weights.plots["w"].titleLabel.text


def test_command_line_export_writes_overlaps_energy_and_grid(tmp_path, main_py):
    out = tmp_path / "hopfield.csv"
    done = main_py("--tab", "hopfield", "--set", "kind=letters", "--set", "mu=2", "--export",
                   str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(out.open()))
    column = {name: i for i, name in enumerate(rows[0])}
    m = [float(r[column["overlap/pattern 2 overlap m"]]) for r in rows[1:]
         if r[column["overlap/pattern 2 overlap m"]]]
    assert m[0] == pytest.approx(0.8) and m[-1] == 1.0  # 10 % flipped, then retrieved
    state = [float(r[column["grid/state state S (+1 or -1)"]]) for r in rows[1:]]
    np.testing.assert_array_equal(state, hf.load_alphabet()["c"].ravel())
    png = tmp_path / "hopfield.png"
    assert main_py("--tab", "hopfield", "--set", "P=4", "--export", str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    refused = main_py("--tab", "hopfield", "--set", "mu=5", "--export", str(png))
    assert refused.returncode == 2 and "mu" in refused.stderr  # only 3 patterns stored


def test_the_default_run_is_shown_and_counted_in_words(tab):
    assert tab.result is None
    tab.show_default_run()  # what the window does the first time the tab is shown
    run = tab.result
    t, m = overlap_data(tab, 0)
    assert len(t) == len(run.states) and m[-1] == 1.0  # pattern 0 retrieved
    updates = len(run.states) - 1
    assert tab.run_bar.state.text() == f"done after {updates} update{'s' * (updates != 1)}"
    assert "1 updates" not in tab.caption.text()


def test_the_grid_stays_in_place_when_its_caption_changes(qtbot, tab):
    tab.show_default_run()
    qtbot.wait(20)
    where = tab.grid.mapToScene(0, 0)
    tab.caption.setText("Grid: the network as drawn by hand after many, many updates (in red: "
                        "the pixels unlike pattern 12)")
    qtbot.wait(20)
    assert tab.grid.mapToScene(0, 0) == where
