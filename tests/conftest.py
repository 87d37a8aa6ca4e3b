"""Headless Qt for every test: without a display pytest-qt would abort the run."""
import os

import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# settings, autosave and desktop files of the tests never touch the user's own
_HOME = tempfile.mkdtemp(prefix="neurodynex-gui-tests-")  # mode 0700, as Qt wants
os.environ.setdefault("XDG_RUNTIME_DIR", _HOME)
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def runner():
    """One simulation process for the whole test session (it takes a second to start)."""
    from neurodynex_gui.runner import Runner

    runner = Runner()
    runner.start()
    yield runner
    runner.shutdown(timeout=2.0)


@pytest.fixture
def window(qtbot, runner):
    from neurodynex_gui.main_window import MainWindow

    window = MainWindow(runner=runner)
    qtbot.addWidget(window)
    window.show()
    yield window
    for tab in window.tabs.values():
        tab.stop()


@pytest.fixture(autouse=True)
def fresh_settings(qapp):
    """Every test starts from default settings (presentation mode, recent files, ...)."""
    from PyQt5.QtCore import QSettings

    qapp.setOrganizationName("neurodynex-gui-tests")
    qapp.setApplicationName("neurodynex-gui-tests")
    QSettings().clear()
    yield
    QSettings().clear()
