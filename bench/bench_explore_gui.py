"""Live single-neuron figures of issue 13 in the window: click to drawn, and re-runs drawn per
second while a "drag to explore" slider moves, for the LIF, HH and type I/II tabs.

"Drawn" means painted: after the result has arrived the plots are painted at once (a
synchronous repaint) before the clock stops. The drag moves the slider one step per painted
frame (16 ms) and in between leaves the event loop idle, as a mouse drag does (``--spin``
processes events in a busy loop instead, as this bench did before: that loop takes a core
from the simulation). Each figure is the median of ``--rounds`` rounds; the load average of
the machine is printed with them.

Run: python bench/bench_explore_gui.py [--rounds N] [--spin] [--tabs lif hh neuron_type]
(headless; builds the fast path first if needed)
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchkit import report, wait_for  # noqa: E402

SLIDERS = {"lif": "I_amp", "hh": "I_amp", "neuron_type": "I_amp"}
DRAG_S = 3.0        # how long the slider is dragged
MOVE_MS = 16        # one slider step per painted frame, as a mouse drag delivers them
CLICKS = 15


def on_fast_path(result) -> bool:
    traces = getattr(result, "traces", None)
    if traces:  # type I/II: one Traces per neuron
        return all(t.path == "standalone" for t in traces.values())
    return getattr(result, "path", getattr(result, "target", "")) == "standalone"


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as file:
        return " ".join(file.read().split()[:3])


def paint(tab) -> None:
    """Paint the traces now (what the screen would show)."""
    tab.traces.flush()
    tab.traces.viewport().repaint()


def click_to_drawn(tab, repeats: int = CLICKS) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        tab.run_bar.run_button.click()
        wait_for(tab.result_ready)
        paint(tab)
        times.append(time.perf_counter() - start)
    return times


def idle(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds, idle while nothing happens."""
    from PyQt5.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec_()


def drag(app, tab, name: str, spin: bool = False) -> float:
    """Move the slider one step per frame for DRAG_S; finished runs drawn per second."""
    sliders = next(s for s in tab.explore_sliders if name in s.sliders)
    slider = sliders.sliders[name]
    drawn = []
    tab.result_ready.connect(drawn.append)
    slider.setSliderDown(True)  # as a mouse press does
    start, position = time.perf_counter(), slider.value()
    while time.perf_counter() - start < DRAG_S:
        position = position + 1 if position < slider.maximum() else slider.minimum()
        slider.setValue(position)
        if spin:
            deadline = time.perf_counter() + MOVE_MS / 1000
            while time.perf_counter() < deadline:
                app.processEvents()
        else:
            idle(MOVE_MS)
    slider.setSliderDown(False)
    wait_for(tab.result_ready) if tab.running() else None  # the last one, not counted
    tab.result_ready.disconnect(drawn.append)
    return len(drawn) / DRAG_S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spin", action="store_true", help="busy event loop while dragging")
    parser.add_argument("--tabs", nargs="+", default=list(SLIDERS), choices=list(SLIDERS))
    args = parser.parse_args()

    from neurodynex_gui.app import make_application
    from neurodynex_gui.main_window import MainWindow
    from neurodynex_gui.models import precompile

    precompile.precompile(args.tabs)
    app = make_application()
    window = MainWindow(tab_ids=args.tabs)
    window.show()
    print(f"load average before: {load()}", flush=True)
    for tab_id in args.tabs:
        name = SLIDERS[tab_id]
        tab = window.tabs[tab_id]
        window.tab_widget.setCurrentWidget(tab)
        tab.run()
        result = wait_for(tab.result_ready)[0]
        if not on_fast_path(result):
            print(f"{tab_id}: not on the compiled fast path: {getattr(result, 'path_note', '')}")
        clicks, drags = [], []
        for _ in range(args.rounds):
            clicks.append(statistics.median(click_to_drawn(tab)))
            drags.append(drag(app, tab, name, args.spin))
        spread = (f"rounds {', '.join(f'{1000 * c:.0f}' for c in clicks)} ms; "
                  f"{', '.join(f'{d:.1f}' for d in drags)} /s; load {load()}")
        report(f"{tab.title}: click to drawn (median of {args.rounds} x {CLICKS})",
               1000 * statistics.median(clicks), "ms", "<= 40 ms")
        report(f"{tab.title}: slider drag, re-runs drawn per second"
               + (" (busy loop)" if args.spin else ""), statistics.median(drags), "/s",
               ">= 25")
        print(f"  {spread}", flush=True)
    print(f"load average after: {load()}", flush=True)
    window.close()
    window.runner.shutdown()


if __name__ == "__main__":
    main()
