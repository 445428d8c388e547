"""The one place an unexpected exception reaches a person: a dialog with details to copy."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType
from typing import ClassVar

from PySide6.QtWidgets import QApplication, QMessageBox


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
        summary = f"{kind.__name__}: {error}"
        cls.shown.append(summary)
        if cls._showing or QApplication.instance() is None:
            cls._suppressed += 1
            return
        cls._showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle("fdgui: something went wrong")
            box.setText(
                "An unexpected error happened. Your inputs are still there and the window keeps "
                "working. The details below help to report it."
            )
            box.setInformativeText(summary)
            box.setDetailedText(details)
            box.exec()
        finally:
            cls._showing = False
