"""The truncation a sweep's central differences may carry: the guides from the loss's
higher derivatives, and what the differences themselves show beyond them.

A probe's second and third derivatives come from five float64 losses at one step
h = u^(1/5)·max(1, |w|) (``derivative_guides``). Where the loss varies on a scale far below
that step (1e-12·sin(5e7·w) on a constant loss) the five values average the variation away
and the guide |L'''|·ε²/6 falls short by many orders of magnitude. A guide too small lets
differences that are only truncation read as resolving the derivative, and as refuting a
correct gradient (review_final19 CRITICAL-3: 22 of 25 correct files "wrong").

The differences themselves say how much truncation they carry: at two ε a correct
derivative's differences are each within their predicted error of it, so they differ from
each other by no more than the two predicted errors together. Where they differ by more,
the prediction at the larger ε (truncation grows with ε) falls short by at least the excess
(``measured_truncation``), and the sweep counts that too (``SweepResult.predicted_error``).
The gradient under check does not enter it: a bug is still judged where the differences
agree with one another.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def derivative_guides(objective: Any, w: float | None = None) -> tuple[float | None, float | None]:
    """The second and third derivatives at w (default w0), for the truncation guides.

    An expression's are exact (extended precision, core/sweep/extended.py); any other
    model's come from five float64 evaluations with h = u^(1/5)·max(1,|w|) — a few digits are
    plenty to draw a guide.
    """
    from fdgui.core.sweep.engine import _expression_text

    w = objective.point if w is None else float(w)
    text = _expression_text(objective)
    if text is not None:
        from fdgui.core.sweep import extended

        try:
            return extended.higher_derivatives(text, w)
        except extended.Undefined:
            return None, None
    h = np.float64(2.0 ** (-53 / 5)) * max(1.0, abs(w))
    offsets = np.array([-2.0, -1.0, 0.0, 1.0, 2.0]) * h
    if not np.isfinite(h**3 if abs(h) < 1e100 else np.inf):  # |w| near float64's top
        return None, None
    with np.errstate(all="ignore"):
        values = objective.losses(w + offsets, "float64")
        second = (values[3] - 2 * values[2] + values[1]) / h**2
        third = (values[4] - 2 * values[3] + 2 * values[1] - values[0]) / (2 * h**3)
    return (
        float(second) if np.isfinite(second) else None,
        float(third) if np.isfinite(third) else None,
    )


NEIGHBOURS = 3  # grid points each side whose scatter bounds a difference's noise
SURE = 0.1  # a smaller ε's difference resolves the derivative to this share of itself


def measured_truncation(result) -> np.ndarray | None:
    """Per ε, how far the central differences' truncation exceeds the guide's prediction
    (0 where the guide explains them): over ε in increasing order, the largest
    |D(ε) − D(ε')| − n(ε) − n(ε') − t(ε') over every smaller ε' whose loss moved (L+ ≠ L−),
    less the guide already counted at ε, with n the predicted round-off (u·|L|/ε or the
    quantum over ε, the rounding of w ± ε), at least the largest second difference of the
    differences within NEIGHBOURS grid points, and t the truncation found so far. None for
    measured rows (their truncation is read by their own Richardson) or where the guide
    explains every difference."""
    if result.kind == "measured":
        return None
    epsilons = np.asarray(result.epsilons, dtype=float)
    estimates = np.asarray(result.central.estimates, dtype=float)
    forward = np.asarray(result.forward.estimates, dtype=float)
    backward = np.asarray(result.backward.estimates, dtype=float)
    with np.errstate(all="ignore"):
        usable = (
            ~np.asarray(result.vanished, dtype=bool)
            & np.isfinite(estimates)
            & (result.loss_plus != result.loss_minus)
        )
        if usable.sum() < 2:
            return None
        size = float(np.median(np.abs(estimates[usable])))
        guide = result.central.truncation_guide
        if guide is None:
            guide = np.zeros_like(epsilons)
        guide = np.where(np.isfinite(guide), guide, 0.0)
        noise = np.asarray(result.predicted_error("central", gradient=size), dtype=float) - guide
    order = [int(k) for k in np.argsort(epsilons) if usable[k]]
    # a loss summed from many terms rounds more than u·|L|: each difference's noise is at
    # least the scatter of its neighbours on the grid (a stray at 1e-12 is no truncation),
    # read from their second differences, which a smooth trend over ε (truncation) leaves
    # nearly 0 and round-off does not
    values = estimates[order]
    bends = np.zeros_like(values)
    if values.size >= 3:
        with np.errstate(over="ignore", invalid="ignore"):  # estimates near float64's top
            bends[1:-1] = np.abs(values[:-2] - 2.0 * values[1:-1] + values[2:])
    for position, index in enumerate(order):
        near = bends[max(0, position - NEIGHBOURS) : position + NEIGHBOURS + 1]
        noise[index] = max(noise[index], float(np.max(near)))
    truncation = guide.copy()
    kinked = _one_side_stays(order, epsilons, estimates, (forward, backward), noise + guide)
    beside = np.zeros(epsilons.size, dtype=bool)  # ε past a kink beside w (one side stays)
    for position in range(1, len(order)):
        here, below = order[position], np.asarray(order[:position])
        with np.errstate(all="ignore"):
            allowed = noise[here] + noise[below] + truncation[below]
            excess = np.abs(estimates[here] - estimates[below]) - allowed
            # one side still measuring the smaller ε's value: the other crossed a kink beside
            # w (a jump, not truncation; the kink readings and one-sided tests take it)
            largest = float(np.max(excess))
        if kinked[position]:
            beside[here] = np.isfinite(largest) and largest > truncation[here]
            continue
        if np.isfinite(largest) and largest > truncation[here]:
            truncation[here] = largest
    extra = truncation - guide
    result.extras["kink_side"] = beside  # not a reading of the derivative at w (estimates)
    return extra if np.any(extra > 0) else None


def _one_side_stays(order, epsilons, estimates, sides, noise) -> np.ndarray:
    """Per position of ``order`` (usable ε, increasing): whether one side of w, there and at
    over a decade of grid points each side, measures what the smallest decade of ε whose
    central differences resolve the derivative to SURE of themselves settles on (a kink
    beside w bends the other side only: a jump, which the kink readings take, not
    truncation). A run, not one point: one-sided differences of a loss varying faster than
    ε cross any value by chance."""
    index = np.asarray(order)
    values = estimates[index]
    stays = np.zeros(index.size, dtype=bool)
    with np.errstate(all="ignore"):
        sure = np.flatnonzero(noise[index] <= SURE * np.abs(values))
        if sure.size == 0:
            return stays
        first = epsilons[index[sure[0]]]
        decade = sure[epsilons[index[sure]] <= 10.0 * first]
        settled = float(np.median(values[decade]))
        bar = float(np.ptp(values[decade]) + np.max(noise[index[decade]]))
        agree = np.zeros(index.size, dtype=bool)
        for side in sides:
            agree |= np.abs(side[index] - settled) <= noise[index] + bar
    agree[: decade[-1] + 1] = False
    # a decade of grid points each side: a smooth loss's one-sided difference passes the
    # value on its way (sqrt(x² + δ²) near δ); a side that never crossed a kink stays on it
    span = max(
        NEIGHBOURS,
        int(np.ceil(index.size / max(np.log10(epsilons[index[-1]] / epsilons[index[0]]), 1.0))),
    )
    for position in range(index.size):
        low, high = position - span, position + span + 1
        stays[position] = low >= 0 and high <= index.size and bool(agree[low:high].all())
    return stays


def reading_mask(result, mask: np.ndarray) -> np.ndarray:
    """``mask`` less the ε past a kink beside w that ``measured_truncation`` found (one side
    stays on the small-ε value, the central differences average two slopes): an estimate
    of the derivative at w is never read there."""
    beside = result.extras.get("kink_side")
    return mask if beside is None else np.asarray(mask, dtype=bool) & ~beside


def with_measured_truncation(result):
    """``result`` whose central differences' predicted error also counts the truncation
    they show (``measured_truncation``); unchanged where the guide explains them."""
    extra = measured_truncation(result)
    if extra is None:
        return result
    from dataclasses import replace

    return replace(result, extras={**result.extras, "measured_truncation": extra})


SETTLED_MARGIN = 5.0  # bars of the differences' own settled reading that refute a claim


def reading_refutes(result, checked: float, mask: np.ndarray) -> bool:
    """True when the central differences' own settled reading (``fd_verdict.fd_bar`` over
    ``mask`` less the ε past a kink beside w) puts ``checked`` more than SETTLED_MARGIN of
    its bars away. Its bar (the spread over a decade of ε plus the largest predicted error
    there, measured truncation included) bounds the derivative; where the measured
    truncation grows right above the resolving ε (sqrt(x² + δ²) at w = δ = 1e-12: the slope
    1/√2 holds only below δ), no ε-by-ε test over several decades is left, but the decade
    below still resolves a 5 % bug to a tenth of it."""
    if result.kind == "measured" or not np.isfinite(checked):
        return False
    own = settled_reading(result, mask)
    if own is None:
        return False
    value, bar = own
    return bool(np.isfinite(bar) and abs(float(checked) - value) > SETTLED_MARGIN * bar)


def settled_reading(result, mask: np.ndarray) -> tuple[float, float] | None:
    """The central differences' own reading (value, bar) over ``mask`` less the ε past a
    kink beside w (``fd_verdict.fd_bar``); None where no decade of ε gives one."""
    from fdgui.core.sweep.fd_verdict import fd_bar

    return fd_bar(result, reading_mask(result, mask))
