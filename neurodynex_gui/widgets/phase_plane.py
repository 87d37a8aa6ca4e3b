"""The phase plane of any planar model (:class:`~neurodynex_gui.models.planar.PlanarModel`).

Nullclines, flow arrows and fixed points (marked by kind, with eigenvalues and Jacobian in a
readout) are recomputed for the visible range whenever the parameters or the view change.
A left click starts a trajectory there, drawn piece by piece as it is integrated (in the GUI
thread: a piece costs well under a millisecond), forward and optionally backward in time; the
time course of the last one is plotted beside the plane once it is complete (animated by the
shared :class:`~neurodynex_gui.widgets.replay.Replay`). What a session keeps of it is the
:class:`PlaneView`.
"""
from __future__ import annotations

import dataclasses
import math
import time
import typing
from itertools import islice
from typing import Annotated, Iterator, Literal

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt, QTimer, pyqtSignal
from PyQt5.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QLabel, QPushButton, QVBoxLayout,
                             QWidget)

from ..models import planar
from ..view_state import MaxItems, Range, ViewState
from .plots import LiveCurve, PlotPanel
from .replay import Replay

FlowMode = Literal["normalised", "proportional to speed"]
FLOW_MODES = typing.get_args(FlowMode)
FLOW_GRID = 20                # arrows per axis
NULLCLINE_POINTS = 300
ANIMATION_FRAMES = 5          # a trajectory is drawn in this many steps, one per painted frame
MAX_TRAJECTORIES = 200        # kept in a session
PIECE = 250                   # samples per integrated piece, animated or not (same numbers)
RECOMPUTE_MS = 120            # trajectories follow parameter changes after this pause
BOX_MARGIN = 2.0              # trajectories end this many view sizes outside the view

X_NULLCLINE_PEN = pg.mkPen("#1f77b4", width=2.5)
Y_NULLCLINE_PEN = pg.mkPen("#ef7000", width=2.5)
FLOW_PEN = pg.mkPen("#959595", width=1)
TIME_PENS = (pg.mkPen("#1f4e9c", width=1.5), pg.mkPen("#c05000", width=1.5))
TRAJECTORY_COLOURS = ("#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e06bbc", "#14a4b3",
                      "#7f7f7f", "#999a1c")
DARK = "#202020"
_RIM = pg.mkPen("w", width=1.5)  # keeps the filled markers visible on a dark background
FIXED_POINT_STYLES = {  # filled: stable, open: unstable; circle: node, diamond: focus
    "stable node": dict(symbol="o", symbolBrush=DARK, symbolPen=_RIM),
    "unstable node": dict(symbol="o", symbolBrush="w", symbolPen=pg.mkPen(DARK, width=2)),
    "stable focus": dict(symbol="d", symbolBrush=DARK, symbolPen=_RIM),
    "unstable focus": dict(symbol="d", symbolBrush="w", symbolPen=pg.mkPen(DARK, width=2)),
    "saddle": dict(symbol="s", symbolBrush="#909090", symbolPen=pg.mkPen(DARK, width=2)),
    "center": dict(symbol="star", symbolBrush="#909090", symbolPen=DARK),
}


def axis_label(name: str, unit: str) -> str:
    return f"{name} ({unit})" if unit else name


def arrow_segments(X, Y, dX, dY, cell: tuple[float, float], proportional: bool):
    """Arrows centred on the grid points as (x, y) vertex arrays for ``connect="pairs"``:
    shaft, then two barbs. Lengths are measured in grid cells: 0.8 cell each (normalised) or
    up to 0.9 cell in proportion to the speed. Points where the flow vanishes are left out."""
    u, v = (np.ravel(dX) / cell[0], np.ravel(dY) / cell[1])
    speed = np.hypot(u, v)
    keep = np.isfinite(speed) & (speed > 0)
    if not keep.any():
        return np.empty(0), np.empty(0)
    u, v, speed = u[keep], v[keep], speed[keep]
    scale = 0.8 / speed if not proportional else np.full_like(speed, 0.9 / speed.max())
    u, v = u * scale, v * scale
    cx, cy = np.ravel(X)[keep] / cell[0], np.ravel(Y)[keep] / cell[1]
    tip = (cx + u / 2, cy + v / 2)
    tail = (cx - u / 2, cy - v / 2)
    barbs = [(tip[0] - 0.35 * (u * c - v * s), tip[1] - 0.35 * (u * s + v * c))
             for c, s in ((math.cos(a), math.sin(a)) for a in (0.5, -0.5))]
    points = [tail, tip, tip, barbs[0], tip, barbs[1]]
    xs = np.stack([p[0] for p in points], axis=1).ravel() * cell[0]
    ys = np.stack([p[1] for p in points], axis=1).ravel() * cell[1]
    return xs, ys


def _joined(lines: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Polylines as one x and one y array, separated by NaN (for ``connect="finite"``)."""
    if not lines:
        return np.empty(0), np.empty(0)
    gap = np.full((1, 2), np.nan)
    stacked = np.concatenate([part for line in lines for part in (gap, line)][1:])
    return stacked[:, 0], stacked[:, 1]


def _complex(z: complex) -> str:
    if abs(z.imag) < 1e-12:
        return f"{z.real:.4g}"
    return f"{z.real:.4g} ± {abs(z.imag):.4g}i"


def describe_fixed_point(model: planar.PlanarModel, fp: planar.FixedPoint) -> str:
    """One line: kind, position, eigenvalues, Jacobian."""
    ev = fp.eigenvalues
    eig = _complex(ev[0]) if abs(ev[0].imag) > 1e-12 else ", ".join(_complex(e) for e in ev)
    J = ", ".join("[" + ", ".join(f"{v:.4g}" for v in row) + "]" for row in fp.jacobian)
    return (f"<b>{fp.kind}</b> at {model.x_label} = {fp.x:.4f}, {model.y_label} = {fp.y:.4f}; "
            f"eigenvalues λ = {eig}; Jacobian J = [{J}]")


@dataclasses.dataclass(frozen=True)
class Start(ViewState):
    """Where a trajectory starts, and whether it also runs backward in time."""

    x0: float
    y0: float
    backward: bool = False


@dataclasses.dataclass(frozen=True)
class PlaneView(ViewState):
    """What a session keeps of a phase plane (trajectories are recomputed from their starts)."""

    trajectories: Annotated[tuple[Start, ...], MaxItems(MAX_TRAJECTORIES)] = ()
    flow: FlowMode = "normalised"
    backward: bool = False
    x_range: Range | None = None
    y_range: Range | None = None


@dataclasses.dataclass
class PlaneTrajectory:
    """A trajectory started at (x0, y0): its drawn curves and the pieces computed so far,
    per direction (False: forward, True: backward in time)."""

    x0: float
    y0: float
    backward: bool
    t_end: float
    per_step: int                                 # pieces drawn per step
    curves: dict[bool, LiveCurve]
    pending: dict[bool, Iterator[planar.Trajectory]]
    pieces: dict[bool, list[planar.Trajectory]]
    started: float = 0.0

    @property
    def done(self) -> bool:
        return not self.pending

    def part(self, backward: bool = False) -> planar.Trajectory:
        """What is computed so far in one direction."""
        return planar.Trajectory(*(np.concatenate(arrays)
                                   for arrays in zip(*self.pieces[backward])))

    def whole(self) -> planar.Trajectory:
        """Backward part (reversed, t < 0) and forward part as one time course."""
        forward = self.part(False)
        if not self.backward:
            return forward
        back = self.part(True)
        return planar.Trajectory(*(np.concatenate([b[:0:-1], f]) for b, f in zip(back, forward)))


class PhasePlane(QWidget):
    """Phase plane, time plot and their controls for ``model`` with ``params``.

    ``panel`` is the PlotPanel to draw in (a new one if None); ``t_end``/``dt_out`` set the
    duration and sampling of every trajectory.
    """

    fixed_points_changed = pyqtSignal(object)    # list[FixedPoint] shown now
    trajectory_started = pyqtSignal(object)      # PlaneTrajectory, its curves just added
    trajectory_finished = pyqtSignal(object)     # PlaneTrajectory

    def __init__(self, model: planar.PlanarModel, params, xlim, ylim, *, t_end: float = 100.0,
                 dt_out: float = 0.1, panel: PlotPanel | None = None, parent=None):
        super().__init__(parent)
        self.model, self.params, self.t_end, self.dt_out = model, params, t_end, dt_out
        self.home = (tuple(xlim), tuple(ylim))
        self.panel = panel if panel is not None else PlotPanel()
        self.trajectories: list[PlaneTrajectory] = []
        self.fixed_points: list[planar.FixedPoint] = []
        self._controls()
        self._plots()
        self.replay = Replay(self._advance, parent=self)
        self._recompute = _timer(self, RECOMPUTE_MS, self._follow_params)
        self.plane.vb.sigRangeChanged.connect(self.redraw)
        self.plane.vb.sigStateChanged.connect(self._no_auto_range)
        self.panel.scene().sigMouseClicked.connect(self._clicked)
        self.redraw()

    # -- building ------------------------------------------------------------------------------

    def _controls(self) -> None:
        self.flow_box = QComboBox()
        self.flow_box.addItems(FLOW_MODES)
        self.flow_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.flow_box.setMinimumContentsLength(len(FLOW_MODES[0]))
        self.flow_box.setToolTip("Length of the flow arrows: all alike (direction only), or "
                                 "proportional to the speed of the flow")
        self.flow_box.currentIndexChanged.connect(self.redraw)
        self.backward_box = QCheckBox("also backward in time")
        self.backward_box.setToolTip("A click starts a trajectory forward and one backward "
                                     "in time from the clicked point")
        self.clear_button = QPushButton("Clear trajectories")
        self.clear_button.setToolTip("Remove every trajectory from the phase plane")
        self.clear_button.clicked.connect(self.clear_trajectories)
        hint = QLabel("Click in the phase plane to start a trajectory there.")
        hint.setStyleSheet("color: #555;")
        hint.setWordWrap(True)
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextSelectableByMouse)
        bar = QGridLayout()  # two rows: presentation fonts in one row widened the window
        bar.addWidget(QLabel("flow arrows:"), 0, 0)
        bar.addWidget(self.flow_box, 0, 1)
        bar.addWidget(hint, 0, 2, 1, 2)
        bar.addWidget(self.backward_box, 1, 0, 1, 2)
        bar.addWidget(self.clear_button, 1, 2)
        bar.setColumnStretch(3, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.panel, 1)
        self.panel.setVisible(True)  # a page taken from a QTabWidget was hidden there
        column.addWidget(self.readout)

    def _plots(self) -> None:
        m, panel = self.model, self.panel
        self.plane = panel.add_plot("plane", m.y_label, m.y_unit, x_label=m.x_label,
                                    x_unit=m.x_unit, legend=True)
        self.plane.setTitle("phase plane")
        self.plane.vb.disableAutoRange()
        self.plane.setRange(xRange=self.home[0], yRange=self.home[1], padding=0)
        self.flow = pg.PlotDataItem([], [], pen=FLOW_PEN, connect="pairs")
        self.plane.addItem(self.flow)
        self.nullclines = (
            panel.add_curve("plane", f"{m.x_label}-nullcline", pen=X_NULLCLINE_PEN,
                            connect="finite"),
            panel.add_curve("plane", f"{m.y_label}-nullcline", pen=Y_NULLCLINE_PEN,
                            connect="finite"))
        # useCache=False: pyqtgraph's symbol atlas (a QImage) behind a few markers of several
        # styles, re-rendered for a PNG export, made 5 % of exports crash at exit in sip
        self.markers = {kind: panel.add_curve("plane", kind, listed=False, pen=None,
                                              symbolSize=13, useCache=False, **style)
                        for kind, style in FIXED_POINT_STYLES.items()}
        for curve in self.markers.values():
            curve.item.setZValue(10)
        self._legend_kinds: list[str] = []  # in the legend: the kinds shown now
        time_plot = panel.add_plot(
            "time", f"{m.x_label}, {m.y_label}", m.x_unit if m.x_unit == m.y_unit else "",
            x_label=m.t_label, x_unit=m.t_unit, legend=True)
        panel.ci.removeItem(time_plot)
        panel.ci.addItem(time_plot, row=0, col=1)
        panel.ci.layout.setColumnStretchFactor(0, 3)
        panel.ci.layout.setColumnStretchFactor(1, 2)
        time_plot.setTitle("last trajectory")
        self.time_curves = (panel.add_curve("time", m.x_label, pen=TIME_PENS[0]),
                            panel.add_curve("time", m.y_label, pen=TIME_PENS[1]))

    # -- geometry ------------------------------------------------------------------------------

    def set_params(self, params, t_end: float | None = None) -> None:
        """New parameters (and duration): redraw now; trajectories follow after a pause."""
        changed = params != self.params or (t_end is not None and t_end != self.t_end)
        self.params = params
        self.t_end = self.t_end if t_end is None else t_end
        self.redraw()
        if changed and self.trajectories:
            self._recompute.start()

    def view_limits(self) -> tuple[tuple[float, float], tuple[float, float]]:
        (x0, x1), (y0, y1) = self.plane.vb.viewRange()
        return (x0, x1), (y0, y1)

    def redraw(self, *_args) -> None:
        """Nullclines, flow and fixed points for the visible range and the current params."""
        xlim, ylim = self.view_limits()
        lines = planar.nullclines(self.model, self.params, xlim, ylim, n=NULLCLINE_POINTS)
        for curve, polylines in zip(self.nullclines, lines):
            curve.set(*_joined(polylines))
            curve.flush()
        self._draw_flow(xlim, ylim)
        self.fixed_points = planar.fixed_points(self.model, self.params, xlim, ylim)
        for kind, curve in self.markers.items():
            points = [(p.x, p.y) for p in self.fixed_points if p.kind == kind]
            curve.set(*(np.array(points, float).reshape(-1, 2).T))
            curve.flush()
        self._update_legend()
        self.readout.setText("<br>".join(describe_fixed_point(self.model, p)
                                         for p in self.fixed_points)
                             or "no fixed point in view")
        self.fixed_points_changed.emit(self.fixed_points)

    def _draw_flow(self, xlim, ylim) -> None:
        cell = ((xlim[1] - xlim[0]) / FLOW_GRID, (ylim[1] - ylim[0]) / FLOW_GRID)
        inner_x = (xlim[0] + cell[0] / 2, xlim[1] - cell[0] / 2)
        inner_y = (ylim[0] + cell[1] / 2, ylim[1] - cell[1] / 2)
        field = planar.flow_field(self.model, self.params, inner_x, inner_y, FLOW_GRID)
        self.flow.setData(*arrow_segments(*field, cell, self.flow_mode == FLOW_MODES[1]))

    def _no_auto_range(self, *_args) -> None:
        """Auto range would chase the curves drawn for the view it sets (they grow with it):
        the plot's "A" button and menu put the starting view back instead."""
        if any(self.plane.vb.autoRangeEnabled()):
            self.plane.vb.disableAutoRange()
            self.plane.setRange(xRange=self.home[0], yRange=self.home[1], padding=0)

    def _update_legend(self) -> None:
        kinds = [k for k in FIXED_POINT_STYLES if any(p.kind == k for p in self.fixed_points)]
        if kinds == self._legend_kinds:
            return
        for kind in self._legend_kinds:
            self.plane.legend.removeItem(self.markers[kind].item)
        for kind in kinds:
            self.plane.legend.addItem(self.markers[kind].item, kind)
        self._legend_kinds = kinds

    @property
    def flow_mode(self) -> str:
        return self.flow_box.currentText()

    # -- trajectories --------------------------------------------------------------------------

    def start_trajectory(self, x0: float, y0: float, backward: bool | None = None,
                         animate: bool = True) -> PlaneTrajectory:
        """Start a trajectory at (x0, y0) (backward too if ``backward``, default: the check
        box); animated: drawn piece by piece on a timer, else computed and drawn at once."""
        backward = self.backward_box.isChecked() if backward is None else bool(backward)
        number = len(self.trajectories) + 1
        colour = TRAJECTORY_COLOURS[(number - 1) % len(TRAJECTORY_COLOURS)]
        directions = (False, True) if backward else (False,)
        curves = {d: self._trajectory_curve(f"trajectory {number}{' backward' * d}", colour, d)
                  for d in directions}
        pieces = max(1, math.ceil(self.t_end / self.dt_out / PIECE))
        per_step = math.ceil(pieces / ANIMATION_FRAMES) if animate else pieces
        pending = {d: planar.trajectory_chunks(self.model, self.params, x0, y0, self.t_end,
                                               self.dt_out, d, chunk_points=PIECE,
                                               box=self._box())
                   for d in directions}
        run = PlaneTrajectory(float(x0), float(y0), backward, self.t_end, per_step, curves,
                              pending, {d: [] for d in directions}, time.perf_counter())
        self.trajectories.append(run)
        self.trajectory_started.emit(run)
        if not animate:
            while not run.done:
                self._step(run)
        elif not self.replay.playing:
            self.replay.start()
        return run

    def _trajectory_curve(self, name: str, colour: str, backward: bool) -> LiveCurve:
        pen = pg.mkPen(colour, width=2, style=Qt.DashLine if backward else Qt.SolidLine)
        return self.panel.add_curve("plane", name, listed=False, pen=pen)

    def _box(self):
        (x0, x1), (y0, y1) = self.view_limits()
        dx, dy = BOX_MARGIN * (x1 - x0), BOX_MARGIN * (y1 - y0)
        return (x0 - dx, x1 + dx), (y0 - dy, y1 + dy)

    def _advance(self, _frame: int) -> bool:
        """One animation frame: the next pieces of every running trajectory."""
        active = [run for run in self.trajectories if not run.done]
        for run in active:
            self._step(run)
        return any(not run.done for run in active)

    def _step(self, run: PlaneTrajectory) -> None:
        """Compute and draw the next pieces of every direction still running (the first time
        with the start sample)."""
        for direction, source in list(run.pending.items()):
            wanted = run.per_step + (0 if run.pieces[direction] else 1)
            new = list(islice(source, wanted))
            for piece in new:
                run.pieces[direction].append(piece)
                run.curves[direction].append(piece.x, piece.y)
            run.curves[direction].flush()
            if len(new) < wanted or abs(new[-1].t[-1]) >= run.t_end * (1 - 1e-12):
                del run.pending[direction]
        if run.done:
            if run is self.trajectories[-1]:
                self._show_time_course(run)
            self.trajectory_finished.emit(run)

    def _show_time_course(self, run: PlaneTrajectory) -> None:
        """x(t), y(t) of a finished trajectory (drawn once: repainting the dense time plot
        in every step of the animation would double its cost)."""
        whole = run.whole()
        for curve, values in zip(self.time_curves, (whole.x, whole.y)):
            curve.set(whole.t, values)
            curve.flush()

    def stop(self) -> None:
        """End the animation: trajectories keep what is drawn."""
        self.replay.end()
        for run in self.trajectories:
            run.pending.clear()

    def clear_trajectories(self) -> None:
        self.stop()
        self._recompute.stop()
        for run in self.trajectories:
            for curve in run.curves.values():
                self.panel.remove_curve(curve)
        self.trajectories = []
        for curve in self.time_curves:
            curve.clear()

    def starts(self) -> list[tuple[float, float, bool]]:
        return [(run.x0, run.y0, run.backward) for run in self.trajectories]

    def set_starts(self, starts) -> None:
        """Replace the trajectories by ones computed at once from ``starts``."""
        self.clear_trajectories()
        for x0, y0, backward in starts:
            self.start_trajectory(x0, y0, backward, animate=False)

    def _follow_params(self) -> None:
        self.set_starts(self.starts())

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or event.isAccepted():
            return
        pos = event.scenePos()
        if (not self.plane.vb.sceneBoundingRect().contains(pos)
                or self.plane.legend.sceneBoundingRect().contains(pos)):
            return
        point = self.plane.vb.mapSceneToView(pos)
        self.start_trajectory(point.x(), point.y())

    # -- session -------------------------------------------------------------------------------

    def view(self) -> PlaneView:
        """Trajectory start points, the controls and the plane's axis ranges."""
        (x0, x1), (y0, y1) = self.view_limits()
        return PlaneView(tuple(Start(*start) for start in self.starts()), self.flow_mode,
                         self.backward_box.isChecked(), (x0, x1), (y0, y1))

    def apply_view(self, view: PlaneView) -> None:
        """Show ``view``; its trajectories are recomputed."""
        self.flow_box.setCurrentText(view.flow)
        self.backward_box.setChecked(view.backward)
        (x0, x1), (y0, y1) = self.view_limits()
        self.plane.setRange(xRange=view.x_range or (x0, x1), yRange=view.y_range or (y0, y1),
                            padding=0)
        self.set_starts([(s.x0, s.y0, s.backward) for s in view.trajectories])


def _timer(parent, ms: int, slot) -> QTimer:
    """A single-shot timer."""
    timer = QTimer(parent)
    timer.setInterval(ms)
    timer.setSingleShot(True)
    timer.timeout.connect(slot)
    return timer
