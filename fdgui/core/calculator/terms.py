"""What a loss computed in a binary format may carry beyond its own rounding: its terms'.

A loss computed in float16 is not its exact value rounded once: exp(w) − 1 − w at 0.3 rounds
exp(w) ≈ 1.35 and keeps that rounding, 27 units of |L| (review11c C1); log(1 + x²) for a
small x rounds 1 + x², a unit of 1 where L is x²; cross-entropy logsumexp(z) − z_y of a
confident classifier rounds two terms near z_y ≈ 10 to a loss of 4e-5 (review12c C1). One
row cannot measure this (a table of rows can: ``sweep.row_scatter``), so each loss is
allowed TERM_ROUNDINGS roundings of the largest term it may have been formed from:

- terms of order one (a probability, 1 + x, a logit) or of the loss's own size:
  u·max(|L+|, |L−|, |L|, ORDER_ONE), ORDER_ONE = 2: order one is not at most 1 (the sum of
  confident binary cross-entropies softplus(z) − y·z in float32, terms near 20 for a loss of
  0.13, had its exact gradient "Wrong" from one row with 1 here and needed 1.1 to 1.8,
  review15c C3); terms far larger than that (the 20 themselves) one row cannot see, and a
  "Wrong" from binary losses says so (``report.calculator_unresolved.binary_wrong_words``);
- an argument near w (w, 1 + w², a·w + b: of the order of a unit of w) rounds to u of its
  size and moves the loss by its slope times that: u·|L'|, read from the central
  difference. A loss of order-one terms times 1000 (not a power of two, so its grid does not
  show them) has a slope of that order: 1000·(cos(sqrt(1 + w²)) + atan(w − 1.1)) in float16
  is −46 from terms of ±400, slope 324 (review12c's run.py, 24 false "Wrong");
- the terms the losses show: a difference of two float32 numbers near 10 is a multiple of
  their spacing 2^-20, however small it is. Where every loss lies on a grid q (the largest
  power of two each is a multiple of) coarser than GRID_EVIDENCE times the spacing of
  binary numbers at the losses' own size, they were formed from terms up to q/u, each
  rounding up to q. This scales with the losses (a row times 8 lies on a grid 8 times
  coarser), so a row scaled by a power of two (fp16 loss scaling) keeps its verdict — as far
  as this part and the loss's own size decide it. Terms of order one do not scale: losses
  far below them (float32 sin(w)·2^-10, 4.7e-4) are judged more cautiously than the same row
  times 2^10 (a 10 % bug "too coarse" there, "Wrong" here). Scaling them with the row would
  call the confident cross-entropies above wrong again (review15k H2: 7 false "Wrong" in
  300 of its rows); one row cannot tell the two, and the words say so
  (``report.calculator_unresolved._order_one_words``).

Losses on a coarser grid by chance (2.25, 0.75 and 1.5 on 0.25) only widen the allowance.
Terms larger than both that the grid does not show (the 1 in log(1 + x²)·1000, formed by
log and then scaled) can still mislead one row. The allowance only keeps a disagreement
from being called wrong (``verdicts.compare``'s refutation, which asks twice the losses' ±
and this): it never confirms anything.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from fdgui.core.calculator.rounding import EXACT

TERM_ROUNDINGS = 2  # roundings of its largest term (of order one, |L|, or shown) a loss may carry
# the size of a term "of order one" (softplus(z) − y·z of a confident classifier rounds terms
# of |z| for a loss far below 1; their roundings partly cancel: 1 was short by up to 1.8×)
ORDER_ONE = Decimal(2)
# the losses' grid shows larger terms only beyond this many times their own spacing: three
# losses share one extra zero bit by chance one time in 8, two extra one time in 64
GRID_EVIDENCE = 2
# a loss is made of arguments near w (w itself, 1 + w², a·w + b), each rounded to u of its
# size: one of size SLOPE_REACH (a unit of w) moves the loss by u·|L'|·SLOPE_REACH
SLOPE_REACH = Decimal(1)


def term_rounding(
    roundoff: Decimal | None,
    plus: Decimal,
    minus: Decimal,
    loss: Decimal | None,
    slope: Decimal = Decimal(0),
) -> Decimal:
    """What each loss may be off by from its terms' rounding (0 for typed decimals):
    TERM_ROUNDINGS·max(u·max(|L+|, |L−|, |L|, ORDER_ONE, |slope|·SLOPE_REACH), q), q the grid all
    the losses lie on (``losses_grid``) where it is coarser than GRID_EVIDENCE times the
    spacing at their largest size, else 0; ``slope`` the central difference."""
    if roundoff is None:
        return Decimal(0)
    values = [value for value in (plus, minus, loss) if value is not None]
    largest = max(value.copy_abs() for value in values)
    reach = EXACT.multiply(slope.copy_abs(), SLOPE_REACH)
    own = EXACT.multiply(roundoff, max(largest, ORDER_ONE, reach))
    grid = losses_grid(values, roundoff)
    if grid <= EXACT.multiply(GRID_EVIDENCE, _spacing(largest, roundoff)):
        grid = Decimal(0)  # near the losses' own spacing: no larger terms shown
    return EXACT.multiply(TERM_ROUNDINGS, max(own, grid))


def _spacing(value: Decimal, roundoff: Decimal) -> Decimal:
    """The spacing of binary numbers with unit round-off u at ``value`` > 0: 2u·2^e for
    2^e ≤ value < 2^(e+1) (0 for 0)."""
    if not value or not value.is_finite():
        return Decimal(0)
    exact = Fraction(value)
    exponent = exact.numerator.bit_length() - exact.denominator.bit_length()
    if Fraction(2) ** exponent > exact:  # the bit lengths overstate it by at most one
        exponent -= 1
    power = Fraction(2) ** exponent
    base = EXACT.divide(Decimal(power.numerator), Decimal(power.denominator))
    return EXACT.multiply(EXACT.multiply(2, roundoff), base)


def losses_grid(values: list[Decimal], roundoff: Decimal) -> Decimal:
    """The largest power of two every nonzero loss is a multiple of, once each is read as
    the binary number of its format it stands for (a typed 3.6239624e-05 in float32 is
    3.62396240234375e-05, a multiple of 2^-20); 0 when no loss is nonzero and finite."""
    from fdgui.core.numbers.precision import format_of_roundoff

    dtype = format_of_roundoff(float(roundoff))
    grids = [_grid(value, dtype) for value in values if value and value.is_finite()]
    grids = [grid for grid in grids if grid is not None]
    if not grids:
        return Decimal(0)
    smallest = min(grids)
    return EXACT.divide(Decimal(smallest.numerator), Decimal(smallest.denominator))


def _grid(value: Decimal, dtype: str | None) -> Fraction | None:
    """The largest power of two ``value`` is a multiple of (as a binary number of ``dtype``
    when it is not a binary number itself); None when it is neither."""
    exact = Fraction(value)
    if exact.denominator & (exact.denominator - 1):  # not a binary number: its format's
        if dtype is None:
            return None
        exact = _as_binary(value, dtype)
        if not exact:
            return None
    numerator = abs(exact.numerator)
    twos = (numerator & -numerator).bit_length() - 1
    return Fraction(2) ** (twos - (exact.denominator.bit_length() - 1))


def _as_binary(value: Decimal, dtype: str) -> Fraction | None:
    """The nearest binary number of ``dtype`` to ``value``, or None beyond its range."""
    import math

    import numpy as np

    from fdgui.core.numbers.precision import numpy_dtype

    with np.errstate(all="ignore"):
        rounded = float(np.asarray(float(value)).astype(numpy_dtype(dtype)))
    return Fraction(rounded) if math.isfinite(rounded) and rounded else None
