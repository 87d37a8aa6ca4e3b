"""Hopfield network tab (book chapter 17.2): store patterns, cue one, watch the recall.

A run is animated in the GUI thread by the shared Replay: the network is updated as often as
the chosen speed asks (an update of 100 x 100 neurons takes well under a millisecond), the grid
drawn and the overlaps and the energy appended to the plots. The capacity and error-correction experiments run through the runner.
"""
from __future__ import annotations

import dataclasses
import string
import time
from typing import Annotated

import numpy as np
from PyQt5.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..models import hopfield as hf
from ..models.params import ParamError
from ..view_state import Codec, MaxItems, TabView
from ..widgets.hopfield_plots import HopfieldPanel, WeightPanel
from ..widgets.pattern_grid import PatternThumbnails
from ..widgets.plots import show_sweep
from .base import ModelTab
from .declarations import Page, Tool

MAX_DRAWN = 1000
PARTIAL_INTERVAL_S = 0.1  # partial experiment results are drawn at most this often
PATTERN_KEYS = ("N", "kind", "P", "ratio", "seed")  # the fields that define the patterns


def _grid_from_rows(rows) -> np.ndarray:
    """A grid saved as rows of '#' and '.'; raises ValueError."""
    if not isinstance(rows, list) or not all(isinstance(row, str) for row in rows):
        raise ValueError("must be a list of rows of '#' and '.'")
    grid = hf.text_to_grid(rows)
    if not 2 <= grid.shape[0] == grid.shape[1] <= 100:
        raise ValueError("must be square, 2 to 100 pixels on a side")
    return grid


Grid = Annotated[np.ndarray, Codec(_grid_from_rows, hf.grid_to_text)]


@dataclasses.dataclass(frozen=True)
class HopfieldView(TabView):
    drawn: Annotated[tuple[Grid, ...], MaxItems(MAX_DRAWN)] = ()  # patterns drawn and stored
    grid: Grid | None = None  # the grid as it is


class HopfieldTab(ModelTab):
    tab_id = "hopfield"
    title = "Hopfield network"
    book_section = "Neuronal Dynamics, ch. 17.2"
    forms = (("params", "Network and patterns", hf.HopfieldParams),
             ("animation", "Animation", hf.AnimationParams))
    presets = {
        "letters a, b, c (retrieved)": {"params": hf.HopfieldParams(kind="letters", P=3)},
        "letters a to e (they interfere)": {"params": hf.HopfieldParams(kind="letters", P=5)},
        "checkerboard and 3 random": {"params": hf.HopfieldParams(kind="checkerboard", P=4,
                                                                  flip_ratio=0.2)},
        "overloaded: 20 patterns in 10 x 10": {"params": hf.HopfieldParams(P=20)},
        "100 x 100 with 100 patterns": {"params": hf.HopfieldParams(N=100, P=100,
                                                                    flip_ratio=0.3)},
    }
    in_process = True
    animated = True
    traces_class = HopfieldPanel
    View = HopfieldView
    auto_run = False  # a run is an animation the user starts; drawing must not start one
    exercises = """
<ol>
<li><b>Recall.</b> Store a few random patterns, cue one with 10 to 30 % of its pixels flipped
and watch the grid: after how many updates is the pattern back, and how do the overlaps with
the other patterns and the energy change meanwhile? Try the asynchronous update too: the
energy never increases (book ch. 17.2).</li>
<li><b>Capacity.</b> Raise P until recall fails. The book gives 0.138 N² random patterns as
the limit for a large network. <i>Tool: Capacity</i> (retrieval rate against P, with the limit
marked); repeat for N = 20 and 30.</li>
<li><b>Letters.</b> The letters are not random: load the preset with the letters a to e and
see which letters are still retrieved. Why do similar patterns interfere (look at their
overlaps at t = 0)?</li>
<li><b>Your own patterns.</b> Draw on the grid, store the drawing as a pattern, cue it with
flipped pixels. How many flipped pixels does it tolerate? <i>Tool: Error correction</i>
(retrieval against the flipped fraction, for random patterns).</li>
<li><b>Weights.</b> Look at the weight matrix of a checkerboard: what structure does one
pattern leave in w_ij?</li>
</ol>"""
    tools = (
        Tool("capacity", "Capacity", "neurodynex_gui.models.hopfield:capacity_sweep",
             hf.CapacityInputs, progress=True,
             tip="Retrieval rate against the number P of random patterns stored in N x N "
                 "neurons (the tab's N, fraction on, flipped fraction, max steps and seed), "
                 "averaged over trials; the book's limit 0.138 N² is marked"),
        Tool("error_correction", "Error correction",
             "neurodynex_gui.models.hopfield:error_correction_sweep", hf.ErrorCorrectionInputs,
             progress=True, tip="Retrieval rate against the fraction of flipped pixels in the start state, "
                 "for the tab's N and P random patterns"),
    )

    def __init__(self, runner=None, parent=None):
        self.drawn: list[np.ndarray] = []  # drawn patterns, each at the size it was drawn
        self._drawn_version = 0
        self._built = None
        self.net: hf.HopfieldNetwork | None = None
        self._steps = None  # the frames of the run being shown, None when no run is
        self._history: list[hf.Step] = []
        self._cue = 0
        self._partial_drawn_at = 0.0
        super().__init__(runner, parent)
        self.replay_bar.idle_step.connect(self.step)
        self.pages.currentChanged.connect(lambda _: self._show_weights())
        self.param_forms["params"].changed.connect(self._params_changed)
        self.param_forms["animation"].changed.connect(self._set_speed)
        self.tool_ready.connect(self._tool_done)
        self.sync_network()
        self._set_speed(self.param_forms["animation"].params())

    # -- layout --------------------------------------------------------------------------------

    def build_plots(self, panel: HopfieldPanel) -> None:
        """The grid with its plots, controls and thumbnails, and the weights page."""
        self.grid = panel.grid
        self.grid.edited.connect(self._grid_edited)
        self.thumbnails = PatternThumbnails()
        self.thumbnails.setMaximumHeight(150)
        self.thumbnails.selected.connect(self.select_pattern)
        self.caption = QLabel()  # under the plots, two lines high: its text moves nothing
        self.caption.setWordWrap(True)
        self.caption.setMinimumHeight(2 * self.caption.fontMetrics().lineSpacing() + 4)
        self.grid_info = QLabel()
        self.grid_info.setWordWrap(True)
        controls = QHBoxLayout()
        for text, tip, slot in (
                ("Store grid", "Add the grid as it is now to the stored patterns",
                 self.store_grid),
                ("Clear grid", "Set every neuron of the grid to -1, to draw on", self.clear_grid),
                ("Forget drawn", "Remove the patterns you stored from the grid",
                 self.forget_drawn)):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            controls.addWidget(button)
        controls.addWidget(self.grid_info, 1)
        self.network_page = QWidget()
        column = QVBoxLayout(self.network_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(panel, 1)
        column.addWidget(self.caption)
        column.addLayout(controls)
        hint = QLabel("Stored patterns (click one to cue it; the grid can be drawn on with "
                      "the mouse):")
        hint.setWordWrap(True)
        column.addWidget(hint)
        column.addWidget(self.thumbnails)
        self.weights = WeightPanel()

    def build_pages(self) -> list[Page]:
        return [Page("Network", self.network_page, self.traces),
                Page("Analysis", self.analysis), Page("Weights", self.weights)]

    # -- the network ---------------------------------------------------------------------------

    @property
    def params(self) -> hf.HopfieldParams:
        return self.param_forms["params"].params()

    def sync_network(self) -> None:
        """Build the network again if the patterns it should hold changed."""
        params = self.params
        key = tuple(getattr(params, name) for name in PATTERN_KEYS) + (self._drawn_version,)
        if key != self._built:
            self._stop_animation()
            keep_grid = self.net is not None and self.grid.N == params.N
            self.net = hf.HopfieldNetwork.from_params(params)
            if self.drawn:
                self.net.store_patterns([hf.resample(g, params.N) for g in self.drawn],
                                        append=True)
            self._built = key
            self._show_patterns()
            if keep_grid:
                self._set_grid(self.grid.state, "the grid")
            else:
                self._set_grid(self.net.grid(self._mu()), f"pattern {self._mu()}")
        self.net.mode = params.mode
        self._show_selection()

    def _labels(self) -> list[str]:
        params = self.params
        names = {"letters": list(string.ascii_lowercase[:params.P]),
                 "checkerboard": ["checkerboard"] + [""] * (params.P - 1)}.get(params.kind, [])
        names += [""] * (params.P - len(names)) + ["drawn"] * len(self.drawn)
        return [f"{i} {name}".strip() for i, name in enumerate(names)]

    def _mu(self) -> int:
        """The selected pattern (clipped to the stored ones)."""
        return min(self.params.mu, len(self.net.patterns) - 1)

    def _show_patterns(self) -> None:
        patterns = self.net.patterns.reshape(-1, self.net.N, self.net.N)
        self.thumbnails.set_patterns(patterns, self._labels())
        self.traces.set_patterns(self._labels(), self._mu())
        P, n = len(patterns), self.net.n
        limit = hf.CAPACITY_LOAD * n
        self.grid_info.setText(f"{n} neurons, {P} patterns ({len(self.drawn)} drawn): load "
                               f"P/N² = {P / n:.3g} (capacity 0.138 N² = {limit:.4g})")
        self._show_weights()

    def _show_selection(self) -> None:
        mu = self._mu()
        self.thumbnails.select(mu)
        self.grid.set_reference(self.net.grid(mu))

    def _show_weights(self) -> None:
        if self.pages.currentWidget() is not self.weights or self.net is None:
            return
        net = self.net
        if net.n > hf.MAX_CACHED_WEIGHT_NEURONS:
            side = int(hf.MAX_CACHED_WEIGHT_NEURONS ** 0.5)
            self.weights.show_matrix(None, f"The weight matrix of N = {net.N} has N⁴ = "
                                           f"{net.n ** 2:.3g} entries: it is drawn up to N = "
                                           f"{side} only (the network updates from the "
                                           f"patterns directly)")
            return
        self.weights.show_matrix(net.weight, f"Hebbian weights w_ij = (1/N²) Σ_μ p_i p_j of "
                                             f"{len(net.patterns)} patterns ({net.n} x {net.n})")

    def _set_grid(self, grid, what: str) -> None:
        """Make ``grid`` the network's state and show it, captioned ``what``."""
        self._show_grid(grid, what)
        self.net.set_state(grid)

    def _show_grid(self, grid, what: str) -> None:
        self.grid.set_state(grid)
        self.caption.setText(f"Grid: {what} (in red: the pixels unlike pattern {self._mu()})")

    # -- user actions on patterns ----------------------------------------------------------------

    def select_pattern(self, mu: int) -> None:
        """Cue pattern ``mu``: the grid shows it, a run starts from it with flipped pixels."""
        self._stop_animation()
        self.param_forms["params"].set_value("mu", str(mu))
        self.param_forms["animation"].set_value("start", "cue")
        self._set_grid(self.net.grid(self._mu()), f"pattern {self._mu()}")

    def store_grid(self) -> None:
        """Store the grid as a new pattern (and select it)."""
        if len(self.drawn) >= MAX_DRAWN:
            self.message.emit(f"{self.title}: at most {MAX_DRAWN} drawn patterns")
            return
        self.drawn.append(self.grid.state)
        self._drawn_version += 1
        self.sync_network()
        self.select_pattern(len(self.net.patterns) - 1)

    def clear_grid(self) -> None:
        self._set_grid(-np.ones((self.net.N, self.net.N), dtype=np.int8), "the grid")
        self._grid_edited()

    def forget_drawn(self) -> None:
        self.drawn = []
        self._drawn_version += 1
        self.sync_network()

    def _grid_edited(self) -> None:
        self._stop_animation()
        self._set_grid(self.grid.state, "the grid as drawn")
        self.param_forms["animation"].set_value("start", "grid")
        mu = self._mu()
        self.readout.setText(f"Grid drawn: overlap with pattern {mu} is "
                             f"{self.net.overlap(mu):+.2f}; Run starts from the grid.")

    def _params_changed(self, _params) -> None:
        self.sync_network()

    def _set_speed(self, animation: hf.AnimationParams) -> None:
        self.replay.set_rate(animation.speed)

    # -- running -------------------------------------------------------------------------------

    def run(self) -> None:
        """Animate a run from the cue (or the grid) at the chosen speed."""
        if self._begin():
            self.run_bar.set_running("animating")
            self.replay.start()

    def show_default_run(self) -> None:
        """The default recall, shown whole (Run animates it)."""
        if self.result is None and self._begin():
            self.replay.start(play=False)
            self.replay.finish()

    def step(self) -> None:
        """One update of the run shown (pausing it), or a new paused run at t = 0."""
        if self._steps is None:
            if self._begin():
                self.replay.start(play=False)
                self.run_bar.set_message("paused at t = 0")
            return
        self.run_bar.set_running(None)
        if self.replay.step():
            self.run_bar.set_message(f"paused at t = {self._history[-1].t}")

    def stop(self) -> None:
        self._stop_animation()
        super().stop()

    def run_blocking(self):
        """The whole run at once (command line export)."""
        if self._begin(quiet=False):
            self.replay.start(play=False)
            self.replay.finish()
        return self.result

    def _begin(self, quiet: bool = True) -> bool:
        """Set the start state for a run; False (or ParamError) if it cannot start."""
        if self.refuse_if_invalid():
            return False
        self._stop_animation()
        self.sync_network()
        params, animation = self.params, self.param_forms["animation"].params()
        if params.mu >= len(self.net.patterns):
            error = ParamError("mu", f"must be below the number of stored patterns "
                                     f"({len(self.net.patterns)})")
            if not quiet:
                raise error
            self.readout.setText(f"Cannot run: {error}")
            return False
        self._cue = params.mu
        if animation.start == "cue":
            self.net.cue(params.mu, params.flip_ratio)
        else:
            self.net.set_state(self.grid.state)
        self.start_run()
        self.traces.set_patterns(self._labels(), params.mu)
        self._steps = self.net.iterate(params.t_max)
        self._history = []
        return True

    def advance_to(self, frame: int) -> bool:
        """Update the network until t = ``frame`` and show it; False once the run has ended
        (it converged or reached t_max)."""
        while True:
            step = next(self._steps)
            self._history.append(step)
            self.traces.append(step)
            ended = (step.t > 0 and step.flips == 0) or step.t >= self.params.t_max
            if ended or step.t >= frame:
                break
        self._show_grid(step.state.reshape(self.net.N, self.net.N),
                        f"the network after {hf.updates_text(step.t)}")
        if ended:
            self._end_run("done")
            return False
        self.readout.setText(f"t = {step.t}: overlap with pattern {self._cue} "
                             f"{step.overlaps[self._cue]:+.2f}, energy {step.energy:.4g}, "
                             f"{step.flips} neurons changed")
        return True

    def _stop_animation(self) -> None:
        if self._steps is not None:
            self._end_run("stopped")

    def _end_run(self, how: str) -> None:
        self.replay.end()
        self._steps = None
        run = hf.HopfieldRun.from_steps(self._history)
        self.finish_run(run)
        self.run_bar.set_running(None)
        updates = hf.updates_text(len(run.states) - 1)
        self.run_bar.set_message(f"{how} after {updates}")
        self.message.emit(f"{self.title}: run {how} after {updates}")

    def show_result(self, result: hf.HopfieldRun) -> None:
        self.traces.set_history(result.t, result.overlaps, result.energy)
        self._show_grid(result.states[-1].reshape(self.net.N, self.net.N),
                        f"the network after {hf.updates_text(len(result.states) - 1)}")
        self.readout.setText(result.describe(self._cue))

    # -- experiments ---------------------------------------------------------------------------

    def tool_progress(self, key: str, chunk: dict) -> None:
        if time.monotonic() - self._partial_drawn_at >= PARTIAL_INTERVAL_S:
            self._partial_drawn_at = time.monotonic()
            show_sweep(self.analysis, chunk["partial"])

    def _tool_done(self, key: str, result) -> None:
        below = result.x[result.columns["retrieval_rate"] < 0.5]
        name = "P" if key == "capacity" else "flipped fraction"
        summary = (f"the retrieval rate first falls below 50 % at {name} = {below[0]:g}"
                   if len(below) else "the retrieval rate stays at 50 % or more")
        prefix = f"{result.answer_text}; measured: " if result.answer_text else "Measured: "
        self.readout.setText(prefix + summary)

    # -- sessions and export -----------------------------------------------------------------

    def view_fields(self) -> dict:
        return {"drawn": tuple(self.drawn), "grid": self.grid.state}

    def validate_state(self, state: dict):
        """As the base, and the grid must be as large as the restored network."""
        parsed = super().validate_state(state)
        grid, N = parsed.view.grid, parsed.forms["params"].N
        if grid is not None and grid.shape != (N, N):
            raise ParamError("view/grid", f"is {grid.shape[0]} x {grid.shape[1]}, the network "
                                          f"{N} x {N}")
        return parsed

    def apply_view(self, view: HopfieldView) -> None:
        """The drawn patterns and the grid; saved results are drawn onto them after this."""
        self.drawn = list(view.drawn)
        self._drawn_version += 1
        self.sync_network()
        if view.grid is not None:
            self._set_grid(view.grid, "the grid")

    def restore_results(self, arrays: dict) -> None:
        """Saved tool results, and the saved run if it fits the stored patterns."""
        super().restore_results(arrays)
        keys = [f"traces/overlap/pattern {i}" for i in range(len(self.net.patterns))]
        keys.append("traces/energy/energy")
        if not all(key + "/y" in arrays for key in keys):
            return
        t = np.asarray(arrays[keys[0] + "/x"], dtype=float)
        columns = [np.asarray(arrays[key + "/y"], dtype=float) for key in keys]
        if all(column.shape == t.shape for column in columns):
            self.traces.set_history(t, np.column_stack(columns[:-1]), columns[-1])

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self.sync_network()

    def set_value(self, name: str, text: str) -> None:
        super().set_value(name, text)
        self.sync_network()
