"""The derivative at a branch switch whose two sides meet (w*abs(w) at 0, relu(w) − relu(−w)
at 0), with an error bar that bounds it.

At such a switch the float64 conventions (sign(0) = 0, relu'(0) = 0, a tie of maximum taking
its first argument) may pick a value neither side has (relu(w) − relu(−w): 0 for a slope of
1), so the derivative is read from the two sides. Each side is the **branch formula's
derivative at w itself**: every switch at w takes the branch it takes just beside w on that
side, and the chain rule is evaluated at w with no offset. Along a branch every piece is
smooth, so this is the one-sided limit of the derivative — exactly, to the precision's own
bar: w*abs(w) at 0 gives 0 on both sides, not the 2e-90 a slope taken 1e-90 beside w gives
(review12p C1: that 2e-90 came with a bar of 1e-107 and called a correct typed 0 wrong).

The slopes taken beside w (``KinkAt.left``/``right`` at 10^-30, ``KinkAt.closer`` at 10^-90)
are the check: a side's branch value must lie within what the offset can change from the
slope at 10^-90 — the slope's own move between 10^-30 and 10^-90, which bounds its move from
10^-90 to w for any one-sided slope c·δ^p with p ≥ 0.005. Where the branch evaluation fails
or strays, the middle of the closer slopes is the value and its bar holds their half-gap plus
that move: a slope measured δ away from w never has a bar smaller than what δ changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fdgui.core.sweep.dtype_exact import Arithmetic
from fdgui.core.sweep.extended import (
    START_DIGITS,
    Exact,
    KinkAt,
    Undefined,
    _mp,
    _up,
    converged_derivative,
    kink_at,
)

SLACK = 60  # decimal digits: a side agreeing with its closer slope this far is the same number


def two_sided(
    text: str, w: Any, value: float, error: float, exact: Exact, arithmetic: Arithmetic
) -> tuple[float, float] | KinkAt:
    """The derivative at ``w`` as the analytic reference reads it (``value`` ± ``error``,
    ``exact``: ``converged_derivative``'s in ``arithmetic``): unchanged where no switch is at
    w; read from the sides where a switch is at w and they meet (``removable_derivative``);
    the ``KinkAt`` where they do not, or one is infinite (no two-sided derivative). The
    analytic reference and the correct derivatives' segment (``claim_ends``: the constants
    as typed or as the dtype holds them) read every arithmetic by this one rule."""
    kink = kink_at(text, w, exact, arithmetic)
    if kink is None:
        return value, error
    if kink.infinite or not kink.removable:
        return kink
    if kink.closer is None:
        return value, error
    return removable_derivative(text, w, kink, value, error, arithmetic)


def _offset_moves(mp, kink: KinkAt) -> list[Any]:
    """Per side: how far the slope moved between 10^-30 and 10^-90 beside w (plus the
    float64 rounding of the one at 10^-30) — a bound on its move from 10^-90 to w."""
    moves = []
    for beside, closer in zip((kink.left, kink.right), kink.closer or (None, None), strict=True):
        if beside is None or closer is None:
            return []
        rounding = float(np.spacing(abs(beside))) if beside != 0 else 0.0
        moves.append(abs(mp.mpf(beside) - closer) + rounding)
    return moves


def _branch_limits(text: str, w: float, arithmetic: Arithmetic):
    """[(derivative, bar)] of the left and right branch formulas at w itself, or None where
    either has no derivative there."""
    sides = []
    for side in (-1, 1):
        try:
            _, bar, exact = converged_derivative(text, w, side, arithmetic, beside=False)
        except Undefined:
            return None
        sides.append((exact.derivative, bar))
    return sides


def removable_derivative(
    text: str, w: float, kink: KinkAt, value: float, error: float, arithmetic: Arithmetic
) -> tuple[float, float]:
    """(float64 derivative, a bar bounding its true error) at a switch whose sides meet;
    ``value`` ± ``error``: the float64 conventions' derivative at w, kept only where the
    sides' reading cannot be made and it lies within their reach."""
    mp = _mp()
    with mp.workdps(4 * START_DIGITS):
        moves = _offset_moves(mp, kink)
        if not moves:
            return value, error
        closer = kink.closer
        branches = _branch_limits(text, w, arithmetic)
        if branches is not None and all(
            abs(limit - near) <= move + bar + mp.mpf(10) ** -SLACK * max(1, abs(near))
            for (limit, bar), near, move in zip(branches, closer, moves, strict=True)
        ):
            (left, left_bar), (right, right_bar) = branches
            middle = (left + right) / 2
            result = float(middle)
            reach = abs(left - right) / 2 + max(left_bar, right_bar)
            return result, _up(mp, reach + abs(middle - mp.mpf(result)))
        left, right = closer
        middle = (left + right) / 2
        # the sides' middle is known to their half-gap plus what the offset can change
        reach = abs(left - right) / 2 + max(moves)
        if abs(mp.mpf(value) - middle) <= reach + mp.mpf(error):
            # the conventions' value lies within the sides' reach (relu'(0) = 0 for
            # log(1 + relu(w)**2)): it stands, with the distance the truth may be from it
            return value, max(error, _up(mp, abs(mp.mpf(value) - middle) + reach))
        result = float(middle)
        return result, _up(mp, reach + abs(middle - mp.mpf(result)))
