"""Geometric checks of what a window shows: every text inside its plot, none on another, no
label or button whose text is cut off, every curve in contrast with its background."""
from __future__ import annotations

import dataclasses
import itertools

import pyqtgraph as pg
from PyQt5.QtCore import QRectF
from PyQt5.QtGui import QPainter, QPicture, QTextDocument
from PyQt5.QtWidgets import (QAbstractButton, QGroupBox, QLabel, QStyle,
                             QStyleOptionGroupBox, QTabBar)

from neurodynex_gui import presentation

TOLERANCE = 2.0  # px: rectangles may touch (font metrics are a little larger than the ink)


@dataclasses.dataclass
class Text:
    """A text drawn in a plot scene, where it is and the area it must stay in."""

    what: str
    rect: QRectF
    bound: QRectF

    def __str__(self) -> str:
        r = self.rect
        return f"{self.what!r} at ({r.x():.0f}, {r.y():.0f}, {r.width():.0f}x{r.height():.0f})"


def scene_texts(view: pg.GraphicsView) -> list[Text]:
    """Axis, tick and title texts, legends, line labels and other text items of ``view``."""
    texts = []
    scene_rect = QRectF(view.rect())
    for item in view.scene().items():
        if not item.isVisible() or not _shown(item):
            continue
        if isinstance(item, pg.PlotItem):
            texts += _plot_texts(item)
        elif isinstance(item, pg.TextItem) and item.toPlainText().strip():
            box = _view_box(item)
            bound = box.sceneBoundingRect() if box is not None else scene_rect
            texts.append(Text(item.toPlainText(), _inked(item.textItem), bound))
        elif isinstance(item, pg.LegendItem) and item.items:
            texts.append(Text("legend " + ", ".join(label.text for _, label in item.items),
                              item.sceneBoundingRect(),
                              item.parentItem().sceneBoundingRect()))
        elif isinstance(item, pg.LabelItem) and _plain(item.text) and not any(
                isinstance(p, (pg.PlotItem, pg.LegendItem)) for p in _ancestors(item)):
            texts.append(Text(_plain(item.text), _inked(item.item), scene_rect))
    return texts


def _plot_texts(plot: pg.PlotItem) -> list[Text]:
    bound = plot.sceneBoundingRect()
    texts = []
    if plot.titleLabel.isVisible() and _plain(plot.titleLabel.text):
        texts.append(Text(_plain(plot.titleLabel.text),
                          _inked(plot.titleLabel.item), bound))
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        if not axis.isVisible():
            continue
        if axis.label.isVisible() and axis.labelText:
            texts.append(Text(axis.label.toPlainText(), _inked(axis.label), bound))
        texts += [Text(text, axis.mapRectToScene(rect), bound) for rect, text in _ticks(axis)]
    return texts


def _inked(text_item) -> QRectF:
    """The scene rectangle of a QGraphicsTextItem's text, without the document's margin."""
    margin = text_item.document().documentMargin()
    rect = text_item.boundingRect().adjusted(margin, margin, -margin, -margin)
    return text_item.mapRectToScene(rect)


def _ticks(axis: pg.AxisItem) -> list[tuple[QRectF, str]]:
    """The tick labels as the axis draws them."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(rect, text) for rect, _flags, text in specs[2]]


def _ancestors(item):
    parent = item.parentItem()
    while parent is not None:
        yield parent
        parent = parent.parentItem()


def _shown(item) -> bool:
    return all(parent.isVisible() for parent in _ancestors(item))


def _view_box(item):
    return next((p for p in _ancestors(item) if isinstance(p, pg.ViewBox)), None)


def _plain(html: str | None) -> str:
    document = QTextDocument()
    document.setHtml(html or "")
    return document.toPlainText().strip()


def text_problems(view: pg.GraphicsView) -> list[str]:
    """Texts that leave their plot (in-plot texts: its view box) or cover another text."""
    texts = scene_texts(view)
    problems = [f"{text} leaves its area {_box(text.bound)}" for text in texts
                if not text.bound.adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE,
                                           TOLERANCE).contains(text.rect)]
    for a, b in itertools.combinations(texts, 2):
        common = a.rect.intersected(b.rect)
        if common.width() > TOLERANCE and common.height() > TOLERANCE:
            problems.append(f"{a} overlaps {b}")
    return problems


def clipped_widgets(window) -> list[str]:
    """Visible labels, buttons and group box titles whose text does not fit."""
    problems = []
    for widget in window.findChildren((QLabel, QAbstractButton, QGroupBox)):
        if not widget.isVisible() or isinstance(widget.parent(), QTabBar):
            continue
        if isinstance(widget, QGroupBox):
            option = QStyleOptionGroupBox()
            widget.initStyleOption(option)
            label = widget.style().subControlRect(QStyle.CC_GroupBox, option,
                                                  QStyle.SC_GroupBoxLabel, widget)
            text, room = widget.title(), widget.width() - label.x()
        elif isinstance(widget, QLabel):
            if widget.wordWrap() or widget.textFormat() == 1 or "<" in widget.text():
                continue
            text, room = widget.text(), widget.contentsRect().width()
        else:  # a button, its text beside its margins (icons aside)
            if not widget.icon().isNull():
                continue
            text, room = widget.text(), widget.width() - 8
        need = max((widget.fontMetrics().horizontalAdvance(line)
                    for line in text.replace("&", "").splitlines()), default=0)
        if need > room + TOLERANCE:
            problems.append(f"{type(widget).__name__} '{text}' needs {need} px, has {room}")
    return problems


def low_contrast(view: pg.GraphicsView, minimum: float) -> list[str]:
    """Curves, markers and lines whose colour is too close to the view's background."""
    background = view.backgroundBrush().color()
    problems = []
    for item in view.scene().items():
        if not item.isVisible():
            continue
        for what, colour in _colours(item):
            ratio = presentation.contrast(colour, background)
            if ratio < minimum:
                problems.append(f"{type(item).__name__} {what} {colour.name()} on "
                                f"{background.name()}: contrast {ratio:.2f}")
    return problems


def _colours(item):
    if isinstance(item, pg.PlotDataItem):
        opts = item.opts
        if opts["pen"] is not None and item.xData is not None and len(item.xData):
            yield "pen", pg.mkPen(opts["pen"]).color()
        if opts.get("symbol") is not None and opts.get("symbolBrush") is not None:
            yield "symbol", pg.mkBrush(opts["symbolBrush"]).color()
    elif isinstance(item, pg.InfiniteLine):
        yield "line", item.pen.color()
        if getattr(item, "label", None) is not None and item.label.isVisible():
            yield "label", item.label.color
    elif isinstance(item, pg.ScatterPlotItem) and not isinstance(item.parentItem(),
                                                                   pg.PlotDataItem):
        for spot in item.points():
            yield "spot", spot.brush().color()


def _box(rect: QRectF) -> str:
    return f"({rect.x():.0f}, {rect.y():.0f}, {rect.width():.0f}x{rect.height():.0f})"
