"""The main window: tabs, menus, status bar, presentation; sessions and export are mixed in
from session_actions and export_actions."""
from __future__ import annotations

import traceback
from pathlib import Path

from PyQt5.QtCore import QEvent, QSettings, Qt, QTimer, pyqtSignal
from PyQt5.QtGui import QIcon, QKeySequence
from PyQt5.QtWidgets import (QAction, QActionGroup, QApplication, QDockWidget, QLabel, QMainWindow,
                             QMessageBox, QProgressBar, QTabWidget, QTextBrowser)

from . import presentation, recovery, resources
from . import tabs as registry
from .export_actions import ExportActions
from .runner import Runner
from .session_actions import SessionActions
from .widgets.plots import PlotPanel

SCALES = (1.5, 2.0, 2.5)
EXERCISE_MIN_WIDTH, EXERCISE_WIDTH = 300, 420  # px of the exercise panel (F1)
PRECOMPILE = "neurodynex_gui.models.precompile:precompile"
WELCOME = "Ready. Ctrl+R or Space runs the current tab, Esc stops it, F5 presentation mode."


class MainWindow(SessionActions, ExportActions, QMainWindow):
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
        self._normal_geometry = None  # the window's geometry before presentation mode
        self._owns_runner = runner is None
        self.runner = runner if runner is not None else Runner()
        self.settings = QSettings()
        self.session_path: Path | None = None
        self.last_error = ""
        self.tab_widget = QTabWidget()
        self.tab_widget.setDocumentMode(True)
        self.setCentralWidget(self.tab_widget)
        self.tab_ids = list(tab_ids or registry.tab_ids())
        self._tabs = {}
        self._tab_messages: dict[str, str] = {}  # each tab's last status-bar message
        self._exercises_sized = False
        for tab_id in self.tab_ids:
            title = registry.tab_title(tab_id)
            self.tab_widget.addTab(QLabel(f"Loading {title}…", alignment=Qt.AlignCenter), title)
        self.simulator_state = QLabel("simulator not started")
        self.precompile_bar = QProgressBar()
        self.precompile_bar.setMaximumWidth(200)
        self.precompile_bar.setToolTip("Precompiling the models")
        self.precompile_bar.hide()
        self.statusBar().addPermanentWidget(self.precompile_bar)
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
        self.show_message(WELCOME)
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
        tab = registry.tab_class(tab_id)(self.runner)
        self._tabs[tab_id] = tab
        tab.message.connect(lambda text, t=tab: self._tab_message(t, text))
        tab.run_failed.connect(self._run_failed)
        tab.spikes_sent.connect(self.analyse_spikes)
        tab.custom_model_sent.connect(self.open_custom_model)
        tab.result_ready.connect(lambda _result, t=tab: presentation.refresh(t))
        tab.tool_ready.connect(lambda _key, _result, t=tab: presentation.refresh(t))
        for panel in tab.findChildren(PlotPanel):
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
        edit_menu.addSeparator()
        self.settings_action = self._action(
            edit_menu, "Se&ttings…", QKeySequence("Ctrl+,"), self.settings_dialog,
            tip="Where sweeps run: a dask.distributed scheduler address")

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
        sim_menu.addSeparator()
        self._action(sim_menu, "&Precompile all models", None, self.precompile,
                     tip="Build the compiled fast path of every model now (before a lecture), "
                         "so that no first run waits for it")

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
            self._action(view_menu, f"Tab {index + 1}: {registry.tab_title(tab_id)}",
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
        self.exercise_text.setMinimumWidth(EXERCISE_MIN_WIDTH)
        self.addDockWidget(Qt.RightDockWidgetArea, self.exercise_dock)
        self.exercise_dock.hide()
        self.exercise_dock.visibilityChanged.connect(self._exercises_shown)
        self._show_exercises()

    def _exercises_shown(self, visible: bool) -> None:
        """Open the panel at a width that reads well (it remembers a width dragged later)."""
        if visible and not self.exercise_dock.isFloating() and not self._exercises_sized:
            self._exercises_sized = True
            self.resizeDocks([self.exercise_dock], [EXERCISE_WIDTH], Qt.Horizontal)

    def _show_exercises(self) -> None:
        tab = self.current_tab
        if tab is not None and hasattr(tab, "exercises"):
            from .exercise_map import html as notebook_calls

            self.exercise_text.setHtml(f"<h3>{tab.title}</h3><p><i>{tab.book_section}</i></p>"
                                       + (tab.exercises or "<p>No exercises for this tab.</p>")
                                       + notebook_calls(tab.tab_id, tab.tools))

    def _tab_changed(self, index) -> None:
        tab_id = self.tab_ids[index]
        if tab_id not in self._tabs:
            self._build(tab_id)
        tab = self._tabs[tab_id]
        if self._run_on_first_view and tab_id not in self._viewed:
            tab.show_default_run()
        self._viewed.add(tab_id)
        self.show_message(self._tab_messages.get(tab_id, WELCOME))
        self._show_exercises()
        presentation.refresh(self.current_tab)

    # -- messages and errors ---------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def _tab_message(self, tab, text: str) -> None:
        """A tab's news: shown if it is the current tab, kept for when it becomes current."""
        self._tab_messages[tab.tab_id] = text
        if tab is self.current_tab:
            self.show_message(text)

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

    def analyse_spikes(self, data) -> None:
        """A tab's "Analyse spikes": the first tab that takes spikes (``receive_spikes``, the
        Coding tab) gets them and is shown."""
        target = next((t for t in self.tab_ids
                       if callable(getattr(registry.tab_class(t), "receive_spikes", None))), None)
        if target is None:
            self.show_message("No spike-analysis tab is open (the Coding tab is missing)")
            return
        self.tab_widget.setCurrentIndex(self.tab_ids.index(target))
        (self._tabs.get(target) or self._build(target)).receive_spikes(data)

    def open_custom_model(self, text: str) -> None:
        """A tab's "Open as custom model": the first tab that takes model files
        (``receive_model``, the Custom model tab) gets it and is shown."""
        target = next((t for t in self.tab_ids
                       if callable(getattr(registry.tab_class(t), "receive_model", None))), None)
        if target is None:
            self.show_message("No Custom model tab is open")
            return
        self.tab_widget.setCurrentIndex(self.tab_ids.index(target))
        (self._tabs.get(target) or self._build(target)).receive_model(text)

    def toggle_run(self) -> None:
        tab = self.current_tab
        if self.runner.busy(tab.tab_id):
            tab.stop()
        else:
            tab.run()

    def precompile(self) -> None:
        """Build every fast-path model in the simulation process, with a progress bar."""
        job = self.runner.submit("precompile", PRECOMPILE, {}, long=True,
                                 label="precompiling the models")
        bar = self.precompile_bar
        bar.setRange(0, 0)
        bar.show()
        job.chunk.connect(lambda chunk: (bar.setRange(0, chunk["total"]),
                                         bar.setValue(chunk["done"])))
        job.finished.connect(self._precompiled)
        job.failed.connect(lambda text: (bar.hide(), self.show_error(
            "Precompile failed", text.split("\n", 1)[0], text)))
        job.stopped.connect(lambda _partial: bar.hide())
        self.show_message("Precompiling every model (the window stays usable)…")

    def _precompiled(self, summary: dict) -> None:
        self.precompile_bar.hide()
        failed = f", {len(summary['failed'])} failed" if summary["failed"] else ""
        self.show_message(f"Precompiled: {summary['built']} built, {summary['cached']} "
                          f"already cached{failed}, in {summary['seconds']:.0f} s")

    def set_auto_run(self, on: bool) -> None:
        for tab in self._tabs.values():
            tab.auto_run_enabled = bool(on)
        self.auto_run_action.setChecked(bool(on))
        self.settings.setValue("auto_run", bool(on))
        slow = [registry.tab_title(t) for t in self.tab_ids if not registry.tab_class(t).auto_run]
        note = f" (not for: {', '.join(slow)})" if on and slow else ""
        self.show_message(f"Auto-run {'on' if on else 'off'}{note}")

    # -- presentation ----------------------------------------------------------------------

    def look(self) -> presentation.Look:
        scale = float(self.settings.value("presentation/scale", 2.0))
        theme = str(self.settings.value("presentation/theme", "light"))
        theme = theme if theme in presentation.THEMES else "light"
        return presentation.Look(scale if self.presentation_action.isChecked() else 1.0, theme)

    def set_presentation(self, on: bool) -> None:
        """Larger fonts and lines; the window may grow meanwhile, and gets its size back after
        (the size it had before is the one remembered for the next start)."""
        if on and self._normal_geometry is None:
            self._normal_geometry = self.saveGeometry()
        self.presentation_action.setChecked(bool(on))
        self.settings.setValue("presentation/on", bool(on))
        presentation.apply(self, self.look())
        if not on and self._normal_geometry is not None:
            self._restoring, self._normal_geometry = (self._normal_geometry, 10), None
            QTimer.singleShot(0, self._restore_size)  # after the fonts
        self.show_message(f"Presentation mode {'on' if on else 'off'}")

    def _restore_size(self) -> None:
        """Go back to the geometry before presentation mode once the normal fonts have given
        the widgets their smaller minimum sizes again (Qt settles them over a few turns)."""
        geometry, tries = self._restoring
        if self.isFullScreen() or self.isMaximized() or self._normal_geometry is not None:
            return
        for tab in self._tabs.values():
            tab.fit_side_panel()
        presentation.remeasure(self)
        self.restoreGeometry(geometry)
        if tries and self.saveGeometry() != geometry:
            self._restoring = (geometry, tries - 1)
            QTimer.singleShot(50, self._restore_size)

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
        if on:
            self._normal_geometry = self.saveGeometry()
        if on or self.look().theme != "light":
            presentation.apply(self, self.look())

    def settings_dialog(self):
        """Open the Settings dialog (modal); returns it (tests drive it)."""
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self)
        dialog.setModal(True)
        dialog.finished.connect(lambda result: self.show_message(
            "Settings saved" if result else "Settings unchanged"))
        dialog.finished.connect(dialog.deleteLater)
        dialog.show()
        return dialog

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
        self.settings.setValue("window/geometry", self._normal_geometry or self.saveGeometry())
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
