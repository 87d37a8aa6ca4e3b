"""A simulated run of a neuron with resets drawn in a phase plane: the continuous pieces as
solid lines, each reset as a dashed jump from the spike (at the numerical threshold) to the
reset point, so that the plane shows where the flow carries the state and where the reset
puts it back."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt

from .plots import LiveCurve, PlotPanel

RUN_PEN = pg.mkPen("#d62728", width=2)
JUMP_PEN = pg.mkPen("#7a1fa2", width=1.5, style=Qt.DashLine)


def jump_segments(t, x, y, spike_times, x_peak: float, dt: float):
    """The run split at its resets: (x, y) with NaN after each spike sample, and the jumps as
    pairs of points ((x_peak, y before the jump), (x, y after it)) for ``connect="pairs"``."""
    t, x, y = (np.asarray(a, float) for a in (t, x, y))
    after = np.searchsorted(t, np.asarray(spike_times, float) - dt / 2)
    after = after[(after > 0) & (after < len(t))]
    xs, ys = x.copy(), y.copy()
    broken_x = np.insert(xs, after, np.nan)
    broken_y = np.insert(ys, after, np.nan)
    jx = np.column_stack([np.full(len(after), x_peak), x[after]]).ravel()
    jy = np.column_stack([y[after - 1], y[after]]).ravel()
    return (broken_x, broken_y), (jx, jy)


class ResetRun:
    """The two curves of a run with resets in ``plot`` of ``panel``."""

    def __init__(self, panel: PlotPanel, plot: str, name: str = "simulated run"):
        self.run: LiveCurve = panel.add_curve(plot, name, pen=RUN_PEN, connect="finite")
        self.jumps: LiveCurve = panel.add_curve(plot, "resets (jumps)", pen=JUMP_PEN,
                                                connect="pairs")

    def show(self, t, x, y, spike_times, x_peak: float, dt: float) -> None:
        (bx, by), (jx, jy) = jump_segments(t, x, y, spike_times, x_peak, dt)
        self.run.set(bx, by)
        self.jumps.set(jx, jy)
        self.run.flush()
        self.jumps.flush()

    def clear(self) -> None:
        self.run.clear()
        self.jumps.clear()


def frame_run(plane, x_range: tuple[float, float], y_values) -> None:
    """Set the view of a PhasePlane to ``x_range`` and the extent of ``y_values`` (a margin
    around it), and show the run in its time plot."""
    low, high = float(np.min(y_values)), float(np.max(y_values))
    margin = max(1e-3, 0.15 * (high - low), 0.05 * max(abs(low), abs(high)))
    plane.plane.setRange(xRange=x_range, yRange=(low - margin, high + margin), padding=0)


def show_time_course(plane, t, x, y) -> None:
    """The run in the PhasePlane's time plot (a click in the plane replaces it)."""
    for curve, values in zip(plane.time_curves, (x, y)):
        curve.set(t, values)
        curve.flush()
