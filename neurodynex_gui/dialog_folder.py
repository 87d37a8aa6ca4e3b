"""Where file dialogs open: the folder used last, else the user's documents folder."""
from __future__ import annotations

import os
from pathlib import Path

from PyQt5.QtCore import QSettings, QStandardPaths

KEY = "dialogs/last_folder"


def start_folder() -> Path:
    """The folder a file dialog opens in."""
    last = QSettings().value(KEY)
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def start_path(name: str) -> str:
    """``name`` in :func:`start_folder` (a dialog's suggested file)."""
    return os.fspath(start_folder() / name)


def remember(path: str | os.PathLike) -> None:
    """The next dialog opens where ``path`` (a file or a folder) is."""
    path = Path(path)
    QSettings().setValue(KEY, os.fspath(path if path.is_dir() else path.parent))
