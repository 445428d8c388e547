"""The ε explorer's cursor never calls the person's probe on the GUI thread (review15w C1):
a slow or stuck loss froze the window for each cursor move (up to the whole probe timeout).
The readout at a new ε is measured in the worker, the readout says "measuring…" meanwhile,
rapid moves cost one measurement for the latest ε, and a failure goes to the probe's panel."""

from __future__ import annotations

import textwrap
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

SLOW_WHEN_FLAGGED = """
import os, time
import numpy as np
theta0 = np.linspace(-1, 1, 6)
HERE = os.path.dirname(__file__)
def loss(t):
    with open(os.path.join(HERE, "calls"), "a") as log:
        log.write("x")
    if os.path.exists(os.path.join(HERE, "raise")):
        raise RuntimeError("the cursor's batch broke")
    if os.path.exists(os.path.join(HERE, "slow")):
        time.sleep(0.6)
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""


def _swept(qtbot, window, monkeypatch, tmp_path):
    path = tmp_path / "slowish.py"
    path.write_text(textwrap.dedent(SLOW_WHEN_FLAGGED))
    panel = window.open_panel("explorer")
    model = panel.model
    model.set_texts({"points": "3", "min": "1e-5", "max": "1e-3"})
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    panel.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.source() == "probe" and model.result() is not None
                    and not model.is_busy() and model.readout() is not None,
                    timeout=60_000)  # fmt: skip
    return panel, model


class _Heartbeat:
    """A 10 ms timer on the GUI thread: the longest gap between its ticks."""

    def __init__(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.timer.start()

    def longest_gap(self) -> float:
        self.ticks.append(time.perf_counter())
        return max(b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False))


def test_a_slow_loss_never_stalls_the_window_while_the_cursor_moves(
    qtbot, window, tmp_path, monkeypatch
):
    panel, model = _swept(qtbot, window, monkeypatch, tmp_path)
    (tmp_path / "slow").write_text("0.6 s a loss")
    (tmp_path / "calls").write_text("")
    beat = _Heartbeat()
    started = time.perf_counter()
    for epsilon in (2e-4, 3e-4, 4e-4, 5e-4, 6e-4):  # rapid moves: only the latest matters
        model.set_cursor_epsilon(epsilon)
    returned = time.perf_counter() - started
    assert returned < 0.3, f"five cursor moves held the GUI thread {returned:.2f} s"
    assert model.readout() is None and not model.sendable()  # nothing old to send meanwhile
    assert "measuring" in panel.point_label.text().lower()
    qtbot.waitUntil(lambda: model.readout() is not None and model.readout().epsilon == 6e-4,
                    timeout=30_000)  # fmt: skip
    gap = beat.longest_gap()
    # each batch of 3 losses sleeps 1.8 s: on the GUI thread that was the gap
    assert gap < 0.9, f"the window stalled {gap:.2f} s"
    calls = len((tmp_path / "calls").read_text())
    assert calls <= 6, f"{calls} losses: the rapid moves were not coalesced"
    assert "measuring" not in panel.point_label.text().lower()


def test_a_failing_cursor_measurement_goes_to_the_probe_panel(qtbot, window, tmp_path, monkeypatch):
    panel, model = _swept(qtbot, window, monkeypatch, tmp_path)
    failures = []
    model.probeFailed.connect(lambda message, details: failures.append(message))
    (tmp_path / "raise").write_text("now")
    model.set_cursor_epsilon(3e-4)
    qtbot.waitUntil(lambda: any("broke" in message for message in failures), timeout=30_000)
    assert model.readout() is None and not model.sendable()
    assert "broke" in panel.point_label.text()
