"""What the benches share: headless set-up, one report line per figure, and Qt measuring aids.

Importing it sets QT_QPA_PLATFORM=offscreen (unless set) and puts the repository root on
sys.path, so that a bench run as ``python bench/<name>.py`` imports ``neurodynex_gui``. Qt is
imported only by the helpers that need it: a bench module loaded in the simulation process (a
runner job) stays free of Qt.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
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


# -- like-for-like figures: ours, neurodynex3's (in its own environment), a compiled loop ----

ND3_PYTHON = os.environ.get("ND3_PYTHON", "/tmp/nd3venv/bin/python")
"""The Python of an environment with neurodynex3 (``python -m venv ENV && ENV/bin/pip install
neurodynex3 'numpy<2.4' 'cython<3.1'``: brian2 2.5 falls back to numpy with Cython >= 3.1)."""


def warm(function, *args, repeats: int = 7, warmup: int = 2, **kwargs) -> float:
    """Median wall time (s) of ``repeats`` calls after ``warmup`` untimed ones; the fastest
    goes in ``warm.fastest`` (on a shared two-core machine the median includes waiting)."""
    for _ in range(warmup):
        function(*args, **kwargs)
    times = [timed(function, *args, **kwargs) for _ in range(repeats)]
    warm.fastest = min(times)
    return statistics.median(times)


def neurodynex3(workload: str, *, dt: float = 0.1, repeats: int = 1, count: int | None = None,
                env: dict | None = None) -> dict | None:
    """Run a workload of nd3_workloads.py with ND3_PYTHON, in its own process and its default
    code generation: {"times_s": [...], "result": ...}; None (and a note) without it."""
    if not Path(ND3_PYTHON).exists():
        print(f"neurodynex3: skipped (no {ND3_PYTHON}; set ND3_PYTHON, see benchkit)")
        return None
    command = [ND3_PYTHON, str(ROOT / "bench" / "nd3_workloads.py"), workload, "--dt", str(dt),
               "--repeats", str(repeats)] + (["--count", str(count)] if count else [])
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT / "bench",
                          env=dict(os.environ, **(env or {})))
    if done.returncode != 0:
        print(f"neurodynex3 {workload}: failed: {done.stderr.strip()[-300:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def nd3_warm(workload: str, *, dt: float = 0.1, repeats: int = 7, warmup: int = 2) -> float | None:
    """neurodynex3's warm time (s) for ``workload``: median of ``repeats`` after ``warmup``."""
    found = neurodynex3(workload, dt=dt, repeats=warmup + repeats)
    return None if found is None else statistics.median(found["times_s"][warmup:])


def compare(name: str, ours_s: float, theirs_s: float | None, unit: str = "ms",
            target: str = "") -> None:
    """Our figure with its target, neurodynex3's for the same workload and the ratio."""
    scale = {"ms": 1e3, "s": 1.0}[unit]
    report(name, scale * ours_s, unit, target)
    if theirs_s is not None:
        report("  neurodynex3, same workload", scale * theirs_s, unit)
        report("  ratio neurodynex3 / ours", theirs_s / ours_s, "x")


def compiled_reference(c_source: str, repeats: int = 7) -> tuple[float, float]:
    """Compile ``c_source`` (a program printing its loop's seconds) with gcc -O2 and run it:
    (median wall time of the program, median time of its loop), in s."""
    folder = Path(tempfile.mkdtemp(prefix="bench-reference-"))
    (folder / "reference.c").write_text(c_source, encoding="utf-8")
    subprocess.run(["gcc", "-O2", "-o", str(folder / "reference"), str(folder / "reference.c"),
                    "-lm"], check=True)
    walls, loops = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run([str(folder / "reference"), str(folder / "out.bin")],
                             capture_output=True, text=True, check=True).stdout
        walls.append(time.perf_counter() - start)
        loops.append(float(out.split()[0]))
    return statistics.median(walls), statistics.median(loops)


def first_run_seconds(code: str, cache: str | None = None) -> tuple[float, str]:
    """Wall time of a fresh Python process running ``code`` (which prints one line), from its
    start to that line, with an empty cache folder of ours; (seconds, the line)."""
    cache = cache or tempfile.mkdtemp(prefix="bench-empty-cache-")
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                               cwd=ROOT, env=dict(os.environ, NEURODYNEX_GUI_CACHE=cache,
                                                  PYTHONPATH=str(ROOT)))
    line = process.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    process.wait()
    return elapsed, line
