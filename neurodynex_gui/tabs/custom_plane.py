"""The phase plane of a two-variable custom model (the shared PhasePlane widget, rebuilt when
the equations change) and the controls of its bifurcation view, for the Custom model tab."""
from __future__ import annotations

import numpy as np
from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import (QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton,
                             QStackedWidget, QWidget)

from ..models import custom_planar
from ..models import custom_spec as cs
from ..models.params import ParamError
from ..widgets.phase_plane import PhasePlane


class PlanePage(QStackedWidget):
    """A note, or the phase plane of the last checked two-variable model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.note = QLabel("The phase plane appears for a model with two state variables "
                           "(e.g. the FitzHugh-Nagumo preset) once brian2 has checked it.")
        self.note.setWordWrap(True)
        self.addWidget(self.note)
        self.plane: PhasePlane | None = None

    def shows(self, model: cs.ModelText) -> bool:
        return self.plane is not None and self.plane.model_text == model

    def update(self, model: cs.ModelText, values: dict, stimulus: dict | None,
               result=None) -> None:
        """Nullclines, flow and fixed points of ``model`` with the form's values (a new
        plane when the equations changed; its ranges from ``result``'s trajectory)."""
        try:
            planar = custom_planar.planar_model(model)
        except ParamError as error:
            self.note.setText(f"No phase plane: {error}")
            self.setCurrentWidget(self.note)
            return
        params = custom_planar.plane_params(model, values, stimulus)
        if self.shows(model):
            self.plane.set_params(params, t_end=values["tend"])
            return
        old = self.plane
        self.plane = PhasePlane(planar, params,
                                *limits(planar.x_name, planar.y_name, values, result),
                                t_end=values["tend"],
                                dt_out=max(values["dt"], values["tend"] / 2000))
        self.plane.model_text = model
        self.addWidget(self.plane)
        self.setCurrentWidget(self.plane)
        if old is not None:
            self.removeWidget(old)
            old.deleteLater()

    def forget(self) -> None:
        """The next update builds the plane again (its ranges follow a new run)."""
        if self.plane is not None:
            self.plane.model_text = None


def limits(x: str, y: str, values: dict, result=None) -> list:
    """Plane ranges: ``result``'s trajectory with a margin, else 3 units around the initial
    values."""
    found = []
    for name in (x, y):
        start = values[f"{name}_0"]
        if result is not None and name in result.traces:
            low, high = np.nanmin(result.traces[name]), np.nanmax(result.traces[name])
        else:
            low, high = start - 3.0, start + 3.0
        pad = 0.25 * max(high - low, 1e-3)
        found.append((float(low - pad), float(high + pad)))
    return found


class BifurcationBox(QWidget):
    """Which parameter the bifurcation view scans, and from where to where."""

    requested = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        rows = QFormLayout(self)
        self.param = QComboBox()
        self.param.setToolTip("the parameter scanned by the bifurcation view")
        self.range = (QLineEdit("0"), QLineEdit("4"))
        for edit, tip in zip(self.range, ("first value (in the parameter's unit)",
                                          "last value (in the parameter's unit)")):
            edit.setToolTip(tip)
        button = QPushButton("Bifurcation view")
        button.setObjectName("custom_bifurcation")
        button.setToolTip("Two-variable models: eigenvalues of the fixed point and the "
                          "attractor's extent against the parameter; stability changes marked")
        button.clicked.connect(self.requested)
        rows.addRow("parameter", self.param)
        rows.addRow("from", self.range[0])
        rows.addRow("to", self.range[1])
        rows.addRow(button)

    def set_names(self, names: list[str], preferred: str = "") -> None:
        """The parameters to offer (the chosen one kept, else ``preferred``)."""
        current = self.param.currentText()
        self.param.clear()
        self.param.addItems(names)
        if current in names:
            self.param.setCurrentText(current)
        elif preferred:
            self.param.setCurrentText(preferred)

    def scan(self) -> tuple[str, float, float]:
        """(parameter, from, to); ValueError if the range is not two numbers."""
        low, high = (float(edit.text()) for edit in self.range)
        return self.param.currentText(), low, high
