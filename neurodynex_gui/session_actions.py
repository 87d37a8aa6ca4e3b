"""The main window's session actions: save, open, recent sessions, autosave and recovery.

A mixin of :class:`~neurodynex_gui.main_window.MainWindow`: it uses the window's ``tabs``,
``settings``, ``show_message`` and ``show_error``.
"""
from __future__ import annotations

from pathlib import Path

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QFileDialog, QMessageBox

from . import dialog_folder, presentation, recovery, session
from .models.params import ParamError

AUTOSAVE_MS = 60_000
RECENT_MAX = 8


class SessionActions:
    """File > Open/Save session, Open recent, and the minutely autosave."""

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
        path, _ = QFileDialog.getOpenFileName(self, "Open session",
                                              str(dialog_folder.start_folder()),
                                              f"Sessions (*{session.SUFFIX});;All files (*)")
        if path:
            dialog_folder.remember(path)
            self.open_session(path)

    def save_session_dialog(self, ask: bool = False) -> None:
        path = self.session_path
        if ask or path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save session", dialog_folder.start_path("session" + session.SUFFIX),
                f"Sessions (*{session.SUFFIX})")
            if not chosen:
                return
            dialog_folder.remember(chosen)
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
