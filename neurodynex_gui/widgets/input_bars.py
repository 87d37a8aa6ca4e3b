"""Inputs per unit as bars whose tops are dragged, and the final rates beside them."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5.QtCore import QSignalBlocker, pyqtSignal

from .plots import PlotPanel

INPUT_BRUSH = "#9ecae1"
WINNER_BRUSH = "#d62728"
RATE_BRUSH = "#555555"
MAX_HANDLES = 40  # more bars than this are shown, not dragged


class InputBars(PlotPanel):
    """Bars of the inputs (blue; the winners red) with a handle on each top, and thin grey
    bars of the final rates; ``changed(values)`` while a handle is dragged."""

    changed = pyqtSignal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = self.add_plot("inputs", "input I and final rate r", "", x_label="unit",
                                  x_unit="", legend=True)
        self.plot.setTitle("drag the top of a bar to change that unit's input")
        self.inputs_item = pg.BarGraphItem(x=[], height=[], width=0.6, brush=INPUT_BRUSH)
        self.rates_item = pg.BarGraphItem(x=[], height=[], width=0.2, brush=RATE_BRUSH)
        for item in (self.inputs_item, self.rates_item):
            self.plot.addItem(item)
        self.plot.legend.addItem(self.inputs_item, "input I (red: winner)")
        self.plot.legend.addItem(self.rates_item, "final rate r")
        self.values = np.zeros(0)
        self.winners = np.zeros(0, int)
        self.handles: list[pg.TargetItem] = []

    def set_values(self, values) -> None:
        """Show these inputs (one handle per bar up to MAX_HANDLES units)."""
        self.values = np.array(values, float)
        n = len(self.values)
        wanted = n if n <= MAX_HANDLES else 0
        while len(self.handles) > wanted:
            self.plot.removeItem(self.handles.pop())
        while len(self.handles) < wanted:
            handle = pg.TargetItem(size=12, symbol="s", pen="#1f4e9c", brush="#1f4e9c")
            handle.sigPositionChanged.connect(self._dragged)
            self.plot.addItem(handle)
            self.handles.append(handle)
        for i, handle in enumerate(self.handles):
            with QSignalBlocker(handle):
                handle.setPos(i, self.values[i])
        self._draw_inputs()
        self.plot.setXRange(-0.7, n - 0.3, padding=0)
        step = max(1, n // 10)  # whole units on the axis
        self.plot.getAxis("bottom").setTickSpacing(step, step)

    def show_rates(self, rates, winners) -> None:
        """The final rate of each unit and the winners (the active units)."""
        self.winners = np.asarray(winners, int)
        rates = np.asarray(rates, float)
        self.rates_item.setOpts(x=np.arange(len(rates)) + 0.3, height=rates)
        self._draw_inputs()

    def _draw_inputs(self) -> None:
        brushes = [WINNER_BRUSH if i in self.winners else INPUT_BRUSH
                   for i in range(len(self.values))]
        self.inputs_item.setOpts(x=np.arange(len(self.values)), height=self.values,
                                 brushes=brushes)

    def _dragged(self, handle: pg.TargetItem) -> None:
        i = self.handles.index(handle)
        if handle.pos().x() != i:  # bars move up and down only
            with QSignalBlocker(handle):
                handle.setPos(i, handle.pos().y())
        self.values[i] = handle.pos().y()
        self._draw_inputs()
        self.changed.emit(self.values.copy())

    def data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        units = np.arange(len(self.values), dtype=float)
        return {"inputs/input I": (units, self.values.copy())} if len(units) else {}
