"""Words for a typed gradient that agrees with the exact derivative only within its own
claim's rounding (``core/sweep/claim.py``): the last typed digit, or the dtype's rounding of
a computed gradient."""

from __future__ import annotations

from typing import Any

from fdgui.core.numbers.format import ratio as _rel
from fdgui.core.numbers.format import significant
from fdgui.core.numbers.format import uncertainty as _bar
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.sweep.claim import CLAIM_ROUNDINGS, error_sides, underflow


def reference_bar(item: Any) -> str:
    """A reference's bar as printed after its value: " ± 2e-12"; for a typed claim whose
    correct derivatives reach further on one side, the two sides the verdict allows,
    " −1.2e-10 +3.3e-8" (``claim.error_sides``); "" without a bar."""
    sides = error_sides(item)
    if sides is None:
        return ""
    below, above = _bar(sides[0]), _bar(sides[1])
    if below == above:
        return f" ± {_bar(item.error)}"
    return f" −{below} +{above}"


def claim_limits(facts: dict[str, Any], case: str | None = None) -> bool:
    """Whether the typed claim's own rounding (its digits, the dtype's rounding of a computed
    gradient or of the loss's constants) is what the agreement rests on: the title says so
    (for the diagnosis ``case``, when given: a confirmation, or what computing it in the
    dtype may round too coarse to judge by)."""
    if case == "unresolved" and facts.get("computation_too_coarse"):
        return True
    if case is not None and case not in ("correct", "limited", "consistent"):
        return False
    return facts.get("claim_rounding") in ("digits", "dtype", "constants", "backward")


def claim_title(facts: dict[str, Any]) -> str:
    if facts.get("computation_too_coarse") == "segment":
        return f"Too coarse to judge ({facts['claim_dtype']} rounds w or the constants too far)"
    if facts.get("computation_too_coarse"):
        return f"Too coarse to judge (what computing it in {facts['claim_dtype']} may round)"
    if facts["claim_rounding"] == "digits":
        return "Gradient correct (to the digits typed)"
    if facts["claim_rounding"] == "backward":
        return f"Gradient correct (within what computing it in {facts['claim_dtype']} may round)"
    return f"Gradient correct (limited by {facts['claim_dtype']})"


def against_the_claim(facts: dict[str, Any]) -> str | None:
    """What the finite differences' best relative error measures when it is taken against a
    typed value that differs from the exact derivative within its own rounding."""
    if not claim_limits(facts):
        return None
    return (
        "that is measured against your typed value, so it includes the rounding of the typed claim."
    )


def claim_words(facts: dict[str, Any]) -> str:
    """ " — they differ by X, within …" after "agrees with the … reference T ± bar"; "" when
    the strict bars already cover the difference."""
    kind = facts.get("claim_rounding")
    if kind is None:
        return ""
    difference = facts["claim_difference"]
    if kind == "dtype" and underflow(facts["checked"], facts["claim_dtype"]):
        return (
            f" — it differs by {_bar(difference)}, within what underflow leaves of a gradient "
            f"that small in {facts['claim_dtype']} (below its smallest normal number, "
            f"{_bar(underflow(facts['checked'], facts['claim_dtype']))}, a correct backward "
            "pass may return it, or a factor of it, as 0 or a few subnormal steps) —"
        )
    if kind == "digits":
        return (
            f" — {facts['claim_text']} differs from it by {_bar(difference)}, within the rounding "
            f"of the typed digits (a typed number stands for any value within half a unit "
            f"of its last digit, here {_bar(facts['claim_half_unit'])}) —"
        )
    dtype = facts["claim_dtype"]
    if kind == "constants":
        return _segment_words(facts, dtype)
    if kind == "backward":
        return (
            f" — it differs by {_bar(difference)}, within what computing it in {dtype} may "
            f"round ({_bar(facts['claim_allowance'])}): the derivative's terms cancel here, and "
            f"a correct backward pass rounds each of them in {dtype}, so its result may be off "
            "by that much (read from the expression, term by term) —"
        )
    relative = difference / max(abs(facts["checked"]), abs(facts["agreeing_value"]), 1e-300)
    allowed = CLAIM_ROUNDINGS * unit_roundoff(dtype)
    return (
        f" — it differs by {_bar(difference)} ({_rel(relative)} "
        f"relative), within the rounding {dtype} leaves in a computed gradient (up to "
        f"{CLAIM_ROUNDINGS:g}·u = {_rel(allowed)} relative; a correct backward pass in {dtype} "
        "returns at best the exact derivative rounded to it) —"
    )


def _segment_words(facts: dict[str, Any], dtype: str) -> str:
    """Words for a claim that matches one of the correct derivatives of the typed expression
    other than the dtype's own (``claim.agreement_facts``: ``claim_end``)."""
    difference, end = facts["claim_difference"], facts.get("claim_end", "constants")
    w_typed, w_dtype = facts.get("claim_w_typed"), facts.get("claim_w_dtype")
    value = facts.get("claim_end_value")
    rounded_w = (
        f"the {dtype} losses are taken at w rounded to {dtype}, {significant(w_dtype, 12)}, "
        "where the reference takes its derivative"
    )
    if end == "w":
        return (
            f" — it differs by {_bar(difference)}: your derivative matches the exact derivative "
            f"at the typed w = {significant(w_typed, 12)} ({significant(value, 9)}); {rounded_w}"
            " —"
        )
    if end == "both":
        return (
            f" — it differs by {_bar(difference)}: your derivative matches the exact derivative "
            f"with the loss's constants as typed at the typed w = {significant(w_typed, 12)} "
            f"({significant(value, 9)}); {rounded_w}, with the constants as {dtype} holds them —"
        )
    if end == "between":
        return (
            f" — it differs by {_bar(difference)}, and lies between that derivative and "
            f"{significant(value, 9)}, the one with the loss's constants (or w) as typed rather "
            f"than rounded to {dtype}: both are correct derivatives of the typed expression —"
        )
    return (
        f" — it differs by {_bar(difference)}, within what rounding the loss's typed "
        f"constants to {dtype} moves the derivative ({_bar(facts['claim_allowance'])}): "
        f"your derivative takes them as typed, the {dtype} losses and the reference as "
        f"{dtype} holds them —"
    )


def coarse_evidence(facts: dict[str, Any], method: str, value: str) -> str:
    """Why a typed claim within an allowance too wide to judge by is neither confirmed nor
    called wrong (``claim.computation_too_coarse``)."""
    dtype = facts["claim_dtype"]
    if facts["computation_too_coarse"] == "segment":
        where = facts.get("claim_w_dtype")
        within = (
            f"within what rounding w (or the loss's constants) to {dtype} moves the derivative "
            f"({_bar(facts['claim_other'])})"
            + ("" if where is None else f"; the losses are taken at w = {significant(where, 12)}")
        )
    else:
        within = (
            f"within what computing this derivative in {dtype} may round, read from the "
            "expression term by term"
        )
    return (
        f"The {method} reference gives {value}, and your derivative {facts['claim_text']} "
        f"differs from it by {_bar(facts['claim_difference'])}: {within}, which is too large "
        "a share of it to tell a correct gradient from a bug that size, so it is neither "
        "confirmed nor called wrong."
    )
