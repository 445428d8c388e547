"""The words for a loss that varies between calls at the same point (core/sweep/noise.py):
what σ was measured, and what the sweep did with it."""

from __future__ import annotations

from typing import Any

from fdgui.core.numbers.format import significant, uncertainty
from fdgui.core.numbers.noise import NOISE_WIDTH


def noise_words(facts: dict[str, Any]) -> str:
    """The words " The loss is noisy: …" when the sweep measured a noise σ > 0, else ""."""
    sigma = facts.get("noise_sigma")
    if not sigma:
        return ""
    width = f"{NOISE_WIDTH:g}"
    return (
        f" The loss is noisy: evaluated again at w (and one step away) it differs from call "
        f"to call with σ = {uncertainty(sigma)} ({uncertainty(facts['noise_relative'])} of "
        f"|L|), so every difference carries a scatter of about σ/ε: each error bar here "
        f"includes {width}σ/ε, no scatter within it is read as a kink or a disagreement, and "
        "the rule of thumb takes σ/|L| for u."
    )


def noise_rule(facts: dict[str, Any], short: bool = False) -> str:
    """The rule of thumb's words when the loss's noise is its u (σ/|L| above the dtype's
    rounding): the whole reason, or (``short``) the ", u = …" to add; "" otherwise."""
    relative = facts.get("noise_relative", 0.0)
    if not relative > facts["unit_roundoff"]:
        return ""
    if short:
        return f", u = σ/|L| = {significant(relative, 3)}: the loss's noise"
    return (
        "the rule of thumb for this noisy loss: u^(1/3)·max(1,|w|) for central and "
        "u^(1/2)·max(1,|w|) for one-sided differences, with u = σ/|L| = "
        f"{significant(relative, 3)} (its noise, not {facts['dtype']}'s rounding)"
    )


def noise_cause(facts: dict[str, Any]) -> str:
    """What a bar made mostly of the noise is, in words."""
    return (
        f"mostly the loss's noise over ε (σ = {uncertainty(facts.get('noise_sigma') or 0.0)} "
        f"between calls at w, about {NOISE_WIDTH:g}σ/ε)"
    )


def noise_evidence(facts: dict[str, Any]) -> str:
    """No reference judges and the noise hides the gradient at every ε."""
    return (
        "No independent reference with an honest error bar is available, and the loss's "
        f"noise lets a correct gradient's finite differences be off by at least "
        f"{uncertainty(facts['noise_hides'])} at every ε of the range (σ/ε with the "
        "truncation above it): more than a quarter of the gradient, so they cannot tell it "
        "from twice, half or minus itself."
    )


NOISE_ADVICE = (
    " A loss that gives the same value at every call (dropout off, fixed seeds, "
    "deterministic kernels) would decide it."
)
