"""Rows that contradict each other at the same ε judge nothing sharper than their
disagreement (review12t M2).

A table whose rows share an ε with different losses (a second table appended, a block with
L+ and L− swapped, two runs of a noisy loss) is read one row per ε: the rows' Richardson
reference takes the first usable row of each ε. When the central differences of rows at
the same ε differ by more than their own ± (each loss's format and printed digits, as the
sweep reads them: ``extras["loss_noise"]``), the table's own measurement of the derivative
is uncertain by that gap, D, which no reference over the first rows knows. So:

- "wrong" stands only when the gradient under check lies farther from the reference than
  twice its bar, the gradient's own ± and D together (``SAFETY_FACTOR``, as every "wrong":
  it is then wrong by either measurement);
- "correct" stands only when D is within the reference's bar, or the bar widened by D
  still tells the gradient from one off by the "Wrong" band (``_resolves`` with
  ``WRONG_BAND``, as a noisy loss's reference must) with the gradient inside it;
- otherwise the rows neither confirm nor refute it: "Too coarse to judge (rows at the same
  ε disagree)" (case ``unresolved``, fact ``rows_disagree`` = D; ``sweep --table`` exits 2).

Rows at the same ε that agree within their ± (a measurement repeated, a last digit
rounded differently) change nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np


def disagreement(result: Any) -> float:
    """The largest gap, in the central difference, between rows that share an ε beyond
    their ± (0 when every group of rows at one ε agrees within it, or there is none)."""
    epsilons = np.asarray(result.epsilons, dtype=float)
    if epsilons.size < 2 or not np.any(epsilons[1:] == epsilons[:-1]):
        return 0.0
    central = np.asarray(result.central.estimates, dtype=float)
    noise = result.extras.get("loss_noise")
    with np.errstate(all="ignore"):
        bar = (
            (np.asarray(noise[0]) + np.asarray(noise[1])) / (2.0 * epsilons)
            if noise is not None
            else np.zeros_like(epsilons)
        )
    bar = np.where(np.isfinite(bar), bar, np.inf)
    finite = np.isfinite(central)
    gap = 0.0
    # rows are sorted by ε (stably): a group of equal ε is a run
    starts = np.flatnonzero(np.r_[True, epsilons[1:] != epsilons[:-1]])
    ends = np.r_[starts[1:], epsilons.size]
    for start, end in zip(starts, ends, strict=True):
        if end - start < 2:
            continue
        keep = finite[start:end]
        if np.count_nonzero(keep) < 2:
            continue
        values, bars = central[start:end][keep], bar[start:end][keep]
        gap = max(gap, float(np.max(values - bars) - np.min(values + bars)))
    return gap


def contradicting_rows(result: Any, diagnosis: Any) -> Any:
    """``diagnosis`` of measured rows, left undecided where rows at the same ε disagree
    beyond their ± by more than the verdict allows (module doc)."""
    if result.kind != "measured" or not result.has_checked:
        return diagnosis
    if diagnosis.kind not in ("correct", "wrong"):
        return diagnosis
    gap = disagreement(result)
    if not gap > 0.0:
        return diagnosis
    checked = next((r for r in result.references if r.method == "backprop"), None)
    reference = next(
        (
            r
            for r in result.references
            if r.method != "backprop" and r.trusted and r.error is not None
        ),
        None,
    )
    if checked is not None and reference is not None and np.isfinite(reference.value):
        from fdgui.core.sweep.diagnosis import SAFETY_FACTOR, WRONG_BAND, _resolves

        bar = float(reference.error)
        own = float(checked.error or 0.0)
        distance = abs(float(checked.value) - float(reference.value))
        if diagnosis.kind == "wrong" and distance > SAFETY_FACTOR * (bar + own + gap):
            return diagnosis  # wrong by either measurement
        if diagnosis.kind == "correct" and (
            gap <= bar
            or (
                distance <= bar + own + gap
                and _resolves(checked, replace(reference, error=bar + gap), WRONG_BAND)
            )
        ):
            return diagnosis  # the disagreement is within what the verdict allows
    keep = ("dtype", "unit_roundoff", "rule", "spacing", "checked", "method", "source")
    facts = {key: value for key, value in diagnosis.facts.items() if key in keep}
    facts.update(
        source="measured",
        measured_rows=True,
        rows_disagree=gap,
        limit="conflict",
        conflicting_epsilons=diagnosis.facts.get("conflicting_epsilons", []),
    )
    if reference is not None:
        facts.update(
            estimate=float(reference.value),
            estimate_error=reference.error,
            estimate_method=reference.method,
            estimate_status=reference.status,
        )
    return replace(
        diagnosis,
        kind="estimate",
        case="unresolved",
        recommended_by="no-useful-epsilon",
        limited_by="conflict",
        reasons=(),
        facts=facts,
    )
