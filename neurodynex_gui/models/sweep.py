"""The result of a tool that varies one input: what was varied, what came out, the answer."""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class SweepResult:
    """``columns`` maps a name with its unit (e.g. ``rate_Hz``) to one value per ``x``."""

    x: np.ndarray
    columns: dict[str, np.ndarray]
    x_label: str
    answer: float | None = None
    answer_text: str = ""
