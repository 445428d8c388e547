"""Words for the cases where no ε the dtype can form resolves the derivative (a pole or a
loss that changes completely within every ε; every ε vanishing), and for a typed formula
whose float64 evaluation overflows while its exact value agrees (report/sweep.py holds the
rest and the dispatch). The advice never contradicts what the sweep measured: no "sweep
larger ε" where a larger ε only straddles the pole or averages over the loss's scale."""

from __future__ import annotations

import math
from typing import Any

from fdgui.core.numbers.format import uncertainty
from fdgui.core.report.sweep_cases import _fmt
from fdgui.core.sweep.diagnosis import Diagnosis


def _within(facts: dict[str, Any]) -> str:
    """Why no ε resolves it: "every ε straddles a pole" or "the loss changes completely
    within every ε"."""
    if facts.get("pole"):
        return "every ε straddles a pole"
    return "the loss changes completely within every ε"


def reach_title(diagnosis: Diagnosis) -> str | None:
    """The title of the cases worded here; None for any other case."""
    case, facts = diagnosis.case, diagnosis.facts
    if case == "pole-in-range":  # the loss and its derivative exist: nothing is undefined
        return f"No ε resolves it ({_within(facts)})"
    if case == "pole-confirmed":
        method = facts["agreeing_method"]
        return f"Gradient correct (confirmed by the {method} reference; {_within(facts)})"
    if case == "checked-overflows":
        return "Too coarse to judge (your derivative overflows in float64)"
    if case == "derivative-overflows":
        return "No float64 number holds it (the derivative overflows)"
    return None


def _derivative_overflows(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    judged = (
        " Nothing is judged: no float64 gradient can be right here."
        if facts.get("method") not in (None, "analytic") and "checked" in facts
        else " Nothing is judged."
    )
    return (
        "The loss is finite at w, but its derivative there is beyond float64's largest number "
        "(about 1.8e308): no finite difference, reference or float64 gradient can hold it."
        f"{judged} Move w or rescale the loss."
    )


def _bar(error: float | None) -> str:
    return "" if error is None else f" ± {uncertainty(error)}"


def _pole_in_range(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    dtype = facts["dtype"]
    value, error = facts.get("analytic_value"), facts.get("analytic_error")
    analytic = ""
    if value is not None:
        analytic = f" The analytic derivative at w is {_fmt(value, 6)} ± {_fmt(error, 2)}"
        if facts.get("method") not in (None, "analytic") and "checked" in facts:
            analytic += f"; your derivative {_fmt(facts['checked'], 6)} agrees with it"
        elif "agreeing_method" in facts and facts["agreeing_method"] != "analytic":
            analytic += (
                f"; the {facts['agreeing_method']} reference "
                f"{_fmt(facts['agreeing_value'], 6)}{_bar(facts.get('agreeing_error'))} "
                "agrees with it"
            )
        analytic += ", but no finite difference can confirm it here."
    distance, smallest = _fmt(facts["pole_distance"], 2), _fmt(facts["smallest_epsilon"], 2)
    if facts.get("pole"):
        what = (
            f"A pole lies about {distance} from w, closer than the smallest ε {dtype} can "
            f"form at w ({smallest}): every step w ± ε straddles it"
        )
        larger, away = "Larger ε only cross the pole again.", "Move w away from the pole"
    else:
        what = (
            f"The loss changes completely within about {distance} of w (its derivatives at w "
            f"say so), less than the smallest ε {dtype} can form at w ({smallest})"
        )
        larger, away = "Larger ε only average over more of it.", "Move w"
    return (
        f"{what}, so the finite differences are unresolvable at every ε and judge nothing. "
        f"{larger}{analytic} {away}"
        + (" or sweep in a wider dtype." if dtype != "float64" else ".")
    )


def _vanished(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    dtype = facts["dtype"]
    spacing_text = ""
    if facts.get("has_point", True):
        spacing_text = (
            f" (the gap between neighbouring {dtype} numbers there is {_fmt(facts['spacing'])})"
        )
    return (
        f"No ε in the range changes anything: in {dtype}, w ± ε rounds back to w itself"
        f"{spacing_text}, so L+ = L− = L and every estimate is 0.{_larger_advice(facts)}"
        f"{_judged_by_reference(facts)}"
    )


def _judged_by_reference(facts: dict[str, Any]) -> str:
    """What the references say of the gradient under check where no ε could (vanished)."""
    if facts.get("method") == "your derivative" and "agreeing_method" in facts:
        return (
            f" The {facts['agreeing_method']} reference gives "
            f"{_fmt(facts['agreeing_value'], 6)}{_bar(facts.get('agreeing_error'))}, and "
            f"your derivative {_fmt(facts['checked'], 6)} agrees with it; no finite "
            "difference confirms it here."
        )
    return ""


def _larger_advice(facts: dict[str, Any]) -> str:
    """ "Sweep larger ε" only where a sweep accepts a larger ε that could change w and
    resolve the derivative there (not beyond the loss's scale, ``reach_scale``)."""
    limit = facts.get("epsilon_limit")
    spacing = facts.get("spacing")
    if limit is None or not facts.get("has_point", True):
        return " Sweep larger ε."
    if spacing is not None and math.isfinite(spacing) and spacing / 2 > limit:
        return (
            f" Only an ε beyond about {_fmt(spacing / 2, 2)} would change w, more than the "
            f"largest a sweep accepts ({_fmt(limit, 2)}): finite differences in {facts['dtype']} "
            "cannot check the gradient at this w."
            + (" The references above still judge it." if "checked" in facts else "")
        )
    if facts.get("reach_scale") is not None and spacing is not None:
        what = (
            f"a pole lies about {_fmt(facts['reach_scale'], 2)} from w"
            if facts.get("reach_pole")
            else f"the loss changes completely within about {_fmt(facts['reach_scale'], 2)} "
            "of w (its derivatives at w say so)"
        )
        wider = " or sweep in a wider dtype" if facts["dtype"] != "float64" else ""
        return (
            f" Only an ε beyond about {_fmt(spacing / 2, 2)} would change w, and {what}: "
            f"every such ε {'straddles it' if facts.get('reach_pole') else 'averages over it'}"
            f", so no ε resolves the derivative in {facts['dtype']}. Move w{wider}."
        )
    if facts.get("epsilon_max", 0.0) >= limit:
        return f" The range already reaches the largest ε a sweep accepts ({_fmt(limit, 2)})."
    return " Sweep larger ε."


def _checked_overflows(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    checked = facts.get("checked")
    shown = "NaN" if checked is None or math.isnan(checked) else ("+inf" if checked > 0 else "−inf")
    return (
        f"Your derivative is {shown} as float64 computes it: an intermediate result overflows "
        "(beyond about 1.8e308), so the number under check is not finite. In exact arithmetic "
        f"the same formula gives {_fmt(facts['exact_value'], 6)}"
        f"{_bar(facts.get('exact_error'))}, which agrees with the "
        f"{facts['agreeing_method']} reference {_fmt(facts['agreeing_value'], 6)}"
        f"{_bar(facts.get('agreeing_error'))}: the formula is right, its float64 evaluation "
        "is not. Nothing is confirmed; compute it in a form that does not overflow (divide "
        "through by the largest term, or use the loss's own saturating functions)."
    )
