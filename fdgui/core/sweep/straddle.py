"""A Richardson reference whose steps straddle a kink the sweep itself shows is not used to
judge.

``loss_format.crossed`` looks for a kink in Richardson's own steps before the sweep; the
sweep's one-sided differences then read the loss over many more ε. When their jump
f(ε) − b(ε) stays flat down to the smallest readable ε (a kink at w) or leaps up at some ε
inside Richardson's span (a kink that far from w), Richardson's central differences mixed
two slopes: its tableau extrapolates their average with a bar that says nothing about the
derivative at w. A jump visible in the differences wins over such a reference (1e4·x² + |x|
at 0: Richardson 0 ± 1.1e-6 had called the subgradient 1 "wrong"). The best ε of each scheme
is then chosen again without it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fdgui.core.numbers import format as numbers
from fdgui.core.sweep.engine import SweepResult, _best_by, _curves
from fdgui.core.sweep.evidence import _kink, kink_stays


def distrust_straddling(result: SweepResult) -> SweepResult:
    """``result`` with its trusted Richardson reference marked ``kink-nearby`` when the
    sweep's differences show a kink at w, or one crossed at an ε within Richardson's span;
    unchanged otherwise (an expression knows its kinks; measured rows are read elsewhere)."""
    if result.smooth or result.switched is not None or result.kind == "measured":
        return result
    references = list(result.references)
    first = 1 if result.has_checked else 0
    found = [
        k
        for k in range(first, len(references))
        if references[k].method == "Richardson" and references[k].trusted
    ]
    usable = ~result.vanished & np.isfinite(result.central.estimates)
    if not found or not usable.any():
        return result
    kink, epsilon = _kink(result, usable)
    richardson = references[found[0]]
    if kink is None or epsilon is None:
        return result
    if kink == "crossed" and (
        richardson.span is None
        or epsilon > richardson.span
        or not kink_stays(result, usable, epsilon)
    ):
        return result  # the kink lies beyond its largest step, or it is a staircase's steps
    where = "at w" if kink == "at" else f"about {numbers.significant(epsilon, 2)} from w"
    references[found[0]] = replace(
        richardson,
        status="kink-nearby",
        note=f"{richardson.note}; its steps cross a kink of the loss that the one-sided "
        f"differences show ({where}), so it is not used to judge",
    )
    references_tuple = tuple(references)
    curves = _curves(
        result.epsilons,
        result.loss_values,
        result.loss_plus,
        result.loss_minus,
        {name: curve.estimates for name, curve in result.curves.items()},
        None if result.reference is None else result.reference.value,
        ~result.vanished,
        {name: curve.truncation_guide for name, curve in result.curves.items()},
        _best_by(references_tuple, result.has_checked),
    )
    return replace(result, references=references_tuple, curves=curves)
