"""Animation and replay: play, pause, step and skip over frames at a rate.

:class:`Replay` calls ``advance_to(index)`` with the frame due by the clock (so slow frames do
not slow the animation down); ``advance_to`` draws that frame and returns False once there is
no frame after it. Its timer runs only while playing. :class:`ReplayBar` gives it buttons.
"""
from __future__ import annotations

import math
import sys
import time
from typing import Callable

from PyQt5.QtCore import QObject, QTimer, pyqtSignal
from PyQt5.QtWidgets import QHBoxLayout, QPushButton, QWidget

FRAME_MS = 16  # about 60 frames per second at most
LAST = sys.maxsize  # the frame asked for to skip to the end


class Replay(QObject):
    """Frames 0, 1, 2, ... shown at ``rate`` frames per second (inf: one per painted frame)."""

    state_changed = pyqtSignal(str)  # "playing", "paused", "ended"

    def __init__(self, advance_to: Callable[[int], bool], rate: float = math.inf,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._advance_to = advance_to
        self.rate = rate
        self.index = -1          # the frame shown, -1 before the first
        self.active = False      # a run is loaded (playing or paused)
        self._clock = (0.0, 0)   # (perf_counter when playing started, the index then)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def start(self, play: bool = True) -> None:
        """Begin at frame 0 (shown at once), then play or stay paused."""
        self._timer.stop()
        self.index, self.active = -1, True
        if self._show(0) and play:
            self.play()
        elif self.active:
            self.state_changed.emit("paused")

    def play(self) -> None:
        if not self.active:
            return
        self._clock = (time.perf_counter(), self.index)
        self._timer.setInterval(0 if math.isinf(self.rate) else FRAME_MS)
        self._timer.start()
        self.state_changed.emit("playing")

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.state_changed.emit("paused")

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self) -> bool:
        """One frame on (pausing); False once the run has ended."""
        self.pause()
        return self.active and self._show(self.index + 1)

    def finish(self) -> None:
        """Skip to the last frame at once (``advance_to(LAST)`` until it says no more)."""
        self._timer.stop()
        while self.active and self._show(LAST):
            pass

    def end(self) -> None:
        """Stop where it is (the run ends at the frame shown)."""
        if self.active:
            self._timer.stop()
            self.active = False
            self.state_changed.emit("ended")

    def set_rate(self, rate: float) -> None:
        """A new rate, going on from the frame shown."""
        self.rate = rate
        if self.playing:
            self.play()

    def _tick(self) -> None:
        started, first = self._clock
        due = first + 1 if math.isinf(self.rate) else \
            first + int((time.perf_counter() - started) * self.rate)
        if due > self.index:
            self._show(due)
            if math.isinf(self.rate):
                self._clock = (started, self.index)

    def _show(self, index: int) -> bool:
        self.index = index
        more = self._advance_to(index)
        if not more:
            self.end()
        return more


class ReplayBar(QWidget):
    """Pause/play, step and skip-to-end buttons for a :class:`Replay`; Step with nothing
    loaded emits ``idle_step`` (the owner may start a paused run)."""

    idle_step = pyqtSignal()

    def __init__(self, replay: Replay, parent=None):
        super().__init__(parent)
        self.replay = replay
        self.play_button = self._button("Pause", "Pause or go on with the animation",
                                        replay.toggle)
        self.step_button = self._button("Step", "Show the next frame (pauses)", self._step)
        self.end_button = self._button("To end", "Show the end of the animation at once",
                                       replay.finish)
        replay.state_changed.connect(self._show_state)
        self._show_state("ended")

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        layout = self.layout() or QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(button)
        return button

    def _step(self) -> None:
        if self.replay.active:
            self.replay.step()
        else:
            self.idle_step.emit()

    def _show_state(self, state: str) -> None:
        self.play_button.setText("Play" if state != "playing" else "Pause")
        self.play_button.setEnabled(state != "ended")
        self.end_button.setEnabled(state != "ended")
