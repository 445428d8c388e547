"""Entries called wrong with windows narrower than their own round-off, decided again.

The second look (``reexamine``, ``own_scale``) and the wider estimates window an entry with
one loss value's round-off: the loss format's u·max(1, |L|), or the round-off measured near
θ0 along lines that move whole tensors (``roundoff``). A float32 part inside a float64
model — an activation computed in float32, a middle layer — rounds the loss along each
entry's own axis by what that entry moves through it, which the tensor's lines can miss: a
correct torch gradient (tanh computed in float32 inside a float64 MLP) was "Wrong at every
ε" at 6 entries, its differences at ε … ε/4 off by 3 % where those at 1e-3 … 3e-2
reproduce it to 1e-4 (review12n C4: torch 5 of 17 nets, numpy 1 of 12).

So in a float64 check at the recommended ε of a deterministic loss (along a projection's
direction too: review12p C2), each entry called wrong gets its own round-off measured — the
residual of cubics through losses along its own axis (``own_roundoff``) — and where that is
more than ``OWN_ABOVE`` times the round-off its verdict was windowed with, it is decided
again on ``wide_window``'s ladder of wider steps s = ε·2^j (up to 0.05·max(S, |w|)) with
that own round-off: wrong where the narrowest pair's Richardson is off by more than two
bars, no pair reproduces it, (a model that may have kinks) both sides' one-sided slopes
exclude it and it lies outside the scatter of five steps between h/2 and h; right within a
bar of at most |a|/4 and under half the disagreement that called it wrong (a wider bar that
merely holds g refutes nothing); else undecided (never a pass of that entry: it disagreed).
An estimate's "wrong" (``loose_verdict``, ``wide_window``) is not looked at again: it
stands on the measured scatter of five steps, whatever round-off it counted. Entries left
undecided after disagreeing at ε (the second look's, the kink search's) climb the same
ladder with the larger of the two round-offs — not along a direction, whose one-sided
slopes through kinks at θ0 need not bound g·v of a correct gradient (there only a "wrong"
is decided again), nor in a loss coarser than float64 that may have kinks. A bug keeps its
"wrong" wherever its own differences resolve it; only a verdict made with too narrow a
window is taken back. The cost is 24 losses per entry called wrong (its own round-off), and
two per rung climbed where that round-off is wider.
"""

from __future__ import annotations

import itertools

import numpy as np

from fdgui.core.netcheck import estimate_verdict, wide_window
from fdgui.core.netcheck.own_roundoff import OWN_ABOVE, own_roundoff
from fdgui.core.netcheck.own_scale import GREW
from fdgui.core.netcheck.reexamine import (
    EVERY_EPSILON,
    KINK_OUTSIDE,
    MOST_EPSILON,
    NOISE_WIDTH,
    OWN_SCALE_WRONG,
    UNDECIDED,
)
from fdgui.core.numbers.precision import unit_roundoff

# (an estimate's "wrong", ESTIMATE_WRONG, stands on the measured scatter of five steps
# between h/2 and h — ``estimate_verdict._outside_scatter`` — whatever round-off it counted)
CALLED_WRONG = (EVERY_EPSILON, MOST_EPSILON, KINK_OUTSIDE, OWN_SCALE_WRONG)


def applies(engine) -> bool:
    """A float64 check at the recommended ε (not a float16/bfloat16 loss, whose estimate
    decides). A float32 part's rounding may have been measured as noise (its losses differ
    between nearby points): that is counted in the windows' share, ``windowed_roundoff``.
    Along a projection's direction too, for the directions called wrong (review12p C2: a
    float32 tanh inside a float64 torch model failed 3 of 56 honest directions)."""
    if engine.dtype != "float64" or engine.settings.epsilon is not None:
        return False
    return not estimate_verdict.applies(engine)


def format_roundoff(engine) -> float:
    """u times the size the loss rounds at (``reexamine``'s scale: max(1, |L|), or the
    magnitude measured — a loss of 1e-16·Σ sin t rounds at 1e-32, not at u)."""
    magnitude = engine.magnitude
    scale = max(1.0, abs(engine.loss)) if magnitude is None else max(magnitude, 1e-300)
    return unit_roundoff(engine.precision) * scale


def windowed_roundoff(engine) -> float:
    """One loss value's round-off as the second look's windows count it (``reexamine``)."""
    # (the noise's windows, NOISE_WIDTH·σ over the step, against 10 such round-offs)
    plain = max(format_roundoff(engine), engine.measured_roundoff)
    return plain + NOISE_WIDTH * engine.noise_sigma / 10


def starting_steps(engine, first, current) -> np.ndarray:
    """The steps each entry's own round-off is measured at and its ladder climbs from: its
    first step (``first``), not the own-scale look's narrowest (``current``), which can lie
    below the spacing at which a float32 part moves at all, where its fans show no round-off
    (review14p C3) — but an entry moved by ε·|w| far beyond 1 keeps the own-scale step: its
    first spans the loss's own scale many times over, where the loss's growth reads as
    round-off (a cubic at 1e9 with a 10 % bug, review12n H3)."""
    grew = np.asarray(first) > GREW * engine.epsilon_base
    return np.where(grew, current, first)


def recheck(engine, rows_for, epsilon, analytic, numeric, kink, undecided, reason, bar):
    """(numeric, bar, reason) of the chunk with its entries called wrong decided again where
    their own round-off is wider than their windows', and those left undecided after
    disagreeing decided where their own wider steps allow (module doc); ``undecided`` is
    updated in place; the arrays are returned unchanged where nothing changed."""
    if reason is None:
        return numeric, bar, reason
    codes = np.asarray(reason)
    a = np.asarray(analytic, dtype=float)
    kink = np.asarray(kink, dtype=bool)
    with np.errstate(invalid="ignore"):
        looked = ~kink & np.isfinite(numeric) & np.isfinite(a) & (a != 0)
        called = np.isin(codes, CALLED_WRONG) & looked
        # (undecided with code 0: the kink search's refined step could not tell, after a
        # disagreement at ε — ``forward._find_kinks``)
        held = np.isin(codes, (0, UNDECIDED)) & np.asarray(undecided, dtype=bool) & looked
    if getattr(engine, "_along_direction", False):  # (through kinks at θ0 a direction's
        # one-sided slopes need not bound g·v: its open entries are not laddered to "wrong")
        held[:] = False
    if not engine.smooth and engine.precision != "float64":  # a coarse loss that may have
        # kinks: its open entries stay open (the ladder's pairs pass kinks on both sides,
        # and what the fans read as round-off there is a kink's: 7 of 50 honest float32
        # relu nets of review12n's r32 family failed "Wrong (estimate's bar)" so)
        held[:] = False
    chosen = np.flatnonzero(called | held)
    if chosen.size == 0:
        return numeric, bar, reason
    epsilon = np.asarray(epsilon, dtype=float)
    used = windowed_roundoff(engine)
    # (the loss's shape read as round-off is narrowed away where it would widen a window:
    # above OWN_ABOVE times the windows' for an entry called wrong, at all for one held)
    above = np.where(held[chosen], used, OWN_ABOVE * used)
    own = own_roundoff(engine, rows_for, epsilon, chosen, format_roundoff(engine), untold=True,
                       above=above)  # fmt: skip
    measured = np.isfinite(own)
    wider = measured & (own > OWN_ABOVE * used)
    pending = held[chosen]
    keep = wider | pending
    if not keep.any():
        return numeric, bar, reason
    chosen, pending = chosen[keep], pending[keep]
    r = np.where(measured[keep], np.maximum(own[keep], used), used)
    g = a[chosen]
    first = np.abs(np.asarray(numeric, dtype=float)[chosen] - g)
    with np.errstate(invalid="ignore"):  # (a bar under a quarter of the first
        # disagreement, where that is narrower than the ladder's own aim)
        stop = np.minimum(wide_window.STOP_SHARE * np.abs(g), first / 4)
    value, estimate_bar, h, pair = wide_window._ladder(engine, rows_for, epsilon, chosen, r, g,
                                                       stop)  # fmt: skip
    value, estimate_bar, h, pair = _climb_on(engine, rows_for, epsilon, chosen, r, g, value,
                                             estimate_bar, h, pair)  # fmt: skip
    kept = np.zeros(chosen.size, dtype=bool)
    if not engine.smooth:  # no "wrong" where one side's slopes below the deciding pair
        # reproduce g: the narrowest bar's pair may lie beyond kinks on both sides of w,
        # where both sides' slopes exclude a correct gradient (review17n C3: a relu kink
        # 1e-6 from w on one side, 1e-4 on the other; the right side's slopes at 5e-6 … 2e-5
        # read g)
        value, estimate_bar, h, pair = kinks_crossed(engine, rows_for, epsilon, chosen, r, g,
                                                     value, estimate_bar, h, pair)  # fmt: skip
        # ... and an own-scale look's "wrong" beyond WRONG_BARS of its own bar (its steps on
        # the loss's own scale, whose round-off that bar counts) stands where this ladder,
        # so held, cannot decide (a 1 % bug of an entry at 4e-7 in a loss varying on that
        # scale: its ladder from ε climbs past the loss's own scale)
        known = np.full(np.size(numeric), np.nan) if bar is None else np.asarray(bar, float)
        with np.errstate(invalid="ignore"):
            kept = (codes[chosen] == OWN_SCALE_WRONG) & (
                first > estimate_verdict.WRONG_BARS * known[chosen]
            )
    right, wrong = decided(engine, rows_for, epsilon.size, chosen, g, first, value,
                           estimate_bar, h, pair)  # fmt: skip
    kept &= ~(right | wrong)
    right, wrong = right & ~kept, wrong & ~kept
    still = ~(right | wrong | kept)
    if not (right.any() or wrong.any() or (still & ~pending).any()):
        return numeric, bar, reason
    numeric, bars, codes = estimate_verdict.written(numeric, reason, chosen, value,
                                                    estimate_bar, right, wrong)  # fmt: skip
    if bar is not None:
        bars = np.where(np.isnan(bars), bar, bars)
    undecided[chosen[right | wrong]] = False
    undecided[chosen[still]] = True
    codes[chosen[still]] = UNDECIDED
    return numeric, bars, codes


PAIR_KEYS = ("wide", "narrow", "straight", "sides_exclude")  # what the verdict reads of a pair


def kinks_crossed(engine, rows_for, epsilon, chosen, r, g, value, bar, h, pair):
    """The ladder's (value, bar, h, pair) with ``sides_exclude`` cleared where one side's
    slope, extrapolated to a zero step from a pair of rungs at or below the deciding pair
    (the first step among them), reproduces g within that pair's spread (``_ladder``'s: the
    change of its slopes plus 10·r over the wider step) and under half the miss: g is that
    side's slope, a kink beyond it bends the other side and the wider pairs — the narrowest
    bar's pair may lie beyond kinks on both sides of w (``recheck``)."""
    total = np.size(epsilon)
    base = np.asarray(epsilon, dtype=float)[chosen]
    steps = np.zeros(total)
    steps[chosen] = base
    points, lost = rows_for(np.concatenate([steps, -steps]))
    keep = np.concatenate([chosen, total + chosen])
    with np.errstate(invalid="ignore", over="ignore"):
        changes = np.where(lost[keep], 0.0, engine._losses(points[keep]) - engine.loss)
    rungs = [(changes[: chosen.size], changes[chosen.size :], base), *(
        (plus, minus, s) for plus, minus, s, _ in pair["rungs"])]  # fmt: skip
    held = np.zeros(chosen.size, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        off = np.abs(value - g)
        for (p1, m1, s1), (p2, m2, s2) in itertools.pairwise(rungs):
            below = np.isfinite(p2) & np.isfinite(m2) & (s2 <= h * (1 + 1e-12))
            for narrow, wide in ((p1 / s1, p2 / s2), (-m1 / s1, -m2 / s2)):
                spread = np.abs(narrow - wide) + 10 * r / s2
                side = 2 * narrow - wide
                held |= below & (np.abs(side - g) <= spread) & (spread < off / 2)
    pair = dict(pair)
    pair["sides_exclude"] = np.asarray(pair["sides_exclude"], dtype=bool) & ~held
    return value, bar, h, pair


def _climb_on(engine, rows_for, epsilon, chosen, r, g, value, bar, h, pair):
    """The ladder's result with each entry whose estimate lies between one and two bars from
    g — the climb stopped at a bar that decides nothing (a float32 part's jumps left it just
    wider than the miss, review14p C3) — climbed again to a quarter of that bar, its
    narrower pair taken where the climb found one."""
    with np.errstate(invalid="ignore", over="ignore"):
        off = np.abs(value - g)
        between = np.isfinite(value) & np.isfinite(bar) & (off > bar)
        between &= off <= estimate_verdict.WRONG_BARS * bar
    at = np.flatnonzero(between)
    if at.size == 0:
        return value, bar, h, pair
    again = wide_window._ladder(engine, rows_for, epsilon, chosen[at], r[at], g[at], bar[at] / 4)
    with np.errstate(invalid="ignore"):
        better = np.isfinite(again[0]) & np.isfinite(again[1]) & (again[1] < bar[at])
    if not better.any():
        return value, bar, h, pair
    value, bar, h = value.copy(), bar.copy(), h.copy()
    pair = dict(pair)
    where = at[better]
    value[where], bar[where], h[where] = again[0][better], again[1][better], again[2][better]
    for key in PAIR_KEYS:
        pair[key] = np.array(pair[key], copy=True)
        pair[key][where] = np.asarray(again[3][key])[better]
    return value, bar, h, pair


def decided(engine, rows_for, total, chosen, g, first, value, bar, step, pair):
    """(right, wrong) of a ladder's (value, bar) for the gradients ``g`` whose first look
    disagreed by ``first``: wrong beyond WRONG_BARS bars on a straight pair (and, in a model
    that may have kinks, where both sides exclude g) and outside the scatter of the steps
    around it; right within a bar of at most DECIDE_SHARE·|g| that holds g and is under half
    the first disagreement (a wider bar that merely holds g refutes nothing: a 1 % bug of a
    float32 torch model passed)."""
    with np.errstate(invalid="ignore", over="ignore"):
        usable = np.isfinite(value) & np.isfinite(bar)
        off = np.abs(value - g)
        wrong = usable & (off > estimate_verdict.WRONG_BARS * bar) & pair["straight"]
        if not engine.smooth:
            wrong &= pair["sides_exclude"]
        right = usable & (bar <= estimate_verdict.DECIDE_SHARE * np.abs(g)) & (off <= bar)
        right &= 2 * bar < first
    wrong &= ~right
    if wrong.any():
        wrong[wrong] = estimate_verdict._outside_scatter(
            engine, rows_for, total, chosen[wrong], step[wrong], g[wrong],
            (pair["wide"][wrong], pair["narrow"][wrong]),
        )  # fmt: skip
    return right, wrong
