"""The bifurcation view of a one-parameter scan of a planar model's fixed point."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt

from ..models import planar
from ..models.sweep import SweepResult
from .phase_plane import DARK
from .plots import PlotPanel


def show_bifurcation(panel: PlotPanel, model: planar.PlanarModel, sweep: SweepResult) -> None:
    """Draw a :class:`~neurodynex_gui.models.planar.BifurcationSweep` on one plot against the
    scanned parameter: real and imaginary parts of the fixed point's eigenvalues and the
    attractor's extent in x (the fixed point where it is stable, the limit cycle's min and max
    where not), with the critical values marked (found again from the sign of re_lambda1 for a
    sweep restored from a session, which keeps only the columns)."""
    panel.clear()
    panel.plots.clear()
    panel.curves.clear()
    x = model.x_label
    units = (f"λ in 1/{model.t_unit}, {x} in {model.x_unit}"
             if model.t_unit != model.x_unit else model.x_unit)
    label, _, unit = sweep.x_label.partition(" (")
    plot = panel.add_plot("bifurcation", f"Re λ, Im λ, {x} min/max", units, x_label=label,
                          x_unit=unit.rstrip(")"), legend=True)
    plot.setTitle("bifurcation view: stability of the fixed point and size of the attractor")
    blue = "#1f77b4"
    styles = (("re_lambda1", "Re λ1", pg.mkPen(blue, width=2.5)),
              ("re_lambda2", "Re λ2", pg.mkPen(blue, width=1.5, style=Qt.DashLine)),
              ("im_lambda", "|Im λ|", pg.mkPen("#2ca02c", width=2)),
              (f"{x}_max", f"{x} max", pg.mkPen(DARK, width=3)),
              (f"{x}_min", f"{x} min", pg.mkPen("#707070", width=3)))
    for column, name, pen in styles:
        panel.add_curve("bifurcation", name, pen=pen).set(sweep.x, sweep.columns[column])
    plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#909090", width=1)))
    critical = getattr(sweep, "critical", None)
    if critical is None:
        critical = _crossings(sweep.x, sweep.columns["re_lambda1"])
    for value in critical:
        plot.addItem(pg.InfiniteLine(value, angle=90, pen=pg.mkPen("#d62728", width=2,
                                                                   style=Qt.DashLine),
                                     label=f"{label} = {value:.4f}",
                                     labelOpts={"position": 0.92, "color": "#d62728"}))
    panel.flush()


def _crossings(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where ``y`` changes sign, by linear interpolation."""
    k = np.flatnonzero(np.sign(y[:-1]) * np.sign(y[1:]) < 0)
    return x[k] - y[k] * (x[k + 1] - x[k]) / (y[k + 1] - y[k])
