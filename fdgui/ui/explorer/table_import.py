"""Import table… in the explorer: a CSV/TSV file of ε, L+, L−[, L] becomes the measured rows.

The file is read, parsed and made into rows by one job (``core.table_job.read_table_file``):
at once for a small file, in the worker otherwise, with its progress under the inputs and
Cancel (review11t H3: 200,000 rows parsed on the GUI thread froze the window 21 s). The
result is applied on the GUI thread; a failure is a message beside the rows, and the rows
already there are kept. A second import replaces one still running.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from fdgui.core.jobs import drive
from fdgui.core.numbers.parsing import InputError
from fdgui.core.table_file import MAX_TABLE_BYTES
from fdgui.core.table_job import read_table_file  # and what it reads with: see there
from fdgui.ui.worker import start_job

#: a file at most this large is read at once (a few hundred rows: tens of milliseconds);
#: a larger one in the worker
INLINE_BYTES = 16_384


class TableImport(QObject):
    """The import of one explorer model (``model.table_import``)."""

    runningChanged = Signal(bool)
    progressed = Signal(float, str)  # fraction, what is being done ("long.csv: read …")
    failed = Signal(str)  # why the file was not imported ("" once one was)
    stopped = Signal(str)  # a sentence: the running import was cancelled

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        self.model = model
        self._job: Any = None
        self._name = ""
        self._chosen = ""  # the losses' format chosen when the import started

    def running(self) -> bool:
        return self._job is not None

    def start(self, path: str) -> bool:
        """Read ``path`` into the model's measured rows; False (``failed`` says why) when it
        was refused at once, True when it was read or is being read."""
        self._stop()  # a new file replaces one still being read
        name = Path(path).name
        try:
            info: os.stat_result | None = os.stat(path)
        except OSError:
            info = None  # the reader says why
        if info is not None and not stat.S_ISREG(info.st_mode):  # a pipe would never end
            self.failed.emit(
                f"{name} is not a regular file (a folder, a pipe or a device); not read"
            )
            return False
        chosen, asked = self.model.table_format_choice()
        if info is None or info.st_size <= INLINE_BYTES or info.st_size > MAX_TABLE_BYTES:
            try:  # small (or refused before reading): at once
                table = drive(read_table_file(path, asked))
            except InputError as error:
                self.failed.emit(error.message)
                return False
            self.model.accept_table(table, chosen)
            self.failed.emit("")
            return True
        job = start_job(read_table_file, path, asked)
        self._job, self._name, self._chosen = job, name, chosen
        job.progressed.connect(self._progressed)
        job.returned.connect(self._returned)
        job.errored.connect(self._errored)
        job.aborted.connect(self._aborted)
        self.runningChanged.emit(True)
        self.progressed.emit(0.0, f"{name}: starting")
        return True

    def cancel(self) -> bool:
        """Cancel (the button, Esc): stop a running import; the rows shown before stay."""
        name = self._name
        if not self._stop():
            return False
        self.stopped.emit(f"Stopped importing {name}: the measured rows shown before are kept.")
        return True

    def _stop(self) -> bool:
        """Stop the running import and stop listening to it now; whether one was running."""
        job, self._job = self._job, None
        if job is None:
            return False
        job.cancel()
        self.runningChanged.emit(False)
        return True

    def _live(self) -> bool:
        return self._job is not None and self.sender() is self._job

    def _progressed(self, fraction: float, message: str) -> None:
        if self._live():
            self.progressed.emit(fraction, f"{self._name}: {message}" if message else self._name)

    def _returned(self, table: Any) -> None:
        if self._live():
            self._stop()
            self.model.accept_table(table, self._chosen)
            self.failed.emit("")

    def _errored(self, message: str, _details: str) -> None:
        if self._live():
            self._stop()
            self.failed.emit(message)

    def _aborted(self) -> None:
        if self._live():  # stopped from elsewhere (the app closing)
            self._stop()


class ImportView(QObject):
    """What the explorer's panel shows of an import: the progress row and the status line
    while it runs, a failure beside the rows. A child of the panel: gone with it."""

    def __init__(self, panel: Any) -> None:
        super().__init__(panel)
        self.panel = panel
        importer = panel.model.table_import
        importer.runningChanged.connect(self._show_running)
        importer.progressed.connect(self._show_progress)
        importer.failed.connect(self._show_failure)
        importer.stopped.connect(self._show_stopped)

    def _show_running(self, running: bool) -> None:
        panel = self.panel
        panel.progress_row.setVisible(running or panel.model.is_busy())
        if running:
            panel.progress.setValue(0)
        elif panel.status_label.text().startswith("Importing "):
            panel.status_label.setText("")

    def _show_progress(self, fraction: float, message: str) -> None:
        self.panel.progress.setValue(round(100 * fraction))
        self.panel.status_label.setText(f"Importing {message}…")

    def _show_failure(self, message: str) -> None:
        self.panel._show_error("rows", message)

    def _show_stopped(self, message: str) -> None:
        self.panel.status_label.setText(message)


def pick_table(panel: Any) -> None:
    """The file dialog, then :func:`import_table_file`."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(
        panel, "Import a table of ε, L+, L−", "", "Tables (*.csv *.tsv *.txt);;All files (*)"
    )
    if path:
        import_table_file(panel, path)


def import_table_file(panel: Any, path: str) -> bool:
    """Read ``path`` into ``panel.model``'s measured rows: True when read (a small file) or
    being read (in the worker), False with a message beside the rows when refused now."""
    return bool(panel.model.table_import.start(path))
