"""Plasticity tab (book chapter 19): STDP pairing protocols and the window, the triplet rule's
frequency dependence, the Song-Miller-Abbott competition (animated weight histogram), the
rate-based Hebb rule with decay and homeostatic scaling, and the note's SynapticPlasticity
class (STDP, short-term plasticity and homeostasis in one simulation).

Run runs the experiment of the page shown; the brian2 runs go to the simulation process, the
competition streams one frame of weights per simulated second.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtWidgets import QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ..models import plasticity_class as combined_model
from ..models import plasticity_rules as rules
from ..widgets.plots import PlotPanel
from ..widgets.replay import LAST
from . import saved_results
from .base import ModelTab
from .declarations import Form, Page, Section

MODELS = "neurodynex_gui.models.plasticity"
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e")
EXPERIMENTS = ("pairing", "frequency", "competition", "hebb", "combined")


_PATHS = {"standalone": "compiled program", "runtime": "runtime"}


def _plain(i: int) -> str:
    """The curve of plain Hebb for synapse i (the first one stands for all in the legend)."""
    return "plain Hebb, no decay (dashed)" if i == 0 else f"plain Hebb {i + 1}"


def _steps(edges, counts):
    """A histogram as one step line (x, y)."""
    return np.repeat(edges, 2)[1:-1], np.repeat(np.asarray(counts, float), 2)


class PlasticityTab(ModelTab):
    tab_id = "plasticity"
    title = "Plasticity"
    book_section = "Neuronal Dynamics, ch. 19 (synaptic plasticity and learning)"
    forms = (Form("stdp", "STDP rule", rules.STDPParams),
             Form("pairing", "Pairing protocol", rules.PairingParams),
             Form("competition", "Competition (Song, Miller, Abbott)", rules.CompetitionParams),
             Form("hebb", "Hebb with decay, homeostasis", rules.HebbParams),
             Form("combined", "STDP + STP + homeostasis (SynapticPlasticity)",
                  combined_model.CombinedParams))
    presets = {
        "Bi and Poo: 60 pairs at 1 Hz, pair rule": {
            "stdp": rules.STDPParams(), "pairing": rules.PairingParams()},
        "Nearest-spike pairing at 20 Hz": {
            "stdp": rules.STDPParams(pairing="nearest"),
            "pairing": rules.PairingParams(frequency_Hz=20.0)},
        "Triplet rule (Pfister-Gerstner), 60 pairs at 20 Hz": {
            "stdp": rules.STDPParams(rule="triplet"),
            "pairing": rules.PairingParams(frequency_Hz=20.0)},
        "Competition, additive STDP (two groups)": {
            "competition": rules.CompetitionParams()},
        "Competition, multiplicative STDP (one group)": {
            "competition": rules.CompetitionParams(rule="multiplicative")},
        "Competition, a correlated group of 200 wins": {
            "competition": rules.CompetitionParams(correlated=200, c=0.2)},
    }
    exercises = """
<ol>
<li><b>The STDP window</b> (page <i>Pairing</i>, book ch. 19.2). Run the Bi-Poo protocol:
does the simulated weight change (dots, one synapse per dt, one brian2 run) lie on the
note's window n·W(dt)? Raise the pairing frequency to 20 Hz: where do the dots leave the
line, and why (think of the pairs a spike makes with its neighbours)?</li>
<li><b>All-to-all or nearest spike.</b> Switch the pairing at 20 Hz: which one changes the
weight less, and by how much? The readout gives the closed-form sum for the chosen dt.</li>
<li><b>Triplets</b> (page <i>Frequency</i>). The pair rule's potentiation falls with the
frequency; the triplet rule's grows, and at 40-50 Hz even post-before-pre pairs potentiate
(Sjöström et al. 2001). Which trace (o₂, τ_y) is responsible?</li>
<li><b>Competition</b> (page <i>Competition</i>, Song, Miller and Abbott 2000). Watch the
histogram: additive STDP with hard bounds splits the weights into two groups near 0 and
w_max while the output rate falls; multiplicative STDP keeps one group. Give 200 inputs a
correlation of 0.2: which inputs win?</li>
<li><b>Hebb with decay</b> (page <i>Hebb</i>). W tends to r_pre r_post / α (dotted), plain
Hebb grows without bound. Homeostatic scaling holds the output rate near the target: how
far from it, and why (target × (1 + η τ (Σr² − α)))? For Hebb with normalisation see the
Oja tab.</li>
<li><b>All at once</b> (page <i>Combined</i>, the note's <code>SynapticPlasticity</code>).
Poisson inputs drive an LIF neuron through synapses with STDP (the STDP form's window),
short-term plasticity and homeostatic scaling. Switch homeostasis off: where does the output
rate go? Switch STP off: why must the weights then end lower for the same rate?</li>
</ol>
"""
    simulate_path = f"{MODELS}:simulate"
    auto_run = False
    animated = True

    def __init__(self, runner=None, parent=None):
        super().__init__(runner, parent)
        if runner is not None:  # build the compiled STDP window in the background
            runner.submit(f"{self.tab_id}:prepare", f"{MODELS}:prepare", {})

    # -- building ------------------------------------------------------------------------------

    def build_plots(self, panel: PlotPanel) -> None:
        self.frames: list[tuple[float, np.ndarray]] = []  # competition: (t_s, weights)
        self.post_spikes = np.zeros(0)                    # competition: output spikes (ms)
        self.w_max = rules.CompetitionParams().w_max      # competition: of the run shown
        self.edges = np.linspace(0, 1, 41)
        self.streaming = False
        window = panel.add_plot("window", "total Δw", "", x_label="dt = t_post − t_pre",
                                legend=True)
        window.addLine(x=0, pen=pg.mkPen("#888", style=2))
        panel.add_curve("window", "analytic n·W(dt)", pen=pg.mkPen("#d62728", width=2))
        panel.add_curve("window", "simulated (brian2)", pen=None, symbol="o", symbolSize=5,
                        symbolBrush="#1f77b4", symbolPen=None)
        panel.add_plot("weight", "w − w₀", "", legend=True)
        panel.add_curve("weight", "w(t) at the chosen dt", pen=pg.mkPen("#2ca02c", width=2))
        self.frequency = PlotPanel()
        rates = self.frequency.add_plot("dw", "total Δw", "", x_label="pairing frequency",
                                        x_unit="Hz", legend=True)
        rates.legend.anchor((0, 0), (0, 0), offset=(10, 10))  # the curves rise to the right
        for i, name in enumerate(("pair rule, +dt", "pair rule, −dt", "triplet rule, +dt",
                                  "triplet rule, −dt")):
            self.frequency.add_curve("dw", name, pen=pg.mkPen(PALETTE[i], width=2,
                                                              style=1 if i % 2 == 0 else 2),
                                     symbol="o", symbolSize=6, symbolBrush=PALETTE[i])
        self.competition = PlotPanel()
        hist = self.competition.add_plot("hist", "inputs", "", x_label="weight w / w_max",
                                         x_unit="", legend=True)
        hist.legend.anchor((0.5, 0), (0.5, 0), offset=(0, 10))  # the groups gather at the ends
        self.competition.add_curve("hist", "all inputs", pen=pg.mkPen("#1f77b4", width=2),
                                   fillLevel=0, brush=(31, 119, 180, 80))
        self.competition.add_curve("hist", "correlated group", pen=pg.mkPen("#d62728", width=2))
        self.competition.add_plot("rate", "output rate", "Hz", x_unit="s")
        self.competition.add_curve("rate", "output rate", pen=pg.mkPen("#2ca02c", width=2))
        mean = self.competition.add_plot("mean", "mean w / w_max", "", x_unit="s", legend=True)
        mean.legend.anchor((0, 0), (0, 0), offset=(10, 10))  # a winning group rises right
        self.competition.add_curve("mean", "independent", pen=pg.mkPen("#1f77b4", width=2))
        self.competition.add_curve("mean", "correlated", pen=pg.mkPen("#d62728", width=2))
        self.hebb = PlotPanel()
        self.hebb.add_plot("W", "weight W", "", x_unit="s", legend=True)
        for i in range(len(PALETTE)):
            self.hebb.add_curve("W", f"synapse {i + 1}", pen=pg.mkPen(PALETTE[i], width=2))
            self.hebb.add_curve("W", _plain(i), listed=i == 0,
                                pen=pg.mkPen(PALETTE[i], width=1, style=2))
            self.hebb.add_curve("W", f"r_pre r_post / α {i + 1}", listed=False,
                                pen=pg.mkPen(PALETTE[i], width=1, style=3))
        self.hebb.add_plot("rate", "output rate", "Hz", x_unit="s", legend=True)
        self.hebb.add_curve("rate", "with scaling", pen=pg.mkPen("#2ca02c", width=2))
        self.hebb.add_curve("rate", "without scaling", pen=pg.mkPen("#d62728", width=1.5,
                                                                   style=2))
        self.hebb.add_curve("rate", "target", pen=pg.mkPen("#888", width=1, style=3))
        self.combined = PlotPanel()
        self.combined.add_plot("w", "weight w", "mV", x_unit="s", legend=True)
        self.combined.add_curve("w", "mean of all", pen=pg.mkPen("#9467bd", width=3))
        for i in range(combined_model.SHOWN_SYNAPSES):
            self.combined.add_curve("w", f"synapse {i + 1}", pen=pg.mkPen(PALETTE[i], width=1))
        self.combined.add_plot("rate", "output rate", "Hz", x_unit="s", link_x="w",
                               legend=True)
        self.combined.add_curve("rate", "rate estimate", pen=pg.mkPen("#2ca02c", width=2))
        self.combined.add_curve("rate", "target", pen=pg.mkPen("#888", width=1, style=3))
        self.combined.add_plot("syn", "per synapse", "", x_label="synapse", x_unit="",
                               legend=True)
        self.combined.add_curve("syn", "Δw / w₀ over the run", pen=None, symbol="o",
                                symbolSize=6, symbolBrush="#1f77b4", symbolPen=None)
        self.combined.add_curve("syn", "STP mean efficacy u·x", pen=None, symbol="t",
                                symbolSize=7, symbolBrush="#d62728", symbolPen=None)

    def build_pages(self) -> list[Page]:
        return [Page("Pairing", self.traces), Page("Frequency", self.frequency),
                Page("Competition", self.competition), Page("Hebb", self.hebb),
                Page("Combined", self.combined)]

    def side_sections(self) -> list[Section]:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        note = QLabel("Run runs the experiment of the page shown.")
        note.setWordWrap(True)
        column.addWidget(note)
        oja = QPushButton("Hebb with normalisation: Oja tab")
        oja.setToolTip("Switch to the Oja tab (Hebbian learning with a normalising decay)")
        oja.clicked.connect(self.open_oja)
        column.addWidget(oja)
        return [Section(None, box, "run")]

    def open_oja(self) -> bool:
        """Show the Oja tab of the window, if there is one."""
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, QTabWidget):
            widget = widget.parentWidget()
        if widget is None:
            return False
        for index in range(widget.count()):
            if getattr(widget.widget(index), "tab_id", "") == "oja":
                widget.setCurrentIndex(index)
                return True
        return False

    # -- running -------------------------------------------------------------------------------

    def experiment(self) -> str:
        return EXPERIMENTS[max(0, self.pages.currentIndex())]

    def job_kwargs(self, experiment: str | None = None) -> dict:
        return {**self.values(), "experiment": experiment or self.experiment()}

    def run(self) -> None:
        if self.refuse_if_invalid():
            return
        kwargs = self.job_kwargs()
        self.start_run()
        self.submit(self.simulate_path, kwargs, f"{kwargs['experiment']} run",
                    on_done=self.finish_run, on_chunk=self.on_chunk,
                    label=f"the {self.title} {kwargs['experiment']} run")
        if kwargs["experiment"] == "competition":
            self.replay.start()

    def run_blocking(self):
        from .. import worker_process

        self.start_run()
        result = worker_process.call(self.simulate_path, self.job_kwargs(), None, None)
        self.finish_run(result)
        return result

    def start_run(self) -> None:
        experiment = self.experiment()
        self.run_bar.set_message("")
        if experiment == "competition":
            self.replay.end()
            self.frames = []
            self.post_spikes = np.zeros(0)
            params = self.param_forms["competition"].params()
            self.edges = np.linspace(0, 1, 41)
            self.w_max = params.w_max
            self.streaming = True
            self.competition.clear_curves()
            self.competition.plots["rate"].setXRange(0, params.t_end_s)
            self.competition.plots["mean"].setXRange(0, params.t_end_s)
            self.readout.setText("learning…")
        elif experiment == "pairing":
            self.traces.clear_curves()
            self.readout.setText("pairing…")
        elif experiment == "frequency":
            self.frequency.clear_curves()
            self.readout.setText("pairing at every frequency…")
        elif experiment == "combined":
            self.combined.clear_curves()
            self.readout.setText("simulating…")
        else:
            self.hebb.clear_curves()

    def on_chunk(self, chunk) -> None:
        if "frame" in chunk:
            self.frames.append((chunk["t_s"], np.asarray(chunk["w"])))
            self.post_spikes = np.concatenate([self.post_spikes, chunk["post_spikes_ms"]])
        self.run_bar.set_message(f"{round(100 * chunk.get('fraction', 0))} %")

    def stop(self) -> None:
        self.streaming = False
        super().stop()

    # -- drawing -------------------------------------------------------------------------------

    def show_result(self, result) -> None:
        getattr(self, f"show_{result.kind}")(result.data)

    def show_pairing(self, d: dict) -> None:
        self.traces.curve("window", "analytic n·W(dt)").set(d["dt_ms"], d["analytic"])
        self.traces.curve("window", "simulated (brian2)").set(d["dt_ms"], d["dw"])
        self.traces.curve("weight", "w(t) at the chosen dt").set(d["trace_t_ms"],
                                                                  d["trace_w"])
        stdp, pairing = self.param_forms["stdp"].params(), self.param_forms["pairing"].params()
        text = (f"{pairing.n_pairs} pairs at dt = {pairing.dt_ms:g} ms, "
                f"{pairing.frequency_Hz:g} Hz ({stdp.rule} rule, {stdp.pairing}): "
                f"Δw = {d['dw_chosen']:.5g} (brian2 {_PATHS.get(d.get('path'), '')}, clock "
                f"{d['step_ms']:g} ms)")
        if d["closed_form"] is not None:
            text += f"; sum over the pairs by hand: {d['closed_form']:.5g}"
        if stdp.rule == "pair":
            deviation = np.max(np.abs(d["dw"] - d["analytic"]))
            text += (f". Largest distance of the window from n·W(dt): {deviation:.3g} "
                     "(neighbouring pairs overlap at high frequency).")
        else:
            text += ". The analytic line is the pair rule's window, for comparison."
        self.readout.setText(text)

    def show_frequency(self, d: dict) -> None:
        f = d["frequency_Hz"]
        for key, name in (("pair_plus", "pair rule, +dt"), ("pair_minus", "pair rule, −dt"),
                          ("triplet_plus", "triplet rule, +dt"),
                          ("triplet_minus", "triplet rule, −dt")):
            self.frequency.curve("dw", name).set(f, d[key])
        self.frequency.flush()
        self.readout.setText(
            f"dt = ±{d['dt_ms']:g} ms. Pair rule at +dt: {d['pair_plus'][0]:.3g} at "
            f"{f[0]:g} Hz, {d['pair_plus'][-1]:.3g} at {f[-1]:g} Hz; triplet rule: "
            f"{d['triplet_plus'][0]:.3g} → {d['triplet_plus'][-1]:.3g} (potentiation grows "
            "with the frequency).")

    def show_competition(self, d: dict) -> None:
        self.streaming = False
        w_max = self.w_max
        self.frames = [(t, w) for t, w in zip(d["frames_s"], d["weights"])]
        self.post_spikes = d["post_spikes_ms"]
        self.draw_over_time(len(self.frames) - 1)
        if not self.replay.active:
            self.draw_frame(len(self.frames) - 1)
        low, high = np.mean(d["weights"][-1] / w_max <= 0.2), np.mean(
            d["weights"][-1] / w_max >= 0.8)
        rate = len(d["post_spikes_ms"]) / max(d["frames_s"][-1], 1e-9)
        self.readout.setText(
            f"After {d['frames_s'][-1]:.0f} s: {100 * low:.0f} % of the weights below "
            f"0.2 w_max, {100 * high:.0f} % above 0.8 w_max; mean output rate {rate:.1f} Hz "
            f"(brian2 target {d['target']}, {d['wall_s']:.1f} s).")

    def show_hebb(self, d: dict) -> None:
        hebb, scaling = d["hebb"], d["scaling"]
        for i in range(len(PALETTE)):
            self.hebb.curve("W", f"synapse {i + 1}").set(hebb["t"], hebb["W"][:, i])
            self.hebb.curve("W", _plain(i)).set(hebb["t"], hebb["W_plain"][:, i])
            fixed = hebb["W_fixed"][i]
            if np.isfinite(fixed):
                self.hebb.curve("W", f"r_pre r_post / α {i + 1}").set(
                    hebb["t"][[0, -1]], [fixed, fixed])
        top = np.nanmax(hebb["W_fixed"][np.isfinite(hebb["W_fixed"])], initial=0.0)
        self.hebb.plots["W"].setYRange(0, max(2.5 * top, np.max(hebb["W"][-1]), 1e-6))
        self.hebb.curve("rate", "with scaling").set(scaling["t"], scaling["rate"])
        plain = scaling["rate_plain"]
        self.hebb.curve("rate", "without scaling").set(scaling["t"], plain)
        self.hebb.curve("rate", "target").set(scaling["t"][[0, -1]], [scaling["target_Hz"]] * 2)
        self.hebb.plots["rate"].setYRange(0, 3 * scaling["target_Hz"])
        self.hebb.flush()
        self.readout.setText(
            f"Hebb with decay: W at the end {np.round(hebb['W'][-1], 3)}, fixed points "
            f"r_pre r_post / α = {np.round(hebb['W_fixed'], 3)}. Scaling: rate "
            f"{scaling['rate'][-1]:.3g} Hz (target {scaling['target_Hz']:g} Hz); without "
            f"it {plain[-1]:.3g} Hz.")

    def show_combined(self, d: dict) -> None:
        t, weights = d["t_s"], d["weights"]
        self.combined.curve("w", "mean of all").set(t, weights.mean(axis=1))
        for i in range(combined_model.SHOWN_SYNAPSES):
            curve = self.combined.curve("w", f"synapse {i + 1}")
            curve.set(t, weights[:, i]) if i < weights.shape[1] else curve.clear()
        self.combined.curve("rate", "rate estimate").set(t, d["rate_Hz"])
        home = d["homeostasis"]
        target = self.combined.curve("rate", "target")
        target.set(t[[0, -1]], [home["target_rate"]] * 2) if home else target.clear()
        index = np.arange(1, weights.shape[1] + 1, dtype=float)
        start = np.where(weights[0] != 0, weights[0], 1.0)
        self.combined.curve("syn", "Δw / w₀ over the run").set(
            index, (weights[-1] - weights[0]) / start)
        stp = self.combined.curve("syn", "STP mean efficacy u·x")
        stp.set(index, d["stp"]["mean_efficacy"]) if d["stp"] else stp.clear()
        self.combined.flush()
        parts = [f"{len(d['post_spikes'])} output spikes; rate over the last half "
                 f"{d['rate_last_half_Hz']:.3g} Hz; mean weight {weights[0].mean():.3g} → "
                 f"{weights[-1].mean():.3g} mV."]
        if d["stdp"]:
            s = d["stdp"]
            parts.append(f"STDP: potentiation {s['potentiation']:+.4g}, depression "
                         f"{s['depression']:+.4g} mV (summed over synapses; {s['n_pre']} "
                         f"presynaptic, {s['n_post']} postsynaptic spikes).")
        if d["stp"]:
            parts.append(f"STP: mean efficacy u·x {np.mean(d['stp']['mean_efficacy']):.3g}.")
        if home:
            parts.append(f"Homeostasis: target {home['target_rate']:g} Hz, weights scaled by "
                         f"{home['total_scaling']:+.3g} in all (sum of dt (target − rate) / "
                         "(target τ)).")
        self.readout.setText(" ".join(parts))

    def advance_to(self, frame: int) -> bool:
        """Competition: show frame ``frame`` (the newest while the run is behind)."""
        if not self.frames:
            return self.streaming and frame != LAST
        last = len(self.frames) - 1
        self.draw_frame(min(frame, last))
        return frame != LAST and (self.streaming or frame < last)

    def draw_frame(self, index: int) -> None:
        if not self.frames:
            return
        params = self.param_forms["competition"].params()
        w_max = self.w_max
        t, w = self.frames[index]
        x = w / w_max
        counts, _ = np.histogram(x, self.edges)
        self.competition.curve("hist", "all inputs").set(*_steps(self.edges, counts))
        group = min(params.correlated, len(w))
        curve = self.competition.curve("hist", "correlated group")
        curve.set(*_steps(self.edges, np.histogram(x[:group], self.edges)[0])) if group \
            else curve.clear()
        self.competition.plots["hist"].setTitle(f"weights at t = {t:.0f} s")
        if self.streaming:
            self.draw_over_time(len(self.frames) - 1)
        self.competition.flush()

    def draw_over_time(self, last: int) -> None:
        """The output rate (per second) and the mean weights up to frame ``last``."""
        params = self.param_forms["competition"].params()
        w_max = self.w_max
        times = np.array([t for t, _ in self.frames[:last + 1]])
        weights = np.array([w for _, w in self.frames[:last + 1]]) / w_max
        spikes = self.post_spikes
        if len(times) > 1:
            counts, _ = np.histogram(spikes / 1000.0, times)
            rate = counts / np.diff(times)
            self.competition.curve("rate", "output rate").set(*_steps(times, rate))
        group = min(params.correlated, weights.shape[1])
        self.competition.curve("mean", "independent").set(times, weights[:, group:].mean(1))
        if group:
            self.competition.curve("mean", "correlated").set(times, weights[:, :group].mean(1))

    # -- sessions ------------------------------------------------------------------------------

    def other_panels(self) -> dict[str, PlotPanel]:
        return {"frequency": self.frequency, "competition": self.competition,
                "hebb": self.hebb, "combined": self.combined}

    def result_arrays(self) -> dict:
        """Every page's curves (the base saves the pairing page's)."""
        arrays = super().result_arrays()
        for page, panel in self.other_panels().items():
            arrays.update(saved_results.curve_arrays(page, panel.data()))
        return arrays

    def restore_results(self, arrays: dict) -> None:
        panels = {page: saved_results.read_saved(arrays, page)[0]
                  for page in self.other_panels()}  # all read before anything is drawn
        super().restore_results(arrays)
        for page, curves in panels.items():
            panel = self.other_panels()[page]
            for key, (x, y) in curves.items():
                if key in panel.curves:
                    panel.curves[key].set(x, y)
            panel.flush()
