"""σ of a loss that differs between two evaluations at the same point (a noisy loss).

Shared by the network check and the ε sweep: both evaluate the loss a few times at a point
(``NOISE_REPEATS``), and where those differ, ``NOISE_MORE`` more, so σ is measured well
enough for the windows it sets. σ from four values (three degrees of freedom) is below a
third of the truth one time in twenty, and every window of ``NOISE_WIDTH``·σ/h is then
about one standard deviation of the difference it judges; from twenty values it is below
0.63 of the truth one time in a hundred. A deterministic loss costs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fdgui.core.numbers.precision import unit_roundoff

NOISE_WIDTH = 4.0  # windows widen by this many σ/h
NOISE_REPEATS = 4  # extra evaluations of L(θ0) that measure the noise
NOISE_MORE = 16  # more repeats at a point whose first ones differ
ROUNDOFF_SPREAD = 8.0  # repeats within this many u·max(1, |L|) differ by round-off only


def repeat_sigma(values: np.ndarray, precision: str | None = None) -> float:
    """σ of repeated evaluations of one loss: exactly 0 when they are all the same number
    (the deviations are taken from the first value, so no mean's rounding enters), 0 when
    any is not finite, and (``precision`` given) 0 when they all lie within
    ROUNDOFF_SPREAD·u·max(1, |L|) of each other: a sum taken in another order each call
    differs in its last bits, which is round-off (measured as such), not noise."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size < 2 or not np.all(np.isfinite(values)) or np.all(values == values[0]):
        return 0.0
    if precision is not None:
        floor = ROUNDOFF_SPREAD * unit_roundoff(precision) * max(1.0, float(np.max(np.abs(values))))
        if float(np.ptp(values)) <= floor:
            return 0.0
    return float(np.std(values - values[0], ddof=1))


def steady_sigma(
    losses: Callable[[np.ndarray], np.ndarray],
    point: np.ndarray,
    values: np.ndarray,
    precision: str,
) -> float:
    """σ of the loss at ``point`` from its repeated ``values``, with NOISE_MORE more
    evaluations there (``losses`` of a batch of points) when those differ (else 0)."""
    sigma = repeat_sigma(values, precision)
    if sigma == 0:
        return 0.0
    more = losses(np.repeat(np.asarray(point, dtype=float)[None, :], NOISE_MORE, axis=0))
    return repeat_sigma(np.concatenate([np.ravel(values), np.ravel(more)]), precision)
