"""Cancel in one panel stops only that panel's job (review9j MED-4): the explorer working on
the network check's probe (one shared process) leaves the check running when its own sweep
is cancelled; alone, its Cancel still ends the process."""

from __future__ import annotations

import textwrap

from PySide6.QtWidgets import QFileDialog

SLOW = """
import time
import numpy as np
theta0 = np.linspace(-1, 1, 12)
names = [("W", (3, 4))]
def loss(t):
    time.sleep(0.03)
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return np.sin(t) + t * np.cos(t)
"""


def test_the_explorers_cancel_leaves_the_checks_run(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "slow.py"
    path.write_text(textwrap.dedent(SLOW))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    panel = window.open_panel("netcheck")
    check = panel.model
    panel.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: check.settings is not None and check.settings.spec is None,
                    timeout=20_000)  # fmt: skip
    probe = check.probe.model
    failures = []
    check.probeFailed.connect(lambda message, details: failures.append(message))
    explorer = window.model("explorer")
    explorer.force_worker = True
    with qtbot.waitSignal(check.resultChanged, timeout=120_000) as blocker:
        assert check.run()
        explorer.sweep_probe_entry(probe, "W", 5)
        qtbot.waitUntil(lambda: explorer.is_busy(), timeout=10_000)
        assert explorer.probe.model is probe
        explorer.cancel_pressed()
        assert not explorer.is_busy()
        assert probe.process.alive and not probe._stopped  # the check's process runs on
    assert blocker.args[0].passed, failures
    assert not [f for f in failures if f], failures
    # alone on it, the explorer's Cancel ends the process as before
    explorer.sweep_probe_entry(probe, "W", 6)
    qtbot.waitUntil(lambda: explorer.is_busy(), timeout=10_000)
    explorer.cancel_pressed()
    assert not probe.process.alive
