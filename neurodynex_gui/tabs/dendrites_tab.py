"""Dendrites tab (book chapter 3.2-3.4): the passive cable, a branched tree against its
equivalent cylinder (Rall's 3/2 rule), NMDA spikes on a distal branch.

Numpy and scipy (implicit compartments) on a thread of this process; V(x, t) streams into the
heat map. A click on the heat map adds the time and the place under the mouse as probes: V(x)
at that time and V(t) at that place.
"""
from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QComboBox, QPushButton

from ..models import cable as cb
from ..models import dendrite_runs as dr
from ..models import dendritic_tree as dt
from ..view_state import MaxItems, TabView
from ..widgets.field_plots import ClickablePanel
from ..widgets.heat_map import HeatMap
from .base import ModelTab
from .declarations import Form, Page, Section, Tool

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf")
THEORY_PEN = pg.mkPen("#444444", width=1.5, style=Qt.DashLine)
PROBE_PEN = pg.mkPen("#ffffff", width=1, style=Qt.DashLine)
MAX_PROBES = 8


def heat_levels(values: np.ndarray) -> tuple[float, float]:
    """The colour range: the values' range widened by 8 % each way (the scale's end labels
    then stay inside it with presentation fonts)."""
    low, high = float(values.min()), float(values.max())
    span = max(high - low, 1e-6)
    return low - 0.08 * span, high + 0.08 * span


def set_curves(panel, plot: str, curves) -> None:
    """Show exactly ``curves`` [(name, pen, x, y[, listed])] on ``plot`` of ``panel``: curves
    of the same name are reused (a new legend entry costs more than the whole run)."""
    wanted = {name for name, *_ in curves}
    for key in [key for key in panel.curves if key[0] == plot and key[1] not in wanted]:
        panel.remove_curve(panel.curves[key])
    for name, pen, x, y, *listed in curves:
        curve = panel.curves.get((plot, name))
        if curve is None:
            curve = panel.add_curve(plot, name, pen=pen, listed=bool(listed[0]) if listed
                                    else True)
        else:
            curve.item.setPen(pen)
        curve.set(x, y)


@dataclasses.dataclass(frozen=True)
class DendritesView(TabView):
    probe_times: Annotated[tuple[float, ...], MaxItems(MAX_PROBES)] = ()  # ms; () automatic
    probe_places: Annotated[tuple[float, ...], MaxItems(MAX_PROBES)] = ()  # um; () automatic
    tree_time: float = -1.0  # ms shown in the tree picture; < 0: the soma's peak


class DendritesTab(ModelTab):
    tab_id = "dendrites"
    title = "Dendrites"
    book_section = "Neuronal Dynamics, ch. 3.2-3.4"
    forms = (("cable", "Cable (its constants hold for the tree too)", cb.CableParams),
             ("injection", "Current into the cable", cb.InjectionParams),
             ("tree", "Tree", dt.TreeParams),
             ("nmda", "Synapses on branch 1", dt.NMDAParams),
             Form("show", "Model", dr.ShowParams, False))  # set by the chooser on top
    presets = {
        "Cable: neurodynex3's default": {"show": dr.ShowParams(), "cable": cb.CableParams(),
                                         "injection": cb.InjectionParams()},
        "Cable: lambda from a long DC input": {
            "show": dr.ShowParams(),
            "cable": cb.CableParams(length=5000.0, nr_compartments=500, simulation_time=80.0,
                                    dt=0.05, record_dt=0.5),
            "injection": cb.InjectionParams(kind="step", amplitude=0.1, t_start=0.0,
                                            location=2500.0)},
        "Cable: killed end": {
            "show": dr.ShowParams(),
            "cable": cb.CableParams(simulation_time=60.0, dt=0.05, record_dt=0.25,
                                    end="killed"),
            "injection": cb.InjectionParams(kind="step", amplitude=0.1, t_start=0.0,
                                            location=100.0)},
        "Cable: Green's function (short pulse)": {
            "show": dr.ShowParams(),
            "cable": cb.CableParams(length=3000.0, nr_compartments=600, simulation_time=20.0,
                                    dt=0.01, record_dt=0.05),
            "injection": cb.InjectionParams(kind="short pulse", amplitude=5.0, t_start=1.0,
                                            location=1500.0)},
        "Cable: two sinusoidal inputs": {
            "show": dr.ShowParams(),
            "cable": cb.CableParams(length=2000.0, nr_compartments=400, simulation_time=40.0,
                                    dt=0.02, record_dt=0.1),
            "injection": cb.InjectionParams(kind="sinusoid", amplitude=0.2, t_start=0.0,
                                            t_end=40.0, frequency=100.0, location=500.0,
                                            sites="two", location_2=1500.0)},
        "Tree meeting the 3/2 rule": {"show": dr.ShowParams(mode="branched tree"),
                                      "tree": dt.TreeParams()},
        "Tree breaking the 3/2 rule (thick branches)": {
            "show": dr.ShowParams(mode="branched tree"),
            "tree": dt.TreeParams(branch1_diameter=2.0, branch2_diameter=2.0)},
        "NMDA spike (20 synapses)": {"show": dr.ShowParams(mode="NMDA spikes"),
                                     "tree": dt.TreeParams(), "nmda": dt.NMDAParams()},
        "AMPA alone (20 synapses)": {"show": dr.ShowParams(mode="NMDA spikes"),
                                     "tree": dt.TreeParams(),
                                     "nmda": dt.NMDAParams(nmda=False)},
    }
    simulate_path = "neurodynex_gui.models.dendrite_runs:simulate"
    in_process = True  # numpy and scipy.sparse: a thread of this process
    traces_class = ClickablePanel
    View = DendritesView
    tools = (Tool("nmda_io", "NMDA input-output curve",
                  "neurodynex_gui.models.dendritic_tree:nmda_input_output",
                  dt.InputOutputInputs, ("tree", "cable", "nmda"),
                  "Peak depolarisation at the synapses and at the soma against the number "
                  "of co-active synapses, with AMPA + NMDA and with AMPA alone",
                  progress=True),)
    exercises = """
<h3>Dendrites (Neuronal Dynamics, ch. 3.2-3.4)</h3>
<ol>
<li><b>Cable.</b> lambda^2 d2V/dx2 = tau dV/dt + V - E. Inject a long step (preset <i>lambda
from a long DC input</i>): V(x) decays as cosh((L - x) / lambda) towards a sealed end;
compare the fitted lambda with sqrt(d R_T / (4 R_L)). Change d: lambda grows as sqrt(d).</li>
<li><b>Charging.</b> At the place of the current the potential rises as erf(sqrt(t / tau)),
faster than 1 - exp(-t / tau) of a point neuron; the mean potential decays with tau exactly.</li>
<li><b>Ends.</b> A killed (open) end clamps V to rest; compare the dashed analytic steady
states. Click the heat map to add probes.</li>
<li><b>Branches.</b> A tree whose daughters meet d0^(3/2) = d1^(3/2) + d2^(3/2) is its
equivalent cylinder, seen from the soma; thicken the branches and the two curves part.</li>
<li><b>NMDA spikes.</b> More co-active synapses on a thin branch: with NMDA the peak jumps
(the Mg block lifts); with AMPA alone it grows linearly, then less (the driving force
shrinks). Tool: <i>NMDA input-output curve</i>.</li>
</ol>"""

    def __init__(self, runner=None, parent=None):
        self.probe_times: list[float] = []
        self.probe_places: list[float] = []
        self.tree_time = -1.0
        self.frames_t: list[np.ndarray] = []
        self.frames_v: list[np.ndarray] = []
        self.running_mode = "passive cable"
        super().__init__(runner, parent)
        self.traces.clicked.connect(self.add_probe)
        self.tree_panel.clicked.connect(self._tree_clicked)
        self.param_forms["show"].changed.connect(lambda _p: self.show_controls())
        self.pages.currentChanged.connect(self._page_chosen)
        self.show_controls()

    # -- screen --------------------------------------------------------------------------------

    def build_plots(self, panel) -> None:
        panel.add_plot("profile", "V(x)", "mV", x_label="position x", x_unit="um",
                       legend=True)
        panel.add_plot("site", "V(t)", "mV", legend=True)
        self.heat = HeatMap(panel, "heat", "position x", "um", x_label="time", x_unit="ms",
                            scale_label="mV", colormap="viridis", x_rows=True)
        self.heat.plot.setXLink(panel.plots["site"])
        for row, stretch in enumerate((2, 2, 3)):
            panel.ci.layout.setRowStretchFactor(row, stretch)
        panel.click_plots.append(self.heat.plot)
        self.heat.plot.setTitle("colour: V - E_leak (mV); click to add probes")
        self.heat.plot.setToolTip("Click: add V(x) at this time and V(t) at this place")
        self.probe_lines: list[pg.InfiniteLine] = []

    def build_pages(self) -> list[Page]:
        self.tree_panel = ClickablePanel()
        picture = self.tree_panel.add_plot("tree", "y", "um", x_label="x", x_unit="um")
        picture.setAspectLocked(True)
        self.skeleton = pg.PlotDataItem([], [], pen=pg.mkPen("#888888", width=1),
                                        connect="pairs")
        picture.addItem(self.skeleton)
        self.tree_dots = pg.ScatterPlotItem(pen=None)
        picture.addItem(self.tree_dots)
        self.tree_panel.add_plot("soma", "soma V", "mV", legend=True)
        self.tree_panel.click_plots.append(self.tree_panel.plots["soma"])
        self.tree_panel.plots["soma"].setToolTip("Click: colour the tree by V at this time")
        self.tree_panel.add_plot("path", "V", "mV", x_label="distance from the soma",
                                 x_unit="um", legend=True)
        self.time_line = pg.InfiniteLine(angle=90, pen=THEORY_PEN)
        self.tree_panel.plots["soma"].addItem(self.time_line, ignoreBounds=True)
        self.nmda_panel = ClickablePanel()
        self.nmda_panel.add_plot("v", "V", "mV", legend=True)
        self.nmda_panel.add_plot("g", "conductance", "nS", link_x="v", legend=True)
        return [Page("Cable", self.traces), Page("Tree", self.tree_panel),
                Page("NMDA", self.nmda_panel), Page("Analysis", self.analysis)]

    def side_sections(self) -> list[Section]:
        button = QPushButton("Clear probes")
        button.setObjectName("dendrites_clear_probes")
        button.setToolTip("Back to the automatic times and places (click the heat map to "
                          "add your own)")
        button.clicked.connect(self.clear_probes)
        self.mode_box = QComboBox()
        self.mode_box.setObjectName("dendrites_mode")
        self.mode_box.addItems(dr.MODES)
        self.mode_box.setToolTip(dr.ShowParams.meta("mode").help)
        self.mode_box.activated.connect(
            lambda i: self.param_forms["show"].set_value("mode", dr.MODES[i]))
        return [Section("Model", self.mode_box, "top"), Section(None, button, "controls")]

    def show_controls(self) -> None:
        mode = self.param_forms["show"].params().mode
        self.mode_box.setCurrentIndex(dr.MODES.index(mode))
        self.param_forms["injection"].parentWidget().setVisible(mode == "passive cable")
        self.param_forms["tree"].parentWidget().setVisible(mode != "passive cable")
        self.param_forms["nmda"].parentWidget().setVisible(mode == "NMDA spikes")
        page = {"passive cable": self.traces, "branched tree": self.tree_panel,
                "NMDA spikes": self.nmda_panel}[mode]
        self.pages.setCurrentWidget(page)

    def _page_chosen(self, index: int) -> None:
        """The Cable, Tree and NMDA pages each choose their model (the next run fills them)."""
        mode = {self.traces: "passive cable", self.tree_panel: "branched tree",
                self.nmda_panel: "NMDA spikes"}.get(self.pages.widget(index))
        if mode is not None and mode != self.param_forms["show"].params().mode:
            self.param_forms["show"].set_value("mode", mode)

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self.clear_probes()
        self.show_controls()

    def view_fields(self) -> dict:
        return {"probe_times": tuple(self.probe_times), "probe_places": tuple(self.probe_places),
                "tree_time": self.tree_time}

    def apply_view(self, view: DendritesView) -> None:
        self.probe_times = list(view.probe_times)
        self.probe_places = list(view.probe_places)
        self.tree_time = view.tree_time
        self.show_controls()
        self._redraw()

    # -- probes --------------------------------------------------------------------------------

    def add_probe(self, t: float, x: float) -> None:
        """V(x) at time ``t`` (ms) and V(t) at place ``x`` (um) (at most eight of each)."""
        self.probe_times = (self.probe_times + [float(t)])[-MAX_PROBES:]
        self.probe_places = (self.probe_places + [float(x)])[-MAX_PROBES:]
        self._redraw()

    def clear_probes(self) -> None:
        self.probe_times, self.probe_places = [], []
        self._redraw()

    def shown_probes(self, run: cb.CableResult) -> tuple[list[float], list[float]]:
        """The probes drawn: the user's, or the end of the current and the run's end, and
        the places of the current and the far end."""
        if self.probe_times:
            times = self.probe_times
        else:
            active = np.flatnonzero(np.any(run.current != 0, axis=1))
            t_off = (active[-1] + 1) * run.params.dt if len(active) else run.t[-1]
            if self.param_forms["injection"].params().kind == "short pulse":
                after = [t_off + s for s in (0.5, 2.0, 5.0) if t_off + s <= run.t[-1]]
                times = after or [float(run.t[-1])]  # the spread of the charge
            else:
                times = sorted({float(min(t_off, run.t[-1])), float(run.t[-1])})
        places = self.probe_places or [*map(float, run.injection_x), float(run.x[-1])]
        return times, places

    def _redraw(self) -> None:
        if isinstance(self.result, cb.CableResult):
            self.show_cable(self.result, final=True)
        elif isinstance(self.result, dt.TreeResult):
            self.show_tree(self.result)

    # -- running -------------------------------------------------------------------------------

    def start_run(self) -> None:
        super().start_run()
        self.running_mode = self.param_forms["show"].params().mode
        self.frames_t, self.frames_v = [], []
        if self.running_mode != "passive cable":  # the soma's trace grows while it runs
            panel = self.tree_panel if self.running_mode == "branched tree" else self.nmda_panel
            panel.clear_curves()
        self.show_controls()
        self.readout.setText("running…")

    def on_chunk(self, chunk) -> None:
        self.frames_t.append(chunk["t"])
        self.frames_v.append(chunk["v"])
        if self.running_mode != "passive cable":
            key = ("soma", "tree") if self.running_mode == "branched tree" else ("v", "soma")
            panel = self.tree_panel if self.running_mode == "branched tree" else self.nmda_panel
            if key in panel.curves:
                panel.curves[key].append(chunk["t"], chunk["v"][:, 0])
            return
        cable = self.param_forms["cable"].params()
        t, v = np.concatenate(self.frames_t), np.concatenate(self.frames_v)
        self.frames_t, self.frames_v = [t], [v]
        v = v - cable.e_leak  # depolarisation: short scale labels
        self.heat.show(v, heat_levels(v),
                       (0.0, 0.0, max(t[-1], cable.dt), cable.length))
        self.heat.plot.setXRange(0, cable.simulation_time, padding=0)
        self.heat.plot.setYRange(0, cable.length, padding=0.04)

    def show_result(self, result) -> None:
        if isinstance(result, cb.CableResult):
            self.show_cable(result, final=True)
        elif isinstance(result, dt.TreeResult):
            self.show_tree(result)
        else:
            self.show_nmda(result)

    def show_cable(self, run: cb.CableResult, final: bool = False) -> None:
        p = run.params
        depolarisation = run.v - p.e_leak
        self.heat.show(depolarisation, heat_levels(depolarisation), (0.0, 0.0, max(run.t[-1], p.dt), p.length))
        for line in self.probe_lines:
            self.heat.plot.removeItem(line)
        self.probe_lines = []
        times, places = self.shown_probes(run)
        profiles, sites = [], []
        for i, t in enumerate(times):
            row = int(np.argmin(np.abs(run.t - t)))
            colour = PALETTE[i % len(PALETTE)]
            profiles.append((f"t = {run.t[row]:.3g} ms", pg.mkPen(colour, width=2), run.x,
                             run.v[row]))
            self._probe_line(t, 90, colour)
        for i, x in enumerate(places):
            column = int(np.argmin(np.abs(run.x - x)))
            colour = PALETTE[(i + 3) % len(PALETTE)]
            sites.append((f"x = {run.x[column]:.4g} um", pg.mkPen(colour, width=2), run.t,
                          run.v[:, column]))
            self._probe_line(x, 0, colour)
        injection = self.param_forms["injection"].params()
        amplitude = self._dc_amplitude(run, injection)
        if amplitude is not None:
            steady = cb.steady_state(run.x, run.injection_x, amplitude, p.length, p.diameter,
                                     p.r_longitudinal, p.r_transversal, p.e_leak, p.end)
            profiles.append((f"steady state ({p.end} end)", THEORY_PEN, run.x, steady))
        if injection.kind == "short pulse" and np.any(run.current):
            charge = injection.amplitude * cb.SHORT_PULSE_MS  # nA ms = pC
            centre = injection.t_start + cb.SHORT_PULSE_MS / 2
            for i, (_, pen, x, _) in enumerate(list(profiles)):  # dashed, listed once
                t = run.t[int(np.argmin(np.abs(run.t - times[i])))]
                green = p.e_leak + sum(
                    cb.green_function(x, t - centre, place, charge, p.diameter,
                                      p.r_longitudinal, p.r_transversal, p.capacitance, 0.0)
                    for place in run.injection_x)
                dashed = pg.mkPen(pen.color(), width=1.5, style=Qt.DashLine)
                profiles.append((f"infinite cable, t = {t:.3g} ms" if i else
                                 "dashed: infinite cable (Green's function)", dashed, x, green,
                                 i == 0))
        set_curves(self.traces, "profile", profiles)
        set_curves(self.traces, "site", sites)
        self.heat.plot.setXRange(0, max(run.t[-1], p.dt), padding=0)
        self.heat.plot.setYRange(0, p.length, padding=0.04)
        self.traces.plots["profile"].setXRange(0, p.length, padding=0.02)
        self.traces.plots["profile"].enableAutoRange(axis="y")
        self.traces.plots["site"].enableAutoRange(axis="y")
        if final:
            self.readout.setText(self.cable_text(run, injection))

    def _probe_line(self, value: float, angle: int, colour: str) -> None:
        line = pg.InfiniteLine(value, angle=angle,
                               pen=pg.mkPen(colour, width=1.5, style=Qt.DashLine))
        self.heat.plot.addItem(line, ignoreBounds=True)
        self.probe_lines.append(line)

    @staticmethod
    def _dc_amplitude(run: cb.CableResult, injection: cb.InjectionParams) -> float | None:
        """The DC amplitude whose steady state is worth drawing, or None: a step, or a pulse
        lasting at least 2 tau (a shorter one stays far below its steady state)."""
        p = run.params
        tau = cb.time_constant(p.r_transversal, p.capacitance)
        long_pulse = injection.kind == "pulse" and injection.t_end - injection.t_start >= 2 * tau
        if not (injection.kind == "step" or long_pulse) or not np.any(run.current):
            return None
        return injection.amplitude

    def cable_text(self, run: cb.CableResult, injection: cb.InjectionParams) -> str:
        m = cb.measurements(run, injection)

        def shown(value, unit):
            return f"{value:.4g} {unit}" if np.isfinite(value) else "—"

        fitted = shown(m["lambda_fit_um"], "um") if np.isfinite(m["lambda_fit_um"]) else \
            "— (needs V(x) near its steady state: a step on for 4 tau)"
        return (f"<b>lambda</b> = sqrt(d R_T / 4 R_L) = {m['lambda_um']:.4g} um; fitted to "
                f"V(x) at the end: {fitted}<br>"
                f"<b>tau</b> = R_T C = {m['tau_ms']:.4g} ms; fitted: erf(sqrt(t / tau)) at "
                f"the first place {shown(m['tau_erf_ms'], 'ms')} (infinite-cable theory; "
                "a long cable, charging for tau / 2 or more), "
                f"decay of the mean V {shown(m['tau_decay_ms'], 'ms')}<br>"
                f"electrotonic length L / lambda = {run.params.length / m['lambda_um']:.3g}")

    # -- the tree --------------------------------------------------------------------------------

    def _tree_clicked(self, t: float, _v: float) -> None:
        self.tree_time = float(t)
        if isinstance(self.result, dt.TreeResult):
            self.show_tree(self.result)

    def show_tree(self, run: dt.TreeResult) -> None:
        tree = run.params
        if self.tree_time >= 0:
            row = int(np.argmin(np.abs(run.t - self.tree_time)))
        else:
            row = int(np.argmax(np.abs(run.v_soma - run.v_soma[0])))
        v = run.v[row]
        low, high = float(v.min()), float(max(v.max(), v.min() + 1e-3))
        colours = pg.colormap.get("viridis").map((v - low) / (high - low), mode="qcolor")
        sizes = np.clip(run.diameter * 4, 4, 40)
        self.tree_dots.setData(pos=run.xy, size=sizes, brush=colours)
        pairs = []
        for name, idx in run.sections.items():
            start = run.xy[run.soma] if name == "trunk" and run.soma is not None else \
                np.array([tree.trunk_length, 0.0]) if name != "trunk" else run.xy[idx[0]]
            pairs += [start, run.xy[idx[-1]]]
        pairs = np.array(pairs)
        self.skeleton.setData(pairs[:, 0], pairs[:, 1])
        self.tree_panel.plots["tree"].setTitle(
            f"V at t = {run.t[row]:.3g} ms: {low:.4g} mV (dark) to {high:.4g} mV (yellow); "
            "click the soma's V(t) for another time")
        self.time_line.setValue(run.t[row])
        panel = self.tree_panel
        soma = [("tree", pg.mkPen(PALETTE[0], width=2), run.t, run.v_soma)]
        if run.v_equivalent is not None:
            soma.append(("equivalent cylinder", THEORY_PEN, run.t, run.v_equivalent))
        set_curves(panel, "soma", soma)
        paths = []
        for i, (name, idx) in enumerate(run.sections.items()):
            path = np.concatenate([[run.soma], idx]) if name == "trunk" and \
                run.soma is not None else np.concatenate([[run.branch_node], idx]) \
                if name != "trunk" else idx
            style = Qt.DashLine if name == "branch 2" else Qt.SolidLine
            paths.append((name, pg.mkPen(PALETTE[i], width=2, style=style),
                          run.distance[path], run.v[row, path]))
        set_curves(panel, "path", paths)
        panel.flush()
        eq_length, _ = dt.equivalent_cylinder(tree)
        text = (f"3/2 rule: (d1^1.5 + d2^1.5) / d0^1.5 = {dt.rall_ratio(tree):.3f} "
                f"(1: met); equivalent cylinder {eq_length:.4g} um of {tree.trunk_diameter:g} "
                "um")
        if run.v_equivalent is not None:
            peak = np.abs(run.v_soma - run.v_soma[0]).max()
            gap = np.abs(run.v_soma - run.v_equivalent).max()
            text += (f"<br>soma: tree and equivalent cylinder differ by at most "
                     f"{gap:.3g} mV ({100 * gap / max(peak, 1e-12):.2g} % of the response)")
            if tree.input_site != "soma":
                text += ("<br><i>current into one tip: the equivalent cylinder stands for "
                         "the tree only with current at the soma (or into every tip in "
                         "proportion)</i>")
        self.readout.setText(text)

    # -- NMDA ----------------------------------------------------------------------------------

    def show_nmda(self, run: dt.NMDAResult) -> None:
        panel = self.nmda_panel
        set_curves(panel, "v", [
            ("at the synapses", pg.mkPen(PALETTE[1], width=2), run.t, run.v_branch),
            ("soma", pg.mkPen(PALETTE[0], width=2), run.t, run.v_soma)])
        set_curves(panel, "g", [
            ("AMPA", pg.mkPen(PALETTE[2], width=2), run.t, run.g_ampa_nS),
            ("NMDA (unblocked)", pg.mkPen(PALETTE[3], width=2), run.t, run.g_nmda_nS)])
        panel.flush()
        self.show_tree(run.tree)
        e = self.param_forms["cable"].params().e_leak
        self.readout.setText(f"peak depolarisation: {run.v_branch.max() - e:.3g} mV at the "
                             f"synapses, {run.v_soma.max() - e:.3g} mV at the soma")

    def show_tool_result(self, key: str, result) -> None:
        """The input-output curves: AMPA + NMDA and AMPA alone, at the branch and the soma."""
        panel = self.analysis
        panel.clear()
        panel.plots.clear()
        panel.curves.clear()
        for name, label in (("branch", "peak at the synapses"), ("soma", "peak at the soma")):
            plot = panel.add_plot(name, label, "mV", x_label="co-active synapses", x_unit="",
                                  link_x="branch" if name == "soma" else None)
            plot.addLegend(offset=(10, 10))
            top = max(result.columns[f"{name}_mV"].max(),
                      result.columns[f"{name}_AMPA_only_mV"].max())
            for j, (suffix, text) in enumerate((("", "AMPA + NMDA"),
                                                ("_AMPA_only", "AMPA alone"))):
                values = result.columns[f"{name}{suffix}_mV"]
                panel.add_curve(name, text, pen=pg.mkPen(PALETTE[j], width=2), symbol="o",
                                symbolSize=5, symbolBrush=PALETTE[j]).set(result.x, values)
                if j == 1 and len(result.x) > 1 and result.x[1] > 0:
                    slope = values[1] / result.x[1]
                    panel.add_curve(name, "linear (from the first point)",
                                    pen=THEORY_PEN).set(result.x, slope * result.x)
            plot.setYRange(0, 1.05 * top if top > 0 else 1.0)
        panel.flush()
        if result.answer_text:
            self.readout.setText(result.answer_text)
