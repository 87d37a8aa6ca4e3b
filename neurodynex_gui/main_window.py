"""The main window: tabs, menus, status bar, session and export actions."""
from __future__ import annotations

from pathlib import Path

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtGui import QKeySequence
from PyQt5.QtWidgets import (QAction, QFileDialog, QInputDialog, QLabel, QMainWindow,
                             QMessageBox, QTabWidget)

from . import export, session
from .models.params import ParamError
from .runner import Runner
from .tabs import TAB_MODULES, tab_class


class MainWindow(QMainWindow):
    """One tab per model; File and Simulation menus act on the current tab."""

    def __init__(self, runner: Runner | None = None, tab_ids=None):
        super().__init__()
        self.setWindowTitle("neurodynex-gui: Neuronal Dynamics, live")
        self.resize(1280, 820)
        self._owns_runner = runner is None
        self.runner = runner if runner is not None else Runner()
        self.session_path: Path | None = None
        self.last_error = ""
        self.tab_widget = QTabWidget()
        self.tab_widget.setDocumentMode(True)
        self.setCentralWidget(self.tab_widget)
        self.tabs = {}
        for tab_id in tab_ids or TAB_MODULES:
            tab = tab_class(tab_id)(self.runner)
            tab.message.connect(self.show_message)
            tab.run_failed.connect(self._run_failed)
            self.tabs[tab_id] = tab
            self.tab_widget.addTab(tab, tab.title)
            self.tab_widget.setTabToolTip(self.tab_widget.count() - 1, tab.book_section)
        self.simulator_state = QLabel("simulator not started")
        self.statusBar().addPermanentWidget(self.simulator_state)
        self.runner.status.connect(self.simulator_state.setText)
        self._menus()
        self.show_message("Ready. Ctrl+R runs the current tab, Esc stops it.")
        QTimer.singleShot(0, self.runner.start)

    @property
    def current_tab(self):
        return self.tab_widget.currentWidget()

    # -- menus ---------------------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Open session…", QKeySequence.Open, self.open_session_dialog)
        self._action(file_menu, "&Save session", QKeySequence.Save, self.save_session_dialog)
        self._action(file_menu, "Save session &as…", QKeySequence("Ctrl+Shift+S"),
                     lambda: self.save_session_dialog(ask=True))
        file_menu.addSeparator()
        self._action(file_menu, "&Export figure (PNG/SVG)…", QKeySequence("Ctrl+E"),
                     lambda: self.export_dialog("figure"))
        self._action(file_menu, "Export &data (CSV/NPZ)…", QKeySequence("Ctrl+Shift+E"),
                     lambda: self.export_dialog("data"))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.Quit, self.close)
        sim_menu = self.menuBar().addMenu("&Simulation")
        self._action(sim_menu, "&Run", QKeySequence("Ctrl+R"), lambda: self.current_tab.run())
        self._action(sim_menu, "&Stop", QKeySequence(Qt.Key_Escape),
                     lambda: self.current_tab.stop())
        self._action(sim_menu, "Reset &parameters", None,
                     lambda: self.current_tab.reset_defaults())
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About", None, self._about)
        for tab in self.tabs.values():
            for panel in (tab.traces, tab.analysis):
                panel.export_requested.connect(self.export_dialog)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- messages ------------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def show_error(self, title: str, text: str) -> None:
        """A non-blocking message box (and the status bar)."""
        self.last_error = text
        self.show_message(f"{title}: {text}")
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()

    def _run_failed(self, text: str) -> None:
        self.last_error = text
        summary, _, details = text.partition("\n\n")
        self.current_tab.readout.setText(f"<span style='color:#b00020'>Run failed: "
                                         f"{summary}</span>")

    # -- sessions ------------------------------------------------------------------------------

    def session_state(self) -> dict:
        tabs = {tab_id: tab.state() for tab_id, tab in self.tabs.items()}
        active = next((i for i, t in self.tabs.items() if t is self.current_tab), None)
        return session.document(tabs, active)

    def save_session(self, path) -> Path:
        doc = self.session_state()
        path = session.save(path, doc["tabs"], doc["active_tab"])
        self.session_path = path
        self.show_message(f"Session saved to {path}")
        return path

    def open_session(self, path) -> bool:
        """Load a session; on any problem show why and change nothing."""
        try:
            doc = session.load(path)
            for tab_id, state in doc["tabs"].items():
                if tab_id in self.tabs:
                    self.tabs[tab_id].validate_state(state)
        except (session.SessionError, ParamError) as error:
            self.show_error("Cannot open session", str(error))
            return False
        for tab_id, state in doc["tabs"].items():
            if tab_id in self.tabs:
                self.tabs[tab_id].restore(state)
        if doc.get("active_tab") in self.tabs:
            self.tab_widget.setCurrentWidget(self.tabs[doc["active_tab"]])
        self.session_path = Path(path)
        skipped = sorted(set(doc["tabs"]) - set(self.tabs))
        note = f" (tabs not in this version skipped: {', '.join(skipped)})" if skipped else ""
        self.show_message(f"Session opened from {path}{note}")
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

    # -- lifetime ------------------------------------------------------------------------------

    def _about(self) -> None:
        QMessageBox.about(self, "About neurodynex-gui",
                          "neurodynex-gui: the models of the book <i>Neuronal Dynamics</i> "
                          "(Gerstner, Kistler, Naud, Paninski, 2014), live.")

    def closeEvent(self, event) -> None:
        for tab in self.tabs.values():
            tab.stop()
        if self._owns_runner:
            self.runner.shutdown(timeout=1.0)
        super().closeEvent(event)
