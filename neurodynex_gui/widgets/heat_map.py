"""An image on a plot of a PlotPanel with its colour scale beside it (matrices, fields)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import QRectF

from . import text_fit
from .plots import PlotPanel, plain_axes


class HeatMap:
    """Plot ``name`` of ``panel`` showing an array as an image, a labelled colour scale in
    the next column. Rows of the array run along the plot's y axis (``axisOrder``
    row-major) unless ``x_rows``: then rows run along x (an array indexed ``[x, y]``)."""

    def __init__(self, panel: PlotPanel, name: str, y_label: str, y_unit: str, *,
                 x_label: str, x_unit: str, scale_label: str, colormap: str = "CET-D1",
                 x_rows: bool = False):
        self.plot = panel.add_plot(name, y_label, y_unit, x_label=x_label, x_unit=x_unit)
        self.plot.showGrid(x=False, y=False)
        colors = pg.colormap.get(colormap)
        self.image = pg.ImageItem(axisOrder="col-major" if x_rows else "row-major")
        self.image.setColorMap(colors)
        self.plot.addItem(self.image)
        row = len(panel.plots) - 1
        self.scale = panel.addPlot(row=row, col=1)  # pyqtgraph's ColorBarItem dropped the
        text_fit.keep_fitted(self.scale)            # labels of negative values
        self.scale.setMaximumWidth(110)
        self.scale.hideAxis("bottom")
        self.scale.hideAxis("left")
        self.scale.showAxis("right")
        self.scale.setTitle(scale_label)  # above the bar: never beyond the window's edge
        plain_axes(self.scale, ("right",))
        self.scale.setMouseEnabled(False, False)
        self.scale.setMenuEnabled(False)
        self.bar = pg.ImageItem(np.linspace(0, 1, 256)[:, None], axisOrder="row-major")
        self.bar.setColorMap(colors)
        self.bar.setLevels((0, 1))
        self.scale.addItem(self.bar)
        self.levels: tuple[float, float] | None = None  # shown by the scale

    def show(self, values: np.ndarray, levels: tuple[float, float],
             rect: tuple[float, float, float, float] | None = None) -> None:
        """Draw ``values`` coloured between ``levels`` over ``rect`` (x, y, width, height in
        the plot's units; array indices if None)."""
        low, high = levels
        high = high if high > low else low + 1e-12
        self.image.setImage(values, levels=(low, high), autoLevels=False)
        if rect is not None:
            self.image.setRect(QRectF(*rect))
        if (low, high) != self.levels:  # the scale is redrawn only when it changes
            self.levels = (low, high)
            self.bar.setRect(QRectF(0, low, 1, high - low))
            self.scale.setXRange(0, 1, padding=0)
            self.scale.setYRange(low, high, padding=0.05)  # end tick values stay inside

    def clear(self) -> None:
        self.image.clear()
