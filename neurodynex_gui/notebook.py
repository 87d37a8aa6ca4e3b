"""From a notebook (or a Python prompt) to the window: ``neurodynex_gui.show("hh", I_amp=7)``.

With a Qt event loop in this process (IPython's ``%gui qt``, or a Qt application) the window
opens here, or the one ``show`` opened before is reused, on that tab with those values (and
runs it). Without one, the application starts as a separate process, as
``neurodynex-gui --tab hh --set I_amp=7`` would. Values use the scripting API's names and
units and are checked before anything opens: a bad one raises a ParamError (ValueError)
naming it.
"""
from __future__ import annotations

import subprocess
import sys

from .models.params import ParamError

_window = None
"""The window ``show`` opened in this process (reused while it is open)."""


def check_values(tab_id: str, values: dict) -> list[tuple[str, str]]:
    """``values`` for the tab ``tab_id`` as (name, text) pairs, checked against its forms
    (bounds and cross-field rules, from the defaults); raises ParamError naming the bad one."""
    from .tabs import tab_class, tab_ids
    from .tabs.declarations import Form

    if tab_id not in tab_ids():
        raise ParamError("tab", f"unknown tab '{tab_id}' (known: {', '.join(tab_ids())})")
    forms = [Form(*spec).params_class for spec in tab_class(tab_id).forms]
    grouped: dict[type, dict] = {}
    for name, value in values.items():
        owner = next((cls for cls in forms if name in cls.names()), None)
        if owner is None:
            known = ", ".join(n for cls in forms for n in cls.names())
            raise ParamError(name, f"unknown parameter for tab '{tab_id}' (known: {known})")
        grouped.setdefault(owner, {})[name] = value
    for cls, chosen in grouped.items():
        cls.from_dict(chosen)
    return [(name, _text(value)) for name, value in values.items()]


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def open_on(window, tab_id: str, pairs: list[tuple[str, str]], run: bool = True):
    """Bring ``window`` forward on ``tab_id`` with the values ``pairs`` set (and run it)."""
    from PyQt5.QtCore import QTimer

    window.show()
    window.raise_()
    window.activateWindow()
    window.tab_widget.setCurrentIndex(window.tab_ids.index(tab_id))
    tab = window.tabs[tab_id]
    for name, text in pairs:
        tab.set_value(name, text)
    if run:
        QTimer.singleShot(0, tab.run)
    return tab


def _new_window():
    from .qt_application import make_application
    from .main_window import MainWindow

    make_application()
    return MainWindow(lazy=True)


def _alive(window) -> bool:
    if window is None:
        return False
    from PyQt5 import sip

    return not sip.isdeleted(window) and window.isVisible()


def command(tab_id: str, pairs: list[tuple[str, str]]) -> list[str]:
    """The command that starts the application on ``tab_id`` with ``pairs``."""
    args = [sys.executable, "-c", "import sys; from neurodynex_gui.app import main; "
                                  "sys.exit(main())", "--tab", tab_id]
    for name, text in pairs:
        args += ["--set", f"{name}={text}"]
    return args


def show(tab: str, *, run: bool = True, **values):
    """Open the application on ``tab`` (an id of ``neurodynex-gui --list-tabs``) with the
    parameters ``values`` (scripting names and units), and run it unless ``run=False``.

    In a process with a Qt application (``%gui qt`` in IPython) returns the tab, in a reused
    window; otherwise starts the application as its own process and returns its Popen.
    """
    global _window
    pairs = check_values(tab, values)
    from PyQt5.QtWidgets import QApplication

    if QApplication.instance() is None:
        return subprocess.Popen(command(tab, pairs))
    if not _alive(_window):
        _window = _new_window()
    return open_on(_window, tab, pairs, run)
