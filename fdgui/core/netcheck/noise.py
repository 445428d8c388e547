"""σ of a noisy loss, measured well enough for the windows it sets (review9h #2).

The check first evaluates a few repeats (``NOISE_REPEATS``) at a point: enough to see that
a loss is noisy, not to know how much. σ from four values (three degrees of freedom) is
below a third of the truth one time in twenty, and every window of ``NOISE_WIDTH``·σ/h is
then about one standard deviation of the difference it judges: a noisy smaller step of
the second look "agrees" with a wrong gradient by chance and explains a clear
disagreement as a kink. So where the first repeats differ, ``NOISE_MORE`` more are taken
at the same point and σ is measured from all of them (below 0.63 of the truth one time in
a hundred). A deterministic loss costs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fdgui.core.netcheck.reexamine import repeat_sigma

NOISE_MORE = 16  # more repeats at a point whose first ones differ


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
