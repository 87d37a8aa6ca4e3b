"""The one QApplication of the process, set up the same way for the window, the command line
export and a notebook."""
from __future__ import annotations


def make_application(argv=None):
    from PyQt5.QtCore import Qt
    from PyQt5.QtWidgets import QApplication

    QApplication.setAttribute(Qt.AA_EnableHighDpiScaling, True)
    QApplication.setAttribute(Qt.AA_UseHighDpiPixmaps, True)
    app = QApplication.instance() or QApplication(list(argv or ["neurodynex-gui"]))
    app.setStyle("Fusion")  # the same look on every platform
    app.setApplicationName("neurodynex-gui")
    app.setOrganizationName("neurodynex-gui")
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    return app
