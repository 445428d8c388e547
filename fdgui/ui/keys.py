"""The keys every panel shares: the same key does the same kind of thing in every tab.

- Ctrl+Return, and Enter in any field: run (Calculate, Sweep, Run check)
- Escape: stop a running job
- Ctrl+Shift+C: copy the results as text
- Ctrl+Shift+R: reset the inputs to the example (the calculator)

Each panel binds them with ``panel_shortcut`` so a key works only while its tab is in front.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QWidget

RUN = QKeySequence("Ctrl+Return")
CANCEL = QKeySequence(Qt.Key.Key_Escape)
COPY = QKeySequence("Ctrl+Shift+C")
RESET = QKeySequence("Ctrl+Shift+R")


def native(sequence: QKeySequence) -> str:
    """How a key reads in a tooltip: ``Ctrl+Return``."""
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def panel_shortcut(panel: QWidget, sequence: QKeySequence, slot: Callable[[], object]) -> QShortcut:
    """``sequence`` runs ``slot`` while focus is anywhere inside ``panel`` (its tab in front)."""
    shortcut = QShortcut(sequence, panel)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def enter_runs(edits: list[QLineEdit], slot: Callable[[], object]) -> None:
    """Enter in any of the fields runs ``slot``, as in every panel."""
    for edit in edits:
        edit.returnPressed.connect(slot)
