"""The network-check panel showing a numeric gradient (a probe with no gradient to check).

Nothing was compared, so the badge says "Estimate" in a neutral colour (never the green of a
pass), the per-tensor table gives the size of the estimates and their relative uncertainty,
the lower table lists the least certain entries (double-click: sweep one in the ε explorer,
as for a check's worst entries) and the heat map draws relative uncertainty on a neutral
ramp. Every text comes from ``fdgui.core.report.numeric``; a check's report puts the
tables' own headers back (``restore_check_tables``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTableWidget

from fdgui.ui.netcheck.tables import fill
from fdgui.ui.theme import badge_style

ESTIMATE_COLOUR = "#0072B2"  # Okabe–Ito blue: informative, neither pass nor fail
LEAST_CERTAIN_TITLE = "Least certain 20 entries (double-click or Enter: sweep ε)"


def is_numeric(report: Any) -> bool:
    return getattr(report, "verdict", "") == "none"


def _set_headers(table: QTableWidget, headers: list[str]) -> None:
    if table.columnCount() != len(headers):
        table.setColumnCount(len(headers))
    for column, header in enumerate(headers):
        item = table.horizontalHeaderItem(column)
        if item is None or item.text() != header:
            table.setHorizontalHeaderLabels(headers)
            break


def _remember(panel: Any) -> None:
    if not hasattr(panel, "_check_texts"):
        panel._check_texts = (
            panel.tensor_table.toolTip(),
            panel.worst_table.toolTip(),
            panel.worst_box.title(),
        )


def show_numeric(panel: Any, result: Any) -> None:
    from fdgui.core.report.numeric import (
        BADGE,
        RELATIVE_UNCERTAINTY,
        TENSOR_HEADERS,
        estimate_in_words,
        least_certain_headers,
        least_certain_rows,
        settings_line,
        tensor_rows,
    )

    _remember(panel)
    panel.verdict_badge.setText(BADGE)
    panel.verdict_badge.setStyleSheet(badge_style(ESTIMATE_COLOUR))
    panel.verdict_label.setText(estimate_in_words(result))
    panel.settings_label.setText(settings_line(result) + ".")
    _set_headers(panel.tensor_table, TENSOR_HEADERS)
    fill(panel.tensor_table, tensor_rows(result))
    panel.tensor_table.setToolTip(
        "Per tensor: the largest |g| estimated and the median and largest "
        f"{RELATIVE_UNCERTAINTY}. Click a row to show its heat map."
    )
    _set_headers(panel.worst_table, least_certain_headers(result))
    fill(panel.worst_table, least_certain_rows(result, digits=7))
    exact = least_certain_rows(result)  # every digit on hover
    for row, cells in enumerate(exact):
        for column in (1, 5, 6):
            item = panel.worst_table.item(row, column)
            if item is not None:
                item.setToolTip(cells[column])
    panel.worst_table.setToolTip(
        "The entries whose estimate is least certain (largest error bar relative to the "
        "value). Double-click a row or press Enter to sweep that entry in the ε explorer.\n\n"
        + RELATIVE_UNCERTAINTY
    )
    panel.worst_box.setTitle(LEAST_CERTAIN_TITLE)
    panel.heat_map.show_report(result)
    from fdgui.ui.netcheck.results_view import show_restored_note

    show_restored_note(panel)  # a restored check's note goes with that report
    panel.result_tabs.setTabToolTip(1, "Relative uncertainty of every estimated entry")
    for button in panel.export_buttons.values():
        button.setEnabled(True)
    panel._refresh_code_buttons()


def restore_check_tables(panel: Any) -> None:
    """A check's report follows a numeric one: its headers, tips and title come back."""
    from fdgui.core.report.netcheck import TENSOR_HEADERS, WORST_HEADERS

    if not hasattr(panel, "_check_texts"):
        return
    _set_headers(panel.tensor_table, TENSOR_HEADERS)
    _set_headers(panel.worst_table, WORST_HEADERS)
    tensor_tip, worst_tip, title = panel._check_texts
    panel.tensor_table.setToolTip(tensor_tip)
    panel.worst_table.setToolTip(worst_tip)
    panel.worst_box.setTitle(title)
    panel.result_tabs.setTabToolTip(1, "Relative error of every checked entry, per tensor")
