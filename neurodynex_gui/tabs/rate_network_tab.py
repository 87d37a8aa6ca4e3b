"""Rate networks tab (book chapters 15-16): motifs, winner-take-all, E-I planes, decisions, chaos.

The network runs on a thread of this process (numpy, streamed); the Wilson-Cowan and decision
planes are the shared phase plane; three tools: the winner-take-all range of alpha, the
largest Lyapunov exponent against g, and the Wilson-Cowan bifurcation view.
"""
from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import QTimer
from PyQt5.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QPushButton, QWidget

from .. import presentation, worker_process
from ..models import rate_network as rn
from ..models.rate_network.network import ACTIVE
from ..models.rate_network.planar import DECISION_LIM, WC_LIM
from ..view_state import MaxItems, Rule, TabView
from ..widgets.bifurcation import show_bifurcation
from ..widgets.input_bars import InputBars
from ..widgets.matrix_panel import MatrixPanel
from ..widgets.phase_plane import PhasePlane, PlaneView
from .base import ModelTab
from .declarations import Page, Section, Tool

MAX_LINES = 10        # units drawn as lines (all of them in the activity map)
EDITABLE_N = 20       # weights can be edited by clicking up to this many units
MAP_COLUMNS = 1000    # time samples drawn in the activity map at most
MAX_EDITS = EDITABLE_N ** 2
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")
MODELS = "neurodynex_gui.models.rate_network"


def _cell(key: str) -> tuple[int, int] | None:
    """'i,j' -> (i, j), or None if the key is not two integers >= 0."""
    parts = key.split(",")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


EDIT_KEYS = Rule(lambda edits: all(_cell(key) for key in edits), "keys must be 'row,column'")


@dataclasses.dataclass(frozen=True)
class RateView(TabView):
    """Edited weights ('row,column' -> w), dragged inputs per unit, and the two planes."""

    edits: Annotated[dict[str, float], MaxItems(MAX_EDITS), EDIT_KEYS] = dataclasses.field(
        default_factory=dict)
    inputs: Annotated[tuple[float, ...], MaxItems(2000)] | None = None
    wc_plane: PlaneView = PlaneView()
    decision_plane: PlaneView = PlaneView()


def _network(**changes) -> rn.NetworkParams:
    return rn.NetworkParams(**changes)


RANDOM = dict(motif="random", N=200, f="tanh", gain=1.0, threshold=0.0, input_kind="constant",
              I0=0.0, I_slope=0.0, t_end=300.0)
WTA = dict(motif="winner-take-all", N=5, f="threshold_linear", gain=1.0, threshold=0.0,
           input_kind="constant", I0=1.0, I_slope=-0.5, alpha=1.5, t_end=300.0)


class RateNetworkTab(ModelTab):
    tab_id = "rate_network"
    title = "Rate networks"
    book_section = "Neuronal Dynamics, ch. 15-16 (populations, competition, decisions)"
    forms = (("params", "Network", rn.NetworkParams),
             ("wc", "Wilson-Cowan (E-I plane)", rn.WilsonCowanParams),
             ("decision", "Decision (two populations)", rn.DecisionParams))
    presets = {
        "Recurrent ring, sigmoid, step input": {"params": _network()},
        "Feedforward chain, linear": {"params": _network(
            motif="feedforward chain", N=6, w=0.9, f="linear", gain=1.0, threshold=0.0,
            I_slope=-1.0)},
        "Winner-take-all, α = 1.5": {"params": _network(**WTA)},
        "Winner-take-all, α = 0.2 (several survive)": {"params": _network(**{**WTA,
                                                                            "alpha": 0.2})},
        "Random tanh network, g = 0.5 (settles)": {"params": _network(**RANDOM, g=0.5)},
        "Random tanh network, g = 2 (chaos)": {"params": _network(**RANDOM, g=2.0)},
        "Wilson-Cowan below the Hopf point (P = 2)": {"wc": rn.WilsonCowanParams(P=2.0)},
        "Wilson-Cowan limit cycle (P = 3)": {"wc": rn.WilsonCowanParams(P=3.0)},
        "Decision without evidence (bias 0)": {"decision": rn.DecisionParams()},
        "Decision, weak evidence for 1 (bias 0.05)": {"decision": rn.DecisionParams(bias=0.05)},
        "Decision, strong evidence for 1 (bias 0.2)": {"decision": rn.DecisionParams(bias=0.2)},
    }
    exercises = """
<ol>
<li><b>Motifs.</b> Choose the feedforward chain with a linear f: does every unit settle at the
value (1 - W)<sup>-1</sup> I predicts? Make w larger than 1 in the recurrent ring: what
happens, and which eigenvalue of W - 1 tells? (Weights page: click a cell to edit a weight
for N &le; 20.)</li>
<li><b>Winner-take-all</b> (preset, page <i>Winner-take-all</i>). Drag the inputs: which unit
wins, and what is its final rate? Lower α until several units survive. <i>Tool:
Winner-take-all range of α</i> counts the active units against α; for two threshold-linear
units both survive while α &lt; I<sub>2</sub>/I<sub>1</sub>. Why?</li>
<li><b>E-I oscillations</b> (page <i>Wilson-Cowan</i>, book ch. 15). Read the fixed point's
eigenvalues under the plane while you change P. <i>Tool: Wilson-Cowan bifurcation view</i>
marks the Hopf point where their real part crosses zero; start trajectories on both sides of
it.</li>
<li><b>Decisions</b> (page <i>Decision</i>, book ch. 16.3). With bias 0 there are two
attractors and a saddle between them: where do trajectories from near the diagonal go? Give
a small bias: which attractor disappears, and how fast is the decision?</li>
<li><b>Chaos.</b> Run the random tanh network at g = 0.5 and g = 2 (presets): compare the
traces. <i>Tool: Lyapunov exponent against g</i> marks where the largest exponent
λ = lim 1/t ln(|δr(t)|/|δr(0)|) crosses zero. Where would you expect it for N &rarr; &infin;?</li>
</ol>
"""
    simulate_path = f"{MODELS}:simulate"
    in_process = True
    auto_run = False  # the network re-runs on its own form's changes; the planes follow theirs
    sliders = {"alpha": (0.0, 3.0), "g": (0.0, 3.0), "P": (0.0, 5.0), "bias": (-0.3, 0.3)}
    View = RateView
    tools = (
        Tool("wta", "Winner-take-all range of α", f"{MODELS}:wta_range", rn.WTARange,
             tip="Number of units still active at the end against the inhibition α, for the "
                 "inputs shown on the winner-take-all page", progress=True),
        Tool("chaos", "Lyapunov exponent against g", f"{MODELS}:lyapunov_sweep",
             rn.ChaosSweep, tip="Largest Lyapunov exponent of the random network (the form's "
                                "N, seed, f, τ) against g; the transition to chaos is marked",
             progress=True),
        Tool("hopf", "Wilson-Cowan bifurcation view", f"{MODELS}:wilson_cowan_bifurcation",
             rn.HopfScan, inputs=("wc",),
             tip="Eigenvalues of the fixed point and the extent of E against the input P; "
                 "the Hopf point is marked"),
    )

    # -- building ------------------------------------------------------------------------------

    def build_plots(self, panel) -> None:
        self.edits: dict[tuple[int, int], float] = {}
        self.inputs: np.ndarray | None = None
        self.selected = (0, 0)  # the weight clicked last
        self.structure = self._structure()
        panel.add_plot("rates", "rate r", "", legend=True)
        self.activity = MatrixPanel("activity", "unit", "time", "rate r", x_unit="ms",
                                    symmetric=False, colormap="viridis", square=False)
        self.weights = MatrixPanel("w", "target unit i", "source unit j", "weight w_ij")
        self.weights.cell_clicked.connect(self.select_cell)
        self.bars = InputBars()
        self.bars.changed.connect(self.drag_inputs)
        wc, decision = self.param_forms["wc"].params(), self.param_forms["decision"].params()
        self.wc_plane = PhasePlane(rn.wilson_cowan, wc, *WC_LIM, t_end=wc.t_end, dt_out=0.5)
        self.decision_plane = PhasePlane(rn.decision_model, decision, *DECISION_LIM,
                                         t_end=decision.t_end, dt_out=0.5)
        for key, plane in (("wc", self.wc_plane), ("decision", self.decision_plane)):
            self.param_forms[key].changed.connect(lambda p, plane=plane: plane.set_params(
                p, t_end=p.t_end))
            plane.trajectory_started.connect(lambda _run, plane=plane: presentation.refresh(
                plane))
        self.network_debounce = QTimer(self)
        self.network_debounce.setSingleShot(True)
        self.network_debounce.setInterval(250)
        self.network_debounce.timeout.connect(self.run_network)
        self.param_forms["params"].changed.connect(self.network_changed)
        self.show_network()

    def build_pages(self) -> list[Page]:
        return [Page("Rates", self.traces), Page("Activity map", self.activity),
                Page("Weights", self.weights), Page("Winner-take-all", self.bars),
                Page("Wilson-Cowan", self.wc_plane, self.wc_plane.panel),
                Page("Decision", self.decision_plane, self.decision_plane.panel),
                Page("Analysis", self.analysis)]

    def side_sections(self) -> list[Section]:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.cell_label = QLabel("click a cell of the weight matrix")
        self.cell_value = QDoubleSpinBox()
        self.cell_value.setRange(-100.0, 100.0)
        self.cell_value.setDecimals(3)
        self.cell_value.setSingleStep(0.1)
        self.cell_value.setToolTip("new value of the selected weight (row: target unit, "
                                   "column: source unit)")
        self.set_button = QPushButton("Set weight")
        self.set_button.setToolTip("Give the selected connection this weight and run again")
        self.set_button.setEnabled(False)
        self.set_button.clicked.connect(lambda: self.set_weight(*self.selected,
                                                                self.cell_value.value()))
        reset = QPushButton("Undo edits")
        reset.setToolTip("Back to the motif's weights and the form's inputs")
        reset.clicked.connect(self.undo_edits)
        grid.addWidget(self.cell_label, 0, 0, 1, 2)
        grid.addWidget(self.cell_value, 1, 0)
        grid.addWidget(self.set_button, 1, 1)
        grid.addWidget(reset, 2, 0, 1, 2)
        return [Section(f"Edit weights (N ≤ {EDITABLE_N}) and inputs", box, "controls")]

    # -- the network: weights and inputs -----------------------------------------------------

    def _structure(self) -> tuple:
        p = self.param_forms["params"].params()
        return p.motif, p.N

    def network_weights(self) -> np.ndarray:
        """The motif's weights with the edited cells."""
        W = rn.motif_weights(self.param_forms["params"].params())
        for (i, j), value in self.edits.items():
            if i < len(W) and j < len(W):
                W[i, j] = value
        return W

    def unit_inputs(self) -> np.ndarray:
        """The dragged inputs, or the form's."""
        params = self.param_forms["params"].params()
        n = 2 if params.motif == "E-I pair" else params.N
        if self.inputs is not None and len(self.inputs) == n:
            return self.inputs
        return rn.motif_inputs(params)

    def network_arguments(self) -> dict:
        return {"params": self.param_forms["params"].params(),
                "weights": self.network_weights() if self.edits else None,
                "inputs": self.inputs if self.inputs is not None
                and len(self.inputs) == len(self.unit_inputs()) else None}

    def show_network(self) -> None:
        """Draw the weights and the input bars of the current form and edits."""
        W = self.network_weights()
        edited = f", {len(self.edits)} edited" if self.edits else ""
        self.weights.show_matrix(W, f"weights W (row: target, column: source){edited}")
        self.bars.set_values(self.unit_inputs())

    def network_changed(self, _params=None) -> None:
        if self._structure() != self.structure:  # other units: edits no longer apply
            self.structure = self._structure()
            self.edits, self.inputs = {}, None
            self.weights.mark_cell(None)
            self.set_button.setEnabled(False)
        self.show_network()
        self.network_debounce.start()

    def select_cell(self, row: int, column: int) -> None:
        if len(self.weights.values) > EDITABLE_N:
            self.cell_label.setText(f"weights are edited for N ≤ {EDITABLE_N} only")
            return
        self.selected = (row, column)
        self.weights.mark_cell(row, column)
        self.cell_label.setText(f"w[{row}, {column}]: unit {column} → unit {row}")
        self.cell_value.setValue(float(self.weights.values[row, column]))
        self.set_button.setEnabled(True)

    def set_weight(self, row: int, column: int, value: float) -> None:
        self.edits[(row, column)] = float(value)
        self.show_network()
        self.run_network()

    def drag_inputs(self, values) -> None:
        self.inputs = np.asarray(values, float)
        super().explore()

    def undo_edits(self) -> None:
        self.edits, self.inputs = {}, None
        self.show_network()
        self.run_network()

    # -- running -------------------------------------------------------------------------------

    def current_plane(self) -> PhasePlane | None:
        widget = self.pages.currentWidget()
        return widget if widget in (self.wc_plane, self.decision_plane) else None

    def run(self) -> None:
        """On a plane page: a trajectory from the form's initial point; else the network."""
        plane = self.current_plane()
        if plane is None:
            self.run_network()
        elif not self.refuse_if_invalid():
            p = plane.params
            plane.start_trajectory(*((p.E0, p.I0) if plane is self.wc_plane else
                                     (p.h1_0, p.h2_0)))

    def start_run(self) -> None:
        """One line per unit drawn (up to MAX_LINES), named in the legend."""
        lines = min(MAX_LINES, len(self.unit_inputs()))
        if len([key for key in self.traces.curves if key[0] == "rates"]) != lines:
            self.traces.remove_curves("rates")
            for i in range(lines):
                self.traces.add_curve("rates", f"unit {i}", pen=pg.mkPen(PALETTE[i],
                                                                          width=1.5))
        self.traces.clear_curves()

    def run_network(self) -> None:
        self.network_debounce.stop()
        if self.refuse_if_invalid():
            return
        self.start_run()
        self.submit(self.simulate_path, self.network_arguments(), "simulation",
                     on_done=self.finish_run, on_chunk=self.on_chunk)

    def show_default_run(self) -> None:
        if self.result is None:
            self.run_network()

    def explore(self, _name: str = "") -> None:
        """The planes follow their sliders by themselves; the network runs again."""
        if self.current_plane() is None:
            super().explore()

    def stop(self) -> None:
        self.wc_plane.stop()
        self.decision_plane.stop()
        super().stop()

    def run_blocking(self):
        self.start_run()
        result = worker_process.call(self.simulate_path, self.network_arguments(), None, None)
        self.finish_run(result)
        return result

    def run_tool(self, key: str) -> None:
        """A tool replaces the tab's job: a network run due after an edit comes first."""
        if self.network_debounce.isActive():
            self.run_network()
        super().run_tool(key)

    def tool_arguments(self, key: str) -> dict:
        return {"inputs": self.unit_inputs()} if key == "wta" else {}

    # -- drawing -------------------------------------------------------------------------------

    def on_chunk(self, piece) -> None:
        for i in range(min(MAX_LINES, piece.r.shape[1])):
            self.traces.curve("rates", f"unit {i}").append(piece.t, piece.r[:, i])

    def show_result(self, result) -> None:
        n = result.r.shape[1]
        for i in range(min(MAX_LINES, n)):
            self.traces.curve("rates", f"unit {i}").set(result.t, result.r[:, i])
        shown = f"units 0-{min(MAX_LINES, n) - 1} of {n}" if n > MAX_LINES else f"{n} units"
        self.traces.plots["rates"].setTitle(f"rates against time ({shown})")
        every = max(1, len(result.t) // MAP_COLUMNS)
        span = result.t[-1] - result.t[0]
        self.activity.show_matrix(result.r[::every].T, f"rates of all {n} units",
                                  rect=(result.t[0], 0, span if span > 0 else 1.0, n))
        final = result.r[-1]
        active = np.flatnonzero(final > ACTIVE)
        self.bars.show_rates(final, active if len(active) < n else [])
        top = int(np.argmax(final))
        self.readout.setText(
            f"At t = {result.t[-1]:.0f} ms: {len(active)} of {n} units active "
            f"(r > {ACTIVE:g}); largest rate {final[top]:.4g} (unit {top}); mean rate "
            f"{final.mean():.4g}.")

    def show_tool_result(self, key: str, result) -> None:
        if key == "hopf":
            show_bifurcation(self.analysis, rn.wilson_cowan, result)
            presentation.refresh(self.analysis)
            self.readout.setText(result.answer_text)
        else:
            super().show_tool_result(key, result)

    # -- presets and sessions ------------------------------------------------------------------

    def follow_forms(self) -> None:
        """Show forms set without their change signal (presets, ``--set``, sessions)."""
        for key, plane in (("wc", self.wc_plane), ("decision", self.decision_plane)):
            params = self.param_forms[key].params()
            plane.set_params(params, t_end=params.t_end)
        self.network_changed()

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self.follow_forms()
        for plane, key in ((self.wc_plane, "wc"), (self.decision_plane, "decision")):
            if key in self.presets[name]:
                self.pages.setCurrentWidget(plane)

    def set_value(self, name: str, text: str) -> None:
        super().set_value(name, text)
        self.follow_forms()

    def view_fields(self) -> dict:
        return {"edits": {f"{i},{j}": w for (i, j), w in self.edits.items()},
                "inputs": None if self.inputs is None else tuple(map(float, self.inputs)),
                "wc_plane": self.wc_plane.view(),
                "decision_plane": self.decision_plane.view()}

    def apply_view(self, view: RateView) -> None:
        self.follow_forms()
        self.edits = {_cell(key): w for key, w in view.edits.items()}
        self.inputs = None if view.inputs is None else np.array(view.inputs, float)
        self.show_network()
        self.start_run()  # the curves saved results are drawn in
        self.wc_plane.apply_view(view.wc_plane)
        self.decision_plane.apply_view(view.decision_plane)
