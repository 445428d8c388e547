"""A loss exactly flat in w: L+ = L = L− where the change is resolvable (review9g #0).

A point where the loss did not change measures nothing when w ± ε rounded to w or when the
change a gradient would make is below the loss's resolution. But where w ± ε is formed, and
a gradient of the claimed size would move the loss by far more than its resolution (a dead
ReLU max(x − d, 0) at w < d, the flat stretch between two kinks), L+ = L = L− *is* the
measurement: the derivative there is 0, exactly, with no round-off. A gradient away from 0
is then contradicted.

The loss's resolution is u·|L| (the dtype's unit round-off), or the step of a quantised
loss: a loss rounded to multiples of a quantum is flat between its steps whatever its
slope, and every change it shows is a whole number of quanta. When every change seen
over the sweep is such a multiple of the smallest, that smallest change is taken as the
resolution (a few changes alone are taken so too: nothing shows they are not steps).
"""

from __future__ import annotations

import numpy as np

RESOLVED = 100.0  # the claimed change must exceed the loss's resolution this many times
MIN_POINTS = 5
MIN_DECADES = 1.0
WHOLE_STEPS = 0.05  # how far from a whole number of quanta a step may lie
FEW_CHANGES = 8  # fewer changes than this: they may all be steps


def loss_resolution(result) -> float:
    """The least change of the loss it can show: u·|L|, or a quantised loss's step."""
    u = float(result.unit_roundoff or 0.0)
    base = u * abs(float(result.loss))
    usable = ~np.asarray(result.vanished, dtype=bool)
    loss = np.asarray(result.loss_values, dtype=float)[usable]
    with np.errstate(all="ignore"):
        changes = np.concatenate(
            [
                np.abs(np.asarray(result.loss_plus, dtype=float)[usable] - loss),
                np.abs(loss - np.asarray(result.loss_minus, dtype=float)[usable]),
            ]
        )
    changes = changes[np.isfinite(changes) & (changes > 0)]
    if changes.size == 0:
        return base
    step = float(changes.min())
    # a subnormal step overflows the ratios (inf, then NaN slack): no whole multiples, base
    with np.errstate(over="ignore", invalid="ignore"):
        ratio = changes / step
        # each change carries the rounding of two losses (≤ 2·u·|L| each way), and so does
        # the step it is measured in, which the ratio multiplies: a change of 1.5 in steps
        # of 1e-12 read from losses near 0.2 is a whole number of them only to ± 1e7
        slack = WHOLE_STEPS + 4.0 * base * (ratio + 1.0) / step
        whole = np.all(np.abs(ratio - np.round(ratio)) <= slack)
    if changes.size < FEW_CHANGES or whole:
        return max(base, step)
    return base


def flat_contradicts(result, checked: float, mask: np.ndarray) -> bool:
    """True when, over the smallest decade of ε (within ``mask``) at which a gradient of
    size |checked| would move the loss by more than RESOLVED times its resolution, the
    central difference is exactly 0 (L+ = L−) at every such ε, those ε span at least a
    decade, the one-sided differences there measure 0 too (``_one_sided_vanish``), and
    |checked| is far beyond what a correct 0 could be off by there."""
    if result.kind == "measured" or not checked or not np.isfinite(checked):
        return False
    epsilons = np.asarray(result.epsilons, dtype=float)
    resolution = loss_resolution(result)
    slope = abs(float(checked))
    from fdgui.core.sweep.unchanged import unchanged_bound

    bound = unchanged_bound(result)  # a loss that never changes: a coarser part may hide it
    if bound is not None and not slope > RESOLVED * bound:
        return False
    with np.errstate(all="ignore"):
        candidate = (
            np.asarray(mask, dtype=bool)
            & ~np.asarray(result.vanished, dtype=bool)
            & (slope * epsilons > RESOLVED * max(resolution, np.finfo(float).tiny))
        )
        # what a correct derivative 0 may show at each ε (round-off, w ± ε's rounding,
        # truncation): the claim must be far beyond it
        predicted = np.asarray(result.predicted_error("central", gradient=0.0), dtype=float)
        candidate &= ~(predicted * 10.0 >= slope)
    if candidate.sum() < MIN_POINTS:
        return False
    order = np.argsort(epsilons)
    order = order[candidate[order]]
    run = []
    for index in order:  # the run with L+ = L− (the central difference exactly 0) from the
        if result.loss_plus[index] != result.loss_minus[index]:  # smallest resolving ε up
            break
        run.append(index)
    if len(run) < MIN_POINTS or np.log10(epsilons[run[-1]] / epsilons[run[0]]) < MIN_DECADES:
        return False
    return _one_sided_vanish(result, run[0], run[-1], slope)


ONE_SIDED_SHARE = 0.1  # one-sided slopes at most this share of the claim: as good as 0
ONE_SIDED_FALL = 0.3  # or, over the run, fallen at least this much (an even loss: L''·ε/2)


def _one_sided_vanish(result, low: int, top: int, slope: float) -> bool:
    """Whether the one-sided differences over the run of L+ = L− (grid points ``low`` …
    ``top``) measure a derivative 0: L+ = L = L− (they are 0), or a loss even about w to
    the last bit whose one-sided slopes L''·ε/2 fall towards 0 with ε (sqrt(x² + δ²) at 0,
    δ = 1e-12: L+ = L− ≠ L at every ε) — at the run's smallest ε a tenth of the claim or
    less, or ONE_SIDED_FALL of what they are at its top. A kink at w with slopes ±s
    (|x| + a curvature, even too) keeps them near ±s: any g in [−s, s] may be right."""
    with np.errstate(all="ignore"):
        one_sided = np.maximum(
            np.abs(np.asarray(result.forward.estimates, dtype=float)),
            np.abs(np.asarray(result.backward.estimates, dtype=float)),
        )
    first, last = float(one_sided[low]), float(one_sided[top])
    if not (np.isfinite(first) and np.isfinite(last)):
        return False
    return bool(first <= ONE_SIDED_SHARE * slope or first <= ONE_SIDED_FALL * last)


AGREE_LEVEL = 1e-5  # a side agrees when it resolves the gradient this finely and matches it
AGREE_PREDICTED = 3.0  # within this many times its predicted error


def one_side_agrees(result, checked: float, mask: np.ndarray) -> bool:
    """True when the forward or the backward differences match ``checked`` within 3× their
    predicted error at every ε of the smallest decade where that side resolves 1e-5 of the
    gradient (review9g #1): the loss is smooth on that side of w with the claimed slope.

    A kink beside w, closer than the ε where the central differences first resolve the
    gradient (1e-14 away), bends the other side and the central differences, which then
    settle on the average of two slopes; the side that does not cross it measures the
    derivative at w exactly. Matching to 3e-5 over a whole decade is no coincidence: a bug
    of 1e-4 or more is off by more on both sides of a smooth loss, and a slope read across
    a kink changes with ε."""
    if result.kind == "measured" or not np.isfinite(checked) or checked == 0:
        return False
    epsilons = np.asarray(result.epsilons, dtype=float)
    size = abs(float(checked))
    for estimates, predicted, resolving in one_sided_resolving(
        result, checked, mask, AGREE_LEVEL * size
    ):
        if resolving.sum() < MIN_POINTS:
            continue
        if _smallest_decade_agrees(epsilons, estimates, resolving, predicted, checked):
            return True
    return False


def one_sided_resolving(result, gradient: float, mask: np.ndarray, level: float):
    """For the forward and the backward side: (estimates, twice their predicted error
    around ``gradient``, and where they resolve to within ``level``: in ``mask``, w ± ε not
    vanished, the loss moved on that side, the estimate finite)."""
    for name, loss in (("forward", result.loss_plus), ("backward", result.loss_minus)):
        estimates = np.asarray(result.curves[name].estimates, dtype=float)
        with np.errstate(all="ignore"):
            predicted = 2.0 * np.asarray(result.predicted_error(name, gradient=gradient))
            resolving = (
                np.asarray(mask, dtype=bool)
                & ~np.asarray(result.vanished, dtype=bool)
                & (loss != result.loss_values)
                & np.isfinite(estimates)
                & (predicted <= level)
            )
        yield estimates, predicted, resolving


def _smallest_decade_agrees(
    epsilons: np.ndarray,
    estimates: np.ndarray,
    resolving: np.ndarray,
    predicted: np.ndarray,
    checked: float,
) -> bool:
    """Whether the estimates over the smallest decade of the ``resolving`` ε (at least
    MIN_POINTS of them) all match ``checked`` within AGREE_PREDICTED × their predicted error."""
    low = float(epsilons[resolving].min())
    decade = resolving & (epsilons <= 10.0 * low)
    if decade.sum() < MIN_POINTS:
        return False
    error = np.abs(estimates[decade] - checked)
    return bool(np.all(error <= AGREE_PREDICTED * predicted[decade]))


SMALL_LEVELS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
RESOLVES_GAP = 0.1  # the agreeing decade's error bound, at most this much of the gap


def small_steps_agree(result, checked: float, mask: np.ndarray) -> bool:
    """True when the central differences at the smallest ε that resolve the gradient match
    ``checked`` within 3× their predicted error, that error being a tenth or less of the gap
    between ``checked`` and where the differences settle over all ε (review9g #4b).

    sqrt(x² + δ²) at w = δ = 1e-12 changes its slope over 1e-12: above it the central
    differences settle near 0 (the far field of |x|), below it they measure 1/√2, which a
    probe's unknown truncation cannot predict. The smallest steps above round-off measure
    the derivative; larger ones only add truncation. A smooth loss's 1 % bug is off by 1 %
    at every ε that resolves 0.1 %, so it never agrees there."""
    if result.kind == "measured" or not np.isfinite(checked) or checked == 0:
        return False
    epsilons = np.asarray(result.epsilons, dtype=float)
    estimates = np.asarray(result.central.estimates, dtype=float)
    size = abs(float(checked))
    with np.errstate(all="ignore"):
        usable = (
            np.asarray(mask, dtype=bool)
            & ~np.asarray(result.vanished, dtype=bool)
            & (result.loss_plus != result.loss_minus)
            & np.isfinite(estimates)
        )
        predicted = 2.0 * np.asarray(result.predicted_error("central", gradient=checked))
    broad = usable & (predicted <= SMALL_LEVELS[0] * size)
    if broad.sum() < MIN_POINTS:
        return False
    gap = abs(float(np.median(estimates[broad])) - float(checked))
    for level in SMALL_LEVELS:
        if AGREE_PREDICTED * level * size > RESOLVES_GAP * gap:
            continue
        resolving = usable & (predicted <= level * size)
        if resolving.sum() < MIN_POINTS:
            break
        if _smallest_decade_agrees(epsilons, estimates, resolving, predicted, checked):
            return True
    return False
