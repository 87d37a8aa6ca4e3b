"""Views of ±1 patterns: a grid you can draw on, and clickable thumbnails of stored patterns.

Pixels are dark for +1 and light for -1; where a reference pattern is set, pixels that differ
from it are drawn in red (dark red for a wrong +1, pink for a wrong -1), so a recall can be
watched converging.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import QPointF, QSize, Qt, pyqtSignal
from PyQt5.QtGui import QIcon, QImage, QPixmap
from PyQt5.QtWidgets import QListView, QListWidget, QListWidgetItem

# index = (pixel is +1) + 2 * (pixel differs from the reference)
COLORS = np.array([[244, 244, 240], [31, 42, 68], [245, 183, 177], [192, 57, 43]], dtype=np.uint8)
MAX_THUMBNAILS = 100


def pattern_rgb(grid: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """An (N, N, 3) uint8 picture of a ±1 grid, pixels differing from ``reference`` in red."""
    grid = np.asarray(grid)
    index = (grid > 0).astype(np.intp)
    if reference is not None:
        index += 2 * (grid != reference)
    return COLORS[index]


class PatternGrid(pg.ImageItem):
    """An N x N ±1 state drawn as an image; click and drag to draw on it.

    A press flips the pixel under the mouse and the drag paints that new value on every pixel
    it crosses; ``edited`` fires after each change. Put it in a ViewBox with
    :func:`add_pattern_grid`.
    """

    edited = pyqtSignal()

    def __init__(self, N: int = 10):
        super().__init__(axisOrder="row-major")
        self.setCursor(Qt.CrossCursor)
        self._reference: np.ndarray | None = None
        self._paint_value = 1
        self._last: tuple[int, int] | None = None
        self._state: np.ndarray | None = None
        self.set_state(-np.ones((N, N), dtype=np.int8))

    @property
    def state(self) -> np.ndarray:
        """The shown state, an (N, N) int8 array of ±1 (a copy)."""
        return self._state.copy()

    @property
    def N(self) -> int:
        return self._state.shape[0]

    def set_state(self, grid) -> None:
        """Show a square ±1 grid (any N); a reference of another size is dropped."""
        grid = np.asarray(grid, dtype=np.int8)
        if grid.ndim != 2 or grid.shape[0] != grid.shape[1]:
            raise ValueError("the grid must be a square 2-d array")
        resized = self._state is None or grid.shape != self._state.shape
        self._state = grid.copy()
        if self._reference is not None and self._reference.shape != grid.shape:
            self._reference = None
        self._redraw()
        if resized and self.getViewBox() is not None:  # a new N: fit the view
            self.getViewBox().autoRange()

    def set_reference(self, reference) -> None:
        """Mark the pixels that differ from ``reference`` (an (N, N) grid, or None)."""
        reference = None if reference is None else np.array(reference)
        if not np.array_equal(reference, self._reference):  # (None equals only None)
            self._reference = reference
            self._redraw()

    def _redraw(self) -> None:
        self.setImage(pattern_rgb(self._state, self._reference), autoLevels=False,
                      levels=(0, 255))

    # -- drawing -------------------------------------------------------------------------------

    def _cell(self, pos: QPointF) -> tuple[int, int]:
        """The (row, column) of the pixel under ``pos`` (item coordinates: x is the column)."""
        clip = self.N - 1
        return (min(max(int(np.floor(pos.y())), 0), clip),
                min(max(int(np.floor(pos.x())), 0), clip))

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.LeftButton:
            event.ignore()
            return
        event.accept()
        row, col = self._last = self._cell(event.pos())
        self._paint_value = -int(self._state[row, col])
        self._paint_to(row, col)

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:
            self._paint_to(*self._cell(event.pos()))

    def mouseReleaseEvent(self, event) -> None:
        if self._last is not None:
            self._paint_to(*self._cell(event.pos()))
        self._last = None

    def _paint_to(self, row: int, col: int) -> None:
        """Paint the straight line of pixels from the last painted one to (row, col)."""
        (r0, c0), count = self._last, max(abs(row - self._last[0]), abs(col - self._last[1]))
        rows = np.rint(np.linspace(r0, row, count + 1)).astype(int)
        cols = np.rint(np.linspace(c0, col, count + 1)).astype(int)
        self._last = (row, col)
        if np.all(self._state[rows, cols] == self._paint_value):
            return
        self._state[rows, cols] = self._paint_value
        self._redraw()
        self.edited.emit()


def add_pattern_grid(layout: pg.GraphicsLayoutWidget, **position) -> PatternGrid:
    """A PatternGrid in a new square ViewBox of ``layout`` (row 0 at the top, no panning)."""
    view = layout.addViewBox(**position, lockAspect=True, invertY=True, enableMouse=False,
                             enableMenu=False, defaultPadding=0.02)
    grid = PatternGrid()
    view.addItem(grid)
    view.autoRange()
    return grid


class PatternThumbnails(QListWidget):
    """Small pictures of stored patterns in rows; clicking one emits ``selected(index)``."""

    selected = pyqtSignal(int)

    def __init__(self, size: int = 44, parent=None):
        super().__init__(parent)
        self.setViewMode(QListView.IconMode)
        self.setFlow(QListView.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.Adjust)
        self.setMovement(QListView.Static)
        self.setIconSize(QSize(size, size))
        self.setSpacing(2)
        self.setToolTip("Stored patterns: click one to select it as the cue")
        self.itemClicked.connect(self._clicked)

    def set_patterns(self, grids, labels) -> None:
        """Show the first MAX_THUMBNAILS grids with their labels (the rest are counted)."""
        self.clear()
        side = self.iconSize().width()
        for grid, label in zip(grids[:MAX_THUMBNAILS], labels):
            rgb = np.ascontiguousarray(pattern_rgb(grid))
            image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], 3 * rgb.shape[1],
                           QImage.Format_RGB888).scaled(side, side, Qt.IgnoreAspectRatio,
                                                        Qt.FastTransformation)
            self.addItem(QListWidgetItem(QIcon(QPixmap.fromImage(image)), label))
        if len(grids) > MAX_THUMBNAILS:
            more = QListWidgetItem(f"… {len(grids) - MAX_THUMBNAILS} more")
            more.setFlags(Qt.NoItemFlags)
            self.addItem(more)

    def select(self, index: int) -> None:
        """Highlight pattern ``index`` (without emitting ``selected``)."""
        self.blockSignals(True)
        self.setCurrentRow(index if 0 <= index < min(self.count(), MAX_THUMBNAILS) else -1)
        self.blockSignals(False)

    def _clicked(self, item: QListWidgetItem) -> None:
        row = self.row(item)
        if row < MAX_THUMBNAILS:
            self.selected.emit(row)
