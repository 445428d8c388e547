"""Words for a float64 check of a loss that rounds far coarser than float64 (a part of it
computed in float32, say): the tolerance the check measured is then the loss's own rounding,
not "what float64 can resolve", and an entry read as a kink or decided at smaller steps may be
that rounding rather than a kink or a short length scale (review13p M3). Words only: the
verdicts are the check's."""

from __future__ import annotations

import math

from fdgui.core.netcheck import CheckReport
from fdgui.core.netcheck.tolerances import recommended_tolerances
from fdgui.core.numbers.format import significant

#: the measured atol over the dtype's own (same loss, same ε) past which the loss is said to
#: round coarser than its dtype: noise aside, nothing else widens atol by three decades
COARSER = 1000.0


def coarse_factor(report: CheckReport) -> float | None:
    """How many times the check's atol (widened to the round-off it measured) exceeds the
    dtype's own for this loss and ε, when over COARSER and the loss is not noisy; else None."""
    if report.noise_sigma > 4 * 2.0**-53 * max(1.0, abs(report.loss)):
        return None  # the noise widened it (its own words say so)
    tolerances = report.tolerances
    try:
        own = recommended_tolerances(tolerances.dtype, report.loss, report.settings.epsilon)
    except (ValueError, KeyError):
        return None
    if not own.atol > 0:
        return None
    factor = tolerances.atol / own.atol
    return factor if factor > COARSER else None


def resolve_words(report: CheckReport) -> str:
    """'what float64 can resolve (atol …, rtol …)', or the loss's own coarser rounding."""
    tolerances = report.tolerances
    numbers = f"atol {significant(tolerances.atol, 3)}, rtol {significant(tolerances.rtol, 3)}"
    factor = coarse_factor(report)
    if factor is None:
        return f"what {tolerances.dtype} can resolve ({numbers})"
    return (
        f"what the loss's own rounding resolves ({numbers}: measured, about "
        f"{round(math.log10(factor))} decades coarser than {tolerances.dtype}'s; a part of the "
        "loss computed in a lower precision, such as float32, rounds so)"
    )


def kink_words(report: CheckReport, kink: str) -> str:
    """'sit on a kink', or, where the loss rounds coarsely, what they read as."""
    if coarse_factor(report) is None:
        return f"sit on {kink}"
    return f"read as {kink} (one-sided slopes that differ: a kink, or the loss's rounding)"
