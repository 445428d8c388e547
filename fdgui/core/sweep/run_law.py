"""Whether a run of measured rows shows the h² law (``law_shown``) and how far the law moves
the smallest row's estimate (``truncation_at_smallest``): ``measured._run_reference`` reads
them before trusting a Richardson reference over the rows. docs/DIAGNOSIS.md says why."""

from __future__ import annotations

import numpy as np

from fdgui.core.sweep.row_consistency import curving, drift_fits_scale, drift_is_monotone
from fdgui.core.sweep.row_shape import EvenPart, beyond_scale, curvature_breaks, on_one_line

MIN_JUDGING_ROWS = 3  # as measured.MIN_JUDGING_ROWS: a run of three checks the law once
ZIGZAG = "zigzag"  # law_shown's reason when the run's c's go up and down beyond their ±


def truncation_at_smallest(
    steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray, value: float
) -> float:
    """How far the h² law moves the smallest row's estimate towards ``value`` (its c·ε²),
    read from the row that resolves it best: each row's |value − D| with its ± bounds c·ε²
    there, so (ε_min/ε)² of it bounds the smallest row's, but never below the smallest row's
    own distance less its ±. The smallest row's own distance
    alone is mostly its round-off when it lies deep in it (float64 rows to 3e-12 of a loss
    of 1e4, ± 1.3 against a derivative of 0.39: a 1-3-10 grid whose smallest row happened
    to land 0.28 off was "ε too large", review_final19 HIGH-3)."""
    order = np.argsort(steps)
    h, d, n = steps[order], estimates[order], noise[order]
    with np.errstate(all="ignore"):
        bounds = (np.abs(value - d) + n) * (h[0] / h) ** 2
    bounds = bounds[np.isfinite(bounds)]
    own = abs(value - float(d[0]))
    if not bounds.size:
        return own
    # never below what the smallest row shows beyond its own ±: rows past the loss's scale,
    # whose D stops growing like ε², bound nothing for it
    return min(own, max(own - float(n[0]), float(np.min(bounds))))


def law_shown(
    steps: np.ndarray,
    estimates: np.ndarray,
    noise: np.ndarray,
    value: float,
    correction: float,
    even: EvenPart | None = None,
) -> tuple[float | None, str, bool]:
    """The least bar the run's evidence allows (None when the run does not show the h² law),
    what hides the law otherwise ("truncation" or "round-off"), and whether the caller
    must add the room for a kink the rows cannot show (no loss at w).

    Passing the pairs' overlap test is not showing the law: rows far beyond the loss's scale
    (central differences falling like 1/ε towards 0) give coefficients c ≈ 0 that overlap
    everything. Shown means either some consecutive pair's c is non-zero beyond its
    round-off (a measured h² term; the c's drift beyond their round-off across the run,
    times the smallest ε², stays in the bar) and the extrapolation moves the smallest row
    by at most a quarter of the value (an eighth over three rows, whose one check of the
    law can pass by chance; beyond that the smallest ε is not small against the
    loss's scale and the h⁴… terms the one tolerance check cannot exclude are as large as
    the h² term) while L+ − L− still grows with ε (``_beyond_scale``); or, with no resolved
    c, the non-zero estimates (a row whose L+ = L− is no evidence) agree within their bars
    over ε a factor 4 apart, so that an h² term of any size larger than the bars would show,
    and are non-zero beyond their bars (not the 1/ε decay to 0 of rows beyond the loss's
    scale): then the bar is the best row's ± plus the h² term there that the largest row
    bounds, plus the value's distance from it. Either way the rows' even part (``even``,
    when the table gives the loss at w) must not break its own law
    (``row_shape.curvature_breaks``: a kink between w and the smallest ε), and the bar
    grows by the jump of the kink it leaves room for (``EvenPart.kink``). With no loss at w
    the third value is True: the caller adds the room for a kink (``kink_room.kink_room``).
    """
    order = np.argsort(steps)
    h, d, n = steps[order], estimates[order], noise[order]
    if curvature_breaks(even):
        return None, "kink", False  # the even part says a kink lies at or near w
    with np.errstate(all="ignore"):
        q = h[1:] ** 2 - h[:-1] ** 2
        c = (d[:-1] - d[1:]) / q
        radius = (n[:-1] + n[1:]) / q
    if np.any(np.abs(c) > radius):
        # one check of the law (three rows) can pass by chance: a tighter cap
        cap = 0.125 if steps.size <= MIN_JUDGING_ROWS else 0.25
        if not correction <= cap * abs(value) or beyond_scale(h, d, n):
            return None, "truncation", False
        if not drift_is_monotone(h, d, n):
            # c's up and down beyond their round-off: a structure, not a law (review10h C1),
            # or round-off beyond the rows' ± (``ZIGZAG``: the caller reads their scatter)
            return None, ZIGZAG, False
        if not drift_fits_scale(h, d, n, value):
            return None, "truncation", False
        if even is None and not on_one_line(h, d, n):
            # with no loss at w the even part cannot show a kink; the run itself must
            return None, "truncation", False
        drift = max(0.0, float(np.max(c - radius) - np.min(c + radius)))
        if even is not None and np.isfinite(even.kink):
            # a kink the even part leaves room for moves the derivative by up to its jump
            drift = drift * float(h[0]) ** 2 + even.kink
            return drift, "truncation", False
        # with no loss at w the rows cannot tell the law from a kink's S + K/ε + b·ε (the
        # curvature jumping there too: a term odd in ε): the caller adds the room for one
        return drift * float(h[0]) ** 2, "truncation", even is None
    # rows whose estimate is exactly 0 (L+ = L−: the loss decayed to the same value on both
    # sides, or changed below its digits) overlap anything: they show no law
    informative = d != 0.0
    # ... unless the loss at w shows each step moved the loss by its curvature's law (an even
    # loss at a minimum or a stationary point: D = 0 exactly, review10h H2)
    stationary = not np.any(informative) and curving(even, d.size)
    if stationary:
        informative = np.ones(d.size, dtype=bool)
    if np.count_nonzero(informative) < MIN_JUDGING_ROWS:
        return None, "round-off", False
    h, d, n = h[informative], d[informative], n[informative]
    low, high = np.max(d - n), np.min(d + n)
    if h[-1] >= 4.0 * h[0] and low <= high and (low > 0.0 or high < 0.0 or stationary):
        # value = some row j's D less the h² term there, which the largest row k bounds:
        # |c|·h_j² ≤ (|D_k − D_j| + n_k + n_j)·h_j²/(h_k² − h_j²); the best such j (h_k ≥ 2h_j)
        far = h[-1] >= 2.0 * h[:-1]
        with np.errstate(all="ignore"):
            bounds = (
                np.abs(value - d[:-1])
                + n[:-1]
                + (np.abs(d[-1] - d[:-1]) + n[-1] + n[:-1])
                * h[:-1] ** 2
                / (h[-1] ** 2 - h[:-1] ** 2)
            )
        bounds = bounds[far & np.isfinite(bounds)]
        if not bounds.size:
            return None, "round-off", False
        if even is None or not np.isfinite(even.kink):
            return float(np.min(bounds)), "round-off", True
        # a kink the even part leaves room for moves the derivative by up to its jump
        return float(np.min(bounds)) + even.kink, "round-off", False
    return None, "round-off", False
