"""The terms' allowance scales with the losses (review12c C1, H1): a correct row times a
power of two keeps its verdict, cross-entropy's cancelling terms near z_y ≈ 10 are seen in
the grid its float32 losses lie on, and a binary row whose digits all cancelled (L+ = L−)
never refutes; a bug the numbers resolve is still "Wrong"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fdgui.core.calculator.schemes import Inputs, estimate
from fdgui.core.calculator.terms import ORDER_ONE, losses_grid, term_rounding
from fdgui.core.numbers.precision import unit_roundoff


def _binary(dtype, loss, plus, minus, eps, backprop, scale=1):
    s = Decimal(scale)
    inputs = Inputs(
        loss_plus=s * Decimal(plus),
        loss_minus=s * Decimal(minus),
        epsilon=Decimal(eps),
        loss=s * Decimal(loss),
        backprop=s * Decimal(backprop),
        loss_roundoff=Decimal(repr(unit_roundoff(dtype))),
    )
    return estimate(inputs).comparison


# torch float16 of cos(sqrt(1 + w²)) + atan(w − 1.1) at w = 0.67236328125, ε = 2^-7, its
# float16 autograd (the exact derivative is 0.32434; the central difference 0.3875)
_FP16 = ("-0.046142578125", "-0.04248046875", "-0.050048828125", "0.009765625")


@pytest.mark.parametrize("scale", [1, 8, 64, 1024])
def test_a_correct_row_times_a_power_of_two_is_never_wrong(scale):
    comparison = _binary("float16", *_FP16, "0.324462890625", scale=scale)
    assert comparison.verdict.key == "inconclusive", scale


@pytest.mark.parametrize("scale", [1, 8, 1024])
def test_a_bug_the_scaled_row_resolves_is_still_wrong(scale):
    assert _binary("float16", *_FP16, "-0.324462890625", scale=scale).verdict.key == "wrong"


# cross-entropy logsumexp(z) − z_y in float32 with z_y ≈ 10.2: torch's own gradient
_CE = "0.0000362396240234375"


def test_cross_entropy_with_cancelling_terms_is_not_wrong():
    flat = _binary("float32", _CE, _CE, _CE, "0.003000020980834961", "-0.00011922835983568802")
    plus, minus = "0.00003528594970703125", "0.00003719329833984375"
    row = _binary("float32", _CE, plus, minus, "0.009999990463256836", "-0.00011922835983568802")
    assert flat.verdict.key == row.verdict.key == "inconclusive"
    assert row.too_few == "terms"


def test_the_grid_shows_terms_near_ten():
    values = [Decimal(_CE), Decimal("0.00003528594970703125")]
    assert losses_grid(values, Decimal(2) ** -24) == Decimal(2) ** -20
    # a float32 value typed with its 9 digits stands for the float32 number it names
    assert losses_grid([Decimal("3.62396240e-05")], Decimal(2) ** -24) == Decimal(2) ** -19
    allowance = term_rounding(Decimal(2) ** -24, values[1], values[0], None)
    assert allowance == 2 * Decimal(2) ** -20


def test_losses_on_their_own_spacing_keep_the_old_allowance():
    u = Decimal(2) ** -11
    # 1.5 and 1.2509765625 lie on 2^-10, their own spacing: terms of their own size, or of
    # order one (ORDER_ONE, 2 since review15c C3), whichever is larger
    assert term_rounding(u, Decimal("1.5"), Decimal("1.2509765625"), None) == 2 * u * max(
        Decimal("1.5"), ORDER_ONE
    )
    assert term_rounding(u, Decimal("3.5"), Decimal("3.2509765625"), None) == 2 * u * Decimal("3.5")
    small = Decimal("0.00097751617431640625")  # 2^-10 + 2^-20: on its own spacing
    assert term_rounding(u, small, small, None) == 2 * u * ORDER_ONE  # terms of order one
    # a power of two lies on a grid of itself: a coarser grid by chance only widens it
    assert term_rounding(u, Decimal("0.5"), Decimal("0.5"), None) == 2 * Decimal("0.5")


@pytest.mark.parametrize("claim", ["-0.00011922835983568802", "5", "-1000"])
def test_a_binary_row_whose_digits_all_cancelled_never_refutes(claim):
    comparison = _binary("float16", "0.5", "0.5", "0.5", "0.001", claim)
    assert comparison.verdict.key == "inconclusive"


# review12c run.py: 1000·(cos(sqrt(1 + w²)) + atan(w − 1.1)) in float16 at w = 0.67236328125,
# torch's float16 losses (L ≈ −46, terms ≈ ±400 cancelling: ×1000 is no power of two, so the
# grid does not show them), exact derivative 324.342; ε, L, L+, L−
_SCALED_1000 = [
    ("0.009765625", "-46.15625", "-42.46875", "-50.0625"),
    ("0.0029296875", "-46.15625", "-45.65625", "-46.875"),
    ("0.0009765625", "-46.15625", "-45.15625", "-46.875"),
    ("0.00048828125", "-46.15625", "-45.65625", "-46.625"),
]


@pytest.mark.parametrize("row", _SCALED_1000, ids=lambda row: row[0])
@pytest.mark.parametrize("claim", ["324.34217900463524", "324.25", "324.5"])
def test_a_loss_scaled_by_a_thousand_is_not_wrong(row, claim):
    """The losses' terms are of the order of their slope over a unit of w (the arguments
    near w the loss is made of), u·|central| each: 24 false "Wrong" in review12c's run.py."""
    eps, loss, plus, minus = row
    assert _binary("float16", loss, plus, minus, eps, claim).verdict.key != "wrong"


def test_a_bug_the_scaled_thousand_row_resolves_is_still_wrong():
    eps, loss, plus, minus = _SCALED_1000[0]
    assert _binary("float16", loss, plus, minus, eps, "-324.25").verdict.key == "wrong"
    # twice the gradient at ε ≈ s/10: one row's premise (a unit up to 10 times as steep as
    # the gradient, 10·|claim|·ε/s ≈ 633) leaves more than the 324 bug: too coarse, never
    # passed (review16c C1/C2's rule); at ε = 2^-8.4 (s/34) it is wrong
    assert _binary("float16", loss, plus, minus, eps, "648.5").verdict.key == "inconclusive"
    eps, loss, plus, minus = _SCALED_1000[1]
    assert _binary("float16", loss, plus, minus, eps, "648.5").verdict.key == "wrong"


@pytest.mark.parametrize("claim", ["322.73120415752658", "322", "326"])
def test_the_bfloat16_loss_scaled_by_a_thousand_is_not_wrong(claim):
    # the same loss in bfloat16 at w = 0.71875, ε = 2^-8 (exact derivative 322.731)
    comparison = _binary("bfloat16", "-35.25", "-31.25", "-39.0", "0.00390625", claim)
    assert comparison.verdict.key != "wrong"
