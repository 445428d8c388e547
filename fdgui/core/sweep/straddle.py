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
    known = result.smooth or result.switched is not None  # no kink, or known where
    judging = None if known else _trusted_richardson(result)
    if judging is None:
        return result
    found, usable = judging
    kink, epsilon = _kink(result, usable)
    references = list(result.references)
    richardson = references[found]
    if kink is None or epsilon is None:
        return result
    if kink == "crossed" and (
        richardson.span is None
        or epsilon > richardson.span
        or not (kink_stays(result, usable, epsilon) or crossed_kinks(result, epsilon))
    ):
        return result  # the kink lies beyond its largest step, or it is a staircase's steps
    where = "at w" if kink == "at" else f"about {numbers.significant(epsilon, 2)} from w"
    references[found] = replace(
        richardson,
        status="kink-nearby",
        note=f"{richardson.note}; its steps cross a kink of the loss that the one-sided "
        f"differences show ({where}), so it is not used to judge",
    )
    return _with_references(result, tuple(references))


KINKS_SPAN = 10.0  # the sides' first moves read from this factor below the leap's ε


def crossed_kinks(result, epsilon: float) -> bool:
    """Whether the one-sided differences' leap near ``epsilon`` is kinks', which need not
    stay apart (kinks on a grid, np.interp's: the next one bends them back), not a
    staircase's steps: each side's first move from KINKS_SPAN below it up changes slope
    continuously (``continuity.moves_continuously``; review18x C1)."""
    from fdgui.core.sweep.continuity import moves_continuously

    return moves_continuously(result, epsilon / KINKS_SPAN)


def _trusted_richardson(result: SweepResult) -> tuple[int, np.ndarray] | None:
    """The position of the first trusted Richardson reference after the gradient under
    check, and where the central differences are usable; None without either, or for
    measured rows (read elsewhere)."""
    if result.kind == "measured":
        return None
    usable = ~result.vanished & np.isfinite(result.central.estimates)
    first = 1 if result.has_checked else 0
    for k in range(first, len(result.references)):
        if result.references[k].method == "Richardson" and result.references[k].trusted:
            return (k, usable) if usable.any() else None
    return None


def _with_references(result: SweepResult, references: tuple, guides: dict | None = None):
    """``result`` with ``references``, each scheme's best ε chosen again by them (and by
    ``guides``, each scheme's truncation, where given)."""
    if guides is None:
        guides = {name: curve.truncation_guide for name, curve in result.curves.items()}
    curves = _curves(
        result.epsilons,
        result.loss_values,
        result.loss_plus,
        result.loss_minus,
        {name: curve.estimates for name, curve in result.curves.items()},
        None if result.reference is None else result.reference.value,
        _candidates(result),
        guides,
        _best_by(references, result.has_checked),
    )
    return replace(result, references=references, curves=curves)


def judged_references(result: SweepResult) -> SweepResult:
    """A computed sweep's references as they may judge: not a Richardson whose steps
    straddle a kink the differences show (``distrust_straddling``), nor one whose bar the
    differences refute (``distrust_unbounded``), nor one they show measured no derivative
    (``richardson_trust.distrust_unsettled``: a structure finer than its steps, steps inside a
    quantum); a Richardson 0 from a loss that never changes carries what a coarser format
    could hide (``unchanged.with_unchanged_bar``)."""
    from fdgui.core.sweep.guides import with_measured_truncation
    from fdgui.core.sweep.quantum import with_quantum_floor
    from fdgui.core.sweep.richardson_trust import distrust_unsettled
    from fdgui.core.sweep.unchanged import with_unchanged_bar

    result = with_unchanged_bar(result)  # a loss that never changes bounds only so far
    result = with_quantum_floor(result)  # a quantised loss's round-off is its quantum over ε
    result = with_measured_truncation(result)  # the truncation the differences show
    result = distrust_unsettled(distrust_unbounded(distrust_straddling(result)))
    from fdgui.core.sweep.inner_format import blind_stretch

    if blind_stretch(result) is not None:  # no best ε where an inner format does not move
        result = _with_references(result, result.references)
    return result


def _candidates(result: SweepResult) -> np.ndarray:
    """Where a scheme's best ε may lie: not where w ± ε vanished, nor at the ε at or below
    a coarser inner format's first move (``inner_format.blind_stretch``: they measure
    nothing, review15x X1)."""
    from fdgui.core.sweep.inner_format import blind_stretch

    candidates = ~result.vanished
    blind = blind_stretch(result)
    if blind is not None and (candidates & ~blind).any():
        candidates = candidates & ~blind
    return candidates


def distrust_unbounded(result: SweepResult) -> SweepResult:
    """``result`` with its trusted Richardson reference marked ``unconverged`` when the
    central differences resolve the derivative far better than its bar and refute its value
    (``fd_verdict``): its bar does not bound (tanh(1e6·w) at 2e-6: 235447 ± 52000 where the
    differences settle on 70650.8 over decades of ε). Unchanged when the differences show
    a kink (they then measure no derivative there) or for measured rows."""
    from fdgui.core.sweep.fd_verdict import fd_refute

    crossing = result.switched is not None and result.switched.any()
    judging = None if crossing else _trusted_richardson(result)
    if judging is None:
        return result
    found, usable = judging
    references, richardson = list(result.references), result.references[found]
    if result.switched is None and not result.smooth and _kink(result, usable)[0] is not None:
        return result
    if not fd_refute(result, richardson, usable):
        return result
    references[found] = replace(
        richardson,
        status="unconverged",
        note=f"{richardson.note}; the central differences, which resolve the derivative far "
        "more finely than its bar, settle outside it: the bar does not bound, so it is not "
        "used to judge",
    )
    return _with_references(result, tuple(references))
