"""The equation editor of the Custom model tab: brian2 equations with syntax highlighting, the
threshold, reset, refractoriness and current fields, and the problems brian2 found, marked at
their line (a wavy underline, a tinted line and a list under the editor)."""
from __future__ import annotations

import re

from PyQt5.QtCore import pyqtSignal
from PyQt5.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextFormat
from PyQt5.QtWidgets import (QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QTextEdit,
                             QVBoxLayout, QWidget)

from ..models import custom_spec as cs

FIELDS = (("threshold", "threshold", "spike condition, e.g. v > v_th (empty: no spikes)"),
          ("reset", "reset", "statements after a spike, e.g. v = v_reset"),
          ("refractory", "refractory", "refractory period, e.g. t_ref or 2*ms"),
          ("current", "current variable",
           "the parameter the input current drives (empty: none)"))
BAD_LINE = "#fde2e2"


class Highlighter(QSyntaxHighlighter):
    """Derivatives, units and flags, numbers, comments; lines with a problem underlined."""

    def __init__(self, document):
        super().__init__(document)
        self.bad_lines: set[int] = set()
        self.rules = []
        for pattern, color, bold in ((r"\bd[A-Za-z_]\w*\s*/\s*dt\b", "#1f4e9c", True),
                                     (r"\b\d+(\.\d*)?([eE][-+]?\d+)?\b", "#8e44ad", False),
                                     (r":[^#]*", "#2a7d2a", False),
                                     (r"#.*", "#7f8c8d", False)):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if bold:
                fmt.setFontWeight(QFont.Bold)
            self.rules.append((re.compile(pattern), fmt))

    def highlightBlock(self, text: str) -> None:
        bad = self.currentBlock().blockNumber() + 1 in self.bad_lines
        base = QTextCharFormat()
        if bad:
            base.setUnderlineStyle(QTextCharFormat.WaveUnderline)
            base.setUnderlineColor(QColor("#b00020"))
            self.setFormat(0, len(text), base)
        for pattern, fmt in self.rules:
            for match in pattern.finditer(text):
                merged = QTextCharFormat(fmt)
                if bad:
                    merged.merge(base)
                self.setFormat(match.start(), match.end() - match.start(), merged)


class EquationEditor(QWidget):
    """The text of a custom model; ``edited`` at every keystroke (not when set in code)."""

    edited = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("equations")
        self.editor.setFont(QFont("monospace"))
        self.editor.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.editor.setToolTip("brian2 model equations, one per line: 'dx/dt = ... : unit' "
                               "(state variable), 'x = ... : unit' (subexpression), "
                               "'p : unit' (parameter: a field of the form)")
        self.highlighter = Highlighter(self.editor.document())
        self.fields: dict[str, QLineEdit] = {}
        self.tips: dict[str, str] = {}
        rows = QFormLayout()
        for key, label, tip in FIELDS:
            edit = self.fields[key] = QLineEdit()
            edit.setObjectName(key)
            edit.setToolTip(tip)
            self.tips[key] = tip
            edit.textEdited.connect(self.edited)
            rows.addRow(label, edit)
        self.problem_list = QLabel()
        self.problem_list.setWordWrap(True)
        self.problem_list.setObjectName("equation_problems")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.editor, 1)
        column.addLayout(rows)
        column.addWidget(self.problem_list)
        self.shown_text = ""
        self.editor.textChanged.connect(self.text_changed)

    def text_changed(self) -> None:
        """``edited`` when the text changed (a new highlighting emits textChanged too)."""
        text = self.editor.toPlainText()
        if text != self.shown_text:
            self.shown_text = text
            self.edited.emit()

    def model_text(self) -> cs.ModelText:
        return cs.ModelText(self.editor.toPlainText(),
                            *(self.fields[k].text().strip()
                              for k in ("threshold", "reset", "refractory", "current")))

    def set_model(self, model: cs.ModelText) -> None:
        """Show ``model`` (no ``edited`` signal)."""
        self.editor.blockSignals(True)
        self.editor.setPlainText(model.equations)
        self.shown_text = model.equations
        self.editor.blockSignals(False)
        for key in self.fields:
            self.fields[key].setText(getattr(model, key))

    def mark(self, problems: list) -> None:
        """Underline and tint the lines of ``problems``; tint the fields they name."""
        self.highlighter.bad_lines = {p.line for p in problems if p.line}
        self.editor.blockSignals(True)  # formats change, not the text
        self.highlighter.rehighlight()
        self.editor.blockSignals(False)
        marks = []
        for p in problems:
            if p.line:
                block = self.editor.document().findBlockByNumber(p.line - 1)
                mark = QTextEdit.ExtraSelection()
                mark.format.setBackground(QColor(BAD_LINE))
                mark.format.setProperty(QTextFormat.FullWidthSelection, True)
                mark.cursor = self.editor.textCursor()
                mark.cursor.setPosition(block.position())
                marks.append(mark)
        self.editor.setExtraSelections(marks)
        for key, edit in self.fields.items():
            bad = [p.message for p in problems if p.field == key]
            edit.setStyleSheet(f"background: {BAD_LINE};" if bad else "")
            edit.setToolTip("; ".join(bad) if bad else self.tips[key])

    def show_problems(self, problems: list, failure: str = "", summary: str = "") -> None:
        """Mark ``problems`` and list them (or the check's ``failure``, or ``summary`` when
        there is no problem)."""
        self.mark(problems)
        if failure:
            text = f"<span style='color:#b00020'>check failed: {failure.splitlines()[0]}</span>"
        elif problems:
            text = "<br>".join(
                f"<span style='color:#b00020'>{'line ' + str(p.line) if p.line else p.field}:"
                f" {escape(p.message)}</span>" for p in problems)
        else:
            text = f"<span style='color:#2a7d2a'>{escape(summary)}</span>"
        self.problem_list.setText(text)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
