"""Atomic writes: no half-written target, and no temporary file left by a killed writer."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np

from neurodynex_gui.atomic import remove_stale_temporaries, write_atomically
from neurodynex_gui.session import save

from conftest import ROOT

KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from neurodynex_gui.atomic import write_atomically

    def slow(tmp):
        tmp.write_bytes(b"half of it")
        print("writing", flush=True)
        time.sleep(60)

    write_atomically(sys.argv[1], slow)
""")


def test_kill_9_during_a_save_leaves_no_temporary_file_after_the_next_write(tmp_path):
    target = tmp_path / "lecture.results.npz"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    leftover = tmp_path / f".lecture.results.tmp{writer.pid}.npz"
    assert leftover.exists() and not target.exists()

    save(tmp_path / "lecture.ndx.json", {}, None, {"lif": {"x": np.arange(3.0)}})

    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.ndx.json",
                                                           "lecture.results.npz"]


def test_temporary_files_of_live_writers_and_other_files_are_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    keep = [f".a.tmp{os.getppid()}.json",  # a live process (the one that started pytest)
            f".b.tmp{os.getpid()}.npz",    # this process: maybe writing right now
            "notes.tmp123.txt",             # not hidden: not one of ours
            ".hidden"]
    for name in keep + [f".c.tmp{dead}.json"]:
        (tmp_path / name).write_text("x")

    assert remove_stale_temporaries(tmp_path) == [tmp_path / f".c.tmp{dead}.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)


def test_a_failed_write_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")

    def fail(tmp):
        tmp.write_bytes(b"new but half")
        raise OSError("disk full")

    try:
        write_atomically(target, fail)
    except OSError:
        pass
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]
