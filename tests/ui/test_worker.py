"""The one worker mechanism, with a real thread."""

import threading
import time

from fdgui.ui.worker import start_job


def counting(n, delay):
    total = 0
    for i in range(n):
        time.sleep(delay)
        total += i
        yield (i + 1) / n, f"step {i + 1}"
    return total


def failing():
    yield 0.5
    raise ValueError("bad thing")


def test_job_returns_its_result_off_the_gui_thread(qtbot):
    threads = []

    def record():
        threads.append(threading.current_thread())
        yield 1.0
        return 42

    job = start_job(record)
    with qtbot.waitSignal(job.returned, timeout=5000) as blocker:
        pass
    assert blocker.args == [42]
    assert threads[0] is not threading.main_thread()


def test_progress_arrives_and_cancel_stops_quickly(qtbot):
    job = start_job(counting, 10_000, 0.001)
    progress = []
    job.progressed.connect(lambda fraction, message: progress.append(fraction))
    qtbot.waitUntil(lambda: len(progress) >= 1, timeout=5000)
    started = time.perf_counter()
    with qtbot.waitSignal(job.aborted, timeout=2000):
        job.cancel()
    assert time.perf_counter() - started < 0.2
    assert 0 < progress[-1] < 1


def test_errors_come_back_as_a_message(qtbot):
    job = start_job(failing)
    with qtbot.waitSignal(job.errored, timeout=5000) as blocker:
        pass
    message, details = blocker.args
    assert message == "ValueError: bad thing"
    assert "Traceback" in details
