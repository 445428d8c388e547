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


def forward_from_tab_bar(bar: QWidget, panel_in_front: Callable[[], QWidget | None]) -> None:
    """Run, Stop and Copy with focus on the main tab bar (where it rests at start and after
    switching tabs by keyboard) reach the panel in front, as from inside it. Bound to the
    bar alone, so they never compete with the panel's own keys."""
    for sequence in (RUN, CANCEL, COPY):
        shortcut = QShortcut(sequence, bar)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(lambda sequence=sequence: _press(panel_in_front(), sequence))


def _press(panel: QWidget | None, sequence: QKeySequence) -> None:
    """What ``sequence`` does inside ``panel``: its shortcut's or its action's."""
    if panel is None:
        return
    for shortcut in panel.findChildren(QShortcut):
        if shortcut.key() == sequence and shortcut.isEnabled():
            shortcut.activated.emit()
            return
    for action in panel.actions():
        if action.shortcut() == sequence and action.isEnabled():
            action.trigger()
            return
