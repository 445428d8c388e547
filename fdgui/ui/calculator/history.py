"""The calculator's measurement history as a Qt item model: one row per measurement.

``HistoryTableModel`` holds the rows (``Measurement``) and, beside them, their coordinates
as float arrays (ε and the three estimates) so the plot never converts 100,000 decimals
again. Views read it through Qt's model/view protocol: a table asks only for the rows it
shows, and appending a row costs the same at 10 rows as at 100,000. Every change goes
through ``append_rows``, ``remove_rows``, ``set_rows`` and ``clear`` (Qt's ``rowsInserted``,
``rowsRemoved`` and ``modelReset`` follow), so undo, copy or export can be built on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from fdgui.core.calculator.schemes import Measurement
from fdgui.ui.calculator.cells import cell_data
from fdgui.ui.roles import EXACT_ROLE

COLUMNS = ("ε", "L+", "L−", "central", "forward", "backward")
_ATTRIBUTES = ("epsilon", "loss_plus", "loss_minus", "central", "forward", "backward")
#: the float coordinates kept per row: ε and the estimates (nan where there is none)
POINT_FIELDS = ("epsilon", "central", "forward", "backward")
_ALIGN = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_Index = QModelIndex | QPersistentModelIndex
_CELL_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
    EXACT_ROLE,
)


def _float(value: Decimal | None) -> float:
    if value is None:
        return float("nan")
    try:
        return float(value)
    except (OverflowError, ValueError):  # pragma: no cover - parsed values fit a float
        return float("nan")


class HistoryTableModel(QAbstractTableModel):
    """The history rows for a QTableView, with their float coordinates for the plot."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Measurement] = []
        self._points = np.empty((0, len(POINT_FIELDS)))  # capacity ≥ len(rows)
        #: counts changes of the rows: what was made from them may be kept while it holds
        self.version = 0

    # --- reading -------------------------------------------------------------------------
    def rows(self) -> list[Measurement]:
        """A copy of every row, oldest first."""
        return list(self._rows)

    def row(self, index: int) -> Measurement:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def points(self) -> np.ndarray:
        """float64 array (rows × 4): ε, central, forward, backward of each row (a view)."""
        return self._points[: len(self._rows)]

    # --- Qt's model protocol ---------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN
        if role in _CELL_ROLES:  # the number rule and the L+ = L− flag (cells.py)
            row = self._rows[index.row()]
            value = getattr(row, _ATTRIBUTES[index.column()])
            return cell_data(row, index.column(), value, role)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return str(section + 1)

    # --- changes -------------------------------------------------------------------------
    def append_rows(self, rows: Sequence[Measurement], points: Any = None) -> None:
        """Add rows at the end (one ``rowsInserted``). ``points``: their float coordinates
        when already computed (a job computes them off the GUI thread), rows × 4."""
        if not rows:
            return
        first = len(self._rows)
        if points is None:
            points = [[_float(getattr(row, name)) for name in POINT_FIELDS] for row in rows]
        new_points = np.asarray(points, dtype=float).reshape(len(rows), len(POINT_FIELDS))
        needed = first + len(rows)
        if needed > len(self._points):  # grow by doubling: appending one row stays O(1)
            grown = np.empty((max(needed, 2 * len(self._points), 64), len(POINT_FIELDS)))
            grown[:first] = self._points[:first]
            self._points = grown
        self._points[first:needed] = new_points
        self.beginInsertRows(QModelIndex(), first, needed - 1)
        self.version += 1
        self._rows.extend(rows)
        self.endInsertRows()

    def remove_rows(self, indices: Iterable[int]) -> list[int]:
        """Remove the rows at ``indices`` (out-of-range ones ignored); returns those removed,
        in increasing order. Neighbouring rows go in one ``rowsRemoved`` each run."""
        wanted = sorted({i for i in indices if 0 <= i < len(self._rows)})
        if not wanted:
            return []
        keep = np.ones(len(self._rows), dtype=bool)
        keep[wanted] = False
        runs = _runs(wanted)
        if len(runs) == 1:
            first, last = runs[0]
            self.beginRemoveRows(QModelIndex(), first, last)
        else:  # scattered rows: one reset instead of a signal (and an array copy) per run
            self.beginResetModel()
        self.version += 1
        self._points = self.points()[keep].copy()
        self._rows = [row for row, kept in zip(self._rows, keep, strict=True) if kept]
        if len(runs) == 1:
            self.endRemoveRows()
        else:
            self.endResetModel()
        return wanted

    def set_rows(self, rows: Sequence[Measurement], points: Any = None) -> None:
        """Replace every row (one ``modelReset``)."""
        self.beginResetModel()
        self.version += 1
        self._rows = list(rows)
        if points is None:
            points = [[_float(getattr(row, name)) for name in POINT_FIELDS] for row in rows]
        self._points = np.array(points, dtype=float).reshape(len(rows), len(POINT_FIELDS))
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])


def _runs(sorted_indices: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 8] → [(1, 3), (7, 8)]."""
    runs: list[tuple[int, int]] = []
    for index in sorted_indices:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs
