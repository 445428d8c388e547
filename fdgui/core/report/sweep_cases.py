"""Words for the diagnosis cases that say the gradient cannot be judged, or is only
consistent with what the dtype resolves, or that nothing is under check (report/sweep.py
holds the rest and the dispatch)."""

from __future__ import annotations

import math
from typing import Any

from fdgui.core.numbers.format import significant, uncertainty
from fdgui.core.report.sweep_claim import coarse_evidence
from fdgui.core.report.sweep_noise import NOISE_ADVICE, noise_cause, noise_evidence
from fdgui.core.sweep.diagnosis import Diagnosis


def _fmt(value: float | None, digits: int = 3) -> str:
    return significant(value, digits)


def _resolved_digits(value: float, error: float) -> int:
    """Significant digits that show ``value`` to its ``error`` (6 to 17)."""
    try:
        wanted = math.ceil(math.log10(abs(value) / error)) + 2
    except (ValueError, ZeroDivisionError, OverflowError):
        return 6
    return min(17, max(6, wanted))


def _not_finite_at_w(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    return (
        f"The loss itself is not a finite number at w in {facts['dtype']} (a pole, log of 0, "
        "overflow): there is no derivative to check here. Move w."
    )


def _undefined_at_w(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    why = facts.get("why", "")
    return (
        "The derivative does not exist at w"
        + (f" ({why})" if why else "")
        + ": the loss is undefined or not differentiable there in a way no choice of ε "
        "repairs (a pole, a vertical tangent, a jump, a complex value). Nothing is judged."
    )


def _checked_not_finite(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    what = (
        "your derivative"
        if facts.get("method") == "your derivative"
        else (f"the {facts.get('method', 'checked')} gradient")
    )
    value = facts.get("checked")
    shown = "NaN" if value is None or math.isnan(value) else ("+inf" if value > 0 else "−inf")
    return (
        f"{what[0].upper()}{what[1:]} is {shown}, not a number any finite difference or "
        "reference could agree with, and no reference with an honest bar was found to show "
        "what it should be. Nothing is confirmed; find where it stops being finite."
    )


def _estimate(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    value, error = facts.get("estimate"), facts.get("estimate_error")
    method = facts.get("estimate_method", "finite differences")
    if value is None:
        return "There is no gradient under check and no finite estimate to give."
    if error is None or not math.isfinite(error):
        usable = facts.get("usable_steps")
        why = (
            f"the {usable} usable ε do not follow the h² law of small ε, so no extrapolation "
            "over them has a bound"
            if isinstance(usable, int) and usable >= 3
            else "fewer than three usable ε"
        )
        bar = f" (no bound on its error is known: {why})"
    else:
        bar = f" ± {uncertainty(error)}"
    digits = 10  # and as many more as the bar resolves (to its second figure)
    if error is not None and math.isfinite(error) and error > 0 and value != 0:
        shown = math.floor(math.log10(abs(value))) - math.floor(math.log10(error)) + 2
        digits = min(17, max(digits, shown))
    give = "Type a gradient"
    if facts.get("source") == "probe":  # a probe file without grad(theta)
        give = "Define grad (or gradient) in the probe file"
    unchanged = ""
    if facts.get("estimate_limit") == "unchanged":
        unchanged = (
            " The loss never changed at any ε: its bar is what a term lost in a coarser part "
            "of its computation (that format's spacing near |L|, over the largest ε) could hide."
        )
    elif facts.get("estimate_limit") == "unchanged-below":
        unchanged = (
            " The loss never changed at the ε its steps took (it moves only at larger ε): "
            "its bar is what a change up to the smallest step the loss shows could hide "
            "there, over the largest ε it did not move at."
        )
    return (
        f"There is no gradient under check, so nothing is judged. The best estimate of the "
        f"derivative is {_fmt(value, digits)}{bar}, from {method}.{unchanged} {give} to have "
        "it checked against this."
    )


def _too_few_rows(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    rows, needed = facts["rows"], facts["min_rows"]
    what = facts.get("method", "gradient")
    checked = facts.get("checked")
    value = f" {_fmt(checked, 10)}" if checked is not None else ""
    settle = ""
    if diagnosis.consensus is not None:
        settle = f" The finite differences give {_fmt(diagnosis.consensus, 10)}, with no bound."
    unchanged = facts.get("unchanged_rows") or 0
    advice = f"Measure at least {needed} ε."
    if unchanged:
        # review10h H3: 17 of 18 rows flat (a dead unit) read as "1 row": say what they show
        settle += (
            f" The other {unchanged} row{'s' if unchanged != 1 else ''} of the "
            f"{facts.get('total_rows', rows + unchanged)} change nothing (L+ = L− and the loss "
            "at w, where given, the same): the loss is flat there to its digits, or the step "
            "did not move w, and such rows neither bound the derivative nor show a trend."
        )
        advice = (
            f"Measure at least {needed} ε where the loss changes, or, if the steps did move w, "
            "read the flat rows as a derivative of 0 to their digits."
        )
    return (
        f"{rows} measured row{'s' if rows != 1 else ''} {'are' if rows != 1 else 'is'} too "
        f"few to judge the {what} gradient{value}: with fewer than {needed} ε there is no "
        "trend in ε to read and no Richardson reference over the rows, so the finite "
        f"differences neither confirm nor refute it.{settle} {advice}"
    )


def _unresolved(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    """Neither confirmed nor refuted: what the reference gives and what limits it."""
    what = f"{facts.get('method', 'gradient')} gradient"
    if facts.get("method") == "your derivative":
        what = "your derivative"
    checked = f"{'Your derivative' if what == 'your derivative' else 'The ' + what} " + _fmt(
        facts.get("checked"), 6
    )
    rows = facts.get("source") == "measured"
    value, error = facts.get("estimate"), facts.get("estimate_error")
    method = facts.get("estimate_method", "Richardson")
    truncation = facts.get("limit") == "truncation"
    own = facts.get("own_error")
    if facts.get("tread") is not None:  # grid_tread.py
        return (
            f"{checked} is neither confirmed nor refuted: it is the slope the ε ≤ "
            f"{facts['tread_top']:.3g} read on the flat tread between the loss's steps "
            f"({_fmt(facts['tread'], 6)} ± {uncertainty(facts['tread_error'])}), the steps' "
            "almost-everywhere derivative, while the larger ε read their envelope. Where the "
            "loss steps on both sides of w at once it has no single slope there, and the "
            "numbers cannot tell which of the two a gradient is meant to be (a straight-"
            "through estimator gives the envelope)."
        )
    if facts.get("rows_disagree") is not None:
        reference = (
            f" The {method} reference over the first row of each ε gives {_fmt(value, 6)} ± "
            f"{uncertainty(error)}."
            if value is not None and error is not None
            else ""
        )
        return (
            f"{checked} is neither confirmed nor refuted: rows that share an ε disagree "
            f"beyond their digits, their central differences by up to "
            f"{uncertainty(facts['rows_disagree'])}, so the table measures the derivative no "
            f"better than that.{reference} No verdict can be sharper than that "
            "disagreement, and this one would be. Rows with L+ and L− swapped, or two tables "
            "in one file, do this: keep one measurement per ε."
        )
    if value is not None and error is not None and math.isfinite(error) and own is not None:
        evidence = (
            f"The {method} reference gives {_fmt(value, 6)} ± {uncertainty(error)}, but "
            f"{what} as computed in float64 is only good to ± {uncertainty(own)} (its own "
            "round-off, measured against extended precision): "
            + (
                "more than the seven digits a confirmation needs, so nothing confirms it."
                if facts.get("own_coarse")
                else "too wide to tell it from twice or half the reference or its opposite, "
                "so nothing confirms it."
            )
        )
    elif value is not None and error is not None and facts.get("kink_band"):
        evidence = (
            f"The {method} reference gives {_fmt(value, 6)} ± {uncertainty(error)}: the "
            f"difference, {facts['exact_relative_difference']:.1e} relative, is beyond the "
            "bars but under 1 %, and this loss is not known to be smooth: a kink between w and "
            "the reference's steps, which the sweep cannot see, could make a difference that "
            "small, so it is not called wrong, and it is no confirmation either."
        )
    elif value is not None and error is not None and facts.get("room_only") is not None:
        # the reference and the gradient to the digits the rows resolve without the room:
        # their disagreement is the point (review10h L1: both printed 4.65796e-05)
        digits = _resolved_digits(value, facts["room_only"])
        checked = checked.rsplit(" ", 1)[0] + " " + _fmt(facts.get("checked"), digits)
        evidence = (
            f"The {method} reference over the rows gives {_fmt(value, digits)} ± "
            f"{uncertainty(error)}, but without its room for a kink between w and the smallest "
            f"ε (± {uncertainty(facts['kink_room'])}) the rows resolve the derivative to ± "
            f"{uncertainty(facts['room_only'])}, and the gradient lies beyond twice that: "
            "the rows disagree with it unless such a kink lies there, so it is not confirmed "
            "(nor called wrong)."
        )
    elif facts.get("few_typed_digits") and value is not None:
        # the advice first: on a short window the banner shows its first lines
        return (
            f"{_type_more(facts)}: "
            f"{facts['claim_text']} is {uncertainty(facts['claim_difference'])} from the "
            f"{method} reference {_fmt(value, 6)}"
            + ("" if error is None else f" ± {uncertainty(error)}")
            + f", within half a unit of its last typed digit "
            f"({uncertainty(facts['claim_digits'])})"
            + (
                f" and the rounding {facts['claim_dtype']} allows "
                f"({uncertainty(facts['claim_other'])})"
                if facts.get("claim_other")
                else ""
            )
            + ": its typed digits cannot tell it from a bug that size, so it is neither "
            "confirmed nor called wrong."
        )
    elif facts.get("computation_too_coarse") and value is not None:
        evidence = coarse_evidence(facts, method, _fmt(value, 6))
    elif facts.get("unfollowed") and facts.get("settled_error") is not None:
        evidence = (
            "No independent reference with an honest error bar is available, so the finite "
            "differences alone decide. Over the decade of ε where they spread least they "
            f"settle near {_fmt(facts['settled'], 6)} ± {uncertainty(facts['settled_error'])}"
            " (that spread plus their round-off), and the gradient does not follow them "
            "there: it lies beyond twice that bar, or off the curve L' + c·ε² those ε trace "
            "within their round-off. An ε where a difference comes closer to it is a chance "
            "crossing (differences that swing as ε moves, or step by whole ulps of the loss), "
            "not a measurement."
        )
    elif value is not None and error is not None and facts.get("beyond_bars"):
        evidence = (
            f"The {method} reference gives {_fmt(value, 6)} ± {uncertainty(error)}: the "
            f"difference, {facts['exact_relative_difference']:.1e} relative, lies beyond that "
            "bar (and the gradient's own) but not beyond twice it, the margin a disagreement "
            "needs before it is called wrong, so it is no confirmation either."
        )
    elif (
        value is not None and error is not None and math.isfinite(error) and facts.get("kink_room")
    ):
        evidence = (
            f"The {method} reference over the rows gives {_fmt(value, 6)} ± "
            f"{uncertainty(error)}, most of it (± {uncertainty(facts['kink_room'])}) the room "
            "the rows leave for a kink between w and the smallest ε ("
            + (
                "the table gives no loss at w; the part of L+ + L− odd in ε, which a smooth "
                "loss never has, bounds the jump of one such kink wherever it lies"
                if facts.get("no_loss_at_w")
                else "their one-sided differences and L+ + L− − 2L do not rule one out"
            )
            + ", and past a kink the central differences are the two slopes' average): too "
            "wide to tell a gradient from twice or half of it or its opposite, so it confirms "
            "nothing."
        )
    elif value is not None and error is not None and math.isfinite(error):
        cause = (
            "mostly the truncation the rows leave (their ε are large for the scale the loss "
            "varies on)"
            if truncation
            else f"mostly the losses' round-off over ε (about u·|L|/ε in {facts['dtype']}"
            + (" and the digits printed)" if rows else ")")
        )
        if facts.get("limit") == "noise":
            cause = noise_cause(facts)
        if facts.get("limit") == "unchanged":
            cause = (
                "the loss never changed at any ε: a term lost in a coarser part of its "
                "computation, up to that format's spacing near |L|, hides there"
            )
        if facts.get("limit") == "unchanged-below":
            cause = (
                "the loss never changed at the ε its steps took, only at larger ε: a change "
                "up to the smallest step the loss shows hides there"
            )
        evidence = (
            f"The {method} reference{' over the rows' if rows else ''} gives "
            f"{_fmt(value, 6)} ± {uncertainty(error)}, a bar ({cause}) too wide to tell "
            f"a gradient from twice or half of it or its opposite, so it confirms nothing."
        )
    elif rows and facts.get("all_zero"):
        evidence = (
            "Every row's central difference is exactly 0 (L+ = L− at each ε): the loss is "
            "even about w at these ε or changes below its digits, and rows that never change "
            "show no h² law, so no extrapolation over them has a bound."
        )
    elif rows and facts.get("limit") == "kink":
        evidence = (
            "The rows' even part L+ + L− − 2L does not follow its law of small ε (each pair's "
            "slope against ε², L'', differs): either a kink lies at w or between w and the "
            "smallest ε (past it the central differences are the two slopes' average), or the "
            "ε are too large for the scale the loss varies on, so no extrapolation over the "
            "rows has a bound."
        )
    elif rows and truncation:
        evidence = (
            "The rows' central differences change from ε to ε by far more than their "
            "round-off, yet not as the h² law of small ε says (each difference about 4 times "
            "the next when ε halves): their ε are too large for the scale the loss varies "
            "on, so truncation dominates and no extrapolation over them has a bound."
        )
    elif rows:
        evidence = (
            "At their smallest ε the rows' central differences change from ε to ε by "
            f"amounts the round-off of {facts['dtype']} and the digits printed can make (or "
            "scatter beyond it), not as the h² law of small ε says, so no extrapolation over "
            "them has a bound."
        )
    elif facts.get("noise_hides") is not None:
        evidence = noise_evidence(facts)
    elif facts.get("inner_unresolved"):
        evidence = (
            "Part of the loss is computed in a coarser format that no ε of the range moves "
            "past its first step: every difference shows the slope without that part's, so "
            "none measures the derivative."
        )
    elif facts.get("allowance_too_wide") is not None:
        evidence = (
            "No independent reference with an honest error bar is available, and even for a "
            f"correct gradient the finite differences in {facts['dtype']} allow errors up to "
            f"about {facts['allowance_too_wide']:.2g} relative at every ε of the range "
            "(round-off, the loss's own resolution, truncation): more than a quarter of the "
            "gradient, so agreeing within it confirms nothing."
        )
    else:
        evidence = "No reference with an honest error bar resolves it here."
    if own is not None and not rows:
        advice = " Compute it without the cancellation that loses its digits."
    elif facts.get("kink_band"):
        advice = " Check it in the network check, whose one-sided slopes tell a kink from a bug."
    elif facts.get("few_typed_digits"):
        advice = f" {_type_more(facts)}."
    elif facts.get("computation_too_coarse"):
        advice = " Check it in a wider dtype, where it rounds less."
    elif facts.get("beyond_bars"):
        advice = " A loss computed in a wider format (a tighter reference) would decide it."
    elif facts.get("unfollowed"):
        advice = (
            " A loss computed with less round-off (or an exact derivative to compare with) "
            "would decide it."
        )
    elif facts.get("inner_flat_below") is not None and (
        facts.get("inner_unresolved") or facts.get("allowance_too_wide") is not None
    ):
        advice = (
            " Compute the coarser part in float64 for the check (or compare with an exact "
            "derivative): the loss as computed resolves no better."
        )
    elif facts.get("limit") == "noise":
        advice = NOISE_ADVICE
    elif facts.get("limit") in ("unchanged", "unchanged-below"):
        advice = (
            " Compute the loss in float64 throughout (or add the small term last), so that "
            "it changes with w."
        )
    elif rows and facts.get("limit") == "kink":
        advice = " Measure at smaller ε, or compare the forward and backward differences."
    elif rows and facts.get("kink_room") and facts.get("no_loss_at_w"):
        advice = " Measure at smaller ε, with the loss at w and more digits."
    elif rows:
        advice = (
            " Measure at smaller ε." if truncation else " Measure at larger ε or print more digits."
        )
    else:
        advice = " Sweep in a wider dtype."
    return f"{evidence} {checked} is neither confirmed nor refuted.{advice}"


def _range_too_large(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    """The reference confirms; the chosen range's ε are all larger than the loss's scale."""
    what = facts.get("method", "gradient")
    checked = (
        "Your derivative" if what == "your derivative" else f"The {what} gradient"
    ) + f" {_fmt(facts.get('checked'), 6)}"
    if "agreeing_method" in facts:
        checked += (
            f" agrees with the {facts['agreeing_method']} reference "
            f"{_fmt(facts['agreeing_value'], 6)} ± {uncertainty(facts['agreeing_error'])}, "
            "which confirms it."
        )
    else:
        checked += " is exact (worked out in extended precision)."
    if facts.get("edge_at_w"):
        return (
            f"{checked} The finite differences judge nothing here: w sits on the edge of the "
            "loss's domain (the loss is not a number on one side of it), so every ε, however "
            "small, reaches past it; only the exact derivative at w (from the defined side) "
            "judges."
        )
    return (
        f"{checked} The finite differences judge nothing here: the loss changes completely "
        f"within about {_fmt(facts['loss_scale'], 2)} of w (its derivatives at w say so), less "
        f"than the smallest ε of the chosen range ({_fmt(facts['smallest_epsilon'], 2)}), so "
        f"every ε of the range is too large"
        + (
            " (the loss overflows to infinity there)"
            if facts.get("overflow")
            else " (it reaches past the edge of the loss's domain)"
            if facts.get("domain_edge")
            else ""
        )
        + f". {facts['dtype']} can form ε down to about "
        f"{_fmt(facts['gap'], 2)} at w: sweep smaller ε."
    )


def _flat_rows(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    """Measured rows whose losses never change: below their digits, not w ± ε == w."""
    rows = facts.get("rows", 0)
    with_l = " = L" if facts.get("has_loss") else ""
    words = (
        f"The losses do not change in the digits given: L+ = L−{with_l} on every one of the "
        f"{rows} rows, so every central difference is 0. That is not w ± ε rounding back to "
        "w: the change of the loss over these ε is below what the rows resolve"
    )
    resolution = facts.get("resolution")
    if resolution is not None:
        words += (
            f", about {_fmt(resolution, 2)} in the derivative at ε = "
            f"{_fmt(facts['resolution_epsilon'], 2)} (the losses' round-off in "
            f"{facts['dtype']} and the last printed digit, over ε). If the loss is smooth on "
            "the scale of these ε, its derivative is below about that"
        )
    words += "."
    if "checked" in facts:
        what = facts.get("method", "gradient")
        what = "your derivative" if what == "your derivative" else f"the {what} gradient"
        change = facts.get("change")
        size = ""
        if change is not None and resolution is not None and change > resolution:
            size = (
                f" (it would change the losses by about {_fmt(change, 2)} at the largest ε: "
                "either it is wrong or the loss varies on a scale these ε do not sample)"
            )
        words += (
            f" With no change to extrapolate, nothing bounds the rows' truncation, so "
            f"{what} {_fmt(facts['checked'], 6)} is neither confirmed nor refuted{size}."
        )
    return words + " Measure at larger ε or print more digits of the losses."


def _type_more(facts: dict[str, Any]) -> str:
    """The advice for a typed gradient whose digits are too few, naming it as the words do
    ("your derivative", or a table's "backprop gradient")."""
    if facts.get("method", "your derivative") == "your derivative":
        return "Type your derivative with more digits (or as a formula) to decide it"
    return f"Type the {facts['method']} gradient with more digits to decide it"
