"""The calculator's words do not contradict what the ε explorer sent it, nor hide the
relative error's 1e-8 floor (review10i M5)."""

from __future__ import annotations

from decimal import Decimal

from fdgui.core.numbers.verdicts import compare
from fdgui.core.report.calculator import verdict_text


def _kinks_band():
    comparison = compare(Decimal("0.76484219"), Decimal("0.7649186"), Decimal("1e-12"))
    assert comparison.verdict.key == "kinks"
    return comparison


def test_the_kinks_band_alone_still_names_both_causes():
    text = verdict_text(_kinks_band(), Decimal("1e-12"))
    assert "kink" in text and "mistake" in text


def test_a_wrong_gradient_from_the_explorer_is_not_excused_by_a_kink():
    origin = {"kind": "wrong", "title": "Gradient wrong"}
    text = verdict_text(_kinks_band(), Decimal("1e-12"), origin)
    assert "acceptable if a kink" not in text
    assert "“Gradient wrong”" in text and "no kink explains" in text


def test_a_correct_gradient_from_the_explorer_is_not_called_wrong_without_words():
    comparison = compare(Decimal("0.752"), Decimal("0.765625"), Decimal("1e-12"))
    assert comparison.verdict.key == "wrong"
    origin = {"kind": "correct", "title": "Gradient correct (limited by bfloat16)"}
    text = verdict_text(comparison, Decimal("1e-12"), origin)
    assert "“Gradient correct (limited by bfloat16)”" in text and "this ε" in text


def test_a_floored_relative_error_says_so_and_gives_the_unfloored_one():
    comparison = compare(Decimal("1.0e-9"), Decimal("1.012e-9"), Decimal("1e-20"))
    text = verdict_text(comparison, Decimal("1e-20"))
    assert "1e-8" in text and "floor" in text
    assert "0.012" in text  # |n − a| / max(|n|, |a|) = 1.2e-11 / 1.012e-9
    plain = verdict_text(compare(Decimal("0.5"), Decimal("0.5000001"), Decimal("1e-20")))
    assert "floor" not in plain


def test_losses_sent_as_binaries_are_not_said_to_have_too_few_typed_digits():
    from dataclasses import replace

    from fdgui.core.calculator.schemes import estimate, parse_inputs
    from fdgui.core.report.calculator import calculator_report, verdict_title

    # bfloat16 losses (u = 2^-8): their ± is their format's rounding, not their digits
    inputs, _ = parse_inputs(
        {"loss_plus": "0.5078125", "loss_minus": "0.4921875", "epsilon": "0.01", "backprop": "0.79"}
    )
    sent = estimate(replace(inputs, loss_roundoff=Decimal(2) ** -8))
    assert sent.comparison.verdict.key in ("inconclusive", "consistent")
    title = verdict_title(sent)
    assert "typed" not in title and "bfloat16" not in title and "rounding" in title
    text = calculator_report(sent)
    assert "typed digit" not in text.split("Check against backprop")[1]
    assert "Copy more digits" not in text
    typed = estimate(inputs)  # the same digits typed by hand: their own half unit
    # (or, at ε = 0.01 with 0.79 typed to two digits, the truncation an S-shaped loss leaves:
    # review15c C2)
    assert (
        "typed" in verdict_title(typed)
        or typed.comparison.verdict.key not in ("inconclusive", "consistent")
        or typed.comparison.too_few == "truncation"
    )
