"""Words for a float64 check of a loss that rounds far coarser than float64 (a part of it
computed in float32, say): the tolerance the check measured is then the loss's own rounding,
not "what float64 can resolve", and an entry read as a kink or decided at smaller steps may be
that rounding rather than a kink or a short length scale (review13p M3). Words only: the
verdicts are the check's."""

from __future__ import annotations

import math
from collections.abc import Callable

from fdgui.core.netcheck import CheckReport, Entry
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


def coarse_open_words(report: CheckReport, label: Callable[[Entry, bool], str]) -> str:
    """The inconclusive verdict of a check whose loss rounds far coarser than its dtype
    (``TensorReport.coarse_open``): entries neither the first ε's window (that rounding's)
    nor the wider steps could decide. That window is wide enough to hold a bug the loss's own
    numbers resolve (review18n C1: 10 %–4× bugs on such entries of float32 losses passed)."""
    count = sum(t.coarse_open for t in report.tensors)
    checked = sum(t.checked for t in report.tensors)
    shown = [e for e in report.worst if e.note == "kink-limit"][:3]
    named = "; ".join(
        f"{label(entry, False)}: numeric {significant(entry.numeric, 6)}, gradient "
        f"{significant(entry.analytic, 6)}"
        for entry in shown
    )
    named = f" ({named}{'; …' if count > len(shown) else ''})" if shown else ""
    where = label(shown[0], False) if shown else "such an entry"
    verb = "stays" if count == 1 else "stay"
    return (
        f"Inconclusive: {count:,} of {checked:,} entries{named} {verb} undecided in a loss "
        f"that rounds far coarser than {report.settings.dtype}, the first ε's window being "
        f"{resolve_words(report)}: neither that window nor wider steps could tell the "
        "gradient there from a wrong one (the wider steps cross a kink), and the window "
        "holds bugs the loss's own numbers resolve, so a bug is not ruled out: no pass. "
        f"Sweep {where} in the ε explorer "
        "(fdgui-cli sweep --probe) to decide."
    )
