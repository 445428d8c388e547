"""What the ε explorer's trusted reference, sent with a row's losses, settles that the one row
cannot: whether a disagreement is the central difference's own measured error at this ε
(``own_error``), and whether a "kinks"-band difference has a kink to explain it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from fdgui.core.calculator.rounding import EXACT
from fdgui.core.numbers.verdicts import INCONCLUSIVE, VERDICTS, Comparison


def own_error(
    comparison: Comparison,
    central: Decimal,
    reference: tuple[Decimal, Decimal] | None,
    allowance: Decimal | None = None,
) -> Comparison:
    """A disagreement (kinks, suspicious, wrong) that the central difference's own measured
    error explains is not resolved at this ε: |central − R| + bar bounds how far the central
    difference is from the derivative (truncation at a large ε, rounding inside the losses
    beyond u·|L|), and a difference from the backprop within that plus every allowance the
    comparison makes (the backprop's typed digits, its format's rounding) could be that error
    alone. Then "Too coarse to judge at this ε" (``too_few`` "this ε"), never "correct".
    Beyond it, a "kinks"-band difference the reference resolves is "Wrong"
    (``_no_kink_explains``)."""
    unresolved = comparison.verdict.key == "inconclusive" and comparison.too_few in (
        "truncation",
        "terms",
        "resolve",
        "one-sided",  # a kink inside the step within the one-sided differences' digits
        "kink",  # without L: the reference is read only where no kink is near w (calc20)
    )  # a "wrong"-band difference one row cannot resolve: the measured error says why
    if reference is None or not (
        unresolved or comparison.verdict.key in ("kinks", "suspicious", "wrong")
    ):
        return comparison
    x = EXACT
    value, bar = reference
    own = x.add(x.subtract(central, value).copy_abs(), bar)
    allowed = x.add(x.add(own, comparison.claim), x.add(comparison.computed, comparison.underflow))
    if comparison.absolute_difference > allowed:
        # beyond the central difference's measured error (truncation and the losses' real
        # rounding together): what one row left unresolved, the measurement resolves
        if unresolved:
            return replace(comparison, verdict=comparison.band, too_few="")
        if comparison.verdict.key == "kinks" and _no_kink_explains(comparison, allowed, allowance):
            return replace(comparison, verdict=VERDICTS[-1])
        return comparison
    return replace(comparison, verdict=INCONCLUSIVE, too_few="this ε", within_uncertainty=True)


def _no_kink_explains(comparison: Comparison, allowed: Decimal, allowance: Decimal | None) -> bool:
    """A "kinks"-band difference from a row sent with the explorer's trusted reference (a
    reference is trusted only where no kink is near w) that lies beyond twice what the
    central difference's measured error and the backprop's allowances leave (the explorer's
    |g − T| beyond twice both bars), what the explorer allows a typed claim included: no kink
    explains it, and "Fine only if the loss has kinks" (exit 0) would stand beside the
    explorer's "Gradient wrong" (review12c H3)."""
    x = EXACT
    limit = x.add(allowed, allowance or Decimal(0))
    return comparison.absolute_difference > x.multiply(2, limit)
