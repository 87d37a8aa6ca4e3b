"""An editable list of ion channels: one small ParamForm per channel, a Remove button each,
and a chooser that adds a channel from templates (the NeuralDynamics tab)."""
from __future__ import annotations

from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                             QVBoxLayout, QWidget)

from .param_form import ParamForm

MAX_CHANNELS = 12


class ChannelList(QWidget):
    """``channels()`` gives the Params of every channel, in order; ``changed`` fires on an edit,
    an addition or a removal."""

    changed = pyqtSignal()

    def __init__(self, params_class, templates: dict, parent=None):
        super().__init__(parent)
        self.params_class, self.templates = params_class, templates
        self.forms: list[ParamForm] = []
        self.boxes: list[QGroupBox] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.rows = QVBoxLayout()
        column.addLayout(self.rows)
        bar = QHBoxLayout()
        self.chooser = QComboBox()
        self.chooser.addItems(list(templates))
        self.chooser.setToolTip("The kind of channel Add puts at the end of the list")
        self.add_button = QPushButton("Add channel")
        self.add_button.setToolTip(f"Add a channel of the chosen kind (at most {MAX_CHANNELS})")
        self.add_button.clicked.connect(lambda: self.add(templates[self.chooser.currentText()]))
        bar.addWidget(self.chooser, 1)
        bar.addWidget(self.add_button)
        column.addLayout(bar)
        self.empty = QLabel("no channel: the membrane only integrates its input")
        self.empty.setWordWrap(True)
        column.addWidget(self.empty)

    def add(self, params) -> None:
        if len(self.forms) >= MAX_CHANNELS:
            return
        form = ParamForm(self.params_class)
        form.set_params(params)
        form.changed.connect(lambda _p: self.changed.emit())
        box = QGroupBox()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(form)
        remove = QPushButton("Remove")
        remove.setToolTip("Remove this channel from the neuron")
        remove.clicked.connect(lambda: self.remove(self.boxes.index(box)))
        layout.addWidget(remove)
        self.forms.append(form)
        self.boxes.append(box)
        self.rows.addWidget(box)
        self._renumber()
        self.changed.emit()

    def remove(self, index: int) -> None:
        box = self.boxes.pop(index)
        self.forms.pop(index)
        self.rows.removeWidget(box)
        box.setParent(None)
        box.deleteLater()
        self._renumber()
        self.changed.emit()

    def set_channels(self, channels) -> None:
        while self.forms:
            self.remove(len(self.forms) - 1)
        for params in channels:
            self.add(params)

    def channels(self) -> tuple:
        return tuple(form.params() for form in self.forms)

    def has_errors(self) -> bool:
        return any(form.has_errors() for form in self.forms)

    def _renumber(self) -> None:
        for k, box in enumerate(self.boxes):
            box.setTitle(f"channel {k + 1}")
        self.add_button.setEnabled(len(self.forms) < MAX_CHANNELS)
        self.empty.setVisible(not self.forms)
