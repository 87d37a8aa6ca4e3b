"""The background compile of :func:`brian_support.cython_ready`: ``python -m`` this module.

``python -m neurodynex_gui.models.compile_child WARM_UP STAMP`` runs ``WARM_UP``
("module:function", which builds and briefly runs a model's cython networks, so that brian2
compiles them into its disk cache) and then writes the file ``STAMP``. It ends with the process
that started it: that one holds our stdin open, so end-of-file on stdin means it has gone
(SIGKILL included) or wants us gone. Compiles of the same stamp take turns (a lock file), so
that two simulation processes never compile the same code side by side.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading
from pathlib import Path

from ..atomic import write_atomically


def main(warm_up: str, stamp: str) -> None:
    threading.Thread(target=_exit_at_eof, name="parent-watch", daemon=True).start()
    build(warm_up, stamp)


def build(warm_up: str, stamp: str) -> None:
    """Run ``warm_up`` (compiling its cython code) in this process, then write the stamp;
    nothing if the stamp is there once no other process compiles it any more."""
    path = Path(stamp)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(path.with_name(path.name + ".lock")):
        if path.exists():
            return
        module, _, function = warm_up.partition(":")
        getattr(importlib.import_module(module), function)()
        write_atomically(path, lambda tmp: tmp.write_text("compiled\n", encoding="utf-8"))


def _exit_at_eof() -> None:
    try:
        while os.read(0, 4096):  # the raw fd: a daemon thread in a buffered read would
            pass                 # abort the interpreter's own exit
    finally:
        os._exit(1)


@contextlib.contextmanager
def _exclusive(path: Path):
    """Hold an exclusive lock on ``path`` (where the OS has ``fcntl``; else no lock)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file closes or we die
        yield


if __name__ == "__main__":
    main(*sys.argv[1:])
