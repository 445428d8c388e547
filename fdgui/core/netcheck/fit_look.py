"""The last look of a coarse loss: a least-squares slope along the entry's own axis.

In a float64 check of a deterministic loss that rounds far coarser than float64 (computed in
float32, or with a float32 / float16 / bfloat16 part inside: ``loose_verdict.applies``), the
earlier looks decide an entry "right" within a window or a bar that may be a large share of
|a|: "Within dtype error" from a first window of 11–25 % of |a|, "Correct (estimate's bar)"
within a bar of 13–18 %, or a later look's "correct" after the first look had excluded a
at a tighter window. A 10–20 % bug passed that way in 20 of 53 runs of float32 torch MLPs
(review19n C1), though a least-squares slope of L along the entry, over many steps,
resolved each of those bugs at 100–44,000 σ: one central difference uses two losses, a fit
uses them all.

So every such entry (``chosen``), and every undecided entry the earlier looks left open, is
looked at again: the losses at 2·``POINTS`` evenly spaced steps on [−H, H] and as many on
[−H/2, H/2] (L(θ0) beside them), each set fitted by a polynomial of degree ``DEGREE`` in the
step; the slope's standard error comes from the fit's own residuals (the measured scatter of
these losses: their rounding, whatever its source). H is the step at which that error is
``RESOLVE`` of |a| for the round-off the check measured, at least four times the entry's
first step, at most ``loose_verdict.REACH``·max(1, |w|). Then, with s, e the slope and its
standard error at H (s', e' at H/2):

* **right** where s and s' agree within three combined errors, the bar 2e plus whatever of
  |s − s'| exceeds twice their combined error (truncation) is at most |a|/``TIGHT``, a lies
  within it, and no earlier look excluded a at a tighter window
  (the first central difference beyond twice its window, that window narrower than the
  bar): a later, looser look never overrides a tighter exclusion;
* **wrong** (only in a model known to be smooth: in one that may have kinks, every probe,
  a kink or a coarser part's treads inside the span bias the polynomial's slope, and the
  entry is open instead) where both fits exclude a by ``WRONG_SIGMAS`` errors, agree, and
  the fit at H leaves no more residual than twice the fit at H/2 (a kink or a scale the
  polynomial cannot follow grows the residual with the span); in a model that may have
  kinks, also the one-sided fits (each half of [−H, H], degree ``SIDE_DEGREE``) both exclude
  a by ``SIDE_SIGMAS`` of their own errors — a kink beside w bends one side only;
* an entry neither right nor wrong whose bar (or earlier window) is below |a| is fitted once
  more with ``DEEP`` times the points (at most ``DEEP_LIMIT`` entries a check), on a span
  ``NARROWER`` times smaller where the two spans disagreed or the wider one's residual grew
  (a kink inside the span: below its distance the fit reads the slope at w itself);
* **open** otherwise (code ``FIT_OPEN``) for an entry that had been called right, where the
  fit's bar (or the earlier window) is below ``BLOCKS``·|a|: its window would hold bugs these
  losses resolve, so it keeps the check from passing (inconclusive, named); where both are
  wider, nothing here resolves even a factor of 2 (a gradient far below the losses' rounding
  over the widest span): undecided (``ROUNDOFF_LIMIT``), as a first window of |a|/2 is, not
  blocking; an entry undecided before stays as it was.

The cost is 4·``POINTS`` losses for each entry looked at, at most ``LIMIT`` entries a check;
past that, an entry called right within a window above |a|/``TIGHT`` is open (undecided
where that window is ``BLOCKS``·|a| or more).
"""

from __future__ import annotations

import functools

import numpy as np

from fdgui.core.netcheck import loose_verdict
from fdgui.core.netcheck.reexamine import FIT_OPEN, FIT_RIGHT, FIT_WRONG, ROUNDOFF_LIMIT
from fdgui.core.netcheck.tolerances import step_atol

POINTS = 16  # losses per fit on each side of w (beside L(θ0)); two fits: 4·POINTS an entry
DEGREE = 5  # the central fit's polynomial
SIDE_DEGREE = 3  # each side's fit
TIGHT = 16.0  # right only within a bar of at most |a|/TIGHT
RESOLVE = 1.0 / 128.0  # the step H aims at a standard error of this share of |a|
WRONG_SIGMAS = 5.0
SIDE_SIGMAS = 3.0
AGREE_SIGMAS = 3.0
RESIDUAL_GROWTH = 2.0
LIMIT = 256  # entries a check looks at this way
DEEP = 4  # an entry still open is fitted again with this many times the points ...
DEEP_LIMIT = 32  # ... up to this many entries a check
# an entry left open whose bar (or earlier window) is below this share of |a| keeps the check
# from passing; above it nothing here resolves even a factor of 2, as a first window of |a|/2
# decides nothing (``results``): undecided (round-off), named, not blocking
BLOCKS = 0.5
NARROWER = 4.0  # ... on a span this many times narrower where a kink bent the first fits


def applies(engine) -> bool:
    """A float64 check at the recommended ε, on an entry's own axis, of a deterministic loss
    that rounds far coarser than float64 (``loose_verdict.applies``)."""
    if engine.dtype != "float64" or engine.settings.epsilon is not None:
        return False
    if getattr(engine, "_along_direction", False) or engine.noise_sigma > 0:
        return False
    return loose_verdict.applies(engine)


@functools.lru_cache(maxsize=8)
def _plan(points: int, degree: int, lo: float, hi: float):
    """(x, design matrix, its pseudo-inverse, the slope's standard error per unit residual)
    of a polynomial fit of the given degree at ``points`` even steps x on [lo, hi]."""
    x = np.linspace(lo, hi, points)
    design = np.vander(x, degree + 1, increasing=True)
    pinv = np.linalg.pinv(design)
    unit = float(np.sqrt(np.linalg.inv(design.T @ design)[1, 1]))
    return x, design, pinv, unit


def _fit(values: np.ndarray, plan, span: np.ndarray):
    """(slope, its standard error, residual rms) of the fits of ``values`` (points × entries)
    on the plan's points, steps x·span."""
    _, design, pinv, unit = plan
    coef = pinv @ values
    residual = values - design @ coef
    dof = max(1, values.shape[0] - design.shape[1])
    rms = np.sqrt(np.sum(residual**2, axis=0) / dof)
    return coef[1] / span, unit * rms / span, rms


def _losses(engine, rows_for, x: np.ndarray, span: np.ndarray) -> np.ndarray:
    """L(θ0 + x·span) − L(θ0) at the points x (points × entries)."""
    moving = x != 0
    steps = np.concatenate([k * span for k in x[moving]])
    points, lost = rows_for(steps)
    values = engine._losses(points)
    with np.errstate(invalid="ignore", over="ignore"):
        changes = np.where(lost, 0.0, values - engine.loss)
    out = np.zeros((x.size, span.size))
    out[moving] = changes.reshape(int(moving.sum()), span.size)
    return out


def _steps(engine, values, first_steps, a) -> np.ndarray:
    """H for each entry (module doc)."""
    roundoff = loose_verdict._roundoff(engine)
    unit = _plan(2 * POINTS + 1, DEGREE, -1.0, 1.0)[3]
    wanted = unit * roundoff / (RESOLVE * np.abs(a))
    reach = loose_verdict.REACH * np.maximum(1.0, np.abs(values))
    return np.minimum(np.maximum(4.0 * first_steps, wanted), reach)


def candidates(engine, epsilon, analytic, numeric, first, kink, undecided, bar):
    """(loose, open_before, width): entries called right within more than |a|/TIGHT, or
    after the first look excluded a at a tighter window; entries left undecided whose window
    is below |a| (the losses may decide them); each entry's window or bar."""
    tolerances = engine.tolerances()
    a = np.asarray(analytic, dtype=float)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        window = step_atol(tolerances, epsilon) + tolerances.rtol * np.abs(a)
        width = window if bar is None else np.where(np.isnan(bar), window, bar)
        off = np.abs(numeric - a)
        usable = np.isfinite(a) & (a != 0) & np.isfinite(numeric) & ~kink
        exact = off <= 1e-7 * np.maximum(np.abs(a), np.abs(numeric))
        right = usable & ~undecided & (off <= width) & ~exact
        excluded = np.abs(first - a) > 2.0 * window
        loose = right & ((width > np.abs(a) / TIGHT) | (excluded & (window < width)))
        open_before = usable & undecided & (width < np.abs(a))
    return loose, open_before, width


def decide(engine, rows_for, first_steps, analytic, numeric, first, kink, undecided, reason,
           bar):  # fmt: skip
    """(numeric, bar, reason) with the chosen entries decided as the module doc says;
    ``undecided`` is updated in place."""
    total = np.asarray(analytic).size
    codes = np.zeros(total, np.int8) if reason is None else np.asarray(reason).copy()
    bars = np.full(total, np.nan) if bar is None else np.asarray(bar, dtype=float).copy()
    epsilon = np.asarray(first_steps, dtype=float)
    a = np.asarray(analytic, dtype=float)
    loose, open_before, width = candidates(engine, epsilon, a, numeric, first, kink, undecided,
                                           bar)  # fmt: skip
    chosen = np.flatnonzero(loose | open_before)
    room = max(0, LIMIT - getattr(engine, "fit_looked", 0))
    if chosen.size > room:  # past the limit: no "right" within a loose window
        beyond = chosen[room:]
        still = beyond[loose[beyond]]
        undecided[still] = True
        codes[still] = np.where(width[still] < BLOCKS * np.abs(a[still]), FIT_OPEN, ROUNDOFF_LIMIT)
        chosen = chosen[:room]
    if chosen.size == 0:
        return numeric, bar if not np.any(codes == FIT_OPEN) else bars, codes
    engine.fit_looked = getattr(engine, "fit_looked", 0) + int(chosen.size)
    values = np.asarray(rows_for.values, dtype=float)
    span = _steps(engine, values[chosen], epsilon[chosen], a[chosen])
    numeric = np.asarray(numeric, dtype=float).copy()
    with np.errstate(invalid="ignore", over="ignore"):
        window = step_atol(engine.tolerances(), epsilon) + engine.tolerances().rtol * np.abs(a)
        excluded = np.abs(first - a) > 2.0 * window
    judged = _judge(engine, rows_for.subset(chosen), span, a[chosen], excluded[chosen],
                    window[chosen], POINTS)  # fmt: skip
    right, wrong, slope, fit_bar, bent = judged
    # an entry an earlier look left undecided is right only with a bar under half the
    # disagreement it showed there (a 1e-3 bug beside a float32 part, left open before, read
    # "right" within a fit bar of 0.3 % of |a|)
    with np.errstate(invalid="ignore"):
        before = open_before[chosen] & ~loose[chosen]
        right &= ~before | (fit_bar < 0.5 * np.abs(np.asarray(numeric)[chosen] - a[chosen]))
    # entries the losses may resolve still open: once more with DEEP times the points, on a
    # span NARROWER times smaller where the two spans disagreed or the wider one's residual
    # grew (a kink inside the span: below its distance the fit reads the slope at w)
    again = np.flatnonzero(~right & ~wrong & (np.fmin(fit_bar, width[chosen]) < np.abs(a[chosen])))
    again = again[: max(0, DEEP_LIMIT - getattr(engine, "fit_deep", 0))]
    if again.size:
        engine.fit_deep = getattr(engine, "fit_deep", 0) + int(again.size)
        at = chosen[again]
        narrow = np.where(bent[again], span[again] / NARROWER, span[again])
        deep = _judge(engine, rows_for.subset(at), narrow, a[at], excluded[at], window[at],
                      DEEP * POINTS)  # fmt: skip
        for mine, theirs in zip(judged, deep, strict=True):
            mine[again] = theirs
    with np.errstate(invalid="ignore"):
        right &= ~before | (fit_bar < 0.5 * np.abs(np.asarray(numeric)[chosen] - a[chosen]))
        left = loose[chosen] & ~right & ~wrong
        opened = left & (np.fmin(fit_bar, width[chosen]) < BLOCKS * np.abs(a[chosen]))
    faint = chosen[left & ~opened]  # nothing here resolves half of a: undecided (round-off)
    undecided[faint] = True
    codes[faint] = ROUNDOFF_LIMIT
    decided = right | wrong
    at = chosen[decided]
    numeric[at] = slope[decided]
    bars[at] = fit_bar[decided]
    codes[chosen[right]] = FIT_RIGHT
    codes[chosen[wrong]] = FIT_WRONG
    undecided[at] = False
    codes[chosen[opened]] = FIT_OPEN
    undecided[chosen[opened]] = True
    return numeric, bars, codes


def _judge(engine, rows_for, span, g, excluded, window, points):
    """(right, wrong, slope, bar, bent) of the entries of ``rows_for`` from fits of 2·points + 1
    losses on [−span, span] and as many on [−span/2, span/2] (module doc)."""
    central = _plan(2 * points + 1, DEGREE, -1.0, 1.0)
    fits = []
    for wide in (span, span / 2.0):
        changes = _losses(engine, rows_for, central[0], wide)
        fits.append((changes, *_fit(changes, central, wide)))
    (changes, s1, e1, rms1), (other, s2, e2, rms2) = fits
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        finite = np.isfinite(changes).all(axis=0) & np.isfinite(other).all(axis=0)
        # losses that never change over the span resolve nothing (a float16 loss's tread)
        finite &= (np.ptp(changes, axis=0) > 0) & (np.ptp(other, axis=0) > 0)
        agree = np.abs(s1 - s2) <= AGREE_SIGMAS * np.hypot(e1, e2)
        # two errors, plus what the spans' difference shows beyond their own noise (truncation)
        fit_bar = 2.0 * e1 + np.maximum(0.0, np.abs(s1 - s2) - 2.0 * np.hypot(e1, e2))
        small = fit_bar <= np.abs(g) / TIGHT
        right = finite & agree & small & (np.abs(s1 - g) <= fit_bar)
        # a later look never overrides an earlier, tighter exclusion
        right &= ~(excluded & (window < fit_bar))
        wrong = finite & agree & (np.abs(s1 - g) > WRONG_SIGMAS * e1)
        wrong &= np.abs(s2 - g) > WRONG_SIGMAS * e2
        grew = rms1 > RESIDUAL_GROWTH * np.maximum(rms2, np.finfo(float).tiny)
        wrong &= ~grew
        if not engine.smooth:  # each side alone too: a kink beside w bends one side only
            left = _fit(changes[: points + 1], _plan(points + 1, SIDE_DEGREE, -1.0, 0.0), span)
            right_side = _fit(changes[points:], _plan(points + 1, SIDE_DEGREE, 0.0, 1.0), span)
            for slope, error, _ in (left, right_side):
                wrong &= np.abs(slope - g) > SIDE_SIGMAS * error
    wrong &= ~right
    # in a model that may have kinks (every probe) the fit never makes a "wrong": a kink or a
    # coarser part's treads inside the span bias a polynomial's slope beyond its error (18
    # correct float32 relu / float16 / bfloat16 test nets failed "Wrong (least-squares
    # slope)"); such an entry is left open instead, so the check cannot pass
    if not engine.smooth:
        wrong[:] = False
    bent = ~agree | grew
    return right, wrong, np.where(finite, s1, np.nan), np.where(finite, fit_bar, np.inf), bent
