"""Never lose a lecture: the autosave file and the marker that tells a crash from a clean exit."""
from __future__ import annotations

import os
from pathlib import Path

from PyQt5.QtCore import QStandardPaths


def data_dir() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def autosave_path() -> Path:
    return data_dir() / "autosave.ndx.json"


def _marker() -> Path:
    return data_dir() / "running"


def begin() -> bool:
    """Mark the app as running; True if the last run ended without ``end`` (a crash)."""
    crashed = _marker().exists() and autosave_path().exists()
    _marker().write_text(str(os.getpid()))
    return crashed


def end() -> None:
    """A clean exit: the next start offers no restore."""
    _marker().unlink(missing_ok=True)
