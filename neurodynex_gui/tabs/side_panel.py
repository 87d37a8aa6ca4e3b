"""The side panel of a model tab: Run and Stop, presets, drag-to-explore sliders, forms, tools
and the tab's own sections, in one scrolling column; as wide as its forms up to
SIDE_MAX_WIDTH, the plots beside it taking the rest."""
from __future__ import annotations

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import (QComboBox, QGroupBox, QProgressBar, QPushButton, QScrollArea,
                             QSplitter, QVBoxLayout, QWidget)

from .declarations import Section, Tool

SIDE_MAX_WIDTH = 560  # px: the widest side panel (normal fonts need 430-510)


class SidePanel(QWidget):
    """Built from ``tab``'s widgets and declarations; its buttons call the tab's actions.

    ``sections`` are the tab's own (``ModelTab.side_sections``), placed by their ``place``:
    "top" above the forms, "controls" below them, "run" beside the run bar. Tools with
    progress get a bar in ``progress_bars``.
    """

    def __init__(self, tab, sections: list[Section]):
        super().__init__()
        self.tab = tab
        self.progress_bars: dict[str, QProgressBar] = {}
        self.preset_box = self.analyse_button = self.custom_button = None
        self.scroll = QScrollArea()
        self.scroll.setWidget(self._column(sections))
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        outer = QVBoxLayout(self)  # Run and Stop stay in view however long the forms are
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(tab.run_bar)
        if tab.sends_spikes():
            self.analyse_button = _button(
                "Analyse spikes", "analyse_spikes", tab.send_spikes,
                "Send the spikes of the last run to the Coding tab (raster, rates, "
                "variability, information)")
            outer.addWidget(self.analyse_button)
        if tab.sends_custom_model():
            self.custom_button = _button(
                "Open as custom model", "open_as_custom", tab.send_custom_model,
                "Copy this model's equations and values into the Custom model tab, to change "
                "them there")
            outer.addWidget(self.custom_button)
        if tab.animated:
            outer.addWidget(tab.replay_bar)
        for section in sections:
            if section.place == "run":
                outer.addWidget(_boxed(section))
        outer.addWidget(self.scroll, 1)
        outer.addWidget(tab.problems)  # below the fields: it moves none of them

    def _column(self, sections: list[Section]) -> QWidget:
        """The scrolling part: presets, sliders, forms, reset, controls, readout, tools."""
        tab = self.tab
        side = QWidget()
        column = QVBoxLayout(side)
        if tab.presets:
            self.preset_box = QComboBox()
            self.preset_box.addItem("choose a preset…")
            self.preset_box.addItems(list(tab.presets))
            self.preset_box.setToolTip("Load a named parameter set")
            self.preset_box.activated.connect(self._preset_chosen)
            column.addWidget(self.preset_box)
        if tab.explore_sliders:
            box = QWidget()
            rows = QVBoxLayout(box)
            rows.setContentsMargins(0, 0, 0, 0)
            for sliders in tab.explore_sliders:
                rows.addWidget(sliders)
            column.addWidget(group_box("Drag to explore", box))
        for section in sections:
            if section.place == "top":
                column.addWidget(_boxed(section))
        self.form_boxes: dict[str, QGroupBox] = {}
        for spec in tab.form_specs:
            if spec.shown:
                box = self.form_boxes[spec.key] = group_box(spec.title,
                                                             tab.param_forms[spec.key])
                column.addWidget(box)
        column.addWidget(_button("Reset to defaults", "reset_defaults", tab.reset_defaults,
                                 "Put every parameter of this tab back to its default"))
        for section in sections:
            if section.place == "controls":
                column.addWidget(_boxed(section))
        column.addWidget(tab.readout)
        for tool in tab.tools:
            column.addWidget(self._tool_box(tool))
        column.addStretch(1)
        return side

    def _tool_box(self, tool: Tool) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        if tool.key in self.tab.tool_forms:
            layout.addWidget(self.tab.tool_forms[tool.key])
        layout.addWidget(_button(tool.label, f"tool_{tool.key}",
                                 lambda: self.tab.run_tool(tool.key), tool.tip))
        if tool.progress:
            bar = self.progress_bars[tool.key] = QProgressBar()
            bar.setValue(0)
            layout.addWidget(bar)
        return group_box(tool.label, box)

    def _preset_chosen(self, index: int) -> None:
        if index > 0:
            self.tab.apply_preset(self.preset_box.itemText(index))
        self.preset_box.setCurrentIndex(0)

    def fit(self) -> None:
        """As wide as the forms (after a font change, for example), but at most
        SIDE_MAX_WIDTH: with presentation fonts the forms scroll sideways rather than
        squeezing the plots."""
        side = self.scroll.widget()
        side.setMinimumWidth(0)
        side.adjustSize()
        width = side.sizeHint().width()
        side.setMinimumWidth(width)
        self.setMinimumWidth(min(width + 24, SIDE_MAX_WIDTH))
        QTimer.singleShot(0, self._give_plots_the_rest)

    def _give_plots_the_rest(self) -> None:
        """The panel as narrow as its minimum, the plots take the rest (after the splitter
        has seen the new minimum)."""
        splitter = self.parentWidget()
        if isinstance(splitter, QSplitter):
            total = sum(splitter.sizes())
            side = self.minimumWidth()
            splitter.setSizes([side, max(total - side, 1)])


def _button(label: str, name: str, action, tip: str) -> QPushButton:
    button = QPushButton(label)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.clicked.connect(lambda: action())
    return button


def _boxed(section: Section) -> QWidget:
    return section.widget if section.title is None else group_box(section.title, section.widget)


def group_box(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box
