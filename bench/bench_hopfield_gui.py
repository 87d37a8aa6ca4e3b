"""Speed of the Hopfield tab with real widgets (offscreen): the animation and the experiments.

Run as ``python bench/bench_hopfield_gui.py``; one line per measurement with its target.
A frame is one network update shown: the grid image set, the overlap and energy curves
redrawn, the view painted.
"""
import time

from PyQt5.QtCore import Qt
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QPushButton

from benchkit import PaintCounter, report  # before neurodynex_gui: it puts the repo on sys.path
from neurodynex_gui.app import make_application

BIG = {"N": "100", "P": "100", "flip_ratio": "0.45", "t_max": "1000"}


def make_tab(runner=None, **values):
    from neurodynex_gui.tabs.hopfield_tab import HopfieldTab

    tab = HopfieldTab(runner)
    tab.resize(1400, 850)
    tab.show()
    for name, value in values.items():
        tab.set_value(name, value)
    QTest.qWait(50)
    return tab


def frame_cost(tab, frames=200):
    """Milliseconds per frame drawn at once: Step, curve flush, a synchronous repaint."""
    view = tab.traces.viewport()
    start = time.perf_counter()
    for _ in range(frames):
        tab.step()
        tab.traces.flush()
        view.repaint()
    return (time.perf_counter() - start) / frames * 1e3


def animation_rate(tab, seconds=3.0):
    """Updates shown and frames painted per second with the timer at its fastest (60/s);
    a run that ends is restarted at once."""
    tab.set_value("speed", "60")
    counter = PaintCounter(tab.traces.viewport())
    shown = [0]
    tab.grid.sigImageChanged.connect(lambda: shown.__setitem__(0, shown[0] + 1))
    tab.run()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        QTest.qWait(20)
        if tab._steps is None:
            tab.run()
    elapsed = time.perf_counter() - start
    tab.stop()
    return shown[0] / elapsed, counter.count / elapsed


def capacity_through_gui(runner):
    """Click-to-drawn time of the capacity tool (10 x 10, P = 1..30, 20 trials)."""
    tab = make_tab(runner, N="10")
    button = tab.findChild(QPushButton, "tool_capacity")
    done = []
    tab.tool_ready.connect(lambda *_: done.append(time.perf_counter()))
    start = time.perf_counter()
    QTest.mouseClick(button, Qt.LeftButton)
    while not done:
        QTest.qWait(1)
    tab.analysis.repaint()
    return time.perf_counter() - start


def main():
    app = make_application()  # noqa: F841 (the application must outlive the widgets)
    from neurodynex_gui.runner import Runner

    for mode in ("sync", "async"):
        tab = make_tab(**BIG, mode=mode)
        cost = frame_cost(tab, 200 if mode == "sync" else 30)
        report(f"frame, 100x100, P = 100, {mode} (update + image + plots + paint)", cost,
               "ms", "<= 33 ms" if mode == "sync" else "")
        if mode == "sync":
            updates, paints = animation_rate(tab)
            report("animation at 60 steps/s, 100x100, P = 100: updates shown", updates,
                   "per s", ">= 30 per s")
            report("  frames painted (the plots redraw at 30 Hz)", paints, "per s",
                   ">= 30 per s")
        tab.close()
        tab.deleteLater()
    runner = Runner(preload=())
    seconds = capacity_through_gui(runner)
    report("capacity tool 10x10, P = 1..30, 20 trials, click to drawn", seconds * 1e3, "ms",
           "<= 2000 ms")
    runner.shutdown()


if __name__ == "__main__":
    main()
