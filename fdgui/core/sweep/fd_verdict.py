"""Whether a computed sweep's finite differences, where they resolve the derivative, refute a
value (``_fd_contradicts``), and whether they resolve it far better than a reference's bar
(``fd_outvotes``): a reference's wide bar never outvotes finite differences that resolve the
derivative (review9g #6: sin(1e3·w) with a 5 % bug "confirmed" by a Richardson bar of 5 %
while the central differences settled to 1e-8 of the truth), and a reference the resolving
differences refute has a bar that does not bound (review9g #7: tanh(1e6·w), Richardson
235447 ± 52000 against a derivative of 70650.8): ``straddle.judged_references`` then shows
it unconverged, never used to judge. Measured rows have their own rule (``kink_room``)."""

from __future__ import annotations

import numpy as np

from fdgui.core.sweep.engine import SweepResult
from fdgui.core.sweep.flat import flat_contradicts, one_side_agrees, small_steps_agree
from fdgui.core.sweep.guides import reading_refutes

WRONG_AGAINST_CONSENSUS = 1e-4  # relative disagreement with the finite differences
RESOLVED_MARGIN = 2.0  # or beyond this many times their own settled bar (fd_bar)


RESOLVING_LEVELS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)  # predicted error / gradient


def _fd_contradicts(result: SweepResult, checked: float, mask: np.ndarray) -> bool:
    """True when the finite differences, where the dtype can resolve the gradient, sit far
    from ``checked`` at (nearly) every such ε.

    "Can resolve" means the predicted error of a correct gradient (round-off u·|L|/ε, the
    rounding of w ± ε, truncation) is at most a tenth of the gradient's size and the loss
    changed at all (L+ ≠ L−). "Far" means more than 10× that predicted error and more than
    what the differences resolve: twice their own settled bar (``fd_bar``) where they give
    one narrower than 1e-4 relative, else 1e-4 relative (a 1e-4 bug on 1e4·x² + x, whose
    differences settle on the slope to 1e-16, fell under a fixed 1e-4 floor). Where the
    dtype resolves nothing, nothing contradicts.

    The ε whose predicted error is as large as the difference itself cannot tell it apart
    (a 2 % error against a round-off of 3 % at ε ≈ 1e-15): they neither count for nor
    against. So the test is made again over the ε that resolve a hundredth, a thousandth …
    of the gradient (each set spanning at least a decade of ε): far at nearly every ε of any
    of them contradicts.
    """
    if flat_contradicts(result, checked, mask):  # L+ = L = L− where that is resolvable
        return True
    if one_side_agrees(result, checked, mask) and not _below_sides(result, checked, mask):
        return False  # a kink beside w bends the other side only
    if small_steps_agree(result, checked, mask):  # the rest is a probe's unknown truncation
        return False
    if reading_refutes(result, checked, mask):  # guides.py: beyond their settled bars
        return True
    own = fd_bar(result, mask)
    resolved = None if own is None else RESOLVED_MARGIN * own[1]
    if _fd_contradicts_at(result, checked, mask, RESOLVING_LEVELS[0], resolved=resolved):
        return True
    return any(
        _fd_contradicts_at(result, checked, mask, level, min_decades=1.0, resolved=resolved)
        for level in RESOLVING_LEVELS[1:]
    )


def _below_sides(result: SweepResult, checked: float, mask: np.ndarray) -> bool:
    """Whether the differences' settled reading refutes ``checked`` (``reading_refutes``)
    by less than a side's agreement can resolve (``flat.AGREE_LEVEL`` of it): a side that
    matches within that says nothing about so small a disagreement (a claim of the smooth
    part of sin(w) + 1e-11·sin(1e7·w), 2e-6 off, "matched" the forward differences to
    1e-5 where the central ones settle 8 of their bars from it)."""
    from fdgui.core.sweep.flat import AGREE_LEVEL
    from fdgui.core.sweep.guides import settled_reading

    own = settled_reading(result, mask)
    if own is None or not reading_refutes(result, checked, mask):
        return False
    return abs(float(own[0]) - float(checked)) < AGREE_LEVEL * abs(float(checked))


def _fd_contradicts_at(
    result: SweepResult,
    checked: float,
    mask: np.ndarray,
    level: float,
    min_decades: float = 0.0,
    resolved: float | None = None,
) -> bool:
    """``_fd_contradicts`` over the ε whose predicted error is at most ``level`` of the
    gradient's size (and, with ``min_decades``, only when they span that many decades);
    ``resolved``: what the differences resolve (absolute), when they say."""
    if result.kind == "measured":
        return False  # rows' truncation is unknown but through a Richardson reference
    estimates = result.central.estimates
    with np.errstate(all="ignore"):
        finite = mask & np.isfinite(estimates) & (result.loss_plus != result.loss_minus)
        if not finite.any():
            return False
        typical = float(np.median(np.abs(estimates[finite])))
        # the derivative's own size: an absolute floor (1e-8) hid every error of a loss
        # scaled by 1e-15 (review9g #5); only when both are 0 does it stand in
        size = max(abs(checked), typical) or 1e-8
        predicted = result.predicted_error("central", gradient=size)
        resolving = finite & (predicted <= level * size)
        count = int(resolving.sum())
        if count == 0:
            return False
        if min_decades:
            picked = result.epsilons[resolving]
            if count < 3 or np.log10(picked.max() / picked.min()) < min_decades:
                return False
        error = np.abs(estimates - checked)
        relative = error / np.maximum(np.maximum(np.abs(estimates), abs(checked)), 1e-8 * size)
        far = (error > 10.0 * predicted) & (relative > WRONG_AGAINST_CONSENSUS)
        if resolved is not None:  # what they resolve, where finer than the fixed floor
            far |= (error > 10.0 * predicted) & (error > resolved)
    if count < 3:
        # two ε (a two-row table) show no trend: only a gross disagreement at both, where
        # the two estimates agree with each other far better than with the gradient (so
        # truncation cannot explain it), contradicts; one ε never does
        picked = estimates[resolving]
        return bool(
            count == 2
            and (far & (relative > 0.5))[resolving].all()
            and abs(picked[0] - picked[1]) < 0.1 * float(np.min(error[resolving]))
        )
    return bool(far[resolving].mean() >= 0.9)


OUTVOTE_MARGIN = 10.0  # the reference's bar, this many times the differences' own
MIN_WINDOW = 5  # central differences over a decade of ε, at least this many


def fd_bar(result: SweepResult, mask: np.ndarray) -> tuple[float, float] | None:
    """The central differences' own reading of the derivative: the median over the decade
    of ε (within ``mask``, every grid point of it usable: w ± ε formed, the loss moved,
    L+ ≠ L−) whose values spread least, and its bar — that spread plus the largest
    round-off predicted there (u·|L|/ε or the loss's quantum over ε, the rounding of w ± ε,
    the truncation guide). On a smooth stretch the differences are D(ε) = L' + c·ε² + …:
    over a decade c·ε² changes by 99 % of its largest value, so the spread bounds the
    truncation at every ε of it, and the bar bounds L' (the rows' own bar of a measured
    table, read from the sweep's grid). None for measured rows or without such a decade."""
    windows = decade_windows(result, mask)
    if not windows:
        return None
    _window, value, bar = min(windows, key=lambda item: item[2])
    return value, bar


def decade_windows(result: SweepResult, mask: np.ndarray) -> list[tuple[np.ndarray, float, float]]:
    """Every decade of ε ``fd_bar`` reads (grid points, median, bar), from the smallest ε,
    that the differences at smaller ε do not leave (``converged.deviates_below``); none for
    measured rows."""
    if result.kind == "measured":
        return []
    from fdgui.core.sweep.converged import usable_central
    from fdgui.core.sweep.flat import loss_resolution

    epsilons, estimates, usable = usable_central(result, mask)
    with np.errstate(all="ignore"):
        if not usable.any():
            return []
        size = float(np.median(np.abs(estimates[usable])))
        noise = np.asarray(result.predicted_error("central", gradient=size), dtype=float)
        noise = np.maximum(noise, loss_resolution(result) / epsilons)
    order = np.argsort(epsilons)
    # a decade as far as the grid allows: 400 ε over 29 decades step ×1.18, and no run of
    # them spans 9× within 10× (no window was ever read on such a grid)
    steps = np.diff(np.log10(epsilons[order]))
    step = float(np.median(steps[steps > 0])) if np.any(steps > 0) else 0.0
    reach = min(9.0, 10.0 ** (1.0 - step))
    windows: list[tuple[np.ndarray, float, float]] = []
    for position, start in enumerate(order):
        if not usable[start]:
            continue
        window = order[position:]
        window = window[epsilons[window] <= 10.0 * epsilons[start]]
        if window.size < MIN_WINDOW or epsilons[window[-1]] < reach * epsilons[start]:
            continue
        if not usable[window].all() or not np.isfinite(noise[window]).all():
            continue
        values = np.sort(estimates[window])  # finite: every point of it usable
        middle = (values[(values.size - 1) // 2] + values[values.size // 2]) / 2  # np.median's
        bar = float(values[-1] - values[0] + np.max(noise[window]))
        windows.append((window, float(middle), bar))
    # a decade the differences at smaller ε leave (a run of them beyond twice its bar and
    # theirs) read structure finer than its ε as its bar: not converged (``converged``)
    from fdgui.core.sweep.converged import deviates_below, rounds_as_float64

    if not rounds_as_float64(result):
        return windows
    return [
        (window, value, bar)
        for window, value, bar in windows
        if not deviates_below(
            epsilons, estimates, usable, noise, value, bar, float(epsilons[window].min())
        )
    ]


def fd_outvotes(result: SweepResult, reference, mask: np.ndarray) -> tuple[float, float] | None:
    """The central differences' own reading (``fd_bar``) when it resolves the derivative
    far better than ``reference``'s: a trusted Richardson reference (computed; an
    expression's exact derivative and complex step share no truncation with them) whose
    bar is more than OUTVOTE_MARGIN times theirs; else None."""
    if reference is None or reference.method != "Richardson" or not reference.trusted:
        return None
    own = fd_bar(result, mask)
    if own is None or not OUTVOTE_MARGIN * own[1] < float(reference.error):
        return None
    return own


def fd_refute(result: SweepResult, reference, mask: np.ndarray) -> bool:
    """Whether the central differences, resolving the derivative far better than
    ``reference`` (``fd_outvotes``), put it beyond both bars from the reference's value:
    the two bars do not overlap, and the reference's, the wider, does not bound."""
    own = fd_outvotes(result, reference, mask)
    if own is None:
        return False
    value, bar = own
    return bool(abs(value - float(reference.value)) > bar + float(reference.error))
