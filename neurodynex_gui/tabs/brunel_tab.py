"""Brunel's balanced network tab (book ch. 13.4.4; Brunel 2000): raster, population activity,
ISI CV, Fano factor, synchrony, the activity's power spectrum, the four regimes."""
from __future__ import annotations

import dataclasses

import numpy as np
import pyqtgraph as pg
from PyQt5.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..models import brunel
from ..widgets.plots import PlotPanel
from . import saved_results
from .base import ModelTab
from .declarations import Page, Section

ACTIVITY_PEN = pg.mkPen("#1f4e9c", width=1)
SPECTRUM_PEN = pg.mkPen("#8e2c8e", width=2)
MEAN_FIELD_PEN = pg.mkPen("#c0392b", width=1.5, style=2)

OPENING = dataclasses.replace(brunel.PRESETS["asynchronous irregular (AI)"], sim_time=300.0)
"""What the tab shows first: neurodynex3's defaults (Reset to defaults) take 10-30 s."""


class BrunelTab(ModelTab):
    tab_id = "brunel"
    title = "Brunel network"
    book_section = "Neuronal Dynamics, ch. 13.4.4; Brunel (2000)"
    forms = (("params", "Network", brunel.BrunelParams),)
    presets = {name: {"params": params} for name, params in brunel.PRESETS.items()}
    simulate_path = "neurodynex_gui.models.brunel:simulate"
    auto_run = False  # a network run takes seconds: Run (Ctrl+R) starts one
    exercises = """
<ol>
<li><b>Balance.</b> Run the preset <i>asynchronous irregular</i>: each neuron fires
irregularly (ISI CV near 1) while the population activity is nearly flat. Compare the mean
rate with the mean-field prediction shown beside the readout.</li>
<li><b>Weak inhibition.</b> Lower g to 3 (preset <i>synchronous regular</i>): the rate climbs
to saturation, the CV falls and the spectrum shows a sharp peak.</li>
<li><b>Oscillations.</b> The two <i>synchronous irregular</i> presets: find the frequency of
the population oscillation in the spectrum; how does it relate to the synaptic delay?</li>
<li><b>Phase diagram.</b> Which combinations of g and nu_ext / nu_thr give each regime
(Brunel 2000, fig. 2)? Map the mean rate and the synchrony over a grid.</li>
</ol>"""

    def __init__(self, runner=None, parent=None):
        super().__init__(runner, parent)
        self.param_forms["params"].set_params(OPENING)
        self._show_prediction(OPENING)

    def build_plots(self, panel) -> None:
        raster = panel.add_plot("raster", "neuron", "")
        panel.add_plot("activity", "population activity A(t)", "Hz", link_x="raster")
        self.raster = panel.add_curve("raster", "spikes", pen=None, symbol="s", symbolSize=3,
                                      symbolBrush="#1f4e9c", symbolPen=None, listed=False)
        self.activity = panel.add_curve("activity", "A (1 ms bins)", pen=ACTIVITY_PEN,
                                        listed=False)
        raster.setXRange(0, OPENING.sim_time)
        self.param_forms["params"].changed.connect(self._show_prediction)

    def build_pages(self) -> list[Page]:
        self.spectrum = PlotPanel()
        plot = self.spectrum.add_plot("power", "power of A", "Hz²/Hz", x_label="frequency",
                                      x_unit="Hz")
        plot.setLogMode(y=True)
        self.spectrum_curve = self.spectrum.add_curve("power", "spectrum", pen=SPECTRUM_PEN,
                                                      listed=False)
        return [Page("Raster and activity", self.traces), Page("Spectrum", self.spectrum)]

    def side_sections(self) -> list[Section]:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.prediction = QLabel()
        self.prediction.setWordWrap(True)
        self.prediction.setToolTip("Brunel's self-consistent diffusion approximation "
                                   "(Siegert's formula) for the asynchronous state, and the "
                                   "external rate relative to nu_thr = theta / (N_ext w tau)")
        column.addWidget(self.prediction)
        self.regime_text = QLabel()
        self.regime_text.setWordWrap(True)
        column.addWidget(self.regime_text)
        return [Section("Theory", box, "top")]

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self._show_prediction(self.param_forms["params"].params())
        what = brunel.REGIMES.get(name, (None, None, ""))[2]
        self.regime_text.setText(f"<i>{name}</i>: {what}" if what else "")

    def _show_prediction(self, params) -> None:
        ratio = params.poisson_input_rate / brunel.nu_threshold(params)
        try:
            rate = f"{brunel.mean_field_rate(params):.1f} Hz"
        except ValueError:
            rate = "none found"
        self.prediction.setText(f"nu_ext / nu_thr = {ratio:.2f}, g = {params.g:g}; "
                                f"mean-field rate {rate}")

    def start_run(self) -> None:
        super().start_run()
        self.spectrum.clear_curves()
        params = self.param_forms["params"].params()
        self.traces.plots["raster"].setXRange(0, params.sim_time, padding=0.02)
        self.traces.plots["raster"].setYRange(0, min(params.monitored_subset_size,
                                                     params.N_Excit), padding=0.02)
        self.readout.setText("building the network…")

    def on_chunk(self, chunk) -> None:
        self.raster.append(chunk["spike_t_ms"], chunk["spike_i"])
        self.activity.append(chunk["t_ms"], chunk["rate_Hz"])
        self.readout.setText(f"running… {100 * chunk['fraction']:.0f} %")

    def show_result(self, result: brunel.BrunelResult) -> None:
        self.raster.set(result.spike_t_ms, result.spike_i)
        dt = result.params["dt"]
        per_bin = max(1, int(round(1.0 / dt)))
        usable = len(result.rate_Hz) // per_bin * per_bin
        self.activity.set(result.t_ms[:usable:per_bin] + 0.5 * per_bin * dt,
                          result.rate_Hz[:usable].reshape(-1, per_bin).mean(axis=1))
        stats = result.stats
        if len(stats.freq_Hz) > 1:
            positive = stats.power[1:] > 0
            self.spectrum_curve.set(stats.freq_Hz[1:][positive], stats.power[1:][positive])
        self.spectrum.flush()
        stopped = "" if result.completed else " (stopped early)"
        self.readout.setText(f"{stats.text()}; build {result.build_s:.1f} s, run "
                             f"{result.run_s:.1f} s{stopped}")

    def restore(self, state: dict, results: dict | None = None) -> None:
        super().restore(state, results)
        self._show_prediction(self.param_forms["params"].params())

    def result_arrays(self) -> dict[str, np.ndarray]:
        return {**super().result_arrays(),
                **saved_results.curve_arrays("spectrum", self.spectrum.data())}

    def restore_results(self, arrays: dict) -> None:
        super().restore_results(arrays)
        curves, _, _ = saved_results.read_saved(arrays, page="spectrum")
        if ("power", "spectrum") in curves:
            self.spectrum_curve.set(*curves[("power", "spectrum")])
            self.spectrum.flush()
