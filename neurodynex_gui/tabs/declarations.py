"""What a tab declares: its tools, forms, side-panel sections and pages (see ModelTab)."""
from __future__ import annotations

import dataclasses
from typing import Callable, NamedTuple

from PyQt5.QtWidgets import QWidget

from ..models.params import Params
from ..view_state import TabView
from ..widgets.plots import PlotPanel


@dataclasses.dataclass(frozen=True)
class Tool:
    """A button that answers one question with one job.

    The job ``path`` is called with the tab's forms named in ``inputs`` and the fields of the
    tool's own ``params_class`` as keyword arguments; its SweepResult goes to the analysis page.
    ``progress``: the job sends chunks ``{"fraction": 0..1, ...}`` shown in a progress bar.
    """

    key: str
    label: str
    path: str
    params_class: type[Params] | None = None
    inputs: tuple[str, ...] = ("params",)
    tip: str = ""
    progress: bool = False


class Form(NamedTuple):
    """A parameter form of the tab: ``shown=False`` keeps it out of the side panel (a tab's
    own controls set it), while presets, sessions and ``--set`` still see it."""

    key: str
    title: str
    params_class: type[Params]
    shown: bool = True


@dataclasses.dataclass
class Section:
    """A box of the side panel: ``place`` is "top" (above the forms), "controls" (below them)
    or "run" (beside the Run button, always visible)."""

    title: str | None
    widget: QWidget
    place: str = "top"


@dataclasses.dataclass
class Page:
    """A page of the tab; ``panel`` is what File > Export writes while it is shown (the
    widget itself by default, or a function giving the panel shown now)."""

    title: str
    widget: QWidget
    panel: PlotPanel | Callable[[], PlotPanel] | None = None


@dataclasses.dataclass(frozen=True)
class ParsedState:
    """A session state checked against the tab's descriptions, not applied yet."""

    forms: dict[str, Params]
    tools: dict[str, Params]
    view: TabView
