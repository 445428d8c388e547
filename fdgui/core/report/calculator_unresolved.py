"""The calculator's words for a disagreement one row does not resolve: the central
difference's own measured error at this ε (a row sent from the ε explorer with its
reference), or what keeps a difference in the "wrong" band from resolving (the truncation
room one row leaves, the losses' terms' rounding, twice the ±: ``numbers.verdicts``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fdgui.core.calculator.rounding import EXACT
from fdgui.core.numbers.format import decimal_display
from fdgui.core.numbers.format import uncertainty as format_uncertainty
from fdgui.core.numbers.verdicts import Comparison


def own_error_words(comparison: Comparison, inputs: Any) -> str:
    """Why a disagreement the sent central difference's own measured error explains is not
    judged at this ε (``sent_reference.own_error``)."""
    value, bar = inputs.reference
    off = (comparison.numeric - value).copy_abs()
    return (
        f"The central difference at this ε is itself {format_uncertainty(off)} from the ε "
        f"explorer's reference {decimal_display(value)} (± {format_uncertainty(bar)}): "
        "truncation at this ε, or rounding inside the losses beyond their ± — as far as its "
        f"{format_uncertainty(comparison.absolute_difference)} from the backprop gradient, "
        "so this one difference cannot tell a correct gradient from a bug that size. Send the "
        "row at the explorer's recommended ε to judge it here, or read the explorer's verdict, "
        "which weighs every ε."
    )


def kink_refuted_words(comparison: Comparison, inputs: Any) -> str:
    """Why a "kinks"-band difference is "Wrong" for a row sent with the explorer's trusted
    reference (``sent_reference._no_kink_explains``)."""
    value, bar = inputs.reference
    return (
        f"Close (relative error {decimal_display(comparison.relative_error, 2)}, the “Fine "
        "only if the loss has kinks” band), but no kink explains it: the ε explorer's "
        f"reference {decimal_display(value)} (± {format_uncertainty(bar)}) for these losses, "
        "read where no kink is near w, puts the derivative "
        f"{format_uncertainty((comparison.analytic - value).copy_abs())} from the backprop "
        "gradient, beyond twice what the central difference's own error and the backprop's "
        "digits and rounding allow. Look for a small mistake in the backward pass."
    )


def unresolved_words(
    comparison: Comparison, uncertainty: Decimal | None, roundoff: Decimal | None
) -> str:
    """Why a difference in the "wrong" band is not resolved by this one row: within the room
    it leaves for the central difference's truncation, within what binary losses' terms may
    have rounded, or beyond the losses' ± but not twice it (``verdicts._resolved``)."""
    whose = "the losses' rounding" if roundoff is not None else "the typed losses"
    verb = "allows" if roundoff is not None else "allow"
    losses = f"the ± {format_uncertainty(uncertainty or Decimal(0))} {whose} {verb}"
    start = (
        f"The backprop gradient {decimal_display(comparison.analytic)} differs from the central "
        f"difference by {format_uncertainty(comparison.absolute_difference)}"
    )
    undecided = "so this row neither confirms nor refutes it"
    if comparison.too_few == "truncation":
        spread = (
            f"the forward and backward differences are "
            f"{format_uncertainty(EXACT.multiply(2, comparison.room))} apart (|L''|·ε), and a "
            "kink between w − ε and w + ε would make the derivative either one, each off by "
            "its own truncation (about half that); "
            if comparison.room
            else ""
        )
        return (
            f"{start}: more than {losses}, but within the room this one row leaves for the "
            f"central difference's truncation: {spread}a central difference's own truncation "
            "(|L'''|·ε²/6) is not measured by one row — where L'' vanishes (an inflection "
            "point) a loss varying on a scale s, the larger of 0.1 and three steps, leaves "
            "up to "
            f"{format_uncertainty(comparison.prior)} at this ε (shaped as x/√(1 + x²), the "
            "steepest of the common S-curves: tanh, atan, erf and a sine leave less); "
            f"{undecided}. Repeat it at a smaller ε, or sweep several ε in the explorer."
        )
    dtype = comparison.losses_format or "their format"
    if comparison.too_few == "terms":
        flat = (
            ", and with L+ = L− every digit cancelled: the change is below what they rounded"
            if not comparison.numeric
            else ""
        )
        return (
            f"{start}: more than {losses} if each loss were its exact value rounded once, but "
            f"a loss computed in {dtype} also carries the rounding of the terms it is made of "
            "(exp(w) − 1 − w rounds exp(w)), which one row cannot measure: allowing each loss "
            "two roundings of its largest term (|L|, 1, or the terms the grid the losses lie "
            f"on shows) adds ± {format_uncertainty(comparison.terms)} here{flat}; "
            f"{undecided}. Use a larger ε, "
            "losses computed in a wider format, or sweep several ε in the explorer (which "
            "measures their rounding across the rows)."
        )
    return (
        f"{start}: more than {losses}, but not twice that: their ± models each loss as "
        f"rounded once, so a difference refutes only beyond twice it (the ε explorer's rule); "
        f"{undecided}. Use a larger ε or losses computed in a wider format."
    )


def truncation_kinks_words(comparison: Comparison) -> str:
    """Words for a "kinks"-band difference no larger than the truncation one row cannot rule
    out (``verdicts.plausible_truncation``): a smooth loss's own central difference lands
    there too (review13v M1: exp at ε = 1e-3 was told "not as close as a smooth loss
    allows"), so neither a kink nor a bug is implied."""
    return (
        f"Close (relative error {decimal_display(comparison.relative_error, 2)}). At this ε "
        "the central difference of a smooth loss may itself be off by up to about "
        f"{format_uncertainty(comparison.prior)} (its truncation, for a loss that varies on a "
        "scale of 0.1 in w or three steps, shaped as the steepest common S-curve), and the "
        f"{format_uncertainty(comparison.absolute_difference)} "
        "here is within that: it needs no kink, and it cannot rule out a small mistake in "
        "the backward pass either. Repeat at a smaller ε (typing enough digits) to tell."
    )
