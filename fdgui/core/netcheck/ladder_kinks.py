"""Kinks crossed by the loose ladder's steps (``loose_verdict``), for a model that may have them.

The ladder estimates a loosely agreeing entry again at steps h₀·2^k up to 0.05·max(1, |w|)
and calls it wrong where the narrowest Richardson bar leaves g more than two bars away. A
float32 relu net crosses kinks within those steps at many entries (a first-layer weight of
a 32-example batch: about one entry in seven has a kink within ε = 3.9e-3, more within
16ε), and a kink at distance d < h moves the central differences by up to half its slope
change — a shift Richardson does not remove, its bar does not see, and that called correct
entries of correct torch relu nets "wrong" (seeds 7 and 8 of the float32 probe tests: 24 and
3 entries, off by 2 to 7.6 bars). Before a pair of rungs may decide, everything the ladder
measured from the first look's ε up to the pair's wider step must look smooth, and "wrong"
is refuted where the two sides' slopes stand apart as a kink on one side sets them:

* ``smooth_to``: the central differences c(s) = c₀ + K·s² and the second differences
  (ΔL+ + ΔL−)/s² = L₂ + C·s², three consecutive steps at a time from ε to the pair's wider
  rung (and the next rung, where there is one), within their round-off bounds. A kink
  crossed at d adds its slope change Δ times (1 − d/s)/2 to c and (s − d)/s² to the second
  difference, which neither form follows.
* ``apart``: each side's slope extrapolated to a zero step; a smooth loss's sides meet at
  its derivative whatever the gradient under check, a kink nearer w than the steps moves one
  side alone by twice the shift it gives the central differences.

Each point's bound is one loss value's round-off r (measured, with its safety) per loss in
the difference, and the noise's NOISE_WIDTH·σ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fdgui.core.netcheck.reexamine import NOISE_WIDTH

APART_NOISE = 1.4  # σ of the two sides' extrapolated difference, in units of r/s (r ≈ 3σ)
APART_SIGMAS = 3.0  # a pair judges "apart" only where the disagreement is this many σ


@dataclass(frozen=True)
class Points:
    """What the ladder measured, step by step: point 0 the first look's ε, point j + 1 the
    ladder's rung j. Each array holds the chosen entries."""

    steps: list  # the step (the mean of the two the dtype made)
    central: list  # c(s) = (ΔL+ − ΔL−)/(s+ + s−)
    right: list  # ΔL+/s+
    left: list  # −ΔL−/s−
    bends: list  # (ΔL+ + ΔL−)/s²
    unit: float  # one loss value's round-off bound, noise included

    @classmethod
    def of(cls, first, epsilon, rungs, r: float, sigma: float) -> Points:
        """From the first look's (ΔL+, ΔL−) at ``epsilon`` and the rungs' (ΔL+, ΔL−, s+, s−)."""
        rows = [(first[0], first[1], epsilon, epsilon), *rungs]
        steps, central, right, left, bends = [], [], [], [], []
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            for plus, minus, up, down in rows:
                s = (np.asarray(up, dtype=float) + np.asarray(down, dtype=float)) / 2
                steps.append(s)
                central.append((plus - minus) / (up + down))
                right.append(plus / up)
                left.append(-minus / down)
                bends.append((plus + minus) / s**2)
        return cls(steps, central, right, left, bends, r + NOISE_WIDTH * sigma)


def _triples(values, steps, errors) -> list:
    """Per three consecutive points, whether their values follow a + b·s² within the sum of
    their error bounds (``errors``: each point's)."""
    found = []
    for i in range(len(values) - 2):
        (v1, v2, v3), (s1, s2, s3) = values[i : i + 3], steps[i : i + 3]
        e1, e2, e3 = errors[i : i + 3]
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            share = (s3**2 - s2**2) / (s2**2 - s1**2)
            gap = np.abs((v3 - v2) - (v2 - v1) * share)
            allowed = e3 + e2 + share * (e2 + e1)
            found.append(np.isfinite(gap) & (gap <= allowed))
    return found


def smooth_to(points: Points, pairs: int) -> list:
    """Per rung pair k (< ``pairs``; its wider rung is point k + 2), whether the central and
    second differences from the first look's ε up to point k + 3 (or k + 2, the last) follow
    a smooth loss's forms (module doc)."""
    u = points.unit
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        central = _triples(points.central, points.steps, [u / s for s in points.steps])
        bends = _triples(points.bends, points.steps, [4 * u / s**2 for s in points.steps])
    fits, together = [], np.ones(np.shape(points.steps[0]), dtype=bool)
    last = len(central) - 1
    for k in range(pairs):
        for i in (k, k + 1) if k == 0 else (k + 1,):
            if i <= last:
                together = together & central[i] & bends[i]
        fits.append(together)
    return fits


def apart(points: Points, pick, off) -> np.ndarray:
    """Whether the two sides' slopes, each extrapolated to a zero step from two adjacent
    points, stand at least the disagreement ``off`` apart at the chosen pair (``pick``) or a
    narrower one, down to the first look's ε: a smooth loss's sides meet at its derivative
    (a wrong gradient leaves them together, apart by round-off only), while a kink crossed
    on one side moves that side alone (a correct float32 relu net: the left side at g =
    6.79e-3 at every step, the right at 8.2e-3, the central estimate 7.47e-3 called 7.6 bars
    wrong). Only pairs whose round-off leaves the disagreement APART_SIGMAS of its σ judge
    (a bug is set apart by chance at one such pair one time in 370)."""
    found = np.zeros(np.shape(off), dtype=bool)
    for k in range(-1, len(points.steps) - 2):  # (ε, rung 0), then (rung k, rung k + 1)
        at, wide = k + 1, k + 2
        s, s2 = points.steps[at], points.steps[wide]
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            share = s / (s2 - s)  # a slope at s and s2, extrapolated to 0
            right = points.right[at] + (points.right[at] - points.right[wide]) * share
            left = points.left[at] + (points.left[at] - points.left[wide]) * share
            split = np.abs(right - left)
            resolved = APART_SIGMAS * APART_NOISE * points.unit / s <= off
            found |= (k <= pick) & resolved & np.isfinite(split) & (split >= off)
    return found


def smooth_up_to(points: Points, last) -> np.ndarray:
    """Per entry, whether the central and second differences from the first look's ε up to
    its point ``last`` (an index into ``points``, per entry) follow a smooth loss's forms,
    three consecutive points at a time (``smooth_to``'s test, for a ladder whose entries
    stopped at different points: a point never reached is not asked of them)."""
    u = points.unit
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        central = _triples(points.central, points.steps, [u / s for s in points.steps])
        bends = _triples(points.bends, points.steps, [4 * u / s**2 for s in points.steps])
    last = np.asarray(last)
    found = np.ones(last.shape, dtype=bool)
    for i, (fits, bent) in enumerate(zip(central, bends, strict=True)):
        found &= (fits & bent) | (i + 2 > last)  # the triple's widest point is i + 2
    return found
