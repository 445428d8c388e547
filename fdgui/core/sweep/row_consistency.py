"""Whether the rows a reference leaves out agree with it, and whether a run's h² law is
shown by the rows' own ± rather than by a tolerance.

A chain (``row_windows``) reads the Richardson reference over a few of the rows; the rows
it steps over are evidence too. Rows that show a structure the chain cannot see (a ripple
below the rows' ε, a kink near w) leave the curve through the chain's rows by far more than
their ±: then the chain's narrow bar is not what the rows say (review10h C3), and it is not
used. ``left_out_agree`` compares each row between the chain's smallest and largest used ε
with the chain's curve there (the parabola in ε² through the three nearest chain rows), within
``LEFT_OUT_SLACK`` times the row's ± plus the curve's own (its rows' ± carried through, and the
parabola's distance from the chord: what the next order of a smooth curve could change).

``drift_is_monotone``: between consecutive rows the h² law gives c = ΔD/Δ(ε²); the next order
of a smooth loss moves c steadily with ε² (c₀ + e·(ε₁² + ε₂²) + …). c's that go up and down
beyond their round-off do not follow a law of small ε (a ripple whose imprint the rows'
tolerance in ``references.h2_run`` lets pass, review10h C1): no bar is read from them. All in
units of the largest ε², so any ε scale works.
"""

from __future__ import annotations

import numpy as np

# a left-out row disagrees when it lies beyond this many times its ± plus the curve's
LEFT_OUT_SLACK = 3.0


def left_out_agree(
    steps: np.ndarray,
    estimates: np.ndarray,
    noise: np.ndarray,
    chain: np.ndarray,
    count: int,
) -> bool:
    """Whether every row not in ``chain`` (positions into the arrays) whose ε lies within the
    chain's ``count`` smallest ε agrees with the curve through those chain rows."""
    steps = np.asarray(steps, dtype=float)
    inside = np.zeros(steps.size, dtype=bool)
    inside[chain] = True
    picked = chain[np.argsort(steps[chain])][:count]
    if picked.size < 3:
        return True
    top = float(steps[picked[-1]])
    x_nodes = (steps[picked] / top) ** 2
    d_nodes, n_nodes = estimates[picked], noise[picked]
    x = (steps / top) ** 2
    others = ~inside & (x >= x_nodes[0]) & (x <= 1.0) & np.isfinite(estimates) & np.isfinite(noise)
    if not others.any():
        return True
    x, d, n = x[others], estimates[others], noise[others]
    right = np.clip(np.searchsorted(x_nodes, x), 1, picked.size - 1)
    left = right - 1
    third = np.where(right + 1 < picked.size, right + 1, left - 1)
    nodes = np.stack([left, right, third])
    xs = x_nodes[nodes]
    with np.errstate(all="ignore"):
        weights = np.empty_like(xs)
        for k in range(3):
            a, b = xs[(k + 1) % 3], xs[(k + 2) % 3]
            weights[k] = (x - a) * (x - b) / ((xs[k] - a) * (xs[k] - b))
        parabola = np.sum(weights * d_nodes[nodes], axis=0)
        spread = np.sum(np.abs(weights) * n_nodes[nodes], axis=0)
        share = (x - xs[0]) / (xs[1] - xs[0])
        chord = d_nodes[left] + share * (d_nodes[right] - d_nodes[left])
    allowed = n + spread + np.abs(parabola - chord)
    off = np.abs(d - parabola)
    usable = np.isfinite(off) & np.isfinite(allowed)
    return not bool(np.any(off[usable] > LEFT_OUT_SLACK * allowed[usable]))


def _pair_coefficients(
    steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, c, radius) of rows sorted by ε: x = (ε/ε_max)², and for each consecutive pair the
    coefficient c = ΔD/Δx of their central differences D against x and its round-off."""
    order = np.argsort(steps)
    h = np.asarray(steps, dtype=float)[order]
    x = (h / h[-1]) ** 2
    d, n = np.asarray(estimates, dtype=float)[order], np.asarray(noise, dtype=float)[order]
    with np.errstate(all="ignore"):
        q = x[1:] - x[:-1]
        return x, (d[1:] - d[:-1]) / q, (n[1:] + n[:-1]) / q


def drift_is_monotone(steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray) -> bool:
    """Whether the run's pair coefficients c (consecutive rows by ε) can move one way as ε
    grows, each within its round-off; fewer than three pairs always can."""
    if np.size(steps) < 4:
        return True
    _x, c, radius = _pair_coefficients(steps, estimates, noise)
    low, high = c - radius, c + radius
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
        return True
    rising = bool(np.all(np.maximum.accumulate(low) <= high))
    falling = bool(np.all(np.minimum.accumulate(high) >= low))
    return rising or falling


# a smooth loss's next order moves c by about e·Δ(ε²) with e ≈ c²/D (both read from one
# scale: c ≈ D/σ², e ≈ D/σ⁴); drifts this many times larger are a structure, not that order
DRIFT_SCALE = 1e3


def drift_fits_scale(
    steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray, value: float
) -> bool:
    """Whether the pair coefficients' drift beyond their round-off is what the next order of a
    loss with the scale the h² term itself shows could make (``DRIFT_SCALE``): a ripple far
    below the rows' ε moves c by a million times that (review10h C1) while its h² term is the
    smooth loss's. In units of the largest ε², so any ε scale works."""
    if np.size(steps) < 3 or not np.isfinite(value) or value == 0.0:
        return True
    x, c, radius = _pair_coefficients(steps, estimates, noise)
    with np.errstate(all="ignore"):
        s = x[1:] + x[:-1]
        excess = max(0.0, float(np.max(c - radius) - np.min(c + radius)))
        typical = np.float64(np.median(np.abs(c)))
        # c²/D as c·(c/D): a loss near 1e154 and beyond squares past float64 (review10m
        # MEDIUM-1: OverflowError from a Python float's square); numpy floats give inf
        allowed = float(DRIFT_SCALE * typical * (typical / abs(value)) * np.ptp(s))
    if not (np.isfinite(excess) and np.isfinite(allowed)):
        return True
    return excess <= allowed


def curving(even, count: int, least: int = 3) -> bool:
    """Whether the rows' even part (``row_shape.EvenPart``, the loss at w given) shows every
    one of ``count`` steps moved the loss (s = L+ + L− − 2L ≠ 0: w ± ε is not w) and
    resolves a curvature (s/ε² beyond its ±) at ``least`` of them at least: a central
    difference of exactly 0 there is a measurement of the derivative, not a step that
    changed nothing (at a minimum where L'' = 0, s = ε⁴/12 is a unit in the last place at
    the smallest rows, review10h min_real). Its law is checked by the caller
    (``row_shape.curvature_breaks``)."""
    if even is None or even.rows is None or even.rows_radius is None:
        return False
    rows, radius = np.asarray(even.rows, dtype=float), np.asarray(even.rows_radius, dtype=float)
    if rows.size != count:
        return False
    moved = bool(np.all(rows != 0.0)) if even.sums is None else bool(np.all(even.sums != 0.0))
    return moved and int(np.count_nonzero(np.abs(rows) > radius)) >= min(least, count)
