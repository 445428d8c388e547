"""Import table… in the explorer: a CSV/TSV file of ε, L+, L−[, L] becomes the measured rows
(read on the GUI thread: a table is small; a failure is a message beside the rows, and the
rows already there are kept)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fdgui.core.numbers.parsing import InputError


def pick_table(panel: Any) -> None:
    """The file dialog, then :func:`import_table_file`."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(
        panel, "Import a table of ε, L+, L−", "", "Tables (*.csv *.tsv *.txt);;All files (*)"
    )
    if path:
        import_table_file(panel, path)


def import_table_file(panel: Any, path: str) -> bool:
    """Read ``path`` into ``panel.model``'s measured rows; False (with a message) on failure."""
    name = Path(path).name
    from fdgui.core.table_file import read_table_text

    try:
        text = read_table_text(path, "rows")  # bounded: never more than the size cap
        panel.model.import_table(text, name)
    except InputError as error:
        panel._show_error("rows", error.message)
        return False
    panel._show_error("rows", "")
    return True
