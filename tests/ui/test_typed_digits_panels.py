"""One number, one verdict across the panels (review10j M2), and the explorer's words under
"too few typed digits" do not contradict their title (review10j M1)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel


def _sweep(window, qtbot, grad: str, point: str = "0.7", expression: str = "sin(w)"):
    explorer = window.model("explorer")
    window.open_panel("explorer")
    explorer.set_texts({"expression": expression, "point": point, "grad": grad, "dtype": "float64"})
    explorer.sweep()
    qtbot.waitUntil(
        lambda: explorer.diagnosis() is not None and not explorer.is_stale(), timeout=60000
    )
    return explorer


def _send(window, qtbot, explorer):
    explorer.set_cursor_epsilon(1e-5)
    assert explorer.send_to_calculator(window.context)
    calculator = window.model("calculator")
    qtbot.waitUntil(lambda: calculator.origin() is not None, timeout=5000)
    panel = window.panel("calculator")
    return (
        panel.findChild(QLabel, "verdictLabel").text(),
        panel.findChild(QLabel, "verdictText").text(),
    )


@pytest.mark.parametrize(
    ("grad", "expression", "point"),
    [("0.7648", "sin(w)", "0.7"), ("1", "sin(w)", "0.7"), ("1e2", "sin(w) + 130*w", "1.2")],
)
def test_too_few_typed_digits_reads_the_same_in_the_calculator(
    window, qtbot, grad, expression, point
):
    explorer = _sweep(window, qtbot, grad, point, expression)
    from fdgui.core.report.sweep import diagnosis_title

    assert diagnosis_title(explorer.diagnosis()) == "Too coarse to judge (too few typed digits)"
    title, text = _send(window, qtbot, explorer)
    assert title == "Too coarse to judge (too few typed digits)", title
    assert "backprop gradient" in text and "last typed digit" in text
    assert window.model("calculator").texts()["backprop"] == grad  # its digits as typed
    assert "acceptable if a kink" not in text


def test_a_typed_zero_is_wrong_in_both_panels(window, qtbot):
    explorer = _sweep(window, qtbot, "0", point="1.2")
    assert explorer.diagnosis().kind == "wrong"
    title, _ = _send(window, qtbot, explorer)
    assert title == "Wrong"


def test_the_explorer_words_under_too_few_digits_follow_the_reference(window, qtbot):
    explorer = _sweep(window, qtbot, "0.7648")
    panel = window.panel("explorer")
    explorer.set_cursor_epsilon(5e-6)
    qtbot.waitUntil(lambda: "At ε = " in panel.point_label.text(), timeout=5000)
    cursor = panel.point_label.text()
    assert "the difference is in the gradient" not in cursor, cursor
    recommended = panel.recommended_label.text()
    assert "no ε in the range gives a useful estimate" not in recommended, recommended


@pytest.mark.parametrize("size", [(1280, 800), (1000, 680)])
def test_the_banner_advice_is_in_view(window, qtbot, size):
    window.resize(*size)
    _sweep(window, qtbot, "0.7648")
    panel = window.panel("explorer")
    qtbot.wait(200)
    label = panel.diagnosis_text
    assert "more digits" in label.text()
    scroll = label.parentWidget().parentWidget().parentWidget()  # the banner's scroll area
    viewport = scroll.height()
    # the text up to the end of its advice is in view without scrolling (what follows it —
    # where ε vanishes, say — may need the scroll bar)
    text = label.text()
    advice = text[: text.index("decide it") + len("decide it")]
    probe = QLabel(advice)
    probe.setFont(label.font())
    probe.setWordWrap(True)
    assert probe.heightForWidth(label.width()) <= viewport + 2, (
        probe.heightForWidth(label.width()),
        viewport,
    )
