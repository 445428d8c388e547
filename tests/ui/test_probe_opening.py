"""A probe file still opening (a module-level loop, a slow import) is the person's to stop
(review9j HIGH-3): Cancel and Esc end its process at once in both panels; a newer pick
replaces one still opening, whose answer is then dropped (HIGH-4); a closing app leaves no
probe to restart (HIGH-7)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from PySide6.QtWidgets import QFileDialog

LOOP = "while True:\n    pass\n"
SLOW = """
import time
import numpy as np
time.sleep({seconds})
theta0 = np.linspace(-1, 1, {size})
names = [("{name}", ({size},))]
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""


def pick(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def panel_parts(window, key):
    panel = window.open_panel(key)
    page = panel.inputs.probe_page if key == "explorer" else panel.probe_page
    return panel, panel.model, page


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
@pytest.mark.parametrize("key", ["explorer", "netcheck"])
@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancel_stops_a_probe_still_opening(qtbot, window, tmp_path, monkeypatch, key, how):
    path = tmp_path / "loops.py"
    path.write_text(LOOP)
    panel, model, page = panel_parts(window, key)
    failures = []
    model.probeFailed.connect(lambda message, details: failures.append(message))
    pick(monkeypatch, path)
    page.choose_button.click()
    qtbot.waitUntil(lambda: model.probe.opening, timeout=5_000)
    process = model.probe._opening
    qtbot.waitUntil(lambda: process.alive, timeout=10_000)  # it runs the loop now
    started = time.perf_counter()
    if how == "button":
        assert panel.cancel_button.isEnabled()
        panel.cancel_button.click()
    else:
        panel.cancel_shortcut.activated.emit()
    qtbot.waitUntil(lambda: not model.probe.opening, timeout=10_000)
    assert time.perf_counter() - started < 8  # not the 30 s timeout
    assert not process.alive
    assert failures and "stopped" in failures[-1], failures
    assert model.probe.model is None


def test_a_newer_pick_replaces_one_still_opening(qtbot, window, tmp_path, monkeypatch):
    slow = tmp_path / "slow_a.py"
    slow.write_text(SLOW.format(seconds=4, size=3, name="AAA"))
    fast = tmp_path / "fast_b.py"
    fast.write_text(SLOW.format(seconds=0, size=5, name="BBB"))
    _panel, model, page = panel_parts(window, "explorer")
    pick(monkeypatch, slow)
    page.choose_button.click()
    qtbot.waitUntil(lambda: model.probe.opening, timeout=5_000)
    first = model.probe._opening
    pick(monkeypatch, fast)
    page.choose_button.click()
    qtbot.waitUntil(lambda: model.probe.model is not None and not model.probe.opening,
                    timeout=20_000)  # fmt: skip
    assert model.probe.model.path == str(fast)
    assert not first.alive  # the left pick's process ended
    qtbot.wait(5_000)  # past the time the first file would have finished loading
    assert model.probe.model.path == str(fast)
    assert [t.name for t in model.probe.model.tensors] == ["BBB"]
    assert page.path_label.text() == str(fast)


def test_a_closing_app_stops_the_probe_and_it_never_restarts(qtbot, window, tmp_path,
                                                             monkeypatch):  # fmt: skip
    path = tmp_path / "fine.py"
    path.write_text(SLOW.format(seconds=0, size=4, name="W"))
    _panel, model, page = panel_parts(window, "netcheck")
    pick(monkeypatch, path)
    page.choose_button.click()
    qtbot.waitUntil(lambda: model.probe.model is not None, timeout=20_000)
    probe = model.probe.model
    model.probe._quitting()  # what aboutToQuit calls
    assert not probe.process.alive
    from fdgui.probe.client import ProbeError

    with pytest.raises(ProbeError, match="stopped"):
        probe.loss(probe.theta0())
    assert not probe.process.alive


def test_a_process_killed_while_the_precision_is_learned_is_said(tmp_path):
    """A kill from outside (or a crash) at a probe point far from θ0 ends the run in words;
    it is not absorbed as 'undefined this far' with a new process started silently."""
    from fdgui.core.netcheck import CheckSettings, run_to_completion
    from fdgui.probe.client import ProbeError
    from fdgui.probe.model import open_probe

    path = tmp_path / "dies.py"
    path.write_text(
        "import os, signal\nimport numpy as np\ntheta0 = np.array([0.3, -0.2, 0.5])\n"
        "def loss(t):\n    if abs(t[0] - 0.3) > 1e-4:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return float(np.round(np.sum(t ** 2), 3))\n"  # tiny steps leave it unchanged
        "def grad(t):\n    return 2 * t\n"
    )
    model = open_probe(str(path), timeout=20)
    try:
        with pytest.raises(ProbeError, match="SIGKILL"):
            run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()
    assert hasattr(signal, "SIGKILL") and os.name != "nt"
