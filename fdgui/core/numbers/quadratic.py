"""How far losses along a line stray from the smooth curve through them: their round-off."""

from __future__ import annotations

import math

import numpy as np


def largest_residual(k: np.ndarray, values: np.ndarray) -> float | None:
    """The largest deviation of ``values`` (losses at offsets ``k`` along a line) from the
    least-squares quadratic through their finite ones; None when fewer than 4 are finite.
    A smooth loss is a quadratic over a short enough stretch, so what is left is round-off
    (or a jump or kink, which callers rule out)."""
    finite = np.isfinite(values)
    if finite.sum() < 4:
        return None
    centre = values[finite][finite.sum() // 2]
    with np.errstate(all="ignore"):
        fit = np.polyfit(k[finite], values[finite] - centre, 2)
        residual = values[finite] - centre - np.polyval(fit, k[finite])
    largest = float(np.max(np.abs(residual)))
    return largest if math.isfinite(largest) else 0.0
