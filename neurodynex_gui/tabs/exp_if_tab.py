"""Exponential integrate-and-fire tab (book ch. 5.2; neurodynex3's exponential_integrate_fire):
traces, the I-V relation with its fixed points and the rheobase threshold, rheobase and f-I
tools."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..models import exp_if
from ..widgets.plots import PlotPanel
from .base import ModelTab
from .declarations import Page, Tool

V_PEN = pg.mkPen("#1f4e9c", width=2)
I_PEN = pg.mkPen("#2a7d2a", width=2)
IV_PEN = pg.mkPen("#1f4e9c", width=2.5)
IV_ZERO_PEN = pg.mkPen("#888888", width=1.5, style=2)
ZERO_PEN = pg.mkPen("#666666", width=1)
RHEOBASE_PEN = pg.mkPen("#c0392b", width=1.5, style=2)


class ExpIFTab(ModelTab):
    tab_id = "exp_if"
    title = "Exponential IF"
    book_section = "Neuronal Dynamics, ch. 5.2 (exponential integrate-and-fire)"
    forms = (("params", "Neuron", exp_if.ExpIFParams),
             ("stimulus", "Input current", exp_if.ExpIFStimulus))
    presets = {
        "exercise defaults, step of 800 pA": {"params": exp_if.ExpIFParams(),
                                              "stimulus": exp_if.ExpIFStimulus()},
        "just above the rheobase (405 pA, 1 s)": {
            "params": exp_if.ExpIFParams(simulation_time=1000.0),
            "stimulus": exp_if.ExpIFStimulus(I_amp=405.0, I_tstart=20.0, I_tend=1000.0)},
        "just below the rheobase (395 pA, 1 s)": {
            "params": exp_if.ExpIFParams(simulation_time=1000.0),
            "stimulus": exp_if.ExpIFStimulus(I_amp=395.0, I_tstart=20.0, I_tend=1000.0)},
        "short strong pulse (2 ms of 5 nA)": {
            "params": exp_if.ExpIFParams(),
            "stimulus": exp_if.ExpIFStimulus(I_amp=5000.0, I_tstart=20.0, I_tend=22.0)},
    }
    simulate_path = "neurodynex_gui.models.exp_if:simulate"
    in_process = True
    sliders = {"I_amp": (0.0, 2000.0, 5.0), "delta_T": (0.1, 10.0, 0.1)}
    tools = (
        Tool("rheobase", "Rheobase by simulation", "neurodynex_gui.models.exp_if:rheobase_search",
             exp_if.RheobaseInputs,
             tip="The lowest constant current that makes the neuron fire, found by rounds of "
                 "simulations (one neuron per current), beside (θ_rh - v_rest - Δ_T) / R"),
        Tool("fi_curve", "f-I curve", "neurodynex_gui.models.exp_if:fi_curve",
             exp_if.FICurveInputs,
             tip="Firing rate (from the mean ISI) against a constant current; the rheobase "
                 "is marked"),
    )
    exercises = """
<ol>
<li><b>Rheobase.</b> Which constant current makes the neuron fire? On the <i>I-V relation</i>
page drag the amplitude until the two fixed points (rest and threshold) merge at θ_rh.
<i>Tool: Rheobase by simulation</i> finds it by simulating; compare with
(θ_rh - v_rest - Δ_T)/R.</li>
<li><b>Short pulses.</b> A 2 ms pulse must be much stronger than the rheobase to make a spike:
where does it have to push u on the I-V curve?</li>
<li><b>Sharpness.</b> Change Δ_T: how do the I-V curve and the f-I curve change? With Δ_T
small the model approaches the leaky integrate-and-fire neuron with threshold θ_rh.</li>
</ol>"""

    def build_plots(self, panel) -> None:
        panel.add_plot("v", "potential u", "mV")
        panel.add_plot("I", "input current I", "pA", link_x="v")
        panel.add_curve("v", "u", pen=V_PEN)
        panel.add_curve("I", "I", pen=I_PEN)
        self.spike_marks = panel.add_curve("v", "spikes", pen=None, symbol="t1", symbolSize=11,
                                           symbolBrush="#c0392b", symbolPen=None)
        self.iv = PlotPanel()
        plot = self.iv.add_plot("iv", "τ du/dt = F(u)", "mV", x_label="potential u",
                                x_unit="mV", legend=True)
        plot.addItem(pg.InfiniteLine(pos=0.0, angle=0, pen=ZERO_PEN))
        self.iv.add_curve("iv", "F(u) at the step amplitude", pen=IV_PEN)
        self.iv.add_curve("iv", "F(u) at I = 0", pen=IV_ZERO_PEN)
        self.iv_points = self.iv.add_curve("iv", "fixed points", pen=None, symbol="o",
                                           symbolSize=12, symbolBrush="#ffffff",
                                           symbolPen=pg.mkPen("#c0392b", width=2))
        self.rheobase_line = pg.InfiniteLine(angle=90, pen=RHEOBASE_PEN, label="θ_rh",
                                             labelOpts={"position": 0.92, "color": "#c0392b"})
        plot.addItem(self.rheobase_line)
        for form in self.param_forms.values():
            form.changed.connect(self._draw_iv)
        self._draw_iv()

    def build_pages(self) -> list[Page]:
        return [Page("Traces", self.traces), Page("I-V relation", self.iv),
                Page("Analysis", self.analysis)]

    # -- the I-V relation ------------------------------------------------------------------------

    def _draw_iv(self, _params=None) -> None:
        p = self.param_forms["params"].params()
        amp = self.param_forms["stimulus"].params().I_amp
        u = np.linspace(p.v_rest - 15.0, p.v_rheobase + 4.0 * p.delta_T + 5.0, 600)
        args = (p.R, p.v_rest, p.v_rheobase, p.delta_T)
        self.iv.curve("iv", "F(u) at the step amplitude").set(u, exp_if.iv_curve(u, amp, *args))
        self.iv.curve("iv", "F(u) at I = 0").set(u, exp_if.iv_curve(u, 0.0, *args))
        points = np.array(exp_if.fixed_points(amp, *args))
        at_rest = np.array(exp_if.fixed_points(0.0, *args))
        shown = np.concatenate([points, at_rest])
        self.iv_points.set(shown, np.zeros(len(shown)))
        self.rheobase_line.setValue(p.v_rheobase)
        rheobase = exp_if.rheobase_current(*args)
        self.iv.plots["iv"].setTitle(
            f"I = {amp:g} pA: " + (", ".join(f"{x:.2f} mV" for x in points) if len(points)
                                   else "no fixed point: the neuron fires")
            + f"; I = 0: " + ", ".join(f"{x:.2f} mV" for x in at_rest)
            + f"   (rheobase {rheobase:.1f} pA)")
        self.iv.plots["iv"].setYRange(-25.0, 25.0)
        self.iv.flush()

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self._draw_iv()

    def apply_view(self, view) -> None:
        self._draw_iv()

    # -- runs --------------------------------------------------------------------------------------

    def start_run(self) -> None:
        super().start_run()
        p = self.param_forms["params"].params()
        self.traces.plots["v"].setXRange(0, p.simulation_time, padding=0.02)

    def spike_trains(self, result):
        """One unit: the spikes of the run ("Analyse spikes")."""
        return result.spike_trains()

    def show_result(self, result) -> None:
        self.traces.curve("v", "u").set(result.t, result.v)
        self.traces.curve("I", "I").set(result.t, result.I)
        p = self.param_forms["params"].params()
        self.spike_marks.set(result.spike_times, np.full(result.spike_count, p.v_spike))
        isi = np.diff(result.spike_times)
        rate = f", rate {1000.0 / isi.mean():.1f} Hz from the mean ISI" if len(isi) else ""
        self.readout.setText(f"{result.spike_count} spikes{rate}")

    def custom_model(self) -> str:
        """"Open as custom model": the exponential IF equations with the form's values."""
        from ..models.custom_from_tabs import exp_if_model_file

        return exp_if_model_file(self.param_forms["params"].params(),
                                 self.param_forms["stimulus"].params().to_dict())
