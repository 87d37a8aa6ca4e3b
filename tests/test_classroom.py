"""Classroom and desktop: presentation mode, keys, desktop entry, sessions that keep
everything, autosave, error dialog, clean close (issue 8)."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QAction, QApplication, QMessageBox

from neurodynex_gui import desktop, presentation, recovery, session
from neurodynex_gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def window(make_window):
    window = make_window("lif")
    yield window
    window.set_presentation(False)
    window.set_theme("light")


def run_lif(qtbot, window):
    tab = window.tabs["lif"]
    with qtbot.waitSignal(tab.result_ready, timeout=20000):
        tab.run()
    return tab


def measures(tab):
    plot = tab.traces.plots["v"]
    axis = plot.getAxis("left")
    pen = tab.traces.curve("v", "v").item.opts["pen"]
    return (axis.style["tickFont"].pointSizeF(), pen.widthF(),
            QApplication.font().pointSizeF())


@pytest.mark.parametrize("scale", [1.5, 2.5])
def test_presentation_mode_scales_and_returns(qtbot, window, scale):
    tab = run_lif(qtbot, window)
    window.set_scale(scale)
    tick, pen, font = measures(tab)
    window.set_presentation(True)
    big_tick, big_pen, big_font = measures(tab)
    assert big_tick == pytest.approx(tick * scale)
    assert big_pen == pytest.approx(pen * scale)
    assert big_font == pytest.approx(font * scale)
    run_lif(qtbot, window)  # curves drawn after switching are scaled too
    assert measures(tab)[1] == pytest.approx(pen * scale)
    window.set_presentation(False)
    assert measures(tab) == pytest.approx((tick, pen, font))


def test_dark_theme_and_setting_remembered(window, make_window):
    window.set_theme("dark")
    assert window.tabs["lif"].traces.backgroundBrush().color().name() == "#1e1e1e"
    window.set_presentation(True)
    again = make_window("lif")
    assert again.presentation_action.isChecked()
    assert again.look() == presentation.Look(2.0, "dark")


def test_keyboard_space_runs_and_stops_ctrl_number_switches(qtbot, window):
    tab = window.tabs["lif"]
    tab.param_forms["params"].set_value("tend", "20000")
    window.activateWindow()
    qtbot.keyClick(window.tab_widget, Qt.Key_Space)
    qtbot.waitUntil(lambda: window.runner.busy("lif"), timeout=3000)
    with qtbot.waitSignal(tab.job.stopped, timeout=3000):
        qtbot.keyClick(window.tab_widget, Qt.Key_Space)
    qtbot.keyClick(window.tab_widget, Qt.Key_1, Qt.ControlModifier)
    assert window.current_tab is tab


def test_auto_run_reruns_after_a_change(qtbot, window):
    tab = window.tabs["lif"]
    window.set_auto_run(True)
    try:
        with qtbot.waitSignal(tab.result_ready, timeout=20000) as blocker:
            tab.param_forms["stimulus"].set_value("I_amp", "1.5")
        assert blocker.args[0].spike_count == 45
    finally:
        window.set_auto_run(False)


def test_install_desktop_writes_a_valid_entry_that_starts_the_app(tmp_path):
    (tmp_path / "Desktop").mkdir()
    written = desktop.install(home=tmp_path)
    entry = tmp_path / ".local/share/applications/neurodynex-gui.desktop"
    assert entry in written and (tmp_path / "Desktop/neurodynex-gui.desktop").exists()
    assert (tmp_path / ".local/share/icons/hicolor/48x48/apps/neurodynex-gui.png").exists()
    text = entry.read_text()
    assert "Categories=Education;Science;" in text and "Icon=neurodynex-gui" in text
    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    command = desktop.parse_exec(text)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    started = subprocess.run(command + ["--exit-after-show"], capture_output=True, text=True,
                             timeout=60, env=env)
    assert "window shown" in started.stdout, started.stderr


def test_session_keeps_axis_ranges_and_results(qtbot, window, tmp_path, make_window):
    tab = run_lif(qtbot, window)
    tab.run_tool("fi_curve")
    qtbot.waitSignal(tab.tool_ready, timeout=20000).wait()
    tab.traces.plots["v"].setRange(xRange=(20, 40), yRange=(-0.2, 1.1), padding=0)
    ranges = tab.state()["view"]["ranges"]["traces"]["v"]
    v_before = tab.traces.data()["v/v"][1].copy()
    rates = tab.tool_results["fi_curve"].columns["rate_Hz"].copy()
    path = window.save_session(tmp_path / "lecture.ndx.json", with_results=True)
    assert (tmp_path / "lecture.results.npz").exists()

    fresh = make_window("lif")
    assert fresh.open_session(path)
    other = fresh.tabs["lif"]
    np.testing.assert_allclose(other.traces.data()["v/v"][1], v_before)
    np.testing.assert_allclose(other.tool_results["fi_curve"].columns["rate_Hz"], rates)
    np.testing.assert_allclose(other.state()["view"]["ranges"]["traces"]["v"], ranges, atol=1e-9)


def test_version_1_sessions_are_migrated(window, tmp_path):
    old = {"format": "neurodynex-gui-session", "version": 1, "active_tab": "lif",
           "tabs": {"lif": {"params": {"membrane_time_scale": 4.0}, "view": {"page": 0}}}}
    path = tmp_path / "old.ndx.json"
    path.write_text(json.dumps(old))
    assert window.open_session(path)
    assert window.tabs["lif"].param_forms["params"].params().membrane_time_scale == 4.0
    assert session.load(path)["version"] == session.VERSION


def test_recent_sessions_and_last_session_are_remembered(window, tmp_path):
    path = window.save_session(tmp_path / "a.ndx.json")
    assert window.recent_sessions()[0] == str(path.resolve())
    assert window.recent_menu.actions()[0].text() == str(path.resolve())


def test_autosave_appears_and_restores_after_a_crash(qtbot, runner):
    recovery.end()
    recovery.autosave_path().unlink(missing_ok=True)
    first = MainWindow(runner=runner, tab_ids=["lif"], autosave=True)
    qtbot.addWidget(first)
    first.tabs["lif"].param_forms["params"].set_value("membrane_time_scale", "7")
    first.autosave()
    assert recovery.autosave_path().exists()
    # no clean close: the marker stays, as after a crash
    second = MainWindow(runner=runner, tab_ids=["lif"], autosave=True)
    qtbot.addWidget(second)
    assert second.tabs["lif"].param_forms["params"].params().membrane_time_scale == 1.0
    qtbot.waitUntil(second.restore_box.isVisible)
    assert not second._autosave_timer.isActive()  # the crashed autosave waits for the answer
    opened = []
    second.statusBar().messageChanged.connect(
        lambda text: opened.append(text) if text.startswith("Session opened") else None)
    second.restore_box.button(QMessageBox.Yes).click()
    assert len(opened) == 1  # restored once
    assert second.tabs["lif"].param_forms["params"].params().membrane_time_scale == 7.0
    assert second._autosave_timer.isActive()
    second.close()
    assert recovery.begin() is False  # a clean close leaves nothing to restore
    recovery.end()


def test_an_exception_in_a_slot_shows_a_dialog_and_the_app_continues(qtbot, window):
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        window.report_exception(*sys.exc_info())
    box = window.error_box
    assert "boom in a slot" in box.text() and "Traceback" in box.detailedText()
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert "boom in a slot" in QApplication.clipboard().text()
    box.close()
    assert run_lif(qtbot, window).result.spike_count == 9


def test_export_all_and_copy_figure(qtbot, window, tmp_path):
    run_lif(qtbot, window)
    written = window.export_all(tmp_path)
    assert {p.suffix for p in written} == {".png", ".svg"}
    assert all(p.stat().st_size > 0 for p in written)
    window.copy_figure()
    assert not QApplication.clipboard().image().isNull()


def test_exercise_panel_names_book_section(window):
    window.exercise_dock.show()
    text = window.exercise_text.toPlainText()
    assert "1.3" in text and "Minimum step amplitude" in text


CLOSE_DURING_RUN = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PyQt5.QtCore import QTimer
    from neurodynex_gui.app import exec_window, make_application
    from neurodynex_gui.main_window import MainWindow

    def main():
        app = make_application()
        window = MainWindow(tab_ids=["lif"])
        window.show()
        tab = window.tabs["lif"]
        tab.param_forms["params"].set_value("tend", "100000")
        def close():
            global closed_at
            closed_at = time.perf_counter()
            window.close()
            print(f"closed in {time.perf_counter() - closed_at:.3f} s", flush=True)
        QTimer.singleShot(0, tab.run)
        QTimer.singleShot(0, lambda: tab.job.chunk.connect(lambda _c: QTimer.singleShot(0, close)))
        sys.exit(exec_window(app, window))

    if __name__ == "__main__":
        main()
""")


def test_closing_during_a_long_run_ends_cleanly(tmp_path):
    script = tmp_path / "close_during_run.py"
    script.write_text(CLOSE_DURING_RUN)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=60, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "closed in" in result.stdout  # the time it took: bench/bench_lif.py
    assert "QThread" not in result.stderr and "Traceback" not in result.stderr


def test_a_session_whose_results_do_not_fit_changes_nothing(qtbot, window, tmp_path):
    tab = run_lif(qtbot, window)
    path = window.save_session(tmp_path / "s.ndx.json", with_results=True)
    results = tmp_path / "s.results.npz"
    with np.load(results) as data:
        kept = {k: data[k] for k in data.files if not k.endswith("v/v/y")}
    np.savez(results, **kept)
    tab.param_forms["params"].set_value("tend", "50")
    before = window.session_state()
    assert not window.open_session(path)
    assert "incomplete" in window.last_error
    assert window.session_state()["tabs"] == before["tabs"]
    results.write_bytes(b"not a zip file")
    assert not window.open_session(path)
    assert "cannot be read" in window.last_error


def test_a_tab_shows_its_default_run_the_first_time_it_is_shown(qtbot, runner):
    window = MainWindow(runner=runner, tab_ids=["lif", "oja"], lazy=True,
                        run_on_first_view=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window._tabs["lif"].result_ready, timeout=30000) as first:
        window.show()
    assert first.args[0].spike_count == 9  # the exercise package's LIF_Step defaults
    qtbot.waitUntil(lambda: "oja" in window._tabs)  # built right after the window shows
    oja_tab = window._tabs["oja"]
    assert oja_tab.result is None  # built in the background, not run
    with qtbot.waitSignal(oja_tab.result_ready, timeout=30000):
        window.tab_widget.setCurrentWidget(oja_tab)
    for tab in window._tabs.values():
        tab.stop()


def test_space_and_ctrl_e_work_while_a_parameter_field_has_focus(qtbot, window, tmp_path,
                                                                  monkeypatch):
    tab = window.tabs["lif"]
    tab.param_forms["params"].set_value("tend", "20000")
    window.activateWindow()
    field = tab.param_forms["params"].editor("membrane_time_scale")
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key_Space)
    qtbot.waitUntil(lambda: window.runner.busy("lif"), timeout=3000)
    assert field.text() == "1"  # the space did not go into the number
    with qtbot.waitSignal(tab.job.stopped, timeout=3000):
        qtbot.keyClick(field, Qt.Key_Space)
    asked = []
    monkeypatch.setattr(window, "export_dialog", lambda kind="figure": asked.append(kind))
    qtbot.keyClick(field, Qt.Key_E, Qt.ControlModifier)
    qtbot.keyClick(field, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)
    assert asked == ["figure", "data"]


def test_visiting_every_tab_keeps_the_window_size(qtbot, make_window):
    """No tab (with its default run shown) needs a window wider than the default 1280 px."""
    window = make_window()
    window.resize(1280, 820)
    for index, tab in enumerate(window.tabs.values()):
        window.tab_widget.setCurrentIndex(index)
        if tab.auto_run:
            with qtbot.waitSignal(tab.result_ready, timeout=30000):
                tab.show_default_run()
        else:
            tab.show_default_run()
        qtbot.wait(20)
        assert window.minimumSizeHint().width() <= 1280, tab.tab_id
        assert window.width() == 1280, tab.tab_id


def test_exercise_panel_reads_well_and_units_use_the_micro_sign(qtbot, make_window):
    window = make_window()
    window.resize(1280, 820)
    window.exercise_dock.show()
    qtbot.wait(50)
    assert window.exercise_dock.width() >= 300
    from PyQt5.QtWidgets import QLabel

    for tab in window.tabs.values():
        for form in [*tab.param_forms.values(), *tab.tool_forms.values()]:
            units = {label.text() for label in form.findChildren(QLabel)}
            assert not units & {"uA", "uF", "uS", "um", "uV", "us"}, tab.tab_id
    hh_units = {label.text() for label in window.tabs["hh"].param_forms["stimulus"]
                .findChildren(QLabel)}
    assert "µA" in hh_units


def test_file_dialogs_open_in_documents_then_in_the_last_folder(tmp_path):
    from PyQt5.QtCore import QStandardPaths

    from neurodynex_gui import dialog_folder

    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    expected = Path(documents) if Path(documents).is_dir() else Path.home()
    assert dialog_folder.start_folder() == expected
    assert Path(dialog_folder.start_folder()) != Path(__file__).resolve().parents[1]
    dialog_folder.remember(tmp_path / "lecture.ndx.json")
    assert dialog_folder.start_path("x.png") == str(tmp_path / "x.png")


def test_precompile_menu_shows_progress_and_a_summary(qtbot, window, monkeypatch):
    from neurodynex_gui import main_window

    monkeypatch.setattr(main_window, "PRECOMPILE", "runner_jobs:precompile_three")
    action = next(a for a in window.findChildren(QAction)
                  if a.text() == "&Precompile all models")
    values = []
    window.precompile_bar.valueChanged.connect(values.append)
    action.trigger()
    assert window.precompile_bar.isVisibleTo(window)
    qtbot.waitUntil(lambda: not window.precompile_bar.isVisibleTo(window), timeout=30000)
    assert values[-1] == 3 and window.precompile_bar.maximum() == 3
    assert window.statusBar().currentMessage() == (
        "Precompiled: 2 built, 1 already cached, 1 failed, in 0 s")
