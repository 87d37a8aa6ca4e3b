"""Live single-neuron figures of issue 13 in the window: click to drawn, and re-runs drawn per
second while a "drag to explore" slider moves, for the LIF, HH and type I/II tabs.

Run: python bench/bench_explore_gui.py   (headless; builds the fast path first if needed)
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchkit import report, wait_for  # noqa: E402

SLIDERS = {"lif": "I_amp", "hh": "I_amp", "neuron_type": "I_amp"}
DRAG_S = 3.0        # how long the slider is dragged
MOVE_MS = 16        # one slider step per painted frame, as a mouse drag delivers them


def on_fast_path(result) -> bool:
    traces = getattr(result, "traces", None)
    if traces:  # type I/II: one Traces per neuron
        return all(t.path == "standalone" for t in traces.values())
    return getattr(result, "path", getattr(result, "target", "")) == "standalone"


def click_to_drawn(tab, repeats: int = 15) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        tab.run_bar.run_button.click()
        wait_for(tab.result_ready)
        tab.traces.flush()
        times.append(time.perf_counter() - start)
    return times


def drag(app, tab, name: str) -> float:
    """Move the slider one step per frame for DRAG_S; finished runs drawn per second."""
    sliders = next(s for s in tab.explore_sliders if name in s.sliders)
    slider = sliders.sliders[name]
    drawn = []
    tab.result_ready.connect(drawn.append)
    start, position = time.perf_counter(), slider.value()
    while time.perf_counter() - start < DRAG_S:
        position = position + 1 if position < slider.maximum() else slider.minimum()
        slider.setValue(position)
        deadline = time.perf_counter() + MOVE_MS / 1000
        while time.perf_counter() < deadline:
            app.processEvents()
    tab.result_ready.disconnect(drawn.append)
    return len(drawn) / DRAG_S


def main() -> None:
    from neurodynex_gui.app import make_application
    from neurodynex_gui.main_window import MainWindow
    from neurodynex_gui.models import precompile

    precompile.precompile(["lif", "hh", "neuron_type"])
    app = make_application()
    window = MainWindow(tab_ids=list(SLIDERS))
    window.show()
    for tab_id, name in SLIDERS.items():
        tab = window.tabs[tab_id]
        window.tab_widget.setCurrentWidget(tab)
        tab.run()
        result = wait_for(tab.result_ready)[0]
        if not on_fast_path(result):
            print(f"{tab_id}: not on the compiled fast path: {getattr(result, 'path_note', '')}")
        times = click_to_drawn(tab)
        report(f"{tab.title}: click to drawn (median of 15)", 1000 * statistics.median(times),
               "ms", "<= 40 ms")
        report(f"{tab.title}: slider drag, re-runs drawn per second", drag(app, tab, name),
               "/s", ">= 25")
    window.close()
    window.runner.shutdown()


if __name__ == "__main__":
    main()
