"""The bar of binary losses that bounds the exact secant (review12c H2): their ± takes each
loss as rounded once (u·|L|), but a loss computed in a binary format carries its terms'
rounding too, and the ± missed the 50-digit secant of sent rows 40 times in 439 readings
(float64 17). The estimate gives twice the ± with the terms' allowance, what a refutation
must exceed (``terms_uncertainty``); the report and the JSON show it; typed losses have none."""

from __future__ import annotations

from decimal import Decimal

from fdgui.core.calculator.schemes import Inputs, estimate
from fdgui.core.report.calculator import calculator_json, calculator_report

# 1000·(cos(sqrt(1 + w²)) + atan(w − 1.1)) in float16 at w = 0.67236328125 ± 2^-7 (torch's
# losses): the exact secant over these points is 324.342432, the central difference 388.8
_ROW = Inputs(
    loss_plus=Decimal("-42.46875"),
    loss_minus=Decimal("-50.0625"),
    epsilon=Decimal("0.009765625"),
    loss=Decimal("-46.15625"),
    loss_roundoff=Decimal(2) ** -11,
)
_SECANT = Decimal("324.34243214027863065")


def test_the_terms_bar_bounds_the_exact_secant():
    result = estimate(_ROW)
    off = abs(result.central - _SECANT)
    assert result.uncertainty < off  # each loss rounded once: not a bound here
    assert result.terms_uncertainty is not None and result.terms_uncertainty >= off


def test_the_report_and_json_show_it():
    result = estimate(_ROW)
    assert "with the rounding of the terms" in calculator_report(result)
    assert calculator_json(result)["uncertainty_with_terms"] is not None


def test_typed_losses_have_no_terms_bar():
    typed = estimate(Inputs(Decimal("1.21"), Decimal("0.81"), Decimal("0.1"), Decimal("1")))
    assert typed.terms_uncertainty is None
    assert calculator_json(typed)["uncertainty_with_terms"] is None
