"""Gradients far below the relative error's 1e-8 floor (review12c C4): a disagreement the
row's own ± resolves is judged against the gradient itself, as the ε explorer judges it;
"Correct" (exit 0) for a sign-flipped gradient because both are below 1e-8 was the old rule.
The floor still keeps a disagreement inside the row's ± from looking far apart."""

from __future__ import annotations

import pytest

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_report


def _check(loss, plus, minus, eps, backprop, scale=1):
    texts = {"loss": loss, "loss_plus": plus, "loss_minus": minus, "epsilon": eps}
    inputs, errors = parse_inputs({**texts, "backprop": backprop})
    assert not errors, errors
    return estimate(inputs)


# 1e-16·w² at w = 1, ε = 0.001, the losses exact: the central difference is 2e-16 ± 5e-20
_ROW = ("1e-16", "1.002001e-16", "0.998001e-16", "0.001")


@pytest.mark.parametrize("claim", ["-2e-16", "2.6e-16", "1.5e-16", "0", "-1e-17"])
def test_a_disagreement_the_digits_resolve_is_wrong_below_the_floor(claim):
    result = _check(*_ROW, claim)
    assert result.comparison.verdict.key == "wrong", claim
    assert "1e-8" in calculator_report(result)


@pytest.mark.parametrize("claim", ["2e-16", "2.0000000000001e-16"])
def test_the_right_tiny_gradient_stays_correct(claim):
    assert _check(*_ROW, claim).comparison.verdict.key == "correct"


def test_a_disagreement_within_the_rows_bar_is_too_coarse_not_correct():
    # binaries of bfloat16: 2e-16 ± 1.6e-15, a 30 % bug within it: as above the floor
    from dataclasses import replace
    from decimal import Decimal

    result = _check("1e-16", "1.002001e-16", "0.998001e-16", "0.001", "2.6e-16")
    inputs = replace(result.inputs, loss_roundoff=Decimal(2) ** -8)
    comparison = estimate(inputs).comparison
    assert comparison.verdict.key == "inconclusive" and comparison.too_few == "losses"
    scaled = _check("1", "1.002001", "0.998001", "0.001", "2.6")
    scaled = estimate(replace(scaled.inputs, loss_roundoff=Decimal(2) ** -8)).comparison
    assert scaled.verdict.key == comparison.verdict.key


def test_a_disagreement_within_the_rows_digits_is_not_wrong():
    # 2e-16 ± 5e-18 and a backprop typed to two digits: a claim 5 % off hides in them
    result = _check("1e-16", "1.0020e-16", "0.9980e-16", "0.001", "2.1e-16")
    assert result.comparison.verdict.key not in ("wrong", "correct")


def test_a_sign_flip_the_numbers_cannot_resolve_twice_is_never_correct():
    # binaries of float32 (u·|L| each), central 2e-16 with a ± near it: never "Correct"
    from dataclasses import replace
    from decimal import Decimal

    result = _check("1e-16", "1.002001e-16", "0.998001e-16", "0.001", "-1e-17")
    inputs = replace(result.inputs, loss_roundoff=Decimal("1e-6"))
    assert estimate(inputs).comparison.verdict.key != "correct"


@pytest.mark.parametrize("scale", ["1e-12", "1e-30"])
def test_the_rule_holds_at_every_scale(scale):
    from decimal import Decimal

    s = Decimal(scale)
    row = [str(s * Decimal(v)) for v in ("1", "1.002001", "0.998001")]
    assert _check(*row, "0.001", str(s * Decimal("-2"))).comparison.verdict.key == "wrong"
    assert _check(*row, "0.001", str(s * Decimal("2"))).comparison.verdict.key == "correct"
