"""The user's library of custom models: a folder of plain text model files (equations and
``#!`` lines, :func:`~neurodynex_gui.models.custom_spec.model_file_text`) in the user's data
folder, listed beside the editor; open, save, delete, and open or save any file to share.

The folder is ``QStandardPaths.AppDataLocation``/models, or ``NEURODYNEX_GUI_MODELS`` when that
is set (tests). A file that cannot be read or is not a model gives a message, never a crash.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from PyQt5.QtCore import QStandardPaths, Qt, pyqtSignal
from PyQt5.QtWidgets import (QFileDialog, QGridLayout, QInputDialog, QListWidget,
                             QMessageBox, QPushButton, QVBoxLayout, QWidget)

from ..models.params import ParamError

SUFFIX = ".txt"
MAX_BYTES = 200_000
"""A model file is a few hundred bytes; anything much larger is not one."""
_NAME = re.compile(r"^[\w][\w .+-]{0,79}$")


def library_dir() -> Path:
    """The folder of the user's models (created when first needed)."""
    if os.environ.get("NEURODYNEX_GUI_MODELS"):
        return Path(os.environ["NEURODYNEX_GUI_MODELS"])
    return Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "models"


def read_text(path) -> str:
    """A model file's text; raises OSError or ValueError (too large, not UTF-8 text)."""
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_BYTES // 1000} kB: not a model file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path.name} is not a text file (UTF-8)") from None


class ModelLibrary(QWidget):
    """The list of the library's models and its buttons. ``load(text)`` shows a model's text
    (raises ParamError if malformed); ``current_text()`` is the text to save."""

    message = pyqtSignal(str)

    def __init__(self, load, current_text, parent=None):
        super().__init__(parent)
        self.load, self.current_text = load, current_text
        self.folder_override: Path | None = None
        self.list = QListWidget()
        self.list.setObjectName("model_library")
        self.list.setToolTip("Your saved models (plain text files in your data folder); "
                             "double-click one to open it")
        self.list.setMaximumHeight(140)
        self.list.itemDoubleClicked.connect(lambda _item: self.open_selected())
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (label, slot, tip) in enumerate((
                ("Open", self.open_selected, "Open the selected model of the library"),
                ("Save to library…", self.save_dialog,
                 "Save the equations and values under a name in your library"),
                ("Delete…", self.delete_selected, "Delete the selected model (asks first)"),
                ("Open file…", self.open_file_dialog,
                 "Open a model file from anywhere (e.g. one a colleague shared)"),
                ("Save file…", self.save_file_dialog,
                 "Save the model as a plain text file to share or keep"))):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.setObjectName(f"library_{label.split()[0].lower()}_{index}")
            button.clicked.connect(slot)
            grid.addWidget(button, index // 2, index % 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list)
        column.addLayout(grid)
        self.refresh()

    @property
    def folder(self) -> Path:
        return self.folder_override or library_dir()

    def names(self) -> list[str]:
        try:
            return sorted((p.stem for p in self.folder.glob(f"*{SUFFIX}") if p.is_file()),
                          key=str.lower)
        except OSError:
            return []

    def refresh(self, select: str | None = None) -> None:
        current = select or (self.list.currentItem().text() if self.list.currentItem() else "")
        self.list.clear()
        self.list.addItems(self.names())
        found = self.list.findItems(current, Qt.MatchExactly) if current else []
        if found:
            self.list.setCurrentItem(found[0])

    def path_of(self, name: str) -> Path:
        return self.folder / f"{name}{SUFFIX}"

    # -- open ------------------------------------------------------------------------------

    def open_file(self, path) -> bool:
        """Show the model of ``path``; a message (and False) if it cannot be read or is not a
        model file; nothing changes then."""
        try:
            self.load(read_text(path))
        except (OSError, ValueError, ParamError) as error:
            self.message.emit(f"cannot open {Path(path).name}: {error}")
            return False
        self.message.emit(f"model opened from {path}")
        return True

    def open_selected(self) -> bool:
        item = self.list.currentItem()
        if item is None:
            self.message.emit("choose a model of the library first")
            return False
        return self.open_file(self.path_of(item.text()))

    def open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a custom model", str(self.folder),
                                              "Custom models (*.txt *.eqs);;All files (*)")
        if path:
            self.open_file(path)

    # -- save and delete -------------------------------------------------------------------

    def save(self, name: str, overwrite: bool = False) -> Path | None:
        """Save the current model as ``name`` in the library; None (and a message) if the name
        is not usable or, without ``overwrite``, taken and not confirmed."""
        name = name.strip()
        if not _NAME.match(name):
            self.message.emit(f"'{name}' is not a usable name (letters, digits, spaces and "
                              f"_ . + -, at most 80)")
            return None
        path = self.path_of(name)
        if path.exists() and not overwrite and not self.confirm(
                f"Replace the model '{name}' in your library?"):
            return None
        return self.write(path, name)

    def write(self, path: Path, name: str | None = None) -> Path | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.part")
            temporary.write_text(self.current_text(), encoding="utf-8")
            os.replace(temporary, path)
        except OSError as error:
            self.message.emit(f"cannot save {path}: {error}")
            return None
        self.refresh(select=name)
        self.message.emit(f"model saved to {path}")
        return path

    def save_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "Save to library", "Name of the model:")
        if ok:
            self.save(name)

    def save_file_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the custom model", "model.txt",
                                              "Custom models (*.txt *.eqs)")
        if path:
            self.write(Path(path))

    def delete(self, name: str) -> bool:
        """Delete ``name`` from the library after confirmation."""
        if not self.confirm(f"Delete the model '{name}' from your library? This cannot be "
                            f"undone."):
            return False
        try:
            self.path_of(name).unlink()
        except OSError as error:
            self.message.emit(f"cannot delete '{name}': {error}")
            return False
        self.refresh()
        self.message.emit(f"model '{name}' deleted")
        return True

    def delete_selected(self) -> bool:
        item = self.list.currentItem()
        if item is None:
            self.message.emit("choose a model of the library first")
            return False
        return self.delete(item.text())

    def confirm(self, question: str) -> bool:
        """Yes or no from the user (tests replace this)."""
        answer = QMessageBox.question(self, "Model library", question,
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes
