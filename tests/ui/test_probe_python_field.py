"""The Python field edited after a probe is loaded (review9j MED-2): the next run runs the
probe in the Python typed now — another interpreter restarts it there, with a note; one that
cannot start is the run's error in words — never the old interpreter silently."""

from __future__ import annotations

import os
import stat
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QFileDialog

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for a Python")

GOOD = """
import numpy as np
theta0 = np.linspace(-1, 1, 6)
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""


def test_the_network_check_runs_in_the_python_typed_now(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent(GOOD))
    other = tmp_path / "my-python"  # another interpreter, as far as a path says
    other.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    other.chmod(other.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    panel = window.open_panel("netcheck")
    model = panel.model
    panel.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.settings is not None and model.settings.spec is None,
                    timeout=20_000)  # fmt: skip
    probe = model.probe.model
    failures, messages = [], []
    model.probeFailed.connect(lambda message, details: failures.append(message))
    model.statusMessage.connect(messages.append)
    model.set_text("probe_python", "/nonexistent/python")
    with qtbot.waitSignal(model.busyChanged, timeout=30_000, check_params_cb=lambda busy: not busy):
        assert model.run()
    assert failures and "/nonexistent/python" in failures[-1], failures
    model.set_text("probe_python", str(other))
    with qtbot.waitSignal(model.resultChanged, timeout=30_000) as blocker:
        assert model.run()
    assert blocker.args[0].passed
    assert probe.process.python == str(other)
    assert any("now runs in" in m and str(other) in m for m in messages), messages
