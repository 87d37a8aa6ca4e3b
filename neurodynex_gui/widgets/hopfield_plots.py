"""The Hopfield tab's plots: overlaps and energy beside the pattern grid, and the weights."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .matrix_panel import MatrixPanel
from .pattern_grid import add_pattern_grid
from .plots import PlotPanel

CUE_PEN = pg.mkPen("#1f4e9c", width=3)
ENERGY_PEN = pg.mkPen("#8e44ad", width=2)
OTHER_COLORS = ("#ef7000", "#2ca02c", "#d62728", "#14a4b3", "#8c564b", "#e06bbc", "#7f7f7f")
MANY_COLOR = "#8f969c"


class HopfieldPanel(PlotPanel):
    """Overlaps with every stored pattern and the energy against time, the grid beside them.

    The panel keeps the run's numbers and redraws them on the 30 Hz timer. Up to
    ``len(OTHER_COLORS) + 1`` patterns get a curve each; with more, the cue keeps its own curve
    and all the others share one grey curve (one item to draw, however many patterns).
    :meth:`data` gives every pattern's overlap separately, and the grid's state.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        overlap = self.add_plot("overlap", "overlap m", "", x_unit="updates")
        self.add_plot("energy", "energy E", "", x_unit="updates", link_x="overlap")
        overlap.setYRange(-1.05, 1.05)
        self.items = [overlap.plot([], [], pen=CUE_PEN)]
        self.items += [overlap.plot([], [], pen=pg.mkPen(c, width=1)) for c in OTHER_COLORS]
        self.items[0].setZValue(1)
        self.energy_item = self.plots["energy"].plot([], [], pen=ENERGY_PEN, symbol="o",
                                                     symbolSize=5, symbolBrush="#8e44ad",
                                                     symbolPen=None)
        self.grid = add_pattern_grid(self, row=0, col=1, rowspan=2)
        self.ci.layout.setColumnStretchFactor(0, 1)
        self.ci.layout.setColumnStretchFactor(1, 1)
        self.groups: list[list[int]] = []  # the patterns drawn by each item
        self.set_history(np.zeros(0), np.zeros((0, 1)), np.zeros(0))

    def set_patterns(self, labels: list[str], cue: int) -> None:
        """Which curve shows which pattern (the cue boldly), named in the plot's title."""
        others = [i for i in range(len(labels)) if i != cue]
        few = len(others) < len(self.items)
        self.groups = [[cue]] + ([[i] for i in others] if few else [others])
        names = [f"<span style='color:{CUE_PEN.color().name()}'>━ {labels[cue]} (cue)</span>"]
        for item, group, color in zip(self.items[1:], self.groups[1:], OTHER_COLORS):
            color = color if few else MANY_COLOR
            item.setPen(pg.mkPen(color, width=1))
            names.append(f"<span style='color:{color}'>━ "
                         f"{labels[group[0]] if few else f'{len(group)} others'}</span>")
        self.plots["overlap"].setTitle("overlap with " + "&nbsp;&nbsp;".join(names), size="9pt")
        self.set_history(np.zeros(0), np.zeros((0, len(labels))), np.zeros(0))

    def set_history(self, t, overlaps, energy) -> None:
        """Show a whole run: times, overlaps (times x patterns) and energies."""
        self._t, self._m, self._e = [np.asarray(t, float)], [np.asarray(overlaps)], \
            [np.asarray(energy, float)]
        self.dirty = True

    def append(self, step) -> None:
        """Add one frame (a :class:`~neurodynex_gui.models.hopfield.Step`)."""
        self._t.append(np.array([step.t], float))
        self._m.append(step.overlaps[None, :])
        self._e.append(np.array([step.energy]))
        self.dirty = True

    def history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if len(self._t) > 1:
            self.set_history(np.concatenate(self._t), np.vstack(self._m), np.concatenate(self._e))
        return self._t[0], self._m[0], self._e[0]

    def clear_curves(self) -> None:
        self.set_history(np.zeros(0), np.zeros((0, self._m[0].shape[1])), np.zeros(0))

    def flush(self) -> None:
        if not self.dirty:
            return
        t, m, e = self.history()
        for index, item in enumerate(self.items):
            group = self.groups[index] if index < len(self.groups) else []
            item.setData(*_joined(t, m, group), connect="finite")
        self.energy_item.setData(t, e)
        self.dirty = False

    def data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        t, m, e = self.history()
        out = {f"overlap/pattern {i}": (t, m[:, i]) for i in range(m.shape[1])} if len(t) else {}
        if len(t):
            out["energy/energy"] = (t, e)
        state = self.grid.state.ravel().astype(float)
        out["grid/state"] = (np.arange(state.size, dtype=float), state)
        return out

    def x_label(self, key: str) -> str:
        return "pixel (row * N + column)" if key == "grid/state" else super().x_label(key)

    def y_label(self, key: str) -> str:
        return "state S (+1 or -1)" if key == "grid/state" else super().y_label(key)


class WeightPanel(MatrixPanel):
    """The weight matrix w_ij of the Hopfield network (neuron i, neuron j)."""


def _joined(t, m, patterns) -> tuple[np.ndarray, np.ndarray]:
    """The overlap curves of ``patterns`` one after the other, separated by NaN."""
    if not patterns or not len(t):
        return np.zeros(0), np.zeros(0)
    gap = np.full((len(patterns), 1), np.nan)
    x = np.hstack([np.tile(t, (len(patterns), 1)), gap])
    return x.ravel(), np.hstack([m[:, patterns].T, gap]).ravel()
