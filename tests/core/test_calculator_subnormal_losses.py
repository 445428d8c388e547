"""The ± of binary losses below their format's smallest normal number (review12c C3): a
correctly rounded float16 loss of 4.8e-6 is off by up to half the smallest subnormal,
2^-25, not u·|L| (up to 50 times less); a zero loss by as much."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from fdgui.core.calculator.schemes import Inputs, estimate
from fdgui.core.numbers.precision import binary_rounding

_U16 = Decimal(2) ** -11


def test_a_subnormal_loss_is_off_by_half_the_smallest_subnormal():
    assert binary_rounding(Decimal("4.76837158203125e-06"), _U16) == Decimal(2) ** -25
    assert binary_rounding(Decimal(0), _U16) == Decimal(2) ** -25
    assert binary_rounding(Decimal("0.5"), _U16) == Decimal("0.5") * _U16  # normal: u·|L|
    # bfloat16 and float32 reach 1e-39 and 1e-40 before it: their own subnormal spacing
    assert Fraction(binary_rounding(Decimal("1e-40"), Decimal(2) ** -24)) == Fraction(1, 2**150)
    assert binary_rounding(Decimal(0), Decimal("1e-6")) == 0  # a round-off of no format


def test_the_central_bar_bounds_correctly_rounded_subnormal_losses():
    # 1e-5·sin(w) at 0.5 ± 2^-7, each loss the correctly rounded float16 value; the exact
    # secant is 8.7757e-6, 9 times the old ± (3e-7) from the central difference 1.14e-5
    inputs = Inputs(
        loss_plus=Decimal("4.887580871582031e-06"),
        loss_minus=Decimal("4.708766937255859e-06"),
        epsilon=Decimal("0.0078125"),
        loss=Decimal("4.76837158203125e-06"),
        loss_roundoff=_U16,
    )
    result = estimate(inputs)
    assert abs(result.central - Decimal("8.7757e-6")) <= result.uncertainty
