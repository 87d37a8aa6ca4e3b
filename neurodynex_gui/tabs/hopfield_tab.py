"""Hopfield network tab (book chapter 17.2): store patterns, cue one, watch the recall.

A run is animated in the GUI thread: a QTimer makes one network update per tick (an update of
100 x 100 neurons takes well under a millisecond), draws the grid and appends the overlaps and
the energy to the plots. The capacity and error-correction experiments run through the runner.
"""
from __future__ import annotations

import string
import time

import numpy as np
import pyqtgraph as pg
from PyQt5 import sip
from PyQt5.QtCore import QRectF, QTimer
from PyQt5.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout,
                             QWidget)

from ..models import hopfield as hf
from ..models.params import ParamError
from ..widgets.pattern_grid import PatternThumbnails, add_pattern_grid
from ..widgets.plots import PlotPanel, show_sweep
from .base import ModelTab, Tool

CUE_PEN = pg.mkPen("#1f4e9c", width=3)
ENERGY_PEN = pg.mkPen("#8e44ad", width=2)
OTHER_COLORS = ("#ff7f0e", "#2ca02c", "#d62728", "#17becf", "#8c564b", "#e377c2", "#7f7f7f")
MANY_COLOR = "#9aa0a6"
MAX_DRAWN = 1000
PARTIAL_INTERVAL_S = 0.1  # partial experiment results are drawn at most this often
PATTERN_KEYS = ("N", "kind", "P", "ratio", "seed")  # the fields that define the patterns


class HopfieldPanel(PlotPanel):
    """Overlaps with every stored pattern and the energy against time, the grid beside them.

    The panel keeps the run's numbers and redraws them on the 30 Hz timer. Up to
    ``len(OTHER_COLORS) + 1`` patterns get a curve each; with more, the cue keeps its own curve
    and all the others share one grey curve (one item to draw, however many patterns).
    :meth:`data` gives every pattern's overlap separately, and the grid's state.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        overlap = self.add_plot("overlap", "overlap m", "", x_unit="updates")
        self.add_plot("energy", "energy E", "", x_unit="updates", link_x="overlap")
        overlap.setYRange(-1.05, 1.05)
        self.items = [overlap.plot([], [], pen=CUE_PEN)]
        self.items += [overlap.plot([], [], pen=pg.mkPen(c, width=1)) for c in OTHER_COLORS]
        self.items[0].setZValue(1)
        self.energy_item = self.plots["energy"].plot([], [], pen=ENERGY_PEN, symbol="o",
                                                     symbolSize=5, symbolBrush="#8e44ad",
                                                     symbolPen=None)
        self.grid = add_pattern_grid(self, row=0, col=1, rowspan=2)
        self.caption = self.addLabel("", row=2, col=1, size="9pt")
        self.ci.layout.setColumnStretchFactor(0, 1)
        self.ci.layout.setColumnStretchFactor(1, 1)
        self.groups: list[list[int]] = []  # the patterns drawn by each item
        self.set_history(np.zeros(0), np.zeros((0, 1)), np.zeros(0))

    def set_patterns(self, labels: list[str], cue: int) -> None:
        """Which curve shows which pattern (the cue boldly), named in the plot's title."""
        others = [i for i in range(len(labels)) if i != cue]
        few = len(others) < len(self.items)
        self.groups = [[cue]] + ([[i] for i in others] if few else [others])
        names = [f"<span style='color:{CUE_PEN.color().name()}'>━ {labels[cue]} (cue)</span>"]
        for item, group, color in zip(self.items[1:], self.groups[1:], OTHER_COLORS):
            color = color if few else MANY_COLOR
            item.setPen(pg.mkPen(color, width=1))
            names.append(f"<span style='color:{color}'>━ "
                         f"{labels[group[0]] if few else f'{len(group)} others'}</span>")
        self.plots["overlap"].setTitle("overlap with " + "&nbsp;&nbsp;".join(names), size="9pt")
        self.set_history(np.zeros(0), np.zeros((0, len(labels))), np.zeros(0))

    def set_history(self, t, overlaps, energy) -> None:
        """Show a whole run: times, overlaps (times x patterns) and energies."""
        self._t, self._m, self._e = [np.asarray(t, float)], [np.asarray(overlaps)], \
            [np.asarray(energy, float)]
        self.dirty = True

    def append(self, step) -> None:
        """Add one frame (a :class:`~neurodynex_gui.models.hopfield.Step`)."""
        self._t.append(np.array([step.t], float))
        self._m.append(step.overlaps[None, :])
        self._e.append(np.array([step.energy]))
        self.dirty = True

    def history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if len(self._t) > 1:
            self.set_history(np.concatenate(self._t), np.vstack(self._m), np.concatenate(self._e))
        return self._t[0], self._m[0], self._e[0]

    def clear_curves(self) -> None:
        self.set_history(np.zeros(0), np.zeros((0, self._m[0].shape[1])), np.zeros(0))

    def flush(self) -> None:
        if not self.dirty:
            return
        t, m, e = self.history()
        for index, item in enumerate(self.items):
            group = self.groups[index] if index < len(self.groups) else []
            item.setData(*_joined(t, m, group), connect="finite")
        self.energy_item.setData(t, e)
        self.dirty = False

    def data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        t, m, e = self.history()
        out = {f"overlap/pattern {i}": (t, m[:, i]) for i in range(m.shape[1])} if len(t) else {}
        if len(t):
            out["energy/energy"] = (t, e)
        state = self.grid.state.ravel().astype(float)
        out["grid/state"] = (np.arange(state.size, dtype=float), state)
        return out

    def x_label(self, key: str) -> str:
        return "pixel (row * N + column)" if key == "grid/state" else super().x_label(key)

    def y_label(self, key: str) -> str:
        return "state S (+1 or -1)" if key == "grid/state" else super().y_label(key)


class WeightPanel(PlotPanel):
    """A weight matrix as an image (row i, column j) with its colour scale beside it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        colors = pg.colormap.get("CET-D1")
        self.matrix = self.add_plot("w", "neuron i", "", x_label="neuron j", x_unit="")
        self.matrix.invertY(True)
        self.matrix.setAspectLocked(True)
        self.matrix.showGrid(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(colors)
        self.matrix.addItem(self.image)
        self.scale = self.addPlot(row=0, col=1)  # pyqtgraph's ColorBarItem dropped the
        self.scale.setMaximumWidth(80)           # labels of negative values
        self.scale.hideAxis("bottom")
        self.scale.hideAxis("left")
        self.scale.showAxis("right")
        self.scale.setLabel("right", "w_ij")
        self.scale.setMouseEnabled(False, False)
        self.scale.setMenuEnabled(False)
        self.bar = pg.ImageItem(np.linspace(-1, 1, 256)[:, None], axisOrder="row-major")
        self.bar.setColorMap(colors)
        self.bar.setLevels((-1, 1))
        self.scale.addItem(self.bar)

    def show_matrix(self, weight: np.ndarray | None, title: str) -> None:
        """Draw ``weight`` with a colour scale symmetric about 0 (None: clear), and a title."""
        self.matrix.setTitle(title)
        if weight is None:
            self.image.clear()
            return
        top = max(float(np.abs(weight).max()), 1e-12)
        self.image.setImage(weight, levels=(-top, top))
        self.bar.setRect(QRectF(0, -top, 1, 2 * top))
        self.scale.setRange(xRange=(0, 1), yRange=(-top, top), padding=0)
        self.matrix.autoRange()


def _joined(t, m, patterns) -> tuple[np.ndarray, np.ndarray]:
    """The overlap curves of ``patterns`` one after the other, separated by NaN."""
    if not patterns or not len(t):
        return np.zeros(0), np.zeros(0)
    gap = np.full((len(patterns), 1), np.nan)
    x = np.hstack([np.tile(t, (len(patterns), 1)), gap])
    return x.ravel(), np.hstack([m[:, patterns].T, gap]).ravel()


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
             hf.CapacityInputs,
             tip="Retrieval rate against the number P of random patterns stored in N x N "
                 "neurons (the tab's N, fraction on, flipped fraction, max steps and seed), "
                 "averaged over trials; the book's limit 0.138 N² is marked"),
        Tool("error_correction", "Error correction",
             "neurodynex_gui.models.hopfield:error_correction_sweep", hf.ErrorCorrectionInputs,
             tip="Retrieval rate against the fraction of flipped pixels in the start state, "
                 "for the tab's N and P random patterns"),
    )

    def __init__(self, runner=None, parent=None):
        self.progress: dict[str, QProgressBar] = {}
        super().__init__(runner, parent)
        self.drawn: list[np.ndarray] = []  # drawn patterns, each at the size it was drawn
        self._drawn_version = 0
        self._built = None
        self.net: hf.HopfieldNetwork | None = None
        self._steps = None  # the frames of the run being shown, None when no run is
        self._history: list[hf.Step] = []
        self._cue = 0
        self._partial_drawn_at = 0.0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._advance)
        self._network_page()
        self._weights_page()
        self.param_forms["params"].changed.connect(self._params_changed)
        self.param_forms["animation"].changed.connect(self._set_speed)
        self.tool_ready.connect(self._tool_done)
        self.sync_network()
        self._set_speed(self.param_forms["animation"].params())

    # -- layout --------------------------------------------------------------------------------

    def _network_page(self) -> None:
        """Replace the plain traces page by the grid, its plots, controls and thumbnails."""
        self.pages.removeTab(0)
        sip.delete(self.traces)  # the base class's panel
        self.traces = HopfieldPanel()
        self.grid = self.traces.grid
        self.grid.edited.connect(self._grid_edited)
        self.thumbnails = PatternThumbnails()
        self.thumbnails.setMaximumHeight(150)
        self.thumbnails.selected.connect(self.select_pattern)
        self.grid_info = QLabel()
        controls = QHBoxLayout()
        for text, tip, slot in (
                ("Store grid as pattern", "Add the grid as it is now to the stored patterns",
                 self.store_grid),
                ("Clear grid", "Set every neuron of the grid to -1, to draw on", self.clear_grid),
                ("Forget drawn patterns", "Remove the patterns you stored from the grid",
                 self.forget_drawn)):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            controls.addWidget(button)
        controls.addWidget(self.grid_info, 1)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.traces, 1)
        column.addLayout(controls)
        column.addWidget(QLabel("Stored patterns (click one to cue it; the grid can be drawn "
                                "on with the mouse):"))
        column.addWidget(self.thumbnails)
        self.pages.insertTab(0, page, "Network")
        self.pages.setCurrentIndex(0)
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("One update; starts a paused run if none is shown")
        self.step_button.clicked.connect(self.step)
        self.run_bar.layout().insertWidget(2, self.step_button)

    def _weights_page(self) -> None:
        self.weights = WeightPanel()
        self.weights.export_requested.connect(self.traces.export_requested)
        self.pages.addTab(self.weights, "Weights")
        self.pages.currentChanged.connect(lambda _: self._show_weights())

    def _tool_box(self, tool: Tool) -> QWidget:
        box = super()._tool_box(tool)
        bar = QProgressBar()
        bar.setTextVisible(True)
        bar.setValue(0)
        box.layout().addWidget(bar)
        self.progress[tool.key] = bar
        return box

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
        self.traces.caption.setText(f"{what} (in red: the pixels unlike pattern {self._mu()})")

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
        self.timer.setInterval(round(1000 / animation.speed))

    # -- running -------------------------------------------------------------------------------

    def run(self) -> None:
        """Animate a run from the cue (or the grid) at the chosen speed."""
        if self._begin():
            self.run_bar.set_running("animating")
            self._set_speed(self.param_forms["animation"].params())
            self.timer.start()

    def step(self) -> None:
        """One update of the run shown (pausing it), or a new paused run at t = 0."""
        if self._steps is None:
            if self._begin():
                self.run_bar.set_message("paused at t = 0")
            return
        self.timer.stop()
        self.run_bar.set_running(None)
        if self._advance():
            self.run_bar.set_message(f"paused at t = {self._history[-1].t}")

    def stop(self) -> None:
        if self._steps is not None:
            self._end_run("stopped")
        super().stop()

    def run_blocking(self):
        """The whole run at once (command line export)."""
        if self._begin(quiet=False):
            while self._advance():
                pass
        return self.result

    def _begin(self, quiet: bool = True) -> bool:
        """Set the start state and show t = 0; False (or ParamError) if it cannot start."""
        if self._refuse_if_invalid():
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
        return self._advance()

    def _advance(self) -> bool:
        """Show the next frame; False once the run has ended."""
        step = next(self._steps)
        self._history.append(step)
        self._show_grid(step.state.reshape(self.net.N, self.net.N),
                        f"the network after {step.t} updates")
        self.traces.append(step)
        if (step.t > 0 and step.flips == 0) or step.t >= self.params.t_max:
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
        self.timer.stop()
        self._steps = None
        run = hf.HopfieldRun.from_steps(self._history)
        self._finished(run)
        self.run_bar.set_running(None)
        self.run_bar.set_message(f"{how} at t = {len(run.states) - 1}")
        self.message.emit(f"{self.title}: run {how} after {len(run.states) - 1} updates")

    def show_result(self, result: hf.HopfieldRun) -> None:
        self.traces.set_history(result.t, result.overlaps, result.energy)
        self._show_grid(result.states[-1].reshape(self.net.N, self.net.N),
                        f"the network after {len(result.states) - 1} updates")
        self.readout.setText(result.describe(self._cue))

    # -- experiments ---------------------------------------------------------------------------

    def run_tool(self, key: str) -> None:
        self.progress[key].setValue(0)
        super().run_tool(key)

    def tool_progress(self, key: str, chunk: dict) -> None:
        self.progress[key].setValue(round(100 * chunk["fraction"]))
        if time.monotonic() - self._partial_drawn_at >= PARTIAL_INTERVAL_S:
            self._partial_drawn_at = time.monotonic()
            show_sweep(self.analysis, chunk["partial"])

    def _tool_done(self, key: str, result) -> None:
        self.progress[key].setValue(100)
        below = result.x[result.columns["retrieval_rate"] < 0.5]
        name = "P" if key == "capacity" else "flipped fraction"
        summary = (f"the retrieval rate first falls below 50 % at {name} = {below[0]:g}"
                   if len(below) else "the retrieval rate stays at 50 % or more")
        prefix = f"{result.answer_text}; measured: " if result.answer_text else "Measured: "
        self.readout.setText(prefix + summary)

    # -- sessions and export -----------------------------------------------------------------

    def state(self) -> dict:
        state = super().state()
        state["drawn"] = [hf.grid_to_text(grid) for grid in self.drawn]
        state["grid"] = hf.grid_to_text(self.grid.state)
        return state

    def validate_state(self, state: dict):
        parsed = super().validate_state(state)
        _parse_drawings(state, parsed["params"].N)
        return parsed

    def restore(self, state: dict, results: dict | None = None) -> None:
        """Apply a session state, drawn patterns and grid included (all checked first), then
        the saved results onto the curves of the restored patterns."""
        drawn, grid = _parse_drawings(state, self.validate_state(state)["params"].N)
        super().restore(state)
        self.drawn = drawn
        self._drawn_version += 1
        self.sync_network()
        if grid is not None:
            self._set_grid(grid, "the grid")
        if results:
            self.restore_results(results)

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

    def export_panel(self) -> PlotPanel:
        current = self.pages.currentWidget()
        return current if isinstance(current, PlotPanel) else self.traces


def _parse_drawings(state: dict, N: int) -> tuple[list[np.ndarray], np.ndarray | None]:
    """The drawn patterns and the grid of a session state; raises ParamError."""
    drawn = state.get("drawn", [])
    if not isinstance(drawn, list) or len(drawn) > MAX_DRAWN:
        raise ParamError("drawn", f"must be a list of at most {MAX_DRAWN} patterns")
    grids = [_parse_grid(rows, f"drawn pattern {i}") for i, rows in enumerate(drawn)]
    grid = state.get("grid")
    if grid is not None:
        grid = _parse_grid(grid, "grid")
        if grid.shape != (N, N):
            raise ParamError("grid", f"is {grid.shape[0]} x {grid.shape[1]}, the network "
                                     f"{N} x {N}")
    return grids, grid


def _parse_grid(rows, what: str) -> np.ndarray:
    if not isinstance(rows, list) or not all(isinstance(row, str) for row in rows):
        raise ParamError(what, "must be a list of rows of '#' and '.'")
    try:
        grid = hf.text_to_grid(rows)
    except ValueError as error:
        raise ParamError(what, str(error)) from None
    if not 2 <= grid.shape[0] == grid.shape[1] <= 100:
        raise ParamError(what, "must be square, 2 to 100 pixels on a side")
    return grid
