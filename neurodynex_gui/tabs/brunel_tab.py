"""Brunel's balanced network tab (book ch. 13.4.4; Brunel 2000): raster, population activity,
ISI CV, Fano factor, synchrony, the activity's power spectrum, the four regimes."""
from __future__ import annotations

import dataclasses
import math
from typing import Literal

import numpy as np
import pyqtgraph as pg
from PyQt5.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..models import brunel, brunel_sweep
from ..models.params import ParamError
from ..view_state import TabView
from ..widgets.heat_map import HeatMap
from ..widgets.plots import PlotPanel
from . import saved_results
from .base import ModelTab
from .declarations import Page, Section, Tool

READOUTS = {"mean rate (Hz)": ("rate_Hz", "Hz"), "ISI CV": ("cv_isi", "CV"),
            "Fano factor": ("fano_factor", "F"), "synchrony chi": ("synchrony", "chi"),
            "spectrum peak (Hz)": ("peak_Hz", "Hz")}
"""What the phase diagram can be coloured by: label -> (readout of brunel.sweep_point, the
colour scale's short title)."""


@dataclasses.dataclass(frozen=True)
class BrunelView(TabView):
    diagram_readout: Literal[tuple(READOUTS)] = "mean rate (Hz)"
    scheduler: str = ""  # a dask.distributed address for the phase diagram ("" local)

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
    View = BrunelView
    tools = (Tool("phase_diagram", "Phase diagram (g × nu_ext/nu_thr)",
                  "neurodynex_gui.models.brunel_sweep:phase_diagram",
                  brunel_sweep.PhaseDiagramInputs, ("params",),
                  "Brunel (2000) fig. 2: one run of the network above per grid point, on "
                  "worker processes (or the dask scheduler given below); points fill in as "
                  "they finish, Stop cancels the rest, a fixed seed caches finished points",
                  progress=True),)
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
        self.diagram = HeatMap(self.analysis, "diagram", "nu_ext / nu_thr", "", x_label="g",
                               x_unit="", scale_label="Hz", x_rows=True)
        self.grid = None        # the SweepGrid shown (or filling in)
        self.grid_axes = None   # (g values, nu_ratio values) of the sweep running
        self.grid_values: dict[str, np.ndarray] = {}
        return [Page("Raster and activity", self.traces), Page("Spectrum", self.spectrum),
                Page("Phase diagram", self.analysis)]

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
        engine = QWidget()
        rows = QFormLayout(engine)
        rows.setContentsMargins(0, 0, 0, 0)
        self.readout_box = QComboBox()
        self.readout_box.addItems(list(READOUTS))
        self.readout_box.setToolTip("What colours the phase diagram")
        self.readout_box.currentIndexChanged.connect(lambda _: self._draw_diagram())
        rows.addRow("colour by", self.readout_box)
        self.scheduler = QLineEdit()
        self.scheduler.setPlaceholderText("as in Settings (Ctrl+,)")
        self.scheduler.setToolTip("A dask.distributed scheduler address (tcp://HOST:PORT) "
                                  "runs the phase diagram on its workers; empty: the "
                                  "one in Settings, else local worker processes")
        rows.addRow("dask scheduler", self.scheduler)
        return [Section("Theory", box, "top"), Section("Phase diagram", engine, "controls")]

    def sweep_arguments(self, names: list[str]) -> tuple[str, dict]:
        """The command line's --sweep: the point function and the fixed arguments (the
        network's fields; ``nu_ratio`` replaces the external rate when it is swept)."""
        base = self.param_forms["params"].params().to_dict()
        for name in names:
            if name != "nu_ratio" and name not in base:
                raise ParamError(name, "not a parameter of the Brunel network (or nu_ratio)")
            base.pop(name, None)
        if "nu_ratio" in names:
            base.pop("poisson_input_rate")
        return "neurodynex_gui.models.brunel:sweep_point", base

    def tool_arguments(self, key: str) -> dict:
        from ..settings_dialog import sweep_scheduler

        # this tab's field, else the address saved in Settings, else local processes
        return {"scheduler": sweep_scheduler(self.scheduler.text())}

    def run_tool(self, key: str) -> None:
        inputs = self.tool_forms[key].params()
        self.grid = None
        self.grid_axes = (np.linspace(inputs.g_min, inputs.g_max, inputs.g_n),
                          np.linspace(inputs.nu_ratio_min, inputs.nu_ratio_max,
                                      inputs.nu_ratio_n))
        self.grid_values = {}
        self.diagram.clear()
        super().run_tool(key)

    def tool_progress(self, key: str, chunk) -> None:
        if self.grid_axes is None:
            return
        shape = (len(self.grid_axes[0]), len(self.grid_axes[1]))
        position = np.unravel_index(chunk["index"], shape)
        for name, value in chunk["values"].items():
            self.grid_values.setdefault(name, np.full(shape, np.nan))[position] = value
        eta = chunk.get("eta_s")
        left = f", about {eta:.0f} s left" if eta is not None and math.isfinite(eta) else ""
        self.readout.setText(f"phase diagram: {100 * chunk['fraction']:.0f} % of "
                             f"{shape[0] * shape[1]} points{left}")
        self._draw_diagram()

    def show_tool_result(self, key: str, result) -> None:
        self.grid = result
        self.grid_axes = (result.axes[0][1], result.axes[1][1])
        self.grid_values = dict(result.columns)
        self._draw_diagram()
        note = "" if result.completed else " (stopped or incomplete)"
        failed = f", {len(result.failed)} failed" if result.failed else ""
        self.readout.setText(f"phase diagram: {int(result.done.sum())} of {result.done.size}"
                             f" points ({result.computed} run, {result.cached} from the "
                             f"cache{failed}) in {result.elapsed_s:.1f} s{note}")

    def _draw_diagram(self) -> None:
        label = self.readout_box.currentText()
        key, short = READOUTS[label]
        values = self.grid_values.get(key)
        self.diagram.scale.setTitle(short)
        self.diagram.plot.setTitle(label)
        if values is None or self.grid_axes is None or not np.isfinite(values).any():
            return
        g, nu = self.grid_axes
        finite = values[np.isfinite(values)]
        step_g = (g[-1] - g[0]) / (len(g) - 1) if len(g) > 1 else 1.0
        step_nu = (nu[-1] - nu[0]) / (len(nu) - 1) if len(nu) > 1 else 1.0
        self.diagram.show(np.where(np.isfinite(values), values, np.nan),
                          (float(finite.min()), float(finite.max())),
                          (g[0] - step_g / 2, nu[0] - step_nu / 2, step_g * len(g),
                           step_nu * len(nu)))

    def view_fields(self) -> dict:
        return {"diagram_readout": self.readout_box.currentText(),
                "scheduler": self.scheduler.text().strip()}

    def apply_view(self, view) -> None:
        self.readout_box.setCurrentText(view.diagram_readout)
        self.scheduler.setText(view.scheduler)

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

    def spike_trains(self, result: brunel.BrunelResult):
        """The monitored neurons' spikes ("Analyse spikes")."""
        return result.spike_t_ms, result.spike_i, float(result.sim_time_ms)

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
        arrays = {**super().result_arrays(),
                  **saved_results.curve_arrays("spectrum", self.spectrum.data())}
        if self.grid_axes is not None and self.grid_values:
            arrays["diagram/g"], arrays["diagram/nu_ratio"] = self.grid_axes
            for name, values in self.grid_values.items():
                arrays[f"diagram/column/{name}"] = values
        return arrays

    def restore_results(self, arrays: dict) -> None:
        super().restore_results(arrays)
        curves, _, _ = saved_results.read_saved(arrays, page="spectrum")
        if ("power", "spectrum") in curves:
            self.spectrum_curve.set(*curves[("power", "spectrum")])
            self.spectrum.flush()
        if "diagram/g" in arrays and "diagram/nu_ratio" in arrays:
            axes = (np.asarray(arrays["diagram/g"], float),
                    np.asarray(arrays["diagram/nu_ratio"], float))
            values = {key.rsplit("/", 1)[1]: np.asarray(arrays[key], float) for key in arrays
                      if key.startswith("diagram/column/")}
            if all(v.shape == (len(axes[0]), len(axes[1])) for v in values.values()):
                self.grid_axes, self.grid_values = axes, values
                self._draw_diagram()
