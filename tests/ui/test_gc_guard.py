"""Cycles are collected on the GUI thread, never in a worker."""

import gc
import threading

from fdgui.ui import gc_guard


class _Cycle:
    def __init__(self):
        self.me = self


def test_automatic_collection_is_off_and_the_timer_collects(qtbot):
    collector = gc_guard.install(interval_ms=50)
    assert not gc.isenabled()
    threads = []
    gc.callbacks.append(lambda phase, info: threads.append(threading.current_thread()))
    try:
        # far past the threshold: frees elsewhere count against it (allocations − frees)
        for _ in range(30 * collector.threshold[0]):
            _Cycle()
        qtbot.waitUntil(lambda: bool(threads), timeout=3000)
    finally:
        gc.callbacks.pop()
    assert all(thread is threading.main_thread() for thread in threads)
