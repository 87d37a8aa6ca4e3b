"""What every model tab has: parameter forms, presets, a run bar, tools, pages, a session state.

A tab module declares its forms, presets, simulation function, tools, view state, side-panel
sections and pages, and draws its plots through the hooks below; running, cancelling, error
display, progress, sessions and export are done here once.
"""
from __future__ import annotations

import time

import numpy as np
from PyQt5.QtCore import QEvent, Qt, QTimer, pyqtSignal
from PyQt5.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from .. import worker_process
from ..export import ExportError
from ..models.divergence import divergence
from ..models.params import ParamError, Params
from ..view_state import TabView, parse_value
from ..widgets.param_form import ParamForm
from ..widgets.param_sliders import ParamSliders
from ..widgets.plots import PlotPanel, set_view_ranges, show_sweep, view_ranges
from ..widgets.replay import Replay, ReplayBar
from ..widgets.run_bar import RunBar
from . import saved_results
from .declarations import Form, Page, ParsedState, Section, Tool
from .side_panel import SidePanel


class ModelTab(QWidget):
    """Base of the model tabs; see the class attributes and hooks to declare one."""

    tab_id = ""
    title = ""
    book_section = ""
    forms: tuple[tuple, ...] = ()  # Form(key, title, Params class[, shown]) or plain tuples
    presets: dict[str, dict[str, Params]] = {}
    simulate_path = ""
    in_process = False  # True: run on a thread of this process (cheap numpy models)
    tools: tuple[Tool, ...] = ()
    auto_run = True  # the default run is fast enough to re-run on every parameter change
    exercises = ""   # HTML: the questions this tab answers, with the book section and tools
    traces_class = PlotPanel  # the panel of the main page
    View = TabView            # the view state kept in sessions (a TabView subclass)
    animated = False          # a Replay (self.replay) and its buttons beside Run
    sliders: dict[str, tuple[float, ...]] = {}  # field -> (low, high[, step]): drag to explore

    result_ready = pyqtSignal(object)    # the finished result of a run
    tool_ready = pyqtSignal(str, object)  # tool key, its result
    run_failed = pyqtSignal(str)
    message = pyqtSignal(str)            # for the status bar
    spikes_sent = pyqtSignal(object)     # "Analyse spikes": a SpikeData for the Coding tab
    custom_model_sent = pyqtSignal(str)  # "Open as custom model": a model file's text

    def __init__(self, runner=None, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.result = None
        self.tool_results: dict[str, object] = {}
        self.last_tool: str | None = None
        self.job = None
        self.auto_run_enabled = False
        self.form_specs = [Form(*spec) for spec in self.forms]
        self.param_forms = {spec.key: ParamForm(spec.params_class) for spec in self.form_specs}
        self.tool_forms = {tool.key: ParamForm(tool.params_class) for tool in self.tools
                           if tool.params_class is not None}
        self.traces = self.traces_class()
        self.analysis = PlotPanel()
        self.readout = QLabel()
        self.readout.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.readout.setWordWrap(True)
        self.problems = QLabel()  # every refused value, where it moves no field
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.hide()
        for form in [*self.param_forms.values(), *self.tool_forms.values()]:
            form.problems_changed.connect(self._show_problems)
        self.run_bar = RunBar()
        self.run_bar.run.connect(self.run)
        self.run_bar.stop.connect(self.stop)
        if self.animated:
            self.replay = Replay(self.advance_to, parent=self)
            self.replay_bar = ReplayBar(self.replay)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.run)
        self._explore_pending = False
        self.explore_sliders = [ParamSliders(form, ranges)
                                for form, ranges in self._slider_ranges()]
        for sliders in self.explore_sliders:
            sliders.moved.connect(self.explore)
            sliders.dragging.connect(self.traces.set_quick)
        self.build_plots(self.traces)
        self.pages = QTabWidget()
        self.page_list = self.build_pages()
        for page in self.page_list:
            self.pages.addTab(page.widget, page.title)
        self._layout(self.side_sections())
        for form in self.param_forms.values():
            form.changed.connect(self._parameter_changed)

    # -- declaration hooks -----------------------------------------------------------------------

    def build_plots(self, panel: PlotPanel) -> None:
        """Add plots and curves to the traces panel (forms exist already)."""

    def build_pages(self) -> list[Page]:
        """The pages in order (after build_plots): Traces, and Analysis if there are tools."""
        pages = [Page("Traces", self.traces)]
        return pages + [Page("Analysis", self.analysis)] if self.tools else pages

    def side_sections(self) -> list[Section]:
        """Boxes of the tab's own controls for the side panel (after build_pages)."""
        return []

    def show_default_run(self) -> None:
        """Called the first time the tab is shown, so that no plot greets a user empty."""
        if self.auto_run and self.result is None:
            self.run()

    def start_run(self) -> None:
        """Clear what a new run replaces."""
        self.traces.clear_curves()

    def on_chunk(self, chunk) -> None:
        """Append a streamed piece of the running simulation."""

    def show_result(self, result) -> None:
        """Draw a finished (or stopped) run and update the readout."""

    def accepts(self, result) -> bool:
        """Whether a finished run's or tool's result still fits the tab (it may have been
        computed for a state the user has left since)."""
        return True

    def tool_arguments(self, key: str) -> dict:
        """Keyword arguments a tool gets beyond its forms (e.g. values dragged in a plot)."""
        return {}

    def tool_progress(self, key: str, chunk) -> None:
        """A tool's job reports progress (tools whose functions send chunks)."""

    def show_tool_result(self, key: str, result) -> None:
        """Draw a tool's result on the analysis page (a SweepResult: one plot per column)."""
        show_sweep(self.analysis, result)
        if result.answer_text:
            self.readout.setText(result.answer_text)

    def advance_to(self, frame: int) -> bool:
        """Animated tabs: show ``frame`` of the replay; False when no frame follows."""
        return False

    def spike_trains(self, result):
        """Tabs whose runs produce spikes override this (the one hook of "Analyse spikes"):
        the spikes of ``result`` (a finished run of this tab) as ``(times_ms, ids)`` or
        ``(times_ms, ids, t_end_ms)`` arrays - spike k of unit ids[k] at times_ms[k] - or a
        :class:`~neurodynex_gui.models.coding.SpikeData` (whose ``weights``, w[i, j] from j to
        i, a network tab may fill for the circuit page); None if it has none. Overriding it
        gives the tab an "Analyse spikes" button that sends the last run's spikes to the
        Coding tab (signal ``spikes_sent``, routed by the main window)."""
        return None

    def sends_spikes(self) -> bool:
        """Whether the tab overrides :meth:`spike_trains` (and so has "Analyse spikes")."""
        return type(self).spike_trains is not ModelTab.spike_trains

    def send_spikes(self) -> bool:
        """Send the last run's spikes to the Coding tab; False (and a message) if none."""
        from ..models.coding import as_spike_data

        data = None if self.result is None else self.spike_trains(self.result)
        if data is None:
            self.message.emit(f"{self.title}: no run with spikes to analyse yet")
            return False
        self.spikes_sent.emit(as_spike_data(data, source=f"{self.title}, last run"))
        return True

    def custom_model(self) -> str | None:
        """Single-neuron tabs override this (the hook of "Open as custom model"): the tab's
        equations with its current values as the text of a custom model file (see
        :func:`~neurodynex_gui.models.custom_spec.model_file_text`)."""
        return None

    def sends_custom_model(self) -> bool:
        """Whether the tab overrides :meth:`custom_model` (and so has "Open as custom model")."""
        return type(self).custom_model is not ModelTab.custom_model

    def send_custom_model(self) -> None:
        """Send the tab's model to the Custom model tab (routed by the main window)."""
        self.custom_model_sent.emit(self.custom_model())

    def view_fields(self) -> dict:
        """The tab's own fields of its View (beyond the page and axis ranges)."""
        return {}

    def apply_view(self, view: TabView) -> None:
        """Show a restored view's own fields (page and ranges are applied after results)."""

    # -- layout --------------------------------------------------------------------------------

    def _layout(self, sections: list[Section]) -> None:
        self.side_panel = SidePanel(self, sections)
        self.progress_bars = self.side_panel.progress_bars
        self.fit_side_panel()
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.side_panel)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)

    def fit_side_panel(self) -> None:
        """Fit the side panel to its forms again (after a font change, for example)."""
        self.side_panel.fit()

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.FontChange, QEvent.ApplicationFontChange):
            QTimer.singleShot(0, self.fit_side_panel)
        super().changeEvent(event)

    # -- running -------------------------------------------------------------------------------

    def replace_form(self, key: str, params_class: type[Params]) -> ParamForm:
        """Give form ``key`` a new parameter class (a tab whose parameters are generated,
        e.g. from typed equations): a new form takes the old one's place, values of fields
        that keep their name carry over where still valid; returns the new form."""
        old = self.param_forms[key]
        form = ParamForm(params_class)
        kept = {name: value for name, value in old.params().to_dict().items()
                if name in params_class.names()}
        for name, value in kept.items():
            try:
                form.set_params(form.params().replace(**{name: value}))
            except (ParamError, TypeError):
                pass
        self.param_forms[key] = form
        form.problems_changed.connect(self._show_problems)
        form.changed.connect(self._parameter_changed)
        if key in self.side_panel.form_boxes:
            self.side_panel.form_boxes[key].layout().replaceWidget(old, form)
        old.hide()
        old.deleteLater()
        self._show_problems()
        self.fit_side_panel()
        return form

    def values(self) -> dict[str, Params]:
        return {key: form.params() for key, form in self.param_forms.items()}

    def run(self) -> None:
        """Simulate with the current parameters (cancels a run in flight)."""
        if self.refuse_if_invalid():
            return
        self.start_run()
        self.submit(self.simulate_path, self.values(), "simulation",
                    on_done=self.finish_run, on_chunk=self.on_chunk)

    def run_tool(self, key: str) -> None:
        tool = next(t for t in self.tools if t.key == key)
        if self.refuse_if_invalid():
            return
        kwargs = {name: self.param_forms[name].params() for name in tool.inputs}
        if key in self.tool_forms:
            kwargs.update(self.tool_forms[key].params().to_dict())
        kwargs.update(self.tool_arguments(key))
        self.pages.setCurrentWidget(self.analysis)
        if key in self.progress_bars:
            self.progress_bars[key].setValue(0)
        self.submit(tool.path, kwargs, tool.label, long=True,
                    label=f"the {self.title} tool '{tool.label}'",
                    on_done=lambda result: self._tool_finished(tool, result),
                    on_chunk=lambda chunk: self._tool_chunk(tool, chunk))

    def stop(self) -> None:
        self._explore_pending = False
        if self.animated:
            self.replay.end()
        if self.runner is not None:
            self.runner.cancel(self.tab_id)

    def run_blocking(self) -> object:
        """Simulate in this thread (command line export); returns and shows the result."""
        self.start_run()
        result = worker_process.call(self.simulate_path, self.values(), None, None)
        self.finish_run(result)
        return result

    def submit(self, path: str, kwargs: dict, what: str, *, on_done, on_chunk=None,
               long: bool = False, label: str | None = None) -> None:
        """Run ``path(**kwargs)`` as this tab's job (replacing the one in flight): ``on_done``
        gets its result, ``on_chunk`` its pieces, on the GUI thread; waiting, stopping,
        failures and the run bar are handled here. ``long`` jobs (tools) go to the runner's
        second process, so that they hold up no other tab's run; ``label`` names the job to
        the tabs that wait behind it. Without a runner (command line) it runs at once."""
        if self.runner is None:
            on_done(worker_process.call(path, kwargs, on_chunk, None))
            return
        job = self.runner.submit(self.tab_id, path, kwargs, in_process=self.in_process,
                                 long=long, label=label or f"the {self.title} {what}")
        job.what, job.on_done, job.on_chunk = what, on_done, on_chunk
        self.job = job
        self.run_bar.set_waiting(f"{what}: queued…")  # the time counts once it starts
        self.message.emit(f"{self.title}: {what}…")
        # bound methods of this QObject: Qt drops the connections if the tab goes away first
        job.waiting.connect(self._job_waiting)
        job.started.connect(self._job_started)
        job.chunk.connect(self._job_chunk)
        job.finished.connect(self._job_finished)
        job.stopped.connect(self._job_stopped)
        job.failed.connect(self._job_failed)

    def finish_run(self, result) -> None:
        """Keep and show a finished run (also one computed in the GUI thread)."""
        if not self.accepts(result):
            return
        self.result = result
        self.show_result(result)
        note = getattr(result, "path_note", "")
        if note:  # the compiled fast path did not run: say why it is slower
            self.readout.setText(f"{self.readout.text()}<br><i>{note}</i>")
            self.message.emit(f"{self.title}: {note}")
        diverged = divergence(result)
        if diverged:
            self.readout.setText(f"{self.readout.text()}<br><span style='color:#b00020'>"
                                 f"{diverged}</span>")
            self.message.emit(f"{self.title}: {diverged}")
        self.traces.flush()
        self.result_ready.emit(result)

    def refuse_if_invalid(self) -> bool:
        """True (and a message) if a form holds a value marked in red."""
        forms = list(self.param_forms.values()) + list(self.tool_forms.values())
        if any(form.has_errors() for form in forms):
            self.message.emit(f"{self.title}: fix the values marked in red first")
            return True
        return False

    def running(self) -> bool:
        """True until this tab has handled the end of its latest job (the runner may be done
        with it while its result is still on its way to the GUI thread)."""
        return self.job is not None and not self.job.handled

    def _current_job(self):
        """The job that sent the signal being handled, or None if a newer one replaced it
        (its late chunks and results must not reach the plots of the newer run)."""
        job = self.sender()
        return job if job is self.job else None

    def _job_waiting(self, behind: str) -> None:
        job = self._current_job()
        if job is not None:
            self.run_bar.set_waiting(f"waiting for {behind}")
            self.message.emit(f"{self.title}: {job.what} waits for {behind}")

    def _job_started(self) -> None:
        job = self._current_job()
        if job is not None:
            self.run_bar.set_running(job.what)  # the elapsed time counts from here

    def _job_chunk(self, chunk) -> None:
        job = self._current_job()
        if job is not None and job.on_chunk is not None:
            job.on_chunk(chunk)

    def _job_finished(self, result) -> None:
        job = self._current_job()
        if job is None:
            return
        job.handled = True
        try:
            job.on_done(result)
        finally:
            self.run_bar.set_running(None)
        elapsed = time.perf_counter() - job.started_at
        self.run_bar.set_message(f"done in {elapsed:.2f} s")
        self.message.emit(f"{self.title}: {job.what} finished in {elapsed:.2f} s")
        self._explore_next()

    def _job_stopped(self, partial) -> None:
        job = self._current_job()
        if job is None:
            return
        job.handled = True
        try:
            if partial is not None and job.on_done == self.finish_run:
                job.on_done(partial)
        finally:
            self.run_bar.set_running(None)
        self.run_bar.set_message("stopped")
        self.message.emit(f"{self.title}: {job.what} stopped")

    def _job_failed(self, text) -> None:
        job = self._current_job()
        if job is None:
            return
        job.handled = True
        self.run_bar.set_running(None)
        self.run_bar.set_message("failed")
        summary = text.split("\n", 1)[0]
        self.message.emit(f"{self.title}: {job.what} failed: {summary}")
        self.readout.setText(f"<span style='color:#b00020'>Run failed: {summary}</span>")
        self.run_failed.emit(text)

    def _show_problems(self) -> None:
        problems = [p for form in [*self.param_forms.values(), *self.tool_forms.values()]
                    for p in form.problems()]
        self.problems.setText("Not accepted (fix to run): "
                              + "; ".join(problems) if problems else "")
        self.problems.setVisible(bool(problems))

    def _slider_ranges(self) -> list[tuple[ParamForm, dict]]:
        """The declared slider ranges grouped by the form that holds each field."""
        groups = [(form, {name: self.sliders[name] for name in form.params_class.names()
                          if name in self.sliders}) for form in self.param_forms.values()]
        return [(form, ranges) for form, ranges in groups if ranges]

    def explore(self, _name: str = "") -> None:
        """A slider moved: run again, at most one run in flight (the latest values win)."""
        if self.running():
            self._explore_pending = True
        else:
            self.run()

    def _explore_next(self) -> None:
        if self._explore_pending:
            self._explore_pending = False
            self.run()

    def _parameter_changed(self, _params) -> None:
        if self.auto_run_enabled and self.auto_run:
            self._debounce.start()

    def _tool_chunk(self, tool: Tool, chunk) -> None:
        if tool.key in self.progress_bars:
            self.progress_bars[tool.key].setValue(round(100 * chunk["fraction"]))
        self.tool_progress(tool.key, chunk)

    def _tool_finished(self, tool: Tool, result) -> None:
        if not self.accepts(result):
            return
        if tool.key in self.progress_bars:
            self.progress_bars[tool.key].setValue(100)
        self.tool_results[tool.key] = result
        self.last_tool = tool.key
        self.show_tool_result(tool.key, result)
        self.tool_ready.emit(tool.key, result)

    # -- parameters, presets, sessions -------------------------------------------------------

    def reset_defaults(self) -> None:
        for form in list(self.param_forms.values()) + list(self.tool_forms.values()):
            form.reset_defaults()

    def apply_preset(self, name: str) -> None:
        for key, params in self.presets[name].items():
            self.param_forms[key].set_params(params)
        self.message.emit(f"{self.title}: preset '{name}' loaded")

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
        state["view"] = self.view().to_json()
        return state

    def view(self) -> TabView:
        """The view shown now: page, every plot's axis ranges and the tab's own fields."""
        ranges = {"traces": view_ranges(self.traces), "analysis": view_ranges(self.analysis)}
        return self.View(page=self.pages.currentIndex(), ranges=ranges, **self.view_fields())

    def validate_state(self, state: dict) -> ParsedState:
        """Check a session state against the forms and the View without applying it;
        raises ParamError."""
        if not isinstance(state, dict):
            raise ParamError(self.tab_id, "must be an object")
        forms = {key: parse_value(form.params_class, state.get(key, {}), key)
                 for key, form in self.param_forms.items()}
        tools_state = state.get("tools", {})
        if not isinstance(tools_state, dict):
            raise ParamError("tools", "must be an object of tool settings")
        tools = {key: parse_value(form.params_class, tools_state.get(key, {}), f"tools/{key}")
                 for key, form in self.tool_forms.items()}
        view = self.View.parse(state.get("view", {}))
        if not 0 <= view.page < self.pages.count():
            raise ParamError("view/page", f"must be 0 to {self.pages.count() - 1}")
        return ParsedState(forms, tools, view)

    def restore(self, state: dict, results: dict | None = None) -> None:
        """Apply a session state (all checked first: on error nothing changes): parameters,
        the view's own fields, the saved results if any, then the page and axis ranges."""
        parsed = self.validate_state(state)
        for key, params in parsed.forms.items():
            self.param_forms[key].set_params(params)
        for key, params in parsed.tools.items():
            self.tool_forms[key].set_params(params)
        self.apply_view(parsed.view)
        if results:
            self.restore_results(results)
        self.show_view(parsed.view)

    def show_view(self, view: TabView) -> None:
        """Show the page and the axis ranges of ``view``."""
        self.pages.setCurrentIndex(view.page)
        for name, panel in (("traces", self.traces), ("analysis", self.analysis)):
            set_view_ranges(panel, view.ranges.get(name, {}))

    def result_arrays(self) -> dict[str, np.ndarray]:
        """The drawn traces and the tools' results, as arrays for an NPZ beside the session."""
        return {**saved_results.curve_arrays("traces", self.traces.data()),
                **saved_results.sweep_arrays(self.tool_results, self.last_tool)}

    def restore_results(self, arrays: dict) -> None:
        """Draw results saved by :meth:`result_arrays` (unknown curves are skipped); raises
        ParamError before drawing anything if the arrays are incomplete."""
        curves, sweeps, last = saved_results.read_saved(arrays)
        for key, (x, y) in curves.items():
            if key in self.traces.curves:
                self.traces.curves[key].set(x, y)
        self.tool_results.update(sweeps)
        if last in self.tool_results:
            self.last_tool = last
            self.show_tool_result(last, self.tool_results[last])
        self.traces.flush()

    def export_panel(self) -> PlotPanel:
        """The plots shown now (what File > Export writes)."""
        page = self.page_list[self.pages.currentIndex()]
        panel = page.panel if page.panel is not None else page.widget
        return panel() if callable(panel) and not isinstance(panel, QWidget) else panel

    def save_animation(self, path, width: int | None = None) -> list:
        """Tabs that record frames: the last run as an animated GIF or numbered PNGs
        (:func:`~neurodynex_gui.export.export_animation`); returns the files written."""
        raise ExportError(f"the {self.title} tab has no animation to save")

