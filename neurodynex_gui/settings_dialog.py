"""The Settings dialog (Edit > Settings…, Ctrl+,): where sweeps run.

The dask.distributed scheduler address is kept in QSettings (``sweeps/scheduler``); when set,
the sweeps of the tabs (Brunel's phase diagram, the psychometric curve) and the command line's
``--sweep`` run on that cluster instead of local worker processes. ``--scheduler`` on the
command line, and a tab's own scheduler field, override it for that run.
"""
from __future__ import annotations

import ipaddress
import re

from PyQt5.QtCore import QSettings
from PyQt5.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                             QVBoxLayout)

SCHEDULER_KEY = "sweeps/scheduler"
_ADDRESS = re.compile(r"tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*"
                      r"[A-Za-z0-9])?):(?P<port>[0-9]{1,5})")


def check_scheduler(text: str) -> str:
    """The address, stripped ("" means local worker processes), if it reads tcp://HOST:PORT
    with a host name or IP address and a port from 1 to 65535; else ValueError saying why."""
    text = (text or "").strip()
    if not text:
        return ""
    found = _ADDRESS.fullmatch(text)
    if found is None:
        raise ValueError(f"'{text}' is not a dask scheduler address: write tcp://HOST:PORT, "
                         "e.g. tcp://127.0.0.1:8786 (or leave it empty for local processes)")
    host = found["host"]
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise ValueError(f"'{host}' is not an IPv6 address") from None
    if not 1 <= int(found["port"]) <= 65535:
        raise ValueError(f"port {found['port']} is not from 1 to 65535")
    return text


def scheduler_address() -> str:
    """The saved scheduler address ("" when none: local worker processes)."""
    value = QSettings().value(SCHEDULER_KEY, "")
    try:
        return check_scheduler(str(value or ""))
    except ValueError:
        return ""  # a hand-edited settings file: run locally rather than fail


def sweep_scheduler(override: str = "") -> str:
    """The scheduler a sweep uses: ``override`` (the command line's --scheduler, a tab's own
    field) when given, else the saved setting ("" for local worker processes)."""
    return (override or "").strip() or scheduler_address()


class SettingsDialog(QDialog):
    """OK saves a valid address; an invalid one is refused with a message beside the field
    and the saved value stays as it was."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.scheduler = QLineEdit(scheduler_address())
        self.scheduler.setPlaceholderText("empty: local worker processes")
        self.scheduler.setToolTip("A dask.distributed scheduler (tcp://HOST:PORT) that runs the "
                                  "sweeps: Brunel's phase diagram, the psychometric curve, "
                                  "--sweep. Start one with `dask scheduler` and workers with "
                                  "`dask worker tcp://HOST:PORT`.")
        self.scheduler.setMinimumWidth(320)
        self.scheduler.textEdited.connect(lambda _text: self.error.hide())
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b")
        self.error.hide()
        note = QLabel("Sweeps (Brunel's phase diagram, the psychometric curve, --sweep) run "
                      "on this dask.distributed cluster; empty: on local worker processes.")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(note)
        form.addRow("dask scheduler", self.scheduler)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(buttons)

    def accept(self) -> None:
        try:
            address = check_scheduler(self.scheduler.text())
        except ValueError as error:
            self.error.setText(str(error))
            self.error.show()
            self.adjustSize()  # room for the message
            self.scheduler.setFocus()
            return  # stays open; the saved address is unchanged
        settings = QSettings()
        settings.setValue(SCHEDULER_KEY, address)
        settings.sync()
        super().accept()
