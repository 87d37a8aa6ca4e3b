"""Decision making tab (book ch. 16.3; Wang 2002): the rates of the two competing
populations streamed, the decision and its time, the psychometric and chronometric curves."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from ..models import decision_runs
from ..widgets.plots import PlotPanel
from .base import ModelTab
from .declarations import Page, Tool

PEN_A = pg.mkPen("#1f4e9c", width=2)
PEN_B = pg.mkPen("#c0392b", width=2)
PEN_CURVE = pg.mkPen("#2e7d32", width=2)


class DecisionTab(ModelTab):
    tab_id = "decision"
    title = "Decision making"
    book_section = "Neuronal Dynamics, ch. 16.3; Wang (2002)"
    forms = (("params", "Network", decision_runs.DecisionParams),)
    simulate_path = "neurodynex_gui.models.decision_runs:simulate"
    auto_run = False  # a trial takes a few seconds: Run (Ctrl+R) starts one
    sliders = {"coherence_level": (-1.0, 1.0, 0.05)}
    tools = (Tool("psychometric", "Psychometric and chronometric curves",
                  "neurodynex_gui.models.decision_runs:psychometric_curve",
                  decision_runs.PsychometricInputs, ("params",),
                  "repeated trials of the network above at coherences from -c to +c, on "
                  "worker processes: the fraction of choices A and the mean decision time",
                  progress=True),
             Tool("memory", "Working memory (ring attractor)",
                  "neurodynex_gui.models.decision_runs:memory_run",
                  decision_runs.MemoryInputs, (),
                  "neurodynex3's working-memory ring (book ch. 18): a cue starts a bump of "
                  "activity that outlasts it; raster sorted by preferred direction and the "
                  "bump's position", progress=True))
    exercises = """
<ol>
<li><b>Winner takes all.</b> Run at coherence 0.5: A's rate climbs to ~40 Hz while B falls
silent. When is the decision taken (the dashed line)?</li>
<li><b>No evidence.</b> At coherence 0 the network still decides: run a few trials; which
side wins?</li>
<li><b>Psychometric curve.</b> Fraction of A choices against the coherence: a sigmoid.
Are weak-evidence decisions slower (chronometric curve)?</li>
</ol>"""

    def __init__(self, runner=None, parent=None):
        super().__init__(runner, parent)
        if runner is not None:  # build the working-memory ring's program in the background
            runner.submit(f"{self.tab_id}:prepare",
                          "neurodynex_gui.models.working_memory:prepare", {})

    def build_plots(self, panel) -> None:
        plot = panel.add_plot("rates", "population rate", "Hz", legend=True)
        self.rate_a = panel.add_curve("rates", "A (20 ms mean)", pen=PEN_A)
        self.rate_b = panel.add_curve("rates", "B (20 ms mean)", pen=PEN_B)
        self.decision_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#555", style=2))
        self.decision_line.hide()
        plot.addItem(self.decision_line)

    def build_pages(self) -> list[Page]:
        self.curves = PlotPanel()
        self.curves.add_plot("psycho", "fraction choosing A", "", x_label="coherence",
                             x_unit="")
        self.curves.add_plot("chrono", "decision time", "ms", x_label="coherence", x_unit="")
        self.psycho = self.curves.add_curve("psycho", "P(A)", pen=PEN_CURVE, symbol="o",
                                            listed=False)
        self.chrono = self.curves.add_curve("chrono", "mean time", pen=PEN_CURVE, symbol="o",
                                            listed=False)
        self.memory = PlotPanel()
        self.memory.add_plot("ring", "preferred direction", "deg")
        self.memory.add_plot("bump", "bump position", "deg", link_x="ring", legend=True)
        self.ring = self.memory.add_curve("ring", "spikes", pen=None, symbol="s", symbolSize=2,
                                          symbolBrush="#1f4e9c", symbolPen=None, listed=False)
        self.bump = self.memory.add_curve("bump", "population vector", pen=PEN_CURVE,
                                          symbol="o", symbolSize=4)
        self.cue = self.memory.add_curve("bump", "cue", pen=pg.mkPen("#c0392b", style=2))
        return [Page("Rates", self.traces), Page("Psychometric", self.curves),
                Page("Working memory", self.memory)]

    def start_run(self) -> None:
        super().start_run()
        self.decision_line.hide()
        self.readout.setText("building the network…")

    def on_chunk(self, chunk) -> None:
        self.rate_a.append(chunk["t_ms"], chunk["rate_A_Hz"])
        self.rate_b.append(chunk["t_ms"], chunk["rate_B_Hz"])
        self.readout.setText(f"running… {100 * chunk['fraction']:.0f} %")

    def show_result(self, result) -> None:
        # rates averaged over 20 ms (the decision criterion averages over 30 ms)
        dt = float(result.t_ms[1] - result.t_ms[0]) if len(result.t_ms) > 1 else 0.1
        window = np.ones(max(1, int(round(20.0 / dt))))
        window /= window.size
        step = max(1, int(round(1.0 / dt)))
        for curve, rate in ((self.rate_a, result.rate_A_Hz), (self.rate_b, result.rate_B_Hz)):
            curve.set(result.t_ms[::step], np.convolve(rate, window, mode="same")[::step])
        threshold = self.param_forms["params"].params().rate_threshold
        choice, t_decision = result.decision(threshold)
        if choice is None:
            self.readout.setText("no decision within the run")
        else:
            self.decision_line.setValue(t_decision)
            self.decision_line.show()
            self.readout.setText(f"decision {choice} at {t_decision:.0f} ms")

    def tool_arguments(self, key: str) -> dict:
        if key != "psychometric":
            return {}
        from ..settings_dialog import sweep_scheduler

        return {"scheduler": sweep_scheduler()}  # Settings' dask scheduler, "" local

    def tool_progress(self, key: str, chunk) -> None:
        eta = chunk.get("eta_s")
        left = f", about {eta:.0f} s left" if eta is not None and math.isfinite(eta) else ""
        self.readout.setText(f"trials: {100 * chunk['fraction']:.0f} %{left}")

    def show_tool_result(self, key: str, result) -> None:
        if key == "memory":
            self.ring.set(result["spike_t_ms"], result["spike_deg"])
            t = np.asarray(result["bump_t_ms"])
            self.bump.set(t, np.asarray(result["bump_deg"]))
            self.cue.set(np.array([0.0, t[-1] + 10]), np.full(2, result["cue_deg"]))
            self.memory.flush()
            self.pages.setCurrentWidget(self.memory)
            late = np.asarray(result["bump_deg"])[t > t[-1] * 0.75]
            self.readout.setText(f"bump at {np.nanmean(late):.0f} deg at the end "
                                 f"(cue {result['cue_deg']:g} deg)" if np.isfinite(late).any()
                                 else "no bump at the end")
            return
        c = np.asarray(result["coherence"])
        self.psycho.set(c, np.asarray(result["fraction_A"]))
        self.chrono.set(c, np.asarray(result["decision_time_ms"]))
        self.curves.flush()
        self.readout.setText(f"{int(np.sum(result['decided']))} trials decided")
