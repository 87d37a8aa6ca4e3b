"""Presentation mode and themes: bigger fonts, thicker lines and larger markers for a projector.

``Look(scale, theme)`` is applied to a whole window: the application font, and every pyqtgraph
view in it (tick and label fonts, curve pens, symbols, background and axis colours). The
original sizes are remembered on each item, so applying scale 1 restores them exactly and
applying twice does not compound. A theme keeps every curve, marker and line label in contrast
with its background: a colour too close to it is drawn as a lighter or darker variant of the
same hue (:func:`themed`), and the original comes back with a theme where it stands out.
"""
from __future__ import annotations

import dataclasses

import pyqtgraph as pg
from PyQt5.QtCore import QEvent
from PyQt5.QtGui import QColor, QFont, QPalette
from PyQt5.QtWidgets import QApplication, QComboBox, QWidget

from .widgets import text_fit


@dataclasses.dataclass(frozen=True)
class Theme:
    """Plot background and text colour, dark widgets or not, the contrast every curve keeps
    with the background (WCAG ratio: 3 for graphics, 4.5 for text) and a pen width factor."""

    background: str
    foreground: str
    dark: bool = False
    contrast: float = 3.0
    pen_boost: float = 1.0


THEMES = {
    "light": Theme("#ffffff", "#000000"),
    "projector": Theme("#ffffff", "#000000", contrast=4.5, pen_boost=1.5),  # washed-out beamers
    "dark": Theme("#1e1e1e", "#e8e8e8", dark=True, contrast=4.5),  # thin lines fade on dark
}
_BASE = "_ndx_base"  # attribute holding an item's original sizes
_ORIGINAL: dict[int, QColor] = {}  # rgba of a contrasting variant -> the colour it replaces


@dataclasses.dataclass(frozen=True)
class Look:
    """How the window looks: size ``scale`` (1 = normal) and a theme from THEMES."""

    scale: float = 1.0
    theme: str = "light"

    @property
    def pen_scale(self) -> float:
        return self.scale * THEMES[self.theme].pen_boost


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
    _refresh_fonts(window)
    _current = look
    for view in window.findChildren(pg.GraphicsView):
        style_view(view, look)


def _refresh_fonts(window) -> None:
    """Widgets that Qt 5 leaves at the old font: those with a style sheet keep the font they
    were polished with, combo boxes their minimum size."""
    QApplication.sendPostedEvents()  # the font changes
    for widget in window.findChildren(QWidget):
        if widget.styleSheet():
            widget.setStyleSheet(widget.styleSheet())
        if isinstance(widget, QComboBox):
            QApplication.sendEvent(widget, QEvent(QEvent.StyleChange))


def remeasure(window) -> None:
    """Make every layout in ``window`` measure its widgets again (after a font change)."""
    for widget in window.findChildren(QWidget):
        if widget.layout() is not None:
            _invalidate(widget.layout())
    window.layout().invalidate()


def _invalidate(layout) -> None:
    for index in range(layout.count()):
        nested = layout.itemAt(index).layout()
        if nested is not None:
            _invalidate(nested)
    layout.invalidate()


def refresh(widget) -> None:
    """Style the plots inside ``widget`` (after new items appear) for the current look; new
    items already have the default look, so a run in the default look costs nothing here."""
    if _current == Look():
        return
    for view in _views(widget):
        style_view(view, _current)


def _views(widget) -> list[pg.GraphicsView]:
    views = widget.findChildren(pg.GraphicsView)
    return [widget] + views if isinstance(widget, pg.GraphicsView) else views


def style_view(view: pg.GraphicsView, look: Look) -> None:
    theme = THEMES[look.theme]
    view.setBackground(theme.background)
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            _style_axis(item, look, theme.foreground)
        elif isinstance(item, pg.PlotDataItem):
            _style_curve(item, look)
        elif isinstance(item, pg.InfiniteLine):
            _style_line(item, look)
        elif isinstance(item, pg.TextItem):
            _style_text(item, look)
        elif isinstance(item, pg.ScatterPlotItem) and not isinstance(item.parentItem(),
                                                                       pg.PlotDataItem):
            _style_spots(item, look)
        elif isinstance(item, pg.ArrowItem):
            item.setStyle(brush=themed(item.opts["brush"], look))
        elif isinstance(item, pg.LegendItem):
            _style_legend(item, look, theme.foreground)
        elif isinstance(item, pg.LabelItem) and not isinstance(item.parentItem(),
                                                                 pg.LegendItem):
            _style_label(item, look, theme.foreground)
    text_fit.refit(view)


def contrast(a, b) -> float:
    """The WCAG contrast ratio of two colours (1: the same luminance, 21: black on white)."""
    high, low = sorted((_luminance(pg.mkColor(a)), _luminance(pg.mkColor(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def themed(colour, look: Look | None = None) -> QColor:
    """``colour`` as the theme of ``look`` (default: the current one) draws it: the original
    colour if it has the theme's contrast with the background, else a variant of the same hue
    and saturation: on a dark background the mirrored lightness (black becomes near white) if
    that has the contrast, else the nearest lightness that has it."""
    theme = THEMES[(look or _current).theme]
    colour = pg.mkColor(colour)
    original = QColor(_ORIGINAL.get(colour.rgba(), colour))
    if contrast(original, theme.background) >= theme.contrast:
        return original
    hue, saturation, lightness, alpha = original.getHslF()
    hue = max(hue, 0.0)  # -1 for greys

    def enough(value: float) -> bool:
        return contrast(QColor.fromHslF(hue, saturation, value), theme.background) \
            >= theme.contrast

    dark = _luminance(pg.mkColor(theme.background)) < 0.5
    far = 1.0 if dark else 0.0
    if dark and enough(1.0 - lightness):
        far = 1.0 - lightness
    else:
        near = lightness  # the nearest lightness with the contrast, by bisection
        for _ in range(20):
            middle = (near + far) / 2
            near, far = (near, middle) if enough(middle) else (middle, far)
    variant = QColor.fromHslF(hue, saturation, far, alpha)
    _ORIGINAL[variant.rgba()] = original
    return variant


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
    for sample, label in legend.items:  # existing entries are only re-rendered by setText
        label.setText(label.text, size=size, color=foreground)
        sample.update()  # drawn with its curve's pen, themed
    legend.resize(legend.layout.preferredSize())  # rows shrink again when the text does
    legend.layout.activate()
    legend.updateSize()


def _style_curve(item: pg.PlotDataItem, look: Look) -> None:
    opts = item.opts
    pen = pg.mkPen(opts["pen"]) if opts["pen"] is not None else None
    base = _base(item, width=pen.widthF() if pen is not None else None,
                 symbol=opts.get("symbolSize"))
    if pen is not None:
        pen.setWidthF(_scaled_width(base["width"], look))
        pen.setColor(themed(pen.color(), look))
        item.setPen(pen)
    if opts.get("symbol") is not None:
        if base["symbol"]:
            item.setSymbolSize(base["symbol"] * look.scale)
        if opts.get("symbolBrush") is not None:
            item.setSymbolBrush(themed(pg.mkBrush(opts["symbolBrush"]).color(), look))
        if opts.get("symbolPen") is not None:
            symbol_pen = pg.mkPen(opts["symbolPen"])
            symbol_pen.setColor(themed(symbol_pen.color(), look))
            item.setSymbolPen(symbol_pen)


def _style_line(line: pg.InfiniteLine, look: Look) -> None:
    base = _base(line, width=line.pen.widthF())
    pen = pg.mkPen(line.pen)
    pen.setWidthF(_scaled_width(base["width"], look))
    pen.setColor(themed(pen.color(), look))
    line.setPen(pen)


def _style_text(text: pg.TextItem, look: Look) -> None:
    """Texts in a plot (line labels, answers): scaled with the fonts, in contrast."""
    base = _base(text, size=_normal_points())
    font = QFont(text.textItem.font())
    font.setPointSizeF(base["size"] * look.scale)
    text.setFont(font)
    text.setColor(themed(text.color, look))


def _style_spots(scatter: pg.ScatterPlotItem, look: Look) -> None:
    """Markers drawn on their own (each with its brush), in contrast."""
    spots = scatter.points()
    if len(spots):
        scatter.setBrush([pg.mkBrush(themed(spot.brush().color(), look)) for spot in spots])


def _scaled_width(width: float, look: Look) -> float:
    """A pen width for ``look``; width 0 (one device pixel) counts as 1."""
    return width if look.pen_scale == 1.0 else max(width, 1.0) * look.pen_scale


def _palette(theme: str) -> QPalette:
    if not THEMES[theme].dark:
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
