"""Hodgkin-Huxley tab (book chapter 2.2): traces, gating kinetics and the exercise's questions."""
from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pyqtgraph as pg
from PyQt5.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from .. import presentation
from ..models import hh
from ..view_state import TabView
from ..widgets import text_fit
from .base import ModelTab
from .declarations import Section, Tool

VOLTAGE_PEN = pg.mkPen("#1f4e9c", width=2)
CURRENT_PEN = pg.mkPen("#2a7d2a", width=1)
LEVEL_PEN = pg.mkPen("#c0392b", width=1.5, style=2)
GATE_COLOURS = {"m": "#222222", "n": "#1f77b4", "h": "#d62728"}
ION_COLOURS = {"I_Na": "#d62728", "I_K": "#1f77b4", "I_L": "#2ca02c"}
KINETICS_V_MV = np.linspace(-40.0, 120.0, 321)
TIME_PLOTS = ("v", "gates", "currents", "I")
Ion = Literal["I_Na", "I_K", "I_L"]


@dataclasses.dataclass(frozen=True)
class HHView(TabView):
    currents: tuple[Ion, ...] = tuple(ION_COLOURS)  # the ionic currents shown

EXERCISES = """
<ol>
<li><b>Step current.</b> What is the lowest step amplitude that gives at least one spike
(vm above 50 mV)? <i>Tool: Lowest step amplitude for a spike</i> (uses the step's timing
above). What is the lowest amplitude for repetitive firing? <i>Tool: Repetitive firing</i>
(spikes late in a long step count, not the first ones after its onset).</li>
<li><b>Slow and fast ramps.</b> A ramp from 0 at 5 ms to I at 50 ms (then 0): which I gives a
spike? And with the ramp ending at 10 ms? <i>Tool: Ramp threshold</i>. Compare m, n and h in
both cases (presets, and the x<sub>inf</sub>/tau panel): why does a slow ramp need more?</li>
<li><b>Rebound spike.</b> Inject -1 uA and then -5 uA for 20 ms (preset) and watch h and n
against their dashed resting values: which gating variable causes the spike after the
release? <i>Tool: Rebound threshold</i> finds the weakest step that does it.</li>
<li><b>Sodium channel density.</b> Multiply g_Na by 1.5: what is now the threshold for
repetitive firing, and where is the resting potential (the readout)? Increase it further:
why does the neuron fire without input? <i>Tool: Repetitive threshold vs g_Na</i>.</li>
</ol>
"""


class HHTab(ModelTab):
    tab_id = "hh"
    title = "Hodgkin-Huxley"
    book_section = "Neuronal Dynamics, ch. 2.2"
    exercises = EXERCISES
    forms = (("params", "Neuron", hh.HHParams), ("stimulus", "Input current", hh.HHStimulus))
    presets = {name: {"params": params, "stimulus": stimulus}
               for name, (params, stimulus) in hh.PRESETS.items()}
    simulate_path = "neurodynex_gui.models.hh:simulate"
    sliders = {"I_amp": (-10.0, 30.0, 0.1), "g_Na_scale": (0.5, 2.0, 0.01),
               "g_K": (10.0, 60.0, 0.5)}
    View = HHView
    tools = (
        Tool("min_step", "Lowest step amplitude for a spike",
             "neurodynex_gui.models.hh:min_step_amplitude", hh.ThresholdInputs,
             ("params", "stimulus"),
             "The lowest amplitude of a step (with the step's timing above, over the "
             "simulation length) that makes vm cross the spike detection level at least once; "
             "amplitudes are simulated together, one neuron each, the bracket narrowing per "
             "round"),
        Tool("repetitive", "Repetitive firing threshold",
             "neurodynex_gui.models.hh:repetitive_threshold", hh.RepetitiveInputs,
             tip="The lowest step amplitude for repetitive firing: at least the given number "
                 "of spikes in the late window of a long step (the first spikes after the "
                 "onset do not count); with this neuron's sodium channel density"),
        Tool("gNa_scan", "Repetitive threshold vs g_Na",
             "neurodynex_gui.models.hh:gNa_scan", hh.GNaScanInputs,
             tip="The repetitive-firing threshold for several sodium channel densities "
                 "(g_Na times each factor; the exercise compares 1 and 1.5), all in one run"),
        Tool("rebound", "Rebound threshold", "neurodynex_gui.models.hh:rebound_threshold",
             hh.ReboundInputs,
             tip="The weakest hyperpolarising step after which the neuron fires (a rebound "
                 "spike): h de-inactivates and n closes during the step"),
        Tool("ramp", "Ramp threshold", "neurodynex_gui.models.hh:ramp_threshold",
             hh.RampInputs,
             tip="The lowest final amplitude of a ramp current that gives a spike; try a "
                 "slow (5-50 ms) and a fast (5-10 ms) ramp"),
    )

    def __init__(self, runner=None, parent=None):
        super().__init__(runner, parent)
        if runner is not None:  # build the fast path and brian2's cython code early
            runner.submit(f"{self.tab_id}:build", "neurodynex_gui.models.hh_model:"
                          "build_in_background", {}, in_process=True)
            runner.submit(f"{self.tab_id}:prepare", "neurodynex_gui.models.hh:prepare", {})

    # -- plots -------------------------------------------------------------------------------

    def build_plots(self, panel) -> None:
        panel.add_plot("v", "vm", "mV")
        gates = panel.add_plot("gates", "m, n, h", "", link_x="v", legend=True)
        gates.setYRange(0.0, 1.0, padding=0.02)
        panel.add_plot("currents", "I_ion, outward +", "µA", link_x="v", legend=True)
        panel.add_plot("I", "injected I", "µA", link_x="v")
        panel.add_curve("v", "vm", pen=VOLTAGE_PEN, peaks=True)
        panel.add_curve("I", "I", pen=CURRENT_PEN, peaks=True)
        for gate, colour in GATE_COLOURS.items():
            panel.add_curve("gates", gate, pen=pg.mkPen(colour, width=1), peaks=True)
        for ion, colour in ION_COLOURS.items():
            panel.add_curve("currents", ion, pen=pg.mkPen(colour, width=1), peaks=True)
        self.spike_marks = panel.add_curve("v", "spikes", pen=None, symbol="t1", symbolSize=11,
                                           symbolBrush="#c0392b", symbolPen=None)
        self.level_line = pg.InfiniteLine(angle=0, pen=LEVEL_PEN, label="spike level",
                                          labelOpts={"position": 0.95, "color": "#c0392b",
                                                     "anchors": [(1, 0), (1, 0)]})
        panel.plots["v"].addItem(self.level_line)
        self.rest_lines = {gate: pg.InfiniteLine(angle=0, pen=pg.mkPen(colour, width=1,
                                                                       style=2))
                           for gate, colour in GATE_COLOURS.items()}
        for line in self.rest_lines.values():
            panel.plots["gates"].addItem(line)
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", width=1))
        self.cursor.hide()
        panel.plots["v"].addItem(self.cursor)
        self._build_kinetics(panel)
        panel.scene().sigMouseMoved.connect(self._hovered)
        self.param_forms["params"].changed.connect(self._show_params)
        self._show_params(self.param_forms["params"].params())
        panel.plots["v"].setXRange(0, hh.HHParams().tend)
        self._last_v = None

    def _build_kinetics(self, panel) -> None:
        """x_inf(v) and tau_x(v) beside the traces, with the operating point marked."""
        self.kinetics = {"inf": hh.steady_states(KINETICS_V_MV),
                         "tau": hh.time_constants(KINETICS_V_MV)}
        self.op_lines, self.op_marks = {}, {}
        for row, (name, label) in enumerate((("inf", "steady state x_inf"),
                                             ("tau", "time constant tau_x (ms)"))):
            # unnamed: each named ViewBox joins pyqtgraph's global list that forgetView walks
            # when one is deleted; with these two named too, closing windows segfaulted
            plot = panel.addPlot(row=2 * row, col=1, rowspan=2)
            text_fit.keep_fitted(plot)
            plot.setLabel("left", label)
            plot.setLabel("bottom", "vm (mV)")
            plot.showGrid(x=True, y=True, alpha=0.2)
            if name == "tau":  # its top right is empty; the colours are those of x_inf too
                plot.addLegend(offset=(-10, 10))
            panel.plots[name] = plot
            for gate, colour in GATE_COLOURS.items():
                panel.add_curve(name, gate, pen=pg.mkPen(colour, width=2))
            self.op_lines[name] = pg.InfiniteLine(
                angle=90, pen=pg.mkPen("#888888", width=1, style=2), label="vm {value:.1f}",
                labelOpts={"position": 0.12, "color": "#555555"})
            self.op_marks[name] = pg.ScatterPlotItem(size=9, pen=None)
            plot.addItem(self.op_lines[name])
            plot.addItem(self.op_marks[name])
        panel.ci.layout.setColumnStretchFactor(0, 3)
        panel.ci.layout.setColumnStretchFactor(1, 2)
        self._draw_kinetics()
        self.show_operating_point(0.0)

    def _draw_kinetics(self) -> None:
        for name, values in self.kinetics.items():
            for gate in GATE_COLOURS:
                self.traces.curve(name, gate).set(KINETICS_V_MV, values[gate])

    def show_operating_point(self, v_mV: float) -> None:
        """Mark ``v_mV`` and the gates' x_inf and tau there on the kinetics panel."""
        at = {"inf": hh.steady_states(v_mV), "tau": hh.time_constants(v_mV)}
        for name, values in at.items():
            self.op_lines[name].setValue(v_mV)
            self.op_marks[name].setData([v_mV] * 3, [float(values[g]) for g in GATE_COLOURS],
                                        brush=[pg.mkBrush(presentation.themed(c))
                                               for c in GATE_COLOURS.values()])

    def side_sections(self) -> list[Section]:
        """Check boxes that show or hide each ionic current (and the plot with none)."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.current_boxes = {}
        for ion in ION_COLOURS:
            check = QCheckBox(ion)
            check.setChecked(True)
            check.setToolTip(f"show {ion} (from vm and the gating variables)")
            check.toggled.connect(self._show_currents)
            row.addWidget(check)
            self.current_boxes[ion] = check
        return [Section("Ionic currents", box, "controls")]

    def shown_currents(self) -> list[str]:
        return [ion for ion, check in self.current_boxes.items() if check.isChecked()]

    def _show_currents(self) -> None:
        shown = self.shown_currents()
        for ion in ION_COLOURS:
            self.traces.curve("currents", ion).item.setVisible(ion in shown)
        plot = self.traces.plots["currents"]
        plot.setVisible(bool(shown))
        self.traces.ci.layout.setRowMaximumHeight(2, 1e6 if shown else 0)

    def _show_params(self, params) -> None:
        self.level_line.setValue(params.spike_level)
        rest = hh.resting_state(params)
        for gate, line in self.rest_lines.items():
            line.setValue(getattr(rest, gate))

    def _hovered(self, position) -> None:
        """Over a time plot: mark that moment and show vm then on the kinetics panel."""
        item = self.traces.curve("v", "vm").item
        x, v = item.xData, item.yData  # every sample, not the drawn (downsampled) ones
        for name in TIME_PLOTS:
            plot = self.traces.plots[name]
            if plot.isVisible() and plot.sceneBoundingRect().contains(position) \
                    and x is not None and len(x):
                t = plot.vb.mapSceneToView(position).x()
                if x[0] <= t <= x[-1]:
                    self.cursor.setValue(t)
                    self.cursor.show()
                    self.show_operating_point(float(np.interp(t, x, v)))
                    return
        self.cursor.hide()
        if self._last_v is not None:
            self.show_operating_point(self._last_v)

    # -- runs --------------------------------------------------------------------------------

    def start_run(self) -> None:
        # the last run stays on screen until this one's data arrives (whole, from the fast
        # path: drawn once); the kinetics panel does not change
        for (plot, _), curve in self.traces.curves.items():
            if plot in TIME_PLOTS:
                curve.clear()
        self._run_params = params = self.param_forms["params"].params()
        self._show_params(params)
        self.traces.plots["v"].setXRange(0, params.tend, padding=0.02)
        self.readout.setText("running…")

    def on_chunk(self, chunk) -> None:
        self._append(chunk, self._run_params)
        self._last_v = float(chunk["vm_mV"][-1])
        self.show_operating_point(self._last_v)
        self.readout.setText(f"running… t = {chunk['t_ms'][-1]:.0f} ms")

    def _append(self, trace, params, whole: bool = False) -> None:
        """Add a streamed piece, or draw a ``whole`` run in place of what is shown."""
        t = trace["t_ms"]
        currents = hh.ionic_currents(params, trace["vm_mV"], trace["m"], trace["n"],
                                     trace["h"])
        for plot, name, values in [("v", "vm", trace["vm_mV"]), ("I", "I", trace["I_e_uA"]),
                                   *(("gates", gate, trace[gate]) for gate in GATE_COLOURS),
                                   *(("currents", ion, currents[ion]) for ion in currents)]:
            curve = self.traces.curve(plot, name)
            (curve.set if whole else curve.append)(t, values)

    def spike_trains(self, result):
        """One unit: the spikes of the run ("Analyse spikes")."""
        return result.spikes_ms, np.zeros(len(result.spikes_ms), int), float(result.t_ms[-1])

    def show_result(self, result: hh.HHResult) -> None:
        self._append({"t_ms": result.t_ms, "vm_mV": result.vm_mV, "I_e_uA": result.I_e_uA,
                      "m": result.m, "n": result.n, "h": result.h}, result.params, whole=True)
        level = result.params.spike_level
        self.spike_marks.set(result.spikes_ms, np.full(len(result.spikes_ms), level))
        if len(result.vm_mV):
            self._last_v = float(result.vm_mV[-1])
            self.show_operating_point(self._last_v)
        self.readout.setText(self._summary(result))

    def _summary(self, result: hh.HHResult) -> str:
        rest = result.rest
        parts = [f"{result.spike_count} spikes (vm crossing {result.params.spike_level:g} mV)"]
        if result.spike_count > 1:
            parts.append(f"mean ISI {np.mean(np.diff(result.spikes_ms)):.2f} ms")
        parts.append(f"resting potential {rest.v_mV:.2f} mV" if rest.stable else
                     "no stable resting state: the neuron fires without input")
        rebound = self._rebound_text(result)
        if rebound:
            parts.append(rebound)
        if not result.completed:
            parts.append("stopped early")
        return "; ".join(parts)

    def _rebound_text(self, result: hh.HHResult) -> str:
        """After a negative step: h and n at its end against their resting values."""
        stimulus = self.param_forms["stimulus"].params()
        if stimulus.kind != "step" or stimulus.I_amp + stimulus.I_offset >= 0:
            return ""
        at = np.searchsorted(result.t_ms, stimulus.I_tend)
        if at >= len(result.t_ms):
            return ""
        rest = result.rest
        after = result.spikes_ms[result.spikes_ms >= stimulus.I_tend]
        outcome = (f"rebound spike at {after[0]:.1f} ms" if len(after)
                   else "no rebound spike")
        return (f"at the end of the negative step h = {result.h[at]:.2f} (rest {rest.h:.2f}: "
                f"sodium de-inactivated) and n = {result.n[at]:.2f} (rest {rest.n:.2f}: "
                f"fewer potassium channels open), {outcome}")

    # -- session -----------------------------------------------------------------------------

    def view_fields(self) -> dict:
        return {"currents": tuple(self.shown_currents())}

    def apply_view(self, view: HHView) -> None:
        for ion, check in self.current_boxes.items():
            check.setChecked(ion in view.currents)

    def custom_model(self) -> str:
        """"Open as custom model": the Hodgkin-Huxley equations with the form's values."""
        from ..models.custom_from_tabs import hh_model_file

        return hh_model_file(self.param_forms["params"].params(),
                             self.param_forms["stimulus"].params())
