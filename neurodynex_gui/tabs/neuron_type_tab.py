"""Type I and type II neurons tab (book chapter 4.4): the mystery-neuron exercise.

Neurons X and Y are one type I and one type II neuron in an order drawn when the tab starts;
Shuffle draws again, Reveal tells. A run simulates both with the same stimulus at several
amplitudes (overlaid); the tools find the threshold currents and the f-I curves, with a zoom on
the onset of firing (continuous for type I, a jump for type II); the phase-plane page shows
each neuron's nullclines, flow and fixed points at a chosen current with the run's trajectory.
"""
from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QStackedWidget,
                             QVBoxLayout, QWidget)

from ..models import neuron_type as nt
from ..models.params import Params, param
from ..view_state import TabView, ViewState
from ..widgets.param_form import ParamForm
from ..widgets.param_sliders import ParamSliders
from ..widgets.phase_plane import PhasePlane, PlaneView
from ..widgets.plots import PlotPanel
from . import saved_results
from .base import ModelTab
from .declarations import Form, Page, Section, Tool

JOBS = "neurodynex_gui.models.neuron_type"
NAMES = ("X", "Y")
NEURON_COLOURS = {"X": "#1f77b4", "Y": "#d62728"}
NEURON_SYMBOLS = {"X": "o", "Y": "t"}
RUN_PEN = pg.mkPen("#000000", width=2)
AMPLITUDE_MAP = pg.colormap.get("viridis")
PHASE_SLIDER_PA = (-0.5, 2.0)  # range of the phase-plane current slider
PLANE_T_END_MS = 300.0  # duration of the trajectories started by a click
TRACE_PLOTS = (("v", "v", "mV", "v_mV"), ("w", "w", "mV", "w_mV"),
               ("I", "input current I", "pA", "I_pA"))
"""Rows of the traces page: variable, axis label, unit, name in chunks and Traces."""


@dataclasses.dataclass(frozen=True)
class PhaseParams(Params):
    """What the phase planes show."""

    I: float = param(0.3, "input current I", "pA", min=-100.0, max=100.0, step=0.001,
                     decimals=4, help="constant current (pA) of the nullclines, flow, fixed "
                                      "points and click trajectories; choosing a run's "
                                      "trajectory sets it to that run's median current")


Name = Literal["X", "Y"]


@dataclasses.dataclass(frozen=True)
class PhaseView(ViewState):
    """The phase-plane page: whose plane is shown, at which current, and each plane's view."""

    neuron: Name = "X"
    params: PhaseParams = PhaseParams()
    planes: dict[Name, PlaneView] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class NeuronTypeView(TabView):
    phase: PhaseView = PhaseView()


class RunPhasePlane(PhasePlane):
    """The generic phase plane, plus the (v, w) trajectory of a brian2 run."""

    def __init__(self, spec: nt.NeuronSpec, I: float):
        super().__init__(spec.planar, spec.params.replace(I=I), spec.v_lim, spec.w_lim,
                         t_end=PLANE_T_END_MS, dt_out=nt.DT_MS)
        self.spec = spec
        self.run_curve = self.panel.add_curve("plane", "trajectory of the run", pen=RUN_PEN)

    def set_current(self, I: float) -> None:
        self.set_params(self.spec.params.replace(I=I))

    def show_run(self, v=(), w=()) -> None:
        self.run_curve.set(v, w)
        self.run_curve.flush()


class NeuronTypeTab(ModelTab):
    tab_id = "neuron_type"
    title = "Type I and type II"
    book_section = "Neuronal Dynamics, ch. 4.4 (type I and type II neuron models)"
    forms = (("stimulus", "Input current (the first amplitude)", nt.NeuronTypeStimulus),
             ("run", "Runs (amplitudes overlaid)", nt.TraceParams),
             Form("mystery", "Mystery", nt.MysteryParams, shown=False))  # Shuffle, Reveal set it
    presets = {
        "Steps around threshold (1 s from 100 ms)": {
            "stimulus": nt.NeuronTypeStimulus(),
            "run": nt.TraceParams()},
        "Short 10 ms pulses": {
            "stimulus": nt.NeuronTypeStimulus(I_tstart=100.0, I_tend=110.0, I_amp=0.05),
            "run": nt.TraceParams(n_amplitudes=6, amplitude_step=0.25, t_end=300.0)},
        "Slow ramp to 1 pA over 2 s": {
            "stimulus": nt.NeuronTypeStimulus(kind="ramp", I_tstart=100.0, I_tend=2100.0,
                                              I_amp=1.0),
            "run": nt.TraceParams(n_amplitudes=1, t_end=2200.0)},
    }
    simulate_path = f"{JOBS}:simulate"
    sliders = {"I_amp": (0.0, 1.5, 0.005), "amplitude_step": (0.0, 0.2, 0.005)}
    View = NeuronTypeView
    exercises = """
<p>Neurons X and Y are a type I and a type II model neuron, in an order drawn at random
(book ch. 4.4; the exercise package's <code>neuron_type</code>).</p>
<ol>
<li><b>Step responses.</b> Inject steps of increasing amplitude into both neurons and look at
v and w. How does each neuron start to fire as the current grows? <i>Run</i> (amplitudes
overlaid); the presets give long steps, short 10 ms pulses and a slow ramp.</li>
<li><b>Threshold.</b> What is the smallest step current that makes each neuron fire
repetitively? <i>Tool: Threshold current</i> (to 0.01 pA), or bracket it yourself with runs.</li>
<li><b>f-I curves.</b> Plot the firing rate against the step amplitude for both. Which curve
starts at an arbitrarily low rate, and which jumps to a finite rate? <i>Tools: f-I curves</i>
and <i>Zoom on the onset of firing</i>. Decide which neuron is type I, then <i>Reveal</i>.</li>
<li><b>Why?</b> On the <i>Phase plane</i> page, drag the current through the threshold: does a
stable fixed point disappear in a saddle-node collision (type I), or lose its stability while
a limit cycle of finite period appears (type II)? Compare with the run's trajectory.</li>
</ol>"""
    tools = (
        Tool("threshold", "Threshold current", f"{JOBS}:thresholds", nt.ThresholdInputs,
             ("mystery",), "The smallest step amplitude that makes each neuron fire "
                           "repetitively (two spikes or more), bracketed by runs of many "
                           "amplitudes at once"),
        Tool("fi_curve", "f-I curves", f"{JOBS}:fi_curves", nt.FICurveInputs, ("mystery",),
             "Firing rate (from the mean inter-spike interval) of both neurons against the "
             "step amplitude; one neuron per amplitude in one run"),
        Tool("onset", "Zoom on the onset of firing", f"{JOBS}:onset_curves", nt.OnsetInputs,
             ("mystery",), "f-I curves close to each neuron's threshold, against the distance "
                           "to it: does the rate start from zero or jump?"),
    )

    def __init__(self, runner=None, parent=None):
        self._rng = np.random.default_rng()
        self.planes: dict[str, RunPhasePlane] = {}
        self._assignment_shown: dict[str, str] = {}
        self._planes_behind = False  # the phase planes wait for their page to be shown
        self._names_behind = None  # amplitudes of a started run whose curves show the last
        super().__init__(runner, parent)
        self.pages.currentChanged.connect(self._page_changed)
        self._set_mystery(self._draw())

    # -- building ------------------------------------------------------------------------------

    def build_plots(self, panel: PlotPanel) -> None:
        for col, name in enumerate(NAMES):
            for row, (var, label, unit, _) in enumerate(TRACE_PLOTS):
                plot = panel.add_plot(f"{var}_{name}", label, unit,
                                      link_x="v_X" if panel.plots else None)
                panel.ci.removeItem(plot)
                panel.ci.addItem(plot, row=row, col=col)
            legend = panel.plots[f"I_{name}"].addLegend()
            legend.anchor(itemPos=(0.5, 1), parentPos=(0.5, 0.78))
        self._analysis_plots()
        self._mystery_box()
        self._phase_page()

    def build_pages(self) -> list[Page]:
        return [Page("Traces", self.traces), Page("f-I curves", self.analysis),
                Page("Phase plane", self.phase_page,
                     lambda: self.plane_stack.currentWidget().panel)]

    def side_sections(self) -> list[Section]:
        return [Section("Mystery: which neuron is which type?", self.mystery_box)]

    def _analysis_plots(self) -> None:
        fi = self.analysis.add_plot("fi", "firing rate", "Hz", x_label="step amplitude I",
                                    x_unit="pA")
        fi.setTitle("f-I curves (step from 100 ms; rate from the mean inter-spike interval)")
        onset = self.analysis.add_plot("onset", "firing rate", "Hz",
                                       x_label="I − I_onset", x_unit="pA")
        onset.setTitle("onset of firing (I_onset: the lowest current with repetitive firing): "
                       "from zero, or a jump?")
        for plot in (fi, onset):
            plot.addLegend(offset=(-10, -10))
        self.threshold_lines = {}
        for name in NAMES:
            style = dict(pen=pg.mkPen(NEURON_COLOURS[name], width=2), symbol=NEURON_SYMBOLS[name],
                         symbolSize=6, symbolBrush=NEURON_COLOURS[name], symbolPen=None)
            self.analysis.add_curve("fi", f"neuron {name}", **style)
            self.analysis.add_curve("onset", f"neuron {name}", **style)
            label = {"position": 0.45 if name == "X" else 0.3, "color": NEURON_COLOURS[name],
                     "anchors": [(1, 0.5), (1, 0.5)]}  # left of the line, where rates are 0
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(NEURON_COLOURS[name], width=1.5,
                                                          style=Qt.DashLine),
                                   label="", labelOpts=label)
            line.hide()
            fi.addItem(line, ignoreBounds=True)
            self.threshold_lines[name] = line

    def _mystery_box(self) -> None:
        self.mystery_label = QLabel()
        self.mystery_label.setWordWrap(True)
        self.shuffle_button = QPushButton("Shuffle")
        self.shuffle_button.setToolTip("Draw again which type is neuron X and which is neuron "
                                       "Y (clears the results)")
        self.shuffle_button.clicked.connect(self.shuffle)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip("Tell which neuron is type I and which is type II")
        self.reveal_button.clicked.connect(self.reveal)
        buttons = QHBoxLayout()
        buttons.addWidget(self.shuffle_button)
        buttons.addWidget(self.reveal_button)
        self.mystery_box = QWidget()
        column = QVBoxLayout(self.mystery_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.mystery_label)
        column.addLayout(buttons)

    def _phase_page(self) -> None:
        self.phase_form = ParamForm(PhaseParams)  # not shown: the slider types into it
        self.phase_form.changed.connect(self._phase_current_changed)
        current = self.phase_form.params().I
        self.planes = {kind: RunPhasePlane(spec, current) for kind, spec in nt.SPECS.items()}
        self.plane_stack = QStackedWidget()
        for plane in self.planes.values():
            self.plane_stack.addWidget(plane)
        self.neuron_box = QComboBox()
        self.neuron_box.addItems([f"Neuron {name}" for name in NAMES])
        self.neuron_box.setToolTip("Whose phase plane to show")
        self.neuron_box.currentIndexChanged.connect(self._show_plane)
        self.run_box = QComboBox()
        self.run_box.setToolTip("Draw the (v, w) trajectory of the run at this amplitude; the "
                                "phase plane's current becomes its median current (a long "
                                "step's amplitude, 0 around a short pulse)")
        self.run_box.activated.connect(self._choose_run)
        self.phase_slider = ParamSliders(self.phase_form, {"I": PHASE_SLIDER_PA})
        controls = QHBoxLayout()
        controls.addWidget(QLabel("show:"))
        controls.addWidget(self.neuron_box)
        controls.addWidget(self.phase_slider, 1)
        run_row = QHBoxLayout()  # a row of its own: with presentation fonts one row was too wide
        run_row.addWidget(QLabel("trajectory of the run at:"))
        run_row.addWidget(self.run_box)
        run_row.addStretch(1)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(controls)
        column.addLayout(run_row)
        column.addWidget(self.plane_stack, 1)
        self.phase_page = page

    # -- the mystery ---------------------------------------------------------------------------

    def mystery(self) -> nt.MysteryParams:
        return self.param_forms["mystery"].params()

    def assignment(self) -> dict[str, str]:
        return self.mystery().assignment()

    def _draw(self) -> nt.MysteryParams:
        first = nt.TYPE_ONE if self._rng.random() < 0.5 else nt.TYPE_TWO
        return nt.MysteryParams(neuron_X=first)

    def shuffle(self) -> None:
        """Draw the assignment again (it may stay the same), hide it, clear the results."""
        self.stop()
        self._set_mystery(self._draw())
        self.readout.setText("Neurons X and Y drawn again: run them.")

    def reveal(self) -> None:
        self._set_mystery(self.mystery().replace(revealed=True), clear=False)

    def _set_mystery(self, mystery: nt.MysteryParams, clear: bool = True) -> None:
        self.param_forms["mystery"].set_params(mystery)
        if clear:
            self._clear_results()
        self._show_mystery()

    def _label(self, name: str) -> str:
        kind = self.assignment()[name]
        return f"neuron {name}" + (f" ({_lower(kind)})" if self.mystery().revealed else "")

    def _show_mystery(self) -> None:
        mystery = self.mystery()
        self._assignment_shown = mystery.assignment()
        if mystery.revealed:
            text = "; ".join(f"neuron {name} is <b>{_lower(kind)}</b>, "
                             f"{nt.SPECS[kind].description}"
                             for name, kind in mystery.assignment().items())
        else:
            text = ("One is a type I and the other a type II neuron, in an order drawn at "
                    "random. Run them, compare their f-I curves and phase planes, then "
                    "Reveal.")
        self.mystery_label.setText(text[0].upper() + text[1:])
        self.reveal_button.setEnabled(not mystery.revealed)
        for name in NAMES:
            label = self._label(name)
            self.traces.plots[f"v_{name}"].setTitle(label[0].upper() + label[1:])
            for plot in ("fi", "onset"):
                legend = self.analysis.plots[plot].legend
                legend.getLabel(self.analysis.curve(plot, f"neuron {name}").item).setText(label)
        self._show_plane()

    def _clear_results(self) -> None:
        self.result = None
        self.tool_results.clear()
        for panel in (self.traces, self.analysis):
            panel.clear_curves()
        for line in self.threshold_lines.values():
            line.hide()
        for plane in self.planes.values():
            plane.show_run()
        self.run_box.clear()

    # -- runs ----------------------------------------------------------------------------------

    def _amplitudes(self) -> np.ndarray:
        return self.param_forms["run"].params().amplitudes(
            self.param_forms["stimulus"].params().I_amp)

    def start_run(self) -> None:
        # the curves are emptied now (a drag repaints while the run is under way: kept traces
        # measured 2-3 times fewer re-runs a second) and named when the data arrives
        self._names_behind = self._amplitudes()
        labels = _labels(self._names_behind)
        for name in NAMES:
            for var, *_ in TRACE_PLOTS:
                if len(self._trace_curves(f"{var}_{name}")) != len(labels):
                    self._make_trace_curves(f"{var}_{name}", labels)
        self.traces.clear_curves()
        self.traces.plots["v_X"].setXRange(0, self.param_forms["run"].params().t_end,
                                           padding=0.02)
        self.readout.setText("running…")

    def _make_trace_curves(self, plot: str, labels: list[str], clear: bool = True) -> None:
        """One empty curve per label in a trace plot, coloured in order (the curves of the
        last run, renamed and emptied unless not ``clear``, when there are as many:
        rebuilding them costs 40 ms)."""
        curves = self._trace_curves(plot)
        if len(curves) == len(labels):
            for curve, label in zip(curves, labels):
                if clear:
                    curve.clear()
                self.traces.rename_curve(curve, label)
            return
        self.traces.remove_curves(plot)
        for label, x in zip(labels, np.linspace(0.0, 0.85, len(labels))):
            self.traces.add_curve(plot, label, pen=pg.mkPen(AMPLITUDE_MAP.map(x, mode="qcolor"),
                                                            width=1), antialias=False,
                                  peaks=True)
        legend = self.traces.plots[plot].legend
        if legend is not None:
            legend.setColumnCount(min(len(labels), 3))
            legend.setVisible(len(labels) > 1)

    def _trace_curves(self, plot: str) -> list:
        return [curve for (p, _), curve in self.traces.curves.items() if p == plot]

    def _name_curves(self, amplitudes) -> None:
        """Name the trace curves after the amplitudes of the run they show."""
        labels = _labels(amplitudes)
        for name in NAMES:
            for var, *_ in TRACE_PLOTS:
                self._make_trace_curves(f"{var}_{name}", labels, clear=False)

    def on_chunk(self, chunk) -> None:
        if self._names_behind is not None:
            self._name_curves(self._names_behind)
            self._names_behind = None
        name = chunk["neuron"]
        for var, _, _, key in TRACE_PLOTS:
            for curve, values in zip(self._trace_curves(f"{var}_{name}"), chunk[key]):
                curve.append(chunk["t_ms"], values)
        self.readout.setText(f"running… neuron {name} at {chunk['t_ms'][-1]:.0f} ms")

    def accepts(self, result) -> bool:
        """Runs and tool results computed before a shuffle are not shown."""
        return result.assignment == self.assignment()

    def spike_trains(self, result: nt.PairResult):
        """One unit per neuron and amplitude ("Analyse spikes"): neuron X's runs first (ids 0
        to n-1, one per amplitude), then neuron Y's."""
        times, ids, t_end = [], [], 0.0
        for traces in result.traces.values():
            trains = traces.spikes_ms if traces.spikes_ms is not None else \
                [nt.get_spiketimes(traces.t_ms, v) for v in traces.v_mV]  # found at every step
            for train in trains:
                times.append(train)
                ids.append(np.full(len(train), len(ids)))
            t_end = max(t_end, float(traces.t_ms[-1]) if len(traces.t_ms) else 0.0)
        if not times:
            return None
        return np.concatenate(times), np.concatenate(ids), t_end

    def show_result(self, result: nt.PairResult) -> None:
        self._names_behind = None
        self._name_curves(next(iter(result.traces.values())).amplitudes_pA)
        lines = []
        for name, traces in result.traces.items():
            for var, _, _, key in TRACE_PLOTS:
                for curve, row in zip(self._trace_curves(f"{var}_{name}"), getattr(traces, key)):
                    curve.set(traces.t_ms, row)
            counts = ", ".join(str(c) for c in traces.spike_counts())
            lines.append(f"neuron {name}: {counts}")
        amplitudes = next(iter(result.traces.values())).amplitudes_pA
        stopped = "" if result.completed else " (stopped early)"
        self.readout.setText(f"Spikes at {', '.join(f'{a:.4g}' for a in amplitudes)} pA — "
                             + "; ".join(lines) + stopped)
        self._fill_run_box(amplitudes)

    # -- phase planes --------------------------------------------------------------------------

    def _plane(self, name: str) -> RunPhasePlane:
        return self.planes[self.assignment()[name]]

    def _show_plane(self, _index=None) -> None:
        name = NAMES[max(self.neuron_box.currentIndex(), 0)]
        for other in NAMES:
            self._plane(other).plane.setTitle(f"{self._label(other)}: phase plane at "
                                              f"I = {self.phase_form.params().I:.4g} pA")
        self.plane_stack.setCurrentWidget(self._plane(name))

    def _fill_run_box(self, amplitudes) -> None:
        keep = self.run_box.currentIndex()
        self.run_box.clear()
        self.run_box.addItems([f"{a:.4g} pA" for a in amplitudes])
        index = keep if 0 <= keep < len(amplitudes) else len(amplitudes) - 1
        self.run_box.setCurrentIndex(index)
        self._choose_run(index)

    def _choose_run(self, index: int) -> None:
        """Draw run ``index``'s trajectories; the planes' current becomes the median current of
        that run (a long step's amplitude, 0 around a short pulse)."""
        if self.result is None or index < 0:
            return
        for name, traces in self.result.traces.items():
            self._plane(name).show_run(traces.v_mV[index], traces.w_mV[index])
        current = float(np.median(next(iter(self.result.traces.values())).I_pA[index]))
        meta = PhaseParams.meta("I")  # a run's current may lie beyond the plane's range
        self.phase_form.set_params(PhaseParams(I=round(min(max(current, meta.min), meta.max),
                                                       4)))
        self._phase_current_changed()

    def _phase_current_changed(self, _params=None) -> None:
        self.phase_slider.sync()
        pages = getattr(self, "pages", None)  # None while the tab is being built
        if pages is not None and pages.currentWidget() is not self.phase_page:
            # drawn when the page is shown: redrawing both planes cost 9 ms of every re-run
            # while a slider of the traces was dragged
            self._planes_behind = True
            return
        self._planes_behind = False
        for plane in self.planes.values():
            plane.set_current(self.phase_form.params().I)
        self._show_plane()

    def _page_changed(self, _index: int) -> None:
        if self._planes_behind:
            self._phase_current_changed()

    # -- tools ---------------------------------------------------------------------------------

    def show_tool_result(self, key: str, result) -> None:
        if key == "threshold":
            self._show_thresholds(result)
        else:
            self._show_curves("fi" if key == "fi_curve" else "onset", result)
        self.readout.setText(result.text)

    def _show_thresholds(self, result: nt.ThresholdResult) -> None:
        for name, line in self.threshold_lines.items():
            value = result.threshold(name)
            line.setValue(value)
            line.show()  # before the text: a hidden label is not updated
            line.label.setFormat(f"{name}: {value:.3f} pA")

    def _show_curves(self, plot: str, result: nt.Curves) -> None:
        for name in NAMES:
            x = result.currents[name]
            if result.onset is not None:
                x = x - result.onset[name]
            self.analysis.curve(plot, f"neuron {name}").set(x, result.rates[name])
        self.analysis.flush()
        self.analysis.plots[plot].enableAutoRange()

    # -- parameters, sessions, export ----------------------------------------------------------

    def reset_defaults(self) -> None:
        """Every parameter back to its default; the mystery stays as it is."""
        mystery = self.mystery()
        super().reset_defaults()
        self.param_forms["mystery"].set_params(mystery)
        self.phase_form.reset_defaults()

    def set_value(self, name: str, text: str) -> None:
        super().set_value(name, text)
        self._show_mystery()

    def stop(self) -> None:
        for plane in self.planes.values():
            plane.stop()
        super().stop()

    def view_fields(self) -> dict:
        return {"phase": PhaseView(NAMES[max(self.neuron_box.currentIndex(), 0)],
                                   self.phase_form.params(),
                                   {name: self._plane(name).view() for name in NAMES})}

    def apply_view(self, view: NeuronTypeView) -> None:
        """The restored mystery (results of another assignment are cleared) and the phase
        planes; saved results are drawn after this."""
        if self.assignment() != self._assignment_shown:
            self._clear_results()
        self._show_mystery()
        self.phase_form.set_params(view.phase.params)
        self.neuron_box.setCurrentIndex(NAMES.index(view.phase.neuron))
        for name, plane_view in view.phase.planes.items():
            self._plane(name).apply_view(plane_view)
        self._phase_current_changed()

    def result_arrays(self) -> dict[str, np.ndarray]:
        """The drawn traces and f-I curves, and the thresholds, for an NPZ beside the session
        (the session keeps the assignment they belong to)."""
        arrays = {**saved_results.curve_arrays("traces", self.traces.data()),
                  **saved_results.curve_arrays("analysis", self.analysis.data())}
        if "threshold" in self.tool_results:
            for name, bracket in self.tool_results["threshold"].brackets.items():
                arrays[f"threshold/{name}"] = np.asarray(bracket, float)
        return arrays

    def restore_results(self, arrays: dict) -> None:
        """Draw what :meth:`result_arrays` saved (unknown curves are skipped)."""
        for page, panel in (("traces", self.traces), ("analysis", self.analysis)):
            curves, _, _ = saved_results.read_saved(arrays, page)
            if page == "traces":
                for plot in {plot for plot, _ in curves}:
                    names = [name for p, name in curves if p == plot]
                    self._make_trace_curves(plot, sorted(names, key=_run_number))
            for key, (x, y) in curves.items():
                if key in panel.curves:
                    panel.curves[key].set(x, y)
            panel.flush()
        brackets = {name: tuple(arrays[f"threshold/{name}"]) for name in NAMES
                    if f"threshold/{name}" in arrays}
        if len(brackets) == len(NAMES):
            found = nt.ThresholdResult(self.assignment(), brackets, "")
            self.tool_results["threshold"] = found
            self._show_thresholds(found)

    def custom_model(self) -> str:
        """"Open as custom model": the neuron shown on the phase-plane page (X or Y) with the
        stimulus (its first amplitude) and the run's length and step."""
        from ..models.custom_from_tabs import neuron_type_model_file

        name = NAMES[max(self.neuron_box.currentIndex(), 0)]
        run = self.param_forms["run"].params()
        return neuron_type_model_file(self.assignment()[name], name,
                                      self.param_forms["stimulus"].params().to_dict(),
                                      run.t_end, run.dt)


def _labels(amplitudes) -> list[str]:
    """Names of the trace curves of runs at ``amplitudes`` (pA)."""
    return [f"{k + 1}: {a:.4g} pA" for k, a in enumerate(amplitudes)]


def _run_number(label: str) -> int:
    """The index in front of a trace curve's name ('2: 0.35 pA' -> 2)."""
    head = label.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def _lower(kind: str) -> str:
    """'Type I' -> 'type I'."""
    return kind[0].lower() + kind[1:]
