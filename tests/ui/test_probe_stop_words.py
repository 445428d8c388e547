"""After a probe's check stops with an error, the status bar keeps saying why ("The check
stopped: …"), not the cost measurement's echo of the same failure (review9l LOW 12); a loss
that is NaN at θ0 is said in words, without the exception's class or field (LOW 1)."""

from __future__ import annotations

import textwrap

from PySide6.QtWidgets import QFileDialog

RAISES_AFTER_LOAD = """
import os
import numpy as np
theta0 = np.linspace(-1, 1, 6)
FLAG = os.path.join(os.path.dirname(__file__), "flag")
def loss(t):
    if os.path.exists(FLAG):
        raise RuntimeError("bad batch")
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""

NAN_AT_THETA0 = """
import numpy as np
theta0 = np.linspace(-1, 1, 6)
def loss(t):
    return float("nan")
"""


def _pick(qtbot, window, monkeypatch, path, source):
    """The network check on the probe ``source`` written at ``path``, and the status
    messages it says from then on."""
    path.write_text(textwrap.dedent(source))
    check = window.open_panel("netcheck")
    check.model.set_text("source", "probe")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    check.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: check.model.probe.model is not None and check.model.settings is not None
                    and check.model.settings.spec is None and not check.model.is_busy(),
                    timeout=20_000)  # fmt: skip
    messages = []
    check.model.statusMessage.connect(messages.append)
    return check, messages


def test_the_stopped_checks_words_stay_in_the_status_bar(qtbot, window, tmp_path, monkeypatch):
    # run at once, while the cost is still to be measured: it is measured after the run
    check, messages = _pick(qtbot, window, monkeypatch, tmp_path / "mine.py", RAISES_AFTER_LOAD)
    (tmp_path / "flag").write_text("raise")
    check.run_button.click()
    try:
        qtbot.waitUntil(lambda: any(m.startswith("The check stopped") for m in messages),
                        timeout=20_000)  # fmt: skip
    except Exception:
        raise AssertionError(messages) from None
    # the cost is measured again after the run; its failure must not replace the words
    qtbot.wait(check.model._plan_timer.interval() + 50)
    qtbot.waitUntil(lambda: check.model._plan_job is None, timeout=20_000)
    qtbot.wait(100)
    assert messages[-1].startswith("The check stopped"), messages
    assert "bad batch" in messages[-1]


def test_a_nan_loss_at_theta0_is_said_without_class_names(qtbot, window, tmp_path, monkeypatch):
    check, messages = _pick(qtbot, window, monkeypatch, tmp_path / "nan.py", NAN_AT_THETA0)
    check.model.probeFailed.connect(lambda message, _details: messages.append(message))
    check.run_button.click()
    qtbot.waitUntil(lambda: any("nan" in m for m in messages) and not check.model.is_busy(),
                    timeout=20_000)  # fmt: skip
    said = [m for m in messages if "nan" in m]
    assert said and not any("InputError" in m or "model:" in m for m in said), messages
