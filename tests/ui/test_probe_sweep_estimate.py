"""The explorer says what a probe sweep will cost (review15w M3: ~47 loss calls per ε point
on a 3-point grid, minutes to hours for a slow loss, nothing said): before the first call,
the planned loss calls; while it runs, calls done of planned and the time left at the
probe's own pace; the count is of what the sweep really calls (within a factor 1.5)."""

from __future__ import annotations

import textwrap

from PySide6.QtWidgets import QFileDialog

SLOWISH = """
import os, time
import numpy as np
theta0 = np.linspace(-1, 1, 6)
HERE = os.path.dirname(__file__)
def loss(t):
    with open(os.path.join(HERE, "calls"), "a") as log:
        log.write("x")
    time.sleep(0.004)
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return np.cos(t) * t + np.sin(t)
"""


def test_a_probe_sweep_says_its_loss_calls_and_time_before_and_while_it_runs(
    qtbot, window, tmp_path, monkeypatch
):
    path = tmp_path / "slowish.py"
    path.write_text(textwrap.dedent(SLOWISH))
    (tmp_path / "calls").write_text("")
    panel = window.open_panel("explorer")
    model = panel.model
    model.set_texts({"points": "40", "min": "1e-6", "max": "1e-2"})
    seen: list[str] = []
    model.progressed.connect(lambda _f, message: seen.append(message))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    panel.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.source() == "probe" and model.result() is not None
                    and not model.is_busy(), timeout=60_000)  # fmt: skip
    planned = [m for m in seen if "loss calls" in m]
    assert planned, f"no estimate of the loss calls was shown: {seen[:8]}"
    assert "about" in planned[0], planned[0]
    assert any("left" in m for m in planned), f"no time left was shown: {planned[-3:]}"
    import re

    number = int(re.search(r"about ([\d,]+) loss calls", planned[0]).group(1).replace(",", ""))
    calls = len((tmp_path / "calls").read_text())
    assert calls / 1.5 <= number <= calls * 1.5, f"planned {number}, the sweep called {calls}"
    # a second sweep of the same entry pays no references again: a smaller plan
    seen.clear()
    (tmp_path / "calls").write_text("")
    model.sweep()
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=60_000)
    again = [m for m in seen if "loss calls" in m]
    assert again, seen[:8]
    second = int(re.search(r"about ([\d,]+) loss calls", again[0]).group(1).replace(",", ""))
    calls = len((tmp_path / "calls").read_text())
    assert second < number and calls / 1.5 <= second <= calls * 1.5 + 5, (second, calls)
    panel.grab().save(str(tmp_path / "estimate.png"))


def test_esc_during_a_probe_sweep_says_where_it_stopped(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "slowish.py"
    path.write_text(textwrap.dedent(SLOWISH).replace("0.004", "0.05"))
    (tmp_path / "calls").write_text("")
    panel = window.open_panel("explorer")
    model = panel.model
    model.set_texts({"points": "400"})
    said: list[str] = []
    model.statusMessage.connect(said.append)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    panel.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.is_busy() and any("loss calls" in m for m in said),
                    timeout=60_000)  # fmt: skip
    assert any("Sweeping the probe" in m and "Esc" in m for m in said), said[-3:]
    assert model.is_busy(), said[-3:]  # the sweep runs (47 s of loss calls): Esc now
    model.cancel_pressed()
    assert not model.is_busy()
    assert said[-1].startswith("Stopped after"), said[-3:]


def test_the_cost_words_stop_once_the_sweep_is_left_before_any_call(qtbot):
    """A sweep left before its first call (a new pick) leaves no ticking words behind."""
    from PySide6.QtCore import QObject, Signal

    from fdgui.ui.explorer import sweep_cost

    class _Model(QObject):
        progressed = Signal(float, str)
        statusMessage = Signal(str)
        busy = True

        def is_busy(self) -> bool:
            return self.busy

    class _Probe:
        evaluations_made = 0

    model = _Model()
    said: list[str] = []
    model.statusMessage.connect(said.append)
    ticker = sweep_cost.CostTicker(model, sweep_cost.SweepCost(_Probe(), 10, True))
    assert said and "about 162 loss calls" in said[-1], said
    model.busy = False  # left: a new pick detached it
    qtbot.waitUntil(lambda: not ticker.active, timeout=3000)
    count = len(said)
    qtbot.wait(1500)
    assert len(said) == count, said[count:]
