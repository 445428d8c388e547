"""SpreadColumns on a table that is not shown (suite16's find): pasting 20,000 rows into the
calculator while the explorer was in front sized the hidden history table's columns from every
row, holding the window for 30–60 s. A hidden table waits until it is shown; a shown one is
sized from a bounded sample of rows, and its columns still fill the viewport."""

from __future__ import annotations

import time

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView, QTabWidget, QWidget

from fdgui.ui.widgets import SpreadColumns


def _table(rows: int) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, 3)
    table = QTableView()
    table.setModel(model)
    return table, model


def _fill(model: QStandardItemModel, rows: int) -> None:
    for i in range(rows):
        model.appendRow([QStandardItem(f"{i * 1.2345678901:.12g}") for _ in range(3)])


def test_a_hidden_table_is_not_measured_until_it_is_shown(qtbot, monkeypatch):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    front, (table, model) = QWidget(), _table(0)
    tabs.addTab(front, "front")
    tabs.addTab(table, "history")
    spread = SpreadColumns(table)
    tabs.resize(700, 400)
    tabs.show()
    qtbot.waitExposed(tabs)
    calls = []
    original = QTableView.resizeColumnsToContents
    monkeypatch.setattr(
        QTableView,
        "resizeColumnsToContents",
        lambda self: (calls.append(self), original(self))[1],
    )
    _fill(model, 3000)
    qtbot.wait(50)
    assert not table.isVisible()
    assert calls == []  # nothing measured while the history is behind another tab
    tabs.setCurrentWidget(table)
    qtbot.waitUntil(lambda: len(calls) >= 1, timeout=2000)
    header = table.horizontalHeader()
    widths = [header.sectionSize(i) for i in range(3)]
    assert sum(widths) >= table.viewport().width() - 3, (widths, table.viewport().width())
    assert min(widths) > 20
    assert spread._pending is False


def test_sizing_a_shown_table_of_many_rows_is_bounded(qtbot):
    table, model = _table(0)
    qtbot.addWidget(table)
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    spread = SpreadColumns(table, follow_model=False)
    _fill(model, 20_000)
    start = time.perf_counter()
    spread.spread()
    took = time.perf_counter() - start
    assert table.horizontalHeader().resizeContentsPrecision() <= 1000
    assert took < 1.0, took
