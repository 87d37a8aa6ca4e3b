"""Run and Stop buttons with the state of the current run."""
from __future__ import annotations

import time

from PyQt5.QtCore import QTimer, pyqtSignal
from PyQt5.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class RunBar(QWidget):
    """``run``/``stop`` fire on the buttons; ``set_running`` shows progress and elapsed time."""

    run = pyqtSignal()
    stop = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Run the simulation (Ctrl+R)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the running simulation (Esc)")
        self.stop_button.setEnabled(False)
        self.state = QLabel("ready")
        self.state.setWordWrap(True)  # a long message takes two lines, never cut off
        for widget in (self.run_button, self.stop_button):
            layout.addWidget(widget)
        layout.addWidget(self.state, 1)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self._started = 0.0
        self._what = ""
        self._tick = QTimer(self)
        self._tick.setInterval(200)
        self._tick.timeout.connect(self._show_elapsed)

    def set_running(self, what: str | None) -> None:
        """``what`` is running (None: nothing runs)."""
        self.stop_button.setEnabled(what is not None)
        if what is None:
            self._tick.stop()
            return
        self._what, self._started = what, time.monotonic()
        self.state.setText(f"{what}…")
        self._tick.start()

    def set_waiting(self, text: str) -> None:
        """Queued behind another job: Stop is on, no time counts yet."""
        self.stop_button.setEnabled(True)
        self._tick.stop()
        self.state.setText(text)

    def set_message(self, text: str) -> None:
        self.state.setText(text)

    def _show_elapsed(self) -> None:
        self.state.setText(f"{self._what}… {time.monotonic() - self._started:.1f} s")
