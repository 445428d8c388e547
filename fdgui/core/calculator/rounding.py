"""Where the calculator rounds, and to how many digits.

Sums, differences and products of typed decimals are exact (EXACT: decimal's arithmetic with
the largest precision, which sizes every result by its operands: 1e300 − 1e-300 keeps all 601
digits). A quotient is exact whenever it ends (its reduced denominator has no prime factor but
2 and 5 — then it ends after at most a few hundred digits for typed numbers); only a quotient
that does not end is rounded, once, to the working precision, and is named. An error bar (a ±)
that does not end is rounded up, so it still bounds.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from math import gcd

from fdgui.core.numbers.parsing import CONTEXT

EXACT = CONTEXT.copy()
EXACT.prec = decimal.MAX_PREC


def exact_quotient(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator/denominator exactly when it ends (as a decimal), else None. Both finite,
    the denominator nonzero."""
    if not numerator:
        return Decimal(0)
    _, top_digits, _ = numerator.as_tuple()
    _, bottom_digits, _ = denominator.as_tuple()
    top = int("".join(map(str, top_digits)))
    bottom = int("".join(map(str, bottom_digits)))
    common = gcd(top, bottom)
    top, bottom = top // common, bottom // common
    twos = (bottom & -bottom).bit_length() - 1
    bottom >>= twos
    fives = 0
    while bottom % 5 == 0:
        bottom //= 5
        fives += 1
    if bottom != 1:
        return None
    # top / (2^a 5^b) = top · 2^(m−a) 5^(m−b) / 10^m with m = max(a, b): at most this many digits
    context = CONTEXT.copy()
    context.prec = len(str(top)) + twos + fives + 2
    context.clear_flags()
    value = context.divide(numerator, denominator)
    assert not context.flags[decimal.Inexact]
    return value


class Quotients:
    """Quotients of exact values for one calculation: each exact when it ends, else rounded
    once to ``digits`` significant digits and its name kept in ``rounded`` (a bound: rounded
    up, in ``rounded_bounds``)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits
        self.rounded: list[str] = []
        self.rounded_bounds: list[str] = []
        self._nearest = CONTEXT.copy()
        self._nearest.prec = digits
        self._up = self._nearest.copy()
        self._up.rounding = decimal.ROUND_UP

    def value(self, name: str, numerator: Decimal, denominator: Decimal) -> Decimal:
        """The quotient: exact when it ends, else correctly rounded to ``digits``."""
        return self._divide(self._nearest, self.rounded, name, numerator, denominator)

    def bound(self, name: str, numerator: Decimal, denominator: Decimal) -> Decimal:
        """A ± (numerator ≥ 0, denominator > 0): exact when it ends, else rounded up."""
        return self._divide(self._up, self.rounded_bounds, name, numerator, denominator)

    @staticmethod
    def _divide(
        context: decimal.Context,
        names: list[str],
        name: str,
        numerator: Decimal,
        denominator: Decimal,
    ) -> Decimal:
        context.clear_flags()
        value = context.divide(numerator, denominator)
        if not context.flags[decimal.Inexact]:
            return value
        exact = exact_quotient(numerator, denominator)
        if exact is not None:
            return exact
        names.append(name)
        return value
