"""A ladder's steps whose bars the smaller steps refute are not converged, and never judge.

A ladder of central differences c(s), each step half the one before, makes an interval at
every usable step (the h² law holds over s, 2s, 4s; the bar |c(2s) − c(s)| plus round-off;
``own_scale.intervals_of``, ``confirm``). The law can hold by chance where the loss varies
on a scale far below s: Σ sin θ + 3.3e-11·Σ sin(3e7·θ) (a ripple whose period is 2.1e-7)
gives c(s) = 0.1924960, 0.1924959, 0.19249585 at s = 8e-7, 4e-7, 2e-7 — the smooth part's
slope with a bar of 1.5e-7 — where the derivative is 0.1934392 (review9k CRITICAL-4: a
correct gradient failed). The smaller steps, s ≲ 1/(3e7), measure it within their own
bars (1e-5, round-off): truncation only falls as the step shrinks, while the round-off each
bar counts grows, so where a smaller usable step's interval and a larger one's are disjoint
the larger one's bar does not bound: it is dropped (``converged``), and only steps that
agree with every smaller one decide. A bug is off at every step and stays excluded by all.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def converged(found: Sequence[tuple]) -> list[tuple]:
    """The usable steps of a ladder (``found``: (low, high, …, k, …) tuples, k the step's
    place in the ladder, larger k a smaller step) whose interval overlaps that of every
    smaller step kept: walking from the smallest step up, a step disjoint from any kept
    smaller step is not converged and is dropped. In the ladder's order."""
    kept: list[tuple] = []
    for step in sorted(found, key=lambda item: item[3], reverse=True):
        low, high = float(step[0]), float(step[1])
        if all(low <= float(other[1]) and float(other[0]) <= high for other in kept):
            kept.append(step)
    return sorted(kept, key=lambda item: item[3])


def overruled(looks: Sequence[tuple]) -> np.ndarray:
    """Where the smallest deciding step of the second look's small steps (``looks``: (c,
    window, decides, refutes) arrays per step, the largest step first) confirms a
    disagreement that a larger deciding step refutes within a narrower window, their
    intervals c ± window overlapping: the smaller step resolves less and shows no change
    from the larger one (no kink passed between them), so it does not overrule it; nor
    does the larger one decide, past a kink the smaller did not reach. False where no step
    decides."""
    if not looks:
        return np.zeros(0, dtype=bool)
    size = np.asarray(looks[0][0]).shape
    found = np.zeros(size, dtype=bool)
    smallest = np.full(size, -1)
    for number, (_, _, usable, _) in enumerate(looks):
        smallest = np.where(usable, number, smallest)
    for number, (value, window, usable, refutes) in enumerate(looks):
        later = smallest > number
        pick = np.clip(smallest, 0, None)
        low = np.choose(pick, [v - w for v, w, _, _ in looks])
        high = np.choose(pick, [v + w for v, w, _, _ in looks])
        width = np.choose(pick, [w for _, w, _, _ in looks])
        confirms = ~np.choose(pick, [r for _, _, _, r in looks])
        with np.errstate(invalid="ignore"):
            overlap = (value - window <= high) & (low <= value + window)
            found |= later & usable & refutes & confirms & (window < width) & overlap
    return found


LAST_PLACE = 2.0  # one unit in the last place of a loss of size |L| is at most 2u·|L|


def change_roundoff(bound: float, measured: float, u: float, scale: float) -> float:
    """The round-off of one loss change at the second look's small steps: twice that of one
    loss value, which is the largest of the measured round-off (``measured``), one unit in
    the last place of the loss's format at its size (``scale``; a change of k ulps carries
    at least an ulp each side) and the one the check's tolerance was made from (``bound`` =
    atol·ε, ten times it rounded up to 1-2-5).

    The tolerance's own bound is five to twenty-five times that: used for the small steps it
    left every step below ε/8 of a float32 relu net unable to refute a disagreement of 24 %
    (ε/16 … ε/128 reproduced the gradient to 0.2 % inside windows of 45 % and more), so the
    largest step still crossing a kink "confirmed" it and a correct gradient failed
    (review11n C2)."""
    return min(bound, 2.0 * max(measured, LAST_PLACE * u * scale, bound / 10.0))
