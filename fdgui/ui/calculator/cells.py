"""How a history cell reads: the window's number rule, and the rows where L+ = L− flagged.

Kept apart from the history model (``history.py``) so the table and the plot mark the same
rows with one rule (``fdgui.core.calculator.rows``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from fdgui.core.calculator.rows import CANCELLED_NOTE, is_cancelled
from fdgui.core.calculator.schemes import Measurement
from fdgui.core.numbers import format as fmt
from fdgui.core.report.calculator import every_digit
from fdgui.ui.roles import EXACT_ROLE

CENTRAL_COLUMN = 3
FORWARD_COLUMN, BACKWARD_COLUMN = 4, 5
ONE_SIDED_NOTE = (
    "The two losses of this one-sided difference are equal: every typed digit cancelled, so "
    "the 0 says nothing about the gradient. Use a larger ε or type more digits."
)


def _flag(row: Measurement, column: int) -> str | None:
    """The mark of a difference whose two losses are equal (its 0 means nothing)."""
    if column == CENTRAL_COLUMN and is_cancelled(row):
        return "(L+ = L−)"
    if row.loss is not None:
        if column == FORWARD_COLUMN and row.loss_plus == row.loss:
            return "(L+ = L)"
        if column == BACKWARD_COLUMN and row.loss == row.loss_minus:
            return "(L = L−)"
    return None


def cell_data(row: Measurement, column: int, value: Any, role: int) -> Any:
    """What the history table shows for ``value`` (column ``column`` of ``row``) in ``role``;
    None for the roles it leaves to Qt."""
    if role == EXACT_ROLE:  # copy and CSV export: every digit, as typed
        return "" if value is None else fmt.decimal_exact(value)
    cancelled = is_cancelled(row)
    flag = _flag(row, column)
    if role == Qt.ItemDataRole.DisplayRole:
        text = fmt.epsilon(value) if column == 0 else fmt.display(value)  # ≤ 7 digits
        return f"✕ {text} {flag}" if flag else text
    if role == Qt.ItemDataRole.ToolTipRole:
        full = every_digit(value)  # every digit on hover
        if flag and column != CENTRAL_COLUMN:
            return f"{full}\n\n{ONE_SIDED_NOTE}"
        return f"{full}\n\n{CANCELLED_NOTE}" if cancelled else full
    if role == Qt.ItemDataRole.ForegroundRole and flag:
        from fdgui.ui.plotting import CANCELLED_COLOUR
        from fdgui.ui.theme import readable

        return QColor(readable(CANCELLED_COLOUR))
    return None
