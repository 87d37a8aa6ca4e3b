"""Texts that stay readable at any size: a plot keeps its axis labels, title, legend and line
labels inside itself and off each other, whatever the window's size and font scale.

Axis labels and titles shrink to the room they have (and grow back); a legend shrinks about its
anchored corner to fit its view; a line's label moves to the side of its line where it fits and
covers no other text; legends and line labels get a box of the background colour, so that curves
do not run through them; a plot whose x axis is shared with the plot right below it, under the
same label, leaves that label and the tick values to the lower plot. A fit runs once per
event-loop turn after the plot's size or range changed, and changes only what does not fit.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5 import sip
from PyQt5.QtCore import QRectF, QTimer
from PyQt5.QtGui import QColor, QFont, QFontMetricsF
from PyQt5.QtWidgets import QApplication

BOX_ALPHA = 220  # opacity of the boxes behind legends and line labels
MARGIN = 4.0     # px kept free around a text
TITLE_HEIGHT = 30  # px: pyqtgraph's height of a plot's title row
_STATE = "_ndx_fit"  # on an item: (size wanted, size applied), to tell our changes from others'


def keep_fitted(plot: pg.PlotItem) -> None:
    """Fit ``plot``'s texts now and whenever its size or view range changes."""
    if getattr(plot, "_ndx_fitted", False):
        return
    plot._ndx_fitted = True
    plot.geometryChanged.connect(lambda: _schedule(plot))
    plot.vb.sigResized.connect(lambda: _schedule(plot))
    plot.vb.sigRangeChanged.connect(lambda: _schedule(plot))
    _schedule(plot)


def refit(view: pg.GraphicsView) -> None:
    """Fit the texts of every plot in ``view`` again (after fonts or colours changed), and
    from now on."""
    for item in view.scene().items():
        if isinstance(item, pg.PlotItem):
            keep_fitted(item)
            _schedule(item)


_pending: list[pg.PlotItem] = []  # plots to fit at the next turn of the event loop
_timer: QTimer | None = None


def _schedule(plot: pg.PlotItem) -> None:
    global _timer
    if _timer is None:
        _timer = QTimer()
        _timer.setSingleShot(True)
        _timer.timeout.connect(_fit_pending)
    if not any(plot is other for other in _pending):
        _pending.append(plot)
    _timer.start()


def _fit_pending() -> None:
    plots = list(_pending)
    _pending.clear()
    for plot in plots:
        fit(plot)


def fit(plot: pg.PlotItem) -> None:
    if sip.isdeleted(plot) or plot.scene() is None or not plot.isVisible():
        return
    _share_x_label(plot)
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        if axis.isVisible() and axis.label.isVisible() and axis.labelText:
            _fit_axis_label(axis)
        if axis.isVisible():
            _fit_ticks(axis)
    _fit_title(plot)
    box = plot.vb.sceneBoundingRect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
    fill = _box_colour(plot)
    taken = []
    legend = plot.legend
    if legend is not None and legend.isVisible() and legend.items:
        if not hasattr(legend, "_ndx_fitted"):  # it grows with its entries and fonts
            legend._ndx_fitted = legend.geometryChanged.connect(lambda: _schedule(plot))
        legend.setBrush(fill)
        _fit_legend(legend, box)
        taken.append(legend.sceneBoundingRect())
    for item in plot.items:
        if sip.isdeleted(item):
            continue
        label = getattr(item, "label", None)
        if isinstance(item, pg.InfiniteLine) and isinstance(label, pg.InfLineLabel) \
                and item.isVisible() and label.isVisible():
            item.setZValue(max(item.zValue(), 20))  # its label over the curves
            label.fill = pg.mkBrush(fill)
            label.update()
            taken.append(_place(label, box, taken))


def _points(style_size, default: float) -> float:
    return float(str(style_size).removesuffix("pt")) if style_size else default


def _wanted(item, current: float) -> float:
    """The size asked for: ours if the item still has the size we gave it, else its own."""
    state = item.get(_STATE) if isinstance(item, dict) else getattr(item, _STATE, None)
    return state[0] if state is not None and abs(state[1] - current) < 0.05 else current


def _fitted_size(wanted: float, natural: float, room: float) -> float:
    """The size at which a text ``natural`` px long at ``wanted`` fits ``room`` px."""
    return wanted if natural <= room else wanted * max(room, 1.0) / natural


def _fit_axis_label(axis: pg.AxisItem) -> None:
    current = _points(axis.labelStyle.get("font-size"), QApplication.font().pointSizeF())
    wanted = _wanted(axis, current)
    font = QFont(axis.label.font())
    font.setPointSizeF(wanted)
    natural = QFontMetricsF(font).horizontalAdvance(axis.label.toPlainText().strip())
    vertical = axis.orientation in ("left", "right")
    margins = 2 * (MARGIN + axis.label.document().documentMargin())  # the item's own too
    room = (axis.height() if vertical else axis.width()) - margins
    size = round(_fitted_size(wanted, natural, room), 1)
    setattr(axis, _STATE, (wanted, size))
    if abs(size - current) >= 0.05:
        axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                      **{**axis.labelStyle, "font-size": f"{size:.1f}pt"})
        axis.resizeEvent()  # centres the label again (an axis of fixed width is not resized)


def _fit_ticks(axis: pg.AxisItem) -> None:
    """Smaller tick values on an axis too short for them side by side (bottom) or one above
    the other (left, right): pyqtgraph draws at least two intervals, however short the axis."""
    font = QFont(axis.style["tickFont"] or QApplication.font())
    current = font.pointSizeF()
    wanted = _wanted(axis.style, current)
    low, high = axis.range
    across = axis.orientation in ("top", "bottom")
    length = axis.width() if across else axis.height()
    levels = axis.tickSpacing(low, high, length) if high > low and length > 1 else []
    if not levels:
        return
    step = levels[0][0]
    spacing = step / (high - low) * length
    font.setPointSizeF(wanted)
    metrics = QFontMetricsF(font)
    if across:
        values = np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step
        texts = axis.tickStrings(list(values), axis.autoSIPrefixScale * axis.scale, step)
        needed = max((metrics.horizontalAdvance(text) for text in texts), default=0.0) + MARGIN
    else:
        needed = 1.1 * metrics.height()
    size = round(_fitted_size(wanted, needed, spacing), 1)
    axis.style[_STATE] = (wanted, size)
    if abs(size - current) >= 0.05:
        font.setPointSizeF(size)
        axis.setTickFont(font)


def _fit_title(plot: pg.PlotItem) -> None:
    title = plot.titleLabel
    if not title.isVisible() or not title.text:
        return
    current = _points(title.opts.get("size"), QApplication.font().pointSizeF())
    wanted = _wanted(title, current)
    margin = title.item.document().documentMargin()
    natural = (title.item.boundingRect().width() - 2 * margin) * wanted / current
    size = round(_fitted_size(wanted, natural, plot.width() - 2 * MARGIN), 1)
    setattr(title, _STATE, (wanted, size))
    if abs(size - current) >= 0.05:
        title.setText(title.text, size=f"{size:.1f}pt")
    height = max(TITLE_HEIGHT, title.item.boundingRect().height() - margin)
    if abs(title.maximumHeight() - height) > 0.5:  # pyqtgraph fixes the title's row at 30 px
        title.setMaximumHeight(height)
        plot.layout.setRowFixedHeight(0, height)


def _fit_legend(legend: pg.LegendItem, box: QRectF) -> None:
    """Shrink the legend about its anchored corner if it is larger than its view."""
    width, height = legend.width(), legend.height()
    if width <= 0 or height <= 0:
        return
    dx, dy = (abs(v) for v in (legend.opts.get("offset") or (0, 0)))
    scale = min(1.0, (box.width() - dx) / width, (box.height() - dy) / height)
    if abs(scale - legend.scale()) > 1e-3:
        scale_legend(legend, scale)


def scale_legend(legend: pg.LegendItem, scale: float) -> None:
    """Scale a legend, keeping its anchored corner in place (pyqtgraph draws legends unscaled
    by the view, and places them again, scale included, only when their size changes)."""
    legend.setScale(scale)
    anchoring = [getattr(legend, f"_GraphicsWidgetAnchor__{name}", None)
                 for name in ("itemAnchor", "parentAnchor", "offset")]
    if None not in anchoring:
        legend.anchor(*anchoring)


def _place(label: pg.InfLineLabel, box: QRectF, taken: list[QRectF]) -> QRectF:
    """Anchor ``label`` on the side of its line where it stays in ``box`` and covers nothing
    in ``taken`` (the preferred side first); the least bad side if none is free."""
    preferred = getattr(label, "_ndx_anchors", None)
    if preferred is None:
        preferred = label._ndx_anchors = list(label.anchors)
    first = label.anchor if tuple(label.anchor) in map(tuple, preferred) else preferred[0]
    ax, ay = first
    sides = [(ax, ay), (1 - ax, ay), (ax, 1 - ay), (1 - ax, 1 - ay)]
    best, best_cost = sides[0], None
    for side in dict.fromkeys(sides):
        label.setAnchor(side)
        rect = label.sceneBoundingRect()
        outside = rect.width() * rect.height() - _area(rect.intersected(box))
        cost = outside + sum(_area(rect.intersected(other)) for other in taken)
        if best_cost is None or cost < best_cost:
            best, best_cost = side, cost
        if cost <= 1.0:
            break
    label.setAnchor(best)
    label.anchors = [best, best]  # pyqtgraph's own repositioning keeps the side
    return label.sceneBoundingRect()


def _area(rect: QRectF) -> float:
    return max(rect.width(), 0.0) * max(rect.height(), 0.0)


def _box_colour(plot: pg.PlotItem) -> QColor:
    views = plot.scene().views() if plot.scene() is not None else []
    colour = QColor(views[0].backgroundBrush().color()) if views else QColor("white")
    if colour.alpha() == 0:
        colour = QColor("white")
    colour.setAlpha(BOX_ALPHA)
    return colour


def _x_root(plot: pg.PlotItem) -> pg.ViewBox:
    view = plot.vb
    seen = set()
    while view.linkedView(pg.ViewBox.XAxis) is not None and id(view) not in seen:
        seen.add(id(view))
        view = view.linkedView(pg.ViewBox.XAxis)
    return view


def _share_x_label(plot: pg.PlotItem) -> None:
    """Leave the x label and tick values out if the plot right below shows the same x axis
    under the same label."""
    axis = plot.getAxis("bottom")
    if not axis.labelText:
        return
    mine = plot.sceneBoundingRect()
    root = _x_root(plot)
    below = any(
        isinstance(other, pg.PlotItem) and other is not plot and not sip.isdeleted(other)
        and other.isVisible() and other.getAxis("bottom").labelText == axis.labelText
        and _x_root(other) is root
        and abs(other.sceneBoundingRect().top() - mine.bottom()) < 20
        and other.sceneBoundingRect().intersected(mine.translated(0, 20)).width()
        > 0.5 * mine.width()
        for other in plot.scene().items())
    if axis.label.isVisible() == below:
        axis.showLabel(not below)
        axis.setStyle(showValues=not below)
