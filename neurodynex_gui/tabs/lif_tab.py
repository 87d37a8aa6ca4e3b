"""Leaky integrate-and-fire tab (book chapter 1.3)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..models import lif
from .base import ModelTab
from .declarations import Tool

VOLTAGE_PEN = pg.mkPen("#1f4e9c", width=2)
CURRENT_PEN = pg.mkPen("#2a7d2a", width=2)
THRESHOLD_PEN = pg.mkPen("#c0392b", width=1.5, style=2)
THEORY_PEN = pg.mkPen("#444444", width=1.5, style=2)


class LIFTab(ModelTab):
    tab_id = "lif"
    title = "Leaky integrate-and-fire"
    book_section = "Neuronal Dynamics, ch. 1.3"
    forms = (("params", "Neuron", lif.LIFParams), ("stimulus", "Input current", lif.LIFStimulus))
    presets = {name: {"params": params, "stimulus": stimulus}
               for name, (params, stimulus) in lif.PRESETS.items()}
    simulate_path = "neurodynex_gui.models.lif:simulate"
    sliders = {"I_amp": (0.0, 5.0, 0.01), "membrane_time_scale": (0.5, 20.0, 0.1),
               "membrane_resistance": (0.1, 5.0, 0.05)}
    exercises = """
<ol>
<li><b>Rheobase.</b> What is the weakest step current that makes the neuron fire at all, and
why does it depend on R and on the distance between rest and threshold but not on tau (for a
long step)? <i>Tool: Minimum step amplitude for a spike</i> (then shorten the step and watch
tau matter).</li>
<li><b>Firing rate.</b> How does the rate grow with the amplitude of a long step? Compare
the curve with 1 / (t_ref + tau ln(RI / (RI - theta))). <i>Tool: f-I curve</i>; the presets
switch between the exercise package's units and the book's physiological values.</li>
<li><b>Filtering.</b> Below threshold the membrane is a low-pass filter: how do the amplitude
and the phase lag of v depend on the input frequency, and where is the corner frequency?
<i>Tool: Sinusoidal response</i>, against R I / sqrt(1 + (2 pi f tau)^2).</li>
<li><b>Guess the neuron.</b> Change one parameter at a time, run (Ctrl+R) and describe what
each one changes in the trace.</li>
</ol>"""
    tools = (
        Tool("min_amplitude", "Minimum step amplitude for a spike",
             "neurodynex_gui.models.lif:min_step_amplitude", lif.MinAmplitudeInputs,
             ("params", "stimulus"),
             "Exercise 1.3 (a): smallest step amplitude (with the step's timing above) that "
             "makes the neuron spike; amplitudes are simulated together, one neuron each"),
        Tool("fi_curve", "f-I curve", "neurodynex_gui.models.lif:fi_curve", lif.FICurveInputs,
             tip="Exercise 1.3 (b): firing rate (from the inter-spike interval) against step "
                 "amplitude; one neuron per amplitude in one run"),
        Tool("sinus_response", "Sinusoidal response",
             "neurodynex_gui.models.lif:sinus_response", lif.SinusResponseInputs,
             tip="Exercise 1.3 (c): amplitude and phase of the subthreshold membrane "
                 "oscillation against input frequency (threshold disabled)"),
    )

    def build_plots(self, panel) -> None:
        panel.add_plot("v", "potential v", "mV")
        panel.add_plot("I", "current I", "nA", link_x="v")
        panel.add_curve("v", "v", pen=VOLTAGE_PEN)  # 4000 samples: peaks=True measured
        panel.add_curve("I", "I", pen=CURRENT_PEN)  # no faster here
        self.spike_marks = panel.add_curve("v", "spikes", pen=None, symbol="t1", symbolSize=11,
                                           symbolBrush="#c0392b", symbolPen=None)
        self.threshold_line = pg.InfiniteLine(angle=0, pen=THRESHOLD_PEN, label="threshold",
                                              labelOpts={"position": 0.95, "color": "#c0392b",
                                                         "anchors": [(1, 1), (1, 1)]})
        panel.plots["v"].addItem(self.threshold_line)
        panel.plots["v"].setXRange(0, lif.LIFParams().tend)
        self.param_forms["params"].changed.connect(self._show_threshold)
        self._show_threshold(self.param_forms["params"].params())

    def custom_model(self) -> str:
        """The LIF's equations and the current values, for the Custom model tab."""
        from ..models import custom_spec as cs

        p = self.param_forms["params"].params()
        text = cs.PRESETS["leaky integrate-and-fire"][0]
        values = {"v_rest": p.v_rest, "v_reset": p.v_reset, "v_th": p.firing_threshold,
                  "R": p.membrane_resistance, "tau": p.membrane_time_scale,
                  "t_ref": p.abs_refractory_period, "v_0": p.v_rest, "tend": p.tend,
                  "dt": p.dt, "method": "exponential_euler"}
        return cs.model_file_text(text, values, self.param_forms["stimulus"].params().to_dict())

    def show_tool_result(self, key: str, result) -> None:
        """As the base; the f-I curve with the exact rate of book eq. 1.13 dashed over it."""
        super().show_tool_result(key, result)
        if key == "fi_curve":
            params = self.param_forms["params"].params()
            currents = np.linspace(result.x[0], result.x[-1], 400)
            self.analysis.add_curve("rate_Hz", "exact rate", pen=THEORY_PEN).set(
                currents, lif.firing_rate(params, currents))
            self.analysis.plots["rate_Hz"].addLegend(offset=(10, 10))
            self.analysis.flush()

    def _show_threshold(self, params) -> None:
        self.threshold_line.setValue(params.firing_threshold)

    def start_run(self) -> None:
        super().start_run()
        params = self.param_forms["params"].params()
        self._show_threshold(params)
        self.traces.plots["v"].setXRange(0, params.tend, padding=0.02)
        self.readout.setText("running…")

    def on_chunk(self, chunk) -> None:
        self.traces.curve("v", "v").append(chunk["t_ms"], chunk["v_mV"])
        self.traces.curve("I", "I").append(chunk["t_ms"], chunk["I_nA"])
        self.readout.setText(f"running… {chunk['spike_count']} spikes so far")

    def spike_trains(self, result):
        """One unit: the spikes of the run ("Analyse spikes")."""
        return result.spikes_ms, np.zeros(len(result.spikes_ms), int), float(result.t_ms[-1])

    def show_result(self, result: lif.LIFResult) -> None:
        self.traces.curve("v", "v").set(result.t_ms, result.v_mV)
        self.traces.curve("I", "I").set(result.t_ms, result.I_nA)
        threshold = self.param_forms["params"].params().firing_threshold
        self.spike_marks.set(result.spikes_ms, np.full(len(result.spikes_ms), threshold))
        isi = np.diff(result.spikes_ms)
        isi_text = f", mean ISI {isi.mean():.2f} ms" if len(isi) else ""
        stopped = "" if result.completed else " (stopped early)"
        self.readout.setText(f"{result.spike_count} spikes, mean rate "
                             f"{result.mean_rate_Hz:.1f} Hz over the run{isi_text}{stopped}")
