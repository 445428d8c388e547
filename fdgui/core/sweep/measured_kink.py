"""A kink exactly at w, read from measured rows that give the loss at w (review10f F5).

The forward and backward differences F = (L+ − L)/ε and B = (L − L−)/ε of a loss smooth on
each side of w are each a line in ε near 0 (F = g₊ + L''₊·ε/2 + …, B = g₋ − L''₋·ε/2 + …).
A smooth loss has g₊ = g₋; a kink at w keeps them apart however small ε gets. When each
side's rows all lie on one line within their ± and the two lines' values at ε = 0 — each
the range every such line allows, widened by a quarter of its extrapolation — are apart,
the rows show a kink at w with one-sided slopes g₋ and g₊: a gradient between them is a
subgradient, one beyond them is wrong. Rows beyond the loss's scale do not lie on a line,
and a smooth loss's two lines meet at ε = 0, so neither is read as a kink. (A kink a
little off w, closer than every ε, reads the same; the slope at w is then one of the two.)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fdgui.core.sweep.engine import SweepResult
from fdgui.core.sweep.odd_part import law_range

KINK_ROWS = 10  # the smallest rows read
MIN_ROWS = 4  # each side's line checked by two rows beyond the two it needs (3-row tables at
# the loss's own scale put a line through each side by chance, review10g F3b)
GRADIENT_SLACK = 1e-6  # of the slopes, for the gradient under check's own rounding


LINE = ((0, 1),)  # each side's law: a line in ε through every row
CORRECTION_SHARE = 0.25  # of the extrapolation from the smallest row, kept in its ±


def intercept_range(x: np.ndarray, y: np.ndarray, slack: np.ndarray) -> tuple[float, float] | None:
    """The least and largest value at ε = 0 of a line a + b·x through every y ± slack
    (the smallest KINK_ROWS rows, none dropped: a side whose rows bend — curvature at these
    ε, rows beyond the loss's scale — is not read), widened by a quarter of its distance
    from the smallest row's value (``odd_part.law_range``). None: no such line."""
    found = law_range(x, y, slack, LINE, 0, drop=False)
    if found is None:
        return None
    low, high = found
    nearest = float(y[np.argmin(x)])
    widen = CORRECTION_SHARE * max(abs(low - nearest), abs(high - nearest))
    return low - widen, high + widen


# the sum L+ + L− − 2L of a loss smooth at w: even in ε, no ε term (ε⁶ when rows reach
# half the loss's scale, review10g fk4)
SMOOTH_LAWS = ((2, 4), (2, 4, 6))


def smooth_explains(x: np.ndarray, forward: np.ndarray, backward: np.ndarray, spread) -> bool:
    """Whether the rows leave a loss smooth at w possible: its L+ + L− − 2L = (F − B)·ε is
    m·ε² + n·ε⁴ + … (no part odd in ε), while a kink at w adds J·ε. F − B = L''·ε holds for
    any curved loss, so the jump between the two lines counts only when no such even law
    (two or three terms, with a row to spare that tests it) passes
    every row within twice its ±: rows over a narrow ε span at the loss's own scale, where
    L''·ε and the ε³ terms of F and B make the lines' values at 0 part (review10g F3),
    are then not read as a kink."""
    sums = (forward - backward) * x
    slack = 2.0 * spread * x
    return law_range(x, sums, slack, SMOOTH_LAWS, 0, drop=False) is not None


def one_sided_limits(result: SweepResult) -> tuple[tuple[float, float], float] | None:
    """((g₋, g₊), ± of each) when the rows show a kink at w, else None."""
    noise = result.extras.get("one_sided_noise")
    if result.kind != "measured" or noise is None:
        return None
    forward, backward = result.forward.estimates, result.backward.estimates
    h = result.epsilons
    ok = np.isfinite(forward) & np.isfinite(backward) & ~result.vanished
    ok &= np.isfinite(noise[0]) & np.isfinite(noise[1])
    index = np.flatnonzero(ok)
    if index.size:
        _, first = np.unique(h[index], return_index=True)  # one row per ε
        index = index[first][:KINK_ROWS]
    if index.size < MIN_ROWS:
        return None
    x = h[index]
    ranges = []
    for values, spread in ((backward, noise[1]), (forward, noise[0])):
        found = intercept_range(x, values[index], 2.0 * spread[index])  # the bars: twice
        if found is None:
            return None
        ranges.append(found)
    (b_low, b_high), (f_low, f_high) = ranges
    if not (b_high < f_low or f_high < b_low):
        return None
    # the jump must show at the smallest ε itself, beyond both bars and the same way round
    # (rows far beyond the scale can put two lines through few rows by chance)
    first = index[0]
    jump = forward[first] - backward[first]
    if not abs(jump) > 2.0 * (noise[0][first] + noise[1][first]):
        return None
    if np.sign(jump) != np.sign((f_low + f_high) - (b_low + b_high)):
        return None
    if smooth_explains(x, forward[index], backward[index], noise[0][index] + noise[1][index]):
        return None
    sides = ((b_low + b_high) / 2.0, (f_low + f_high) / 2.0)
    return sides, max(b_high - b_low, f_high - f_low) / 2.0


def kink_at_w_rows(result: SweepResult, diagnosis):
    """Measured rows with the loss at w that no reference over them judged (``estimate``)
    but that show a kink at w: "Kink at w" with the slopes read, a gradient under check
    beyond them "wrong" (words of the ``wrong`` case with ``outside_sides``)."""
    if diagnosis.kind != "estimate" or result.kind != "measured":
        return diagnosis
    found = one_sided_limits(result)
    if found is None:
        return diagnosis
    (left, right), read = found
    facts = {**diagnosis.facts, "sides": (left, right), "sides_error": 2.0 * read}
    facts["source"] = "measured"
    checked = facts.get("checked")
    if checked is not None and np.isfinite(checked):
        low, high = min(left, right), max(left, right)
        slack = 2.0 * read + GRADIENT_SLACK * max(abs(low), abs(high), abs(checked))
        if not low - slack <= checked <= high + slack:
            facts.update(
                outside_sides=(low, high),
                factor=None,
                best_relative_error=result.central.best_relative_error,
            )
            return replace(
                diagnosis, kind="wrong", case="wrong", recommended_by="wrong", facts=facts
            )
        facts["subgradient"] = True
    return replace(diagnosis, kind="kink", case="kink-at", recommended_by="kink-at", facts=facts)
