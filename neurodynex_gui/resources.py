"""Where the shipped data files live: resources/ beside the package in the source tree (the
README's editable install), or ``<prefix>/share/neurodynex-gui`` after a regular install."""
from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parents[1] / "resources"
ROOT = _SOURCE_TREE if _SOURCE_TREE.is_dir() else Path(sys.prefix) / "share" / "neurodynex-gui"
ICON_SVG = ROOT / "icons" / "neurodynex-gui.svg"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
ALPHABET = ROOT / "alphabet.json"


def icon_png(size: int) -> Path:
    return ROOT / "icons" / f"neurodynex-gui-{size}.png"
