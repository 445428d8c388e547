"""The network check's result tables: how they behave, how they are filled, and the window's
number rule in the worst-entries table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from fdgui.core.numbers import format as fmt
from fdgui.ui.roles import EXACT_ROLE
from fdgui.ui.widgets import SpreadColumns

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def setup_table(table: QTableWidget) -> None:
    table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside it)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.column_spreader = SpreadColumns(table, follow_model=False)  # spread after fill()


def fill(table: QTableWidget, rows: list[list[str]], spread: bool = True) -> None:
    """Put ``rows`` of texts in the table (numbers right-aligned), then size the columns."""
    # With ResizeToContents on, every setItem re-measures whole columns: 220 items took
    # ~150 ms on the GUI thread. Fill with fixed sections, then size the columns once.
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setUpdatesEnabled(False)
    try:
        table.clearContents()
        table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column > 0:
                    item.setTextAlignment(_RIGHT)
                table.setItem(row, column, item)
    finally:
        if spread:
            table.column_spreader.spread()
        table.setUpdatesEnabled(True)


def shorten_worst_numbers(table: QTableWidget, report: Any) -> None:
    """The window's number rule in the worst table: at most 7 significant digits in the
    cells (so the table fits a 1280-pixel window), every digit on hover; exports and Copy
    keep the report's full digits. Sizes the columns afterwards."""

    columns = {
        "numeric": ("numeric", fmt.display),
        "backprop": ("analytic", fmt.display),
        "gradient": ("analytic", fmt.display),  # a probe's own gradient
        "rel. error": ("relative_error", fmt.ratio),
        "ε": ("epsilon", fmt.epsilon),
        "ΔL+": ("loss_plus_change", lambda v: fmt.display(v, 4)),
        "ΔL−": ("loss_minus_change", lambda v: fmt.display(v, 4)),
    }
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    table.setUpdatesEnabled(False)
    try:
        for header, (attribute, shown) in columns.items():
            if header not in headers:
                continue
            column = headers.index(header)
            for row, entry in enumerate(report.worst):
                item = table.item(row, column)
                value = getattr(entry, attribute, None)
                if item is None or value is None:
                    continue
                item.setText(shown(value))
                item.setData(EXACT_ROLE, fmt.shortest(value))  # what Copy and CSV write
                if not item.toolTip():
                    item.setToolTip(fmt.full(value))
    finally:
        table.column_spreader.spread()
        table.setUpdatesEnabled(True)


def exact_tensor_numbers(table: QTableWidget, report: Any) -> None:
    """The per-tensor table's Copy and CSV numbers: every digit of the errors, counts
    without thousands separators (the cells keep what they show)."""
    from fdgui.core.report.netcheck import CORRECT_COLUMN, KINK_COLUMN, TENSOR_HEADERS

    columns = {
        "checked": lambda t: str(t.checked),
        "max rel. error": lambda t: fmt.shortest(t.max_relative_error),
        "median rel. error": lambda t: fmt.shortest(t.median_relative_error),
        CORRECT_COLUMN: lambda t: str(t.band_counts["correct"]),
        KINK_COLUMN: lambda t: str(t.band_counts["kinks"]),
        "1e-4..1e-2": lambda t: str(t.band_counts["suspicious"]),
        "> 1e-2": lambda t: str(t.band_counts["wrong"]),
    }
    for header, exact in columns.items():
        if header not in TENSOR_HEADERS:
            continue
        column = TENSOR_HEADERS.index(header)
        for row, tensor in enumerate(report.tensors):
            item = table.item(row, column)
            if item is not None:
                item.setData(EXACT_ROLE, exact(tensor))


def recheck_words(plan: Any) -> str:
    """Beside the cost table: what each entry that disagrees adds to the chosen mode's plan
    (its second looks, review15w M2), "" when the plan has none (the built-in network's exact
    engine, a numeric estimate) or is not known."""
    each = getattr(plan, "recheck_evaluations", 0) if plan is not None else 0
    if not each or not plan.recheck_limit:
        return ""
    unit = "direction" if plan.mode == "projection" else "entry"
    most = plan.recheck_limit
    evaluations, seconds = plan.if_disagreeing(most)
    return (
        f"Not counted above: each {unit} that disagrees gets a second look, about {each:,} "
        f"more evaluations ({fmt.duration(plan.recheck_seconds)}) each; if all {most:,} "
        f"did: {evaluations:,} evaluations, {fmt.duration(seconds)}."
    )
