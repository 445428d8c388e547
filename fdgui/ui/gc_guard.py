"""Python's cycle collector runs only on the GUI thread, in short slices.

Left alone, the collector runs in whichever thread happens to allocate, for example a worker
deep in numpy, and may then destroy Qt objects from that thread, which crashes Qt. Here
automatic collection is switched off and a timer on the GUI thread collects instead (the
approach of pyqtgraph's GarbageCollector), tuned so no pause is long enough to notice:
- the timer runs every 100 ms, so the young generation never grows large;
- the objects that live as long as the app (modules, widgets, the window) are frozen once
  the window is up (``freeze_startup``), so they are never traversed again;
- a full collection runs at most every 30 s, like CPython's own rule that defers full
  collections until enough has piled up;
- while objects are made in bulk (a worker reading 100,000 measured rows makes ~200,000),
  the timer comes back every 10 ms instead, so each pass looks at a few thousand new objects
  rather than everything made in 100 ms (one pass over 200,000 young objects held the
  window 40-80 ms).
Measured on the UI tests: the longest pause went from 123 ms to 49 ms.
- rows that arrive in bulk and stay (a pasted table of 100,000 measurements in the
  calculator's history: an object each) are frozen too once they are in
  (``freeze_as_it_grows``): left in the oldest generation, the next full pass walked them
  all, ~100 ms on the GUI thread in the middle of the next sweep.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

FULL_COLLECTION_EVERY_S = 30.0
QUICK_INTERVAL_MS = 10
#: young objects per pass (in thresholds of the youngest generation) that mean "made in bulk"
BULK_PASSES = 8
#: quick passes kept after the last one that found objects made in bulk
QUICK_PASSES = 50
#: rows added since the last freeze that make the long-lived objects worth freezing: a full
#: pass walks ~1,000,000 objects a second here, so 1,000 rows are ~1 ms a pass
FREEZE_ROWS = 1000


class MainThreadCollector(QObject):
    def __init__(self, interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.interval_ms = interval_ms
        self._quick_left = 0  # passes left at QUICK_INTERVAL_MS
        self._last_full = time.monotonic()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> None:
        """Collect the generations whose counts passed their thresholds, youngest first;
        the oldest only every FULL_COLLECTION_EVERY_S seconds."""
        young, middle, old = gc.get_count()
        if young > BULK_PASSES * self.threshold[0]:
            self._quick_left = QUICK_PASSES
        elif self._quick_left:
            self._quick_left -= 1
        wanted = QUICK_INTERVAL_MS if self._quick_left else self.interval_ms
        if self.timer.interval() != wanted:
            self.timer.setInterval(wanted)
        if young > self.threshold[0]:
            gc.collect(0)
            if middle > self.threshold[1]:
                gc.collect(1)
                now = time.monotonic()
                if old > self.threshold[2] and now - self._last_full > FULL_COLLECTION_EVERY_S:
                    self._last_full = now
                    gc.collect(2)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


_collector: MainThreadCollector | None = None


def install(interval_ms: int = 100) -> MainThreadCollector:
    """Start collecting on the GUI thread (idempotent); call after the QApplication exists."""
    global _collector
    if _collector is None:
        _collector = MainThreadCollector(interval_ms)
    return _collector


def freeze_startup() -> None:
    """Collect once, then move every object alive now out of the collector's sight: what
    exists once the window is up lives as long as the app."""
    gc.collect()
    gc.freeze()


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's sight, after a pass over the
    youngest generation (the garbage of the last few milliseconds is not kept). ``gc.freeze``
    splices the generations' lists: its cost does not grow with the objects it moves. What is
    frozen and later let go is still freed by its reference count; only a cycle of it would be
    kept (until ``gc.unfreeze``)."""
    gc.collect(0)
    gc.freeze()


def freeze_made_in_bulk() -> None:
    """Move every object alive now out of the collector's sight at once, with no pass (none
    may run off the GUI thread; this may): for containers just made with a reference per row
    (a measured table's columns, a copy of 100,000 history rows). Young, each pass over the
    youngest generation walked every reference in them: ~100 ms on the GUI thread for the
    nine such containers of a 100,000-row measured sweep. Let go later, they are still freed
    by their reference counts; what was garbage in a cycle at this moment (the last few
    milliseconds' worth) is kept."""
    gc.freeze()


def freeze_as_it_grows(changed: Any, size: Callable[[], int], rows: int = FREEZE_ROWS) -> None:
    """Freeze the long-lived objects each time ``size()`` has grown by ``rows`` since the last
    freeze, checked whenever the signal ``changed`` fires (a history's rows: a pasted table, a
    restored session, or many Calculates one at a time)."""
    frozen_at = [size()]

    def check() -> None:
        now = size()
        if now - frozen_at[0] >= rows:
            freeze_long_lived()
            frozen_at[0] = now
        elif now < frozen_at[0]:  # rows deleted: count the growth from here
            frozen_at[0] = now

    changed.connect(check)
