"""Stacked pyqtgraph plots with named curves, live buffers and export in the context menu.

Chunks are appended to a curve's buffer at any rate; a single-shot timer, started when data
arrives, redraws dirty curves at most about 30 times a second, never once per sample, and does
not tick while nothing changes.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import QTimer, pyqtSignal

from . import text_fit

REDRAW_MS = 33
LEFT_AXIS_WIDTH = 80  # the same for every plot, so stacked plots line up


class LiveCurve:
    """A plot curve fed in pieces; ``flush`` draws what arrived since the last frame."""

    def __init__(self, item: pg.PlotDataItem, on_data=None):
        self.item = item
        self._on_data = on_data  # called when new data waits to be drawn
        self._xs: list[np.ndarray] = []
        self._ys: list[np.ndarray] = []
        self.dirty = False

    def append(self, x, y) -> None:
        self._xs.append(np.asarray(x, dtype=float))
        self._ys.append(np.asarray(y, dtype=float))
        self._changed()

    def set(self, x, y) -> None:
        self._xs, self._ys = [np.asarray(x, dtype=float)], [np.asarray(y, dtype=float)]
        self._changed()

    def _changed(self) -> None:
        self.dirty = True
        if self._on_data is not None:
            self._on_data()

    def clear(self) -> None:
        self._xs, self._ys = [], []
        self.item.setData([], [])
        self.dirty = False

    def flush(self) -> None:
        if not self.dirty:
            return
        if len(self._xs) > 1:
            self._xs, self._ys = [np.concatenate(self._xs)], [np.concatenate(self._ys)]
        if self._xs:
            self.item.setData(self._xs[0], self._ys[0])
        self.dirty = False


class PlotPanel(pg.GraphicsLayoutWidget):
    """Named plots stacked in one column; ``export_requested`` comes from their menus.

    Setting ``dirty`` (as a curve does when data arrives) schedules one ``flush`` within
    ``REDRAW_MS``; a subclass with its own buffers sets it too and overrides ``flush``.
    """

    export_requested = pyqtSignal(str)  # "figure" or "data"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[tuple[str, str], LiveCurve] = {}
        self._dirty = False
        self._smooth: dict[tuple[str, str], bool] = {}  # antialiasing, while a drag is quick
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.flush)

    @property
    def dirty(self) -> bool:
        """Whether data waits to be drawn."""
        return self._dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        self._dirty = bool(value)
        if value and not self._timer.isActive():
            self._timer.start()

    def add_plot(self, name: str, y_label: str, y_unit: str, *, x_label: str = "time",
                 x_unit: str = "ms", link_x: str | None = None,
                 legend: bool = False) -> pg.PlotItem:
        plot = self.addPlot(row=len(self.plots), col=0)
        text_fit.keep_fitted(plot)
        plot.setLabel("left", f"{y_label} ({y_unit})" if y_unit else y_label)
        plot.setLabel("bottom", f"{x_label} ({x_unit})" if x_unit else x_label)
        plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        plain_axes(plot)
        plot.showGrid(x=True, y=True, alpha=0.2)
        if link_x is not None:
            plot.setXLink(self.plots[link_x])
        if legend:
            plot.addLegend(offset=(-10, 10))
        menu = plot.getViewBox().menu
        menu.addSeparator()
        menu.addAction("Export figure (PNG/SVG)…", lambda: self.export_requested.emit("figure"))
        menu.addAction("Export data (CSV/NPZ)…", lambda: self.export_requested.emit("data"))
        self.plots[name] = plot
        return plot

    def add_curve(self, plot: str, name: str, *, listed: bool = True, peaks: bool = False,
                  **style) -> LiveCurve:
        """A named curve of ``plot`` (in its data and exports); ``listed=False`` keeps it out
        of the plot's legend. ``peaks=True`` draws a long trace as pyqtgraph's peak
        downsampling does (the lowest and highest value per pixel column, so that no spike is
        lost) and only the part in view. Its data (``data()``, exports) keep every sample."""
        item = self.plots[plot].plot([], [], name=name if listed else None, **style)
        if peaks:
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        if item.opts["pen"] is not None and pg.mkPen(item.opts["pen"]).widthF() > 1:
            # as line segments: Qt strokes a thick antialiased polyline as one path, 4-5
            # times slower (41 instead of 9 ms for a 5000-point limit cycle and its time
            # plot; a drag that re-runs the LIF drew 15 runs a second, not 35)
            item.curve.setSegmentedLineMode("on")
        curve = LiveCurve(item, on_data=self._data_arrived)
        self.curves[(plot, name)] = curve
        return curve

    def curve(self, plot: str, name: str) -> LiveCurve:
        return self.curves[(plot, name)]

    def remove_curve(self, curve: LiveCurve) -> None:
        key = next(k for k, c in self.curves.items() if c is curve)
        self.plots[key[0]].removeItem(self.curves.pop(key).item)

    def rename_curve(self, curve: LiveCurve, name: str) -> None:
        """Give ``curve`` a new name (its key here, in exports and in the legend)."""
        key = next(k for k, c in self.curves.items() if c is curve)
        if key[1] == name:
            return
        if self.curves.get((key[0], name), curve) is not curve:
            raise ValueError(f"name: plot '{key[0]}' has a curve '{name}' already")
        self.curves = {((key[0], name) if k == key else k): c for k, c in self.curves.items()}
        curve.item.opts["name"] = name
        legend = self.plots[key[0]].legend
        label = legend.getLabel(curve.item) if legend is not None else None
        if label is not None:
            label.setText(name)

    def remove_curves(self, plot: str) -> None:
        """Every curve of one plot."""
        for key in [key for key in self.curves if key[0] == plot]:
            self.remove_curve(self.curves[key])

    def _data_arrived(self) -> None:
        self.dirty = True

    def flush(self) -> None:
        for curve in self.curves.values():
            curve.flush()
        self._dirty = False

    def set_quick(self, quick: bool) -> None:
        """Lines without antialiasing while ``quick`` (a slider is dragged): a spiking trace
        zig-zags over the whole plot, and its 2 px antialiased line took 25-50 ms to paint
        against 6-10 ms without (LIF at 2-5 nA); the still picture is drawn smooth again."""
        if quick and not self._smooth:
            self._smooth = {key: curve.item.opts["antialias"]
                            for key, curve in self.curves.items()}
        for key, curve in self.curves.items():
            item = curve.item  # its opts are the line's at its next setData
            item.opts["antialias"] = False if quick else self._smooth.get(key,
                                                                          item.opts["antialias"])
            item.curve.opts["antialias"] = item.opts["antialias"]
            item.curve.update()
        if not quick:
            self._smooth = {}

    def clear_curves(self) -> None:
        for curve in self.curves.values():
            curve.clear()

    def data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The data of every non-empty curve, keyed ``plot/curve``."""
        self.flush()
        out = {}
        for (plot, name), curve in self.curves.items():
            x, y = curve.item.xData, curve.item.yData  # all samples, not the drawn subset
            if x is not None and len(x):
                out[f"{plot}/{name}"] = (np.asarray(x), np.asarray(y))
        return out

    def x_label(self, key: str) -> str:
        plot = key.split("/", 1)[0]
        return self.plots[plot].getAxis("bottom").labelText or "x"

    def y_label(self, key: str) -> str:
        plot = key.split("/", 1)[0]
        return self.plots[plot].getAxis("left").labelText or "y"


def plain_axes(plot: pg.PlotItem, sides: tuple[str, ...] = ("left", "bottom")) -> None:
    """Units as labelled: no automatic SI prefix such as "(x0.001)" on the axes."""
    for side in sides:
        axis = plot.getAxis(side)
        axis.enableAutoSIPrefix(False)
        axis.autoSIPrefixScale = 1.0  # pyqtgraph 0.14 computes a scale even when disabling
        axis.picture = None
        axis.update()


UNIT_SUFFIXES = {"Hz": "Hz", "mV": "mV", "deg": "degrees", "nA": "nA", "uA": "µA", "ms": "ms",
                 "kHz": "kHz"}


def split_unit(column: str) -> tuple[str, str]:
    """'rate_Hz' -> ('rate', 'Hz'); a name without a known unit suffix has none."""
    stem, _, suffix = column.rpartition("_")
    if stem and suffix in UNIT_SUFFIXES:
        return stem.replace("_", " "), UNIT_SUFFIXES[suffix]
    return column.replace("_", " "), ""


def show_sweep(panel: PlotPanel, sweep) -> None:
    """Draw a SweepResult: one plot per column against the swept value, the answer marked by a
    line with its value and stated in full above the first plot."""
    panel.clear()
    panel.plots.clear()
    panel.curves.clear()
    x_name, _, unit = sweep.x_label.partition(" (")
    first = None
    for column, values in sweep.columns.items():
        label, y_unit = split_unit(column)
        panel.add_plot(column, label, y_unit, x_label=x_name, x_unit=unit.rstrip(")"),
                       link_x=first)
        panel.add_curve(column, column, pen=pg.mkPen("#1f77b4", width=2), symbol="o",
                        symbolSize=5, symbolBrush="#1f77b4").set(sweep.x, values)
        if sweep.answer is not None:
            panel.plots[column].addItem(pg.InfiniteLine(
                sweep.answer, angle=90, pen=pg.mkPen("#d62728", width=2, style=2),
                label=f"{sweep.answer:.4g} {unit.rstrip(')')}".strip(),
                labelOpts={"position": 0.85, "color": "#d62728"}))
        if first is None and sweep.answer_text:
            panel.plots[column].setTitle(sweep.answer_text)
        first = first or column
    panel.flush()


def view_ranges(panel: pg.GraphicsLayoutWidget) -> dict[str, list]:
    """{plot name: [[x0, x1], [y0, y1]]} of a PlotPanel, for sessions."""
    return {name: [list(map(float, r)) for r in plot.getViewBox().viewRange()]
            for name, plot in getattr(panel, "plots", {}).items()}


def set_view_ranges(panel: pg.GraphicsLayoutWidget, ranges: dict) -> None:
    """Show the saved axis ranges (plots that do not exist are skipped)."""
    for name, (x_range, y_range) in ranges.items():
        plot = getattr(panel, "plots", {}).get(name)
        if plot is not None:
            plot.setRange(xRange=x_range, yRange=y_range, padding=0)
