"""Python's cycle collector runs only on the GUI thread.

Left alone, the collector runs in whichever thread happens to allocate, for example a worker
deep in numpy, and may then destroy Qt objects from that thread, which crashes Qt. Here
automatic collection is switched off and a timer on the GUI thread collects instead, with the
same generation thresholds (the approach of pyqtgraph's GarbageCollector).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadCollector(QObject):
    def __init__(self, interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> None:
        """Collect the generations whose counts passed their thresholds, youngest first."""
        young, middle, old = gc.get_count()
        if young > self.threshold[0]:
            gc.collect(0)
            if middle > self.threshold[1]:
                gc.collect(1)
                if old > self.threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


_collector: MainThreadCollector | None = None


def install(interval_ms: int = 1000) -> MainThreadCollector:
    """Start collecting on the GUI thread (idempotent); call after the QApplication exists."""
    global _collector
    if _collector is None:
        _collector = MainThreadCollector(interval_ms)
    return _collector
