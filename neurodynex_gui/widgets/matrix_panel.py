"""A matrix as an image (row i from the top, column j) with its colour scale beside it.

Used for weight matrices (colours symmetric about 0) and for activity maps (units x time,
levels from the data's range). A click on a cell emits ``cell_clicked(row, column)``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import Qt, pyqtSignal

from .heat_map import HeatMap
from .plots import PlotPanel


class MatrixPanel(PlotPanel):
    """One image plot named ``name`` and a colour bar labelled ``scale_label``."""

    cell_clicked = pyqtSignal(int, int)

    def __init__(self, name: str = "w", y_label: str = "neuron i", x_label: str = "neuron j",
                 scale_label: str = "w_ij", *, x_unit: str = "", symmetric: bool = True,
                 colormap: str = "CET-D1", square: bool = True, parent=None):
        super().__init__(parent)
        self.symmetric = symmetric
        self.heat_map = HeatMap(self, name, y_label, "", x_label=x_label, x_unit=x_unit,
                                scale_label=scale_label, colormap=colormap)
        self.matrix, self.image = self.heat_map.plot, self.heat_map.image
        self.matrix.invertY(True)
        self.matrix.setAspectLocked(square)
        self.values: np.ndarray | None = None
        self.marker = self.matrix.plot([], [], pen=pg.mkPen("#ffbf00", width=3))
        self.scene().sigMouseClicked.connect(self._clicked)

    def mark_cell(self, row: int | None, column: int | None = None) -> None:
        """Outline one cell (of a matrix drawn one unit per cell); None removes the outline."""
        if row is None:
            self.marker.setData([], [])
            return
        self.marker.setData([column, column + 1, column + 1, column, column],
                            [row, row, row + 1, row + 1, row])

    def show_matrix(self, values: np.ndarray | None, title: str,
                    rect: tuple[float, float, float, float] | None = None) -> None:
        """Draw ``values`` (None: clear) with a title; ``rect`` (x, y, width, height) places it
        in plot coordinates (default: one unit per cell)."""
        self.matrix.setTitle(title)
        self.values = None if values is None else np.asarray(values, float)
        if values is None:
            self.heat_map.clear()
            return
        finite = self.values[np.isfinite(self.values)]
        if self.symmetric:
            top = max(float(np.abs(finite).max()) if finite.size else 0.0, 1e-12)
            low, high = -top, top
        else:
            low = float(finite.min()) if finite.size else 0.0
            high = max(float(finite.max()) if finite.size else 1.0, low + 1e-12)
        rows, columns = self.values.shape
        self.heat_map.show(self.values, (low, high), rect or (0, 0, columns, rows))
        self.matrix.autoRange()

    def _clicked(self, event) -> None:
        if self.values is None or event.button() != Qt.LeftButton:
            return
        point = self.matrix.vb.mapSceneToView(event.scenePos())
        rect = self.image.mapRectToView(self.image.boundingRect())
        rows, columns = self.values.shape
        if not rect.contains(point):
            return
        column = int((point.x() - rect.left()) / rect.width() * columns)
        row = int((point.y() - rect.top()) / rect.height() * rows)
        self.cell_clicked.emit(min(row, rows - 1), min(column, columns - 1))
