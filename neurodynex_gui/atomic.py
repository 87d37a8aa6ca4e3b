"""Writes that never leave a half-written file: a temporary file beside the target, renamed."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def write_atomically(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` with a temporary path (same folder and suffix), then rename it."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
