"""The calculator reads a typed backprop gradient by the explorer's rule (review10j M2): it
claims half a unit of its last typed digit (a typed zero exactly 0), so the same number gets
the same verdict in both panels, and the words say whose digits are too few: the losses' or
the backprop gradient's."""

from __future__ import annotations

import math
from decimal import Decimal

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_report, verdict_text, verdict_title

EPS = 1e-5
POINT = 0.7  # d sin/dw = cos(0.7) = 0.764842187…


def _estimate(backprop: str, point: float = POINT, with_loss: bool = False):
    texts = {
        "loss_plus": repr(math.sin(point + EPS)),
        "loss_minus": repr(math.sin(point - EPS)),
        "epsilon": repr(EPS),
        "backprop": backprop,
    }
    if with_loss:
        texts["loss"] = repr(math.sin(point))
    inputs, errors = parse_inputs(texts)
    assert not errors
    return estimate(inputs)


def test_a_four_decimal_backprop_is_too_coarse_as_in_the_explorer():
    result = _estimate("0.7648")  # 4.2e-5 from the derivative, half a unit 5e-5
    comparison = result.comparison
    assert comparison.verdict.key == "inconclusive"
    title = verdict_title(result)
    assert "too few typed digits" in title
    text = verdict_text(comparison, result.uncertainty)
    assert "backprop" in text and "last typed digit" in text
    assert "L+ and L−" not in text.split(".")[0]


def test_an_integer_backprop_for_a_derivative_within_its_half_unit_is_too_coarse():
    assert _estimate("1").comparison.verdict.key == "inconclusive"


def test_a_typed_zero_is_exact_and_wrong():
    for text in ("0", "0.0", "-0", "0e5"):
        comparison = _estimate(text, with_loss=True).comparison
        assert comparison.verdict.key == "wrong", (text, comparison.verdict)
        # calc20: without L a kink inside the step could explain it: undecided, type L
        comparison = _estimate(text).comparison
        assert (comparison.verdict.key, comparison.too_few) == ("inconclusive", "kink"), text


def test_enough_backprop_digits_still_decide():
    assert _estimate("0.76484219").comparison.verdict.key == "correct"
    assert _estimate("0.7650").comparison.verdict.key == "suspicious"  # 2.1e-4 > 5e-5


def test_the_losses_digits_are_named_when_they_are_too_few():
    inputs, _ = parse_inputs(
        {"loss_plus": "0.85005", "loss_minus": "0.84995", "epsilon": "0.0001", "backprop": "0.52"}
    )
    result = estimate(inputs)  # central 0.5 ± 0.05: the losses' digits
    assert result.comparison.verdict.key == "inconclusive"
    title = verdict_title(result)
    assert "losses" in title or "L+" in title
    report = calculator_report(result)
    assert "Type more digits of L+ and L−" in report


def test_the_report_gives_the_backprops_half_unit():
    report = calculator_report(_estimate("0.7648"))
    assert "0.7648 ± 5e-5 (half a unit of its last digit)" in report
    zero = calculator_report(_estimate("0")).split("backprop gradient")[1]
    assert "± " not in zero.split("\n")[0]  # a typed zero claims exactly 0


def test_the_explorer_sentence_is_true_when_the_central_difference_is_close():
    """The ε explorer said "correct" (it allowed a dtype's rounding): the central difference
    here is 9e-7 from the reference, its disagreement with the backprop 2e-4, so it must not
    say the central difference "is itself this far off"."""
    inputs, _ = parse_inputs(
        {
            "loss_plus": "0.0000011920928955078125",
            "loss_minus": "0.0000000014",
            "epsilon": "0.0006103515625",
            "backprop": "0.00078125",
            # L on the line through L+ and L− (calc20: without L no row refutes)
            "loss": "0.00000059674644775390625",
        }
    )
    result = estimate(inputs)
    assert result.comparison.verdict.key == "wrong"
    origin = {
        "kind": "correct",
        "title": "Gradient correct (limited by bfloat16)",
        "reference": repr(float(result.central) - 9e-7),
        "reference_error": "1e-12",
        "reference_method": "analytic",
    }
    text = verdict_text(result.comparison, result.uncertainty, origin)
    assert "itself this far off" not in text
    assert "Gradient correct (limited by bfloat16)" in text
    # and when it is this far off itself, the sentence says so
    origin["reference"] = repr(float(result.comparison.analytic))
    text = verdict_text(result.comparison, result.uncertainty, origin)
    assert "far off" in text
    _ = Decimal  # exact decimals throughout


def test_a_too_coarse_explorer_verdict_beside_a_calculator_wrong_is_measured():
    """The explorer left it undecided (its typed digits and the dtype's rounding cover the
    difference) while this one central difference calls it wrong: the words measure why."""
    # with L: without it a kink inside the step could explain it ("Needs L", rev20c M1)
    result = _estimate("0.77", with_loss=True)  # 5.2e-3 from the derivative, half a unit 5e-3
    assert result.comparison.verdict.key in ("suspicious", "wrong")
    origin = {
        "kind": "estimate",
        "title": "Too coarse to judge (too few typed digits)",
        "reference": repr(math.cos(POINT)),
        "reference_error": "1e-17",
        "reference_method": "analytic",
    }
    text = verdict_text(result.comparison, result.uncertainty, origin)
    assert "from the explorer's analytic reference" in text, text
