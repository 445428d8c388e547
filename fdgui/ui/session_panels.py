"""What the window adds to every panel once it is built, without the panels knowing: the
plots' context menus (export PNG/SVG/CSV, copy as image), Ctrl+C and CSV export on every
table, the explorer's pinned sweeps (buttons and overlay), and File → Export results.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMenu, QTableView

from fdgui.ui.roles import EXACT_ROLE

RESULT_FORMATS = {".md": "markdown", ".json": "json", ".csv": "csv", ".txt": "text"}


def extend_panel(window: Any, key: str, panel: Any) -> None:
    from fdgui.ui.plot_export import attach_menu, plot_views

    try:
        extra = _extend_explorer(window, panel) if key == "explorer" else []
        for name, view in plot_views(key, panel).items():
            attach_menu(view, name, extra)
        for table in panel.findChildren(QTableView):
            attach_table_copy(table)
    except Exception as error:  # an extra must never cost the panel
        window.statusBar().showMessage(f"Some export actions are missing: {error}", 8000)


# --- tables ------------------------------------------------------------------------------------
def selected_rows_text(table: QAbstractItemView, separator: str = "\t") -> str:
    """The selected rows (every row when none is selected), with the header, as text."""
    model = table.model()
    if model is None:
        return ""
    selection = table.selectionModel()
    rows = sorted({index.row() for index in selection.selectedIndexes()}) if selection else []
    if not rows:
        rows = list(range(model.rowCount()))
    columns = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(
        [
            model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            for c in columns
        ]
    )
    for row in rows:
        writer.writerow([_cell_text(model, model.index(row, c)) for c in columns])
    return out.getvalue()


def _cell_text(model: Any, index: Any) -> str:
    """A cell's exact text when its model gives one (EXACT_ROLE), else what it shows."""
    exact = model.data(index, EXACT_ROLE)
    if exact is not None:
        return str(exact)
    shown = model.data(index, Qt.ItemDataRole.DisplayRole)
    return "" if shown is None else str(shown)


def copy_rows(table: QAbstractItemView) -> str:
    text = selected_rows_text(table)
    QGuiApplication.clipboard().setText(text)
    return text


def export_table_csv(table: QAbstractItemView, path: str | Path) -> None:
    """Every row of the table as CSV."""
    selection = table.selectionModel()
    saved = selection.selection() if selection is not None else None
    if selection is not None:
        selection.clearSelection()
    try:
        text = selected_rows_text(table, ",")
    finally:
        if selection is not None and saved is not None:
            selection.select(saved, selection.SelectionFlag.Select)
    Path(path).write_text(text, encoding="utf-8")


def attach_table_copy(table: QAbstractItemView) -> None:
    """Ctrl+C copies the selected rows as tab-separated text (it pastes into a spreadsheet);
    a context menu adds Copy rows and Export as CSV…"""
    if getattr(table, "_fdgui_copy", None) is not None:
        return
    copy = QAction("Copy selected rows", table)
    copy.setShortcut(QKeySequence.StandardKey.Copy)
    copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    copy.triggered.connect(lambda: _status(table, _copied(table)))
    table.addAction(copy)
    table._fdgui_copy = copy

    def menu(point: Any) -> None:
        popup = QMenu(table)
        popup.addAction(copy)
        export = popup.addAction("Export table as CSV…")
        export.triggered.connect(lambda: _export_table_dialog(table))
        for action in table.actions():  # the table's own actions (Delete selected rows)
            if action is not copy:
                popup.addAction(action)
        popup.exec(table.viewport().mapToGlobal(point))

    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(menu)


def _copied(table: QAbstractItemView) -> str:
    text = copy_rows(table)
    count = max(0, len(text.splitlines()) - 1)
    return f"Copied {count} row{'s' if count != 1 else ''} as tab-separated text."


def _export_table_dialog(table: QAbstractItemView) -> None:
    path, _ = QFileDialog.getSaveFileName(
        table, "Export table", str(Path.home() / "table.csv"), "CSV (*.csv)"
    )
    if path:
        try:
            export_table_csv(table, path)
            _status(table, f"Saved {path}.")
        except OSError as error:
            _status(table, f"Could not save {path}: {error.strerror or error}")


def _status(widget: Any, text: str) -> None:
    window = widget.window()
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(text, 6000)


# --- the explorer's pins -----------------------------------------------------------------------
def _extend_explorer(window: Any, panel: Any) -> list[QAction]:
    from fdgui.ui.explorer.pins import PinOverlay

    model = panel.model
    view = panel.view
    for name, item in (
        ("round-off floor", getattr(view, "floor", None)),
        ("one-sided truncation guide", getattr(view, "guide_one_sided", None)),
        ("central truncation guide", getattr(view, "guide_central", None)),
    ):
        if item is not None and not item.name():
            item.opts["name"] = name
    for prefix, curves in (("", "estimates"), ("|error| ", "errors"), ("best ", "best")):
        for scheme, item in getattr(view, curves, {}).items():
            if hasattr(item, "opts") and not item.name():
                item.opts["name"] = f"{prefix}{scheme}"
    panel.pin_overlay = PinOverlay(view.top, view.bottom, model.pins)
    # in the plots' context menu and on keys (the panel's button rows are full at 860×600)
    pin = QAction("Pin this sweep (compare with the next)", panel)
    pin.setObjectName("pinSweepAction")
    pin.setShortcut(QKeySequence("Ctrl+Shift+P"))
    clear = QAction("Clear pinned sweeps", panel)
    clear.setObjectName("clearPinsAction")
    clear.setShortcut(QKeySequence("Ctrl+Shift+U"))
    for action in (pin, clear):
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        panel.addAction(action)
    pin.triggered.connect(lambda: _status(panel, model.pins.pin(model.result())))
    clear.triggered.connect(lambda: model.undoable("Clear pinned sweeps", model.pins.clear))
    model.pins.pinsChanged.connect(lambda: clear.setEnabled(bool(model.pins.pins())))
    clear.setEnabled(bool(model.pins.pins()))
    panel.pin_action, panel.clear_pins_action = pin, clear
    return [pin, clear]


# --- File → Export results ---------------------------------------------------------------------
def exportable_result(window: Any, key: str) -> Any:
    """What Export results writes for panel ``key`` (None: nothing yet)."""
    model = window.model(key)
    result = model.result()
    if result is None:
        return None
    if key == "explorer":
        from fdgui.core.report.sweep import SweepReport

        return SweepReport(result, model.diagnosis())
    return result


def export_results(window: Any, key: str, path: str | Path) -> str:
    """Write panel ``key``'s results to ``path`` in the format its suffix names (.md, .json,
    .csv, .txt); returns a sentence."""
    from fdgui.core.report.exporters import export

    fmt = RESULT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        return "Choose a file ending in .md, .json, .csv or .txt."
    result = exportable_result(window, key)
    text = export(result, fmt) if result is not None else window.saved_report(key, fmt)
    if text is None:
        return "Nothing to export yet: this panel has no result."
    Path(path).write_text(text, encoding="utf-8")
    return f"Saved the results as {fmt} in {path}."


def export_results_dialog(window: Any) -> None:
    key = window.panel_keys()[window.tabs.currentIndex()]
    path, chosen = QFileDialog.getSaveFileName(
        window,
        "Export results",
        str(Path.home() / f"{key}-results.md"),
        "Markdown (*.md);;JSON (*.json);;CSV (*.csv);;Text (*.txt)",
    )
    if not path:
        return
    if not Path(path).suffix:
        path += {"JSON": ".json", "CSV": ".csv", "Text": ".txt"}.get(chosen.split(" ")[0], ".md")
    try:
        text = export_results(window, key, path)
    except OSError as error:
        text = f"Could not save {path}: {error.strerror or error}"
    window.statusBar().showMessage(text, 8000)


def results_action(window: Any) -> QAction:
    action = QAction("&Export results…", window)
    action.setShortcut(QKeySequence("Ctrl+E"))
    action.setToolTip("Save the front panel's results as Markdown, JSON, CSV or text")
    action.triggered.connect(lambda: export_results_dialog(window))
    return action
