"""Custom model tab: brian2 equations typed by the student, checked as they type, run, exported.

The form of the parameters is generated from the equation text (custom_spec, no brian2 in this
process); brian2 checks the text in the worker process (a debounced job) and reports problems
at their line. Checked equations are compiled in the background (custom_fast, with progress;
the last result stays shown meanwhile); from then on a changed value re-runs the compiled
program in milliseconds. The editor (custom_editor), the library of the user's models
(custom_library) and the phase plane (custom_plane) are widgets of their own.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import QTimer
from PyQt5.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QPushButton, QVBoxLayout,
                             QWidget)

from .. import worker_process
from ..models import custom_planar
from ..models import custom_spec as cs
from ..models.params import ParamError
from ..models.stimulus import stimulus_class
from ..view_state import parse_value
from ..widgets.bifurcation import show_bifurcation
from .base import ModelTab
from .custom_compile import Compiler
from .custom_editor import EquationEditor
from .custom_library import ModelLibrary
from .custom_plane import BifurcationBox, PlanePage, limits
from .declarations import Page, ParsedState, Section

CHECK_PATH = "neurodynex_gui.models.custom:check"
CHECK_PAUSE_MS = 80
"""brian2 checks the text this long after the last keystroke (the check takes about 10 ms in
the simulation process: bench/bench_custom.py)."""
CACHED_CHECKS = 64
COLORS = ("#1f4e9c", "#c0392b", "#2a7d2a", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")


def _stimulus_class(unit: str, **defaults):
    """The stimulus form for a current in ``unit``; ``defaults``: I_amp, I_tstart, ..."""
    return stimulus_class(unit, "CustomStimulus", __name__,
                          **{"I_amp": 1.0, **defaults, "amplitude_range": 1e6})


def _preset_classes(name: str):
    text, values, stimulus = cs.PRESETS[name]
    params_cls = cs.params_class(text, values)
    stim_cls = _stimulus_class(cs.display_unit_of(text.unit_of(text.current))[0], **stimulus)
    return text, params_cls, stim_cls()


def check_key(model: cs.ModelText) -> tuple:
    """What brian2's check depends on: the equations without their comments (line by line,
    so that the lines of the problems stay right) and the other fields."""
    return (tuple(cs.strip_comment(line) for line in model.equations.splitlines()),
            model.threshold, model.reset, model.refractory, model.current)


_DEFAULT = "leaky integrate-and-fire"
_DEFAULT_TEXT, _DEFAULT_PARAMS, _DEFAULT_STIMULUS = _preset_classes(_DEFAULT)


class CustomTab(ModelTab):
    tab_id = "custom"
    title = "Custom model"
    book_section = "any model of the book, as brian2 equations"
    forms = (("params", "Parameters (from the equations)", _DEFAULT_PARAMS),
             ("stimulus", "Input current (drives the current variable)", type(_DEFAULT_STIMULUS)))
    presets = {name: {} for name in cs.PRESETS}
    simulate_path = "neurodynex_gui.models.custom:simulate"
    auto_run = False  # a changed value re-runs once the equations are compiled (fast path)
    exercises = """
<ol>
<li><b>From a tab to equations.</b> Load the LIF preset and run it: compare the spike times
with the LIF tab. Then change the leak into a quadratic term and see what the threshold
becomes.</li>
<li><b>Units.</b> Remove R from the LIF equation: which line is marked, and why?</li>
<li><b>Sweeps.</b> With N = 10 copies vary tau from 4 to 16 ms: how does the rate change?</li>
<li><b>Two variables.</b> Load FitzHugh-Nagumo and look at the u-w page while changing I.</li>
</ol>"""

    def build_plots(self, panel) -> None:
        self.model = _DEFAULT_TEXT
        self.problems_found: list = []
        self.checked_text = None
        panel.add_plot("a", "first variable", "")
        panel.add_plot("b", "second variable", "", link_x="a")
        self.plane_panel = type(panel)()
        self.plane_panel.add_plot("plane", "second variable", "", x_label="first variable",
                                  x_unit="")
        self.equations = EquationEditor()
        self.editor, self.fields = self.equations.editor, self.equations.fields
        self.library = ModelLibrary(self.receive_model, self.model_file_text)
        self.library.message.connect(lambda text: self.message.emit(f"{self.title}: {text}"))
        self.compiler = Compiler(self.runner, self.tab_id, self)
        self.compiler.ready.connect(self.compiled)
        self.compiler.message.connect(lambda text: self.message.emit(f"{self.title}: {text}"))
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_PAUSE_MS)
        self.check_cache: dict = {}  # check_key -> brian2's verdict
        self.check_timer.timeout.connect(self.check_now)
        self.fast_timer = QTimer(self)  # a changed value: re-run on the compiled program
        self.fast_timer.setSingleShot(True)
        self.fast_timer.setInterval(30)
        self.fast_timer.timeout.connect(self.rerun_fast)
        self.plot_choice = {key: QComboBox() for key in ("a", "b")}
        for combo in self.plot_choice.values():
            combo.setToolTip("the state variable shown in this plot")
            combo.activated.connect(lambda _i: self.show_result(self.result)
                                    if self.result is not None else None)
        self.set_model(_DEFAULT_TEXT, rebuild=False)
        self.check_timer.stop()  # checked when first shown (show_default_run)
        for form in self.param_forms.values():
            form.changed.connect(self.parameters_changed)
        self.equations.edited.connect(self.text_changed)

    def build_pages(self) -> list[Page]:
        editor_page = QWidget()
        column = QVBoxLayout(editor_page)
        column.addWidget(self.equations, 1)
        column.addWidget(self.compiler.bar)
        export = QPushButton("Export as Python script…")
        export.setObjectName("export_script")
        export.setToolTip("A standalone brian2 script that reproduces the run and plots it")
        export.clicked.connect(self.export_script_dialog)
        column.addWidget(export)
        self.plane_page = PlanePage()
        return [Page("Equations", editor_page, self.traces), Page("Traces", self.traces),
                Page("Trajectory (first vs second)", self.plane_panel, self.plane_panel),
                Page("Phase plane", self.plane_page, self.plane_panel_shown),
                Page("Bifurcation", self.analysis)]

    def plane_panel_shown(self):
        plane = self.plane_page.plane
        return plane.panel if plane is not None else self.plane_panel

    def update_plane(self) -> None:
        """A checked two-variable model on the shared phase-plane widget."""
        self.plane_page.update(self.model_text(), self.param_forms["params"].params().to_dict(),
                               self.plane_stimulus(), self.result)

    def replace_form(self, key, params_class):
        """As the base; the phase plane and the fast path follow the new form's values."""
        form = super().replace_form(key, params_class)
        form.changed.connect(self.parameters_changed)
        return form

    def plane_stimulus(self):
        return self.param_forms["stimulus"].params().to_dict() if self.model.current else None

    def parameters_changed(self, _params=None) -> None:
        """A value changed: the phase plane follows; once compiled, the run follows too."""
        if self.plane_page.shows(self.model_text()):
            self.update_plane()
        if self.checked_text != self.model_text() or self.problems_found:
            return
        if self.compiler.is_ready(self.run_arguments()):
            if self.auto_run_enabled and self.result is not None:
                self.fast_timer.start()
        else:
            self.prepare_fast_path()

    def side_sections(self) -> list[Section]:
        box = QWidget()
        rows = QFormLayout(box)
        rows.addRow("upper plot", self.plot_choice["a"])
        rows.addRow("lower plot", self.plot_choice["b"])
        self.bifurcation = BifurcationBox()
        self.bifurcation.requested.connect(self.run_bifurcation)
        self.update_bifurcation_choices()
        return [Section("Model library", self.library, "controls"),
                Section("Plotted variables", box, "controls"),
                Section("Bifurcation (two variables)", self.bifurcation, "controls")]

    def update_bifurcation_choices(self) -> None:
        names = [line.name for line in self.model.parameters()]
        if self.model.current:
            names.append(self.model.current)
        self.bifurcation.set_names(names, self.model.current)

    def run_bifurcation(self) -> None:
        """The bifurcation view of the shared widget, computed in the worker process."""
        if self.refuse_if_invalid():
            return
        try:
            name, low, high = self.bifurcation.scan()
        except ValueError:
            self.message.emit(f"{self.title}: the bifurcation range needs two numbers")
            return
        model = self.model_text()
        try:
            planar = custom_planar.planar_model(model)
        except ParamError as error:
            self.message.emit(f"{self.title}: no bifurcation view: {error}")
            return
        plane = self.plane_page.plane
        box = plane.home if self.plane_page.shows(model) else limits(
            planar.x_name, planar.y_name, self.param_forms["params"].params().to_dict(),
            self.result)
        self.pages.setCurrentWidget(self.analysis)
        self.submit("neurodynex_gui.models.custom_planar:bifurcation",
                    {**self.run_arguments(), "name": name, "low": low, "high": high,
                     "xlim": box[0], "ylim": box[1]},
                    "bifurcation view", long=True, on_done=self.show_bifurcation)

    def show_bifurcation(self, result) -> None:
        show_bifurcation(self.analysis, custom_planar.planar_model(self.model_text()), result)
        self.readout.setText(result.answer_text)

    # -- the model text ----------------------------------------------------------------------

    def model_text(self) -> cs.ModelText:
        return self.equations.model_text()

    def set_model(self, model: cs.ModelText, rebuild: bool = True) -> None:
        """Show ``model`` in the editor and build its forms."""
        self.equations.set_model(model)
        self.model = model
        if rebuild:
            self.rebuild_forms()
        self.update_plot_choices()
        self.text_changed()

    def text_changed(self, *_args) -> None:
        """A keystroke: the form follows at once, brian2's check after a pause."""
        model = self.model_text()
        if model != self.model:
            self.model = model
            self.rebuild_forms()
            self.update_plot_choices()
            if hasattr(self, "bifurcation"):
                self.update_bifurcation_choices()
        known = self.check_cache.get(check_key(model))
        if known is not None:  # the same equations up to comments: brian2's verdict stands
            self.check_timer.stop()
            self.show_check(model, known)
        else:
            self.check_timer.start()

    def rebuild_forms(self, params_cls=None, stim_cls=None) -> None:
        params_cls = params_cls or cs.params_class(self.model, self.param_forms["params"]
                                                   .params().to_dict())
        if [s[:1] + (s[2].unit, s[2].choices) for s in params_cls.specs()] != \
                [s[:1] + (s[2].unit, s[2].choices) for s in
                 self.param_forms["params"].params_class.specs()]:
            self.replace_form("params", params_cls)
        unit = cs.display_unit_of(self.model.unit_of(self.model.current))[0]
        stim_cls = stim_cls or _stimulus_class(unit)
        if self.param_forms["stimulus"].params_class.unit != stim_cls.unit:
            self.replace_form("stimulus", stim_cls)

    def update_plot_choices(self) -> None:
        names = [line.name for line in self.model.states()]
        if self.model.current:
            names.append(self.model.current)
        for index, (key, combo) in enumerate(self.plot_choice.items()):
            current = combo.currentText()
            combo.clear()
            combo.addItems(names)
            if current in names:
                combo.setCurrentText(current)
            elif len(names) > index:
                combo.setCurrentIndex(index)

    def check_now(self) -> None:
        """brian2's check of the text, in the worker process."""
        model = self.model_text()
        if self.runner is None:
            return
        job = self.runner.submit(f"{self.tab_id}.check", CHECK_PATH, {"model": model},
                                 label="the custom model's check")
        self.check_model = model  # a newer check cancels this one (one job per owner)
        job.finished.connect(self.check_finished)  # bound methods: dropped with the tab
        job.failed.connect(self.check_failed)

    def check_finished(self, result) -> None:
        self.check_cache[check_key(self.check_model)] = result
        while len(self.check_cache) > CACHED_CHECKS:
            self.check_cache.pop(next(iter(self.check_cache)))
        self.show_check(self.check_model, result)

    def check_failed(self, text: str) -> None:
        self.show_check(self.check_model, None, text)

    def show_default_run(self) -> None:
        """The first time the tab is shown: brian2 checks the equations (no run)."""
        if self.checked_text is None:
            self.check_now()

    def check_blocking(self):
        """The check in this process (command line and tests)."""
        model = self.model_text()
        result = worker_process.call(CHECK_PATH, {"model": model}, None, None)
        self.show_check(model, result)
        return result

    def show_check(self, model, result, failure: str = "") -> None:
        if model != self.model_text():
            return  # typed on since
        problems = result.problems if result is not None else []
        self.problems_found = problems
        self.checked_text = model
        summary = ""
        if result is not None and not problems:
            summary = (f"checked by brian2: {len(result.states)} state variable(s), "
                       f"{len(result.parameters)} parameter(s), units consistent")
        self.equations.show_problems(problems, failure, summary)
        if summary:
            self.update_plane()
            self.prepare_fast_path()

    # -- the compiled fast path --------------------------------------------------------------

    def prepare_fast_path(self) -> None:
        """Compile the checked equations in the background (progress under the editor)."""
        if not self.refuse_if_invalid():
            self.compiler.prepare(self.run_arguments())

    def compiled(self, seconds: float) -> None:
        self.message.emit(f"{self.title}: compiled in {seconds:.1f} s; a changed value now "
                          f"re-runs in milliseconds")
        if self.result is not None and not self.running():
            self.run()  # the new equations' result replaces the one shown until now

    def rerun_fast(self) -> None:
        if not self.running() and self.compiler.is_ready(self.run_arguments()):
            self.run()

    # -- running -----------------------------------------------------------------------------

    def run_arguments(self) -> dict:
        stimulus = self.param_forms["stimulus"].params().to_dict() if self.model.current else None
        return {"model": self.model_text(), "values": self.param_forms["params"].params().to_dict(),
                "stimulus": stimulus}

    def run(self) -> None:
        if self.refuse_if_invalid():
            return
        if self.problems_found and self.checked_text == self.model_text():
            self.message.emit(f"{self.title}: fix the equations marked in red first")
            self.pages.setCurrentIndex(0)
            return
        self.start_run()
        self.pages.setCurrentWidget(self.traces)
        self.submit(self.simulate_path, self.run_arguments(), "simulation",
                    on_done=self.finish_run, on_chunk=self.on_chunk)

    def run_blocking(self):
        self.start_run()
        result = worker_process.call(self.simulate_path, self.run_arguments(), None, None)
        self.finish_run(result)
        return result

    def start_run(self) -> None:
        for plot in ("a", "b"):
            self.traces.remove_curves(plot)
        self.plane_panel.remove_curves("plane")
        self.readout.setText("running…")

    def on_chunk(self, chunk) -> None:
        self.readout.setText(f"running… t = {chunk['t_ms'][-1]:.1f} ms, "
                             f"{chunk['spike_count']} spikes so far" if len(chunk["t_ms"])
                             else "running…")

    def show_result(self, result) -> None:
        chosen = [self.plot_choice[k].currentText() for k in ("a", "b")]
        for plot in ("a", "b"):
            self.traces.remove_curves(plot)
        self.plane_panel.remove_curves("plane")
        for plot, name in zip(("a", "b"), chosen):
            if name not in result.traces:
                continue
            unit = result.units[name]
            self.traces.plots[plot].setLabel("left", f"{name} ({unit})" if unit else name)
            for i, row in enumerate(np.atleast_2d(result.traces[name])):
                self.traces.add_curve(plot, f"{name}[{i}]", listed=False,
                                      pen=pg.mkPen(COLORS[i % len(COLORS)], width=1.5)
                                      ).set(result.t_ms, row)
        x, y = chosen
        if x in result.traces and y in result.traces:
            plot = self.plane_panel.plots["plane"]
            plot.setLabel("bottom", f"{x} ({result.units[x]})" if result.units[x] else x)
            plot.setLabel("left", f"{y} ({result.units[y]})" if result.units[y] else y)
            for i, (row_x, row_y) in enumerate(zip(np.atleast_2d(result.traces[x]),
                                                   np.atleast_2d(result.traces[y]))):
                self.plane_panel.add_curve("plane", f"{x}-{y}[{i}]", listed=False,
                                           pen=pg.mkPen(COLORS[i % len(COLORS)], width=1.5)
                                           ).set(row_x, row_y)
        self.plane_panel.flush()
        counts = result.spike_counts
        if result.vary:
            text = (f"{len(counts)} copies, {result.vary} from {result.vary_values[0]:g} to "
                    f"{result.vary_values[-1]:g}: spike counts {', '.join(map(str, counts))}")
        else:
            text = f"{counts[0]} spikes" + (
                f" at {', '.join(f'{s:.1f}' for s in result.spikes_ms[0][:8])} ms"
                if counts[0] else "")
        if result.message:
            text += f"<br><span style='color:#b00020'>{result.message}</span>"
        self.readout.setText(text)
        if self.plane_page.plane is not None:  # its ranges follow the run's trajectory
            self.plane_page.forget()
            self.update_plane()

    def spike_trains(self, result):
        ids = np.concatenate([np.full(len(s), i) for i, s in enumerate(result.spikes_ms)])
        return np.concatenate(result.spikes_ms), ids.astype(int), float(result.t_ms[-1])

    # -- presets, sessions, export ------------------------------------------------------------

    def apply_preset(self, name: str) -> None:
        text, params_cls, stimulus = _preset_classes(name)
        self.set_model(text, rebuild=False)
        self.replace_form("params", params_cls).set_params(params_cls())
        self.replace_form("stimulus", type(stimulus)).set_params(stimulus)
        self.message.emit(f"{self.title}: preset '{name}' loaded")

    def state(self) -> dict:
        return {**super().state(), "model": self.model_text().to_dict()}

    def model_classes(self, state: dict):
        """The model of a session state and its form classes; raises ParamError."""
        if not isinstance(state, dict):
            raise ParamError(self.tab_id, "must be an object")
        model = cs.ModelText.from_dict(state.get("model", self.model_text().to_dict()))
        stim_cls = _stimulus_class(cs.display_unit_of(model.unit_of(model.current))[0])
        return model, cs.params_class(model), stim_cls

    def validate_state(self, state: dict) -> ParsedState:
        """As the base, with the forms generated from the state's own equations."""
        _model, params_cls, stim_cls = self.model_classes(state)
        forms = {"params": parse_value(params_cls, state.get("params", {}), "params"),
                 "stimulus": parse_value(stim_cls, state.get("stimulus", {}), "stimulus")}
        view = self.View.parse(state.get("view", {}))
        if not 0 <= view.page < self.pages.count():
            raise ParamError("view/page", f"must be 0 to {self.pages.count() - 1}")
        return ParsedState(forms, {}, view)

    def restore(self, state: dict, results: dict | None = None) -> None:
        self.validate_state(state)
        model, params_cls, stim_cls = self.model_classes(state)
        self.set_model(model, rebuild=False)
        self.replace_form("params", params_cls)
        self.replace_form("stimulus", stim_cls)
        super().restore(state, results)

    def load_model_file(self, path) -> None:
        """Load a model file (:func:`custom_spec.read_model_file`); raises ParamError,
        OSError or ValueError, and changes nothing then."""
        from .custom_library import read_text

        self.receive_model(read_text(path))
        self.message.emit(f"{self.title}: model loaded from {path}")

    def receive_model(self, text: str) -> None:
        """Show a model file's text (another tab's "Open as custom model", the library, a
        file); raises ParamError and changes nothing if it is malformed."""
        model, values, stimulus = cs.read_model_file(text)
        params_cls = cs.params_class(model)
        stim_cls = _stimulus_class(cs.display_unit_of(model.unit_of(model.current))[0])
        params = params_cls.from_dict(values)
        stim = stim_cls.from_dict(stimulus)
        self.set_model(model, rebuild=False)
        self.replace_form("params", params_cls).set_params(params)
        self.replace_form("stimulus", stim_cls).set_params(stim)
        self.pages.setCurrentIndex(0)
        QTimer.singleShot(0, self.fit_side_panel)  # once shown (sent from another tab)
        self.check_now()

    def model_file_text(self) -> str:
        """The model and the forms' values as a model file (library, files, sharing)."""
        return cs.model_file_text(self.model_text(), self.param_forms["params"].params()
                                  .to_dict(), self.param_forms["stimulus"].params().to_dict())

    def save_model_file(self, path) -> None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.model_file_text())
        self.message.emit(f"{self.title}: model saved to {path}")

    def export_script_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export as Python script", "custom_model.py",
                                              "Python (*.py)")
        if path:
            self.export_script(path)

    def export_script(self, path) -> str:
        """Write the brian2 script of the current run settings to ``path``."""
        from ..models.custom import to_script  # pure text; brian2 is not imported by it

        script = to_script(**self.run_arguments())
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(script)
        self.message.emit(f"{self.title}: script written to {path}")
        return script

