"""Every human-readable rendering of an ε sweep: the diagnosis in words, the point readout,
the summary as text, JSON, CSV and Markdown.

``fdgui.core.sweep.diagnosis`` says which case a sweep shows and with which numbers; this
module turns that into the sentences the window, Copy and ``fdgui-cli sweep`` show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fdgui.core.numbers.format import epsilon as _eps
from fdgui.core.numbers.format import ratio as _rel
from fdgui.core.numbers.format import significant
from fdgui.core.numbers.format import uncertainty as _bar
from fdgui.core.report.sweep_cases import (
    _checked_not_finite,
    _estimate,
    _flat_rows,
    _not_finite_at_w,
    _range_too_large,
    _too_few_rows,
    _undefined_at_w,
    _unresolved,
)
from fdgui.core.report.sweep_claim import (
    against_the_claim,
    claim_limits,
    claim_title,
    claim_words,
)
from fdgui.core.report.sweep_noise import noise_rule, noise_words
from fdgui.core.report.sweep_reach import (
    _checked_overflows,
    _derivative_overflows,
    _larger_advice,
    _pole_in_range,
    _vanished,
    reach_title,
)
from fdgui.core.report.sweep_wrong import _method, _method_lower, _wrong
from fdgui.core.sweep.diagnosis import Diagnosis
from fdgui.core.sweep.engine import SweepResult

# One vocabulary for every panel and the CLI: a title per diagnosis kind (docs/DIAGNOSIS.md).
TITLES = {
    "correct": "Gradient correct",
    "wrong": "Gradient wrong",
    "kink": "Kink",
    "undefined": "Undefined at w",
    "vanished": "Perturbation vanished",
    "estimate": "Estimate only",
}


@dataclass(frozen=True)
class SweepReport:
    """A sweep and its diagnosis: what the exporters render (Copy, the CLI)."""

    result: SweepResult
    diagnosis: Diagnosis


def _fmt(value: float | None, digits: int = 3) -> str:
    return significant(value, digits)


# ---------------------------------------------------------------- the diagnosis in words


def diagnosis_title(diagnosis: Diagnosis) -> str:
    """The banner's title: "Gradient correct", "Gradient correct (limited by float16)", …"""
    case, facts = diagnosis.case, diagnosis.facts
    dtype = facts["dtype"]
    if case == "one-sided":
        return "Undefined at w (only one side defined)"
    if case == "not-finite" and facts.get("difference_overflows"):
        return "Too large to difference (the rows overflow float64)"
    if case in ("not-finite", "not-finite-at-w"):
        return "Undefined at w (loss not finite)"
    if case == "checked-not-finite":
        return "Gradient under check not a number"
    if (reach := reach_title(diagnosis)) is not None:  # no ε resolves it; overflows
        return reach
    if claim_limits(facts, case):  # the typed claim's own rounding decides (sweep_claim)
        return claim_title(facts)
    if case == "kink-at":  # the distance the differences read it within (review15x M1)
        within = facts.get("kink_within")
        return "Kink at w" if within is None else f"Kink at w (or within {_eps(within)} of it)"
    if case == "kink-crossed":
        return "Kink inside the ε range"
    if case == "range-too-narrow":
        return "Gradient correct (range too narrow)"
    if case == "limited":
        limit = dtype if diagnosis.limited_by != "truncation" else "truncation at these ε"
        limit = "the loss's noise" if diagnosis.limited_by == "noise" else limit
        return (
            f"Gradient correct (confirmed by the {facts['agreeing_method']} reference; "
            f"finite differences limited by {limit})"
        )
    if case == "consistent":
        return f"Gradient consistent (to what {dtype} resolves)"
    if case == "too-few-rows":
        return "Too few rows to judge"
    if case == "flat-rows":
        judged = "Too coarse to judge" if "checked" in facts else "Estimate only"
        return f"{judged} (the losses never change)"
    if case == "unresolved":
        if facts.get("rows_disagree") is not None:
            return "Too coarse to judge (rows at the same ε disagree)"
        if facts.get("few_typed_digits"):  # the calculator's words for the same state
            return "Too coarse to judge (too few typed digits)"
        if facts.get("beyond_bars"):  # the reason, whatever the bar holds room for
            return "Too coarse to judge (beyond the reference's bar, not twice it)"
        if facts.get("kink_room") and facts.get("source") == "measured":
            return "Too coarse to judge (room for a kink near w)"
        if facts.get("kink_band"):
            return "Too coarse to judge (a kink could explain a difference under 1 %)"
        if facts.get("unfollowed"):
            return "Too coarse to judge (the differences do not settle on it)"
        if facts.get("inner_unresolved"):
            return "Too coarse to judge (no ε moves the coarser part)"
        if facts.get("allowance_too_wide") is not None:
            return "Too coarse to judge (the differences' allowed error exceeds a quarter of it)"
        return f"Too coarse to judge ({_UNRESOLVED.get(facts.get('limit'), 'no bound')})"
    if case == "range-too-large" and facts.get("edge_at_w"):
        return "Gradient correct (w on the edge of the loss's domain)"
    if case == "range-too-large":
        return "Gradient correct (the ε range is too large for finite differences)"
    return TITLES[diagnosis.kind]


_UNRESOLVED = {
    "truncation": "ε too large: truncation",
    "round-off": "round-off",
    "kink": "a kink near w, or ε too large",
    "noise": "the loss's noise",
    "unchanged": "the losses never change",
    "unchanged-below": "the losses change only at the largest ε",
    "tread": "the loss steps on both sides of w",
}


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """What the sweep shows and why, in plain words (the banner's text)."""
    words = _CASE_WORDS[diagnosis.case](diagnosis, diagnosis.facts)
    if "vanished-below" in diagnosis.reasons and diagnosis.facts.get("measured_rows"):
        words += (
            f" At ε ≤ {_eps(diagnosis.facts['vanished_below'])} the losses do not change in "
            "the digits given (L+ = L−, below what those rows resolve), so those rows' "
            "estimates are 0."
        )
    elif "vanished-below" in diagnosis.reasons:
        words += (
            f" Below about ε = {_eps(diagnosis.facts['vanished_below'])} the perturbation "
            f"vanishes in {diagnosis.facts['dtype']} (w ± ε == w), so those estimates are 0."
        )
    if diagnosis.facts.get("inner_on_grid"):
        words += (
            f" At ε ≤ {_eps(diagnosis.facts['inner_flat_below'])} only the rest of the loss "
            "moves: above it the loss steps on both sides of w at once (the odd parts L+ − L− "
            "leap at ε = s/2, 3s/2, 5s/2 … for one grid step s), as a part rounded to a grid "
            "that w lies on does (a quantiser with k·w whole, or w a number of a coarser "
            "format). So the loss has no single slope at w: the ε below read the flat tread "
            "between the steps (the slope without that part's, the steps' almost-everywhere "
            "derivative), the larger ε the steps' envelope, the gradient a staircase is "
            "judged by. The loss is resolved only to about "
            f"{_fmt(diagnosis.facts['inner_rounding'], 2)}: the ε on the tread measure no "
            "envelope, the larger ε judge."
        )
    elif diagnosis.facts.get("inner_frozen"):
        words += (
            f" At ε ≤ {_eps(diagnosis.facts['inner_flat_below'])} only the rest of the loss "
            "moves: above it the even parts L+ + L− − 2L leap and stay put between leaps, as "
            "a part rounded to a grid does (a coarser format — float32, float16, bfloat16 — or "
            "a quantiser: the steps show, not which), and so small an ε does not move that "
            "part, so the differences there show the slope without that part's, however "
            "steady they look. From those leaps (and the change the stretch hides) the loss "
            f"is resolved only to about {_fmt(diagnosis.facts['inner_rounding'], 2)}: those "
            "ε measure nothing, the larger ε judge."
        )
    elif diagnosis.facts.get("inner_flat_below") is not None:
        words += (
            f" At ε ≤ {_eps(diagnosis.facts['inner_flat_below'])} the loss does not change at "
            "all (L+ = L = L−), though its slope would move a "
            f"{diagnosis.facts['dtype']} loss there: part of it is rounded to a grid so "
            "small an ε does not move (a coarser format — float32, float16, bfloat16 — or a "
            "quantiser: the sweep shows the steps, not which); from the change the stretch "
            "hides and the leaps of the even parts L+ + L− − 2L above it, the loss is resolved "
            f"only to about {_fmt(diagnosis.facts['inner_rounding'], 2)}: those ε measure "
            "nothing (their estimates are 0), the larger ε judge."
        )
    if diagnosis.facts.get("one_kink") is not None:
        if diagnosis.facts.get("smooth_at_w"):
            words += _smooth_at_w_words(diagnosis.facts["one_kink"])
        else:
            words += _one_kink_words(
                diagnosis.facts["one_kink"], bool(diagnosis.facts.get("coarse_loss_at_w"))
            )
    words += noise_words(diagnosis.facts)  # a loss that varies between calls
    conflicts = diagnosis.facts.get("conflicting_epsilons")
    if conflicts:
        shown = ", ".join(_eps(value) for value in conflicts[:3])
        more = f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
        words += (
            f" Note: rows that share an ε give different losses (ε = {shown}{more}); the "
            "curves show every row, the reference over the rows uses the first usable one "
            "of each ε in file order. Check which measurement is right."
        )
    return words


def _one_kink_words(room: float, coarse: bool = False) -> str:
    """What a verdict from rows with no loss at w (or one too coarse to bound a kink)
    assumes (``kink_room.one_kink_assumed``)."""
    given = (
        "The loss at w is given with too few digits to bound a kink"
        if coarse
        else "The table gives no loss at w"
    )
    more = "with more digits " if coarse else ""
    return (
        f" {given}, so this assumes at most one kink between w and the "
        "smallest ε, and the loss otherwise smooth on the scale of the smallest ε (the "
        f"kink's branches straight over it): the reference's bar holds ± {_bar(room)} for "
        "such a kink at any distance from w (read from the part of L+ + L− odd in ε, which a "
        "smooth loss never has), but a feature narrower than the smallest ε leaves no trace "
        "in L+ and L− — two kinks whose effects cancel (a notch or bump), or a branch that "
        "bends or levels off within it, which the rows see as a step. A column with the "
        f"loss at w {more}would show a notch or bump."
    )


def _smooth_at_w_words(room: float) -> str:
    """What a verdict read from each column's own slope assumes when the loss at w shows no
    kink (``side_slopes.sides_refute``, fact ``smooth_at_w``)."""
    return (
        " The loss at w shows no kink: L+ + L− − 2L follows a smooth loss's law within the "
        "losses' round-off at every row read. So, as for rows with no loss at w, this "
        "assumes the loss smooth on the scale of the smallest ε but for at most one kink "
        "whose branches are straight over it: a kink whose step stays below the losses' "
        "round-off (its branch bending or levelling off within a few smallest ε) leaves no "
        f"trace in any column, and the room for it read at the smallest rows is ± {_bar(room)}."
    )


def recommendation_text(diagnosis: Diagnosis) -> str:
    """Why the recommended ε are what they are."""
    facts = diagnosis.facts
    dtype, rule = facts["dtype"], facts["rule"]
    rule_reason = (
        f"the rule of thumb for {dtype}: u^(1/3)·max(1,|w|) for central and u^(1/2)·max(1,|w|) "
        f"for one-sided differences (u = {_fmt(facts['unit_roundoff'])})"
    )
    rule_reason = noise_rule(facts) or rule_reason  # a noisy loss's u is σ/|L|
    by = diagnosis.recommended_by
    if by == "wrong":
        return "ε is not the problem; " + rule_reason
    if by == "kink-at":
        return "no ε removes a kink at w; " + rule_reason
    if by == "kink-crossed":
        return (
            f"ε must stay below the kink distance (~{_eps(diagnosis.kink_epsilon)}), so at "
            "most a third of it; otherwise " + rule_reason
        )
    if by == "no-useful-epsilon":
        return (
            f"no ε in the range gives a useful estimate in {dtype}, so these are only "
            f"the rule of thumb (u^(1/3)·max(1,|w|) central, u^(1/2)·max(1,|w|) one-sided"
            f"{noise_rule(facts, short=True)})"
        )
    if by == "measured":
        reason = (
            f"the bottom of the measured V (rule of thumb for {dtype}: central "
            f"{_eps(rule['central'])}, forward {_eps(rule['forward'])})"
        )
        fallback = facts.get("fallback")
        if fallback:
            reason += (
                f"; no {fallback} estimate in the range is useful (the loss does not "
                f"change enough), so the {fallback} value is the rule of thumb"
            )
        return reason
    return rule_reason


def recommended_line(diagnosis: Diagnosis) -> str:
    """``recommended ε: central 1e-05, forward 1.5e-08 (why)``."""
    return (
        f"recommended ε: central {_eps(diagnosis.recommended['central'])}, forward "
        f"{_eps(diagnosis.recommended['forward'])} ({recommendation_text(diagnosis)})"
    )


def _one_sided(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    side = facts["side"]
    other = "w − ε" if side == "forward" else "w + ε"
    return (
        f"The loss is not a finite number at {other} for every ε of the range (w sits on "
        "or near the edge of the function's domain, like sqrt or log at 0, and every ε of "
        f"the range reaches past it), so central differences do not exist; only {side} "
        "differences do. The derivative there may be infinite or one-sided."
    )


def _not_finite(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    if facts.get("difference_overflows"):  # measured rows (``measured._overflowing_rows``)
        return (
            "Every loss in the table is a finite number, but L+ − L− over 2ε overflows "
            "float64 (beyond about 1.8e308) at every ε, so no estimate can be formed and "
            "nothing judges the gradient. Rescale the loss (or measure smaller ε)."
        )
    return (
        "The loss is not a finite number near w at any ε of the range (overflow, or a "
        "function used outside its domain, such as log or sqrt of a negative number), so "
        "there is nothing to difference. Check the point and the expression."
    )


def _kink_at(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    sides = facts.get("sides")
    read = facts.get("sides_error")  # the slopes read from the differences, to ± this
    # where the differences read the jump from (review15x M1: a kink 1e-5 from w beside a
    # float32 part, whose rounding hides the smaller ε, was "at w itself")
    within = facts.get("kink_within")
    where = "at w itself"
    if within is not None:
        where = (
            f"at w or within about {_eps(within)} of it (the differences read the jump from "
            "that ε up: a kink closer than that they cannot tell from one at w)"
        )
    if sides is not None and read is not None:
        left, right = sides
        evidence = (
            "Forward and backward differences disagree by a jump that does not shrink with ε: "
            f"the loss has a kink {where}, with slopes of about {_fmt(left, 6)} just left "
            f"of w and {_fmt(right, 6)} just right of it (read from the differences, "
            f"± {_bar(read)}), so there is no derivative, only one-sided ones."
        )
    elif sides is not None:
        left, right = sides
        evidence = (
            f"A branch of the loss (abs, relu, maximum, minimum) switches exactly at w: the "
            f"slope is {_fmt(left, 6)} just left of w and {_fmt(right, 6)} just right of it, "
            "so there is no derivative, only one-sided ones."
        )
    else:
        evidence = (
            "Forward and backward differences disagree by a jump that does not shrink with ε: "
            f"the loss has a kink {where} (a ReLU unit at 0, abs, max). There the "
            "derivative is one-sided."
        )
    judged = ""
    if "checked" in facts:
        judged = f" {_method(facts)} {_fmt(facts['checked'], 6)} is one choice"
        if facts.get("subgradient") and read is not None and facts.get("between", True):
            judged += (
                " and lies between the one-sided slopes as the differences read them (a valid "
                "subgradient as far as they tell)"
            )
        elif facts.get("subgradient") and read is not None:
            judged += (
                " and lies just outside the one-sided slopes as the differences read them, by "
                f"less than they are read to (± {_bar(read)}): a valid subgradient as far as "
                "they tell"
            )
        elif facts.get("subgradient") and facts.get("between", True):
            judged += " and lies between the one-sided slopes (a valid subgradient)"
        elif facts.get("subgradient"):  # outside them, within its own bar (review18x M5)
            judged += (
                " and lies outside the one-sided slopes, by less than its own bar allows "
                f"(± {_bar(facts.get('subgradient_slack', 0.0))}: the rounding of the "
                "values it is worked out from): a valid subgradient as far as those digits tell"
            )
        judged += "."
    consensus = _kink_average(diagnosis.consensus, sides)
    if facts.get("source") == "measured" and read is not None:
        # rows cannot tell a kink at w from one closer to w than their smallest ε
        consensus += (
            " The rows cannot tell a kink at w from one closer to w than their smallest ε; "
            "there the slope at w is one of the two, not one between."
        )
    return f"{evidence}{judged}{consensus} Move w slightly or compare one-sided estimates."


AVERAGE_SHARE = 0.05  # the central differences read the slopes' average to this share


def _kink_average(consensus: float | None, sides) -> str:
    """What the central differences give at a kink at w: the average of the two slopes, or,
    where they read something else (a low dtype's rounding of the loss: review18x M5, 0.0021
    beside slopes 0.0014 and −0.0016), both numbers, never the one called the other."""
    if consensus is None:
        return ""
    known = [side for side in (sides or ()) if side is not None]
    if len(known) == 2:
        middle = 0.5 * (known[0] + known[1])
        off = abs(consensus - middle)
        if off > AVERAGE_SHARE * abs(known[1] - known[0]) + 1e-12 * max(map(abs, known)):
            return (
                f" The average of the two slopes is {_fmt(middle, 6)}; the central "
                f"differences, which read it at a kink, give {_fmt(consensus, 6)} here: they "
                "do not resolve it."
            )
    return f" Central differences give the average of the two slopes ({_fmt(consensus, 6)})."


def _kink_crossed(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    below = ""
    if "checked" in facts:
        agreeing = facts.get("agreeing_method")
        below = (
            f" Below it the loss is smooth; {_method_lower(facts)} "
            f"{_fmt(facts['checked'], 6)} "
            + (
                f"agrees with the {agreeing} reference {_fmt(facts['agreeing_value'], 6)}."
                if agreeing
                else "is not contradicted by the estimates there."
            )
        )
    elif diagnosis.consensus is not None:  # nothing under check: what the estimates say there
        spread = diagnosis.consensus_spread
        settled = facts.get("settled_error")
        if settled is not None and math.isfinite(settled) and facts.get("settled_flat"):
            how = (
                f" (± {_bar(settled)}: the loss did not change at any ε there, so the "
                "derivative is below what they resolve)"
            )
        elif settled is not None and math.isfinite(settled):
            how = (
                f" (± {_bar(settled)}: their spread over the decade of ε where they spread "
                "least, with the round-off and truncation there)"
            )
        elif spread is not None and math.isfinite(spread):
            how = f" (they spread over ± {_bar(spread / 2)} where flattest)"
        else:
            how = ""
        below = (
            f" Below it the central differences settle near {_fmt(diagnosis.consensus, 10)}"
            + how
            + ": the estimate of the derivative at w."
        )
    return (
        f"w ± ε crosses a kink (abs, relu, maximum or minimum switching branch) once ε reaches "
        f"about {_eps(diagnosis.kink_epsilon)}: estimates with larger ε mix two slopes and "
        f"say nothing about the derivative at w.{below}"
    )


def _finite_differences(facts: dict[str, Any]) -> str:
    """How close the finite differences get in this dtype (the limited cases)."""
    dtype = facts["dtype"]
    if "band" not in facts:
        return (
            f"In {dtype} the loss does not change at any ε of the range (L+ = L− = L): the "
            f"change ε·|dL/dw| stays below the loss's resolution (about u·|L| = "
            f"{_fmt(facts['loss_resolution'], 2)}), so finite differences "
            "cannot check anything here."
        )
    possible = facts["possible"]
    possible_text = (
        ""
        if possible is None
        else f" Even for a correct gradient, {dtype}'s round-off, the rounding of w ± ε and "
        f"truncation allow errors up to about {_rel(possible)} at the best ε of this "
        "range."
    )
    floor = ""
    if "floor_hides" in facts:
        floor = (
            f" (The usual relative error, with its 1e-8 floor, would look smaller: the gradient "
            f"is tiny, and against the gradient itself the error is "
            f"{_rel(facts['floor_hides'])}.)"
        )
    resolves = f"{dtype} resolves"
    if facts.get("source") == "measured":
        resolves = f"the rows ({dtype} losses at their ε) resolve"
    measures = (
        against_the_claim(facts)
        or f"that measures how finely {resolves} the derivative, not the gradient."
    )
    return (
        f"The finite differences in {dtype} get no closer than a relative error of "
        f"{_rel(facts['best_relative_error'])} (at ε ≈ {_eps(facts['best_epsilon'])}): "
        f"{measures}{possible_text}{floor}"
    )


def _agrees(facts: dict[str, Any], tail: str = "", closed: bool = False) -> str:
    """ "… agrees with the … reference T ± bar" and ``tail``, then the words on a difference
    within the claim's rounding or past the bar, as a dash aside: ``closed`` when the
    caller's words close it ("— within both error bars"), else it ends the sentence."""
    bar = facts.get("agreeing_error")
    bar_text = ("" if bar is None else f" ± {_bar(bar)}") + tail
    apart = abs(facts["checked"] - facts["agreeing_value"])
    if facts.get("claim_rounding"):  # within the typed claim's own rounding (claim.py)
        bar_text += claim_words(facts)
    elif bar is not None and math.isfinite(apart) and apart > bar:
        # the words print the bar; the rule confirms within twice the bars (review10f F4)
        bar_text += (
            f" — the difference, {_bar(apart)}, is past that bar, but a difference counts "
            "only beyond twice the bars —"
        )
    if not closed:
        bar_text = bar_text.removesuffix(" —")
    return (
        f"{_method(facts)} {_fmt(facts['checked'], 6)} agrees with the "
        f"{facts['agreeing_method']} reference {_fmt(facts['agreeing_value'], 6)}{bar_text}"
    )


def _range_too_narrow(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    low = facts["edge"] == "low"
    side, direction = ("smallest", "smaller") if low else ("largest", "larger")
    cause = "truncation" if low else "round-off"
    agreement = f"{_agrees(facts)}. " if "agreeing_method" in facts else ""
    advice = f" Sweep {direction} ε." if low else _larger_advice(facts)
    if low and "vanished_below" in facts and facts.get("measured_rows"):
        advice = (
            f" The rows at ε ≤ {_eps(facts['vanished_below'])} do not change the losses in "
            "the digits given: measure with more digits to go lower."
        )
    elif low and "vanished_below" in facts:
        advice = (
            f" Smaller ε vanish in {facts['dtype']} (w ± ε == w below about "
            f"{_eps(facts['vanished_below'])}), so this is as close as {facts['dtype']} gets."
        )
    return (
        f"{agreement}{_finite_differences(facts)} The best ε is the {side} of the range and "
        f"{cause} still dominates there: the bottom of the V lies outside it.{advice}"
    )


_CAUSES = {
    "round-off": "round-off in the loss (u·|L|/ε) is large against the gradient",
    "truncation": "the loss curves strongly on the scale where round-off allows ε",
    "noise": "the loss's noise (about σ/ε) is large against the gradient",
}


def _limit_note(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    dtype = facts["dtype"]
    cause = _CAUSES.get(diagnosis.limited_by or "round-off", _CAUSES["round-off"])
    if diagnosis.limited_by == "spacing":
        cause = (
            f"numbers near w are {_fmt(facts['spacing'], 2)} apart in {dtype}, so w ± ε "
            "cannot be formed exactly for small ε"
        )
    if facts.get("source") == "measured" and diagnosis.limited_by == "truncation":
        return (
            "That is the truncation the rows' ε leave (even the smallest is large for the "
            "loss's curvature), not a bug; measure at smaller ε to confirm it with finite "
            "differences."
        )
    if dtype == "float64":
        return f"That is the limit of finite differences here ({cause}), not a bug."
    return (
        f"That is {dtype}'s resolution ({cause}), not a bug; sweep in a wider dtype to confirm "
        "it with finite differences."
    )


def _limited(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    return (
        f"{_agrees(facts, _shares(facts))}. {_finite_differences(facts)} "
        f"{_limit_note(diagnosis, facts)}"
    )


def _shares(facts: dict[str, Any]) -> str:
    return (
        f" (relative difference {_rel(facts['relative_difference'])}), which shares no "
        "rounding with the finite differences"
    )


def _correct(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    dtype, slope, edge = facts["dtype"], diagnosis.slope, facts["edge"]
    if slope is not None and 1.3 <= slope <= 2.7:
        slope_text = f"the central error falls like ε^{slope:.1f} as ε shrinks (theory: ε²)"
    elif slope is not None:
        slope_text = (
            f"the central error does not follow the ε² law here (measured slope {slope:.1f}; "
            "the loss may be nearly linear or round-off may be tiny)"
        )
    else:
        slope_text = "the central error settles"
    if edge == "high":
        slope_text = (
            "round-off dominates the whole range, so the central error is smallest at its "
            "largest ε (the bottom of the V lies above the range)"
        )
    elif edge == "low" and slope is None:
        slope_text = (
            "the central error is still falling at the smallest ε of the range (the bottom of "
            "the V lies below it)"
        )
    reasons = diagnosis.reasons
    rise = ""
    if "rises-again" in reasons:
        rise = f", then rises again at smaller ε as round-off (about u·|L|/ε in {dtype}) takes over"
    elif "no-rise" in reasons:
        rise = "; at smaller ε of this range the error does not grow measurably"
    seed_note = ""
    for regime, words in (
        ("vanished", "below the resolution at w"),
        ("round-off", "round-off dominated"),
    ):
        if f"seed-rule-{regime}" in reasons:
            seed_note = (
                f" The usual 1e-7…1e-4 advice is a float64 rule: in {dtype} ε = 1e-7 is {words}."
            )
    confirmed = ""
    if "agreeing_method" in facts:
        confirmed = f" {_agrees(facts, closed=True)} within both error bars."
    return (
        f"{_method(facts)} {_fmt(facts['checked'], 6)} agrees with the finite "
        f"differences: {slope_text} and reaches a relative error of "
        f"{_rel(facts['best_relative_error'])} at ε ≈ {_eps(facts['best_epsilon'])}"
        f"{rise}.{confirmed}{seed_note}"
    )


def _consistent(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    dtype = facts["dtype"]
    return (
        f"No independent reference with an honest error bar is available, so the finite "
        f"differences alone decide. {_finite_differences(facts)} Within that resolution they "
        f"agree with {_method_lower(facts)} {_fmt(facts['checked'], 6)}; a smaller "
        "error would not be seen."
        + (" Sweep in a wider dtype to see more digits." if dtype != "float64" else "")
    )


_CASE_WORDS = {
    "one-sided": _one_sided,
    "not-finite": _not_finite,
    "vanished": _vanished,
    "wrong": _wrong,
    "kink-at": _kink_at,
    "kink-crossed": _kink_crossed,
    "range-too-narrow": _range_too_narrow,
    "limited": _limited,
    "consistent": _consistent,
    "correct": _correct,
    "not-finite-at-w": _not_finite_at_w,
    "undefined-at-w": _undefined_at_w,
    "checked-not-finite": _checked_not_finite,
    "pole-in-range": _pole_in_range,
    "pole-confirmed": _pole_in_range,
    "checked-overflows": _checked_overflows,
    "derivative-overflows": _derivative_overflows,
    "estimate": _estimate,
    "too-few-rows": _too_few_rows,
    "flat-rows": _flat_rows,
    "unresolved": _unresolved,
    "range-too-large": _range_too_large,
}


# ---------------------------------------------------------------- one ε


# ---------------------------------------------------------------- the summary


# the exports (text, Markdown, JSON, CSV) live in sweep_export.py; importing it registers
# them with the exporters registry whenever this module is loaded (either may be imported
# first: sweep_export takes only names defined above from here)
from fdgui.core.report import sweep_export as _exports  # noqa: E402

_EXPORTED = ("CSV_COLUMNS", "sweep_csv", "sweep_json", "sweep_markdown", "sweep_text")


def __getattr__(name: str) -> Any:
    """The exports under their old address (``from fdgui.core.report.sweep import sweep_text``)."""
    if name in _EXPORTED:
        return getattr(_exports, name)
    raise AttributeError(name)
