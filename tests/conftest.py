"""Headless Qt for every test: without a display pytest-qt would abort the run."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

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
