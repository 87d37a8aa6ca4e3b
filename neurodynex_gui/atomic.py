"""Writes that never leave a half-written file: a temporary file beside the target, renamed.

A writer killed before its rename (``kill -9``, power cut) leaves its temporary file
``.<stem>.tmp<PID><suffix>``; the next write into that folder removes those of dead writers.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

_TEMPORARY = re.compile(r"^\..+\.tmp(\d+)(\.[^.]*)?$")


def write_atomically(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` with a temporary path (same folder and suffix), then rename it."""
    path = Path(path)
    remove_stale_temporaries(path.parent)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporary files in ``folder`` whose writing process is gone; return them."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed  # a missing folder fails in the write itself, with its own message
    for name in names:
        match = _TEMPORARY.match(name)
        if match and not _alive(int(match.group(1))):
            stale = Path(folder) / name
            try:
                stale.unlink()
            except OSError:
                continue  # another writer cleaned it first, or it is not ours to delete
            removed.append(stale)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (in doubt: yes, so that its file is kept)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # another user's process (PermissionError), or not checkable here
    return True
