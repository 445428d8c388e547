"""A row sent from the ε explorer with its trusted reference (read where no kink is near w:
a reference beside a kink is not trusted, so none is sent) is not "Fine only if the loss has
kinks" (exit 0) when that reference resolves the backprop gradient as off: beyond twice the
central difference's measured error plus the backprop's digits and what the explorer allows
it, no kink explains the difference, and the explorer says "Gradient wrong" (review12c H3:
float32 w + w at 1, typed 2.0000028637896592, sent at ε = 0.36 and 0.16)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from fdgui.core.calculator.schemes import Inputs, estimate
from fdgui.core.report.calculator import verdict_text, verdict_title

U32 = Decimal(2) ** -24
# w + w at w = 1 in float32: the losses at (1 ± ε)_float32, exact doublings; the steps taken
_ROWS = {
    "0.36": ("2.7200000286102294921875", "1.2799999713897705078125", "0.36000001430511474609375"),
    "0.16": ("2.3199999332427978515625", "1.6800000667572021484375", "0.15999996662139892578125"),
}


def _sent(eps: str, backprop: str, reference=(Decimal(2), Decimal("1e-15")), allowance="0"):
    plus, minus, step = _ROWS[eps]
    return Inputs(
        loss_plus=Decimal(plus),
        loss_minus=Decimal(minus),
        epsilon=Decimal(eps),
        loss=Decimal(2),
        backprop=Decimal(backprop),
        loss_roundoff=U32,
        steps=(Decimal(step), Decimal(step)),
        reference=reference,
        allowance=None if allowance is None else Decimal(allowance),
    )


@pytest.mark.parametrize("eps", sorted(_ROWS))
def test_a_bug_the_reference_resolves_is_not_fine_for_kinks(eps):
    result = estimate(_sent(eps, "2.0000028637896592"))
    comparison = result.comparison
    assert comparison.band.key == "kinks"  # relative error 1.4e-6
    assert comparison.verdict.key == "wrong"
    assert verdict_title(result) == "Wrong"
    text = verdict_text(comparison, result.uncertainty, inputs=result.inputs)
    assert "kink" in text and "1%" not in text


def test_within_what_the_explorer_allows_the_kinks_band_stays():
    # the explorer allows the backprop 3e-6 here (a float32 backward's rounding): no refutation
    result = estimate(_sent("0.36", "2.0000028637896592", allowance="3e-6"))
    assert result.comparison.verdict.key != "wrong"


def test_a_typed_row_keeps_the_kinks_band():
    """Without the explorer's reference nothing says the loss has no kink near w."""
    typed = replace(_sent("0.36", "2.0000028637896592"), reference=None, allowance=None)
    assert estimate(typed).comparison.verdict.key == "kinks"
