"""Sliders for some numeric fields of a :class:`ParamForm`, kept in step with it.

A slider types its value into the form (as a user would), so the form stays the one place that
validates, and the form's ``changed`` signal is the only one to listen to.
"""
from __future__ import annotations

from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtWidgets import QGridLayout, QLabel, QSlider, QWidget

from .param_form import ParamForm, display_unit, format_number


class ParamSliders(QWidget):
    """One horizontal slider per field named in ``ranges`` (name -> (low, high) or (low, high,
    step)), moving in that step or the field's; the range may be narrower than the field's
    bounds (typing goes further). ``moved`` fires when a slider put a valid value in;
    ``dragging`` when a slider is pressed (True) and let go (False)."""

    moved = pyqtSignal(str)
    dragging = pyqtSignal(bool)

    def __init__(self, form: ParamForm, ranges: dict[str, tuple[float, ...]], parent=None):
        super().__init__(parent)
        self.form = form
        self.sliders: dict[str, QSlider] = {}
        self._scales: dict[str, tuple[float, float]] = {}
        self._values: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, (name, (low, high, *step)) in enumerate(ranges.items()):
            meta = form.params_class.meta(name)
            step = step[0] if step else meta.step or (high - low) / 100
            slider = QSlider(Qt.Horizontal)
            slider.setObjectName(f"slider_{name}")
            slider.setRange(0, round((high - low) / step))
            slider.setPageStep(max(1, slider.maximum() // 10))
            slider.setToolTip(f"{meta.help or meta.label}\nslider range {low:g} to {high:g}; "
                              f"type in the form for other values")
            slider.valueChanged.connect(lambda position, n=name: self._moved(n, position))
            slider.sliderPressed.connect(lambda: self.dragging.emit(True))
            slider.sliderReleased.connect(lambda: self.dragging.emit(False))
            value = QLabel()
            value.setMinimumWidth(64)
            grid.addWidget(QLabel(meta.label), row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(value, row, 2)
            self.sliders[name], self._scales[name], self._values[name] = slider, (low, step), value
        grid.setColumnStretch(1, 1)
        form.changed.connect(self.sync)
        self.sync()

    def value(self, name: str) -> float:
        """The value at the slider's position."""
        low, step = self._scales[name]
        return low + self.sliders[name].value() * step

    def sync(self, _params=None) -> None:
        """Move the sliders to the form's values (without typing them back)."""
        params = self.form.params()
        for name, slider in self.sliders.items():
            low, step = self._scales[name]
            current = getattr(params, name)
            slider.blockSignals(True)
            slider.setValue(round((current - low) / step))
            slider.blockSignals(False)
            self._values[name].setText(self._shown(name, current))

    def _moved(self, name: str, _position: int) -> None:
        value = self.value(name)
        self._values[name].setText(self._shown(name, value))
        if self.form.set_value(name, format_number(value, self._meta(name).decimals)):
            self.moved.emit(name)

    def _meta(self, name: str):
        return self.form.params_class.meta(name)

    def _shown(self, name: str, value: float) -> str:
        """The value beside the slider, with its unit."""
        meta = self._meta(name)
        return f"{format_number(value, meta.decimals)} {display_unit(meta.unit)}".strip()
