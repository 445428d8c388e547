"""Entries that agree only loosely with a coarse or noisy loss, looked at with a wider step.

A probe whose loss is computed in float32 (or carries noise, or rounds as larger terms
that cancel) is checked at that format's ε with a window of ten times its round-off over ε,
rounded up: a 1 % bug on a gradient of 0.02 (2e-4) then lies inside a float32 window of
2e-4, and the check "passes, but only loosely", though central differences at a few times
that ε resolve the gradient to 1e-5 (review_final19 CRITICAL-5: 8 of 15 float32 nets and 8
of 15 noisy ones passed a 1 % bug this way).

So in a float64 check of such a loss (at the recommended ε), each entry that agrees within
its window but is off by more than the round-off R/ε of one central difference (R: one loss
value's round-off, plus the noise's share) is estimated again with the step WIDER·ε: the
estimate's Richardson from h and h/2 and its bar (``estimate_verdict.decide``: the round-off
and noise over the wider step, the truncation the two steps show), and "wrong" only is
taken from it — beyond two bars, outside both one-sided slopes when the model may have
kinks, and outside the scatter of five steps between h/2 and h. A correct entry stays as
it was; the cost is four losses per such entry (ten where one looks wrong).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck import estimate_verdict
from fdgui.core.netcheck.reexamine import NOISE_WIDTH
from fdgui.core.netcheck.tolerances import step_atol
from fdgui.core.numbers.precision import unit_roundoff

WIDER = 4.0  # the estimate's step, times the entry's ε
REACH = 0.05  # the widest estimate step, times max(1, |w|)
STRAIGHT_SAFETY = 3.0  # second differences this many round-offs apart show a kink
COARSER = 16.0  # a loss rounding at this many times float64's u·max(1, |L|) is coarse


def applies(engine) -> bool:
    """A float64 check at the recommended ε (not along a projection's direction) of a loss
    that rounds coarser than float64 (its format, or measured), or is noisy."""
    if engine.dtype != "float64" or engine.settings.epsilon is not None:
        return False
    if getattr(engine, "_along_direction", False):
        return False
    return engine.noise_sigma > 0 or _roundoff(engine) > COARSER * _plain(engine)


def _plain(engine) -> float:
    return unit_roundoff("float64") * max(1.0, abs(engine.loss))


def _roundoff(engine) -> float:
    """One loss value's round-off: the loss's format's, or the measured one where larger."""
    own = unit_roundoff(engine.precision) * max(1.0, abs(engine.loss))
    return max(own, engine.measured_roundoff)


def decide(engine, rows_for, epsilon, analytic, plus, minus, numeric, kink, undecided, reason):
    """(numeric, bar, reason) of the chunk with its loosely agreeing entries called wrong
    where the wider step's estimate refutes them, and those its window cannot decide
    (window ≥ |a|/2) decided either way where that estimate's bar allows (module doc)."""
    tolerances = engine.tolerances()
    epsilon = np.asarray(epsilon, dtype=float)
    a = np.asarray(analytic, dtype=float)
    r = _roundoff(engine)
    sigma = engine.noise_sigma
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        window = step_atol(tolerances, epsilon) + tolerances.rtol * np.abs(a)
        off = np.abs(numeric - a)
        # the round-off of a central difference at a quarter of the estimate's step: a
        # disagreement below it says nothing there (at ε itself, for a float32 loss)
        floor = (r + NOISE_WIDTH * sigma) * WIDER / (epsilon * _widening(engine, r, sigma))
        open_ = (off <= window) & ~kink & ~undecided & (a != 0)
        open_ &= np.isfinite(numeric) & np.isfinite(a)
        wide_open = open_ & (window >= 0.5 * np.abs(a))  # the first window decides nothing
        open_ &= (off > floor) | wide_open
    if reason is not None:
        open_ &= np.asarray(reason) == 0
    chosen = np.flatnonzero(open_)
    if chosen.size == 0:
        return numeric, None, reason
    total = epsilon.size
    h = epsilon[chosen] * _widening(engine, r, sigma)
    changes = {}
    for share in (0.5, 1.0):  # ΔL± at h/2 and h
        steps = np.zeros(total)
        steps[chosen] = h * share
        points, lost = rows_for(np.concatenate([steps, -steps]))
        keep = np.concatenate([chosen, total + chosen])
        with np.errstate(invalid="ignore", over="ignore"):
            found = np.where(lost[keep], 0.0, engine._losses(points[keep]) - engine.loss)
        changes[share] = (found[: chosen.size], found[chosen.size :])
    g = a[chosen]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        narrow = (changes[0.5][0] - changes[0.5][1]) / h
        wide = (changes[1.0][0] - changes[1.0][1]) / (2 * h)
        value = (4 * narrow - wide) / 3
        noise = NOISE_WIDTH * estimate_verdict.NOISE_SPREAD * sigma / h
        bar = np.abs(narrow - wide) / 3 + 4 * r / h + noise
        usable = np.isfinite(value) & np.isfinite(bar)
        wrong = (np.abs(value - g) > estimate_verdict.WRONG_BARS * bar) & usable
        if not engine.smooth:  # no kink within the steps: the even part is straight
            wrong &= _straight(changes, h, r, sigma)
        right = wide_open[chosen] & usable & (bar <= estimate_verdict.DECIDE_SHARE * np.abs(g))
        right &= np.abs(value - g) <= bar
    if wrong.any():  # the scatter of central differences between h/2 and h, measured
        wrong[wrong] = estimate_verdict._outside_scatter(
            engine, rows_for, total, chosen[wrong], h[wrong], g[wrong],
            (wide[wrong], narrow[wrong]),
        )  # fmt: skip
    if not (wrong.any() or right.any()):
        return numeric, None, reason
    return estimate_verdict.written(numeric, reason, chosen, value, bar, right, wrong)


def _widening(engine, r: float, sigma: float) -> float:
    """The estimate's step over the entry's ε: WIDER, or more where the loss rounds (or
    scatters) so coarsely — a float32 part in a float64 loss, measured along its tensor;
    a loss with a deterministic jitter — that the step for that rounding,
    ((r + NOISE_WIDTH·σ)/max(1, |L|))^(1/3), is wider; capped at REACH."""
    rounding = (r + NOISE_WIDTH * sigma) / max(1.0, abs(engine.loss))
    coarse = rounding ** (1.0 / 3.0) / engine.epsilon_base
    return float(min(max(WIDER, coarse), REACH / engine.epsilon_base))


def _straight(changes, h, r, sigma) -> np.ndarray:
    """Whether the second differences (ΔL+ + ΔL−)/s² at s = h/2 and h agree within their
    round-off and noise: a smooth loss's are both its curvature (to a change of its fourth
    derivative times s², far below); a kink crossed within the steps adds its slope change
    times (s − d)/s², not the same at both — a relu unit switching there leaves the
    Richardson off, so nothing is called wrong by it."""
    (plus_half, minus_half), (plus_wide, minus_wide) = changes[0.5], changes[1.0]
    half = h / 2
    bend_half = (plus_half + minus_half) / half**2
    bend_wide = (plus_wide + minus_wide) / h**2
    spread = 2 * r + 2 * NOISE_WIDTH * sigma  # one second difference's round-off and noise
    allowed = STRAIGHT_SAFETY * (spread / half**2 + spread / h**2)
    return np.abs(bend_wide - bend_half) <= allowed
