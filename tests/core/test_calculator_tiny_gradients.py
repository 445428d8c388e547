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
_ROW = ("1.000000e-16", "1.002001e-16", "0.998001e-16", "0.001")  # L to their last place


@pytest.mark.parametrize("claim", ["-2e-16", "2.6e-16", "1.5e-16", "0", "-1e-17"])
def test_a_disagreement_the_digits_resolve_is_wrong_below_the_floor(claim):
    result = _check(*_ROW, claim)
    assert result.comparison.verdict.key == "wrong", claim
    assert "1e-8" in calculator_report(result)


@pytest.mark.parametrize("claim", ["2e-16", "2.0000000000001e-16"])
def test_the_right_tiny_gradient_agrees_as_far_as_the_digits_tell(claim):
    # 2e-16 ± 5e-20 pins the gradient to 2.5e-4 of itself: "Consistent within the typed
    # digits", as the same row scaled above the floor (2 ± 5e-4) is, never "Wrong"; the 1e-8
    # floor used to make it "Correct", seven digits the row cannot show (review13v C2)
    assert _check(*_ROW, claim).comparison.verdict.key == "consistent"
    # typed to 1e-29 the same losses pin it to 2.5e-11 of itself: "Correct"
    exact = _check("1e-16", "1.0020010000000e-16", "0.9980010000000e-16", "0.001", claim)
    assert exact.comparison.verdict.key == "correct"


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
    row = [str(s * Decimal(v)) for v in ("1.000000", "1.002001", "0.998001")]
    assert _check(*row, "0.001", str(s * Decimal("-2"))).comparison.verdict.key == "wrong"
    right = _check(*row, "0.001", str(s * Decimal("2"))).comparison.verdict.key
    assert right == _check("1.000000", "1.002001", "0.998001", "0.001", "2").comparison.verdict.key


@pytest.mark.parametrize("claim", ["2.018e-16", "2.0018e-16", "2.00018e-16"])
def test_below_the_floor_every_band_is_read_against_the_gradient_itself(claim):
    """review13v C2: a 0.9 %, 0.09 % or 0.009 % disagreement of a 2e-16 gradient that the
    exact digits resolve to 5e-20 was "Correct … seven or more digits"; it is in the band
    the same row scaled above the floor gets, never "Correct"."""
    from decimal import Decimal

    tiny = _check(*_ROW, claim).comparison
    scaled = _check(
        *[str(Decimal(v) * Decimal("1e16")) for v in _ROW[:3]],
        "0.001",
        str(Decimal(claim) * Decimal("1e16")),
    ).comparison
    assert tiny.verdict.key != "correct" and tiny.band.key != "correct"
    assert (tiny.band.key, tiny.verdict.key) == (scaled.band.key, scaled.verdict.key)
    assert "seven or more digits" not in calculator_report(_check(*_ROW, claim))


def test_a_claim_within_a_coarse_tiny_rows_bar_is_too_coarse_not_correct():
    """review13v C2: 3e-50, 1e-50 at ε = 1e-20 pin the gradient to 1e-30 ± 5e-31 (±50 %);
    a claim 0.7 % off is not "Correct" there, as the same row scaled by 1e30 is not."""
    result = _check("2e-50", "3e-50", "1e-50", "1e-20", "1.007e-30").comparison
    scaled = _check("2e-20", "3e-20", "1e-20", "1e-20", "1.007").comparison
    assert result.verdict.key == scaled.verdict.key != "correct"
