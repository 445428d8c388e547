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
from fdgui.ui.roles import EXACT_ROLE

CENTRAL_COLUMN = 3


def cell_data(row: Measurement, column: int, value: Any, role: int) -> Any:
    """What the history table shows for ``value`` (column ``column`` of ``row``) in ``role``;
    None for the roles it leaves to Qt."""
    if role == EXACT_ROLE:  # copy and CSV export: every digit, as typed
        return "" if value is None else fmt.decimal_exact(value)
    cancelled = is_cancelled(row)
    if role == Qt.ItemDataRole.DisplayRole:
        text = fmt.epsilon(value) if column == 0 else fmt.display(value)  # ≤ 7 digits
        if cancelled and column == CENTRAL_COLUMN:
            return f"✕ {text} (L+ = L−)"
        return text
    if role == Qt.ItemDataRole.ToolTipRole:
        full = fmt.decimal_full(value)  # every digit on hover
        return f"{full}\n\n{CANCELLED_NOTE}" if cancelled else full
    if role == Qt.ItemDataRole.ForegroundRole and cancelled and column == CENTRAL_COLUMN:
        from fdgui.ui.plotting import CANCELLED_COLOUR
        from fdgui.ui.theme import readable

        return QColor(readable(CANCELLED_COLOUR))
    return None
