"""Oja's rule tab (book chapter 19.2): watch a weight vector learn a cloud's principal axis.

A run is computed whole (a few ms), then replayed by a timer in the GUI thread: the weight
arrow moves over the data cloud, leaving the trail of its tip, while w1, w2, |w| and the angle
error grow beside it. Runs can be overlaid, and the three rules compared on the same data.
"""
from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtWidgets import QGraphicsItem, QHBoxLayout, QPushButton, QWidget

from ..models import oja
from ..models.params import Params, param
from ..view_state import MaxItems, TabView
from .base import ModelTab
from .declarations import Page, Section

SIMULATE_MANY = "neurodynex_gui.models.oja:simulate_many"
MAX_RUNS = 20          # overlaid runs kept (the oldest go first)
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ef7000", "#9467bd", "#8c564b", "#e06bbc",
           "#14a4b3", "#999a1c", "#7f7f7f")
CLOUD_RGB = (60, 60, 60)
SMALL_RUN = 1000       # runs up to this size: bigger cloud points, thicker lines
DIVERGED = 100.0       # |w| beyond this: a diverging run, left out of the time plots' frame
DRAWABLE = 1e300       # larger weights get no arrow and are left out of the axis ranges
AXIS_PEN = pg.mkPen("#444444", width=1.5, style=Qt.DashLine)
CIRCLE_PEN = pg.mkPen("#959595", width=1, style=Qt.DotLine)


@dataclasses.dataclass(frozen=True)
class DisplayParams(Params):
    """How runs are shown (kept in the session's view)."""

    duration: float = param(3.0, "replay time", "s", min=0.0, max=600.0, step=0.5, decimals=1,
                            help="Time the animation takes to present all the points "
                                 "(0: show the end at once); applies to a running replay too.")
    overlay: bool = param(False, "overlay runs",
                          help="Keep earlier runs when running again (Clear removes them), "
                               f"e.g. many random initial angles; at most {MAX_RUNS} are kept.")


@dataclasses.dataclass(frozen=True)
class OjaView(TabView):
    runs: Annotated[tuple[oja.OjaParams, ...], MaxItems(MAX_RUNS)] = ()  # redone on restore


class RunView:
    """What one learning run draws: trail and arrow on the cloud, time courses beside it."""

    def __init__(self, panel, params: oja.OjaParams, result: oja.OjaResult, label: str,
                 color: str, dotted: bool = False):
        self.params, self.result, self.label = params, result, label
        self.panel = panel
        self.t = np.arange(len(result.w))
        width = 2 if len(self.t) <= SMALL_RUN else 1  # 1 px: 10,000 points in 1 ms, not 20
        # dotted, a bit wider: drawn over an identical run, both colours stay visible
        pen = pg.mkPen(color, width=width + 1, style=Qt.DotLine) if dotted else \
            pg.mkPen(color, width=width)
        self.curves = {
            "trail": panel.add_curve("cloud", label, pen=pen),
            "w1": panel.add_curve("weights", f"{label} w1", pen=pen),
            "w2": panel.add_curve("weights", f"{label} w2",
                                  pen=pg.mkPen(color, width=width, style=Qt.DashLine)),
            "norm": panel.add_curve("norm", label, pen=pen),
            "error": panel.add_curve("error", label, pen=pen),
        }
        self.shaft = pg.PlotDataItem(pen=pg.mkPen(color, width=3))
        self.head = pg.ArrowItem(headLen=16, tipAngle=32, tailLen=None, pen=None, brush=color)
        for item in (self.shaft, self.head):
            panel.plots["cloud"].addItem(item, ignoreBounds=True)

    def __len__(self) -> int:
        return len(self.t)

    def show_until(self, i: int) -> None:
        """Draw the run up to (and with the arrow at) the weight before point ``i``."""
        i = min(i, len(self) - 1)
        w, t, r = self.result.w[: i + 1], self.t[: i + 1], self.result
        self.curves["trail"].set(w[:, 0], w[:, 1])
        self.curves["w1"].set(t, w[:, 0])
        self.curves["w2"].set(t, w[:, 1])
        self.curves["norm"].set(t, r.w_norm[: i + 1])
        self.curves["error"].set(t, r.angle_error_deg[: i + 1])
        tip = w[-1]
        drawable = bool((np.abs(tip) < DRAWABLE).all())  # Hebb's weights can overflow
        self.shaft.setVisible(drawable)
        self.head.setVisible(drawable)
        if drawable:
            self.shaft.setData([0.0, tip[0]], [0.0, tip[1]])
            self.head.setPos(float(tip[0]), float(tip[1]))
            # ArrowItem draws in screen coordinates (y down); angle 0 points left
            self.head.setStyle(angle=180.0 - _direction(tip))

    def set_cached(self, cached: bool) -> None:
        """Keep the curves as pixmaps (cheap to redraw while other runs are replayed).

        Only during a replay: an export would try a pixmap as large as Hebb's curves.
        """
        mode = QGraphicsItem.DeviceCoordinateCache if cached else QGraphicsItem.NoCache
        for curve in self.curves.values():
            curve.item.curve.setCacheMode(mode)

    def tip(self) -> np.ndarray:
        """Where the arrow points now, read back from the arrow head."""
        pos = self.head.pos()
        return np.array([pos.x(), pos.y()])

    def remove(self) -> None:
        for curve in self.curves.values():
            self.panel.remove_curve(curve)
        for item in (self.shaft, self.head):
            self.panel.plots["cloud"].removeItem(item)

    def diverges(self) -> bool:
        """Whether |w| ever exceeds DIVERGED (or overflows)."""
        return not (self.result.w_norm <= DIVERGED).all()

    def summary(self) -> str:
        w = self.result.w[-1]
        if not np.isfinite(w).all():
            steps = int(np.isfinite(self.result.w_norm).sum())
            return f"{self.label}: |w| overflowed the float range after {steps} points"
        return (f"{self.label}: w = ({w[0]:.3g}, {w[1]:.3g}) at {_direction(w):.1f}°, "
                f"|w| = {self.result.w_norm[-1]:.3g}, "
                f"error {self.result.angle_error_deg[-1]:.1f}°")


class OjaTab(ModelTab):
    tab_id = "oja"
    title = "Oja's rule"
    book_section = "Neuronal Dynamics, ch. 19.2"
    forms = (("params", "Data cloud and learning", oja.OjaParams),
             ("display", "Display", DisplayParams))
    presets = {
        "Exercise example (200 points at 60°)": {"params": oja.OjaParams()},
        "Elongated cloud, 10,000 points": {"params": oja.OjaParams(
            n=10000, ratio=0.3, angle=30.0, eta=0.001, initial_angle=-60.0)},
        "Circular cloud (ratio 1.2), random starts": {"params": oja.OjaParams(
            n=2000, ratio=1.2, angle=30.0, eta=0.01, random_initial=True)},
        "Non-centred cloud at (5, 5)": {"params": oja.OjaParams(
            n=2000, ratio=0.3, angle=-30.0, center_x=5.0, center_y=5.0, eta=0.005)},
    }
    in_process = True  # numpy, a few ms: on a thread of this process
    animated = True
    View = OjaView
    exercises = """
        <h3>Oja's rule (Neuronal Dynamics 19.2)</h3>
        <ol>
        <li>Run the exercise's example: an elongated cloud (ratio 0.3) at 60°, from a weight
        at -20°. Watch w turn towards the principal axis (dashed) while |w| stays near 1.
        Try other cloud angles and learning rates: when is eta too large?</li>
        <li>Make the cloud nearly circular (ratio 1.2, inverted to 0.83), tick
        <i>random initial angle</i> and <i>overlay runs</i>, and run many times into the same
        plot. Where do the weights end up? And for ratio 1?</li>
        <li><i>Compare rules</i>: plain Hebb finds the same direction, but its norm grows
        without bound; Oja's decay term keeps |w| at 1.</li>
        <li>Centre the cloud at (5, 5) (preset). Where does Oja's rule point now? The
        covariance rule subtracts the mean input first: compare them.</li>
        </ol>"""

    frame_shown = pyqtSignal(int)     # index of the point the arrow is at
    animation_finished = pyqtSignal()

    def __init__(self, runner=None, parent=None):
        self.views: list[RunView] = []
        self._animated: list[RunView] = []
        self._run_count = 0
        self._summary = ""  # the readout once the replay has ended
        self._rng = np.random.default_rng()
        super().__init__(runner, parent)
        self.display_form = self.param_forms["display"]
        self.display_form.changed.connect(self._retime)
        self.replay.state_changed.connect(self._replay_state)
        self.replay_bar.idle_step.connect(lambda: self.replay_all(play=False))

    # -- screen --------------------------------------------------------------------------------

    def build_plots(self, panel) -> None:
        cloud = panel.add_plot("cloud", "x2", "", x_label="x1", x_unit="", legend=True)
        panel.add_plot("weights", "w1 (solid), w2 (dashed)", "", x_label="points presented",
                       x_unit="")
        panel.add_plot("norm", "|w|", "", x_label="points presented", x_unit="",
                       link_x="weights")
        panel.add_plot("error", "angle to principal axis", "deg", x_label="points presented",
                       x_unit="", link_x="weights")
        for row, name in enumerate(("weights", "norm", "error")):
            panel.ci.removeItem(panel.plots[name])
            panel.addItem(panel.plots[name], row=row, col=1)
        panel.ci.removeItem(cloud)
        panel.addItem(cloud, row=0, col=0, rowspan=3)
        panel.ci.layout.setColumnStretchFactor(0, 3)
        panel.ci.layout.setColumnStretchFactor(1, 2)
        cloud.setAspectLocked(True)
        cloud.legend.setOffset((-10, 10))
        panel.add_curve("cloud", "data", pen=None, symbol="o", symbolSize=3, symbolPen=None,
                        antialias=False)
        panel.add_curve("cloud", "principal axis", pen=AXIS_PEN)
        angles = np.linspace(0.0, 2 * np.pi, 181)
        cloud.addItem(pg.PlotDataItem(np.cos(angles), np.sin(angles), pen=CIRCLE_PEN),
                      ignoreBounds=True)
        panel.plots["error"].setYRange(0, 90)

    def build_pages(self) -> list[Page]:
        return [Page("Learning", self.traces)]

    def side_sections(self) -> list[Section]:
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        specs = (("compare", "Compare rules", self.compare_rules,
                  "Run Oja, plain Hebb and the covariance rule on the same cloud from the "
                  "same initial weight, and overlay them"),
                 ("replay", "Replay", lambda: self.replay_all(),
                  "Animate the runs shown again"),
                 ("clear", "Clear", self.clear_runs, "Remove every run from the plots"))
        self.buttons = {}
        for key, text, slot, tip in specs:
            button = QPushButton(text)
            button.setObjectName(f"oja_{key}")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        return [Section(None, buttons, "run")]

    # -- running -------------------------------------------------------------------------------

    def run(self) -> None:
        """Learn once with the form's parameters (a new random initial angle if asked)."""
        self._launch([self._concrete(self.param_forms["params"].params())], "learning")

    def compare_rules(self) -> None:
        """Learn with each rule on the same cloud from the same initial weight."""
        params = self._concrete(self.param_forms["params"].params())
        self._launch([params.replace(rule=rule) for rule in oja.RULES], "comparing rules")

    def run_blocking(self) -> list[oja.OjaResult]:
        """Learn in this thread and show the end at once (command line export)."""
        runs = [self.param_forms["params"].params()]
        self._show_batch(runs, oja.simulate_many(runs), animate=False)
        return self.result

    def stop(self) -> None:
        self.finish_animation()
        super().stop()

    def _concrete(self, params: oja.OjaParams) -> oja.OjaParams:
        """``params`` with a random initial angle drawn now, so that the run can be redone."""
        if not params.random_initial:
            return params
        angle = round(float(self._rng.uniform(0.0, 360.0)), 1)
        return params.replace(random_initial=False, initial_angle=angle)

    def _launch(self, runs, what: str) -> None:
        if self.refuse_if_invalid():
            return
        self.submit(SIMULATE_MANY, {"runs": runs}, what,
                    on_done=lambda results: self._show_batch(runs, results))

    # -- showing runs ----------------------------------------------------------------------------

    def _show_batch(self, runs, results, animate: bool = True, keep: bool | None = None,
                    saved_view: dict | None = None) -> None:
        """Draw new runs (after the earlier ones if overlaying) and start their replay.

        ``keep`` overrides the overlay option; a ``saved_view`` replaces the automatic framing.
        """
        self.finish_animation()
        if not (self.display_form.params().overlay if keep is None else keep):
            self.clear_runs()
        new = [self._add_view(params, result) for params, result in zip(runs, results)]
        for old in self.views[:-MAX_RUNS]:
            old.remove()
        self.views = self.views[-MAX_RUNS:]
        self._show_cloud(results[-1])
        self._frame_time_plots()
        if saved_view is not None:
            self.show_view(saved_view)
        self.result = results
        self._summary = "\n".join(
            [f"principal axis of the cloud at {_direction(results[-1].axis):.1f}°"]
            + [run.summary() for run in new])
        self.readout.setText("learning… (the final weights are given when the replay ends; "
                             "To end skips there)")
        self._animated = new
        if animate and self.display_form.params().duration > 0:
            self._start_replay()
        else:
            self.finish_animation()
        self.result_ready.emit(results)

    def _add_view(self, params, result) -> RunView:
        """A view of a new run; one whose weights a run shown already drew to within 1 % of
        their size (the covariance rule on a centred cloud is nearly Oja's rule) says so and
        is dotted over it, so that both show."""
        self._run_count += 1
        start = _direction(result.w[0])
        label = f"#{self._run_count} {params.rule} from {start:.0f}°"
        twin = next((view for view in self.views if _coincide(view.result.w, result.w)), None)
        if twin is not None:
            label += f" (≈ {twin.label.split()[0]}, within 1 %)"
        view = RunView(self.traces, params, result, label,
                       PALETTE[(self._run_count - 1) % len(PALETTE)], dotted=twin is not None)
        self.views.append(view)
        return view

    def _show_cloud(self, result: oja.OjaResult) -> None:
        """Scatter the cloud, draw its principal axis through the origin, frame both."""
        points = result.cloud
        data = self.traces.curve("cloud", "data")
        data.set(points[:, 0], points[:, 1])
        few = len(points) <= SMALL_RUN
        data.item.setSymbolSize(5 if few else 3)
        data.item.setSymbolBrush(*CLOUD_RGB, 150 if few else 60)
        corners = np.vstack([points.min(axis=0), points.max(axis=0), [-1.1, -1.1], [1.1, 1.1]])
        low, high = corners.min(axis=0), corners.max(axis=0)
        reach = 2.0 * np.abs(corners).max()
        self.traces.curve("cloud", "principal axis").set(*np.outer([-reach, reach],
                                                                   result.axis).T)
        self.traces.plots["cloud"].setRange(xRange=(low[0], high[0]), yRange=(low[1], high[1]),
                                            padding=0.05)

    def _frame_time_plots(self) -> None:
        """Fix the time plots' ranges to the whole runs, so that the replay fills a still frame.

        Every run fits; with a diverging one (plain Hebb's, or too large an eta) |w| is drawn
        on a logarithmic axis, so that the bounded runs stay readable beside it.
        """
        n = max(len(view) for view in self.views)
        plots = self.traces.plots
        plots["weights"].setXRange(0, n, padding=0.02)
        w = _drawable(view.result.w for view in self.views)
        plots["weights"].setYRange(w.min(), w.max(), padding=0.05)
        norm = _drawable(view.result.w_norm for view in self.views)
        diverging = any(view.diverges() for view in self.views)
        plots["norm"].setLogMode(y=diverging)
        if diverging:
            positive = norm[norm > 0]
            plots["norm"].setYRange(np.log10(positive.min()), np.log10(positive.max()),
                                    padding=0.05)
        else:
            plots["norm"].setYRange(min(norm.min(), 0.0), norm.max(), padding=0.05)

    def advance_to(self, frame: int) -> bool:
        """Replay frame: every animated run up to point ``frame``."""
        last = max(len(view) for view in self._animated) - 1
        self._draw_frame(min(frame, last))
        return frame < last

    def _draw_frame(self, index: int) -> None:
        for view in self._animated:
            view.show_until(index)
        self.traces.flush()
        self.frame_shown.emit(index)

    def _rate(self, display: DisplayParams) -> float:
        """Points per second for the replay to last ``display.duration``."""
        return max(len(view) for view in self._animated) / display.duration

    def _retime(self, display: DisplayParams) -> None:
        """Keep the replay going from where it is at the new speed."""
        if self.replay.playing:
            if display.duration <= 0:
                self.finish_animation()
            else:
                self.replay.set_rate(self._rate(display))

    def replay_all(self, play: bool = True) -> None:
        """Animate every run shown again from its first point (or stand there, paused)."""
        if not self.views or (play and self.display_form.params().duration <= 0):
            return
        self.finish_animation()
        self._animated = list(self.views)
        self._start_replay(play)

    def finish_animation(self) -> None:
        """Show the end of the runs being (or about to be) replayed at once."""
        if self._animated:
            if not self.replay.active:
                self.replay.start(play=False)
            self.replay.finish()

    def _start_replay(self, play: bool = True) -> None:
        """Replay the runs in ``_animated`` from their first point."""
        for view in self.views:
            view.set_cached(view not in self._animated)
        duration = self.display_form.params().duration
        self.replay.set_rate(self._rate(self.display_form.params()) if duration > 0 else 1.0)
        self.replay.start(play)

    def _replay_state(self, state: str) -> None:
        if state == "ended":
            for view in self.views:
                view.set_cached(False)
            self._animated = []
            self.readout.setText(self._summary)
            self.animation_finished.emit()

    def clear_runs(self) -> None:
        """Remove every run (the cloud stays)."""
        self.replay.end()
        self._animated = []
        for view in self.views:
            view.remove()
        self.views = []
        self._run_count = 0

    # -- sessions ------------------------------------------------------------------------------

    def view_fields(self) -> dict:
        return {"runs": tuple(view.params for view in self.views)}

    def apply_view(self, view: OjaView) -> None:
        """Redo the runs that were shown (at once, no replay; they are exact and take
        milliseconds, so saved results are not needed for them), then show the saved view."""
        self.clear_runs()
        if view.runs:
            runs = list(view.runs)
            self.submit(SIMULATE_MANY, {"runs": runs}, "restoring runs",
                        on_done=lambda done: self._show_batch(runs, done, animate=False,
                                                              keep=False, saved_view=view))


def _coincide(w: np.ndarray, other: np.ndarray) -> bool:
    """Whether two weight courses are the same to within 1 % of their largest weight."""
    if w.shape != other.shape or not (np.isfinite(w).all() and np.isfinite(other).all()):
        return False
    return bool(np.abs(w - other).max() <= 0.01 * np.abs(w).max())


def _drawable(arrays) -> np.ndarray:
    """The values of ``arrays`` that an axis range can hold, flattened (at least the initial
    weights are: Hebb's weights can overflow to inf, or come near enough for range arithmetic
    to overflow)."""
    values = np.concatenate([np.ravel(a) for a in arrays])
    return values[np.abs(values) < DRAWABLE]


def _direction(vector) -> float:
    """Angle of a 2-D vector with the x1 axis, in degrees."""
    return float(np.rad2deg(np.arctan2(vector[1], vector[0])))
