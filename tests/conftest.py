"""Headless Qt for every test: without a display pytest-qt would abort the run."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# settings, autosave and desktop files of the tests never touch the user's own
_HOME = tempfile.mkdtemp(prefix="neurodynex-gui-tests-")  # mode 0700, as Qt wants
os.environ.setdefault("XDG_RUNTIME_DIR", _HOME)
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")
# the tests run brian2's runtime; tests/test_fast_path.py compares the compiled fast path with
# it (in its own cache folder), so that no other test waits for a C++ build
os.environ["NEURODYNEX_GUI_FAST_PATH"] = "off"
os.environ["NEURODYNEX_GUI_CACHE"] = os.path.join(_HOME, "cache")
# the exercise API draws with matplotlib by default (do_plot=True, as the seed): headless and
# non-blocking in tests (a Qt backend's plt.show() would wait for a window to close)
os.environ["MPLBACKEND"] = "Agg"

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures drawn by a test (do_plot=True) are closed after it."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture(scope="session")
def runner():
    """One simulation process for the whole test session (it takes a second to start)."""
    from neurodynex_gui.runner import Runner

    runner = Runner()
    runner.start()
    yield runner
    runner.shutdown(timeout=2.0)


@pytest.fixture
def make_window(qtbot, runner):
    """Factory: ``make_window("lif", ...)`` is a shown main window with those tabs (all tabs
    when none are named) on the session's runner; at teardown every tab's job is stopped."""
    from neurodynex_gui.main_window import MainWindow

    windows = []

    def make(*tab_ids):
        window = MainWindow(runner=runner, tab_ids=list(tab_ids) or None)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        for tab in window.tabs.values():
            tab.stop()


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def run_and_wait(qtbot):
    """``run_and_wait(tab)``: click the tab's Run button, wait for its result and return it."""
    from PyQt5.QtCore import Qt

    def run(tab, timeout=30000):
        with qtbot.waitSignal(tab.result_ready, timeout=timeout) as blocker:
            qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
        return blocker.args[0]

    return run


@pytest.fixture
def main_py():
    """``main_py(*args)``: ``python main.py *args`` in a process of its own (its exit code tells
    a crash at exit too), from the repository root, headless; returns the finished process."""
    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args],
                              capture_output=True, text=True, timeout=120, cwd=ROOT,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})

    return run


@pytest.fixture(autouse=True)
def fresh_settings(qapp):
    """Every test starts from default settings (presentation mode, recent files, ...)."""
    from PyQt5.QtCore import QSettings

    qapp.setOrganizationName("neurodynex-gui-tests")
    qapp.setApplicationName("neurodynex-gui-tests")
    QSettings().clear()
    yield
    QSettings().clear()
