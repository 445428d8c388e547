"""The calculator's words for a disagreement one row does not resolve: the central
difference's own measured error at this ε (a row sent from the ε explorer with its
reference), or what keeps a difference in the "wrong" band from resolving (the truncation
room one row leaves, the losses' terms' rounding, twice the ±: ``numbers.verdicts``), and
for one within the rounding of the losses' format (``format_words``) or refuted on the
premise of their terms' size (``binary_wrong_words``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fdgui.core.calculator.rounding import EXACT
from fdgui.core.numbers.format import decimal_display, ratio
from fdgui.core.numbers.format import uncertainty as format_uncertainty
from fdgui.core.numbers.parsing import CONTEXT
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
    comparison: Comparison,
    uncertainty: Decimal | None,
    roundoff: Decimal | None,
    inputs: Any = None,
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
    values = [getattr(inputs, name, None) for name in ("loss_plus", "loss_minus", "loss")]
    values = [value.copy_abs() for value in values if isinstance(value, Decimal)]
    losses_size = max(values) if values else None
    if comparison.too_few == "truncation":
        spread = (
            f"the forward and backward differences are "
            f"{format_uncertainty(EXACT.multiply(2, comparison.room))} apart (|L''|·ε), and a "
            "kink between w − ε and w + ε would make the derivative either one, each off by "
            "its own truncation (about half that); "
            if comparison.room
            else ""
        )
        if comparison.seen_room:
            spread += _steep_unit_words(comparison)
        return (
            f"{start}: more than {losses}, but within the room this one row leaves for the "
            f"central difference's truncation: {spread}a central difference's own truncation "
            "(|L'''|·ε²/6) is not measured by one row — where L'' vanishes (an inflection "
            "point) a loss varying on a scale s, the larger of 0.1 and three steps, leaves "
            "up to "
            f"{format_uncertainty(comparison.prior)} at this ε{_size_words(inputs)} (shaped as "
            "x/√(1 + x²), the steepest of the common S-curves: tanh, atan, erf and a sine "
            f"leave less); {unseen_words(comparison, inputs)}; {undecided}. "
            f"{next_step_words(comparison, inputs)}"
        )
    if comparison.too_few == "kink":
        return kink_words(comparison, f"{start}: more than {losses}", undecided)
    if comparison.too_few == "one-sided":
        return one_sided_words(comparison, f"{start}: more than {losses}", roundoff, inputs)
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
            "two roundings of its largest term (|L|, 2, or the terms the grid the losses lie "
            f"on shows) adds ± {format_uncertainty(comparison.terms)} here{flat}; "
            f"{undecided}.{_order_one_words(comparison, losses_size)} Use a larger ε, "
            "losses computed in a wider format, or sweep several ε in the explorer (which "
            "measures their rounding across the rows)."
        )
    return (
        f"{start}: more than {losses}, but not twice that: their ± models each loss as "
        f"rounded once, so a difference refutes only beyond twice it (the ε explorer's rule); "
        f"{undecided}. Use a larger ε or losses computed in a wider format."
    )


def one_sided_words(comparison: Comparison, start: str, roundoff: Any, inputs: Any) -> str:
    """Why a difference is undecided within the forward and backward differences' ± (rev20c
    C1, ``verdicts._resolved``): the losses' digits do not resolve the curvature, so a kink
    inside the step, which makes L'(w) one of them, is neither seen nor ruled out."""
    sides = ""
    loss, epsilon = getattr(inputs, "loss", None), getattr(inputs, "epsilon", None)
    if isinstance(loss, Decimal) and isinstance(epsilon, Decimal):
        up, down = getattr(inputs, "steps", None) or (epsilon, epsilon)
        forward = CONTEXT.divide(EXACT.subtract(inputs.loss_plus, loss), up)
        backward = CONTEXT.divide(EXACT.subtract(loss, inputs.loss_minus), down)
        sides = (
            f" (forward {decimal_display(forward)}, backward {decimal_display(backward)}, "
            f"each ± {format_uncertainty(comparison.one_sided)})"
        )
    digits = "the losses' rounding" if roundoff is not None else "the typed digits"
    more = (
        "Compute the losses in a wider format"
        if roundoff is not None
        else "Type L, L+ and L− with more digits (each digit more shrinks these ± tenfold; "
        "an L typed with fewer decimals than L+ and L− stands for any value within half a "
        "unit of its own last digit, so type it to their last place at least)"
    )
    return (
        f"{start}, but within what {digits} leave on the forward and backward "
        f"differences{sides}. So {digits} cannot show whether a kink "
        "(a jump of L': ReLU, |u|, max) lies between w − ε and w + ε, and a kink there makes "
        "the derivative at w the forward or the backward difference (any value between them "
        "for a kink at w itself): this backprop gradient is within the digits of one of "
        f"them, so this row neither confirms nor refutes it. {more}, then calculate again: "
        "the forward and backward differences then show a kink inside the step or rule it "
        "out."
    )


def _steep_unit_words(comparison: Comparison) -> str:
    """What a steep unit whose zero lies inside the step may leave, read from the curvature
    the losses resolve (``verdicts.STEEP_UNIT_ROOMS``, rev19c H1)."""
    from fdgui.core.numbers.verdicts import NEAREST_VISIBLE_ZERO, STEEP_UNIT_ROOMS

    steep = EXACT.multiply(STEEP_UNIT_ROOMS, comparison.seen_room)
    return (
        "a unit far steeper than the gradient whose input crosses 0 inside the step, "
        f"{NEAREST_VISIBLE_ZERO.normalize():g}·ε or more from w (u·|u|, softsign u/(1 + |u|)), "
        "shows only part of its curvature to three points and moves the central difference "
        f"by up to {STEEP_UNIT_ROOMS:.1f} times the half-gap that curvature makes, "
        f"{format_uncertainty(steep)} here; "
    )


def kink_words(comparison: Comparison, start: str, undecided: str) -> str:
    """Why a difference one row would refute is undecided without L (``verdicts.compare``'s
    ``sees_kinks``, calc20): two losses do not see a kink inside the step, and one there can
    explain any difference; L shows it."""
    return (
        f"{start}, and more than a smooth loss's truncation and the features one row cannot "
        "see (a minimum near w, an odd jump of L'') leave at this ε (up to "
        f"{format_uncertainty(max(comparison.prior, comparison.jump))}). But without L one "
        "row cannot see a "
        "kink (a jump of L': ReLU, leaky ReLU, max or |u| whose input crosses 0) between "
        "w − ε and w + ε. The central difference is the mean slope over the step, and a kink "
        "there moves it from L'(w) by up to half its jump, however large that is: "
        "g·w + K·relu(w − c) with c inside the step gives these two losses for any claimed "
        "slope g, this backprop gradient included. No difference tells a kink from a "
        f"wrong gradient here, {undecided}. Type L (the loss at w) to tell them apart: the "
        "forward and backward differences then differ by about the jump of any kink inside "
        "the step (as far as the digits of L, L+ and L− resolve them), and the row judges "
        "the gradient on the premise it then states — a steep unit whose input crosses 0 "
        "near w can still mislead one row, so a smaller ε or a sweep over ε settles it. "
        f"{_no_kink_premise()}"
    )


def _no_kink_premise() -> str:
    """What a difference without L points to a bug on (calc21, rev19c H3): no kink inside the
    step, and none of what one row cannot see with L either — no unit crossing 0 near w
    steeper than UNSEEN_STEEPNESS times the gradient over s, as ``premise_words`` states."""
    from fdgui.core.numbers.verdicts import UNSEEN_STEEPNESS

    return (
        "(This difference points to a bug only if the loss has no kink within ε of w and "
        "nothing much steeper than the gradient near w: no softsign u/(1 + |u|), u·|u| or "
        "similar unit whose input crosses 0 within about ε of w with a slope more than "
        f"{int(UNSEEN_STEEPNESS)} times the gradient over s = max(0.1, 3ε) in w, and no "
        "terms whose large slopes cancel at w.)"
    )


def _order_one_words(comparison: Comparison, size: Decimal | None) -> str:
    """For losses far smaller than a term of order one (review15k H2): the allowance takes
    terms of order one whatever the losses' size (log(1 + x²) at a small x rounds the 1; a
    converged cross-entropy its logits), so it is not scaled with the row: the same losses
    times a power of two may be judged where these are not. Said, with what would judge it."""
    from fdgui.core.calculator.terms import ORDER_ONE

    if size is None or not size or size * 8 > ORDER_ONE:
        return ""
    return (
        f" The losses ({format_uncertainty(size)}) are far smaller than the terms of order "
        f"one (up to {ORDER_ONE}) this allowance takes a loss to be made of (log(1 + x²) at "
        "a small x rounds the 1, a converged cross-entropy its logits). One row cannot tell "
        "that from losses made of terms of their own size times a small power of two (a mean "
        "over 2^k samples), whose rounding is that small: so this allowance is not scaled "
        "with the row, and the same losses times 2^k may be judged where these are not."
    )


def _level(inputs: Any) -> Decimal:
    """The losses' size the prior reads without L (``verdicts.plausible_truncation``'s
    ``level``, as ``calculator.schemes`` takes it); 0 with L."""
    if getattr(inputs, "loss", None) is not None:
        return Decimal(0)
    values = [getattr(inputs, name, None) for name in ("loss_plus", "loss_minus")]
    return max((v.copy_abs() for v in values if isinstance(v, Decimal)), default=Decimal(0))


def _size_words(inputs: Any) -> str:
    """Without L, why the prior reads the losses' size: a minimum or maximum of L nearer w
    than ``unseen_feature`` allows for, whose curvature one row without L cannot see."""
    if inputs is None or getattr(inputs, "loss", None) is not None:
        return ""
    from fdgui.core.numbers.verdicts import UNSEEN_STEEPNESS

    return (
        " (without L, on the larger of the slope and the losses' own size over s: a "
        f"minimum or maximum of L nearer w than ε/{2 * int(UNSEEN_STEEPNESS)} leaves "
        "|L'''|·ε²/6 where the slope is about 0, and only L shows the curvature; a constant "
        "added to the loss widens this: give L to judge it)"
    )


def unseen_words(comparison: Comparison, inputs: Any) -> str:
    """What one row cannot see and the premise its "Wrong" rests on
    (``verdicts.unseen_feature``): with L an odd jump of L'' at w, without L a minimum or
    maximum of L near w."""
    from fdgui.core.numbers.verdicts import UNSEEN_STEEPNESS

    steep = int(UNSEEN_STEEPNESS)
    feature = (
        "an odd jump of L'' at w (softsign u/(1 + |u|) or u·|u| at a pre-activation of 0, "
        "which three points cannot see: the forward and backward differences agree beside "
        f"it) from units together up to {steep} times as steep as the gradient (other "
        "terms cancelling the rest of their slope; several such units add up)"
        if getattr(inputs, "loss", None) is not None
        else f"a minimum or maximum of L as near as ε/{2 * steep} to w (without L the row "
        "cannot see the curvature that says so: give L)"
    )
    return f"and {feature} leaves up to {format_uncertainty(comparison.jump)} (first order in ε)"


def _widest_step(inputs: Any) -> Decimal | None:
    """The step the row's allowances were read at: ε, or the wider of the steps really
    taken (a row sent from the ε explorer), as ``calculator.schemes`` takes it."""
    epsilon = getattr(inputs, "epsilon", None)
    steps = getattr(inputs, "steps", None)
    if not isinstance(epsilon, Decimal):
        return None
    return max((epsilon, *(steps or ())))


def next_step_words(comparison: Comparison, inputs: Any = None) -> str:
    """The ε to try next (``verdicts.next_epsilon``): what one row cannot see shrinks with ε,
    a bug does not."""
    from fdgui.core.numbers.verdicts import next_epsilon

    epsilon = _widest_step(inputs)
    curvature = Decimal(0)
    if comparison.room and epsilon:  # room = |L''|·ε/2: KINK_ROOMS of them is |L''|·ε
        curvature = CONTEXT.divide(EXACT.multiply(2, comparison.room), epsilon)
    seen = Decimal(0)
    if comparison.seen_room and epsilon:
        seen = CONTEXT.divide(EXACT.multiply(2, comparison.seen_room), epsilon)
    step = next_epsilon(
        comparison.absolute_difference,
        comparison.numeric,
        comparison.analytic,
        _level(inputs),
        curvature,
        epsilon,
        seen,
    )
    where = f"at ε = {step.normalize():g} or below" if step is not None else "at a much smaller ε"
    if inputs is not None and getattr(inputs, "loss", None) is None:
        # without L one row never refutes (calc20), and the step to repeat at depends on the
        # curvature only L shows: L first
        return (
            "Type L (the loss at w) and calculate again: without it a kink inside the step "
            "could explain any difference, so one row never refutes; with it the row shows a "
            "kink inside the step and judges the gradient on a stated premise (no unit far "
            "steeper than the gradient crossing 0 near w), or names the ε to repeat at. To "
            "settle it beyond that premise, sweep several ε in the explorer (or repeat at "
            "smaller ε): a difference that stays is a bug; one that shrinks with ε is the "
            "loss's own shape."
        )
    between = _between_one_sided(comparison, inputs)
    if between is not None:
        # a kink at w itself: any slope between the one-sided ones is a subgradient, and no
        # smaller ε changes that (rev19c H2: "a difference that stays is a bug" looped there)
        backward, forward = between
        return (
            f"The backprop gradient lies between the backward difference "
            f"{decimal_display(backward)} and the forward difference "
            f"{decimal_display(forward)}. If the loss has a kink at w itself (ReLU, |u| or max "
            "whose input is 0 at w), the derivative there is any value between the one-sided "
            "slopes, and this gradient is a valid subgradient, not a bug. Repeat it "
            f"{where} (typing enough digits) to tell: if the forward and backward differences stay "
            "about as far apart, the kink is at w and this gradient is fine; if they close up "
            "(in proportion to ε, a smooth loss), a difference from the central difference "
            "that stays is a bug."
        )
    return (
        f"Repeat it {where} (typing enough digits), or sweep several ε in the explorer: a "
        "difference that stays is a bug; one that shrinks with ε is the loss's own shape."
    )


def _between_one_sided(comparison: Comparison, inputs: Any) -> tuple[Decimal, Decimal] | None:
    """(backward, forward) where L was typed and the backprop gradient lies between the
    one-sided differences (within half a unit of its last digit), else None."""
    loss = getattr(inputs, "loss", None)
    epsilon = getattr(inputs, "epsilon", None)
    if not isinstance(loss, Decimal) or not isinstance(epsilon, Decimal):
        return None
    plus, minus = inputs.loss_plus, inputs.loss_minus
    up, down = getattr(inputs, "steps", None) or (epsilon, epsilon)
    forward = CONTEXT.divide(EXACT.subtract(plus, loss), up)
    backward = CONTEXT.divide(EXACT.subtract(loss, minus), down)
    low, high = sorted((forward, backward))
    if forward == backward:
        return None
    claim = comparison.analytic
    if low - comparison.claim <= claim <= high + comparison.claim:
        return backward, forward
    return None


def one_row_wrong_words(comparison: Comparison, inputs: Any) -> str:
    """A "Wrong" from one row of typed losses, with the whole premise it rests on (review16c
    C1/C2, review18c C1/H1): one row cannot rule out a feature narrower than ε, so its
    refutation is beyond what the row bounds (the losses' ±; with L the forward and backward
    differences and their truncation: L'(w) lies between them where L' is monotone on
    [w − ε, w + ε]) and beyond what the premise leaves for what it cannot see
    (``verdicts.unseen_feature``, ``premise_words``)."""
    with_loss = getattr(inputs, "loss", None) is not None
    bounds = (
        "the forward and backward differences and their own truncation (L'(w) lies between "
        "them where L' is monotone on [w − ε, w + ε]), "
        if with_loss
        else ""
    )
    return (
        "They disagree by more than 1% and by more than this row allows: the losses' ±, "
        f"{bounds}a smooth loss's truncation on the scale s, and what a feature one row "
        f"cannot see leaves. {premise_words(inputs)} So the backprop gradient, or the way the "
        "losses were measured, is wrong — unless the loss has such a feature here: a smaller "
        "ε keeps a bug's difference and shrinks the feature's."
    )


def premise_words(inputs: Any, also: bool = False) -> str:
    """The premise a one-row "Wrong" rests on, as ``verdicts.unseen_feature`` and
    ``verdicts.plausible_truncation`` use it, in one sentence (review18c C1/H1): what the
    losses cannot see — jumps of L'' at or near w, terms cancelling each other's slope, a
    flat inflection — comes from terms together no more than UNSEEN_STEEPNESS times as
    steep as the gradient over s (several units' jumps add up); with L a kink inside the
    step leaves L' monotone across it; without L no kink lies inside the step (one row does
    not see it at all) and no minimum or maximum lies within ε/(2·UNSEEN_STEEPNESS) of w
    unless the loss varies by no more than its own size over s. For typed and binary
    losses alike (``also``: beside the binary terms' premise)."""
    from fdgui.core.numbers.verdicts import STEP_SCALES, UNSEEN_STEEPNESS, VARIATION_SCALE

    steep = int(UNSEEN_STEEPNESS)
    start = "It also rests on a premise" if also else "This rests on a premise"
    epsilon = _widest_step(inputs)
    scale = ""
    if epsilon is not None:
        value = max(VARIATION_SCALE, EXACT.multiply(STEP_SCALES, epsilon))
        scale = f" = {value.normalize():g}"
    unseen = (
        "jumps of L'' at or near w (softsign or u·|u| at a pre-activation of 0), terms "
        "cancelling each other's slope at w and a flat inflection (L' and L'' both near 0)"
    )
    if getattr(inputs, "loss", None) is not None:
        unseen = (
            "jumps of L'' at w or within ε/20 of it (softsign or u·|u| whose input crosses 0 "
            "there; one farther inside the step shows in the curvature, which the row allows "
            "for however steep), terms cancelling each other's slope at w and a flat "
            "inflection (L' and L'' both near 0)"
        )
    together = (
        f"comes from terms together no more than {steep} times as steep as the gradient over "
        f"s = max(0.1, 3ε){scale} in w (several such terms add up)"
    )
    if getattr(inputs, "loss", None) is not None:
        return (
            f"{start} one row cannot check: what its three losses cannot see "
            f"— {unseen} — {together}, and a kink (a jump of L') inside the step leaves L' "
            "monotone from w − ε to w + ε."
        )
    kink = (
        "without L a kink inside the step is not seen at all"
        if getattr(inputs, "reference", None) is None
        else "two losses do not see one, but the ε explorer's reference, read only where no "
        "kink is near w, excludes it"
    )
    return (
        f"{start} one row cannot check: no kink (a jump of L') lies inside "
        f"the step from w − ε to w + ε — {kink} —, no minimum or maximum of L lies "
        f"within ε/{2 * steep} of w unless the loss "
        "varies by no more than its own size over s, and what else its two losses cannot see "
        f"— {unseen} — {together} (give L to check the kinks and the curvature)."
    )


def shape_suspicious_words(comparison: Comparison, inputs: Any) -> str:
    """Words for a "Suspicious" difference within what the row allows for its own central
    difference's error at this ε (``verdicts.shape_allowance``, rev19c M2): not "more than
    finite differences normally explain", but the loss's shape or a small mistake, and the ε
    that tells them apart."""
    from fdgui.core.numbers.verdicts import shape_allowance

    return (
        f"They differ around the third or fourth digit (relative error "
        f"{decimal_display(comparison.relative_error, 2)}), but at this ε one row allows up "
        f"to {format_uncertainty(shape_allowance(comparison))} for the central difference's "
        "own error (its truncation on a loss varying on a scale of 0.1 in w or three steps, a "
        "kink or steep unit inside the step, what a feature it cannot see leaves), and the "
        f"{format_uncertainty(comparison.absolute_difference)} here is within that. So it may "
        "be the loss's own shape or a small mistake in the backward pass: neither confirmed "
        f"nor refuted. {next_step_words(comparison, inputs)}"
    )


def truncation_kinks_words(comparison: Comparison) -> str:
    """Words for a "kinks"-band difference no larger than the truncation one row cannot rule
    out (``verdicts.plausible_truncation``): a smooth loss's own central difference lands
    there too (review13v M1: exp at ε = 1e-3 was told "not as close as a smooth loss
    allows"), so neither a kink nor a bug is implied."""
    return (
        f"Close (relative error {decimal_display(comparison.relative_error, 2)}): this band "
        "is acceptable where a kink lies within ε of w, but at this ε a smooth loss's own "
        "central difference may also be off by up to about "
        f"{format_uncertainty(comparison.prior)} (its truncation, for a loss that varies on a "
        "scale of 0.1 in w or three steps, shaped as the steepest common S-curve), and the "
        f"{format_uncertainty(comparison.absolute_difference)} here is within that. So it "
        "may be a kink, truncation alone, or a small mistake in the backward pass: repeat at "
        "a smaller ε (typing enough digits) to tell."
    )


def binary_wrong_words(
    comparison: Comparison, uncertainty: Decimal | None, roundoff: Decimal, inputs: Any
) -> str:
    """A "Wrong" from one row of binary losses, with the premise it rests on (review15c C3):
    a loss formed from terms larger than the allowance takes (the difference of large terms
    whose slopes cancel: cross-entropy of confident logits, 1000·(atan(w) − atan(1.01w)))
    rounds each by u·|term|, which one row cannot see. The size of term that would explain
    the difference: what twice the losses' ± must grow by, over 2ε, in TERM_ROUNDINGS
    roundings of u per loss."""
    from fdgui.core.calculator.terms import TERM_ROUNDINGS
    from fdgui.core.numbers.verdicts import BINARY_SAFETY

    x = EXACT
    allowed = x.add(comparison.claim, x.add(comparison.computed, comparison.underflow))
    left = x.subtract(comparison.absolute_difference, allowed)
    need = x.subtract(CONTEXT.divide(left, BINARY_SAFETY), uncertainty or Decimal(0))
    premise = ""
    steps = getattr(inputs, "steps", None)
    epsilon = getattr(inputs, "epsilon", None)
    if need > 0 and epsilon is not None:
        denominator = x.add(*steps) if steps else x.multiply(2, epsilon)
        # rounded once (a quotient that need not end: an exact one would never stop)
        size = CONTEXT.divide(
            x.multiply(need, denominator), x.multiply(2 * TERM_ROUNDINGS, roundoff)
        )
        premise = f" no larger than about {format_uncertainty(size)}"
    return (
        "They disagree by more than 1%, and by more than twice what the losses' rounding "
        f"allows if each loss is formed from terms{premise}. A loss that is the difference of "
        "terms larger than that (cross-entropy of confident logits, a large multiple of a "
        "difference) also carries their rounding, u·|term|, which one row cannot see. "
        f"{premise_words(inputs, also=True)} So the backprop gradient is wrong unless the "
        "loss is made of such terms or has such a feature here: repeat at another ε (a smaller one "
        "shrinks a feature's share, a larger one the terms') or in a wider format, or sweep "
        "ε in the explorer, which measures the losses' rounding across the rows."
    )


def format_words(
    comparison: Comparison, uncertainty: Decimal | None, measured: bool = False
) -> str:
    """Why a difference beyond the losses' ± is the rounding of the format the gradient was
    computed in (the ε explorer's words for the same case, ``report/sweep_claim``), or why
    that rounding is too wide to judge it by. ``measured``: the allowance is the one the ε
    explorer read from the expression (sent with the losses), not the blanket 10·u·|g|."""
    dtype = comparison.losses_format
    losses = "what the losses' rounding allows"
    if uncertainty:
        losses = f"the ± {format_uncertainty(uncertainty)} the losses' rounding allows"
    beyond = (
        "more than"
        if uncertainty is None or comparison.absolute_difference > uncertainty
        else "within"
    )
    joint = "but" if beyond == "more than" else "and"
    start = (
        f"The backprop gradient {decimal_display(comparison.analytic)} differs from the central "
        f"difference by {format_uncertainty(comparison.absolute_difference)}: {beyond} {losses}"
    )
    if comparison.too_few == "computation" or (
        comparison.underflow
        and comparison.absolute_difference > EXACT.add(uncertainty or 0, comparison.computed)
    ):
        within = (
            f"within what underflow leaves of a gradient that small in {dtype} (below its "
            f"smallest normal number, {format_uncertainty(comparison.underflow)}, a correct "
            "backward pass may return it, or a factor of it, as 0 or a few subnormal steps)"
        )
        if comparison.too_few == "computation":
            return (
                f"{start}, but {within}. That allowance is wider than 3/8 of the gradient "
                "itself, so a bug that size would fit as well: neither confirmed nor refuted. "
                "Check it in a wider dtype."
            )
        return f"{start}, but {within}. To judge it, compute it in a wider dtype."
    if measured:
        return (
            f"{start}, {joint} within the rounding {dtype} leaves in a computed gradient, as the ε "
            f"explorer read it from the expression ({format_uncertainty(comparison.computed)} "
            "here: its backward rounding term by term, and the correct derivatives' reach). "
            "To judge it more finely, compute the losses and the gradient in a wider dtype."
        )
    from fdgui.core.numbers.precision import unit_roundoff
    from fdgui.core.numbers.typed_claim import CLAIM_ROUNDINGS

    share = CLAIM_ROUNDINGS * unit_roundoff(dtype)
    return (
        f"{start}, {joint} within the rounding {dtype} leaves in a computed gradient "
        f"({CLAIM_ROUNDINGS:g}·u = {ratio(share)} relative, "
        f"{format_uncertainty(comparison.computed)} here: a correct backward pass in {dtype} "
        "returns at best the exact derivative rounded to it). To judge it more finely, "
        "compute the losses and the gradient in a wider dtype."
    )
