"""Where the shipped data files live (resources/ beside the package in the source tree)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "resources"
ICON_SVG = ROOT / "icons" / "neurodynex-gui.svg"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def icon_png(size: int) -> Path:
    return ROOT / "icons" / f"neurodynex-gui-{size}.png"
