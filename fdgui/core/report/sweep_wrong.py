"""The words of a "Gradient wrong" diagnosis (split from ``report.sweep`` by role): which
evidence judged the gradient — an independent reference beyond both bars, the converged
finite differences, losses that never change, a kink's one-sided slopes — and how far off
it is."""

from __future__ import annotations

import math
from typing import Any

from fdgui.core.numbers.format import epsilon as _eps
from fdgui.core.numbers.format import ratio as _rel
from fdgui.core.numbers.format import uncertainty as _bar
from fdgui.core.report.sweep_cases import _fmt
from fdgui.core.sweep.diagnosis import Diagnosis


def _method(facts: dict[str, Any]) -> str:
    """'The analytic gradient' (capitalised for the start of a sentence)."""
    if facts["method"] == "your derivative":
        return "Your derivative"
    return f"The {facts['method']} gradient"


def _method_lower(facts: dict[str, Any]) -> str:
    """'the analytic gradient', 'your derivative' (inside a sentence)."""
    if facts["method"] == "your derivative":
        return "your derivative"
    return f"the {facts['method']} gradient"


def _digits(a: float | None, b: float | None) -> int:
    """Significant digits that show two nearby numbers as different (at least 6, at most 17)."""
    if a is None or b is None or a == b or not (math.isfinite(a) and math.isfinite(b)):
        return 6
    relative = abs(a - b) / max(abs(a), abs(b))
    return int(min(17, max(6, math.ceil(-math.log10(relative)) + 2)))


def _wrong(diagnosis: Diagnosis, facts: dict[str, Any]) -> str:
    dtype, best, consensus = facts["dtype"], facts["best_relative_error"], diagnosis.consensus
    # the factor is against what judged it (a reference, or the finite differences' value),
    # which is no more the true value than its bar says
    against = (
        f"the {facts['independent_method']} reference"
        if "independent_method" in facts
        else "what the finite differences settle on"
    )
    ratio = "" if facts["factor"] is None else f" (about {_fmt(facts['factor'])} times {against})"
    digits = _digits(facts["checked"], facts.get("independent_value"))
    if "independent_method" in facts:
        bar = facts.get("independent_error")
        bar_text = "" if bar is None else f" ± {_bar(bar)}"
        evidence = (
            f"the {facts['independent_method']} reference, which shares no rounding with it or "
            f"with the finite differences, gives {_fmt(facts['independent_value'], digits)}"
            f"{bar_text}; the difference is far beyond both error bars."
        )
        if "fd-resolved" in diagnosis.reasons:
            evidence += (
                f" The finite differences in {dtype} settle near {_fmt(consensus, digits)} "
                f"(best relative error against the checked gradient {_rel(best)})."
            )
    else:
        checked_value = facts["checked"]
        if consensus is not None and math.isfinite(checked_value):
            # against where the differences settle, not the ε closest to the claim (in the
            # round-off a difference of 2 % came out "0.037")
            best = abs(checked_value - consensus) / max(abs(checked_value), abs(consensus), 1e-300)
        closest = facts["best_relative_error"]
        evidence = (
            f"the error stays on a plateau far above what {dtype}'s rounding allows at "
            f"every ε (relative error {_rel(best)} where they settle), so no choice of ε "
            f"explains it. The finite differences settle near {_fmt(consensus, 6)}."
        )
        if closest is not None and math.isfinite(closest) and closest < 0.1 * best:
            # some larger ε came close, but the smaller ones moved away (a fast ripple)
            evidence = (
                f"the finite differences settle near {_fmt(consensus, 6)} (relative error "
                f"{_rel(best)} from it) at the ε that have converged. Some larger ε come as "
                f"close as {_rel(closest)}, but the differences below them move away from "
                "it: those steps have not converged (truncation, or structure of the loss "
                "finer than them), so they explain nothing."
            )
    if "flat_change" in facts:  # measured rows that never change (``sweep.flat_rows``)
        evidence = (
            "the losses never change (L+ = L− = L on every row), yet a derivative that size "
            f"would change them by about {_fmt(facts['flat_change'], 2)} at ε = "
            f"{_eps(facts['flat_epsilon'])}, far beyond what they resolve: the derivative is "
            f"below about {_fmt(facts['flat_bound'], 2)} unless the loss has a feature "
            "narrower than the smallest ε."
        )
    if "sides_refute" in facts:  # rows with no loss at w (``sweep.side_slopes``)
        (plus_low, plus_high), (minus_low, minus_high) = facts["sides_refute"]
        value, rest = facts["sides_reference"]
        evidence = (
            f"the rows' Richardson reference gives {_fmt(value, digits)} ± {_bar(rest)} if no "
            "kink lies near w, and a kink between w and the smallest ε would leave the "
            "derivative at the slope of the column it does not reach: L+ reads a slope of "
            f"{_fmt(plus_low, 4)} to {_fmt(plus_high, 4)} as ε → 0, L− one of "
            f"{_fmt(minus_low, 4)} to {_fmt(minus_high, 4)}, and it lies far beyond both."
        )
    if "outside_sides" in facts:
        low, high = facts["outside_sides"]
        evidence = (
            f"w sits on a kink whose one-sided slopes are {_fmt(low, 6)} and {_fmt(high, 6)}, "
            "and it lies outside that range, so it is no subgradient either."
        )
    note = ""
    if "below_kink" in facts:
        note = f" (Judged below a kink that ε crosses at about {_eps(facts['below_kink'])}.)"
    if "outvoted_method" in facts:
        note += (
            f" (The {facts['outvoted_method']} reference "
            f"{_fmt(facts['outvoted_value'], 6)} ± {_bar(facts['outvoted_error'])} would let "
            "it pass only through a bar far wider than what the finite differences resolve, "
            "so they judge.)"
        )
    if facts.get("edge_at_w"):
        note += (
            " (w sits on the edge of the loss's domain, so every ε reaches past it and no "
            "central difference is defined: the exact derivative at w judges.)"
        )
    elif facts.get("overflow"):
        note += (
            " (The loss overflows to infinity at the chosen range's ε, so no central "
            "difference is finite there: sweep smaller ε.)"
        )
    elif facts.get("domain_edge"):
        note += (
            " (The chosen ε range reaches past the edge of the loss's domain, so no central "
            "difference is defined there: sweep smaller ε.)"
        )
    if "floor_hides" in facts:
        note += (
            f" The usual relative error with its 1e-8 floor would call this “Correct”: the "
            f"gradient is tiny, and against the gradient itself the error is "
            f"{_rel(facts['floor_hides'])}."
        )
    checked = facts["checked"]
    shown = (
        f" {_fmt(checked, digits)}{ratio} is wrong"
        if math.isfinite(checked)
        else f" is {'NaN' if math.isnan(checked) else ('+inf' if checked > 0 else '−inf')}, "
        "not a finite number, and so wrong"
    )
    return f"{_method(facts)}{shown}: {evidence} Look for a bug in the derivative.{note}"
