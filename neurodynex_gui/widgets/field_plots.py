"""The plots of the neural-fields tab: u(x) over a growing space-time map, a 2D field as an
animated image, and the kernel with its Fourier transform. A click places the input; its
region (x0 +- width, a circle in 2D) can be dragged and resized."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt, pyqtSignal

from .heat_map import HeatMap
from .plots import PlotPanel

FIELD_PEN = pg.mkPen("#1f4e9c", width=2)
INPUT_PEN = pg.mkPen("#d62728", width=2, style=Qt.DashLine)
INPUT_BRUSH = pg.mkBrush(214, 39, 40, 30)
LEVEL_PEN = pg.mkPen("#7f7f7f", width=1, style=Qt.DotLine)
MARK_PEN = pg.mkPen("#d62728", width=1.5, style=Qt.DashLine)


class ClickablePanel(PlotPanel):
    """A PlotPanel whose plots in ``click_plots`` report left clicks in data coordinates."""

    clicked = pyqtSignal(float, float)  # x, y in the plot's units
    shaped = pyqtSignal(float, float, float)  # the input region dragged: x0, y0, width

    def __init__(self, parent=None):
        super().__init__(parent)
        self.click_plots: list[pg.PlotItem] = []
        self.scene().sigMouseClicked.connect(self._clicked)

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or event.double():
            return
        for plot in self.click_plots:
            if plot.vb.sceneBoundingRect().contains(event.scenePos()):
                point = plot.vb.mapSceneToView(event.scenePos())
                self.clicked.emit(point.x(), point.y())
                event.accept()
                return


class SpaceTimePanel(ClickablePanel):
    """u(x) at the frame shown (with the input while it is on) above the space-time map of
    every frame so far."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.add_plot("u", "u", "", x_label="position x", x_unit="mm")
        self.field = self.add_curve("u", "u(x)", pen=FIELD_PEN)
        self.input = self.add_curve("u", "input I(x)", pen=INPUT_PEN)
        self.level = pg.InfiniteLine(angle=0, pen=LEVEL_PEN)
        self.plots["u"].addItem(self.level, ignoreBounds=True)
        self.input_region = pg.LinearRegionItem(brush=INPUT_BRUSH, pen=INPUT_PEN)
        self.input_region.setToolTip("The input: x0 - width to x0 + width; drag it or its "
                                     "edges")
        self.plots["u"].addItem(self.input_region, ignoreBounds=True)
        self.input_region.sigRegionChangeFinished.connect(self._region_dragged)
        self.map = HeatMap(self, "space-time", "time", "ms", x_label="position x",
                           x_unit="mm", scale_label="u", colormap="viridis")
        self.map.plot.setXLink(self.plots["u"])
        self.ci.layout.setRowStretchFactor(0, 2)
        self.ci.layout.setRowStretchFactor(1, 3)
        self.click_plots = [self.plots["u"], self.map.plot]

    def show_frame(self, x, t, frames, index: int, levels: tuple[float, float],
                   input_profile=None) -> None:
        """Frame ``index`` as u(x), frames 0..index on the map coloured between ``levels``,
        ``input_profile`` (or nothing) dashed."""
        self.field.set(x, frames[index])
        if input_profile is None:
            self.input.clear()
        else:
            self.input.set(x, input_profile)
        dx = x[1] - x[0]
        height = max(t[index] - t[0], 1e-9)
        self.map.show(frames[: index + 1], levels,
                      (x[0] - dx / 2, t[0], len(x) * dx, height))
        self.plots["u"].setTitle(f"t = {t[index]:.4g} ms", size="9pt")

    def show_input(self, x0: float, width: float, visible: bool) -> None:
        self.input_region.blockSignals(True)
        self.input_region.setRegion((x0 - width, x0 + width))
        self.input_region.blockSignals(False)
        self.input_region.setVisible(visible)

    def _region_dragged(self) -> None:
        low, high = self.input_region.getRegion()
        self.shaped.emit((low + high) / 2, 0.0, (high - low) / 2)

    def set_level(self, level: float | None) -> None:
        self.level.setVisible(level is not None)
        if level is not None:
            self.level.setValue(level)

    def frame_ranges(self, x, t_end: float, levels: tuple[float, float]) -> None:
        """Fit the axes to the whole run (no jumping while it plays)."""
        low, high = levels
        pad = 0.05 * (high - low or 1.0)
        self.plots["u"].setRange(xRange=(x[0], x[-1]), yRange=(low - pad, high + pad),
                                 padding=0)
        # a little room above the last time, so that its tick value stays inside the plot
        self.map.plot.setRange(yRange=(0, max(t_end, 1e-9)), padding=0.06)


class FieldImagePanel(ClickablePanel):
    """A 2D field u(x, y) as an image with its colour scale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.map = HeatMap(self, "field", "position y", "mm", x_label="position x",
                           x_unit="mm", scale_label="u", colormap="viridis", x_rows=True)
        self.map.plot.setAspectLocked(True)
        self.input_circle = pg.CircleROI((0, 0), (1, 1), pen=MARK_PEN)
        self.input_circle.setToolTip("The input: radius = its width; drag it, or its handle "
                                     "to resize")
        self.map.plot.addItem(self.input_circle)
        self.input_circle.sigRegionChangeFinished.connect(self._circle_dragged)
        self.click_plots = [self.map.plot]

    def show_frame(self, x, t: float, frame, levels: tuple[float, float]) -> None:
        """``frame`` (indexed [x, y]) at time ``t`` (ms) coloured between ``levels``."""
        dx = x[1] - x[0]
        self.map.show(frame, levels, (x[0] - dx / 2, x[0] - dx / 2, len(x) * dx, len(x) * dx))
        self.map.plot.setTitle(f"t = {t:.4g} ms", size="9pt")

    def show_input(self, x0: float, y0: float, width: float, visible: bool) -> None:
        self.input_circle.setPos((x0 - width, y0 - width), update=False, finish=False)
        self.input_circle.setSize((2 * width, 2 * width), finish=False)
        self.input_circle.setVisible(visible)

    def _circle_dragged(self) -> None:
        (x, y), (width, _) = self.input_circle.pos(), self.input_circle.size()
        self.shaped.emit(x + width / 2, y + width / 2, width / 2)


class KernelPanel(PlotPanel):
    """The kernel w(x) and its Fourier transform, the transform's peak marked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.add_plot("w", "w(x)", "", x_label="distance x", x_unit="mm")
        self.add_plot("w_hat", "transform ŵ(k)", "", x_label="wavenumber k", x_unit="rad/mm")
        self.kernel = self.add_curve("w", "w(x)", pen=FIELD_PEN)
        self.transform = self.add_curve("w_hat", "ŵ(k)", pen=FIELD_PEN)
        self.peak = pg.InfiniteLine(angle=90, pen=MARK_PEN, label="",
                                    labelOpts={"position": 0.85, "color": "#d62728"})
        self.plots["w_hat"].addItem(self.peak, ignoreBounds=True)

    def show_kernel(self, x, w, k, w_hat, peak_k: float | None, ndim: int) -> None:
        self.kernel.set(x, w)
        self.transform.set(k, w_hat)
        self.plots["w_hat"].setLabel("left", f"transform ŵ(k) in {ndim}D")
        self.peak.setVisible(peak_k is not None)
        if peak_k is not None:
            self.peak.setValue(peak_k)
            self.peak.label.setFormat(f"peak: wavelength {2 * np.pi / peak_k:.3g} mm")
        self.flush()
