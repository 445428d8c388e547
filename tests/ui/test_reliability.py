"""The window's promises under stress: no stall during each panel's longest job, no network
socket, and an unexpected exception shown, logged and survived."""

from __future__ import annotations

import functools
import gc
import os
import socket
import sys
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from fdgui.ui import worker

HEARTBEAT_MS = 20
LONGEST_GAP_MS = 100
#: a stall of the GUI thread's own making repeats on every run of the same job; one that the
#: operating system's scheduling causes on a shared machine (329 ms once in CI, 34-113 ms
#: here for the same job) does not, so the job runs again once before it counts as a stall
ATTEMPTS = 2


class Heartbeat:
    """A 20 ms timer on the GUI thread; ``longest`` is the worst gap between two beats and
    ``collections`` the cycle collector's passes meanwhile (generation, ms), which say
    whether a gap was the collector's."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.collections: list[tuple[int, float]] = []
        self._collection_start = 0.0

    def _collected(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._collection_start = time.perf_counter()
        else:
            elapsed_ms = (time.perf_counter() - self._collection_start) * 1000
            self.collections.append((info["generation"], round(elapsed_ms, 1)))

    def report(self) -> str:
        slowest = sorted(self.collections, key=lambda pass_: -pass_[1])[:3]
        return f"longest gap {self.longest * 1000:.0f} ms; slowest collector passes {slowest}"

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> Heartbeat:
        gc.callbacks.append(self._collected)
        self._last = time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.timer.stop()
        self._beat()
        gc.callbacks.remove(self._collected)


@pytest.fixture
def app_heap():
    """The heap as the app has it: everything alive once the window is up is frozen out of
    the collector's sight (``gc_guard.freeze_startup``, as fdgui.app does after showing the
    window). A test process that has run thousands of tests carries their objects too; a
    full collection over those (300+ ms in CI) is not a pause the app can have."""
    from fdgui.ui import gc_guard

    gc_guard.freeze_startup()
    yield
    gc.unfreeze()


def _wait_for_jobs(qtbot, timeout_s: float = 120) -> None:
    qtbot.waitUntil(lambda: not worker._live_jobs, timeout=int(timeout_s * 1000))
    qtbot.wait(200)  # the result is drawn after the job ends: that counts too


@functools.cache
def _rows(count: int) -> str:
    lines = ["eps\tL+\tL-\tL"]
    for number in range(count):
        eps = 10.0 ** (-1 - 7 * number / count)
        lines.append(f"{eps!r}\t{(1 + eps) ** 3!r}\t{(1 - eps) ** 3!r}\t1")
    return "\n".join(lines)


PASTED_ROWS = 100_000


def _calculator_job(window, qtbot) -> None:
    """Paste 100,000 rows (read off the GUI thread, drawn when read)."""
    model = window.model("calculator")
    before = len(model.history)  # (a retried attempt pastes into the same window)
    with qtbot.waitSignal(model.tableRead, timeout=120_000):
        window.panel("calculator").paste_table(_rows(PASTED_ROWS))
    assert len(model.history) - before == PASTED_ROWS


def _explorer_job(window, qtbot) -> None:
    """The built-in network swept at the most ε the explorer allows."""
    from fdgui.core.sweep.engine import MAX_POINTS

    model = window.model("explorer")
    model.set_source("network")
    model.set_texts({"points": str(MAX_POINTS)})
    model.force_worker = True
    model.sweep()
    _wait_for_jobs(qtbot)
    assert model.result() is not None and len(model.result().epsilons) == MAX_POINTS


def _netcheck_job(window, qtbot) -> None:
    """The default network checked entry by entry with the forward engine (its slowest)."""
    model = window.model("netcheck")
    model.set_text("engine", "forward")
    assert model.run()
    _wait_for_jobs(qtbot)
    assert model.result() is not None


JOBS = {"calculator": _calculator_job, "explorer": _explorer_job, "netcheck": _netcheck_job}


def test_every_panel_has_a_longest_job(window):
    assert set(window.panel_keys()) <= set(JOBS), "give a new panel its longest job here"


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(JOBS))
def test_the_window_answers_during_each_panels_longest_job(window, qtbot, key, app_heap):
    if os.getloadavg()[0] > 1.5 * (os.cpu_count() or 1) and not os.environ.get("FDGUI_TIME_ANYWAY"):
        # a heartbeat measures this process's GUI thread; on a machine running several
        # times more work than it has cores, the operating system's scheduling dominates
        pytest.skip(
            f"machine overloaded (load average {os.getloadavg()[0]:.1f}): timing says nothing"
        )
    window.open_panel(key)
    qtbot.wait(300)  # first paint and deferred first results are not the job
    _wait_for_jobs(qtbot)
    _rows(PASTED_ROWS)  # the test's own preparation is not the job
    reports = []
    for _attempt in range(ATTEMPTS):
        with Heartbeat() as heartbeat:
            JOBS[key](window, qtbot)
        reports.append(heartbeat.report())
        print(f"\n{key}: {HEARTBEAT_MS} ms heartbeat: {reports[-1]}")
        if heartbeat.longest * 1000 <= LONGEST_GAP_MS:
            break
    else:
        pytest.fail(f"every run of the job stalled the window: {reports}")


# the explorer's inline (GUI-thread) sweep: expected under WORKER_THRESHOLD_S, its
# extended-precision references under INLINE_REFERENCE_S, then drawing
INLINE_GAP_MS = 250


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
@pytest.mark.slow
@pytest.mark.parametrize(
    "expression, point",
    [("sin(w)", "1"), ("tanh(w)*exp(-w**2) + log1p(w**2)", "0.7"), ("w**w**w**w**w", "10"),
     ("w**w**w**w**w", "3")],
)  # fmt: skip
def test_the_explorer_inline_sweep_never_stalls_the_window(
    window, qtbot, expression, point, app_heap
):
    if os.getloadavg()[0] > 1.5 * (os.cpu_count() or 1):
        pytest.skip(
            f"machine overloaded (load average {os.getloadavg()[0]:.1f}): timing says nothing"
        )
    window.open_panel("explorer")
    qtbot.wait(300)
    _wait_for_jobs(qtbot)
    model = window.model("explorer")
    assert not model.force_worker  # the path under test runs on the GUI thread
    model.set_texts({"expression": expression, "point": point})
    _wait_for_jobs(qtbot)
    with Heartbeat() as heartbeat:
        model.sweep()
        _wait_for_jobs(qtbot, 60)
    gap_ms = heartbeat.longest * 1000
    print(f"\n{expression} at {point}: {heartbeat.report()}")
    assert model.result() is not None
    assert gap_ms <= INLINE_GAP_MS, heartbeat.report()


def _socket_fds() -> int:
    count = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
def test_starting_and_running_every_panel_opens_no_socket(qtbot, monkeypatch):
    opened: list[str] = []
    real_init = socket.socket.__init__

    def spy(self, *args, **kwargs):
        opened.append(f"socket{args}")
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "__init__", spy)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, lambda *a, name=name, **k: opened.append(name))
    before = _socket_fds()

    from fdgui.ui.main_window import MainWindow

    window = MainWindow(remember=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for key in window.panel_keys():
        window.open_panel(key)
    window.model("calculator").calculate()
    window.model("explorer").sweep()
    for source in ("network", "measured", "expression"):
        window.model("explorer").set_source(source)
        window.model("explorer").sweep()
    assert window.model("netcheck").run()
    _wait_for_jobs(qtbot)
    window.close()
    assert opened == []
    assert _socket_fds() <= before


def test_an_exception_in_a_slot_is_shown_logged_copyable_and_survived(window, qtbot, monkeypatch):
    from fdgui.ui import errors

    shown = []

    def exec_box(box):
        shown.append(box.detailedText())
        box.findChild(QPushButton, "copyDetailsButton").click()
        return 0

    monkeypatch.setattr(errors.QMessageBox, "exec", exec_box)
    monkeypatch.setattr(sys, "excepthook", errors.ExceptionReporter.hook)

    def faulty_slot() -> None:
        raise RuntimeError("a fault injected into a slot")

    panel = window.panel("calculator")
    panel.calculate_button.clicked.connect(faulty_slot)
    rows = len(window.model("calculator").history)
    qtbot.mouseClick(panel.calculate_button, Qt.MouseButton.LeftButton)
    assert shown and "a fault injected into a slot" in shown[0]
    assert "Traceback" in shown[0]
    assert QGuiApplication.clipboard().text() == shown[0]  # the details were copied
    log = errors.log_path()
    assert log.is_file() and "a fault injected into a slot" in log.read_text(encoding="utf-8")
    # the slot next to it ran, and the window keeps working
    assert len(window.model("calculator").history) == rows + 1
    panel.calculate_button.clicked.disconnect(faulty_slot)
    window.model("calculator").set_text("epsilon", "0.001")
    qtbot.mouseClick(panel.calculate_button, Qt.MouseButton.LeftButton)
    assert len(window.model("calculator").history) == rows + 2
    assert len(shown) == 1
