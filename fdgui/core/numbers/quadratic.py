"""How far losses along a line stray from the smooth curve through them: their round-off."""

from __future__ import annotations

import math

import numpy as np


def largest_residual(k: np.ndarray, values: np.ndarray, degree: int = 2) -> float | None:
    """The largest deviation of ``values`` (losses at offsets ``k`` along a line) from the
    least-squares polynomial of ``degree`` through their finite ones; None when fewer than
    degree + 2 are finite. A smooth loss is such a polynomial over a short enough stretch,
    so what is left is round-off (or a jump or kink, which callers rule out)."""
    finite = np.isfinite(values)
    if finite.sum() < degree + 2:
        return None
    centre = values[finite][finite.sum() // 2]
    with np.errstate(all="ignore"):
        fit = np.polyfit(k[finite], values[finite] - centre, degree)
        residual = values[finite] - centre - np.polyval(fit, k[finite])
    largest = float(np.max(np.abs(residual)))
    return largest if math.isfinite(largest) else 0.0


FAN_POINTS = 7  # losses on each side of a point, the point included
FAN_DEGREE = 3  # a cubic takes the line's curvature and its change out, not only a parabola


def fan_offsets() -> np.ndarray:
    """Offsets −(FAN_POINTS−1) … FAN_POINTS−1 (in spacings) of a line's points: two fans,
    each starting at the point itself."""
    return np.arange(-(FAN_POINTS - 1), FAN_POINTS, dtype=np.float64)


def fan_residuals(values: np.ndarray) -> list[float | None]:
    """The residuals (``largest_residual`` of a cubic) of the two one-sided fans of losses
    at ``fan_offsets()``: the left one ends at the middle point, the right one starts there.

    A fan never straddles its own starting point, so a kink *at* the point (an exact zero
    under an L1 penalty, a relu whose input is 0 there) lies in neither, and one near it
    (or a jump) in one side only: callers take a low statistic over fans. None for a fan
    with too few finite losses."""
    k = np.arange(FAN_POINTS, dtype=np.float64)
    fans = (values[:FAN_POINTS][::-1], values[FAN_POINTS - 1 :])
    return [largest_residual(k, fan, FAN_DEGREE) for fan in fans]
