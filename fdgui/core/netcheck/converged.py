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
