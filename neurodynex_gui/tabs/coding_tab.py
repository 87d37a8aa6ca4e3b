"""Coding and information tab (book chapters 7 and 10-11; the note's NeuralCircuit analyzer).

Spikes come from the built-in generator, from another tab's "Analyse spikes" (the
``spike_trains`` hook of ModelTab) or from a CSV/NPZ/NWB file; one in-process job
(models/coding/analysis.py) fills six pages: raster and rate, variability, temporal code,
population decoding, information, circuit. Dragging the rate window redraws the rates alone.
"""
from __future__ import annotations

import dataclasses
import os

import numpy as np
import pyqtgraph as pg
from PyQt5.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from .. import dialog_folder
from ..models import coding
from ..models.coding import analysis
from ..view_state import TabView
from ..widgets.plots import PlotPanel
from .base import ModelTab
from .declarations import Form, Page, Section

BLUE, RED, GREEN, GREY, ORANGE = "#1f4e9c", "#c0392b", "#2a7d2a", "#555555", "#d35400"
SPIKE_FILES = "Spike files (*.csv *.npz *.nwb);;All files (*)"
MATRIX_FILES = "Weight matrices (*.csv *.npy *.npz);;All files (*)"
TUNING_CURVES = 16  # tuning curves drawn at most


@dataclasses.dataclass(frozen=True)
class CodingView(TabView):
    """The spike file shown (read again when a session is opened; '' for the generator)."""

    spike_file: str = ""
    matrix_file: str = ""


def steps(edges, values) -> tuple[np.ndarray, np.ndarray]:
    """A histogram as a staircase line: x of the edges, y of each bin."""
    edges, values = np.asarray(edges, float), np.asarray(values, float)
    return np.repeat(edges, 2)[1:-1], np.repeat(values, 2)


def load_matrix(path) -> np.ndarray:
    """A square weight matrix w[i, j] (from j to i) from CSV, NPY or NPZ (its first array)."""
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix == ".csv":
        matrix = np.loadtxt(path, delimiter=",", ndmin=2)
    elif suffix == ".npy":
        matrix = np.load(path, allow_pickle=False)
    elif suffix == ".npz":
        with np.load(path, allow_pickle=False) as arrays:
            matrix = arrays["weights"] if "weights" in arrays.files else arrays[arrays.files[0]]
    else:
        raise ValueError(f"'{suffix}' files are not weight matrices (.csv, .npy, .npz)")
    coding.adjacency(matrix)  # square, else ValueError
    return matrix


class CodingTab(ModelTab):
    tab_id = "coding"
    title = "Coding and information"
    book_section = "Neuronal Dynamics, ch. 7 (variability, rate codes) and 10-11 (decoding)"
    forms = (Form("source", "Generator (when no spikes are loaded)", coding.SourceParams),
             Form("rate", "Rates and phases", coding.RateParams),
             Form("population", "Population decoding", coding.PopulationParams),
             Form("information", "Information", coding.InformationParams),
             Form("circuit", "Circuit (when no matrix is loaded)", coding.CircuitParams))
    simulate_path = "neurodynex_gui.models.coding:analyse"
    in_process = True
    sliders = {"window_ms": (1.0, 500.0, 1.0)}
    View = CodingView
    exercises = """
<ol>
<li><b>Rate codes (ch. 7.2).</b> With the inhomogeneous generator, drag the rate window dt:
which window recovers the sinusoidal rate, and what do too short and too long windows do?
Compare the PSTH with the dashed true rate.</li>
<li><b>Variability (ch. 7.3-7.5).</b> A Poisson train has CV = 1 and Fano factor 1 for every
window. Why does the Fano factor of the modulated train grow with the window? Send a LIF run
("Analyse spikes" on the LIF tab): how regular is it?</li>
<li><b>Population codes (ch. 7.4, 10.3).</b> How does the decoding error fall with N, and how
close do the Bayesian and population-vector decoders come to the Cramer-Rao bound
1/sqrt(J)?</li>
<li><b>Temporal codes.</b> With the precession generator (try 4 units and a peak rate of 60
Hz), spikes move to earlier theta phases as each place field is crossed: read the slope in
the phase plot. With many units, one theta cycle holds a sequence of cells.</li>
<li><b>Information.</b> Why does the plug-in I(S;R) shrink as trials are added, and how well
do the corrections remove the bias? Transfer entropy finds the link 0 -> 1 of the generator
(coupling): is 1 -> 0 above its surrogates?</li>
<li><b>Motifs.</b> Compare the motif counts of a random graph with their expected values; add
reciprocity and watch the reciprocal and loop counts rise.</li>
</ol>"""

    data: coding.SpikeData | None = None  # sent or loaded spikes (None: the generator)
    weights: np.ndarray | None = None       # a loaded weight matrix (None: the data's/random)
    spike_file = ""
    matrix_file = ""

    # -- pages -------------------------------------------------------------------------------

    def build_plots(self, panel) -> None:
        panel.add_plot("raster", "unit", "", legend=False)
        panel.add_plot("rate", "rate per unit", "Hz", link_x="raster", legend=True)
        panel.add_curve("raster", "spikes", pen=pg.mkPen(BLUE, width=1), connect="pairs")
        panel.add_curve("rate", "PSTH", pen=pg.mkPen(GREY, width=1),
                        fillLevel=0, brush=(31, 78, 156, 50))
        panel.add_curve("rate", "sliding window", pen=pg.mkPen(BLUE, width=2))
        panel.add_curve("rate", "true rate", pen=pg.mkPen(RED, width=2, style=2))

    def build_pages(self) -> list[Page]:
        self.variability = PlotPanel()
        self.variability.add_plot("isi", "intervals", "count", x_label="inter-spike interval",
                                  legend=True)
        self.variability.add_plot("fano", "Fano factor", "", x_label="counting window",
                                  legend=True)
        self.variability.add_plot("spectrum", "power of A(t)", "Hz", x_label="frequency",
                                  x_unit="Hz", legend=True)
        self.variability.add_curve("spectrum", "spectrum", pen=pg.mkPen(BLUE, width=1))
        self.variability.add_curve("spectrum", "Poisson: rate / n", pen=pg.mkPen(RED, width=2,
                                                                                   style=2))
        self.variability.add_curve("isi", "ISI histogram", pen=pg.mkPen(BLUE, width=2))
        self.variability.add_curve("isi", "Poisson, same rate", pen=pg.mkPen(RED, width=2,
                                                                              style=2))
        self.variability.add_curve("fano", "Fano factor", pen=pg.mkPen(BLUE, width=2),
                                   symbol="o", symbolSize=6, symbolBrush=BLUE)
        self.variability.add_curve("fano", "Poisson", pen=pg.mkPen(RED, width=2, style=2))

        self.temporal = PlotPanel()
        self.temporal.add_plot("phase", "spike phase", "deg")
        self.temporal.add_plot("phase_count", "spikes", "count", x_label="phase", x_unit="deg")
        self.temporal.add_curve("phase", "phase", pen=None, symbol="o", symbolSize=5,
                                symbolBrush=BLUE, symbolPen=None)
        self.temporal.add_curve("phase_count", "phase histogram", pen=pg.mkPen(BLUE, width=2))

        self.population = PlotPanel()
        self.population.add_plot("tuning", "rate", "Hz", x_label="stimulus s", x_unit="deg",
                                 legend=True)
        self.population.add_plot("posterior", "P(s|n)", "1/deg", x_label="stimulus s",
                                 x_unit="deg", legend=True)
        self.population.add_plot("decoding", "RMS error", "deg", x_label="neurons N",
                                 x_unit="", legend=True)
        self.population.plots["decoding"].setLogMode(x=True)
        self.population.add_curve("tuning", "tuning curves", pen=pg.mkPen(GREY, width=1),
                                  connect="finite")
        self.population.add_curve("tuning", "this trial: count / T", pen=None, symbol="o",
                                  symbolSize=6, symbolBrush=RED, symbolPen=None)
        self.population.add_curve("posterior", "posterior", pen=pg.mkPen(BLUE, width=2))
        self.population.add_curve("posterior", "true s", pen=pg.mkPen(RED, width=2, style=2))
        self.population.add_curve("decoding", "Bayes", pen=pg.mkPen(BLUE, width=2),
                                  symbol="o", symbolSize=6, symbolBrush=BLUE)
        self.population.add_curve("decoding", "population vector", pen=pg.mkPen(GREEN, width=2),
                                  symbol="s", symbolSize=6, symbolBrush=GREEN)
        self.population.add_curve("decoding", "Cramer-Rao bound", pen=pg.mkPen(RED, width=2,
                                                                                style=2))

        self.information = PlotPanel()
        self.information.add_plot("mi", "I(S;R)", "bits", x_label="trials", x_unit="",
                                  legend=True)
        self.information.add_plot("te", "transfer entropy", "bits", x_label="pair source→target",
                                  x_unit="", legend=True)
        self.information.add_curve("mi", "plug-in", pen=pg.mkPen(GREY, width=2), symbol="o",
                                   symbolSize=6, symbolBrush=GREY)
        self.information.add_curve("mi", "corrected", pen=pg.mkPen(BLUE, width=2), symbol="o",
                                   symbolSize=6, symbolBrush=BLUE)
        self.information.add_curve("mi", "capacity C", pen=pg.mkPen(RED, width=2, style=2))
        self.information.add_curve("te", "T(source→target)", pen=None, symbol="o",
                                   symbolSize=9, symbolBrush=BLUE, symbolPen=None)
        self.information.add_curve("te", "surrogates, 95 %", pen=None, symbol="_",
                                   symbolSize=16, symbolPen=pg.mkPen(RED, width=2))

        self.circuit = PlotPanel()
        self.circuit.add_plot("degrees", "nodes", "count", x_label="degree", x_unit="",
                              legend=True)
        self.circuit.add_plot("motifs", "count", "", x_label="motif", x_unit="", legend=True)
        self.circuit.add_plot("graph", "y", "", x_label="x", x_unit="")
        self.circuit.add_curve("degrees", "in-degree", pen=pg.mkPen(BLUE, width=2))
        self.circuit.add_curve("degrees", "out-degree", pen=pg.mkPen(ORANGE, width=2,
                                                                     style=2))
        self.circuit.add_curve("motifs", "observed", pen=None, symbol="o", symbolSize=10,
                               symbolBrush=BLUE, symbolPen=None)
        self.circuit.add_curve("motifs", "random graph, same density", pen=None, symbol="_",
                               symbolSize=18, symbolPen=pg.mkPen(RED, width=2))
        self.circuit.add_curve("graph", "edges", pen=pg.mkPen((120, 120, 120, 90), width=1),
                               connect="pairs")
        self.circuit.add_curve("graph", "nodes", pen=None, symbol="o", symbolSize=7,
                               symbolBrush=BLUE, symbolPen=None)
        motif_axis = self.circuit.plots["motifs"].getAxis("bottom")
        motif_axis.setTicks([list(enumerate(coding.MOTIFS))])
        self.circuit.plots["graph"].setAspectLocked(True)
        return [Page("Raster and rate", self.traces), Page("Variability", self.variability),
                Page("Temporal code", self.temporal), Page("Population", self.population),
                Page("Information", self.information), Page("Circuit", self.circuit)]

    def side_sections(self) -> list[Section]:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        column.addWidget(self.source_label)
        buttons = (("Open spike file…", "Spikes from CSV (time_ms, unit), NPZ (times_ms, ids) "
                    "or NWB (Units table; needs pynwb)", self.open_spike_file),
                   ("Use the generator", "Forget the loaded or sent spikes and analyse the "
                    "generator's", self.use_generator),
                   ("Open weight matrix…", "Connectivity for the circuit page: a square matrix "
                    "w[i, j] from j to i (CSV, NPY, NPZ)", self.open_matrix_file))
        for text, tip, slot in buttons:
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            column.addWidget(button)
        self._show_source()
        return [Section("Spikes", box)]

    # -- data --------------------------------------------------------------------------------

    def receive_spikes(self, data) -> None:
        """Spikes sent by another tab ("Analyse spikes"): analyse them now."""
        self.data = coding.as_spike_data(data)
        self.spike_file = ""
        self._show_source()
        self.pages.setCurrentIndex(0)
        self.run()

    def load_spike_file(self, path) -> None:
        """Read a spike file (raises ValueError or ImportError with a message) and analyse."""
        self.data = coding.load_spikes(path)
        self.spike_file = os.fspath(path)
        self._show_source()
        self.run()

    def load_matrix_file(self, path) -> None:
        self.weights = load_matrix(path)
        self.matrix_file = os.fspath(path)
        self._show_source()
        self.run()

    def use_generator(self) -> None:
        self.data, self.spike_file = None, ""
        self.weights, self.matrix_file = None, ""
        self._show_source()
        self.run()

    def open_spike_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open spikes", os.fspath(
            dialog_folder.start_folder()), SPIKE_FILES)
        if path:
            dialog_folder.remember(path)
            self._load(self.load_spike_file, path)

    def open_matrix_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open weight matrix", os.fspath(
            dialog_folder.start_folder()), MATRIX_FILES)
        if path:
            dialog_folder.remember(path)
            self._load(self.load_matrix_file, path)

    def _load(self, load, path) -> None:
        try:
            load(path)
        except (OSError, ValueError, ImportError, KeyError) as error:
            self.readout.setText(f"<span style='color:#b00020'>{os.path.basename(path)}: "
                                 f"{error}</span>")
            self.message.emit(f"{self.title}: could not read {path}: {error}")

    def _show_source(self) -> None:
        spikes = (f"Spikes: {self.data.source} ({self.data.n_units} units, "
                  f"{len(self.data.times_ms)} spikes)" if self.data is not None
                  else "Spikes: the generator below")
        graph = (f"Connectivity: {os.path.basename(self.matrix_file)}" if self.weights is not None
                 else "Connectivity: sent with the spikes" if self.data is not None
                 and self.data.weights is not None else "Connectivity: a random graph")
        self.source_label.setText(f"{spikes}<br>{graph}")

    # -- running -----------------------------------------------------------------------------

    def run(self) -> None:
        """Analyse the loaded or sent spikes (or the generator's) with every page's method."""
        if self.refuse_if_invalid():
            return
        self.start_run()
        self.submit(self.simulate_path, {**self.values(), "data": self.data,
                                         "weights": self.weights},
                    "analysis", on_done=self.finish_run)

    def start_run(self) -> None:
        self.readout.setText("analysing…")

    def explore(self, name: str = "") -> None:
        """Dragging the rate window redraws the rates of the last analysis (no new run)."""
        if name == "window_ms" and self.result is not None and not self.running():
            window = self.param_forms["rate"].params().window_ms
            parts = analysis.rate_part(self.result.data, window)
            (self.result.psth_t_ms, self.result.psth_Hz, self.result.sliding_t_ms,
             self.result.sliding_Hz) = parts
            self.result.window_ms = window
            self._show_rates(self.result)
            self.traces.flush()
            return
        super().explore(name)

    # -- drawing -----------------------------------------------------------------------------

    def show_result(self, result: analysis.CodingResult) -> None:
        data = result.data
        shown = data.ids < analysis.RASTER_UNITS
        times, ids = data.times_ms[shown], data.ids[shown]
        self.traces.curve("raster", "spikes").set(np.repeat(times, 2),
                                                  np.column_stack([ids, ids + 0.8]).ravel())
        self.traces.plots["raster"].setXRange(0, data.t_end_ms, padding=0.01)
        self._show_rates(result)
        true = self.traces.curve("rate", "true rate")
        if data.rate_Hz is not None:
            true.set(data.rate_t_ms, data.rate_Hz)
        else:
            true.clear()
        self._show_variability(result)
        self._show_temporal(result)
        self._show_population(result)
        self._show_information(result)
        self._show_circuit(result)
        raster_note = (f" (raster: first {analysis.RASTER_UNITS} units)"
                       if data.n_units > analysis.RASTER_UNITS else "")
        d = result.decoding
        self.readout.setText(
            f"{result.summary()}{raster_note}.<br>"
            f"Decoded s = {result.estimate_deg:.1f}° (shown {result.stimulus_deg:.1f}°); with "
            f"N = {d.n_neurons[-1]}: Bayes {d.bayes_deg[-1]:.2f}°, population vector "
            f"{d.vector_deg[-1]:.2f}°, Cramer-Rao {d.cramer_rao_deg[-1]:.2f}°.<br>"
            f"I(S;R) = {result.info_bits:.3f} bits, capacity C = {result.capacity_bits:.3f} "
            f"bits, efficiency {result.efficiency:.2f} ({result.info_source}).")
        for panel in (self.variability, self.temporal, self.population, self.information,
                      self.circuit):
            panel.flush()

    def _show_rates(self, result) -> None:
        edges = np.append(result.psth_t_ms - result.window_ms / 2,
                          result.psth_t_ms[-1] + result.window_ms / 2)
        self.traces.curve("rate", "PSTH").set(*steps(edges, result.psth_Hz))
        self.traces.curve("rate", "sliding window").set(result.sliding_t_ms, result.sliding_Hz)

    def _show_variability(self, result) -> None:
        panel = self.variability
        panel.curve("isi", "ISI histogram").set(*steps(result.isi_edges_ms, result.isi_counts))
        intervals = coding.isis(result.data.trains())
        poisson = panel.curve("isi", "Poisson, same rate")
        if len(intervals):
            mean = intervals.mean()
            edges = result.isi_edges_ms
            expected = len(intervals) * (np.exp(-edges[:-1] / mean) - np.exp(-edges[1:] / mean))
            poisson.set(0.5 * (edges[:-1] + edges[1:]), expected)
        else:
            poisson.clear()
        finite = np.isfinite(result.fano)
        panel.curve("fano", "Fano factor").set(result.fano_windows_ms[finite],
                                               result.fano[finite])
        panel.curve("fano", "Poisson").set(result.fano_windows_ms[[0, -1]], [1.0, 1.0])
        panel.plots["isi"].setTitle(f"CV = {result.cv:.3f} (Poisson: 1)")
        data = result.data
        flat = len(data.times_ms) / data.n_units / data.t_end_ms * 1e3 / data.n_units
        panel.curve("spectrum", "spectrum").set(result.spectrum_f_Hz, result.spectrum)
        panel.curve("spectrum", "Poisson: rate / n").set(result.spectrum_f_Hz[[0, -1]],
                                                          [flat, flat])

    def _show_temporal(self, result) -> None:
        panel = self.temporal
        degrees = np.rad2deg(result.phase_rad)
        panel.curve("phase", "phase").set(result.phase_t_ms, degrees)
        counts, edges = np.histogram(degrees, 36, (0.0, 360.0))
        panel.curve("phase_count", "phase histogram").set(*steps(edges, counts))
        panel.plots["phase"].setTitle(f"phase in a {result.theta_Hz:g} Hz reference oscillation")
        panel.plots["phase"].setYRange(0, 360, padding=0.02)

    def _show_population(self, result) -> None:
        panel = self.population
        tuning = result.tuning_Hz
        every = max(1, tuning.shape[1] // TUNING_CURVES)
        columns = tuning[:, ::every]
        x = np.tile(np.append(result.tuning_deg, np.nan), columns.shape[1])
        y = np.vstack([columns, np.full((1, columns.shape[1]), np.nan)]).T.ravel()
        panel.curve("tuning", "tuning curves").set(x, y)
        preferred = np.arange(len(result.trial_counts)) * 360.0 / len(result.trial_counts)
        panel.curve("tuning", "this trial: count / T").set(
            preferred, result.trial_counts / (result.count_ms / 1000.0))
        step = result.tuning_deg[1] - result.tuning_deg[0]
        density = result.posterior / step
        panel.curve("posterior", "posterior").set(result.tuning_deg, density)
        panel.curve("posterior", "true s").set([result.stimulus_deg] * 2, [0, density.max()])
        d = result.decoding
        panel.curve("decoding", "Bayes").set(d.n_neurons, d.bayes_deg)
        panel.curve("decoding", "population vector").set(d.n_neurons, d.vector_deg)
        panel.curve("decoding", "Cramer-Rao bound").set(d.n_neurons, d.cramer_rao_deg)
        panel.plots["posterior"].setTitle(f"one trial: decoded {result.estimate_deg:.1f}°, "
                                          f"shown {result.stimulus_deg:.1f}°")

    def _show_information(self, result) -> None:
        panel = self.information
        curve = result.info_curve
        panel.curve("mi", "plug-in").set(curve.trials, curve.plugin)
        panel.curve("mi", "corrected").set(curve.trials, curve.corrected)
        panel.curve("mi", "capacity C").set(curve.trials[[0, -1]], [result.capacity_bits] * 2)
        panel.plots["mi"].setTitle(f"corrected: {curve.correction}; efficiency I/C = "
                                   f"{result.efficiency:.2f}")
        index = np.arange(len(result.te_labels))
        panel.curve("te", "T(source→target)").set(index, result.te_bits)
        panel.curve("te", "surrogates, 95 %").set(index, result.te_null_95)
        panel.plots["te"].getAxis("bottom").setTicks([list(zip(index, result.te_labels))])

    def _show_circuit(self, result) -> None:
        panel = self.circuit
        c = result.connectivity
        top = int(max(c["in_degree"].max(initial=0), c["out_degree"].max(initial=0))) + 1
        edges = np.arange(top + 1) - 0.5
        panel.curve("degrees", "in-degree").set(
            *steps(edges, np.bincount(c["in_degree"], minlength=top)))
        panel.curve("degrees", "out-degree").set(
            *steps(edges, np.bincount(c["out_degree"], minlength=top)))
        index = np.arange(len(coding.MOTIFS))
        panel.curve("motifs", "observed").set(index, [c["motifs"][m] for m in coding.MOTIFS])
        panel.curve("motifs", "random graph, same density").set(
            index, [c["expected_motifs"][m] for m in coding.MOTIFS])
        panel.plots["motifs"].setXRange(-0.5, len(index) - 0.5)
        graph = result.graph[:analysis.GRAPH_NODES, :analysis.GRAPH_NODES]
        n = len(graph)
        angle = 2 * np.pi * np.arange(n) / max(n, 1)
        x, y = np.cos(angle), np.sin(angle)
        sources, targets = np.nonzero(graph)
        panel.curve("graph", "edges").set(np.column_stack([x[sources], x[targets]]).ravel(),
                                          np.column_stack([y[sources], y[targets]]).ravel())
        panel.curve("graph", "nodes").set(x, y)
        shown = f" (first {n} drawn)" if len(result.graph) > n else ""
        panel.plots["graph"].setTitle(
            f"{c['n_nodes']} nodes{shown}, {c['n_edges']} edges, density {c['density']:.3f}, "
            f"reciprocity {c['reciprocity']:.3f}, clustering {c['clustering']:.3f}")

    # -- sessions ----------------------------------------------------------------------------

    def view_fields(self) -> dict:
        return {"spike_file": self.spike_file, "matrix_file": self.matrix_file}

    def apply_view(self, view: CodingView) -> None:
        """Read the session's files again (if they are still there)."""
        self.data, self.spike_file = None, ""
        self.weights, self.matrix_file = None, ""
        if view.spike_file and os.path.exists(view.spike_file):
            self.data = coding.load_spikes(view.spike_file)
            self.spike_file = view.spike_file
        if view.matrix_file and os.path.exists(view.matrix_file):
            self.weights = load_matrix(view.matrix_file)
            self.matrix_file = view.matrix_file
        self._show_source()
