"""The last look of a model that may have kinks: each side of w on its own, at steps the
loss's own scale bounds (review15n C1, C4, C5).

The earlier looks excuse an entry where their steps cannot tell a bug from what they see: a
kink within ±ε ("Kink (explained)", "Undecided"), a window the round-off widened
("Within dtype error" under an atol of 0.1 beside a float32 part), a bar that reaches the
bug ("Correct at its own scale"). But a relu kink 2e-6 from w bends one side only: the
other side's one-sided slopes at steps 1e-4 … 1e-3 resolved a 2 % bug 100-fold while it
passed through every one of those excuses (review15n C4). And where |w| is huge the looks
step by ε·|w|: at |w| = 1e6 a step of 4.8 spans a loss of scale 3 and "explains" a bug as a
kink in a loss that has none (C1); at |w| = 1e12 steps of 4.8e6 cross kinks 0.01 away and
call a correct gradient wrong (C5).

So, in a float64 check at the recommended ε of a deterministic float64 loss (a coarser part
inside it allowed: not a loss computed in float32) that may have kinks,
every entry left excused (a kink, undecided, or agreeing only within a window or bar of at
least ``WIDE_SHARE`` of |a|) — and every entry with |w| above ``BIG`` called wrong — is
looked at on steps h = q·2^k, k = 0, 1, …: q = ε·max(S, |w|)/max(1, |w|) (the step the
entry would have at |w| ≤ 1), at least ``FLOOR_SPACINGS`` spacings of w, a power of two (w
± h is then exact, and the step made is the step meant). On each side the one-sided
slopes D(h) = ±ΔL±/h must follow a smooth loss's law, D(4h) − D(2h) = 2·(D(2h) − D(h))
within ``LAW_SHARE`` of itself plus their round-off (7.5·r/h); a side is read only below
the first step where it does not (a kink crossed, or the loss's own scale reached:
curvature takes over); a pair (h, 2h) only where the triple above it holds the law too (a
kink at 1.6h leaves one triple on the law, never two). r is the larger of the check's (the
entry's tensor's) round-off and what the entry's own one-sided fans of losses at q (exact
steps) show beyond a cubic — the smaller fans' (q/8, q/64) where the larger one's residual
is ``GROW`` times theirs: a kink inside a fan grows with its span, round-off does not
(review16n C1: kinks on both sides within ±6q set r to their ΔL and the law swallowed
them); at |w| above ``BIG`` the fans' alone, at q and 16q, as they are: the check's was
measured along lines whose steps θ's spacing rounds (2.8e-4 at 1e12, where exact steps see
1e-16), and a coarser part may be frozen at the smaller fans' steps there (kinks inside
those fans are left to each side's read below q). A side's value is its
slopes' linear extrapolation to 0 from (h, 2h), its bar the change to the next pair plus
5·r/h; where both sides are clean and agree within their bars, the central differences
give Richardson (4c(h) − c(2h))/3, bar the change to the next pair plus 1.5·r/h. The
narrowest bar of each look decides; a look resolves where its bar is at most a quarter of
the larger of |a| and its value:

* **wrong** where the central estimate excludes a by ``WRONG_BARS`` bars; or both sides
  resolve and a lies outside the band between them widened by that margin (a kink at w
  itself admits any value between its sides; a side that broke while the other did not
  widens it by no more than the clean side's bar); or one side excludes a while the other
  broke at a smaller step and resolves nothing or does not exclude it (its kink lies
  beyond, not at w; review16n C3) — never where some clean pair reproduces a within a bar
  under half the miss, nor one of each side's own slopes below q (``_finer_refute``);
* **right** where such a look holds a within a bar of at most |a|/4 and none excludes it
  (an entry already explained as a kink stays one: the sides only refute that excuse);
* **Kink (explained)** where both sides resolve, differ beyond their bars, and a is one
  side's slope: a kink nearer to w than q, whose side the steps cannot tell (a kink's
  signature Δ·δ/h falls with h exactly as round-off does);
* **undecided** where a is neither side's slope there (``SIDES_OPEN``: a bug, or a
  subgradient of a kink at w itself) — its tensor does not pass;
* otherwise the earlier verdict stands. A "wrong" is only ever refuted here (right within
  a bar under half its miss), never made from an earlier one.

Climbing stops at ``MAX_RUNGS`` rungs, at ``REACH``·max(S, |w|), where both sides have
broken, or where a bar of ``STOP_SHARE``·|a| is reached. Cost: 12 losses for the fan (24 at
|w| above BIG), 2 a rung beyond 4q, for the entries looked at only.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck import loose_verdict, wide_window
from fdgui.core.netcheck.reexamine import (
    ESTIMATE_WRONG,
    EVERY_EPSILON,
    JUMP,
    KINK,
    KINK_OUTSIDE,
    MOST_EPSILON,
    OWN_SCALE_WRONG,
    SIDES_OPEN,
    SIDES_RIGHT,
    SIDES_WRONG,
)
from fdgui.core.netcheck.roundoff import ROUNDOFF_SAFETY
from fdgui.core.netcheck.tolerances import step_atol
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.numbers.quadratic import fan_residuals
from fdgui.core.numbers.verdicts import VERDICTS

WIDE_SHARE = wide_window.WIDE_SHARE  # a window or bar this share of |a|: excused, looked at
BIG = 16.0  # |w| above this: a "wrong" from steps ∝ |w| is looked at too
FLOOR_SPACINGS = 8.0  # the smallest step, in spacings of w
FAN = 6  # the fan's points on each side (q … 6q): its residual from a cubic is round-off
NESTED = 2  # smaller fans at q/8, q/64: a fan crossing kinks holds their ΔL, not round-off
GROW = 4.0  # a fan's residual this many times a smaller fan's grows with its span: no round-off
MAX_RUNGS = 24  # at most q·2^23
REACH = wide_window.REACH  # the widest step, times max(S, |w|)
LAW_SHARE = 0.25  # a side's slopes follow the law within this share of their change
WRONG_BARS = 2.0
DECIDE_SHARE = 0.25  # resolving: a bar of at most this share of max(|a|, |value|)
FINER = 8  # steps below q a "wrong" of the sides must agree with (q/2 … q/256)
STOP_SHARE = 1e-3  # an entry's climb ends once a bar this share of |a| is reached
CORRECT = VERDICTS[0].upper  # a relative miss this small is never wrong
CALLED_WRONG = (EVERY_EPSILON, MOST_EPSILON, KINK_OUTSIDE, ESTIMATE_WRONG, OWN_SCALE_WRONG)


def applies(engine) -> bool:
    """A float64 check at the recommended ε of a deterministic float64 loss (a coarser part
    inside it allowed) that may have kinks (``wide_window.applies``, not smooth). Not a
    loss computed in float32: its steps round to a staircase everywhere, whose treads the
    sides' law cannot tell from kinks (a correct float32 relu torch model, 1 of 2 seeds)."""
    if engine.smooth or getattr(engine, "precision", "float64") != "float64":
        return False
    return wide_window.applies(engine)


def candidates(engine, epsilon, values, analytic, numeric, kink, undecided, reason, bar):
    """(excused, wrong_big): positions left excused (module doc) and those called wrong
    with |w| above BIG."""
    tolerances = engine.tolerances()
    a = np.asarray(analytic, dtype=float)
    codes = np.zeros(a.size, np.int8) if reason is None else np.asarray(reason)
    known = np.full(a.size, np.nan) if bar is None else np.asarray(bar, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        window = step_atol(tolerances, epsilon) + tolerances.rtol * np.abs(a)
        current = np.where(np.isfinite(known), known, window)
        usable = np.isfinite(numeric) & np.isfinite(a) & (a != 0)
        called = np.isin(codes, (*CALLED_WRONG, JUMP))
        loose = (current >= WIDE_SHARE * np.abs(a)) & (np.abs(numeric - a) <= current)
        excused = usable & ~called & (kink | undecided | loose)
        big = np.abs(np.asarray(values, dtype=float)) > BIG
        wrong_big = usable & np.isin(codes, CALLED_WRONG) & big & ~kink & ~undecided
    return np.flatnonzero(excused), np.flatnonzero(wrong_big)


def judge(engine, rows_for, epsilon, analytic, numeric, kink, undecided, reason, bar):
    """(numeric, bar, reason) of the chunk with the candidates decided where their sides
    allow (module doc); ``kink`` and ``undecided`` are updated in place."""
    values = np.asarray(getattr(rows_for, "values", np.zeros(np.size(epsilon))), dtype=float)
    epsilon = np.asarray(epsilon, dtype=float)
    excused, wrong_big = candidates(engine, epsilon, values, analytic, numeric, kink,
                                    undecided, reason, bar)  # fmt: skip
    chosen = np.concatenate([excused, wrong_big])
    if chosen.size == 0:
        return numeric, bar, reason
    a = np.asarray(analytic, dtype=float)[chosen]
    looks = _looks(engine, rows_for, epsilon, values, chosen, a)
    was_wrong = np.zeros(chosen.size, dtype=bool)
    was_wrong[excused.size :] = True
    with np.errstate(invalid="ignore"):  # a "wrong" is refuted only by a bar under half its miss
        miss = np.where(was_wrong, np.abs(np.asarray(numeric, dtype=float)[chosen] - a), np.inf)
    wrong, right, value, width = _decide(looks, a, miss)
    wrong &= ~was_wrong  # (a "wrong" stands; the sides may only refute it)
    # ... or open it: a clean look that reproduces a within a bar under half the miss, where
    # another excludes it (a side read across kinks that fans crossing them set the
    # round-off of at |w| above BIG), leaves evidence that cannot decide (a relu net at
    # |w| = 1e8 whose own-scale steps crossed kinks 1e-5 away on both sides, called wrong)
    with np.errstate(invalid="ignore"):
        conflicting = was_wrong & ~right & (looks["refute_bar"] < miss / 2)
    # an axis the coarse-part look found rough (a staircase, a fine structure): its treads
    # break the sides' law like kinks, and a frozen tread reads as a clean side (a dropped
    # float32 derivative "right"), so the sides leave such an entry as that look left it —
    # open where they would have called it wrong
    rough = np.isin(chosen, getattr(engine, "coarse_rough", np.zeros(0, dtype=np.intp)))
    demoted = wrong & rough
    if loose_verdict.applies(engine):  # a loss measured to round far coarser than float64
        # (a coarser part inside): its treads may hide on axes the coarse look did not mark
        # (several float16/bfloat16/quantised parts: 5 of 5 correct runs "Wrong (one-sided
        # slopes)"), so a would-be "wrong" at |w| ≤ BIG is left open there — never a pass
        # (above BIG the measured round-off is θ's spacing, which the fans there handle)
        demoted |= wrong & (np.abs(values[chosen]) <= BIG)
    wrong &= ~demoted
    right &= ~rough
    if wrong.any():  # (a smaller step that excludes the sides' value: they are not converged)
        at = np.flatnonzero(wrong)
        q = _steps(epsilon[chosen[at]], values[chosen[at]])
        w = values[chosen[at]]
        plain = unit_roundoff(engine.precision) * max(1.0, abs(engine.loss))
        # what the losses round at below q: a fan at the finest step (exact steps; it spans
        # ±6 of them, inside the kinks the sides' fan crossed)
        least = np.maximum(q * 2.0**-FINER, FLOOR_SPACINGS * np.spacing(np.abs(w)))
        _, least_r = _fan(engine, rows_for, epsilon.size, chosen[at],
                          2.0 ** np.ceil(np.log2(least)))  # fmt: skip
        least_r = np.maximum(plain, least_r)
        fine_r = np.full(at.size, max(plain, float(np.max(engine.measured_roundoff))))
        big = np.abs(w) > BIG  # (the check's r there is θ's spacing at steps ∝ |w|: H1)
        fine_r[big] = least_r[big]
        refuted, finer = _finer_refute(engine, rows_for, epsilon.size, chosen[at], q, w,
                                       value[at], width[at], fine_r)  # fmt: skip
        # each side's own slopes below q too: a side that broke at q may still read a
        # there (a kink at w on the other side, its second kink beyond q: review16n C1)
        rungs = {sign: finer[sign] + [(c[at], m[at]) for c, m in looks["rungs"][sign][:3]]
                 for sign in (1.0, -1.0)}  # fmt: skip
        with np.errstate(invalid="ignore"):
            fine = _read(rungs, least_r, a[at])
            below = fine["refute_bar"] < np.abs(value[at] - a[at]) / 2
        wrong[at[refuted | below]] = False
    right &= ~kink[chosen]  # (a kink the earlier looks explained stands unless refuted)
    split, one = _split(looks, a)
    rest = ~(wrong | right | was_wrong) & split
    placed = rest & one & ~rough & ~demoted  # a is one side's slope: a kink near w, beyond
    # (a demoted "wrong" is open, never explained as a kink)
    opened = (rest & ~one & ~kink[chosen] & ~rough) | demoted | conflicting  # a is neither:
    # no pass (a kink at w is between)
    kink[chosen[placed]] = True
    undecided[chosen[placed]] = False
    undecided[chosen[opened]] = True
    if not (wrong.any() or right.any() or placed.any() or opened.any()):
        return numeric, bar, reason
    total = np.size(epsilon)
    numeric = np.array(numeric, dtype=float, copy=True)
    bars = np.full(total, np.nan) if bar is None else np.array(bar, dtype=float, copy=True)
    codes = np.zeros(total, np.int8) if reason is None else np.array(reason, np.int8)
    codes[chosen[placed]] = KINK
    codes[chosen[opened]] = SIDES_OPEN
    for mask, code in ((right, SIDES_RIGHT), (wrong, SIDES_WRONG)):
        at = chosen[mask]
        numeric[at] = value[mask]
        bars[at] = width[mask]
        codes[at] = code
        kink[at] = False
        undecided[at] = False
    return numeric, bars, codes


def _steps(epsilon, values) -> np.ndarray:
    """q per entry (module doc): the |w| ≤ 1 step, at least FLOOR_SPACINGS spacings of w,
    rounded up to a power of two."""
    magnitude = np.abs(values)
    q = epsilon / np.maximum(1.0, magnitude)
    q = np.maximum(q, FLOOR_SPACINGS * np.spacing(magnitude))
    return 2.0 ** np.ceil(np.log2(q))


def _changes(engine, rows_for, total, chosen, moves) -> list[tuple[np.ndarray, np.ndarray]]:
    """(ΔL, made steps) of the chosen entries for each array of signed steps in ``moves``
    (one step per chosen entry), in one call of the loss."""
    parts = []
    for steps in moves:
        full = np.zeros(total)
        full[chosen] = steps
        parts.append(full)
    points, lost = rows_for(np.concatenate(parts))
    keep = np.concatenate([row * total + chosen for row in range(len(moves))])
    with np.errstate(invalid="ignore", over="ignore"):
        rows = _subset(points, keep) if hasattr(points, "where") else points[keep]
        changes = np.where(lost[keep], 0.0, engine._losses(rows) - engine.loss)
    values = rows_for.values[chosen]
    found = []
    for row, steps in enumerate(moves):
        at = slice(row * chosen.size, (row + 1) * chosen.size)
        made = np.where(lost[keep][at], 0.0, (values + steps) - values)
        found.append((changes[at], made))
    return found


def _subset(points, chosen):
    """The rows ``chosen`` of a model's changed points (``forward.ChangedPoints``)."""
    return type(points)(points.where[chosen], points.values[chosen])


def _looks(engine, rows_for, epsilon, values, chosen, a) -> dict:
    """Each side's slopes on the rungs q·2^k and what they resolve (module doc)."""
    total = np.size(epsilon)
    n = chosen.size
    q = _steps(epsilon[chosen], values[chosen])
    top = REACH * np.maximum(epsilon[chosen] / engine.epsilon_base, 1.0)
    plain = unit_roundoff(engine.precision) * max(1.0, abs(engine.loss))
    # the fan: q … FAN·q on each side (its 1, 2, 4 are the first rungs)
    fan, raw = _fan(engine, rows_for, total, chosen, q)
    big = np.abs(values[chosen]) > BIG
    # |w| ≤ BIG: the check's round-off, or the fans' that cross no kink (a kink's ΔL in r
    # lets the law swallow it: review16n C1) where larger. (The check's was measured along
    # lines that move w by steps ∝ |w|, which θ's spacing rounds: at |w| = 1e12 that is
    # 2.8e-4 where the exact steps here see 1e-16 — a huge w's own fans at q and 16q, exact
    # steps both, say what its losses round at, as they are: a coarser part frozen at the
    # smaller fans' steps shows only there, a float32 tanh at |w| = 1e6 whose tread outlasts
    # a whole side. Kinks inside them are left to each side's own read below q.)
    r = raw.copy()
    small = np.flatnonzero(~big)
    if small.size:
        quiet = _quieter(engine, rows_for, total, chosen[small], q[small],
                         values[chosen[small]], raw[small].copy())  # fmt: skip
        r[small] = np.maximum(quiet, engine.measured_roundoff)
    if big.any():
        _, wider = _fan(engine, rows_for, total, chosen[big], 16 * q[big])
        r[big] = np.maximum(r[big], wider)
    r = np.maximum(r, plain)
    rungs = {1.0: [], -1.0: []}  # per side: (ΔL, made step) per rung
    for k in range(3):
        for sign in (1.0, -1.0):
            rungs[sign].append(fan[(2**k, sign)])
    live = np.ones(n, dtype=bool)
    k = 3
    while True:
        state = _read(rungs, r, a)
        live &= ~(state["broke"][1.0] & state["broke"][-1.0])
        live &= ~(state["best"] <= STOP_SHARE * np.abs(a))
        live &= q * 2.0**k <= top * (1 + 1e-12)
        if k >= MAX_RUNGS or not live.any():
            state["r"] = r
            state["rungs"] = rungs
            return state
        at = np.flatnonzero(live)
        moves = [sign * q[at] * 2.0**k for sign in (1.0, -1.0)]
        for sign, found in zip((1.0, -1.0), _changes(engine, rows_for, total, chosen[at], moves),
                               strict=True):  # fmt: skip
            change = np.full(n, np.nan)
            made = np.full(n, np.nan)
            change[at], made[at] = found
            rungs[sign].append((change, made))
        k += 1


def _finer_refute(engine, rows_for, total, chosen, q, w, value, width, r) -> tuple:
    """True where a central difference at a step below q excludes the sides' value: the
    loss varies below the sides' steps (a fast ripple of period under q: its slopes above the
    period read the smooth part alone and follow its law by chance, review9k CRITICAL-4),
    so those steps are not converged and call nothing wrong. Steps q·2^-j, j = 1 … FINER,
    down to FLOOR_SPACINGS spacings of w; each step's bar is its change from the step
    above plus 4·r/s (r: the loss's own round-off, as the check measured it: the sides' fan
    residual at q holds a fast ripple's amplitude, which is no round-off at steps below it)
    — two consecutive smaller steps, converging (each change at most half the one above:
    a staircase of a coarser part grows as the step shrinks instead), whose intervals miss
    the sides' value by more than both bars together refute them. Also (refuted, finer):
    ``finer`` per side the (ΔL, made step) at those steps, smallest first (NaN below the
    floor), for each side's own read below q."""
    refuted = np.zeros(chosen.size, dtype=bool)
    finer = {1.0: [], -1.0: []}  # per side (ΔL, made step), smallest step first
    floor = FLOOR_SPACINGS * np.spacing(np.abs(w))
    previous = None
    run = np.zeros(chosen.size, dtype=int)  # consecutive steps that exclude the sides' value
    change = np.full(chosen.size, np.inf)  # |c(s) − c(2s)| of the step above
    for j in range(1, FINER + 1):
        s = q * 2.0**-j
        usable = s >= floor
        if not usable.any():
            break
        (plus, made_plus), (minus, made_minus) = _changes(engine, rows_for, total, chosen, [s, -s])
        for sign, moved, made in ((1.0, plus, made_plus), (-1.0, minus, made_minus)):
            finer[sign].insert(0, (np.where(usable, moved, np.nan), np.where(usable, made, np.nan)))
        with np.errstate(invalid="ignore", divide="ignore"):
            c = (plus - minus) / (made_plus - made_minus)
            if previous is not None:
                step_change = np.abs(c - previous)
                bar = step_change + 4 * r / s
                off = np.abs(c - value) > bar + width
                off &= usable & np.isfinite(c) & np.isfinite(previous)
                # converging: the change at least halves from the step above (a smooth fine
                # structure below its scale); a coarser part's staircase grows as s shrinks
                off &= step_change <= 0.5 * change
                change = step_change
                run = np.where(off, run + 1, 0)
                refuted |= run >= 2
        previous = np.where(usable, c, np.nan)
    for sign in (1.0, -1.0):  # (steps below the floor: none)
        while len(finer[sign]) < FINER:
            finer[sign].insert(0, (np.full(chosen.size, np.nan), np.full(chosen.size, np.nan)))
    return refuted, finer


def _quieter(engine, rows_for, total, chosen, q, w, r) -> np.ndarray:
    """r from the smaller fans (q/8, q/64, down to FLOOR_SPACINGS spacings of w) where the
    larger fan's residual is GROW times theirs or more: round-off does not grow with the
    fan's span, a kink inside it does (its ΔL beyond the cubic; review16n C1: kinks on both
    sides of w within ±6q set r to their own size, and the law then swallowed them)."""
    floor = FLOOR_SPACINGS * np.spacing(np.abs(w))
    shrinking = np.ones(chosen.size, dtype=bool)
    for j in range(1, NESTED + 1):
        s = q * 8.0**-j
        at = np.flatnonzero(shrinking & (s >= floor))
        if at.size == 0:
            break
        _, found = _fan(engine, rows_for, total, chosen[at], s[at])
        smaller = found * GROW < r[at]
        r[at[smaller]] = found[smaller]
        shrinking[:] = False
        shrinking[at[smaller]] = True
    return r


def _fan(engine, rows_for, total, chosen, q) -> tuple[dict, np.ndarray]:
    """(changes, r): ΔL and made steps at ±j·q (j = 1 … FAN) of the chosen entries, and
    ROUNDOFF_SAFETY times the quieter of the two fans' residual from a cubic."""
    keys = [(j, sign) for j in range(1, FAN + 1) for sign in (1.0, -1.0)]
    moves = [sign * j * q for j, sign in keys]
    fan = dict(zip(keys, _changes(engine, rows_for, total, chosen, moves), strict=True))
    r = np.zeros(chosen.size)
    for column in range(chosen.size):
        line = [fan[(j, -1.0)][0][column] for j in range(FAN, 0, -1)] + [0.0]
        line += [fan[(j, 1.0)][0][column] for j in range(1, FAN + 1)]
        found = [v for v in fan_residuals(np.asarray(line)) if v is not None]
        r[column] = ROUNDOFF_SAFETY * min(found) if found else np.inf
    return fan, r


def _read(rungs, r, a) -> dict:
    """Per side the clean prefix, its narrowest (value, bar) and whether it broke; the
    central estimate where both sides are clean; ``refutes``: a clean pair reproducing a
    within a bar under half the miss of the look that would call it wrong."""
    n = a.size
    out = {"broke": {}, "broke_at": {}, "side": {}, "refute_bar": np.full(n, np.inf)}
    slopes, steps, clean_to = {}, {}, {}
    for sign, found in rungs.items():
        change = np.vstack([c for c, _ in found])
        made = np.vstack([m for _, m in found])
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            d = change / made  # (made is signed: the slope of that side)
        made = np.abs(made)
        slopes[sign], steps[sign] = d, made
        count = d.shape[0]
        ok = np.ones(n, dtype=bool)  # clean up to the triple being read
        broke = np.zeros(n, dtype=bool)
        broke_at = np.full(n, np.inf)  # the smallest step of the first triple off the law
        value = np.full(n, np.nan)
        width = np.full(n, np.inf)
        prefix = np.zeros((max(count - 2, 0), n), dtype=bool)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            for k in range(count - 2):
                h = made[k]
                d1, d2 = d[k + 1] - d[k], d[k + 2] - d[k + 1]
                law = np.abs(d2 - 2 * d1) <= LAW_SHARE * 2 * np.abs(d1) + 7.5 * r / h
                law &= np.isfinite(d[k + 2]) & (h > 0)
                read = np.isfinite(d[k + 2])
                broke_at = np.where(ok & read & ~law, np.fmin(broke_at, h), broke_at)
                broke |= ok & read & ~law
                ok &= law | ~read
                prefix[k] = ok & read
            # a pair is read only where the triple above it holds the law too: a kink
            # between h and 2h can leave one triple on the law (d = 1.6h), never two
            prefix[: max(count - 3, 0)] &= prefix[1:]
            if prefix.shape[0]:
                prefix[-1] = False
            # pairs (k, k+1): extrapolated to 0; bar the change to the next pair + 5r/h
            for k in range(count - 2):
                h0, h1, h2 = made[k], made[k + 1], made[k + 2]
                this = (h1 * d[k] - h0 * d[k + 1]) / (h1 - h0)
                nxt = (h2 * d[k + 1] - h1 * d[k + 2]) / (h2 - h1)
                b = np.abs(nxt - this) + 5 * r / h0
                usable = prefix[k] & np.isfinite(b)
                better = usable & (b < width)
                value = np.where(better, this, value)
                width = np.where(better, b, width)
                held = usable & (np.abs(this - a) <= b)
                out["refute_bar"] = np.where(held, np.fmin(out["refute_bar"], b), out["refute_bar"])
        out["broke"][sign] = broke
        out["broke_at"][sign] = broke_at
        out["side"][sign] = (value, width)
        clean_to[sign] = prefix
    # central Richardson where both sides are clean (and the steps symmetric)
    value = np.full(n, np.nan)
    width = np.full(n, np.inf)
    both = np.minimum(clean_to[1.0].shape[0], clean_to[-1.0].shape[0])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        c = (slopes[1.0] + slopes[-1.0]) / 2
        for k in range(both - 1):
            h = steps[1.0][k]
            symmetric = np.ones(n, dtype=bool)
            for j in (k, k + 1, k + 2):
                symmetric &= steps[1.0][j] == steps[-1.0][j]
            this = (4 * c[k] - c[k + 1]) / 3
            nxt = (4 * c[k + 1] - c[k + 2]) / 3
            b = np.abs(nxt - this) + 1.5 * r / h
            usable = clean_to[1.0][k] & clean_to[-1.0][k] & symmetric & np.isfinite(b)
            held = usable & (np.abs(this - a) <= b)
            out["refute_bar"] = np.where(held, np.fmin(out["refute_bar"], b), out["refute_bar"])
            better = usable & (b < width)
            value = np.where(better, this, value)
            width = np.where(better, b, width)
    out["central"] = (value, width)
    plus, minus = out["side"][1.0], out["side"][-1.0]
    with np.errstate(invalid="ignore"):
        agree = np.abs(plus[0] - minus[0]) <= plus[1] + minus[1]
        out["central"] = (np.where(agree, value, np.nan), np.where(agree, width, np.inf))
        out["best"] = np.fmin(np.fmin(plus[1], minus[1]), out["central"][1])
    return out


def _split(looks, a):
    """(split, one): both sides resolve and differ beyond their bars (a kink near w that
    their steps cannot place); a is one side's slope within a bar of at most |a|/4."""
    plus, minus = looks["side"][1.0], looks["side"][-1.0]
    with np.errstate(invalid="ignore"):
        narrow = [np.isfinite(v) & (b <= DECIDE_SHARE * np.abs(a)) for v, b in (plus, minus)]
        split = narrow[0] & narrow[1] & (np.abs(plus[0] - minus[0]) > 2 * (plus[1] + minus[1]))
        one = (narrow[0] & (np.abs(plus[0] - a) <= plus[1])) | (
            narrow[1] & (np.abs(minus[0] - a) <= minus[1])
        )
    return split, one


def _decide(looks, a, miss):
    """(wrong, right, value, bar) per entry from the looks (module doc); ``miss``: the
    disagreement a "right" must be narrower than twice its bar to refute (inf: none)."""
    plus, minus, central = looks["side"][1.0], looks["side"][-1.0], looks["central"]
    with np.errstate(invalid="ignore"):

        def resolves(look):
            v, b = look
            share = DECIDE_SHARE * np.fmax(np.abs(a), np.abs(v))
            return np.isfinite(v) & np.isfinite(b) & (b <= share)

        def excludes(look):  # (never a miss the first band calls correct)
            off = np.abs(look[0] - a)
            agreeing = off <= CORRECT * np.fmax(np.abs(a), np.abs(look[0]))
            return resolves(look) & (off > WRONG_BARS * look[1]) & ~agreeing

        def holds(look):
            return (resolves(look) & (np.abs(look[0] - a) <= look[1])
                    & (look[1] <= DECIDE_SHARE * np.abs(a)) & (look[1] < miss / 2))  # fmt: skip

        both = resolves(plus) & resolves(minus)
        # a side that broke (crossed a kink) while the other did not widens the band by no
        # more than the clean side's bar: its round-off-wide pairs below the kink vouch for
        # no value the clean side excludes (review16n C3)
        broke = {sign: np.isfinite(looks["broke_at"][sign]) for sign in (1.0, -1.0)}
        spread = {
            sign: np.where(broke[sign] & ~broke[-sign], np.fmin(side[1], other[1]), side[1])
            for sign, side, other in ((1.0, plus, minus), (-1.0, minus, plus))
        }
        low = np.fmin(plus[0] - WRONG_BARS * spread[1.0], minus[0] - WRONG_BARS * spread[-1.0])
        high = np.fmax(plus[0] + WRONG_BARS * spread[1.0], minus[0] + WRONG_BARS * spread[-1.0])
        # outside the band between the sides: the edge nearer to a is shown
        nearest = np.abs(plus[0] - a) <= np.abs(minus[0] - a)
        nearer = tuple(np.where(nearest, p, m) for p, m in zip(plus, minus, strict=True))
        # a side read alone: the other shows a kink (its law broke, at a smaller step than
        # this side's did, if it did) and resolves nothing, or does not exclude it below its
        # break (the same slope within both bars twice: its kink lies beyond, not at w)
        agree = np.abs(plus[0] - minus[0]) <= WRONG_BARS * (plus[1] + minus[1])
        alone = {
            sign: (looks["broke_at"][-sign] < looks["broke_at"][sign]) & (~resolves(other) | agree)
            for sign, other in ((1.0, minus), (-1.0, plus))
        }
        wrong_rules = [
            (excludes(central), central),
            (both & ((a < low) | (a > high)), nearer),
            (excludes(plus) & alone[1.0], plus),
            (excludes(minus) & alone[-1.0], minus),
        ]
        right_rules = [
            (holds(central), central),
            (holds(plus) & holds(minus), nearer),
            (holds(plus) & alone[1.0], plus),
            (holds(minus) & alone[-1.0], minus),
        ]
        excluded = excludes(central) | excludes(plus) | excludes(minus)
    found = {}
    for name, rules in (("wrong", wrong_rules), ("right", right_rules)):
        mask = np.zeros(a.size, dtype=bool)
        value = np.full(a.size, np.nan)
        width = np.full(a.size, np.nan)
        for rule, look in rules:
            fresh = rule & ~mask
            value = np.where(fresh, look[0], value)
            width = np.where(fresh, look[1], width)
            mask |= rule
        found[name] = (mask, value, width)
    wrong, value, width = found["wrong"]
    with np.errstate(invalid="ignore"):
        wrong &= ~(looks["refute_bar"] < np.abs(value - a) / 2)
    right, value_r, width_r = found["right"]
    right &= ~wrong & ~excluded  # (no resolving look may exclude what is called right)
    return wrong, right, np.where(right, value_r, value), np.where(right, width_r, width)
