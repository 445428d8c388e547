"""The explorer's inline (GUI-thread) sweep never runs unbounded extended-precision work:
past a strict budget the sweep moves to the worker, and the window stays responsive."""

import time

from fdgui.ui.explorer import model as explorer_model
from tests.ui.test_explorer import _type, context, panel  # noqa: F401 - fixtures


def test_a_tower_of_powers_never_freezes_the_inline_sweep(qtbot, panel):  # noqa: F811
    assert not panel.model.force_worker  # the inline path is the one under test
    started = time.monotonic()
    _type(qtbot, panel, "expression", "w**w**w**w**w")
    _type(qtbot, panel, "point", "10")
    panel.model.sweep()  # now, not after the debounce
    assert time.monotonic() - started < 2.0  # the GUI thread came back
    qtbot.waitUntil(lambda: not panel.model.is_busy(), timeout=20000)
    assert panel.model.result() is not None


def test_a_spent_inline_budget_moves_the_sweep_to_the_worker(qtbot, panel, monkeypatch):  # noqa: F811
    monkeypatch.setattr(explorer_model, "INLINE_REFERENCE_S", 0.0)
    panel.model._last_seconds.clear()
    _type(qtbot, panel, "expression", "cos(w)")
    panel.model.sweep()
    assert panel.model.is_busy()  # moved to the worker rather than finished inline
    qtbot.waitUntil(lambda: not panel.model.is_busy(), timeout=20000)
    qtbot.waitUntil(lambda: panel.diagnosis_title.text() == "Gradient correct", timeout=5000)
