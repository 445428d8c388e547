"""Send to calculator in a low dtype: the losses were taken at w ± ε rounded to the dtype, so
the calculator divides by the steps taken, not the nominal ε, and says so (issue 10: a
gradient the explorer calls correct read "Wrong" in the calculator for 568 of 6,000 sent
readings). Typing in ε or a loss makes the row the person's own again."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLabel


def test_a_float32_row_sent_at_a_rounded_step_is_not_called_wrong(window, qtbot):
    explorer = window.model("explorer")
    window.open_panel("explorer")
    explorer.set_texts(
        {"expression": "5*(w-3)", "point": "3.01", "grad": "5.000000000", "dtype": "float32"}
    )
    explorer.sweep()
    qtbot.waitUntil(
        lambda: explorer.diagnosis() is not None and not explorer.is_stale(), timeout=60000
    )
    assert explorer.diagnosis().kind == "correct"
    explorer.set_cursor_epsilon(3e-6)  # w ± ε in float32: steps of 3.0994415283203125e-06
    assert explorer.send_to_calculator(window.context)
    calculator = window.model("calculator")
    qtbot.waitUntil(lambda: calculator.origin() is not None, timeout=5000)
    result = calculator.result()
    assert calculator.text("epsilon") == "0.000003"  # the field: the ε a person chose
    assert result.inputs.steps == (Decimal("0.0000030994415283203125"),) * 2
    assert result.central == 5
    assert result.comparison.verdict.key == "consistent"  # was "wrong" (5.1657 over ε)
    words = window.panel("calculator").findChild(QLabel, "verdictText").text()
    assert "steps taken in float32" in words and "not ε" in words
    calculator.set_text("epsilon", "0.000003")  # unchanged text: still the sent row
    assert calculator.result().inputs.steps is not None
    calculator.set_text("epsilon", "0.0000031")  # typed: the person's ε
    calculator.recompute()
    assert calculator.result().inputs.steps is None
    assert calculator.result().denominator == Decimal("0.0000062")


def test_a_loss_that_is_not_a_number_is_not_sent(window, qtbot):
    # log(w) at 0.001 with ε = 0.01: L+ is finite, L− = log(−0.009) is NaN; sending it raised
    # decimal.InvalidOperation (a traceback) and the button was enabled
    explorer = window.model("explorer")
    window.open_panel("explorer")
    explorer.set_texts({"expression": "log(w)", "point": "0.001", "grad": "", "dtype": "float64"})
    explorer.sweep()
    qtbot.waitUntil(
        lambda: explorer.diagnosis() is not None and not explorer.is_stale(), timeout=60000
    )
    explorer.set_cursor_epsilon(0.01)
    readout = explorer.readout()
    assert readout.loss_plus == readout.loss_plus and readout.loss_minus != readout.loss_minus
    calculator = window.model("calculator")
    before = calculator.texts()
    assert explorer.send_to_calculator(window.context) is False
    assert calculator.texts() == before
    assert not window.panel("explorer").send_button.isEnabled()


def test_a_row_sent_at_a_truncating_epsilon_is_too_coarse_there_not_wrong(window, qtbot):
    # sin at 1 with ε = 0.3: the central difference is 1.5 % below cos(1) by truncation; the
    # explorer (every ε) says correct, the one difference at this ε cannot judge it
    explorer = window.model("explorer")
    window.open_panel("explorer")
    explorer.set_texts({"expression": "sin(w)", "point": "1", "grad": "", "dtype": "float64"})
    explorer.sweep()
    qtbot.waitUntil(
        lambda: explorer.diagnosis() is not None and not explorer.is_stale(), timeout=60000
    )
    assert explorer.diagnosis().kind == "correct"
    explorer.set_cursor_epsilon(0.3)
    assert explorer.send_to_calculator(window.context)
    calculator = window.model("calculator")
    qtbot.waitUntil(lambda: calculator.origin() is not None, timeout=5000)
    assert calculator.result().comparison.too_few == "this ε"
    title = window.panel("calculator").verdict_label.text()
    assert title == "Too coarse to judge at this ε (the central difference's own error)"
    saved = calculator.state()
    assert "reference" in saved and "steps" in saved
    calculator.restore(saved)  # reopening gives the same verdict
    assert calculator.result().comparison.too_few == "this ε"
    calculator.set_text("loss_plus", calculator.text("loss_plus") + "1")  # the person's row
    calculator.recompute()
    assert calculator.result().inputs.reference is None
    # a typed row: within the truncation room one row leaves (calc25), never "wrong"
    assert calculator.result().comparison.verdict.key == "inconclusive"
    assert calculator.result().comparison.too_few == "truncation"


def test_a_bfloat16_bug_the_explorer_resolves_is_not_limited_in_the_calculator(window, qtbot):
    # d/dw w in bfloat16: the explorer's walk finds the backward exact, so 1.0511 is wrong;
    # the calculator's blanket 10·u·|g| called it "Correct (limited by bfloat16)"
    explorer = window.model("explorer")
    window.open_panel("explorer")
    explorer.set_texts(
        {"expression": "w", "point": "-0.6", "grad": "1.051132160094", "dtype": "bfloat16"}
    )
    explorer.sweep()
    qtbot.waitUntil(
        lambda: explorer.diagnosis() is not None and not explorer.is_stale(), timeout=60000
    )
    assert explorer.diagnosis().kind == "wrong"
    explorer.set_cursor_epsilon(0.0566)
    assert explorer.send_to_calculator(window.context)
    calculator = window.model("calculator")
    qtbot.waitUntil(lambda: calculator.origin() is not None, timeout=5000)
    assert calculator.result().comparison.verdict.key == "wrong"
