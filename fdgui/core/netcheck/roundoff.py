"""The round-off of one loss value, measured near θ0 (both probe engines use it).

A loss made of large terms that cancel (an offset of 1e9 added and taken away, a sum whose
terms are far larger than the result) rounds as its terms do, not as u·|L|. Seven losses
along a fixed random unit direction, an eighth of the step apart, are a quadratic to far
more digits than the loss has: what is left after fitting one is the round-off.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fdgui.core.numbers.precision import recommended_epsilon
from fdgui.core.numbers.quadratic import largest_residual

ROUNDOFF_POINTS = 7  # losses along a line near θ0 that measure the loss's round-off
ROUNDOFF_SAFETY = 3.0  # the largest deviation seen, times this, bounds one loss's round-off


def measure_roundoff(
    losses: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    precision: str,
    epsilon: float | None = None,
    share: float | None = None,
) -> float:
    """The largest deviation from the quadratic through the loss at ROUNDOFF_POINTS equally
    spaced points along a fixed random unit direction (``epsilon``/8 apart; the precision's
    recommended step when None). 0 when fewer than 4 of them are finite, and (``share``
    given) when the deviation is more than ``share`` of the losses' own range along the line:
    that is a jump or a kink crossed, not round-off (a check must not widen its tolerances
    by it; an estimate's bar may)."""
    unit = np.random.default_rng(11).normal(size=theta.size)
    unit /= np.linalg.norm(unit)
    spacing = (recommended_epsilon(precision, 0.0) if epsilon is None else float(epsilon)) / 8
    k = np.arange(ROUNDOFF_POINTS, dtype=np.float64) - (ROUNDOFF_POINTS - 1) / 2
    values = losses(theta[None, :] + (k * spacing)[:, None] * unit[None, :])
    largest = largest_residual(k, values)
    if largest is None:
        return 0.0
    if share is not None:
        span = float(np.ptp(values[np.isfinite(values)]))
        if not largest <= share * span:
            return 0.0
    return largest
