"""A form generated from a :class:`~neurodynex_gui.models.params.Params` class.

Numbers are typed into line edits (Up/Down step them, Shift for ten steps); every value that
is refused is framed in red with the reason in its tooltip and in :meth:`ParamForm.problems`
(the tab lists them where they move no field), and :meth:`ParamForm.params` keeps answering
the last valid parameter set.
"""
from __future__ import annotations

from PyQt5.QtCore import QEvent, QSize, Qt, pyqtSignal
from PyQt5.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                             QWidget)

from ..models.params import ParamError, Params, coerce

ERROR_BORDER = "border: 2px solid #b00020;"
UNIT_WIDTH = 52  # unit labels share a column, so the fields line up
WINDOW_KEYS = {(Qt.Key_Space, Qt.NoModifier), (Qt.Key_E, Qt.ControlModifier),
               (Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier),
               (Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)}
"""Keys a number field leaves to the window's shortcuts (run/stop, export, copy figure)."""


class NumberEdit(QLineEdit):
    """A line edit for a number; Up/Down add or subtract one step."""

    stepped = pyqtSignal()

    def __init__(self, step: float, decimals: int, parent=None):
        super().__init__(parent)
        self.step, self.decimals = step, decimals

    def sizeHint(self) -> QSize:
        """Room for about ten digits in the current font (not Qt's default of 17)."""
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance("0") * 11 + 12, hint.height())

    def event(self, event) -> bool:
        """Space and the export keys reach the window's shortcuts: a number has no spaces,
        and Ctrl+E is only the line edit's 'end of line'."""
        if event.type() == QEvent.ShortcutOverride and (
                event.key(), int(event.modifiers() & ~Qt.KeypadModifier)) in WINDOW_KEYS:
            event.ignore()
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Up, Qt.Key_Down) and self.step:
            try:
                value = float(self.text())
            except ValueError:
                return super().keyPressEvent(event)
            factor = 10 if event.modifiers() & Qt.ShiftModifier else 1
            sign = 1 if event.key() == Qt.Key_Up else -1
            self.setText(format_number(value + sign * factor * self.step, self.decimals))
            self.stepped.emit()
            return None
        return super().keyPressEvent(event)


def display_unit(unit: str) -> str:
    """A unit as shown on screen: 'uA' -> 'µA' (the scripting API keeps plain ASCII)."""
    micro = unit[:1] == "u" and unit[1:2] in ("A", "F", "S", "m", "V", "s") and (
        len(unit) == 2 or not unit[2].isalpha())
    return "µ" + unit[1:] if micro else unit


def format_number(value, decimals: int = 4) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".") or "0"


class ParamForm(QWidget):
    """Fields for every parameter of ``params_class``; ``changed`` fires on a valid edit."""

    changed = pyqtSignal(object)
    problems_changed = pyqtSignal()

    def __init__(self, params_class: type[Params], parent=None):
        super().__init__(parent)
        self.params_class = params_class
        self._current = params_class()
        self._editors: dict[str, QWidget] = {}
        self._errors: dict[str, str] = {}   # field -> why its value is refused
        self._tips: dict[str, str] = {}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        layout.setContentsMargins(0, 0, 0, 0)
        for name, default, meta in params_class.specs():
            editor = self._make_editor(name, default, meta)
            field = QWidget()
            row = QHBoxLayout(field)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(editor, 1)
            unit = QLabel(display_unit(meta.unit))
            unit.setMinimumWidth(UNIT_WIDTH)
            row.addWidget(unit)
            label = QLabel(meta.label)
            tip = self._tips[name] = self._tooltip(name, meta)
            for widget in (label, editor):
                widget.setToolTip(tip)
            label.setBuddy(editor)
            layout.addRow(label, field)
            self._editors[name] = editor
            self._rows[name] = (label, field)
        self.set_params(self._current)

    # -- public --------------------------------------------------------------------------------

    def params(self) -> Params:
        """The last valid parameter set."""
        return self._current

    def set_params(self, params: Params) -> None:
        """Show ``params`` (already valid) and make it current."""
        self._current = params
        for name, value in params.to_dict().items():
            editor = self._editors[name]
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                editor.setCurrentText(value)
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            else:
                editor.setText(format_number(value, self.params_class.meta(name).decimals))
            editor.blockSignals(False)
            self._show_error(name, None)
        self._update_visibility()

    def reset_defaults(self) -> None:
        self.set_params(self.params_class())
        self.changed.emit(self._current)

    def set_value(self, name: str, text: str) -> bool:
        """Type ``text`` into a field as a user would; True if it was accepted."""
        editor = self._editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(text.lower() in ("1", "true", "yes", "on"))
        else:
            editor.setText(text)
        return self._commit(name)

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def error(self, name: str) -> str:
        """Why the value of ``name`` is refused ('' if it is not)."""
        return self._errors.get(name, "")

    def has_errors(self) -> bool:
        return bool(self._errors)

    def problems(self) -> list[str]:
        """'label: why' for every refused value, in the form's order."""
        return [f"{self.params_class.meta(name).label}: {message}"
                for name, message in self._errors.items()]

    # -- building ------------------------------------------------------------------------------

    def _make_editor(self, name, default, meta) -> QWidget:
        if meta.choices is not None:
            editor = QComboBox()
            editor.addItems(meta.choices)
            editor.currentTextChanged.connect(lambda _=None, n=name: self._commit(n))
        elif isinstance(default, bool):
            editor = QCheckBox()
            editor.toggled.connect(lambda _=None, n=name: self._commit(n))
        else:
            step = meta.step if meta.step is not None else (1 if isinstance(default, int) else 0)
            editor = NumberEdit(step, 0 if isinstance(default, int) else meta.decimals)
            editor.editingFinished.connect(lambda n=name: self._commit(n))
            editor.stepped.connect(lambda n=name: self._commit(n))
            editor.textEdited.connect(lambda _=None, n=name: self._check_only(n))
        editor.setObjectName(name)
        return editor

    @staticmethod
    def _tooltip(name: str, meta) -> str:
        parts = [meta.help or meta.label]
        unit = f" {meta.unit}" if meta.unit else ""
        if meta.min is not None and meta.max is not None:
            parts.append(f"range {meta.min:g} to {meta.max:g}{unit}")
        if meta.section:
            parts.append(meta.section)
        parts.append(f"name: {name}")
        return "\n".join(parts)

    # -- validation ----------------------------------------------------------------------------

    def _text(self, name: str):
        editor = self._editors[name]
        if isinstance(editor, QComboBox):
            return editor.currentText()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        return editor.text()

    def _check_only(self, name: str) -> None:
        try:
            coerce(self.params_class, name, self._text(name))
        except ParamError as error:
            self._show_error(name, error.message)
        else:
            self._show_error(name, None)

    def _commit(self, name: str) -> bool:
        """Validate the whole form after an edit of ``name`` (every field, then the rules
        between fields); adopt it if valid."""
        values = {n: self._text(n) for n in self._editors}
        for field in self._editors:
            self._check_only(field)
        if self._errors:
            return False
        try:
            params = self.params_class.from_dict(values)
        except ParamError as error:
            self._show_error(error.name if error.name in self._editors else name, error.message)
            return False
        changed = params != self._current
        self._current = params
        self._update_visibility()
        if changed:
            self.changed.emit(params)
        return True

    def _show_error(self, name: str, message: str | None) -> None:
        if self._errors.get(name) == message:
            return
        if message:
            self._errors[name] = message
        else:
            self._errors.pop(name, None)
        editor = self._editors[name]
        editor.setStyleSheet(ERROR_BORDER if message else "")
        editor.setToolTip(f"{message}\n\n{self._tips[name]}" if message else self._tips[name])
        self._errors = {n: self._errors[n] for n in self._editors if n in self._errors}
        self.problems_changed.emit()

    def _update_visibility(self) -> None:
        values = self._current.to_dict()
        layout: QFormLayout = self.layout()
        for name, _, meta in self.params_class.specs():
            if meta.show_when is None:
                continue
            other, shown = meta.show_when
            visible = str(values[other]) in shown
            label, field = self._rows[name]
            label.setVisible(visible)
            field.setVisible(visible)
        layout.invalidate()
