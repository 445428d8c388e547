"""Cycles are collected on the GUI thread, never in a worker, and in short pauses."""

import gc
import threading

from fdgui.ui import gc_guard


class _Cycle:
    def __init__(self):
        self.me = self


def test_garbage_made_in_a_worker_is_collected_on_the_gui_thread(qtbot):
    collector = gc_guard.install()
    assert not gc.isenabled()
    threads = []

    def record(phase, info):
        threads.append(threading.current_thread())

    def allocate():
        # far past the threshold: with automatic collection on, this thread would collect
        for _ in range(30 * collector.threshold[0]):
            _Cycle()

    gc.callbacks.append(record)
    try:
        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert threads == []  # nothing was collected in the worker
        qtbot.waitUntil(lambda: bool(threads), timeout=3000)
    finally:
        gc.callbacks.remove(record)
    assert all(thread is threading.main_thread() for thread in threads)


def test_full_collections_are_rationed(qtbot, monkeypatch):
    collector = gc_guard.install()
    generations = []
    monkeypatch.setattr(gc_guard.gc, "collect", lambda generation=2: generations.append(generation))
    monkeypatch.setattr(gc_guard.gc, "get_count", lambda: (10_000, 100, 100))
    collector._last_full = gc_guard.time.monotonic()
    collector.collect()
    assert generations == [0, 1]  # everything past its threshold, but the last full was just now
    collector._last_full -= gc_guard.FULL_COLLECTION_EVERY_S + 1
    collector.collect()
    assert generations[-1] == 2


def test_objects_made_in_bulk_are_collected_in_short_passes(qtbot, monkeypatch):
    """A worker making ~200,000 objects left one pass over all of them (40-80 ms held on the
    GUI thread); while objects come in bulk the collector comes back every 10 ms instead,
    and goes back to its idle pace once they stop."""
    collector = gc_guard.install()
    counts = [(100_000, 0, 0)]
    monkeypatch.setattr(gc_guard.gc, "collect", lambda generation=2: None)
    monkeypatch.setattr(gc_guard.gc, "get_count", lambda: counts[-1])
    try:
        collector.collect()
        assert collector.timer.interval() == gc_guard.QUICK_INTERVAL_MS
        counts.append((100, 0, 0))  # the bulk is over
        for _ in range(gc_guard.QUICK_PASSES - 1):
            collector.collect()
        assert collector.timer.interval() == gc_guard.QUICK_INTERVAL_MS
        collector.collect()
        assert collector.timer.interval() == collector.interval_ms
    finally:
        collector._quick_left = 0
        collector.timer.setInterval(collector.interval_ms)


def test_the_app_lets_the_gui_thread_take_the_interpreter_back_within_a_millisecond():
    """Each hand-over of the interpreter from a worker running Python took up to 5 ms
    (CPython's default); the window's event loop paid it at every turn."""
    import sys

    from fdgui.ui import worker

    worker.share_interpreter()
    assert sys.getswitchinterval() <= 0.001
    source = worker.__file__.rsplit("/", 2)[0] + "/app.py"
    with open(source, encoding="utf-8") as handle:
        assert "worker.share_interpreter()" in handle.read()  # the app sets it too
