"""The background compilation of checked custom equations (the fast path of
:mod:`~neurodynex_gui.models.custom_fast`): one build job at a time in the runner's second
process, its progress on a bar, and which build is ready. While it builds, runs use brian2's
runtime and the last result stays shown; without a C++ compiler it says so once."""
from __future__ import annotations

from PyQt5.QtCore import QObject, pyqtSignal
from PyQt5.QtWidgets import QProgressBar

BUILD_PATH = "neurodynex_gui.models.custom_fast:build"


def fast_key(arguments: dict):
    """What a compiled build depends on: the equations and the run's settings (n, dt, the
    run's length rounded up, what is recorded), from a run's ``model, values, stimulus``."""
    from ..models.custom_fast import fast_model  # numpy only, no brian2

    compiled, setup, _ = fast_model(arguments["model"], arguments["values"],
                                    arguments["stimulus"])
    return compiled, setup.built_as()


class Compiler(QObject):
    """Builds for ``owner`` (a tab id) on ``runner``; ``ready(seconds)`` when the build of the
    latest request exists, ``message(text)`` when it cannot be made."""

    ready = pyqtSignal(float)
    message = pyqtSignal(str)

    def __init__(self, runner, owner: str, parent=None):
        super().__init__(parent)
        self.runner, self.owner = runner, owner
        self.ready_key = self.building = self.job = None
        self.failed_keys: set = set()
        self.unavailable = ""  # why nothing can be compiled in this session ("" if it can)
        self.bar = QProgressBar()
        self.bar.setObjectName("compile_progress")
        self.bar.setToolTip("brian2 compiles the checked equations into a program that "
                            "re-runs with new values in milliseconds")
        self.bar.setFormat("compiling the model… %p%")
        self.bar.hide()

    def is_ready(self, arguments: dict) -> bool:
        return self.ready_key is not None and fast_key(arguments) == self.ready_key

    def prepare(self, arguments: dict) -> None:
        """Build for a run with ``arguments`` unless it is built or being built."""
        if self.runner is None or self.unavailable:
            return
        key = fast_key(arguments)
        if key in (self.ready_key, self.building) or key in self.failed_keys:
            return
        self.building = key
        job = self.job = self.runner.submit(f"{self.owner}.build", BUILD_PATH, arguments,
                                            long=True, label="the custom model's compilation")
        job.chunk.connect(self.progress)  # bound methods: dropped with the object
        job.finished.connect(self.finished)
        job.failed.connect(self.failed)
        self.bar.setValue(0)
        self.bar.show()

    def progress(self, chunk) -> None:
        if self.sender() is self.job:
            self.bar.setValue(min(95, round(100 * chunk["elapsed_s"] / chunk["expected_s"])))

    def finished(self, result) -> None:
        if self.sender() is not self.job:
            return  # a newer request replaced it
        key, self.building = self.building, None
        self.bar.hide()
        if result.ready:
            self.ready_key = key
            self.ready.emit(result.seconds)
            return
        if result.permanent:
            self.unavailable = result.message
        elif result.message != "stopped":
            self.failed_keys.add(key)
        if result.message != "stopped":
            self.message.emit(result.message)

    def failed(self, text: str) -> None:
        if self.sender() is not self.job:
            return
        self.failed_keys.add(self.building)
        self.building = None
        self.bar.hide()
        self.message.emit(f"the compilation failed ({text.splitlines()[0]}); runs use "
                          f"brian2's runtime")
