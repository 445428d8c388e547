"""One row's room for its central difference's truncation near an inflection point
(review12c C2): |L''|·ε/2 vanishes where L'' does while |L'''|·ε²/6 does not, so a correct
derivative was "Wrong" (exit 1) at a large ε. A refutation now also clears the truncation of
a loss varying like sin(w/s) at its inflection point, s = max(VARIATION_SCALE,
STEP_SCALES·ε) (``plausible_truncation``): at a small ε it shrinks like ε² (power is kept), at
a large one it stays that of a loss varying on STEP_SCALES steps (a 5 % bug at ε = 0.25 is
still refuted)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from fdgui.core.calculator.schemes import Inputs, estimate
from fdgui.core.numbers.verdicts import STEP_SCALES, VARIATION_SCALE, plausible_truncation


def _sine_share(x: Decimal) -> Decimal:
    share = x * x / 6
    return share / (1 - share)


def test_the_room_never_relies_on_a_vanishing_curvature():
    central, eps = Decimal("9.85"), Decimal("0.03")
    room = plausible_truncation(central, eps)
    scale = max(VARIATION_SCALE, STEP_SCALES * eps)
    assert abs(room - central * _sine_share(eps / scale)) < Decimal("1e-25")
    # at a small ε it stays a small share of the gradient: power is kept there
    assert plausible_truncation(central, Decimal("0.001")) < central * Decimal("2e-5")


def test_at_a_large_step_the_room_is_that_of_a_loss_varying_on_a_few_steps():
    """Beyond VARIATION_SCALE/STEP_SCALES the room no longer grows with ε: a share of the
    central difference (1.9 % for three steps), so a bug of 5 % at ε = 0.25 stays refuted."""
    central = Decimal(-2)
    flat = abs(central) * _sine_share(1 / STEP_SCALES)
    for eps in ("0.05", "0.1", "0.25", "1", "30"):
        assert abs(plausible_truncation(central, Decimal(eps)) - flat) < Decimal("1e-25")
    assert flat < Decimal("0.02") * abs(central)


# sin(3w) at w = 0.001, ε = 0.1 (a loss varying on a scale of 1/3), typed to 20 digits,
# the exact derivative: the central difference is 1.5 % low, L'' ≈ 0 (review12c C2's class)
_INFLECTION = Inputs(
    loss_plus=Decimal("0.29838488198977153103"),
    loss_minus=Decimal("-0.29265287165304242793"),
    epsilon=Decimal("0.1"),
    loss=Decimal("0.0029999955000020249996"),
    backprop=Decimal("2.999986500010124997"),
)
# review12c's reproducer: sin(10w) at w = 0.001, ε = 0.03, 20 digits, the exact derivative
_SIN10 = Inputs(
    loss_plus=Decimal("0.30505863644344350157"),
    loss_minus=Decimal("-0.28595222510483553268"),
    epsilon=Decimal("0.03"),
    loss=Decimal("0.0099998333341666646825"),
    backprop=Decimal("9.9995000041666527778"),
)


@pytest.mark.parametrize("row", [_INFLECTION, _SIN10], ids=["sin3w", "sin10w"])
@pytest.mark.parametrize("with_loss", [True, False], ids=["L", "no-L"])
def test_a_correct_derivative_at_an_inflection_point_is_not_wrong(row, with_loss):
    if not with_loss:
        row = replace(row, loss=None)
    comparison = estimate(row).comparison
    assert comparison.band.key == "wrong"
    assert comparison.verdict.key == "inconclusive"
    assert comparison.too_few == "truncation"


@pytest.mark.parametrize("row", [_INFLECTION, _SIN10], ids=["sin3w", "sin10w"])
def test_a_bug_the_row_resolves_at_an_inflection_point_is_still_wrong(row):
    bug = replace(row, backprop=row.backprop * Decimal("1.1"))  # 10 % off
    assert estimate(bug).comparison.verdict.key == "wrong"
    assert estimate(replace(bug, loss=None)).comparison.verdict.key == "wrong"
