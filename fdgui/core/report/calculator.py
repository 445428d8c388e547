"""Every human-readable rendering of the calculator's results.

Copy Results, the CLI, the window's labels and tooltips all take their words and number
formats from here, so they always say the same thing.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fdgui import __version__
from fdgui.core.calculator.rounding import EXACT
from fdgui.core.calculator.schemes import FIELD_NAMES, Estimate
from fdgui.core.numbers.format import (
    FULL_DIGITS,
    decimal_display,
    decimal_exact,
    decimal_full,
    power_of_ten,
    ratio,
)
from fdgui.core.numbers.format import uncertainty as format_uncertainty
from fdgui.core.numbers.verdicts import RELATIVE_ERROR_FLOOR, Comparison, floor_hidden
from fdgui.core.report.calculator_unresolved import (
    binary_wrong_words,
    format_words,
    kink_refuted_words,
    one_row_wrong_words,
    own_error_words,
    shape_suspicious_words,
    truncation_kinks_words,
    unresolved_words,
)
from fdgui.core.report.exporters import register

FORMULAS = (
    "central  ∂L/∂w ≈ (L+ − L−) / (2ε)",
    "forward  ∂L/∂w ≈ (L+ − L) / ε",
    "backward ∂L/∂w ≈ (L − L−) / ε",
    "curvature L'' ≈ (L+ − 2L + L−) / ε²; one-sided truncation error ≈ |L''|·ε/2",
    "relative error = |numeric − backprop| / max(|numeric|, |backprop|, 1e-8)",
)
STEPS_FORMULA = (
    "with the steps taken h+, h− (sent losses): ε → h+ in forward, h− in backward, "
    "2ε → h+ + h− in central; L'' ≈ 2·(forward − backward)/(h+ + h−); truncation |L''|·max(h±)/2"
)

# Plain-words explanations, shown as tooltips and in Help.
RESULT_HELP: dict[str, str] = {
    "gradient": "The central-difference estimate of ∂L/∂w: the slope of the straight line through "
    "the losses at w−ε and w+ε. Its error shrinks like ε², so it is the estimate to trust.",
    "difference": "How much the loss changed between the two perturbed points, L+ − L−.",
    "denominator": "The distance between the two perturbed points, 2ε.",
    "forward": "Slope from w to w+ε, (L+ − L)/ε. Needs L. Its error shrinks only like ε.",
    "backward": "Slope from w−ε to w, (L − L−)/ε. Needs L. Its error shrinks only like ε.",
    "curvature": "How fast the slope itself changes, L'' ≈ (L+ − 2L + L−)/ε². Needs L. "
    "Large curvature means the one-sided estimates drift apart as ε grows.",
    "truncation": "The error a one-sided difference makes by replacing the curve with a straight "
    "line, about |L''|·ε/2. Forward minus backward equals ε·L''.",
    "cancellation": "Subtracting two nearly equal losses throws away their common leading "
    "digits. This counts the digits lost and the spread the typed digits allow.",
    "relative_error": "|numeric − backprop| divided by the larger of the two magnitudes "
    "(or 1e-8, so two near-zero gradients do not look far apart).",
}

VERDICT_HELP: dict[str, str] = {
    "correct": "The two gradients agree to seven or more digits: the backprop gradient is right "
    "for this parameter.",
    "kinks": "Close, but not as close as a smooth loss allows. That is acceptable if a kink "
    "(ReLU, max-pooling, absolute value) lies within ε of w; otherwise look for a small "
    "mistake in the backward pass.",
    "suspicious": "They differ around the third or fourth digit, more than finite differences "
    "normally explain. Re-check the backward pass for this parameter, or repeat at another ε.",
    "wrong": "They disagree by more than 1%: the backprop gradient, or the way the losses were "
    "measured, is almost certainly wrong.",
    "consistent": "They agree as far as the typed digits can tell, but those digits cannot show "
    "seven matching digits. Copy more digits of L+ and L− from your framework (17 significant "
    "digits for a float64 loss) to make the check conclusive.",
    "inconclusive": "The difference is smaller than the spread the typed losses allow, so these "
    "numbers cannot separate a small bug from rounding. Type more digits of L+ and L−, or use "
    "a larger ε.",
    "limited": "They differ by more than the losses' rounding allows, but within the rounding "
    "the losses' format leaves in a gradient computed in it, so this check cannot tell it from "
    "a correct one. Compute the losses and the gradient in a wider format to judge it more "
    "finely.",
}


_ROUNDING_HELP: dict[str, str] = {
    "inconclusive": "The difference is smaller than the spread the losses' own rounding "
    "(binary numbers, u = {u}) allows, so these numbers cannot separate a small bug from "
    "rounding. Use a larger ε, or losses computed in a wider format.",
    "consistent": "They agree as far as the losses' rounding (binary numbers, u = {u}) lets "
    "them tell, but it cannot show seven matching digits. Use a larger ε, or losses computed "
    "in a wider format, to make the check conclusive.",
}


def cancellation_text(estimate: Estimate) -> str:
    """One or two sentences on what the subtraction L+ − L− cost."""
    if estimate.equal_losses:
        return (
            "L+ equals L−, so the central gradient is exactly 0, but every typed digit "
            "cancelled: the true slope may be anything within "
            f"±{format_uncertainty(estimate.uncertainty)}. Try a larger ε or more digits."
        )
    lost = estimate.digits_lost or 0.0
    kept = estimate.digits_kept or 0.0
    roundoff = estimate.inputs.loss_roundoff
    if roundoff is not None:
        return (
            f"{lost:.1f} of the about {estimate.significant_digits} significant digits the "
            f"losses carry (binary numbers rounded to u = {ratio(roundoff)}) cancel in "
            f"L+ − L−, leaving about {kept:.1f}. Their rounding allows "
            f"{decimal_display(estimate.central)} ± {format_uncertainty(estimate.uncertainty)}"
            f"{_with_terms(estimate)}."
        )
    return (
        f"{lost:.1f} of {estimate.significant_digits} typed significant digits cancel in L+ − L−, "
        f"leaving about {kept:.1f}. The typed digits pin the gradient to "
        f"{decimal_display(estimate.central)} ± {format_uncertainty(estimate.uncertainty)}."
    )


def _with_terms(estimate: Estimate) -> str:
    """The bar with the losses' terms' rounding, where it is wider than their ±."""
    wider = estimate.terms_uncertainty
    if wider is None or wider <= estimate.uncertainty:
        return ""
    return (
        f" if each were rounded once, ± {format_uncertainty(wider)} with the rounding of the "
        "terms a loss computed in that format is made of (twice the ± with two roundings of "
        "each loss's largest term: what a difference must exceed to refute)"
    )


def steps_text(inputs: Any) -> str:
    """For losses sent from the ε explorer: the steps really taken (w ± ε rounded to the
    losses' format), which every difference here divides by instead of ε; "" for typed rows."""
    steps = getattr(inputs, "steps", None)
    if steps is None:
        return ""
    from fdgui.core.calculator.schemes import losses_format

    dtype = losses_format(inputs.loss_roundoff) or "the losses' format"
    plus, minus = (decimal_display(step, FULL_DIGITS) for step in steps)
    if steps[0] == steps[1]:
        taken = f"were h+ = h− = {plus}"
    else:
        taken = f"were h+ = {plus} and h− = {minus}"
    return (
        f"The steps taken in {dtype} {taken} (w ± ε rounded to {dtype}), not ε = "
        f"{decimal_display(inputs.epsilon, FULL_DIGITS)}: every difference here divides by "
        "them, so the central difference is the secant through the points the losses were "
        "really taken at (the explorer's cursor readout divides by ε)."
    )


def verdict_title(estimate: Estimate) -> str:
    """The verdict's title; for losses sent as binary numbers (the ε explorer's) a
    too-coarse verdict names their rounding, not typed digits."""
    comparison = estimate.comparison
    if comparison is None:
        return ""
    key = comparison.verdict.key
    if key == "inconclusive" and comparison.too_few == "backprop":
        return comparison.verdict.title  # the ε explorer's words: a typed derivative's digits
    if key == "limited":  # the ε explorer's words for a gradient within its dtype's rounding
        return f"Correct (limited by {comparison.losses_format})"
    if key == "inconclusive" and comparison.too_few == "computation":
        return f"Too coarse to judge (what computing it in {comparison.losses_format} may round)"
    if key == "inconclusive" and comparison.too_few == "this ε":
        return "Too coarse to judge at this ε (the central difference's own error)"
    if key == "inconclusive" and comparison.too_few in _UNRESOLVED_TITLES:
        return _UNRESOLVED_TITLES[comparison.too_few]
    if key == "kinks" and comparison.absolute_difference <= comparison.prior:
        return _TRUNCATION_KINKS_TITLE  # the words say truncation may explain it too
    if key == "suspicious" and _shape_explains(comparison):
        return _SHAPE_SUSPICIOUS_TITLE
    if estimate.inputs.loss_roundoff is not None and key in _ROUNDING_TITLES:
        return _ROUNDING_TITLES[key]
    if key == "inconclusive":
        return "Too coarse to judge (too few typed digits in L+ and L−)"
    return comparison.verdict.title


# a difference in the "wrong" band the one row does not resolve (``verdicts._resolved``)
_UNRESOLVED_TITLES = {
    "truncation": "Too coarse to judge (ε may be too large)",
    "terms": "Too coarse to judge (the losses' rounding)",
    "resolve": "Too coarse to judge (the losses' rounding)",
    # without L: resolved, but a kink inside the step could explain it (calc20)
    "kink": "Needs L to judge (a kink inside the step could explain this)",
}

# a "kinks"-band difference within the truncation one row cannot rule out: "Fine only if the
# loss has kinks" beside words saying a smooth loss's truncation may explain it (review15k
# M3); exit 0 as the band's (review15c M3)
_TRUNCATION_KINKS_TITLE = "Close: a kink, truncation or a small mistake (one row cannot tell)"

# a "Suspicious" difference within what the row allows for its own error at this ε (rev19c
# M2): the loss's shape or a mistake in the third or fourth digit; exit 2 as the band's
_SHAPE_SUSPICIOUS_TITLE = "Suspicious: the loss's shape at this ε or a small mistake"


def _shape_explains(comparison: Comparison) -> bool:
    """A difference no larger than what one row allows for its central difference's own
    error beyond the losses' ± (``verdicts.shape_allowance``)."""
    from fdgui.core.numbers.verdicts import shape_allowance

    return comparison.absolute_difference <= shape_allowance(comparison)


_ROUNDING_TITLES = {
    "inconclusive": "Too coarse to judge (the losses' rounding)",
    "consistent": "Consistent within the losses' rounding",
}


def verdict_text(
    comparison: Comparison,
    uncertainty: Decimal | None = None,
    origin: Mapping[str, str] | None = None,
    roundoff: Decimal | None = None,
    inputs: Any = None,
) -> str:
    """The verdict in words, naming the band and, when the typed digits limit it, why.

    ``origin``: what the ε explorer said of the sweep these losses were sent from (its
    diagnosis ``kind`` and ``title``), so these words never contradict it unexplained.
    ``roundoff``: the unit round-off of the binary format the losses are (sent, not typed):
    their rounding, not their digits, limits the check. ``inputs``: with the realised steps
    of losses sent from the explorer, the words say them (``steps_text``)."""
    text = VERDICT_HELP[comparison.verdict.key]
    pinned = "the typed losses only pin"
    if roundoff is not None and comparison.verdict.key in _ROUNDING_TITLES:
        text = _ROUNDING_HELP[comparison.verdict.key].format(u=ratio(roundoff))
        pinned = "the losses' rounding only pins"
    if comparison.verdict.key == "inconclusive" and comparison.too_few == "backprop":
        text = _coarse_backprop(comparison, uncertainty, roundoff)
    if comparison.verdict.key == "limited" or comparison.too_few == "computation":
        measured = getattr(inputs, "allowance", None) is not None
        text = format_words(comparison, uncertainty, measured)
    if comparison.too_few == "this ε":
        text = own_error_words(comparison, inputs)
    if comparison.verdict.key == "wrong" and comparison.band.key == "kinks":
        text = kink_refuted_words(comparison, inputs)
    elif comparison.verdict.key == "wrong" and roundoff is not None:
        text = binary_wrong_words(comparison, uncertainty, roundoff, inputs)
    elif comparison.verdict.key == "wrong" and inputs is not None:
        text = one_row_wrong_words(comparison, inputs)
    key = comparison.verdict.key
    if key == "kinks" and comparison.absolute_difference <= comparison.prior and not origin:
        text = truncation_kinks_words(comparison)
    if key == "suspicious" and _shape_explains(comparison) and not origin:
        text = shape_suspicious_words(comparison, inputs)
    if comparison.verdict.key == "inconclusive" and comparison.too_few in _UNRESOLVED_TITLES:
        text = unresolved_words(comparison, uncertainty, roundoff, inputs)
    if comparison.verdict.key in ("inconclusive", "limited"):
        text = (
            f"By relative error alone ({_judged_error(comparison)}) this would be "
            f"“{comparison.band.title}”. " + text
        )
    elif comparison.verdict.key == "consistent" and uncertainty is not None:
        text = (
            f"Relative error {ratio(comparison.relative_error)}, but {pinned} "
            f"the numeric gradient to ±{decimal_display(uncertainty, 2)}. " + text
        )
    floor = _floor_note(comparison)
    if floor:
        text += " " + floor
    if origin:
        text = _with_origin(text, comparison, origin, uncertainty)
    steps = steps_text(inputs)
    return f"{text} {steps}" if steps else text


def _coarse_backprop(
    comparison: Comparison, uncertainty: Decimal | None, roundoff: Decimal | None
) -> str:
    """Why the backprop gradient's own typed digits (not the losses') leave it undecided."""
    losses = ""
    if uncertainty:
        whose = "the losses' rounding" if roundoff is not None else "the typed losses"
        losses = f" together with the ± {format_uncertainty(uncertainty)} {whose} allow"
    return (
        f"The backprop gradient {decimal_display(comparison.analytic)} differs from the central "
        f"difference by {format_uncertainty(comparison.absolute_difference)}: within half a "
        f"unit of its last typed digit ({format_uncertainty(comparison.claim)}){losses}, which "
        "is all its typed digits claim, but a bug that size would fit as well. Type the "
        "backprop gradient with more digits to decide it."
    )


def _judged_error(comparison: Comparison) -> str:
    """The relative error the band was read from: against the gradient itself where the 1e-8
    floor would hide a disagreement (``verdicts.floor_hidden``)."""
    if floor_hidden(comparison):
        larger = max(comparison.numeric.copy_abs(), comparison.analytic.copy_abs())
        return f"{ratio(comparison.absolute_difference / larger)} against the gradient itself"
    return ratio(comparison.relative_error)


def _floor_note(comparison: Comparison) -> str:
    """When the relative error's 1e-8 floor is its denominator: that, and the error against
    the larger gradient itself."""
    larger = max(comparison.numeric.copy_abs(), comparison.analytic.copy_abs())
    if larger >= RELATIVE_ERROR_FLOOR:
        return ""
    plain = "—" if not larger else ratio(comparison.absolute_difference / larger)
    if floor_hidden(comparison):
        return (
            f"Both gradients are below 1e-8, where the relative error is taken against that "
            f"floor ({ratio(comparison.relative_error)}); against the larger gradient itself "
            f"it is {plain}, and it is judged against the gradient itself, as the ε explorer "
            "judges it."
        )
    return (
        f"Both gradients are below 1e-8, so the relative error is taken against that floor; "
        f"against the larger gradient itself it is {plain}."
    )


def _central_off(
    comparison: Comparison, origin: Mapping[str, str], uncertainty: Decimal | None
) -> str:
    """Why the one central difference here disagrees where the explorer's verdict agrees,
    measured, never assumed: how far the central difference is itself from the explorer's
    tightest reference (``origin["reference"]``), against its disagreement with the backprop."""
    own = f" (± {format_uncertainty(uncertainty)} from the losses)" if uncertainty else ""
    try:
        reference = Decimal(origin.get("reference", ""))
    except ArithmeticError:
        reference = None
    if reference is None or not reference.is_finite():
        return (
            f"this verdict judges the one central difference at this ε{own}, whose truncation "
            "the calculator does not know."
        )
    method = origin.get("reference_method", "independent")
    off = (comparison.numeric - reference).copy_abs()
    shown = f"{format_uncertainty(off)} from the explorer's {method} reference"
    if 2 * off >= comparison.absolute_difference:
        return (
            "this verdict judges the one central difference at this ε, which is itself "
            f"{shown} here (truncation or round-off), as far off as its "
            f"{format_uncertainty(comparison.absolute_difference)} from the backprop gradient."
        )
    return (
        f"the central difference at this ε{own} is only {shown}, so the "
        f"{format_uncertainty(comparison.absolute_difference)} between it and the backprop "
        "gradient is the backprop gradient's own; the explorer's verdict allows that much "
        "for the rounding its title names, which these relative-error bands do not."
    )


def _with_origin(
    text: str,
    comparison: Comparison,
    origin: Mapping[str, str],
    uncertainty: Decimal | None = None,
) -> str:
    """``text`` beside what the ε explorer said of the same losses' sweep."""
    kind, title = origin.get("kind", ""), origin.get("title", "")
    said = f"The ε explorer says “{title}”"
    key = comparison.verdict.key
    if kind == "wrong" and key == "kinks":
        return (
            "Close, but not as close as a smooth loss allows. "
            f"{said}: no kink explains this gradient there, so look for a small mistake in "
            "the backward pass."
        )
    if kind in ("correct", "estimate") and key in ("kinks", "suspicious", "wrong"):
        return f"{text} {said}, weighing every ε against its references: " + _central_off(
            comparison, origin, uncertainty
        )
    if kind == "wrong" and key in ("correct", "consistent", "inconclusive", "limited"):
        return (
            f"{text} {said}: it resolves the derivative more finely than this one difference "
            "at this ε can."
        )
    return f"{text} {said}."


def band_text(comparison: Comparison) -> str:
    """Which band the relative error falls in, with its limits."""
    band = comparison.band
    if band.key == "correct":
        limits = "≤ 1e-7"
    elif math.isinf(band.upper):
        limits = "> 1e-2"
    else:
        limits = f"{power_of_ten(band.lower)} … {power_of_ten(band.upper)}"
    if floor_hidden(comparison):
        return f"the error against the gradient itself is in the “{band.title}” band ({limits})"
    return f"relative error in the “{band.title}” band ({limits})"


def calculator_report(estimate: Estimate) -> str:
    """The plain-text report that Copy Results and ``fdgui-cli calc`` produce."""
    inputs = estimate.inputs
    one_sided, curvature = estimate.one_sided_uncertainty, estimate.curvature_uncertainty
    lines = [f"fdgui {__version__}: finite-difference gradient", "", "Inputs"]
    for field in ("loss", "loss_plus", "loss_minus", "epsilon", "backprop"):
        value = getattr(inputs, field)
        shown = decimal_exact(value) if value is not None else "(not given)"
        lines.append(f"  {FIELD_NAMES[field]:<19} {shown}")
    if inputs.steps is not None:
        lines.append(f"  {'steps h+, h−':<19} {', '.join(map(decimal_exact, inputs.steps))}")
        lines += _wrapped(steps_text(inputs))
    lines += [
        "",
        "Results",
        f"  gradient ∂L/∂w (central)  {decimal_full(estimate.central)}",
        f"  difference L+ − L−        {decimal_full(estimate.difference)}",
        f"  denominator {'h+ + h−' if inputs.steps else '2ε     '}       "
        f"{decimal_full(estimate.denominator)}",
        f"  forward difference        {_needs_loss(estimate.forward, one_sided)}",
        f"  backward difference       {_needs_loss(estimate.backward, one_sided)}",
        f"  curvature L''             {_needs_loss(estimate.curvature, curvature)}",
        f"  one-sided truncation      {_needs_loss(estimate.truncation)}",
        "",
        "Cancellation",
        f"  {cancellation_text(estimate)}",
    ]
    comparison = estimate.comparison
    if comparison is not None:
        lines += [
            "",
            "Check against backprop",
            f"  backprop gradient         {_backprop(comparison)}",
            f"  |numeric − backprop|      {decimal_full(comparison.absolute_difference)}",
            f"  relative error            {ratio(comparison.relative_error)}",
            f"  verdict                   {verdict_title(estimate)}: {band_text(comparison)}",
            "  "
            + verdict_text(
                comparison, estimate.uncertainty, roundoff=inputs.loss_roundoff, inputs=inputs
            ),
        ]
    lines += ["", "Formulas"] + [f"  {formula}" for formula in FORMULAS]
    if inputs.steps is not None:
        lines.append(f"  {STEPS_FORMULA}")
    lines += [
        "",
        "Assumptions",
        *_wrapped(rounding_text(estimate)),
        f"  Results above are shown to at most {FULL_DIGITS} significant digits; the JSON "
        "export gives every digit.",
        *(
            [
                "  Each typed loss stands for any value within half a unit of its last typed",
                "  digit; the ± above carries that through the formula.",
            ]
            if inputs.loss_roundoff is None
            else [
                "  Each loss is a binary number rounded to u = "
                f"{ratio(inputs.loss_roundoff)}: it stands for any value",
                "  within u·|L| of it; the ± above carries that through the formula. A loss",
                "  computed in that format also carries its terms' rounding, which one row",
                "  cannot measure: a difference refutes only beyond twice the ± with two",
                "  roundings of its largest term per loss added (max(|L|, 2), or the terms the",
                "  grid the losses lie on shows), and the room |L''|·ε/2 for truncation.",
            ]
        ),
        "  One row does not measure its central difference's truncation (|L'''|·ε²/6): a",
        "  difference refutes only beyond what a loss varying on a scale s leaves at an",
        "  inflection point, s the larger of 0.1 in w and three steps, shaped as the",
        "  steepest common S-curve (x/√(1 + x²); tanh, atan, erf and a sine leave less),",
        "  and beyond the forward and backward differences by more than their own",
        "  truncation (a kink between w − ε and w + ε makes the derivative either one);",
        "  and beyond what a feature one row cannot see leaves, first order in ε: with L an",
        "  odd jump of L'' at w from units together up to 10 times as steep as the gradient",
        "  (softsign or u·|u| at a pre-activation of 0; several such units add up), without",
        "  L a minimum of L as near as ε/20 to w (and no kink inside the step, which two",
        "  losses do not see at all):",
        "  10·max(|central|, |backprop|)·ε/s (from ε = s/10 on, the whole difference: one",
        "  row refutes nothing there). Without L the S-curve's truncation is also taken on",
        "  the losses' own size over s (a minimum nearer w than ε/20; a constant added to",
        "  the loss widens it: give L). A loss varying faster, a steeper unit or a nearer",
        "  minimum can still mislead one row; a smaller ε shrinks what they leave.",
        "  Without L a kink inside the step could explain any difference (it moves the",
        "  central difference by up to half its jump, however large): one row without L",
        "  says no gradient is wrong (with the ε explorer's reference only beyond it).",
        "  The losses come from a deterministic forward pass (no dropout or sampling).",
    ]
    return "\n".join(lines) + "\n"


def rounding_text(estimate: Estimate) -> str:
    """Where the results are rounded and to how many digits (or that nothing is)."""
    text = "Sums and differences of the typed numbers (L+ − L−, 2ε, L+ − 2L + L−) are exact. "
    rounded = list(estimate.rounded)
    if not rounded:
        text += "Every quotient ends, so every result is exact."
    else:
        names = rounded[0] if len(rounded) == 1 else ", ".join(rounded[:-1]) + " and " + rounded[-1]
        text += (
            f"{names[0].upper() + names[1:]} did not end and "
            f"{'was' if len(rounded) == 1 else 'were'} rounded once to "
            f"{estimate.working_digits} significant digits (the precision the typed digits "
            "need); every other result is exact."
        )
    if estimate.rounded_bounds:
        text += " A ± that does not end is rounded up, so it still bounds."
    return text


def rounding_brief(estimate: Estimate) -> str:
    """``rounding_text`` in the fewest words, for the window (its tooltip has the rest)."""
    rounded = list(estimate.rounded)
    if not rounded:
        return "Every result is exact: no quotient had to be rounded."
    return (
        f"Rounded to {estimate.working_digits} digits (they do not end): "
        f"{', '.join(rounded)}; the rest is exact."
    )


def every_digit(value: Decimal, width: int = 64) -> str:
    """Every digit of a result, in lines of at most ``width`` characters (a tooltip)."""
    text = decimal_exact(value)
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _wrapped(text: str, width: int = 92) -> list[str]:
    """``text`` as indented report lines of at most ``width`` characters."""
    import textwrap

    return ["  " + line for line in textwrap.wrap(text, width - 2)]


def calculator_json(estimate: Estimate) -> dict[str, Any]:
    """The same report as a JSON-ready dict; numbers are strings that keep exact decimals."""
    inputs = estimate.inputs
    result: dict[str, Any] = {
        "inputs": {
            field: None if getattr(inputs, field) is None else decimal_exact(getattr(inputs, field))
            for field in ("loss", "loss_plus", "loss_minus", "epsilon", "backprop")
        },
        "gradient": decimal_exact(estimate.central),
        "difference": decimal_exact(estimate.difference),
        "denominator": decimal_exact(estimate.denominator),
        "working_digits": estimate.working_digits,
        "rounded": list(estimate.rounded),
        "rounded_up": list(estimate.rounded_bounds),
        "rounding": rounding_text(estimate),
        "forward": _maybe(estimate.forward),
        "backward": _maybe(estimate.backward),
        "curvature": _maybe(estimate.curvature),
        "truncation_error": _maybe(estimate.truncation),
        "uncertainty": decimal_exact(estimate.uncertainty),
        "uncertainty_with_terms": _maybe(estimate.terms_uncertainty),
        "one_sided_uncertainty": _maybe(estimate.one_sided_uncertainty),
        "curvature_uncertainty": _maybe(estimate.curvature_uncertainty),
        "significant_digits": estimate.significant_digits,
        "digits_lost": None if estimate.digits_lost is None else round(estimate.digits_lost, 3),
        "cancellation": cancellation_text(estimate),
    }
    if inputs.steps is not None:  # the steps the sent losses were taken at (not ε)
        result["steps"] = {
            "plus": decimal_exact(inputs.steps[0]),
            "minus": decimal_exact(inputs.steps[1]),
        }
    if inputs.reference is not None:  # the explorer's, measuring the central's own error
        result["reference"] = {
            "value": decimal_exact(inputs.reference[0]),
            "error": decimal_exact(inputs.reference[1]),
        }
    comparison = estimate.comparison
    if comparison is not None:
        result["check"] = {
            "backprop": decimal_exact(comparison.analytic),
            "backprop_half_unit": decimal_exact(comparison.claim),
            "too_few_digits": comparison.too_few
            if comparison.too_few in ("losses", "backprop")
            else None,
            # "computation": only the format's underflow would excuse it, wider than 3/8 of it
            "too_coarse": comparison.too_few or None,
            # the low format the losses are binaries of (None for typed or float64 losses),
            # and what a correct backprop gradient computed in it may be off by
            "losses_format": comparison.losses_format or None,
            "computed_rounding": decimal_exact(
                EXACT.add(comparison.computed, comparison.underflow)
            ),
            "relative_error": decimal_exact(comparison.relative_error),
            "band": comparison.band.key,
            "verdict": comparison.verdict.key,
            "title": verdict_title(estimate),
            "text": verdict_text(
                comparison,
                estimate.uncertainty,
                roundoff=estimate.inputs.loss_roundoff,
                inputs=estimate.inputs,
            ),
        }
    return result


def _backprop(comparison: Comparison) -> str:
    """The backprop gradient with the ± its last typed digit claims (none for a typed 0)."""
    value = decimal_full(comparison.analytic)
    if not comparison.claim:
        return value
    return f"{value} ± {format_uncertainty(comparison.claim)} (half a unit of its last digit)"


def _maybe(value: Decimal | None) -> str | None:
    return None if value is None else decimal_exact(value)


def _needs_loss(value: Decimal | None, uncertainty: Decimal | None = None) -> str:
    if value is None:
        return "needs L (not given)"
    if uncertainty is None or uncertainty == 0:
        return decimal_full(value)
    return f"{decimal_full(value)} ± {format_uncertainty(uncertainty)} (from the typed digits)"


# ---------------------------------------------------------------- exports

_ROWS = (  # (JSON key, label) of the results, in the order the report shows them
    ("gradient", "gradient ∂L/∂w (central)"),
    ("difference", "difference L+ − L−"),
    ("denominator", "denominator 2ε"),
    ("forward", "forward difference"),
    ("backward", "backward difference"),
    ("curvature", "curvature L''"),
    ("truncation_error", "one-sided truncation"),
    ("uncertainty", "± from the typed digits (central)"),
)


def calculator_markdown(estimate: Estimate) -> str:
    """The report as Markdown: inputs and results as tables, then the words."""
    data = calculator_json(estimate)
    lines = [f"# fdgui {__version__}: finite-difference gradient", "", "| input | value |"]
    lines.append("|---|---|")
    for field, value in data["inputs"].items():
        lines.append(f"| {FIELD_NAMES[field]} | {'(not given)' if value is None else value} |")
    lines += ["", "| result | value |", "|---|---|"]
    for key, label in _ROWS:
        value = data[key]
        lines.append(f"| {label} | {'needs L (not given)' if value is None else value} |")
    lines += [
        "",
        f"**Cancellation.** {data['cancellation']}",
        "",
        f"**Rounding.** {data['rounding']}",
    ]
    comparison = estimate.comparison
    if comparison is not None:
        lines += [
            "",
            f"**{verdict_title(estimate)}** ({band_text(comparison)}; relative error "
            f"{ratio(comparison.relative_error)}): {data['check']['text']}",
        ]
    lines += ["", "Formulas:", ""] + [f"- `{formula}`" for formula in FORMULAS]
    return "\n".join(lines) + "\n"


def calculator_csv(estimate: Estimate) -> str:
    """One row per quantity: ``quantity,value`` with exact decimals (empty when not given)."""
    data = calculator_json(estimate)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["quantity", "value"])
    for field, value in data["inputs"].items():
        writer.writerow([field, "" if value is None else value])
    for key, _ in _ROWS:
        writer.writerow([key, "" if data[key] is None else data[key]])
    check = data.get("check")
    if check is not None:
        for key in ("relative_error", "band", "verdict"):
            writer.writerow([key, check[key]])
    return buffer.getvalue()


register(Estimate, "text")(calculator_report)
register(Estimate, "markdown")(calculator_markdown)
register(Estimate, "csv")(calculator_csv)


@register(Estimate, "json")
def _json_text(estimate: Estimate) -> str:
    return json.dumps(calculator_json(estimate), ensure_ascii=False, indent=2) + "\n"
