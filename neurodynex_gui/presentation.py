"""Presentation mode and themes: bigger fonts, thicker lines and larger markers for a projector.

``Look(scale, theme)`` is applied to a whole window: the application font, and every pyqtgraph
view in it (tick and label fonts, curve pens, symbols, background and axis colours). The
original sizes are remembered on each item, so applying scale 1 restores them exactly and
applying twice does not compound.
"""
from __future__ import annotations

import dataclasses

import pyqtgraph as pg
from PyQt5.QtGui import QColor, QFont, QPalette
from PyQt5.QtWidgets import QApplication

THEMES = {
    # name: (plot background, plot foreground, dark widgets)
    "light": ("w", "k", False),
    "projector": ("w", "#000000", False),   # high contrast, heavier lines (see _PEN_BOOST)
    "dark": ("#1e1e1e", "#e8e8e8", True),
}
_PEN_BOOST = {"light": 1.0, "projector": 1.5, "dark": 1.0}
_BASE = "_ndx_base"  # attribute holding an item's original sizes


@dataclasses.dataclass(frozen=True)
class Look:
    """How the window looks: size ``scale`` (1 = normal) and a theme from THEMES."""

    scale: float = 1.0
    theme: str = "light"

    @property
    def pen_scale(self) -> float:
        return self.scale * _PEN_BOOST[self.theme]


_app_font: QFont | None = None
_current = Look()


def apply(window, look: Look) -> None:
    """Apply ``look`` to the application font and every plot inside ``window``."""
    global _app_font, _current
    app = QApplication.instance()
    if _app_font is None:
        _app_font = QFont(app.font())
    font = QFont(_app_font)
    font.setPointSizeF(_app_font.pointSizeF() * look.scale)
    app.setFont(font)
    app.setPalette(_palette(look.theme))
    _current = look
    for view in window.findChildren(pg.GraphicsView):
        style_view(view, look)


def refresh(widget) -> None:
    """Style the plots inside ``widget`` (after new items appear) for the current look; new
    items already have the default look, so a run in the default look costs nothing here."""
    if _current == Look():
        return
    for view in widget.findChildren(pg.GraphicsView):
        style_view(view, _current)


def style_view(view: pg.GraphicsView, look: Look) -> None:
    background, foreground, _ = THEMES[look.theme]
    view.setBackground(background)
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            _style_axis(item, look, foreground)
        elif isinstance(item, pg.PlotDataItem):
            _style_curve(item, look)
        elif isinstance(item, pg.InfiniteLine):
            _style_line(item, look)
        elif isinstance(item, pg.LegendItem):
            _style_legend(item, look, foreground)
        elif isinstance(item, pg.LabelItem) and not isinstance(item.parentItem(),
                                                                 pg.LegendItem):
            _style_label(item, look, foreground)


def _base(item, **originals):
    """The item's original sizes, recorded the first time it is styled."""
    if not hasattr(item, _BASE):
        setattr(item, _BASE, originals)
    return getattr(item, _BASE)


def _normal_points() -> float:
    """The application's font size before any scaling."""
    return (_app_font or QApplication.font()).pointSizeF()


def _style_axis(axis: pg.AxisItem, look: Look, foreground: str) -> None:
    base = _base(axis, tick=_normal_points(),
                 width=axis.fixedWidth if axis.orientation in ("left", "right") else None)
    tick_font = QFont(axis.style["tickFont"] or QApplication.font())
    tick_font.setPointSizeF(base["tick"] * look.scale)
    axis.setTickFont(tick_font)
    axis.setPen(foreground)
    axis.setTextPen(foreground)
    axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                  **{"font-size": f"{base['tick'] * look.scale:.1f}pt", "color": foreground})
    if base["width"]:
        axis.setWidth(int(base["width"] * look.scale))


def _points(size, default: float) -> float:
    """A pyqtgraph text size such as '9pt' (or None) in points."""
    return float(str(size).removesuffix("pt")) if size else default


def _style_label(label: pg.LabelItem, look: Look, foreground: str) -> None:
    """Plot titles and captions: scaled, in the theme's text colour."""
    base = _base(label, size=_points(label.opts.get("size"), _normal_points()),
                 color=label.opts.get("color"))
    color = foreground if look.theme == "dark" or base["color"] is None else base["color"]
    label.setText(label.text, size=f"{base['size'] * look.scale:.1f}pt", color=color)


def _style_legend(legend: pg.LegendItem, look: Look, foreground: str) -> None:
    base = _base(legend, size=_points(legend.opts.get("labelTextSize"), 9.0))
    size = f"{base['size'] * look.scale:.1f}pt"
    legend.setLabelTextSize(size)
    legend.setLabelTextColor(foreground)
    for _sample, label in legend.items:  # existing entries are only re-rendered by setText
        label.setText(label.text, size=size, color=foreground)


def _style_curve(item: pg.PlotDataItem, look: Look) -> None:
    opts = item.opts
    pen = pg.mkPen(opts["pen"]) if opts["pen"] is not None else None
    base = _base(item, width=pen.widthF() if pen is not None else None,
                 symbol=opts.get("symbolSize"))
    if pen is not None:
        pen.setWidthF(_scaled_width(base["width"], look))
        item.setPen(pen)
    if opts.get("symbol") is not None and base["symbol"]:
        item.setSymbolSize(base["symbol"] * look.scale)


def _style_line(line: pg.InfiniteLine, look: Look) -> None:
    base = _base(line, width=line.pen.widthF())
    pen = pg.mkPen(line.pen)
    pen.setWidthF(_scaled_width(base["width"], look))
    line.setPen(pen)


def _scaled_width(width: float, look: Look) -> float:
    """A pen width for ``look``; width 0 (one device pixel) counts as 1."""
    return width if look.pen_scale == 1.0 else max(width, 1.0) * look.pen_scale


def _palette(theme: str) -> QPalette:
    if not THEMES[theme][2]:
        return QApplication.style().standardPalette()
    palette = QPalette()
    dark, text = QColor("#2b2b2b"), QColor("#e8e8e8")
    for role, color in ((QPalette.Window, dark), (QPalette.WindowText, text),
                        (QPalette.Base, QColor("#1e1e1e")), (QPalette.Text, text),
                        (QPalette.Button, dark), (QPalette.ButtonText, text),
                        (QPalette.Highlight, QColor("#3d7bd9")),
                        (QPalette.HighlightedText, QColor("#ffffff")),
                        (QPalette.ToolTipBase, dark), (QPalette.ToolTipText, text)):
        palette.setColor(role, color)
    return palette
