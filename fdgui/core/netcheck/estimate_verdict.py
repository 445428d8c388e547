"""Entries a coarse loss leaves undecided at the first ε, decided by the estimate's own bar.

A probe whose loss is computed in float16, bfloat16 or float32 while the check runs in
float64 gets that format's ε and tolerances; the tolerance (ten times the round-off over ε,
rounded up) is then often half of the gradient or more, so a sign flip or a factor 2 looks
like agreement. The no-gradient estimate of the same loss resolves many of those entries:
Richardson from the central differences at h = ε and h/2, with the bar

    B = |c(h/2) − c(h)|/3 + 4·r/h (+ the noise's share),

r the round-off of one loss value (u·max(1, |L|), or the measured one where larger). For
each entry the first ε left undecided (its window ≥ |a|/2, or the second look could not
tell), two more losses (±h/2) give that estimate n and B, and:

* **correct** where B ≤ |a|/4 and |n − a| ≤ B (a factor 2 or a sign flip would be outside);
* **wrong** where |n − a| > ``WRONG_BARS``·B, and, when the model does not say it is
  smooth, the gradient is also outside both one-sided slopes extrapolated to a zero step
  (2·s(h/2) − s(h), each side, within their spread and round-off): a kink within the steps
  on one side leaves the other side's slopes clean, and a correct gradient agrees with them;
  and outside the central differences at h, 7h/8, 3h/4, 5h/8 and h/2 by more than their
  own spread (six more losses: the round-off the loss really shows at these steps, which a
  measurement near θ0 can miss, and a kink passed between h/2 and h, widen it);
* **undecided** otherwise (left as the first look left it).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.reexamine import (
    ESTIMATE_RIGHT,
    ESTIMATE_WRONG,
    JUMP,
    NOISE_WIDTH,
    UNDECIDED,
    WRONG,
)
from fdgui.core.numbers.precision import unit_roundoff

WRONG_BARS = 2.0  # |n − a| beyond this many bars is wrong (a clear margin)
DECIDE_SHARE = 0.25  # correct only where the bar is at most |a|/4
NOISE_SPREAD = float(np.sqrt(32.5) / 3)  # the extrapolated value's σ in units of σ/h
SCATTER_STEPS = (0.875, 0.75, 0.625)  # more steps between h/2 and h before a "wrong"


COARSE = ("float16", "bfloat16")  # the losses' formats whose tolerance cannot decide


def applies(engine) -> bool:
    """A float16 or bfloat16 loss in a float64 check, at the recommended ε (its ε is
    large enough that the losses' changes span many of their rounding steps)."""
    return (
        engine.precision in COARSE and engine.dtype == "float64" and engine.settings.epsilon is None
    )


def candidates(engine, analytic, numeric, kink, undecided, reason) -> np.ndarray:
    """Positions the first look leaves undecided (window ≥ |a|/2 where it agrees, or the
    second look could not tell), not already explained as a kink or called wrong."""
    tolerances = engine.tolerances()
    a = np.asarray(analytic, dtype=float)
    window = tolerances.atol + tolerances.rtol * np.abs(a)
    with np.errstate(invalid="ignore"):
        agrees = np.abs(numeric - a) <= window
        wide = window >= 0.5 * np.abs(a)
    open_ = (agrees & wide) | undecided
    if reason is not None:
        open_ &= ~np.isin(reason, (*WRONG, JUMP))
    open_ &= ~kink & np.isfinite(numeric) & np.isfinite(a)
    return np.flatnonzero(open_)


def resolves_undecided(engine) -> bool:
    """A float64 check of a loss that is not coarse: entries the second look left undecided
    (its windows carry ten times the round-off, rounded up) may still be resolved by the
    estimate's own bar — only "wrong" is taken from it there (review9i C3: a 1 % bug 10 of
    those bars off was undecided, and the check passed)."""
    # (not along a projection's direction: through kinks at θ0 its one-sided slopes do not
    # bound g·v of a correct gradient)
    along = bool(getattr(engine, "_along_direction", False))
    return engine.dtype == "float64" and not applies(engine) and not along


def decide_undecided(engine, rows_for, epsilon, analytic, plus, minus, numeric, kink,
                     undecided, reason):  # fmt: skip
    """``decide`` for the entries the second look called undecided, "wrong" only (a right
    estimate leaves them as they were)."""
    if reason is None:
        return numeric, None, reason
    a = np.asarray(analytic, dtype=float)
    with np.errstate(invalid="ignore"):
        open_ = (np.asarray(reason) == UNDECIDED) & ~kink & np.isfinite(numeric) & np.isfinite(a)
    chosen = np.flatnonzero(open_ & (a != 0))
    return decide(engine, rows_for, epsilon, analytic, plus, minus, numeric, kink, undecided,
                  reason, chosen, wrong_only=True)  # fmt: skip


def decide_weak_kinks(engine, rows_for, epsilon, analytic, plus, minus, numeric, kink,
                      undecided, reason, weak):  # fmt: skip
    """``decide`` ("wrong" only) for the entries ``weak`` the first look explained as a kink
    although the refined step's window was no narrower than the disagreement it excused
    (agreeing there shows nothing): a wrong one stops being a kink. A smooth torch net at
    1e-4 scale with 3.2e-9 added to a gradient of 3.1e-7 passed as "Kink (explained)"
    (review9i C3, T_all4_add0w) though the estimate's bar resolves it thirteen times; a
    kink beside w keeps one side's slopes clean, and a correct gradient agrees with them."""
    numeric, bars, codes = decide(engine, rows_for, epsilon, analytic, plus, minus, numeric,
                                  kink, undecided, reason, weak, wrong_only=True)  # fmt: skip
    if bars is not None:
        kink[np.asarray(codes) == ESTIMATE_WRONG] = False
    return numeric, bars, codes


def decide(engine, rows_for, epsilon, analytic, plus, minus, numeric, kink, undecided,
           reason, chosen=None, wrong_only=False):  # fmt: skip
    """(numeric, bar, reason) of the chunk with its undecided entries decided where the
    estimate's bar allows (module doc); ``undecided`` is updated in place. ``bar`` is None
    when nothing was decided (NaN where the first window still judges). ``chosen``: the
    entries to look at (``candidates`` when None); ``wrong_only``: only "wrong" is decided."""
    if chosen is None:
        chosen = candidates(engine, analytic, numeric, kink, undecided, reason)
    if chosen.size == 0:
        return numeric, None, reason
    total = np.size(epsilon)
    h = np.asarray(epsilon, dtype=float)[chosen]
    steps = np.zeros(total)
    steps[chosen] = h / 2
    points, lost = rows_for(np.concatenate([steps, -steps]))
    keep = np.concatenate([chosen, total + chosen])
    losses = engine._losses(points[keep])
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        changes = np.where(lost[keep], 0.0, losses - engine.loss)
        half_plus, half_minus = changes[: chosen.size], changes[chosen.size :]
        wide = numeric[chosen]
        narrow = (half_plus - half_minus) / h
        value = (4 * narrow - wide) / 3
        r = max(unit_roundoff(engine.precision) * max(1.0, abs(engine.loss)),
                engine.measured_roundoff)  # fmt: skip
        noise = NOISE_WIDTH * NOISE_SPREAD * engine.noise_sigma / h
        bar = np.abs(narrow - wide) / 3 + 4 * r / h + noise
        g = np.asarray(analytic, dtype=float)[chosen]
        off = np.abs(value - g)
        right = correct = (bar <= DECIDE_SHARE * np.abs(g)) & (off <= bar)
        wrong = off > WRONG_BARS * bar
        if not engine.smooth:  # a kink on one side leaves the other side's slopes clean
            for wide_change, narrow_change, sign in ((plus, half_plus, 1.0),
                                                     (minus, half_minus, -1.0)):  # fmt: skip
                s_wide = sign * wide_change[chosen] / h
                s_narrow = sign * narrow_change / (h / 2)
                side = 2 * s_narrow - s_wide
                spread = np.abs(s_narrow - s_wide) + 10 * r / h + noise
                wrong &= np.abs(side - g) > spread
        usable = np.isfinite(value) & np.isfinite(bar)
    right &= usable & (not wrong_only)
    wrong &= usable & ~correct
    if wrong.any():  # the scatter of central differences between h/2 and h, measured
        wrong[wrong] = _outside_scatter(
            engine, rows_for, total, chosen[wrong], h[wrong], g[wrong],
            (wide[wrong], narrow[wrong]),
        )  # fmt: skip
    numeric, bars, codes = written(numeric, reason, chosen, value, bar, right, wrong)
    undecided[chosen[right | wrong]] = False
    if not (right.any() or wrong.any()):
        return numeric, None, reason
    return numeric, bars, codes


def written(numeric, reason, chosen, value, bar, right, wrong):
    """(numeric, bars, codes) of a chunk with the estimate's value and bar written at the
    ``chosen`` entries it decided (``right``/``wrong`` over ``chosen``), coded ESTIMATE_RIGHT
    or ESTIMATE_WRONG beside ``reason``'s codes (None: all 0)."""
    total = np.size(numeric)
    numeric = np.array(numeric, dtype=float, copy=True)
    bars = np.full(total, np.nan)
    codes = np.zeros(total, dtype=np.int8) if reason is None else np.array(reason, np.int8)
    for mask, code in ((right, ESTIMATE_RIGHT), (wrong, ESTIMATE_WRONG)):
        at = chosen[mask]
        numeric[at] = value[mask]
        bars[at] = bar[mask]
        codes[at] = code
    return numeric, bars, codes


def _outside_scatter(engine, rows_for, total, at, h, g, known, repeats=1) -> np.ndarray:
    """Whether ``g`` lies outside the central differences at h·SCATTER_STEPS (with h and
    h/2, ``known``) by more than their own spread: the round-off a loss really has at these
    steps, whatever was measured near θ0 (a loss summed partly in a coarser format than its
    values show scatters here), and a kink passed between h/2 and h, widen it. ``repeats``:
    each loss the mean of that many evaluations (a noisy loss's averaged estimate,
    ``noisy_repeats``: its ``known`` differences are such means too)."""
    from fdgui.core.netcheck.noisy_repeats import repeated_losses

    found = list(known)
    for factor in SCATTER_STEPS:
        steps = np.zeros(total)
        steps[at] = h * factor
        points, lost = rows_for(np.concatenate([steps, -steps]))
        keep = np.concatenate([at, total + at])
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            if repeats > 1:
                losses = repeated_losses(engine, points[keep], repeats).mean(axis=0)
            else:
                losses = engine._losses(points[keep])
            changes = np.where(lost[keep], 0.0, losses - engine.loss)
            found.append((changes[: at.size] - changes[at.size :]) / (2 * h * factor))
    values = np.vstack(found)
    with np.errstate(invalid="ignore"):
        low, high = values.min(axis=0), values.max(axis=0)
        spread = high - low
        return np.isfinite(spread) & ((g < low - spread) | (g > high + spread))
