"""The first drawn result of every tab with an empty cache (issue 13: <= 5 s on every tab).

Each tab starts in a fresh process (the app's own, with its simulation processes) with a new,
empty cache folder, as on a machine where the app was just installed. The clock runs from the
process's start to the first result painted in the tab, or its first streamed piece: of the
default run that opening the tab starts or, for tabs that do not run by themselves (networks,
animations), of a click on Run. The phase-plane tabs draw without a simulation process.

Run: python bench/bench_first_gui.py [TAB ...]   (headless; default: every tab)
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from benchkit import ROOT, report

CHILD = "--child"


def child(tab_id: str) -> None:
    """In the fresh process: open the window with ``tab_id``, print when its first result is
    painted, with the path that computed it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchkit import wait_for
    from neurodynex_gui.app import make_application
    from neurodynex_gui.main_window import MainWindow

    app = make_application()
    window = MainWindow(tab_ids=[tab_id])
    tab = window.tabs[tab_id]
    streamed, pieces = tab.on_chunk, []  # a streamed piece drawn counts as a first result
    tab.on_chunk = lambda chunk: (streamed(chunk), pieces.append(1), tab.result_ready.emit(None))
    window.show()
    app.processEvents()
    if tab.result is None and not tab.running():
        tab.run_bar.run_button.click()
        app.processEvents()
    if tab.running():
        result = wait_for(tab.result_ready, timeout=300.0)[0]
    else:  # drawn in the window, without a simulation process (the phase planes)
        result = None
    tab.repaint()
    path = getattr(result, "path", getattr(result, "target", ""))
    what = "a streamed piece" if pieces else \
        "in the window" if result is None else path or type(result).__name__
    print(f"drawn {what}", flush=True)
    window.close()
    window.runner.shutdown()


def first_drawn(tab_id: str) -> tuple[float, str]:
    """(seconds from process start to the first painted result, what computed it)."""
    cache = tempfile.mkdtemp(prefix="bench-first-gui-")
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, CHILD, tab_id], stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, NEURODYNEX_GUI_CACHE=cache, PYTHONPATH=str(ROOT),
                 QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=cache, XDG_DATA_HOME=cache))
    line = ""
    while not line.startswith("drawn") and process.poll() is None:
        line = process.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    process.communicate()
    return elapsed, line.removeprefix("drawn ")


def main(tab_ids: list[str]) -> None:
    from neurodynex_gui.tabs import tab_ids as all_tabs

    for tab_id in tab_ids or all_tabs():
        seconds, path = first_drawn(tab_id)
        report(f"{tab_id}: first drawn result, empty cache, from process start ({path})",
               seconds, "s", "<= 5 s")
        print(f"  load average {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == [CHILD]:
        child(sys.argv[2])
    else:
        main(sys.argv[1:])
