"""What every model tab has: parameter forms, presets, a run bar, tools, plots, a session state.

A tab module declares its forms, presets, simulation function and tools, and draws its plots;
running, cancelling, error display, sessions and export are done here once.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
from PyQt5.QtCore import QEvent, Qt, QTimer, pyqtSignal
from PyQt5.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                             QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from .. import worker_process
from ..models.params import ParamError, Params
from ..models.sweep import SweepResult
from ..widgets.param_form import ParamForm
from ..widgets.plots import PlotPanel, set_view_ranges, show_sweep, view_ranges
from ..widgets.run_bar import RunBar


@dataclasses.dataclass(frozen=True)
class Tool:
    """A button that answers one question with one job.

    The job ``path`` is called with the tab's forms named in ``inputs`` and the fields of the
    tool's own ``params_class`` as keyword arguments; its SweepResult goes to the analysis page.
    """

    key: str
    label: str
    path: str
    params_class: type[Params] | None = None
    inputs: tuple[str, ...] = ("params",)
    tip: str = ""


class ModelTab(QWidget):
    """Base of the model tabs; see the class attributes to declare one."""

    tab_id = ""
    title = ""
    book_section = ""
    forms: tuple[tuple[str, str, type[Params]], ...] = ()  # (kwarg name, title, class)
    presets: dict[str, dict[str, Params]] = {}
    simulate_path = ""
    in_process = False  # True: run on a thread of this process (cheap numpy models)
    tools: tuple[Tool, ...] = ()
    auto_run = True  # the default run is fast enough to re-run on every parameter change
    exercises = ""   # HTML: the questions this tab answers, with the book section and tools

    result_ready = pyqtSignal(object)    # the finished result of a run
    tool_ready = pyqtSignal(str, object)  # tool key, its result
    run_failed = pyqtSignal(str)
    message = pyqtSignal(str)            # for the status bar

    def __init__(self, runner=None, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.result = None
        self.tool_results: dict[str, object] = {}
        self.job = None
        self.param_forms: dict[str, ParamForm] = {}
        self.tool_forms: dict[str, ParamForm] = {}
        self.traces = PlotPanel()
        self.analysis = PlotPanel()
        self.pages = QTabWidget()
        self.pages.addTab(self.traces, "Traces")
        self.pages.addTab(self.analysis, "Analysis")
        self.readout = QLabel()
        self.readout.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.readout.setWordWrap(True)
        self.run_bar = RunBar()
        self.run_bar.run.connect(self.run)
        self.run_bar.stop.connect(self.stop)
        self.auto_run_enabled = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.run)
        self.last_tool: str | None = None
        self._layout()
        for form in self.param_forms.values():
            form.changed.connect(self._parameter_changed)
        self.build_plots(self.traces)

    # -- declaration hooks -----------------------------------------------------------------------

    def build_plots(self, panel: PlotPanel) -> None:
        """Add plots and curves to the traces panel."""

    def start_run(self) -> None:
        """Clear what a new run replaces."""
        self.traces.clear_curves()

    def on_chunk(self, chunk) -> None:
        """Append a streamed piece of the running simulation."""

    def show_result(self, result) -> None:
        """Draw a finished (or stopped) run and update the readout."""

    def tool_progress(self, key: str, chunk) -> None:
        """A tool's job reports progress (tools whose functions send chunks)."""

    def show_tool_result(self, key: str, result) -> None:
        """Draw a tool's result on the analysis page (a SweepResult: one plot per column)."""
        show_sweep(self.analysis, result)
        if result.answer_text:
            self.readout.setText(result.answer_text)

    # -- layout --------------------------------------------------------------------------------

    def _layout(self) -> None:
        side = QWidget()
        column = QVBoxLayout(side)
        if self.presets:
            self.preset_box = QComboBox()
            self.preset_box.addItem("choose a preset…")
            self.preset_box.addItems(list(self.presets))
            self.preset_box.setToolTip("Load a named parameter set")
            self.preset_box.activated.connect(self._preset_chosen)
            column.addWidget(self.preset_box)
        for key, title, params_class in self.forms:
            form = ParamForm(params_class)
            self.param_forms[key] = form
            column.addWidget(group_box(title, form))
        reset = QPushButton("Reset to defaults")
        reset.setToolTip("Put every parameter of this tab back to its default")
        reset.clicked.connect(self.reset_defaults)
        column.addWidget(reset)
        column.addWidget(self.run_bar)
        column.addWidget(self.readout)
        for tool in self.tools:
            column.addWidget(self._tool_box(tool))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.side_panel = scroll
        self.fit_side_panel()
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)

    def fit_side_panel(self) -> None:
        """Make the side panel as wide as its forms (after a font change, for example)."""
        side = self.side_panel.widget()
        side.adjustSize()
        self.side_panel.setMinimumWidth(side.sizeHint().width() + 24)

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.FontChange, QEvent.ApplicationFontChange):
            QTimer.singleShot(0, self.fit_side_panel)
        super().changeEvent(event)

    def _tool_box(self, tool: Tool) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        if tool.params_class is not None:
            form = ParamForm(tool.params_class)
            self.tool_forms[tool.key] = form
            layout.addWidget(form)
        button = QPushButton(tool.label)
        button.setObjectName(f"tool_{tool.key}")
        button.setToolTip(tool.tip)
        button.clicked.connect(lambda: self.run_tool(tool.key))
        layout.addWidget(button)
        return group_box(tool.label, box)

    # -- running -------------------------------------------------------------------------------

    def values(self) -> dict[str, Params]:
        return {key: form.params() for key, form in self.param_forms.items()}

    def run(self) -> None:
        """Simulate with the current parameters (cancels a run in flight)."""
        if self._refuse_if_invalid():
            return
        self.start_run()
        self._submit(self.simulate_path, self.values(), "running",
                     on_done=self._finished, on_chunk=self.on_chunk)

    def run_tool(self, key: str) -> None:
        tool = next(t for t in self.tools if t.key == key)
        if self._refuse_if_invalid():
            return
        kwargs = {name: self.param_forms[name].params() for name in tool.inputs}
        if key in self.tool_forms:
            kwargs.update(self.tool_forms[key].params().to_dict())
        self.pages.setCurrentWidget(self.analysis)
        self._submit(tool.path, kwargs, tool.label,
                     on_done=lambda result: self._tool_finished(tool, result),
                     on_chunk=lambda chunk: self.tool_progress(tool.key, chunk))

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.cancel(self.tab_id)

    def run_blocking(self) -> object:
        """Simulate in this thread (command line export); returns and shows the result."""
        self.start_run()
        result = worker_process.call(self.simulate_path, self.values(), None, None)
        self._finished(result)
        return result

    def _submit(self, path, kwargs, what, *, on_done, on_chunk=None) -> None:
        if self.runner is None:
            return
        job = self.runner.submit(self.tab_id, path, kwargs, in_process=self.in_process)
        job.what, job.on_done, job.on_chunk = what, on_done, on_chunk
        job.started_at = time.perf_counter()
        self.job = job
        self.run_bar.set_running(what)
        # bound methods of this QObject: Qt drops the connections if the tab goes away first
        job.chunk.connect(self._job_chunk)
        job.finished.connect(self._job_finished)
        job.stopped.connect(self._job_stopped)
        job.failed.connect(self._job_failed)

    def _current_job(self):
        """The job that sent the signal being handled, or None if a newer one replaced it
        (its late chunks and results must not reach the plots of the newer run)."""
        job = self.sender()
        return job if job is self.job else None

    def _job_chunk(self, chunk) -> None:
        job = self._current_job()
        if job is not None and job.on_chunk is not None:
            job.on_chunk(chunk)

    def _job_finished(self, result) -> None:
        job = self._current_job()
        if job is None:
            return
        try:
            job.on_done(result)
        finally:
            self.run_bar.set_running(None)
        elapsed = time.perf_counter() - job.started_at
        self.run_bar.set_message(f"done in {elapsed:.2f} s")
        self.message.emit(f"{self.title}: {job.what} finished in {elapsed:.2f} s")

    def _job_stopped(self, partial) -> None:
        job = self._current_job()
        if job is None:
            return
        try:
            if partial is not None and job.on_done == self._finished:
                job.on_done(partial)
        finally:
            self.run_bar.set_running(None)
        self.run_bar.set_message("stopped")
        self.message.emit(f"{self.title}: {job.what} stopped")

    def _job_failed(self, text) -> None:
        job = self._current_job()
        if job is None:
            return
        self.run_bar.set_running(None)
        self.run_bar.set_message("failed")
        summary = text.split("\n", 1)[0]
        self.message.emit(f"{self.title}: {job.what} failed: {summary}")
        self.readout.setText(f"<span style='color:#b00020'>Run failed: {summary}</span>")
        self.run_failed.emit(text)

    def _finished(self, result) -> None:
        self.result = result
        self.show_result(result)
        self.traces.flush()
        self.result_ready.emit(result)

    def _parameter_changed(self, _params) -> None:
        if self.auto_run_enabled and self.auto_run:
            self._debounce.start()

    def _tool_finished(self, tool: Tool, result) -> None:
        self.tool_results[tool.key] = result
        self.last_tool = tool.key
        self.show_tool_result(tool.key, result)
        self.tool_ready.emit(tool.key, result)

    def _refuse_if_invalid(self) -> bool:
        forms = list(self.param_forms.values()) + list(self.tool_forms.values())
        if any(form.has_errors() for form in forms):
            self.message.emit(f"{self.title}: fix the values marked in red first")
            return True
        return False

    # -- parameters, presets, sessions -------------------------------------------------------

    def reset_defaults(self) -> None:
        for form in list(self.param_forms.values()) + list(self.tool_forms.values()):
            form.reset_defaults()

    def apply_preset(self, name: str) -> None:
        for key, params in self.presets[name].items():
            self.param_forms[key].set_params(params)
        self.message.emit(f"{self.title}: preset '{name}' loaded")

    def _preset_chosen(self, index: int) -> None:
        if index > 0:
            self.apply_preset(self.preset_box.itemText(index))
        self.preset_box.setCurrentIndex(0)

    def set_value(self, name: str, text: str) -> None:
        """Set one parameter by its scripting name (command line ``--set``); raises ParamError."""
        for form in self.param_forms.values():
            if name in form.params_class.names():
                params = form.params_class.from_dict({name: text}, base=form.params())
                form.set_params(params)
                return
        known = [n for form in self.param_forms.values() for n in form.params_class.names()]
        raise ParamError(name, f"unknown parameter for tab '{self.tab_id}' (known: "
                               f"{', '.join(known)})")

    def state(self) -> dict:
        """Everything a session keeps of this tab, as plain JSON values."""
        state = {key: form.params().to_dict() for key, form in self.param_forms.items()}
        state["tools"] = {key: form.params().to_dict() for key, form in self.tool_forms.items()}
        state["view"] = self.view_state()
        return state

    def view_state(self) -> dict:
        """The page shown and every plot's axis ranges."""
        return {"page": self.pages.currentIndex(),
                "ranges": {"traces": view_ranges(self.traces),
                           "analysis": view_ranges(self.analysis)}}

    def set_view_state(self, view: dict) -> None:
        page = view.get("page", 0)
        if isinstance(page, int) and 0 <= page < self.pages.count():
            self.pages.setCurrentIndex(page)
        for name, panel in (("traces", self.traces), ("analysis", self.analysis)):
            set_view_ranges(panel, view.get("ranges", {}).get(name, {}))

    def validate_state(self, state: dict) -> dict[str, Params]:
        """Parse a session state without applying it; raises ParamError."""
        parsed = {}
        for key, form in self.param_forms.items():
            parsed[key] = _parse(form.params_class, state.get(key, {}), key)
        for key, form in self.tool_forms.items():
            parsed[f"tools/{key}"] = _parse(form.params_class,
                                            state.get("tools", {}).get(key, {}), key)
        _check_view(state.get("view", {}))
        return parsed

    def restore(self, state: dict, results: dict | None = None) -> None:
        """Apply a session state (validated first: on error nothing changes), then the saved
        results if any, then the view."""
        parsed = self.validate_state(state)
        for key, params in parsed.items():
            forms = self.tool_forms if key.startswith("tools/") else self.param_forms
            forms[key.removeprefix("tools/")].set_params(params)
        if results:
            self.restore_results(results)
        self.set_view_state(state.get("view", {}))

    def result_arrays(self) -> dict[str, np.ndarray]:
        """The drawn traces and the tools' results, as arrays for an NPZ beside the session."""
        arrays = {}
        for key, (x, y) in self.traces.data().items():
            arrays[f"traces/{key}/x"], arrays[f"traces/{key}/y"] = x, y
        for key, sweep in self.tool_results.items():
            if not isinstance(sweep, SweepResult):
                continue  # a tab with other results saves them in its own override
            prefix = f"sweep/{key}"
            arrays[f"{prefix}/x"] = np.asarray(sweep.x, dtype=float)
            arrays[f"{prefix}/x_label"] = np.array(sweep.x_label)
            arrays[f"{prefix}/answer"] = np.array(np.nan if sweep.answer is None
                                                  else sweep.answer)
            arrays[f"{prefix}/answer_text"] = np.array(sweep.answer_text)
            for column, values in sweep.columns.items():
                arrays[f"{prefix}/column/{column}"] = np.asarray(values, dtype=float)
        if self.last_tool is not None:
            arrays["last_tool"] = np.array(self.last_tool)
        return arrays

    def restore_results(self, arrays: dict) -> None:
        """Draw results saved by :meth:`result_arrays` (unknown curves are skipped); raises
        ParamError before drawing anything if the arrays are incomplete."""
        curves, sweeps = [], {}
        try:
            for key in arrays:
                parts = key.split("/")
                if parts[0] == "traces" and parts[-1] == "x":
                    curve = self.traces.curves.get((parts[1], parts[2]))
                    if curve is not None:
                        curves.append((curve, arrays[key], arrays[key[:-1] + "y"]))
                elif parts[0] == "sweep" and parts[-1] == "x" and len(parts) == 3:
                    prefix = f"sweep/{parts[1]}"
                    columns = {k.rsplit("/", 1)[1]: arrays[k] for k in arrays
                               if k.startswith(prefix + "/column/")}
                    answer = float(arrays[prefix + "/answer"])
                    sweeps[parts[1]] = SweepResult(
                        arrays[key], columns, str(arrays[prefix + "/x_label"]),
                        None if np.isnan(answer) else answer,
                        str(arrays[prefix + "/answer_text"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ParamError("results", f"the saved results are incomplete ({error})") from None
        for curve, x, y in curves:
            curve.set(x, y)
        self.tool_results.update(sweeps)
        last = str(arrays["last_tool"]) if "last_tool" in arrays else None
        if last in self.tool_results:
            self.last_tool = last
            self.show_tool_result(last, self.tool_results[last])
        self.traces.flush()

    def export_panel(self) -> PlotPanel:
        """The plots shown now (what File > Export writes)."""
        return self.pages.currentWidget()


def _parse(params_class, values, where: str) -> Params:
    if not isinstance(values, dict):
        raise ParamError(where, "must be an object of parameter values")
    return params_class.from_dict(values)


def _check_view(view) -> None:
    """Refuse a malformed view (page and axis ranges) before anything is applied."""
    if not isinstance(view, dict) or not isinstance(view.get("ranges", {}), dict):
        raise ParamError("view", "must be an object with 'page' and 'ranges'")
    for panel in view.get("ranges", {}).values():
        if not isinstance(panel, dict):
            raise ParamError("view", "ranges must map plot names to [[x0, x1], [y0, y1]]")
        for pair in panel.values():
            values = np.asarray(pair, dtype=object)
            if values.shape != (2, 2) or not all(
                    isinstance(v, (int, float)) and np.isfinite(v) for v in values.ravel()):
                raise ParamError("view", "ranges must map plot names to [[x0, x1], [y0, y1]]")


def group_box(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box
