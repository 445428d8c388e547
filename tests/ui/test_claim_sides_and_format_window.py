"""Issue 10 in the window: the explorer shows a typed claim's two sides where its correct
derivatives reach one way only (the same text as the CLI), and Send to calculator of a
bfloat16 sweep whose gradient is within bfloat16's rounding gives the calculator's
"Correct (limited by bfloat16)", the explorer's words — not "Wrong"."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def _swept(window, qtbot, texts):
    explorer = window.model("explorer")
    window.open_panel("explorer")
    explorer.set_texts(texts)
    explorer.sweep()
    qtbot.waitUntil(
        lambda: explorer.diagnosis() is not None and not explorer.is_stale(), timeout=60000
    )
    return explorer


def test_the_explorer_shows_a_one_sided_claim_with_its_two_sides(window, qtbot):
    _swept(
        window,
        qtbot,
        {"expression": "(w-1)**2", "point": "1.0001", "grad": "0.00020000000", "dtype": "float32"},
    )
    text = window.panel("explorer").findChild(QLabel, "referencesLabel").text()
    first = text.split("<br>")[0]
    assert "(under check)" in first and "±" not in first, first
    assert "−1.2e-10\u00a0+3.3e-8" in first, first


def test_send_to_calculator_keeps_the_explorers_limited_by_bfloat16(window, qtbot):
    explorer = _swept(
        window, qtbot, {"expression": "3*w", "point": "0.5", "grad": "3.06", "dtype": "bfloat16"}
    )
    assert explorer.diagnosis().kind == "correct"
    explorer.set_cursor_epsilon(0.25)
    assert explorer.send_to_calculator(window.context)
    calculator = window.model("calculator")
    qtbot.waitUntil(lambda: calculator.origin() is not None, timeout=5000)
    panel = window.panel("calculator")
    title = panel.findChild(QLabel, "verdictLabel") or panel.verdict_label
    assert title.text() == "Correct (limited by bfloat16)", title.text()
    words = panel.findChild(QLabel, "verdictText").text()
    assert "the rounding bfloat16 leaves in a computed gradient" in words
    assert "Gradient correct (limited by bfloat16)" in words  # the explorer's title beside it
