"""Custom model tab: brian2 equations typed by the student, checked as they type, run, exported.

The form of the parameters is generated from the equation text (custom_spec, no brian2 in this
process); brian2 checks the text in the worker process (a debounced job) and reports problems
at their line.
"""
from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import QTimer
from PyQt5.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextFormat
from PyQt5.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                             QLineEdit, QPlainTextEdit, QPushButton, QStackedWidget, QTextEdit,
                             QVBoxLayout, QWidget)

from .. import worker_process
from ..models import custom_planar
from ..models import custom_spec as cs
from ..models.params import ParamError
from ..models.stimulus import stimulus_class
from ..view_state import parse_value
from ..widgets.bifurcation import show_bifurcation
from ..widgets.phase_plane import PhasePlane
from .base import ModelTab
from .declarations import Page, ParsedState, Section

CHECK_PATH = "neurodynex_gui.models.custom:check"
COLORS = ("#1f4e9c", "#c0392b", "#2a7d2a", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")
UNIT_WORDS = r"\b(volt|amp|ampere|second|ohm|siemens|farad|hertz|metre|meter|1)\b"


def _stimulus_class(unit: str, **defaults):
    """The stimulus form for a current in ``unit``; ``defaults``: I_amp, I_tstart, ..."""
    return stimulus_class(unit, "CustomStimulus", __name__,
                          **{"I_amp": 1.0, **defaults, "amplitude_range": 1e6})


def _preset_classes(name: str):
    text, values, stimulus = cs.PRESETS[name]
    params_cls = cs.params_class(text, values)
    stim_cls = _stimulus_class(cs.display_unit_of(text.unit_of(text.current))[0], **stimulus)
    return text, params_cls, stim_cls()


_DEFAULT = "leaky integrate-and-fire"
_DEFAULT_TEXT, _DEFAULT_PARAMS, _DEFAULT_STIMULUS = _preset_classes(_DEFAULT)


class Highlighter(QSyntaxHighlighter):
    """Derivatives, units and flags, numbers, comments; lines with a problem underlined."""

    def __init__(self, document):
        super().__init__(document)
        self.bad_lines: set[int] = set()
        self.rules = []
        for pattern, color, bold in ((r"\bd[A-Za-z_]\w*\s*/\s*dt\b", "#1f4e9c", True),
                                     (r"\b\d+(\.\d*)?([eE][-+]?\d+)?\b", "#8e44ad", False),
                                     (r":[^#]*", "#2a7d2a", False),
                                     (r"#.*", "#7f8c8d", False)):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if bold:
                fmt.setFontWeight(QFont.Bold)
            self.rules.append((re.compile(pattern), fmt))

    def highlightBlock(self, text: str) -> None:
        bad = self.currentBlock().blockNumber() + 1 in self.bad_lines
        base = QTextCharFormat()
        if bad:
            base.setUnderlineStyle(QTextCharFormat.WaveUnderline)
            base.setUnderlineColor(QColor("#b00020"))
            self.setFormat(0, len(text), base)
        for pattern, fmt in self.rules:
            for match in pattern.finditer(text):
                merged = QTextCharFormat(fmt)
                if bad:
                    merged.merge(base)
                self.setFormat(match.start(), match.end() - match.start(), merged)


class CustomTab(ModelTab):
    tab_id = "custom"
    title = "Custom model"
    book_section = "any model of the book, as brian2 equations"
    forms = (("params", "Parameters (from the equations)", _DEFAULT_PARAMS),
             ("stimulus", "Input current (drives the current variable)", type(_DEFAULT_STIMULUS)))
    presets = {name: {} for name in cs.PRESETS}
    simulate_path = "neurodynex_gui.models.custom:simulate"
    auto_run = False
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
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("equations")
        self.editor.setFont(QFont("monospace"))
        self.editor.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.editor.setToolTip("brian2 model equations, one per line: 'dx/dt = ... : unit' "
                               "(state variable), 'x = ... : unit' (subexpression), "
                               "'p : unit' (parameter: a field of the form)")
        self.highlighter = Highlighter(self.editor.document())
        self.fields = {}
        for key, tip in (("threshold", "spike condition, e.g. v > v_th (empty: no spikes)"),
                         ("reset", "statements after a spike, e.g. v = v_reset"),
                         ("refractory", "refractory period, e.g. t_ref or 2*ms"),
                         ("current", "the parameter the input current drives (empty: none)")):
            edit = self.fields[key] = QLineEdit()
            edit.setObjectName(key)
            edit.setToolTip(tip)
            edit.textEdited.connect(self.text_changed)
        self.problem_list = QLabel()
        self.problem_list.setWordWrap(True)
        self.problem_list.setObjectName("equation_problems")
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(100)
        self.check_timer.timeout.connect(self.check_now)
        self.plot_choice = {key: QComboBox() for key in ("a", "b")}
        for combo in self.plot_choice.values():
            combo.setToolTip("the state variable shown in this plot")
            combo.activated.connect(lambda _i: self.show_result(self.result)
                                    if self.result is not None else None)
        self.set_model(_DEFAULT_TEXT, rebuild=False)
        self.check_timer.stop()  # checked when first shown (show_default_run)
        for form in self.param_forms.values():
            form.changed.connect(self.parameters_changed)
        self.editor.textChanged.connect(self.text_changed)

    def build_pages(self) -> list[Page]:
        editor_page = QWidget()
        column = QVBoxLayout(editor_page)
        column.addWidget(self.editor, 1)
        rows = QFormLayout()
        for key, label in (("threshold", "threshold"), ("reset", "reset"),
                           ("refractory", "refractory"), ("current", "current variable")):
            rows.addRow(label, self.fields[key])
        column.addLayout(rows)
        column.addWidget(self.problem_list)
        export = QPushButton("Export as Python script…")
        export.setObjectName("export_script")
        export.setToolTip("A standalone brian2 script that reproduces the run and plots it")
        export.clicked.connect(self.export_script_dialog)
        files = QWidget()
        buttons = QHBoxLayout(files)
        buttons.setContentsMargins(0, 0, 0, 0)
        for label, slot, tip in (
                ("Open model file…", self.open_model_dialog,
                 "Load a custom model saved as a text file (equations and #! lines)"),
                ("Save model file…", self.save_model_dialog,
                 "Save the equations and the values as a plain text file to share or keep")):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addWidget(export)
        column.addWidget(files)
        self.plane_stack = QStackedWidget()
        self.plane_note = QLabel("The phase plane appears for a model with two state "
                                 "variables (e.g. the FitzHugh-Nagumo preset) once brian2 has "
                                 "checked it.")
        self.plane_note.setWordWrap(True)
        self.plane_stack.addWidget(self.plane_note)
        self.plane = None
        return [Page("Equations", editor_page, self.traces), Page("Traces", self.traces),
                Page("Trajectory (first vs second)", self.plane_panel, self.plane_panel),
                Page("Phase plane", self.plane_stack, self.plane_panel_shown),
                Page("Bifurcation", self.analysis)]

    def plane_panel_shown(self):
        return self.plane.panel if self.plane is not None else self.plane_panel

    def update_plane(self) -> None:
        """A checked two-variable model: nullclines, flow and fixed points on the shared
        phase-plane widget (rebuilt when the equations change)."""
        model = self.model_text()
        try:
            planar = custom_planar.planar_model(model)
        except ParamError as error:
            self.plane_note.setText(f"No phase plane: {error}")
            self.plane_stack.setCurrentWidget(self.plane_note)
            return
        values = self.param_forms["params"].params().to_dict()
        params = custom_planar.plane_params(model, values, self.plane_stimulus())
        if self.plane is not None and self.plane.model_text == model:
            self.plane.set_params(params, t_end=values["tend"])
            return
        x, y = planar.x_name, planar.y_name
        limits = self.plane_limits(x, y, values)
        old = self.plane
        self.plane = PhasePlane(planar, params, *limits, t_end=values["tend"],
                                dt_out=max(values["dt"], values["tend"] / 2000))
        self.plane.model_text = model
        self.plane_stack.addWidget(self.plane)
        self.plane_stack.setCurrentWidget(self.plane)
        if old is not None:
            self.plane_stack.removeWidget(old)
            old.deleteLater()

    def replace_form(self, key, params_class):
        """As the base; the phase plane follows the new form's values."""
        form = super().replace_form(key, params_class)
        form.changed.connect(self.parameters_changed)
        return form

    def plane_limits(self, x: str, y: str, values: dict) -> list:
        """Plane ranges: the last run's trajectory with a margin, else 3 units around the
        initial values."""
        limits = []
        for name in (x, y):
            start = values[f"{name}_0"]
            if self.result is not None and name in self.result.traces:
                low, high = np.nanmin(self.result.traces[name]), np.nanmax(self.result.traces[name])
            else:
                low, high = start - 3.0, start + 3.0
            pad = 0.25 * max(high - low, 1e-3)
            limits.append((float(low - pad), float(high + pad)))
        return limits

    def plane_stimulus(self):
        return self.param_forms["stimulus"].params().to_dict() if self.model.current else None

    def parameters_changed(self, _params=None) -> None:
        if self.plane is not None and self.plane.model_text == self.model_text():
            self.update_plane()

    def side_sections(self) -> list[Section]:
        box = QWidget()
        rows = QFormLayout(box)
        rows.addRow("upper plot", self.plot_choice["a"])
        rows.addRow("lower plot", self.plot_choice["b"])
        bif = QWidget()
        bif_rows = QFormLayout(bif)
        self.bif_param = QComboBox()
        self.bif_param.setToolTip("the parameter scanned by the bifurcation view")
        self.bif_range = (QLineEdit("0"), QLineEdit("4"))
        for edit, tip in zip(self.bif_range, ("first value (in the parameter's unit)",
                                              "last value (in the parameter's unit)")):
            edit.setToolTip(tip)
        button = QPushButton("Bifurcation view")
        button.setObjectName("custom_bifurcation")
        button.setToolTip("Two-variable models: eigenvalues of the fixed point and the "
                          "attractor's extent against the parameter; stability changes marked")
        button.clicked.connect(self.run_bifurcation)
        bif_rows.addRow("parameter", self.bif_param)
        bif_rows.addRow("from", self.bif_range[0])
        bif_rows.addRow("to", self.bif_range[1])
        bif_rows.addRow(button)
        self.update_bifurcation_choices()
        return [Section("Plotted variables", box, "controls"),
                Section("Bifurcation (two variables)", bif, "controls")]

    def update_bifurcation_choices(self) -> None:
        names = [line.name for line in self.model.parameters()]
        if self.model.current:
            names.append(self.model.current)
        current = self.bif_param.currentText()
        self.bif_param.clear()
        self.bif_param.addItems(names)
        if current in names:
            self.bif_param.setCurrentText(current)
        elif self.model.current:
            self.bif_param.setCurrentText(self.model.current)

    def run_bifurcation(self) -> None:
        """The bifurcation view of the shared widget, computed in the worker process."""
        if self.refuse_if_invalid():
            return
        try:
            low, high = (float(edit.text()) for edit in self.bif_range)
        except ValueError:
            self.message.emit(f"{self.title}: the bifurcation range needs two numbers")
            return
        model = self.model_text()
        try:
            planar = custom_planar.planar_model(model)
        except ParamError as error:
            self.message.emit(f"{self.title}: no bifurcation view: {error}")
            return
        limits = self.plane.home if self.plane is not None and \
            self.plane.model_text == model else self.plane_limits(
                planar.x_name, planar.y_name, self.param_forms["params"].params().to_dict())
        self.pages.setCurrentWidget(self.analysis)
        self.submit("neurodynex_gui.models.custom_planar:bifurcation",
                    {**self.run_arguments(), "name": self.bif_param.currentText(),
                     "low": low, "high": high, "xlim": limits[0], "ylim": limits[1]},
                    "bifurcation view", long=True, on_done=self.show_bifurcation)

    def show_bifurcation(self, result) -> None:
        show_bifurcation(self.analysis, custom_planar.planar_model(self.model_text()), result)
        self.readout.setText(result.answer_text)

    # -- the model text ----------------------------------------------------------------------

    def model_text(self) -> cs.ModelText:
        return cs.ModelText(self.editor.toPlainText(),
                            *(self.fields[k].text().strip()
                              for k in ("threshold", "reset", "refractory", "current")))

    def set_model(self, model: cs.ModelText, rebuild: bool = True) -> None:
        """Show ``model`` in the editor and build its forms."""
        self.editor.blockSignals(True)
        self.editor.setPlainText(model.equations)
        self.editor.blockSignals(False)
        for key in ("threshold", "reset", "refractory", "current"):
            self.fields[key].setText(getattr(model, key))
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
            if hasattr(self, "bif_param"):
                self.update_bifurcation_choices()
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
        """brian2's check of the text, in the worker process (synchronously without one)."""
        model = self.model_text()
        if self.runner is None:
            return
        job = self.runner.submit(f"{self.tab_id}.check", CHECK_PATH, {"model": model},
                                 label="the custom model's check")
        self.check_model = model  # a newer check cancels this one (one job per owner)
        job.finished.connect(self.check_finished)  # bound methods: dropped with the tab
        job.failed.connect(self.check_failed)

    def check_finished(self, result) -> None:
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
        self.highlighter.bad_lines = {p.line for p in problems if p.line}
        self.highlighter.rehighlight()
        marks = []
        for p in problems:
            if p.line:
                block = self.editor.document().findBlockByNumber(p.line - 1)
                mark = QTextEdit.ExtraSelection()
                mark.format.setBackground(QColor("#fde2e2"))
                mark.format.setProperty(QTextFormat.FullWidthSelection, True)
                mark.cursor = self.editor.textCursor()
                mark.cursor.setPosition(block.position())
                marks.append(mark)
        self.editor.setExtraSelections(marks)
        for key, edit in self.fields.items():
            bad = [p.message for p in problems if p.field == key]
            edit.setStyleSheet("background: #fde2e2;" if bad else "")
            edit.setToolTip("; ".join(bad) if bad else edit.toolTip())
        if failure:
            text = f"<span style='color:#b00020'>check failed: {failure.splitlines()[0]}</span>"
        elif problems:
            text = "<br>".join(
                f"<span style='color:#b00020'>{'line ' + str(p.line) if p.line else p.field}:"
                f" {_escape(p.message)}</span>" for p in problems)
        else:
            self.update_plane()
            text = (f"<span style='color:#2a7d2a'>checked by brian2: "
                    f"{len(result.states)} state variable(s), "
                    f"{len(result.parameters)} parameter(s), units consistent</span>")
        self.problem_list.setText(text)

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
        if self.plane is not None:  # the plane's ranges follow the run's trajectory
            self.plane.model_text = None
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
        """Load a model file (:func:`custom_spec.read_model_file`); raises ParamError or
        OSError, and changes nothing then."""
        with open(path, encoding="utf-8") as handle:
            self.receive_model(handle.read())
        self.message.emit(f"{self.title}: model loaded from {path}")

    def receive_model(self, text: str) -> None:
        """Show a model file's text (another tab's "Open as custom model", or a file);
        raises ParamError and changes nothing if it is malformed."""
        model, values, stimulus = cs.read_model_file(text)
        params_cls = cs.params_class(model)
        stim_cls = _stimulus_class(cs.display_unit_of(model.unit_of(model.current))[0])
        params = params_cls.from_dict(values)
        stim = stim_cls.from_dict(stimulus)
        self.set_model(model, rebuild=False)
        self.replace_form("params", params_cls).set_params(params)
        self.replace_form("stimulus", stim_cls).set_params(stim)
        self.pages.setCurrentIndex(0)
        self.check_now()

    def save_model_file(self, path) -> None:
        text = cs.model_file_text(self.model_text(), self.param_forms["params"].params()
                                  .to_dict(), self.param_forms["stimulus"].params().to_dict())
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        self.message.emit(f"{self.title}: model saved to {path}")

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a custom model", "",
                                              "Custom models (*.txt *.eqs);;All files (*)")
        if path:
            try:
                self.load_model_file(path)
            except (ParamError, OSError, UnicodeDecodeError) as error:
                self.message.emit(f"{self.title}: cannot load {path}: {error}")

    def save_model_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the custom model", "model.txt",
                                              "Custom models (*.txt *.eqs)")
        if path:
            self.save_model_file(path)

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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
