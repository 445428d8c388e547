"""Comparing a finite-difference gradient with a backprop gradient: relative error and verdict.

Relative error follows the usual gradient-checking convention,
|n − a| / max(|n|, |a|, 1e-8), so that two tiny gradients do not look far apart merely
because both are near zero.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal

from fdgui.core.numbers.parsing import CONTEXT

RELATIVE_ERROR_FLOOR = Decimal("1e-8")
_EXACT = CONTEXT.copy()  # a difference of two decimals, every digit (sized by its operands)
_EXACT.prec = decimal.MAX_PREC


@dataclass(frozen=True)
class Verdict:
    """One band of relative error, from ``lower`` (exclusive) to ``upper`` (inclusive)."""

    key: str  # "correct", "kinks", "suspicious", "wrong"
    title: str
    colour: str  # a hex colour that reads on light and dark backgrounds
    lower: float
    upper: float


VERDICTS: tuple[Verdict, ...] = (
    Verdict("correct", "Correct", "#1b873f", 0.0, 1e-7),
    Verdict("kinks", "Fine only if the loss has kinks", "#9a6700", 1e-7, 1e-4),
    Verdict("suspicious", "Suspicious", "#c75000", 1e-4, 1e-2),
    Verdict("wrong", "Wrong", "#cf222e", 1e-2, float("inf")),
)
# Used instead of a band when the difference is no larger than the typed digits can resolve.
INCONCLUSIVE = Verdict(
    "inconclusive", "Too coarse to judge (too few typed digits)", "#0a5ea8", 0.0, 0.0
)  # the ε explorer's words and colour for the same state
# Used instead of "correct" when the two agree, but the typed digits cannot show seven of them.
CONSISTENT = Verdict("consistent", "Consistent within the typed digits", "#1a7f64", 0.0, 1e-7)


def verdict_for(relative_error: float | Decimal) -> Verdict:
    """The band a relative error falls in (> 1e-2 wrong … ≤ 1e-7 correct).

    A Decimal is compared exactly, so 0.01000000000000000001 is wrong, not suspicious.
    """
    if isinstance(relative_error, Decimal):
        for verdict in VERDICTS:
            if verdict.upper == float("inf") or relative_error <= Decimal(repr(verdict.upper)):
                return verdict
        return VERDICTS[-1]
    value = float(relative_error)
    for verdict in VERDICTS:
        if value <= verdict.upper:
            return verdict
    return VERDICTS[-1]  # NaN: the most cautious band


def relative_error(numeric: Decimal, analytic: Decimal, digits: int = CONTEXT.prec) -> Decimal:
    """|n − a| / max(|n|, |a|, 1e-8): the difference exact, the quotient rounded once to
    ``digits`` significant digits."""
    scale = max(numeric.copy_abs(), analytic.copy_abs(), RELATIVE_ERROR_FLOOR)
    context = CONTEXT.copy()
    context.prec = digits
    return context.divide(_EXACT.subtract(numeric, analytic).copy_abs(), scale)


def relative_error_float(numeric: float, analytic: float) -> float:
    """The same formula in floating point, for sweeps and network checks."""
    return abs(numeric - analytic) / max(abs(numeric), abs(analytic), 1e-8)


@dataclass(frozen=True)
class Comparison:
    """A numeric gradient set against a backprop value."""

    numeric: Decimal
    analytic: Decimal
    absolute_difference: Decimal
    relative_error: Decimal
    band: Verdict  # the band the relative error falls in
    verdict: Verdict  # the band, or INCONCLUSIVE when the typed digits cannot tell
    # True when |n − a| is no larger than the spread the typed digits allow (the losses' ±
    # plus the backprop's own half unit): too coarse to tell a small bug from rounding.
    within_uncertainty: bool
    # half a unit of the backprop gradient's last typed digit (0 for a typed zero)
    claim: Decimal = Decimal(0)
    # whose digits are too few when the verdict is "inconclusive": "losses" (their ± alone
    # covers the difference) or "backprop" (only with its typed digits' half unit)
    too_few: str = ""


def compare(
    numeric: Decimal,
    analytic: Decimal,
    uncertainty: Decimal,
    digits: int = CONTEXT.prec,
    claim: Decimal = Decimal(0),
) -> Comparison:
    """Relative error (to ``digits`` significant digits), verdict band, and whether the
    difference (exact) hides in the typed digits: the losses' ``uncertainty`` on the numeric
    gradient, then ``claim``, half a unit of the backprop's last typed digit
    (``typed_claim.claim_half_unit``, the ε explorer's rule for a typed derivative)."""
    difference = _EXACT.subtract(numeric, analytic).copy_abs()
    error = relative_error(numeric, analytic, digits)
    band = verdict_for(error)
    within_losses = difference <= uncertainty
    within = within_losses or difference <= _EXACT.add(uncertainty, claim)
    # the relative spread the typed digits leave on the numeric gradient
    scale = max(numeric.copy_abs(), analytic.copy_abs(), RELATIVE_ERROR_FLOOR)
    resolvable = CONTEXT.divide(uncertainty, scale) <= Decimal("1e-7")
    if band.key == "correct":
        verdict = band if resolvable else CONSISTENT
    else:
        verdict = INCONCLUSIVE if within else band
    return Comparison(
        numeric=numeric,
        analytic=analytic,
        absolute_difference=difference,
        relative_error=error,
        band=band,
        verdict=verdict,
        within_uncertainty=within,
        claim=claim,
        too_few="" if verdict.key != "inconclusive" else "losses" if within_losses else "backprop",
    )
