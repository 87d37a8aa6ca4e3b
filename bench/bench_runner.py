"""Runner figures (issue 11): how long a run of one tab waits behind another tab's long tool,
and how soon the simulation processes end after the GUI process is killed (Linux: reads /proc).

Run: python bench/bench_runner.py   (headless; prints one line per figure)
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchkit import ROOT, report, wait_for

TOOL = "neurodynex_gui.models.hh:gNa_scan"
RUN = "neurodynex_gui.models.hh:simulate"


def submit(runner, owner, path, **options):
    """A job with the times (perf_counter) of its submit, start and end in ``job.times``."""
    job = runner.submit(owner, path, {}, **options)
    job.times = {"submitted": time.perf_counter()}
    job.started.connect(lambda: job.times.setdefault("started", time.perf_counter()))
    job.finished.connect(lambda _r: job.times.setdefault("finished", time.perf_counter()))
    return job


def finish(job) -> float:
    if "finished" not in job.times:
        wait_for(job.finished)
    return job.times["finished"] - job.times["submitted"]


def run_behind_tool(runner) -> None:
    """A run of one tab submitted 0.3 s after another tab's tool has started."""
    for _ in range(2):  # warm: imports, built networks, compiled code in every process
        finish(submit(runner, "warm-tool", TOOL, long=True))
        finish(submit(runner, "warm-run", RUN))
    alone = finish(submit(runner, "lif", RUN))
    tool = submit(runner, "hh", TOOL, long=True, label="the HH g_Na scan")
    wait_for(tool.started)
    time.sleep(0.3)
    behind = finish(submit(runner, "lif", RUN))
    report("the tool alone (HH g_Na scan, defaults)", finish(tool), "s")
    report("a run alone (HH default step): submit -> finished", alone, "s")
    report("the run 0.3 s into the tool: submit -> finished", behind, "s",
           "<= 2 x a run alone")


KILLED_GUI = """
from PyQt5.QtWidgets import QApplication
from neurodynex_gui.runner import Runner

if __name__ == "__main__":
    app = QApplication([])
    runner = Runner()
    tool = runner.submit("hh", "neurodynex_gui.models.hh:gNa_scan", {}, long=True)
    run = runner.submit("lif", "neurodynex_gui.models.hh:simulate", {})
    tool.started.connect(lambda: print(*runner.pids(), flush=True))
    app.exec_()
"""


def ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def gui_death_to_worker_exit() -> None:
    gui = subprocess.Popen([sys.executable, "-c", KILLED_GUI], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))
    workers = [int(pid) for pid in gui.stdout.readline().split()]
    time.sleep(0.3)  # the tool is running
    killed = time.perf_counter()
    os.kill(gui.pid, signal.SIGKILL)
    gui.wait()
    while not all(map(ended, workers)) and time.perf_counter() - killed < 30:
        time.sleep(0.001)
    report(f"GUI killed -> its {len(workers)} simulation processes gone",
           time.perf_counter() - killed, "s", "< 5 s")


if __name__ == "__main__":
    from neurodynex_gui.app import make_application
    from neurodynex_gui.runner import Runner

    app = make_application()
    runner = Runner()
    runner.start()
    try:
        run_behind_tool(runner)
    finally:
        runner.shutdown(timeout=2.0)
    for _ in range(3):
        gui_death_to_worker_exit()
