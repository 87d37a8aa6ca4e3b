"""Figures to PNG/SVG (pyqtgraph's exporters), the data behind a plot to CSV/NPZ, and the
frames of an animation to an animated GIF (Pillow) or a numbered PNG sequence."""
from __future__ import annotations

import contextlib
import csv
import io
import os
from pathlib import Path

import numpy as np

from .atomic import write_atomically

FIGURE_FORMATS = ("png", "svg")
DATA_FORMATS = ("csv", "npz")
FORMATS = FIGURE_FORMATS + DATA_FORMATS
ANIMATION_FORMATS = ("gif", "png")


class ExportError(ValueError):
    """An export that cannot be written (unknown format, nothing to export)."""


def export(panel, path: str | os.PathLike, width: int | None = None) -> Path:
    """Write ``panel`` (a PlotPanel) to ``path``; the format follows the extension."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"unknown export format '.{suffix}' (use one of "
                          f"{', '.join('.' + f for f in FORMATS)})")
    {"png": export_png, "svg": export_svg, "csv": export_csv, "npz": export_npz}[suffix](
        panel, path, **({"width": width} if suffix == "png" else {}))
    return path


def export_view(view, base: Path, scale: float = 2.5) -> list[Path]:
    """Any pyqtgraph view as ``base``.png (``scale`` x its size) and ``base``.svg."""
    from pyqtgraph.exporters import ImageExporter, SVGExporter

    png, svg = Path(f"{base}.png"), Path(f"{base}.svg")
    exporter = ImageExporter(view.scene())
    width = int(max(view.width(), 200) * scale)
    exporter.parameters()["width"] = width
    with legends_scaled(view, width):
        write_atomically(png, lambda tmp: exporter.export(str(tmp)))
    write_atomically(svg, lambda tmp: SVGExporter(view.scene()).export(str(tmp)))
    return [png, svg]


def export_png(panel, path: Path, width: int | None = None) -> None:
    """The whole panel as a PNG, ``width`` pixels wide (default: its size on screen x2)."""
    from pyqtgraph.exporters import ImageExporter

    panel.flush()
    exporter = ImageExporter(panel.scene())
    width = int(width or max(panel.width(), 400) * 2)
    exporter.parameters()["width"] = width
    with legends_scaled(panel, width):
        write_atomically(path, lambda tmp: exporter.export(str(tmp)))


@contextlib.contextmanager
def legends_scaled(view, width: int):
    """Legends grown like the rest of ``view`` in an image ``width`` pixels wide: pyqtgraph draws
    them ignoring the view's transformation, so an export scales their place but not their
    size. Scaled about their own origin (their place scales with the view), they stay put."""
    import pyqtgraph as pg

    factor = width / max(view.width(), 1)
    scales = {item: item.scale() for item in view.scene().items()
              if isinstance(item, pg.LegendItem)}
    for legend, scale in scales.items():
        legend.setScale(scale * factor)
    try:
        yield
    finally:
        for legend, scale in scales.items():
            legend.setScale(scale)


def export_animation(panel, draw, count: int, path: str | os.PathLike, *, fps: float = 10.0,
                     width: int | None = None) -> list[Path]:
    """Frames 0 .. ``count`` - 1 (``draw(i)`` shows frame i in ``panel``) as one animated GIF
    (``path`` ends in .gif; ``fps`` frames per second, looping) or as numbered PNGs
    (``path`` ends in .png: ``stem_0000.png``, ``stem_0001.png``, ... beside it)."""
    from pyqtgraph.exporters import ImageExporter

    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ANIMATION_FORMATS:
        raise ExportError(f"cannot save an animation as '.{suffix}': use .gif, or .png for "
                          "numbered PNG frames")
    if count < 1:
        raise ExportError("nothing to animate yet: run the simulation first")
    if suffix == "png":
        written = []
        for index in range(count):
            draw(index)
            frame = path.with_name(f"{path.stem}_{index:04d}.png")
            export_png(panel, frame, width)
            written.append(frame)
        return written
    images = []
    for index in range(count):
        draw(index)
        panel.flush()
        exporter = ImageExporter(panel.scene())
        exporter.parameters()["width"] = int(width or max(panel.width(), 200))
        images.append(_pillow_image(exporter.export(toBytes=True)))
    write_atomically(path, lambda tmp: images[0].save(
        tmp, format="GIF", save_all=True, append_images=images[1:],
        duration=round(1000 / fps), loop=0))
    return [path]


def _pillow_image(image):
    """A QImage as a Pillow image with an adaptive palette (what a GIF holds)."""
    from PIL import Image
    from PyQt5.QtGui import QImage

    image = image.convertToFormat(QImage.Format_RGB888)
    width, height = image.width(), image.height()
    pointer = image.constBits()
    pointer.setsize(image.bytesPerLine() * height)
    rows = np.frombuffer(pointer, np.uint8).reshape(height, image.bytesPerLine())
    pixels = rows[:, :3 * width].reshape(height, width, 3)
    return Image.fromarray(pixels.copy(), "RGB").quantize(colors=256)


def export_svg(panel, path: Path) -> None:
    from pyqtgraph.exporters import SVGExporter

    panel.flush()
    write_atomically(path, lambda tmp: SVGExporter(panel.scene()).export(str(tmp)))


def export_csv(panel, path: Path) -> None:
    """One x and one y column per curve (headers name plot, curve and unit)."""
    data = _data(panel)
    length = max(len(x) for x, _ in data.values())
    header, columns = [], []
    for key, (x, y) in data.items():
        header += [f"{key} {panel.x_label(key)}", f"{key} {panel.y_label(key)}"]
        columns += [x, y]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for i in range(length):
        writer.writerow([repr(float(c[i])) if i < len(c) else "" for c in columns])
    write_atomically(path, lambda tmp: tmp.write_text(buffer.getvalue(), encoding="utf-8"))


def export_npz(panel, path: Path) -> None:
    """Arrays ``<plot>/<curve>/x`` and ``.../y`` plus their axis labels."""
    arrays = {}
    for key, (x, y) in _data(panel).items():
        arrays[f"{key}/x"], arrays[f"{key}/y"] = x, y
        arrays[f"{key}/x_label"] = np.array(panel.x_label(key))
        arrays[f"{key}/y_label"] = np.array(panel.y_label(key))

    write_atomically(path, lambda tmp: np.savez(tmp, **arrays))


def _data(panel) -> dict:
    data = panel.data()
    if not data:
        raise ExportError("nothing to export yet: the plot is empty (run the simulation first)")
    return data
