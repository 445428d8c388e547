"""What a typed derivative claims: the one rule for the ε explorer's "your derivative", the
CLI's ``--grad`` and the calculator's backprop gradient.

A typed number claims its value to **half a unit of its last significant digit as written**:
"0.7648" ± 5e-5, "0.20" ± 0.005 (a trailing zero typed is a digit), "100" ± 0.5, "1e2" ± 50
(scientific notation with one significant digit: "%.0e" prints anything in [50, 150) so),
"1.00e2" ± 0.5. A typed **zero** in any spelling ("0", "0.0", "-0", "0e5", "0.000") claims
exactly 0: a dead or detached backward returns an exact zero, and its digits say nothing of a
precision it does not have.
"""

from __future__ import annotations

from decimal import Decimal

# A typed number whose half unit in the last digit exceeds this share of it cannot show the
# seed's "correct" band (seven digits): an agreement resting on those digits decides nothing
TYPED_DIGITS_RESOLVE = 1e-7


def claim_half_unit(number: Decimal) -> Decimal:
    """Half a unit of the last digit of ``number`` as written (its exponent), exactly; 0 for
    zero and for anything not finite."""
    if not number.is_finite() or number.is_zero():
        return Decimal(0)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(5).scaleb(exponent - 1)


# Roundings of u·|g| a gradient computed in float32, float16 or bfloat16 may carry: a correct
# backward pass in the format returns at best the exact derivative rounded to it, and a
# chain of operations adds a few such roundings (the network check allows ten as well)
CLAIM_ROUNDINGS = 10.0


def format_rounding(dtype: str) -> tuple[float, float] | None:
    """(CLAIM_ROUNDINGS·u, smallest normal number) of a low format: what a correct gradient
    computed in it may be off by is the first times |g|, plus the second where |g| is below
    it (underflow: exp(−25) is 0 in float16, and so is its derivative). None for float64
    (its few u are in every gradient's bar already) and anything that is not a format."""
    from fdgui.core.numbers.precision import DTYPE_NAMES, smallest_normal, unit_roundoff

    if dtype not in DTYPE_NAMES or dtype == "float64":
        return None
    return CLAIM_ROUNDINGS * unit_roundoff(dtype), smallest_normal(dtype)
