"""A probe timeout typed wrong in the window (review9j MED-1) is the field's error in words,
the sweep or check is refused until it is fixed, and the text typed stays as typed; a valid
one is what the probe's process is timed with."""

from __future__ import annotations

import textwrap

import pytest
from PySide6.QtWidgets import QFileDialog

GOOD = """
import numpy as np
theta0 = np.linspace(-1, 1, 6)
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""

WRONG = ["abc", "0", "-1", "nan", ""]


@pytest.fixture
def probe_file(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent(GOOD))
    return path


def pick(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def test_the_explorer_refuses_a_wrong_timeout_in_words(qtbot, window, probe_file, monkeypatch):
    explorer = window.open_panel("explorer")
    model = explorer.model
    pick(monkeypatch, probe_file)
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.probe.model is not None and model.source() == "probe"
                    and model.result() is not None and not model.is_busy()
                    and model.objective().model is model.probe.model, timeout=20_000)  # fmt: skip
    shown = {}
    model.inputErrorChanged.connect(lambda field, message: shown.__setitem__(field, message))
    for text in WRONG:
        model.set_text("probe_timeout", text)
        model.sweep()
        qtbot.waitUntil(lambda: not model.is_busy(), timeout=10_000)
        assert "probe_timeout" in model.errors(), text
        assert "second" in model.errors()["probe_timeout"], model.errors()
        assert shown.get("probe_timeout"), text  # the field's error label says it
        assert model.text("probe_timeout") == text  # nothing typed is lost
        assert model.probe.model.process.timeout == 30.0  # the last valid value, untouched
    model.set_text("probe_timeout", "7.5")
    model.sweep()
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=20_000)
    assert "probe_timeout" not in model.errors() and shown["probe_timeout"] == ""
    assert model.probe.model.process.timeout == 7.5


def test_the_network_check_refuses_to_run_with_a_wrong_timeout(
    qtbot, window, probe_file, monkeypatch
):
    panel = window.open_panel("netcheck")
    model = panel.model
    pick(monkeypatch, probe_file)
    panel.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.settings is not None and model.settings.spec is None,
                    timeout=20_000)  # fmt: skip
    messages = []
    model.statusMessage.connect(messages.append)
    for text in WRONG:
        model.set_text("probe_timeout", text)
        assert "second" in model.errors().get("probe_timeout", ""), (text, model.errors())
        assert model.settings is None
        assert not model.run(), text  # refused, in words
        assert messages and "timeout" in messages[-1], messages[-1:]
        assert model.text("probe_timeout") == text
    model.set_text("probe_timeout", "12")
    assert "probe_timeout" not in model.errors() and model.settings is not None
    with qtbot.waitSignal(model.resultChanged, timeout=30_000) as blocker:
        panel.run_button.click()
    assert blocker.args[0].passed
    assert model.probe.model.process.timeout == 12.0
