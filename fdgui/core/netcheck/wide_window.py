"""Entries whose window is a large share of their own gradient, looked at on wider steps.

The first look's window is atol + rtol·|a|, atol ten times one loss value's round-off over
ε, rounded up. The round-off is the loss's, not the entry's: a loss of 3.6e8 (a term
1e9·θ[2] beside Σ θ²) gives every entry a window of 0.5, and a 30 % bug on a gradient of
1.9 "agreed" (review11n C3), though a step of 1e-3 resolves that slope to 3e-5. And the
round-off measured along lines that move the whole tensor is widened by any one entry
whose loss is not smooth at the lines' spacing (a pole 5e-8 away, the loss not finite a
hair from θ0): that one entry set atol to 1e5 for all the others, where a 30 % bug then
"agreed" too (review11n H1, H2).

So in a float64 check at the recommended ε (deterministic loss), every entry that agrees
only within a window (or a wider estimate's bar) of at least ``WIDE_SHARE`` of |a| is
estimated again on a ladder of wider steps s = ε·2^j (j = 1, 2, …, none beyond
``REACH``·max(S, |w|), S the tensor's step scale; an entry stops climbing once its bar is
``STOP_SHARE`` of |a| or has grown ``GROWN`` pairs running): Richardson from the pairs
(s/2, s), the pair with the narrowest bar |c(s/2) − c(s)|/3 + 4·r/s deciding. r is the
round-off the check measured, or — where that is more than ``COARSER`` times what the
loss's format gives (u·max(1, |L|)) — the entry's **own**: the residual of a cubic through
losses along its own axis (two fans at each of two spacings, ``own_roundoff``), never
above the check's, never below u·max(1, |L|).
Then:

* **wrong** where the estimate is off by more than ``WRONG_BARS`` bars, no pair
  reproduces a within a bar under half that disagreement, (a model that may have kinks)
  at some pair both sides' one-sided slopes extrapolated to 0 exclude a too, and a lies outside
  the central differences at five steps between s/2 and s by more than their own spread
  (``estimate_verdict._outside_scatter``);
* **right** where the bar is at most |a|/4 and a lies within it;
* **undecided** otherwise where the first window was at least ``LOOSE_SHARE`` of |a| (a
  30 % bug would have agreed there: no pass); left as it was below that.

The cost is two losses per rung climbed (four rungs or more) for such an entry, plus 24
for its own round-off where the check's is suspect and six where it looks wrong; counted
by the report and the plan (the engine's ``more_evaluations``).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck import estimate_verdict, loose_verdict, wide_kinks
from fdgui.core.netcheck.own_roundoff import own_roundoff
from fdgui.core.netcheck.reexamine import ESTIMATE_RIGHT, KINK_LIMIT, ROUNDOFF_LIMIT, UNDECIDED
from fdgui.core.netcheck.tolerances import step_atol
from fdgui.core.numbers.precision import unit_roundoff

WIDE_SHARE = 1e-2  # a window this share of |a| or more is looked at on wider steps
LOOSE_SHARE = 0.25  # ... and at this share, left open when those cannot decide it
COARSER = 16.0  # a measured round-off this many times the format's is suspect (one entry's?)
REACH = 0.05  # the widest step, times max(S, |w|) (S: the tensor's step scale)
STOP_SHARE = 1e-3  # an entry's climb ends once its bar is this share of |g| or less
GROWN = 2  # ... or once its bar has grown this many pairs running (truncation rules)
OWN_BELOW = 0.25  # an own round-off under this share of the check's is worth the ladder


def applies(engine) -> bool:
    """A float64 check at the recommended ε of a deterministic loss (not along a
    projection's direction; not a float16/bfloat16 loss, whose estimate decides)."""
    if engine.dtype != "float64" or engine.settings.epsilon is not None:
        return False
    if getattr(engine, "_along_direction", False) or engine.noise_sigma > 0:
        return False
    return not estimate_verdict.applies(engine)


def decide(engine, rows_for, epsilon, analytic, numeric, plus, minus, kink, undecided,
           reason, bar):  # fmt: skip
    """(numeric, bar, reason) of the chunk with its loosely agreeing entries decided where
    the wider steps allow (module doc); ``undecided`` is updated in place; bar None when
    nothing changed."""
    tolerances = engine.tolerances()
    epsilon = np.asarray(epsilon, dtype=float)
    a = np.asarray(analytic, dtype=float)
    total = epsilon.size
    plain = unit_roundoff(engine.precision) * max(1.0, abs(engine.loss))
    checked = max(plain, engine.measured_roundoff)
    suspect = checked > COARSER * plain
    codes = np.zeros(total, np.int8) if reason is None else np.asarray(reason)
    known = np.full(total, np.nan) if bar is None else np.asarray(bar, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        window = step_atol(tolerances, epsilon) + tolerances.rtol * np.abs(a)
        current = np.where(np.isfinite(known), known, window)
        open_ = (a != 0) & np.isfinite(numeric) & np.isfinite(a) & ~kink & ~undecided
        loose = current >= WIDE_SHARE * np.abs(a)
        first = open_ & loose & (codes == 0) & (np.abs(numeric - a) <= window)
        if suspect:  # an estimate's bar made of the suspect round-off
            first |= open_ & loose & (codes == ESTIMATE_RIGHT)
        # entries the earlier looks left undecided (a refined step's window as wide as
        # half of |a|, a second look that could neither confirm nor excuse): their own
        # wider steps decide them too (review12n C3: a 30 % bug beside a term 1e8·θ[j]
        # stayed "Undecided" and the check passed, though a step of 1e-3 resolves it)
        pending = np.asarray(undecided, dtype=bool) & ~kink & np.isfinite(numeric)
        pending &= np.isfinite(a) & (a != 0) & np.isin(codes, (0, UNDECIDED))
        first |= pending
        # an entry a coarse loss's wider look left undecided after it agreed only within a
        # first window of |a|/4 or more (``loose_verdict.LOOSE_SHARE``; KINK_LIMIT: no clean
        # pair bounded it): these steps, with
        # the entry's own round-off, may decide it as they decide any loose agreement
        relooked = np.asarray(undecided, dtype=bool) & ~kink
        relooked &= np.isin(codes, (ROUNDOFF_LIMIT, KINK_LIMIT))
        relooked &= (a != 0) & np.isfinite(numeric) & np.isfinite(a) & loose
        first |= relooked & (np.abs(numeric - a) <= window)
    if loose_verdict.applies(engine) and not suspect:
        return numeric, None, reason  # (its wider look used this round-off already)
    chosen = np.flatnonzero(first)
    if chosen.size == 0:
        return numeric, None, reason
    r = np.full(chosen.size, checked)
    if suspect:
        own = own_roundoff(engine, rows_for, epsilon, chosen, plain)
        r = np.minimum(checked, own)
        keep = r <= OWN_BELOW * checked
        chosen, r = chosen[keep], r[keep]
        if chosen.size == 0:
            return numeric, None, reason
    g = a[chosen]
    value, estimate_bar, h, pair = _ladder(engine, rows_for, epsilon, chosen, r, g)
    if not engine.smooth:  # "wrong" only from a pair no kink was crossed up to
        first_look = (np.asarray(plus, dtype=float)[chosen], np.asarray(minus, dtype=float)[chosen])
        kinked = wide_kinks.smooth_pair(pair, first_look, epsilon[chosen], r, g)
    with np.errstate(invalid="ignore", over="ignore"):
        usable = np.isfinite(value) & np.isfinite(estimate_bar)
        off = np.abs(value - g)
        wrong = usable & (off > estimate_verdict.WRONG_BARS * estimate_bar) & pair["straight"]
        if not engine.smooth:
            wrong = kinked["wrong"]
        right = usable & (estimate_bar <= estimate_verdict.DECIDE_SHARE * np.abs(g))
        # (one left undecided after disagreeing at ε: right only with a bar under half that
        # disagreement, which it then shows to have been the first step's)
        held = pending[chosen]
        narrower = np.where(held, np.abs(numeric[chosen] - g) / 2, current[chosen])
        right &= (off <= estimate_bar) & (estimate_bar < narrower)
    wrong &= ~right
    if not engine.smooth:  # its numbers where it decides
        for name, mine in (("value", value), ("bar", estimate_bar), ("h", h)):
            mine[wrong] = kinked[name][wrong]
        for name in ("narrow", "wide"):
            pair[name] = np.where(wrong, kinked[name], pair[name])
    if wrong.any():
        wrong[wrong] = estimate_verdict._outside_scatter(
            engine, rows_for, total, chosen[wrong], h[wrong], g[wrong],
            (pair["wide"][wrong], pair["narrow"][wrong]),
        )  # fmt: skip
    with np.errstate(invalid="ignore"):
        still = ~(right | wrong) & (current[chosen] >= LOOSE_SHARE * np.abs(g)) & ~held
    if not (right.any() or wrong.any() or still.any()):
        return numeric, None, reason
    numeric, bars, codes = estimate_verdict.written(numeric, reason, chosen, value,
                                                    estimate_bar, right, wrong)  # fmt: skip
    if bar is not None:
        bars = np.where(np.isnan(bars), known, bars)
    undecided[chosen[right | wrong]] = False
    undecided[chosen[still]] = True
    codes[chosen[still]] = ROUNDOFF_LIMIT
    return numeric, bars, codes


def _ladder(engine, rows_for, epsilon, chosen, r, g, stop=None):
    """(value, bar, h, pair) of Richardson at the pair (h/2, h) with the narrowest bar among
    the rungs s = ε·2^j, j = 1, 2, … (module doc), climbed one rung at a time while an entry's
    best bar is above ``STOP_SHARE``·|g|, its bars have not grown ``GROWN`` pairs running
    (truncation has taken over), and s ≤ ``REACH``·max(S, |w|) (S the tensor's step
    scale); ``pair``: that pair's central differences (``narrow``, ``wide``),
    ``straight`` (no pair reproduces g within a bar under half the disagreement) and
    ``sides_exclude`` (at some pair both one-sided slopes extrapolated to 0,
    2·s(h/2) − s(h), exclude g by more than the spread of that pair's slopes, or than
    their difference from the next pair's (their h² truncation, three times over), plus
    round-off: a kink between a pair's steps bends one side only, and the clean side
    keeps a correct g). ``stop``: each entry's bar to climb to, instead of STOP_SHARE·|g|
    (an entry that disagreed at ε: a bar well under that disagreement)."""
    total = epsilon.size
    n = chosen.size
    base = epsilon[chosen]
    # (ε·max(S, |w|) over ε: a tensor moved at its own scale S reaches that far only)
    top = REACH * base / engine.epsilon_base
    best = np.full(n, np.inf)
    value = np.full(n, np.nan)
    h = base.copy()
    narrow_at = np.full(n, np.nan)
    wide_at = np.full(n, np.nan)
    sides = np.zeros(n, dtype=bool)
    grown = np.zeros(n, dtype=int)
    tried = []  # (estimate, bar) of every pair, NaN where not climbed
    pairs, rungs = [], []  # for a model with kinks (``wide_kinks``)
    live = np.ones(n, dtype=bool)
    below = None  # the rung under the one being taken: (ΔL+, ΔL−) over all chosen
    previous = None  # the pair below's one-sided extrapolations, its h, usable
    j = 1
    while live.any():
        s = base * 2.0**j
        live &= s <= top * (1 + 1e-12)
        if not live.any():
            break
        at = np.flatnonzero(live)
        steps = np.zeros(total)
        steps[chosen[at]] = s[at]
        points, lost = rows_for(np.concatenate([steps, -steps]))
        keep = np.concatenate([chosen[at], total + chosen[at]])
        with np.errstate(invalid="ignore", over="ignore"):
            found = np.where(lost[keep], 0.0, engine._losses(points[keep]) - engine.loss)
        rung = (np.full(n, np.nan), np.full(n, np.nan))
        rung[0][at], rung[1][at] = found[: at.size], found[at.size :]
        rungs.append((*rung, s, s))
        if below is not None:
            (p1, m1), (p2, m2), s1, s2 = below, rung, s / 2, s
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                narrow = (p1 - m1) / (2 * s1)
                wide = (p2 - m2) / (2 * s2)
                estimate = (4 * narrow - wide) / 3
                bar = np.abs(narrow - wide) / 3 + 4 * r / s2
                one_sided, alone = [], np.ones(n, dtype=bool)
                for n_change, w_change, sign in ((p1, p2, 1.0), (m1, m2, -1.0)):
                    slope_narrow, slope_wide = sign * n_change / s1, sign * w_change / s2
                    one_sided.append(2 * slope_narrow - slope_wide)
                    # this pair alone: the spread of its own slopes (first order in h)
                    spread = np.abs(slope_narrow - slope_wide) + 10 * r / s2
                    alone &= np.abs(one_sided[-1] - g) > spread
                usable = live & np.isfinite(bar) & np.isfinite(estimate)
                here = usable & alone
                if previous is not None:  # the pair below's sides, their truncation
                    # (∝ h²) the difference of the two pairs', plus round-off
                    excluded = np.ones(n, dtype=bool)
                    for low, high in zip(previous[0], one_sided, strict=True):
                        spread = np.abs(high - low) + 10 * r / previous[1]
                        excluded &= np.abs(low - g) > spread
                    here |= previous[2] & usable & excluded  # some pair's sides exclude g
                sides |= here
                better = usable & (bar < best)
                grown = np.where(better, 0, grown + 1)
            best = np.where(better, bar, best)
            value = np.where(better, estimate, value)
            h = np.where(better, s2, h)
            narrow_at = np.where(better, narrow, narrow_at)
            wide_at = np.where(better, wide, wide_at)
            previous = (one_sided, s2, usable)
            tried.append((np.where(usable, estimate, np.nan), np.where(usable, bar, np.nan)))
            pairs.append((s2, *tried[-1], narrow, wide, here))
            with np.errstate(invalid="ignore"):
                target = STOP_SHARE * np.abs(g) if stop is None else stop
                live &= ~(best <= target) & (grown < GROWN)
        below = rung
        j += 1
    with np.errstate(invalid="ignore"):
        off = np.abs(value - g)
        refuted = np.zeros(n, dtype=bool)
        for estimate, bar in tried:  # a pair that reproduces g and could see the miss
            refuted |= (np.abs(estimate - g) <= bar) & (bar < off / 2)
    pair = {"narrow": narrow_at, "wide": wide_at, "straight": ~refuted, "sides_exclude": sides,
            "pairs": pairs, "rungs": rungs}  # fmt: skip
    return value, best, h, pair
