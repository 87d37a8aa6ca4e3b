"""What the benches share: headless set-up, one report line per figure, and Qt measuring aids.

Importing it sets QT_QPA_PLATFORM=offscreen (unless set) and puts the repository root on
sys.path, so that a bench run as ``python bench/<name>.py`` imports ``neurodynex_gui``. Qt is
imported only by the helpers that need it: a bench module loaded in the simulation process (a
runner job) stays free of Qt.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="bench-runtime-"))  # 0700
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def report(name: str, value: float, unit: str, target: str = "") -> None:
    """Print one aligned line: what, the figure, its unit and the target (if any)."""
    line = f"{name:<62} {value:10.3f} {unit:<5} {('target ' + target) if target else ''}"
    print(line.rstrip(), flush=True)


def timed(function, *args, **kwargs) -> float:
    """Wall time of one call ``function(*args, **kwargs)``, in seconds."""
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def wait_for(signal, timeout: float = 120.0) -> tuple:
    """Run the Qt event loop until ``signal`` fires; return its arguments.

    Raises TimeoutError if it has not fired within ``timeout`` seconds.
    """
    from PyQt5.QtCore import QEventLoop, QTimer

    loop, fired = QEventLoop(), []

    def on_signal(*args):
        fired.append(args)
        loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    signal.connect(on_signal)
    timer.start(int(timeout * 1000))
    try:
        if not fired:
            loop.exec_()
    finally:
        timer.stop()
        signal.disconnect(on_signal)
    if not fired:
        raise TimeoutError(f"no signal {signal} within {timeout} s")
    return fired[0]


class PaintCounter:
    """Counts the paint events of ``widget`` in ``count`` (until ``remove()``)."""

    def __init__(self, widget):
        from PyQt5.QtCore import QEvent, QObject

        counter = self

        class Filter(QObject):
            def eventFilter(self, _obj, event):
                if event.type() == QEvent.Paint:
                    counter.count += 1
                return False

        self.count = 0
        self.widget = widget
        self._filter = Filter(widget)
        widget.installEventFilter(self._filter)

    def remove(self) -> None:
        """Stop counting."""
        self.widget.removeEventFilter(self._filter)


class StallMeter:
    """A 10 ms QTimer; the longest gap between its ticks is the worst GUI stall.

    ``start()`` begins a measurement, ``stop()`` ends it and returns that gap in seconds.
    """

    def __init__(self):
        from PyQt5.QtCore import QTimer

        self.gaps, self.last = [], None
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        now = time.perf_counter()
        if self.last is not None:
            self.gaps.append(now - self.last)
        self.last = now

    def start(self) -> None:
        self.gaps, self.last = [], None
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps) if self.gaps else 0.0
