"""The runner: jobs in simulation processes that fail visibly, queue fairly and never outlive
the GUI; in-process jobs with the same guarantees."""
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from neurodynex_gui.runner import Runner

TESTS = Path(__file__).resolve().parent
STREAM = "runner_jobs:stream"
SQUARE = "runner_jobs:square"
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def ended(pid: int) -> bool:
    """The process has exited (a zombie has too: it only waits for its parent to reap it)."""
    stat = _stat(pid)
    return stat is None or stat[0] == "Z"


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        stat = _stat(int(entry.name)) if entry.name.isdigit() else None
        if stat is not None:
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


@pytest.fixture
def make_runner():
    """``make_runner(**options)``: a Runner without brian2 (it starts in a fraction of a
    second), shut down at teardown."""
    runners = []

    def make(**options):
        runner = Runner(preload=(), **options)
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.shutdown(timeout=2.0)


def record(job, name: str, events: list) -> None:
    """Append ``(name, signal, argument)`` to ``events`` for every signal of ``job`` (but
    waiting for the processes to start: that depends on how fast they start)."""
    def add(kind, *args):
        if args != ("the simulator to start",):
            events.append((name, kind) + args)

    for kind in ("started", "waiting", "finished", "stopped", "failed"):
        getattr(job, kind).connect(lambda *args, kind=kind: add(kind, *args))


@linux_only
def test_a_run_killed_mid_way_fails_clearly_and_the_next_run_works(qtbot, make_runner):
    runner = make_runner()
    job = runner.submit("lif", STREAM, {})
    with qtbot.waitSignal(job.chunk, timeout=20000) as chunk:
        pass
    pid = chunk.args[0]["pid"]
    with qtbot.waitSignal(job.failed, timeout=10000) as failed:
        os.kill(pid, signal.SIGKILL)
    assert "ended unexpectedly" in failed.args[0] and "restarted" in failed.args[0]
    again = runner.submit("lif", SQUARE, {"x": 3.0})
    with qtbot.waitSignal(again.finished, timeout=20000) as finished:
        pass
    assert finished.args == [9.0]
    assert pid not in runner.pids() and len(runner.pids()) == 2


def test_a_queued_job_cancelled_ends_stopped_without_running(qtbot, make_runner):
    runner = make_runner(processes=1)
    events = []
    first = runner.submit("hh", STREAM, {}, label="the Hodgkin-Huxley threshold tool")
    record(first, "hh", events)
    with qtbot.waitSignal(first.chunk, timeout=20000):
        pass
    queued = runner.submit("lif", SQUARE, {"x": 2.0})
    queued.started_at = time.perf_counter()  # as tabs/base.py does: it must not matter
    record(queued, "lif", events)
    qtbot.waitUntil(lambda: ("lif", "waiting", "the Hodgkin-Huxley threshold tool") in events)
    assert runner.busy("lif")
    runner.cancel("lif")
    assert ("lif", "stopped", None) in events and not runner.busy("lif")
    with qtbot.waitSignal(first.chunk, timeout=5000):
        pass  # the running job goes on
    with qtbot.waitSignal(first.stopped, timeout=5000):
        runner.cancel("hh")
    qtbot.wait(50)
    assert [e for e in events if e[0] == "lif"] == [
        ("lif", "waiting", "the Hodgkin-Huxley threshold tool"), ("lif", "stopped", None)]


def test_two_tabs_long_jobs_take_turns_and_the_second_is_told_what_it_waits_for(
        qtbot, make_runner):
    runner = make_runner()
    events = []
    tool = runner.submit("hh", STREAM, {"chunks": 30}, long=True,
                         label="the Hodgkin-Huxley threshold tool")
    record(tool, "hh", events)
    with qtbot.waitSignal(tool.started, timeout=20000):
        pass
    other = runner.submit("lif", SQUARE, {"x": 4.0}, long=True, label="the f-I curve")
    record(other, "lif", events)
    with qtbot.waitSignal(other.finished, timeout=20000):
        pass
    assert events == [("hh", "started"), ("lif", "waiting", "the Hodgkin-Huxley threshold tool"),
                      ("hh", "finished", 30), ("lif", "started"), ("lif", "finished", 16.0)]
    assert other.started_at >= tool.started_at
    assert other.waiting_for is None


def test_a_long_tool_does_not_hold_up_another_tabs_run(qtbot, make_runner):
    runner = make_runner()
    events = []
    tool = runner.submit("hh", STREAM, {}, long=True, label="the Hodgkin-Huxley threshold tool")
    record(tool, "hh", events)
    with qtbot.waitSignal(tool.chunk, timeout=20000):
        pass
    run = runner.submit("lif", SQUARE, {"x": 5.0})
    record(run, "lif", events)
    with qtbot.waitSignal(run.finished, timeout=20000):
        pass
    assert not tool.done.is_set()  # the run did not wait for the tool to end
    assert ("lif", "waiting", "the Hodgkin-Huxley threshold tool") not in events
    assert ("lif", "finished", 25.0) in events


@linux_only
def test_shutdown_during_a_run_ends_every_process_in_time(qtbot, make_runner):
    runner = make_runner()
    job = runner.submit("hh", STREAM, {})
    with qtbot.waitSignal(job.chunk, timeout=20000):
        pass
    qtbot.waitUntil(lambda: len(runner.pids()) == 2, timeout=20000)
    pids = runner.pids()
    start = time.monotonic()
    runner.shutdown(timeout=1.0)
    assert time.monotonic() - start < 3.0
    assert all(_stat(pid) is None for pid in pids)  # ended and reaped
    assert runner.pids() == [] and job.done.is_set()


def test_a_failed_start_is_a_visible_failure_and_the_next_run_tries_again(
        qtbot, make_runner, monkeypatch):
    import multiprocessing.context

    start = multiprocessing.context.SpawnProcess.start
    broken = [True]

    def start_unless_broken(process):
        if broken[0]:
            raise OSError(24, "Too many open files")
        start(process)

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", start_unless_broken)
    runner = make_runner(processes=1)
    statuses = []
    runner.status.connect(statuses.append)
    job = runner.submit("lif", SQUARE, {"x": 3.0})
    with qtbot.waitSignal(job.failed, timeout=10000) as failed:
        pass
    summary = failed.args[0].splitlines()[0]  # what a tab shows
    assert "could not start" in summary and "Too many open files" in summary
    assert summary.endswith("tried again on the next run")
    assert any("could not start" in text for text in statuses)
    broken[0] = False
    again = runner.submit("lif", SQUARE, {"x": 3.0})
    with qtbot.waitSignal(again.finished, timeout=20000) as finished:
        pass
    assert finished.args == [9.0]


def test_a_process_that_dies_while_starting_fails_every_run_instead_of_hanging(
        qtbot, make_runner):
    runner = Runner(preload=("runner_jobs_no_such_module",))
    try:
        for _ in range(2):
            job = runner.submit("lif", SQUARE, {"x": 3.0})
            with qtbot.waitSignal(job.failed, timeout=20000) as failed:
                pass
            assert "could not start" in failed.args[0]
            assert not runner.busy("lif")
    finally:
        runner.shutdown()


def test_in_process_job_cancelled_before_it_starts_never_runs(qtbot):
    runner = Runner()
    events = []
    first = runner.submit("oja", STREAM, {"chunks": 3}, in_process=True)
    record(first, "first", events)
    second = runner.submit("oja", STREAM, {"chunks": 3}, in_process=True)
    record(second, "second", events)
    with qtbot.waitSignal(second.finished, timeout=5000):
        pass
    qtbot.wait(50)
    assert [e for e in events if e[0] == "first"] == [("first", "stopped", None)]
    assert events[-1] == ("second", "finished", 3)
    assert not runner.busy("oja")
    runner.shutdown()


def test_an_in_process_job_replacing_a_running_one_stays_known_and_cancellable(qtbot):
    runner = Runner()
    first = runner.submit("oja", STREAM, {}, in_process=True)
    with qtbot.waitSignal(first.chunk, timeout=5000):
        pass
    second = runner.submit("oja", STREAM, {}, in_process=True)
    with qtbot.waitSignal(first.stopped, timeout=5000):
        pass
    with qtbot.waitSignal(second.chunk, timeout=5000):
        pass
    assert runner.busy("oja")  # the first one's end did not forget the second
    with qtbot.waitSignal(second.stopped, timeout=5000):
        runner.cancel("oja")
    assert not runner.busy("oja")
    runner.shutdown()


KILLED_GUI = """
import sys
from PyQt5.QtWidgets import QApplication
from neurodynex_gui.runner import Runner

if __name__ == "__main__":
    app = QApplication([])
    runner = Runner(preload=())
    run = runner.submit("lif", "runner_jobs:stream", {})
    tool = runner.submit("hh", "runner_jobs:start_compile", {
        "warm_up": "runner_jobs:sleep_then_stamp", "stamp": sys.argv[1]}, long=True)
    tool.chunk.connect(lambda pid: print(pid, *runner.pids(), flush=True))
    app.exec_()
"""


@linux_only
def test_no_process_outlives_a_killed_gui(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(TESTS.parent), str(TESTS)]))
    gui = subprocess.Popen([sys.executable, "-c", KILLED_GUI, str(tmp_path / "stamp.ok")],
                           env=env, cwd=TESTS.parent, stdout=subprocess.PIPE, text=True)
    try:
        assert select.select([gui.stdout], [], [], 60.0)[0], "the GUI never got its job going"
        compile_pid, *worker_pids = map(int, gui.stdout.readline().split())
        tree = descendants(gui.pid)
        assert {compile_pid, *worker_pids} <= set(tree) and len(worker_pids) == 2
    finally:
        gui.kill()
        gui.wait()
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and not all(ended(pid) for pid in tree):
        time.sleep(0.02)
    assert [pid for pid in tree if not ended(pid)] == []


@linux_only
def test_the_background_compile_process_is_reaped_when_done(tmp_path, monkeypatch):
    from neurodynex_gui.models import brian_support

    monkeypatch.setenv("PYTHONPATH", str(TESTS))
    stamp = tmp_path / "compiled.ok"
    process = brian_support._start_compile("runner_jobs:no_work", stamp)
    deadline = time.monotonic() + 20.0
    while time.monotonic() < deadline and _stat(process.pid) is not None:
        time.sleep(0.02)
    assert stamp.exists()
    assert _stat(process.pid) is None  # exited and reaped: no zombie left behind
    assert process.returncode == 0


def test_models_import_no_qt():
    models = sorted(p.stem for p in (TESTS.parent / "neurodynex_gui" / "models").glob("*.py")
                    if p.stem != "__init__")
    code = ("import importlib, sys\n"
            "import neurodynex_gui.models\n"
            f"for name in {models!r}:\n"
            "    importlib.import_module('neurodynex_gui.models.' + name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PyQt5', 'pyqtgraph', 'PySide2', 'PySide6', 'PyQt6')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=TESTS.parent, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert {"hh", "lif", "brian_support", "compile_child"} <= set(models)
