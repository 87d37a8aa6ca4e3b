"""The main window: tabs, menus, status bar, sessions, export, presentation and recovery."""
from __future__ import annotations

import traceback
from pathlib import Path

import pyqtgraph as pg
from PyQt5.QtCore import QEvent, QSettings, Qt, QTimer, pyqtSignal
from PyQt5.QtGui import QIcon, QKeySequence
from PyQt5.QtWidgets import (QAction, QActionGroup, QApplication, QDockWidget, QFileDialog,
                             QInputDialog, QLabel, QMainWindow, QMessageBox,
                             QTabWidget, QTextBrowser)

from . import export, presentation, recovery, resources, session
from .models.params import ParamError
from .runner import Runner
from .tabs import TAB_MODULES, tab_class

AUTOSAVE_MS = 60_000
RECENT_MAX = 8
SCALES = (1.5, 2.0, 2.5)


class MainWindow(QMainWindow):
    first_paint = pyqtSignal()  # the window is on the screen (start-up benchmark)

    """One tab per model; the menus act on the current tab.

    ``autosave=True`` (the application) saves the session every minute to the user's data
    folder and offers it back after a crash; ``lazy=True`` (the application) builds the current
    tab before the window shows and the others right after; ``run_on_first_view=True`` (the
    application) runs a tab's default simulation the first time it is shown, so that no plot
    greets a user empty. Tests leave them off.
    """

    def __init__(self, runner: Runner | None = None, tab_ids=None, autosave: bool = False,
                 lazy: bool = False, run_on_first_view: bool = False):
        super().__init__()
        self.setWindowTitle("neurodynex-gui: Neuronal Dynamics, live")
        self.setWindowIcon(app_icon())
        self.resize(1280, 820)
        self._owns_runner = runner is None
        self.runner = runner if runner is not None else Runner()
        self.settings = QSettings()
        self.session_path: Path | None = None
        self.last_error = ""
        self.tab_widget = QTabWidget()
        self.tab_widget.setDocumentMode(True)
        self.setCentralWidget(self.tab_widget)
        self.tab_ids = list(tab_ids or TAB_MODULES)
        self._tabs = {}
        for tab_id in self.tab_ids:
            title = TAB_MODULES[tab_id][2]
            self.tab_widget.addTab(QLabel(f"Loading {title}…", alignment=Qt.AlignCenter), title)
        self.simulator_state = QLabel("simulator not started")
        self.statusBar().addPermanentWidget(self.simulator_state)
        self.runner.status.connect(self.simulator_state.setText)
        self._exercise_dock()
        self._menus()
        self.tab_widget.currentChanged.connect(self._tab_changed)
        self._restore_settings()
        self._run_on_first_view = run_on_first_view
        self._viewed: set[str] = set()
        if lazy:  # the current tab now, the others one by one once the window is up
            self._build(self.tab_ids[self.tab_widget.currentIndex()])
            QTimer.singleShot(0, self._build_next)
        else:
            self.build_all_tabs()
        QTimer.singleShot(0, lambda: self._tab_changed(self.tab_widget.currentIndex()))
        self.show_message("Ready. Ctrl+R or Space runs the current tab, Esc stops it, "
                          "F5 presentation mode.")
        self._autosave_timer = None
        if autosave:
            self._start_autosave()
        QTimer.singleShot(0, self.runner.start)

    @property
    def current_tab(self):
        return self.tab_widget.currentWidget()

    @property
    def tabs(self) -> dict:
        """Every tab by id (building those not built yet)."""
        self.build_all_tabs()
        return self._tabs

    def build_all_tabs(self) -> None:
        for tab_id in self.tab_ids:
            if tab_id not in self._tabs:
                self._build(tab_id)

    def _build_next(self) -> None:
        pending = [tab_id for tab_id in self.tab_ids if tab_id not in self._tabs]
        if pending:
            self._build(pending[0])
            QTimer.singleShot(0, self._build_next)

    def _build(self, tab_id: str):
        """Create a tab in place of its placeholder, with the window's current settings."""
        tab = tab_class(tab_id)(self.runner)
        self._tabs[tab_id] = tab
        tab.message.connect(self.show_message)
        tab.run_failed.connect(self._run_failed)
        tab.result_ready.connect(lambda _result, t=tab: presentation.refresh(t))
        tab.tool_ready.connect(lambda _key, _result, t=tab: presentation.refresh(t))
        for panel in (tab.traces, tab.analysis):
            panel.export_requested.connect(self.export_dialog)
        tab.auto_run_enabled = self.auto_run_action.isChecked()
        tab.side_panel.setVisible(self.side_action.isChecked())
        index, current = self.tab_ids.index(tab_id), self.tab_widget.currentIndex()
        self.tab_widget.blockSignals(True)
        placeholder = self.tab_widget.widget(index)
        self.tab_widget.removeTab(index)
        placeholder.deleteLater()
        self.tab_widget.insertTab(index, tab, tab.title)
        self.tab_widget.setTabToolTip(index, tab.book_section)
        self.tab_widget.setCurrentIndex(current)
        self.tab_widget.blockSignals(False)
        presentation.refresh(tab)
        if index == current:
            self._show_exercises()
        return tab

    # -- menus ---------------------------------------------------------------------------------

    def _menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open session…", QKeySequence.Open, self.open_session_dialog)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self._action(file_menu, "&Save session", QKeySequence("Ctrl+S"),
                     self.save_session_dialog)
        self._action(file_menu, "Save session &as…", QKeySequence("Ctrl+Shift+S"),
                     lambda: self.save_session_dialog(ask=True))
        self.save_results_action = self._action(
            file_menu, "Include &results in sessions", None, None, checkable=True,
            tip="Also store the last results beside the session file (NPZ)")
        file_menu.addSeparator()
        self._action(file_menu, "&Export figure (PNG/SVG)…", QKeySequence("Ctrl+E"),
                     lambda: self.export_dialog("figure"))
        self._action(file_menu, "Export &data (CSV/NPZ)…", QKeySequence("Ctrl+Shift+E"),
                     lambda: self.export_dialog("data"))
        self._action(file_menu, "Export all plots of this &tab…", None,
                     lambda: self.export_all_dialog(all_tabs=False))
        self._action(file_menu, "Export all plots of all tabs…", None,
                     lambda: self.export_all_dialog(all_tabs=True))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.Quit, self.close)

        edit_menu = bar.addMenu("&Edit")
        self._action(edit_menu, "&Copy figure", QKeySequence("Ctrl+Shift+C"), self.copy_figure)

        sim_menu = bar.addMenu("&Simulation")
        self._action(sim_menu, "&Run", QKeySequence("Ctrl+R"), lambda: self.current_tab.run())
        self._action(sim_menu, "&Stop", QKeySequence(Qt.Key_Escape),
                     lambda: self.current_tab.stop())
        self._action(sim_menu, "Run / stop", QKeySequence(Qt.Key_Space), self.toggle_run)
        self.auto_run_action = self._action(
            sim_menu, "&Auto-run on every change", QKeySequence("Ctrl+Shift+R"),
            self.set_auto_run, checkable=True,
            tip="Re-simulate as soon as a parameter changes (tabs whose runs are fast)")
        self._action(sim_menu, "Reset &parameters", None,
                     lambda: self.current_tab.reset_defaults())

        view_menu = bar.addMenu("&View")
        self.presentation_action = self._action(
            view_menu, "&Presentation mode", QKeySequence(Qt.Key_F5),
            lambda on: self.set_presentation(on), checkable=True,
            tip="Large fonts, thick lines and markers for a projector")
        scale_menu = view_menu.addMenu("Presentation &scale")
        self.scale_group = QActionGroup(self)
        for scale in SCALES:
            action = self._action(scale_menu, f"{scale:g}×", None,
                                  lambda _=False, s=scale: self.set_scale(s), checkable=True)
            self.scale_group.addAction(action)
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        for theme in presentation.THEMES:
            action = self._action(theme_menu, theme.capitalize(), None,
                                  lambda _=False, t=theme: self.set_theme(t), checkable=True)
            self.theme_group.addAction(action)
        self._action(view_menu, "&Full screen", QKeySequence(Qt.Key_F11), self.toggle_fullscreen)
        self.side_action = self._action(view_menu, "&Side panels", QKeySequence("Ctrl+B"),
                                        self.set_side_panels, checkable=True)
        self.side_action.setChecked(True)
        view_menu.addAction(self.exercise_dock.toggleViewAction())
        self.exercise_dock.toggleViewAction().setShortcut(QKeySequence(Qt.Key_F1))
        view_menu.addSeparator()
        for index, tab_id in enumerate(self.tab_ids[:9]):
            self._action(view_menu, f"Tab {index + 1}: {TAB_MODULES[tab_id][2]}",
                         QKeySequence(f"Ctrl+{index + 1}"),
                         lambda _=False, i=index: self.tab_widget.setCurrentIndex(i))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About", None, self._about)

    def _action(self, menu, text, shortcut, slot, checkable=False, tip="") -> QAction:
        action = QAction(text, self)
        action.setCheckable(checkable)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ApplicationShortcut)
        if slot is not None:
            action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _exercise_dock(self) -> None:
        self.exercise_text = QTextBrowser()
        self.exercise_text.setOpenExternalLinks(True)
        self.exercise_dock = QDockWidget("Exercises", self)
        self.exercise_dock.setObjectName("exercises")
        self.exercise_dock.setWidget(self.exercise_text)
        self.addDockWidget(Qt.RightDockWidgetArea, self.exercise_dock)
        self.exercise_dock.hide()
        self._show_exercises()

    def _show_exercises(self) -> None:
        tab = self.current_tab
        if tab is not None and hasattr(tab, "exercises"):
            self.exercise_text.setHtml(f"<h3>{tab.title}</h3><p><i>{tab.book_section}</i></p>"
                                       + (tab.exercises or "<p>No exercises for this tab.</p>"))

    def _tab_changed(self, index) -> None:
        tab_id = self.tab_ids[index]
        if tab_id not in self._tabs:
            self._build(tab_id)
        tab = self._tabs[tab_id]
        if self._run_on_first_view and tab_id not in self._viewed and tab.auto_run \
                and tab.result is None:
            tab.run()
        self._viewed.add(tab_id)
        self._show_exercises()
        presentation.refresh(self.current_tab)

    # -- messages and errors ---------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def show_error(self, title: str, text: str, details: str = "") -> QMessageBox:
        """A non-blocking message box (and the status bar); details get a Copy button."""
        self.last_error = text
        self.show_message(f"{title}: {text}")
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        if details:
            box.setDetailedText(details)
            copy = box.addButton("Copy details", QMessageBox.ActionRole)
            copy.clicked.disconnect()
            copy.clicked.connect(lambda: QApplication.clipboard().setText(f"{text}\n\n{details}"))
        box.open()
        self.error_box = box
        return box

    def report_exception(self, kind, value, tb) -> None:
        """An unexpected exception in a slot: a dialog with the details; the app goes on."""
        details = "".join(traceback.format_exception(kind, value, tb))
        traceback.print_exception(kind, value, tb)
        self.show_error("Unexpected error", f"{kind.__name__}: {value}", details)

    def _run_failed(self, text: str) -> None:
        self.last_error = text  # the tab shows it in its readout, the status bar says which

    # -- running ---------------------------------------------------------------------------

    def toggle_run(self) -> None:
        tab = self.current_tab
        if self.runner.busy(tab.tab_id):
            tab.stop()
        else:
            tab.run()

    def set_auto_run(self, on: bool) -> None:
        for tab in self._tabs.values():
            tab.auto_run_enabled = bool(on)
        self.auto_run_action.setChecked(bool(on))
        self.settings.setValue("auto_run", bool(on))
        slow = [tab_class(t).title for t in self.tab_ids if not tab_class(t).auto_run]
        note = f" (not for: {', '.join(slow)})" if on and slow else ""
        self.show_message(f"Auto-run {'on' if on else 'off'}{note}")

    # -- presentation ----------------------------------------------------------------------

    def look(self) -> presentation.Look:
        scale = float(self.settings.value("presentation/scale", 2.0))
        theme = str(self.settings.value("presentation/theme", "light"))
        theme = theme if theme in presentation.THEMES else "light"
        return presentation.Look(scale if self.presentation_action.isChecked() else 1.0, theme)

    def set_presentation(self, on: bool) -> None:
        self.presentation_action.setChecked(bool(on))
        self.settings.setValue("presentation/on", bool(on))
        presentation.apply(self, self.look())
        self.show_message(f"Presentation mode {'on' if on else 'off'}")

    def set_scale(self, scale: float) -> None:
        self.settings.setValue("presentation/scale", float(scale))
        self._check_menu(self.scale_group, f"{scale:g}×")
        presentation.apply(self, self.look())

    def set_theme(self, theme: str) -> None:
        self.settings.setValue("presentation/theme", theme)
        self._check_menu(self.theme_group, theme.capitalize())
        presentation.apply(self, self.look())

    def set_side_panels(self, visible: bool) -> None:
        for tab in self._tabs.values():
            tab.side_panel.setVisible(bool(visible))
        self.side_action.setChecked(bool(visible))

    def toggle_fullscreen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    @staticmethod
    def _check_menu(group: QActionGroup, text: str) -> None:
        for action in group.actions():
            action.setChecked(action.text() == text)

    # -- sessions ------------------------------------------------------------------------------

    def session_state(self) -> dict:
        tabs = {tab_id: tab.state() for tab_id, tab in self.tabs.items()}
        active = next((i for i, t in self.tabs.items() if t is self.current_tab), None)
        return session.document(tabs, active)

    def save_session(self, path, with_results: bool | None = None) -> Path:
        if with_results is None:
            with_results = self.save_results_action.isChecked()
        doc = self.session_state()
        results = ({tab_id: tab.result_arrays() for tab_id, tab in self.tabs.items()}
                   if with_results else None)
        path = session.save(path, doc["tabs"], doc["active_tab"], results)
        self.session_path = path
        self._remember_session(path)
        self.show_message(f"Session saved to {path}" + (" with results" if results else ""))
        return path

    def open_session(self, path) -> bool:
        """Load a session; on any problem show why and change nothing."""
        try:
            doc = session.load(path)
            notes = session.check_states(doc, self.tabs, Path(path).name)
            results = session.load_results(path, doc)
        except (session.SessionError, ParamError) as error:
            self.show_error("Cannot open session", str(error))
            return False
        before = self.session_state()
        try:
            for tab_id, state in doc["tabs"].items():
                if tab_id in self.tabs:
                    self.tabs[tab_id].restore(state, results.get(tab_id))
        except Exception as error:  # e.g. saved results that do not fit: put everything back
            for tab_id, state in before["tabs"].items():
                self.tabs[tab_id].restore(state)
            self.show_error("Cannot open session", f"{Path(path).name}: {error}")
            return False
        if doc.get("active_tab") in self.tabs:
            self.tab_widget.setCurrentWidget(self.tabs[doc["active_tab"]])
        self.session_path = Path(path)
        self._remember_session(path)
        presentation.refresh(self)
        skipped = sorted(set(doc["tabs"]) - set(self.tabs))
        note = f" (tabs not in this version skipped: {', '.join(skipped)})" if skipped else ""
        self.show_message(f"Session opened from {path}{note}" + "".join(f"; {n}" for n in notes))
        return True

    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open session", "",
                                              f"Sessions (*{session.SUFFIX});;All files (*)")
        if path:
            self.open_session(path)

    def save_session_dialog(self, ask: bool = False) -> None:
        path = self.session_path
        if ask or path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save session", "session"
                                                    + session.SUFFIX,
                                                    f"Sessions (*{session.SUFFIX})")
            if not chosen:
                return
            path = Path(chosen if chosen.endswith(session.SUFFIX) else chosen + session.SUFFIX)
        try:
            self.save_session(path)
        except OSError as error:
            self.show_error("Cannot save session", f"{path}: {error.strerror or error}")

    def _remember_session(self, path) -> None:
        path = str(Path(path).resolve())
        recent = [p for p in self.recent_sessions() if p != path]
        self.settings.setValue("recent_sessions", [path] + recent[:RECENT_MAX - 1])
        self.settings.setValue("last_session", path)
        self._fill_recent_menu()

    def recent_sessions(self) -> list[str]:
        value = self.settings.value("recent_sessions", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_sessions():
            self.recent_menu.addAction(path, lambda p=path: self.open_session(p))
        self.recent_menu.setEnabled(bool(self.recent_sessions()))

    # -- autosave and recovery -------------------------------------------------------------

    def _start_autosave(self) -> None:
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        if not recovery.begin():
            self._autosave_timer.start()
            return
        # the crashed session's autosave is kept until the question is answered
        box = QMessageBox(QMessageBox.Question, "Restore the last session?",
                          "neurodynex-gui did not close normally last time. Restore the "
                          "session saved automatically before that?",
                          QMessageBox.Yes | QMessageBox.No, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.button(QMessageBox.Yes).clicked.connect(self.restore_autosave)
        box.finished.connect(lambda _result: self._autosave_timer.start())
        QTimer.singleShot(0, box.open)
        self.restore_box = box

    def autosave(self) -> Path:
        doc = self.session_state()
        return session.save(recovery.autosave_path(), doc["tabs"], doc["active_tab"])

    def restore_autosave(self) -> bool:
        return self.open_session(recovery.autosave_path())

    # -- export --------------------------------------------------------------------------------

    def export_to(self, path, width: int | None = None) -> Path:
        return export.export(self.current_tab.export_panel(), path, width)

    def export_dialog(self, kind: str = "figure") -> None:
        filters = ("PNG image (*.png);;SVG drawing (*.svg)" if kind == "figure"
                   else "CSV table (*.csv);;NumPy arrays (*.npz)")
        name = f"{self.current_tab.tab_id}.{'png' if kind == 'figure' else 'csv'}"
        path, chosen = QFileDialog.getSaveFileName(self, f"Export {kind}", name, filters)
        if not path:
            return
        if not Path(path).suffix:
            path += "." + chosen.split("*.")[1].rstrip(")")
        width = None
        if path.lower().endswith(".png"):
            panel = self.current_tab.export_panel()
            width, ok = QInputDialog.getInt(self, "PNG size", "width (pixels):",
                                            max(panel.width(), 400) * 2, 100, 20000, 100)
            if not ok:
                return
        try:
            written = self.export_to(path, width)
        except (export.ExportError, OSError) as error:
            self.show_error("Cannot export", str(error))
            return
        self.show_message(f"Exported to {written}")

    def export_all(self, folder, all_tabs: bool = False) -> list[Path]:
        """Every plot view of the current tab (or of all tabs) as PNG and SVG, at
        presentation resolution (2.5x the size on screen)."""
        tabs = self.tabs.values() if all_tabs else [self.current_tab]
        written = []
        for tab in tabs:
            for index, view in enumerate(tab.findChildren(pg.GraphicsView)):
                base = Path(folder) / f"{tab.tab_id}-{index + 1}"
                written += export.export_view(view, base, scale=2.5)
        self.show_message(f"Exported {len(written)} files to {folder}")
        return written

    def export_all_dialog(self, all_tabs: bool) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export all plots into")
        if folder:
            try:
                self.export_all(folder, all_tabs)
            except OSError as error:
                self.show_error("Cannot export", str(error))

    def copy_figure(self) -> None:
        panel = self.current_tab.export_panel()
        QApplication.clipboard().setImage(panel.grab().toImage())
        self.show_message("Figure copied to the clipboard")

    # -- settings and lifetime ---------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        last_tab = self.settings.value("window/last_tab")
        if last_tab in self.tab_ids:
            self.tab_widget.blockSignals(True)  # tabs are built after this
            self.tab_widget.setCurrentIndex(self.tab_ids.index(last_tab))
            self.tab_widget.blockSignals(False)
        self._check_menu(self.scale_group,
                         f"{float(self.settings.value('presentation/scale', 2.0)):g}×")
        self._check_menu(self.theme_group,
                         str(self.settings.value("presentation/theme", "light")).capitalize())
        self._fill_recent_menu()
        if _flag(self.settings.value("auto_run", False)):
            self.set_auto_run(True)
        on = _flag(self.settings.value("presentation/on", False))
        self.presentation_action.setChecked(on)
        if on or self.look().theme != "light":
            presentation.apply(self, self.look())

    def _about(self) -> None:
        QMessageBox.about(self, "About neurodynex-gui",
                          "neurodynex-gui: the models of the book <i>Neuronal Dynamics</i> "
                          "(Gerstner, Kistler, Naud, Paninski, 2014), live.")

    def event(self, event) -> bool:
        if event.type() == QEvent.Paint and not getattr(self, "_painted", False):
            self._painted = True
            self.first_paint.emit()
        return super().event(event)

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/last_tab", self.tab_ids[self.tab_widget.currentIndex()])
        for tab in self._tabs.values():
            tab.stop()
        if self._owns_runner:
            self.runner.shutdown(timeout=1.0)
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            recovery.end()
        super().closeEvent(event)


def app_icon() -> QIcon:
    icon = QIcon(str(resources.ICON_SVG))
    for size in resources.ICON_SIZES:
        icon.addFile(str(resources.icon_png(size)))
    return icon


def _flag(value) -> bool:
    """QSettings hands booleans back as strings on some platforms."""
    return value is True or str(value).lower() == "true"
