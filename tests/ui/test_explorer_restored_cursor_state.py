"""A restored explorer's cursor is part of its state before the first sweep has answered: the
session's baseline (taken a moment after start) must not differ from the same panel a second
later only because the restored sweep was slow (the app then asked "Unsaved changes" at quit
of a session nobody touched: tests/e2e/test_session_crash.py timed out under load)."""

from fdgui.ui.explorer.model import ExplorerModel


def test_a_restored_cursor_is_in_the_state_before_its_sweep_answers(qtbot):
    model = ExplorerModel()
    texts = dict(model.texts(), expression="sin(w)", point="0.3")
    problems = model.restore({"source": "expression", "texts": texts, "cursor_epsilon": 2e-3})
    assert problems == []
    assert model.result() is None  # nothing swept yet
    assert model.state()["cursor_epsilon"] == 2e-3
    model.sweep()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=10000)
    assert model.state()["cursor_epsilon"] == 2e-3  # the sweep put it where it was
