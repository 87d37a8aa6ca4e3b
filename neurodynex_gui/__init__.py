"""neurodynex-gui: the models of the book Neuronal Dynamics, live.

``neurodynex_gui.models`` is the scripting API (no Qt); ``neurodynex_gui.show("hh", I_amp=7)``
opens the application on a tab with those values (see :mod:`.notebook`).
"""


def show(tab: str, *, run: bool = True, **values):
    """Open the application on ``tab`` with ``values`` (see :func:`.notebook.show`)."""
    from .notebook import show as show_tab

    return show_tab(tab, run=run, **values)
