"""The one place an unexpected exception reaches a person: a dialog with details to copy,
and a line in a per-user log file, while the window keeps working.

The log is ``$XDG_STATE_HOME/fdgui/errors.log`` (``~/.local/state/fdgui/errors.log``) on
Linux and the application's local data folder elsewhere; it keeps the last ~1 MB.
"""

from __future__ import annotations

import datetime
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import ClassVar

from PySide6.QtWidgets import QApplication, QMessageBox

LOG_LIMIT_BYTES = 1_000_000


def log_path() -> Path:
    """Where unexpected errors are written, one block per error."""
    if sys.platform.startswith("linux"):
        state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        return Path(state) / "fdgui" / "errors.log"
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(folder or Path.home() / ".fdgui") / "errors.log"


def write_log(details: str) -> Path | None:
    """Append ``details`` with a time stamp; the path, or None if it cannot be written."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_LIMIT_BYTES:  # keep the newest half
            kept = path.read_bytes()[-LOG_LIMIT_BYTES // 2 :]
            path.write_bytes(kept)
        stamp = datetime.datetime.now().isoformat(timespec="seconds")
        from fdgui import __version__

        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {stamp} fdgui {__version__}\n{details}\n")
        return path
    except OSError:
        return None


class ExceptionReporter:
    """sys.excepthook replacement: one dialog at a time, repeats counted, the app stays up."""

    _showing = False
    _suppressed = 0
    shown: ClassVar[list[str]] = []  # summaries of what was shown (tests read this)

    @classmethod
    def install(cls) -> None:
        sys.excepthook = cls.hook

    @classmethod
    def hook(
        cls,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        details = "".join(traceback.format_exception(kind, error, trace))
        print(details, file=sys.stderr)
        logged = write_log(details)
        summary = f"{kind.__name__}: {error}"
        cls.shown.append(summary)
        if cls._showing or QApplication.instance() is None:
            cls._suppressed += 1
            return
        cls._showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setObjectName("errorDialog")
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle("fdgui: something went wrong")
            box.setText(
                "An unexpected error happened. Your inputs are still there and the window keeps "
                "working. The details below help to report it."
            )
            where = f"\n\nAlso written to {logged}" if logged else ""
            box.setInformativeText(summary[:500] + where)
            box.setDetailedText(details)
            copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
            copy.setObjectName("copyDetailsButton")
            box.addButton(QMessageBox.StandardButton.Close)

            def copy_details() -> None:
                QApplication.clipboard().setText(details)

            copy.clicked.connect(copy_details)
            box.exec()
        finally:
            cls._showing = False
