"""Words for a typed gradient that agrees with the exact derivative only within its own
claim's rounding (``core/sweep/claim.py``): the last typed digit, or the dtype's rounding of
a computed gradient."""

from __future__ import annotations

from typing import Any

from fdgui.core.numbers.format import ratio as _rel
from fdgui.core.numbers.format import uncertainty as _bar
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.sweep.claim import CLAIM_ROUNDINGS, underflow


def claim_limits(facts: dict[str, Any]) -> bool:
    """Whether the typed claim's own rounding (its digits, the dtype's rounding of a computed
    gradient or of the loss's constants) is what the agreement rests on: the title says so."""
    return facts.get("claim_rounding") in ("digits", "dtype", "constants")


def claim_title(facts: dict[str, Any]) -> str:
    if facts["claim_rounding"] == "digits":
        return "Gradient correct (to the digits typed)"
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
        return (
            f" — it differs by {_bar(difference)}, within what rounding the loss's typed "
            f"constants to {dtype} moves the derivative ({_bar(facts['claim_allowance'])}): "
            f"your derivative takes them as typed, the {dtype} losses and the reference as "
            f"{dtype} holds them —"
        )
    relative = difference / max(abs(facts["checked"]), abs(facts["agreeing_value"]), 1e-300)
    allowed = CLAIM_ROUNDINGS * unit_roundoff(dtype)
    return (
        f" — it differs by {_bar(difference)} ({_rel(relative)} "
        f"relative), within the rounding {dtype} leaves in a computed gradient (up to "
        f"{CLAIM_ROUNDINGS:g}·u = {_rel(allowed)} relative; a correct backward pass in {dtype} "
        "returns at best the exact derivative rounded to it) —"
    )
