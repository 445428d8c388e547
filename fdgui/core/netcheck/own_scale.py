"""An entry looked at on its own scale before it may be called wrong (review9h #6, #7).

The first step of an entry is ε·max(S, |w|) (S: 1, or a tensor's own scale). An entry far
below it (1e-8 in a tensor whose other entries are about 1, in a loss that varies on the
scale of the entry itself: log1p((w/s − c)²)) is moved 480 times its own size: ΔL+ and ΔL−
then both climb the walls of its bowl, and their difference says nothing about the slope at
w — every step of the short sweep is as large, so the second look calls a correct gradient
"wrong at every ε". Three signs say a step measured the loss's shape instead of its slope:

* the entry's own |w| is more than ``SCALE_GAP`` times below the step (w ≠ 0);
* ΔL+ and ΔL− have the same sign: the curvature's share of the change exceeds the slope's;
* the central differences at ε, ε/2 and ε/4 (the second look's) do not follow the h² law
  (truncation that does not fall four times per halving), above their round-off.

An entry the second look calls wrong, leaves undecided or excuses (a kink, the first ε at
fault: a bowl spanned reads as either) and that shows one of them is looked at again with
steps s = h·2^−k (h its first step), halving down to below ε₀·|w|
(and at least ``LEAST_HALVINGS`` times): the same rule as float64's confirmation
(``netcheck.confirm``) reads them. A step is usable where c(s), c(2s), c(4s) follow the h²
law within their round-off and its bar B = |c(2s) − c(s)| + 2·(r(s) + r(2s)) (r: the round-off
and noise of a central difference at that step) is at most |a|/4; the truth lies within B of
c(s) (of the interval between c(s) and the one-sided slopes, for a kink at w itself). Then:

* **wrong** (``OWN_SCALE_WRONG``) where the usable steps exclude the gradient as
  ``confirm._refuted`` asks (every one, or overlapping ones of which at least two);
* **right** (``OWN_SCALE_RIGHT``) where the narrowest usable step's interval holds it;
* **undecided** otherwise (``UNDECIDED``: no usable step, or steps that disagree).

The entry then shows the narrowest usable step: its ε, ΔL± and central difference, with B
as its bar (a kink at w holding the gradient is explained as a kink, its numbers kept). r
is 10 units of one loss value's round-off (u·max(1, |L|), or as measured along the tensor's
lines) plus the noise, or more where the entry's own smallest steps scatter more
(``seen``). An entry whose only sign is the h² law keeps the second look's code where no
step is usable (round-off beyond the measured can break that law too). Only
float64 losses are looked at this way (another dtype's "wrong" is confirmed in float64 by
``netcheck.confirm``); at most ``ENTRY_LIMIT`` entries a check (2 losses a step); the rest
keep the second look's code.

The no-grad estimate (``estimates``) gives such entries — |w| far below h, one-sided slopes
that keep their spread from h to h/2, Richardson's correction above round-off and above
``TRUNCATION_SHARE`` of the value, or a central difference at h/``FINER`` beyond twice its
bar and round-off (a ripple finer than h that the h² law over h and h/2 cannot show, review9k
CRITICAL-4) — the narrowest usable step's c(s) and B instead of Richardson from h and h/2,
whose bar holds only where the h² law does (past ``ENTRY_LIMIT``, such an entry keeps its
estimate with a bar that reaches the finer difference).

Either look takes only the usable steps every smaller usable step agrees with
(``converged.converged``): a larger step can follow the h² law by chance on a loss that
varies below it, with a bar that the smaller steps refute.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.confirm import _refuted
from fdgui.core.netcheck.converged import converged
from fdgui.core.netcheck.ladder import DECIDE_SHARE, GRADIENT_ULPS, LAW_SLACK
from fdgui.core.netcheck.reexamine import (
    JUMP,
    KINK,
    NOISE_WIDTH,
    OWN_SCALE_RIGHT,
    OWN_SCALE_WRONG,
    SOME_EPSILON,
    UNDECIDED,
    WRONG,
)
from fdgui.core.numbers.precision import recommended_epsilon, unit_roundoff

SCALE_GAP = 8.0  # an entry this many times below its step is far below it
LEAST_HALVINGS = 16  # the steps go at least down to h·2^−16
MOST_HALVINGS = 52  # and at most to h·2^−52
BELOW_OWN = 4.0  # ... down to ε₀·min(|w|, 1)/BELOW_OWN
SPACINGS = 1024.0  # ... but no step below this many spacings of w
ENTRY_LIMIT = 256  # entries looked at this way per check
TRUNCATION_SHARE = 1e-4  # a no-grad estimate whose h and h/2 differ by more: own scale too
FINER = 64.0  # and one whose central difference at h/FINER leaves its bar
GREW = 16.0  # and one whose |w| is this many times its tensor's scale (its step grew with |w|)
# what the second look may excuse a disagreement by, on steps that measured the loss's shape
# (a bowl spanned reads as a kink, a Richardson bar over it as the first ε at fault): looked
# at again too, and kept where no step at the entry's own scale is usable
EXCUSED = (KINK, SOME_EPSILON)


def signs(values, steps, plus, minus, centrals, rounding) -> tuple[np.ndarray, np.ndarray]:
    """(strong, lawless): which entries show that their step measured the loss's shape
    (module doc) — |w| far below the step or ΔL± of one sign (strong), or central
    differences off the h² law (which round-off beyond what was measured can fake too):
    ``values`` their w, ``steps`` their first step h, ``plus``/``minus`` ΔL± at h,
    ``centrals`` the central differences at h, h/2, h/4, ``rounding`` the round-off and
    noise of one loss change."""
    with np.errstate(invalid="ignore", over="ignore"):
        tiny = (values != 0) & (np.abs(values) * SCALE_GAP < steps)
        shape = plus * minus > 0
        at_h, half, quarter = centrals
        first, second = half - quarter, at_h - half
        r_quarter, r_half, r_h = (rounding / (steps * f) for f in (0.25, 0.5, 1.0))
        slack = LAW_SLACK * np.abs(second) + 2 * (r_h + r_half) + 8 * (r_half + r_quarter)
        lawless = (np.abs(second - 4 * first) > slack) & (np.abs(second) > 2 * (r_h + r_half))
    return tiny | shape, lawless


def depths(values: np.ndarray, steps: np.ndarray, epsilon0: float) -> np.ndarray:
    """Halvings per entry: down to ε₀·min(|w|, 1)/BELOW_OWN — an entry above 1 down to the
    step it would have at |w| = 1, as the loss may vary on the scale of 1 whatever w is
    (Σ sin θ at θ ≈ 1e9: review12n C1) — but not below ``SPACINGS`` spacings of w (its
    steps are then made alike on both sides); within LEAST … MOST_HALVINGS."""
    size = np.abs(values)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        target = np.maximum(epsilon0 * np.minimum(size, 1.0) / BELOW_OWN,
                            SPACINGS * np.spacing(size))  # fmt: skip
        needed = np.log2(steps / target)
    needed = np.where(np.isfinite(needed), np.ceil(needed), LEAST_HALVINGS)
    return np.clip(needed, LEAST_HALVINGS, MOST_HALVINGS).astype(int)


def intervals_of(made, up, down, rounding: float, dtype: str, a: float,
                 limit: float) -> list[tuple[float, float, float, int, bool]]:  # fmt: skip
    """(low, high, half-width around c(s), k, a kink at w) of each usable step of an entry's ladder:
    ``made`` the steps (largest first, each half the one before; NaN: not evaluated or not
    made), ``up``/``down`` L(w + s) − L and L − L(w − s), ``rounding`` one loss change's
    round-off and noise; usable: c(s), c(2s), c(4s) follow the h² law and the bar is at
    most ``limit``; a kink at w itself widens the interval to the one-sided slopes."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        forward, backward = up / made, down / made
        central = (up + down) / (2 * made)
        r = rounding / made
    allowance = GRADIENT_ULPS * unit_roundoff(dtype) * abs(a)
    # a step whose losses did not change at all on either side saw nothing (a stair of a
    # coarse loss, a step the dtype lost): no evidence of a zero slope
    central = np.where((up == 0) & (down == 0), np.nan, central)
    # nor did one whose two sides landed on the same loss (L+ = L−, changed alike): the step
    # moved nothing a coarser part sees (b of a float32 block moved below its float32
    # spacing), its central difference of exactly 0 is no slope (review11n C1)
    central = np.where((up + down == 0) & (up != 0), np.nan, central)
    found = []
    for k in range(2, made.size):
        first, second = central[k - 1] - central[k], central[k - 2] - central[k - 1]
        noise_first, noise_second = r[k] + r[k - 1], r[k - 1] + r[k - 2]
        if not np.isfinite([first, second, forward[k], backward[k]]).all():
            continue
        lawful = abs(second - 4 * first) <= LAW_SLACK * abs(second) + noise_second + 4 * noise_first
        bar = abs(first) + 2 * noise_first + allowance
        if not lawful or not bar <= limit:
            continue
        # one-sided slopes that keep their spread as the step halves: a kink at w itself
        spread = np.abs(forward[k - 2 : k + 1] - backward[k - 2 : k + 1])
        slack = 2 * (r[k - 2 : k] + r[k - 1 : k + 1])
        kink = bool(np.all(np.abs(spread[1:] - spread[:-1]) <= 0.25 * spread[:-1] + slack))
        kink &= bool(spread[-1] > slack[-1])
        sides = (central[k], forward[k], backward[k]) if kink else (central[k],)
        low, high = min(sides) - bar, max(sides) + bar
        if kink:  # a one-sided slope differs from its limit by about its last change
            reach = max(abs(forward[k] - forward[k - 1]), abs(backward[k] - backward[k - 1]))
            low, high = low - reach, high + reach
        found.append((low, high, max(high - central[k], central[k] - low), k, kink))
    return found


def decide(a: float, made: np.ndarray, up: np.ndarray, down: np.ndarray, rounding: float,
           dtype: str) -> tuple[int, int, float]:  # fmt: skip
    """(code, k, bar) of one entry from its ladder (``intervals_of``): ``k`` the narrowest
    usable step (−1: none), ``bar`` its half-width around c(s_k)."""
    found = converged(intervals_of(made, up, down, rounding, dtype, a, DECIDE_SHARE * abs(a)))
    if not found:
        return UNDECIDED, -1, np.inf
    intervals = [(low, high) for low, high, *_ in found]
    low, high, width, k, kink = min(found, key=lambda step: (step[2], step[3]))
    if _refuted(a, intervals):  # shown at the narrowest step that excludes the gradient
        width, k = min((width, k) for low, high, width, k, _ in found if not low <= a <= high)
        return OWN_SCALE_WRONG, k, width
    if kink and low <= a <= high:  # a kink at w, the gradient between its one-sided slopes
        return KINK, k, width
    if abs((up[k] + down[k]) / (2 * made[k]) - a) <= width:
        return OWN_SCALE_RIGHT, k, width
    return UNDECIDED, k, width


def estimate(losses_at, w: float, h: float, loss: float, rounding: float, epsilon0: float,
             dtype: str, local: float | None = None) -> tuple[float, float, float]:  # fmt: skip
    """(value, bar, step) of the no-grad estimate of one entry at its own scale: the central
    difference at the narrowest usable step of the ladder 2h, h, h/2, … (``intervals_of``,
    no limit on the bar) and its half-width; (NaN, inf, NaN) where no step is usable.
    ``losses_at(values)``: the losses with the entry set to each value. ``local``: the
    format's own round-off (and noise) of one loss change, to stand for ``rounding`` with
    what the entry's own smallest steps show (``seen``) where ``rounding`` was measured over
    steps far wider than the loss's own scale (module doc: ``GREW``)."""
    depth = int(depths(np.array([w]), np.array([h]), epsilon0)[0])
    nominal = h * 2.0 ** -np.arange(-1, depth + 1)
    values = np.concatenate([w + nominal, w - nominal])
    found = np.asarray(losses_at(values), dtype=float)
    plus_made, minus_made = values[: nominal.size] - w, w - values[nominal.size :]
    with np.errstate(invalid="ignore"):
        equal = np.abs(plus_made - minus_made) <= 1e-3 * plus_made
    made = np.where(equal & (plus_made > 0), (plus_made + minus_made) / 2, np.nan)
    up, down = found[: nominal.size] - loss, loss - found[nominal.size :]
    own = max(rounding if local is None else local, seen(made, up, down))
    found_steps = converged(intervals_of(made, up, down, own, dtype, 0.0, np.inf))
    if not found_steps:
        return np.nan, np.inf, np.nan
    width, k = min((width, k) for _, _, width, k, _ in found_steps)
    return float((up[k] + down[k]) / (2 * made[k])), float(width), float(made[k])


def look(engine, rows_for, chosen, codes, more, epsilon, analytic, plus, minus, numeric,
         bar, rounding) -> np.ndarray:  # fmt: skip
    """``codes`` of the ``chosen`` entries of a chunk after the look at their own scale
    (module doc); the chunk's ``epsilon``, ``plus``, ``minus``, ``numeric`` and ``bar`` are
    set in place to the narrowest usable step of each entry it decides. ``more``: the
    second look's ΔL± at FACTORS times ε; ``rounding``: one loss change's round-off and
    noise; ``rows_for.values``: the entries' w (a direction has none: unchanged)."""
    values = getattr(rows_for, "values", None)
    left = ENTRY_LIMIT - engine.own_scale_looked
    # float64 losses only: another dtype's are confirmed in float64 (netcheck.confirm)
    if values is None or left <= 0 or chosen.size == 0 or engine.dtype != "float64":
        return codes
    h = epsilon[chosen]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        centrals = [(plus[chosen] - minus[chosen]) / (2 * h)]
        centrals += [(more[f][0] - more[f][1]) / (2 * f * h) for f in (0.5, 0.25)]
    open_ = np.isin(codes, (*WRONG, UNDECIDED, *EXCUSED))
    strong, lawless = signs(values[chosen], h, plus[chosen], minus[chosen], centrals, rounding)
    # an entry far above 1 was moved by ε·|w|, which may span the scale the loss varies on
    # whatever w is (((θ − C0)/3)³ at C0 = 1e9 with a 10 % bug: a cubic follows the h² law
    # at any step, and its second look stayed undecided, review12n H3): looked at too, its
    # code kept where no step is usable
    grew = np.abs(values[chosen]) > GREW
    open_ &= strong | lawless | grew
    # a "jump" of an entry moved by ε·|w| far beyond 1: both sides left a bump behind
    # (Σ exp(−((θ − C0)/3)²) at C0 = 1e12, review13n C0) — its own steps tell
    open_ |= (codes == JUMP) & grew
    pick = np.flatnonzero(open_)[:left]
    if pick.size == 0:
        return codes
    engine.own_scale_looked += pick.size
    at = chosen[pick]
    depth = depths(values[at], h[pick], engine.epsilon_base)
    levels = int(depth.max())
    # each entry's ladder: 2h (the second look's), h (the first look's), h/2, h/4, …
    made = np.full((pick.size, levels + 2), np.nan)
    up, down = np.full_like(made, np.nan), np.full_like(made, np.nan)
    made[:, 0], up[:, 0], down[:, 0] = 2 * h[pick], more[2.0][0][pick], -more[2.0][1][pick]
    made[:, 1], up[:, 1], down[:, 1] = h[pick], plus[at], -minus[at]
    for level in range(1, levels + 1):
        rows = np.flatnonzero(depth >= level)
        found = _changes(engine, rows_for, at[rows], epsilon.size, h[pick][rows] * 2.0**-level)
        made[rows, level + 1], up[rows, level + 1], down[rows, level + 1] = found
    codes = codes.copy()
    for row, (e, flat) in enumerate(zip(pick, at, strict=True)):
        # an entry far above 1: the round-off measured along θ0's lines moved it by steps
        # ∝ |w|, where the loss's shape reads as rounding (as ``estimates`` takes it): the
        # format's, and what its own smallest steps show (review13n C0: every step
        # down to 1024 spacings of w = 1e12 was unusable, and Richardson at ε·|w| failed it)
        floor = format_rounding(engine) if grew[e] else rounding
        own = max(floor, seen(made[row], up[row], down[row]))
        code, k, width = decide(float(analytic[flat]), made[row], up[row], down[row], own,
                                engine.precision)  # fmt: skip
        if k < 0:  # no usable step: a "wrong" measured on the loss's shape is undecided;
            # an excuse (a kink, the first ε at fault), or a "wrong" whose only sign was the
            # h² law (round-off can break it), stands as the second look found it
            keep = codes[e] in EXCUSED or not strong[e]
            codes[e] = codes[e] if keep else code
            continue
        if (
            code == KINK
            and codes[e] in WRONG
            and h[e] <= 2.0 * engine.epsilon_base * abs(values[flat])
        ):
            # the first step was already the entry's own (ε·|w|): the halvings stay beyond a
            # kink closer than them, which then looks like one at w, so the second look's
            # "wrong" stands (review9i N3: a sign flip beside a kink 1e-3 from a 1e8 weight
            # was excused as "between the one-sided slopes")
            continue
        codes[e] = code
        if code in (KINK, UNDECIDED):  # a kink is explained as the second look explains
            # one: its numbers stay; an entry left open keeps its first step for the looks
            # after this one — a step below the spacing at which a float32 part inside
            # moves measures the float64 path alone (review14p C3: Richardson at the
            # narrowest step called a correct gradient wrong)
            continue
        epsilon[flat] = made[row, k]
        plus[flat], minus[flat] = up[row, k], -down[row, k]
        numeric[flat] = (up[row, k] + down[row, k]) / (2 * made[row, k])
        bar[flat] = width
    return codes


def _changes(engine, rows_for, at, total, steps):
    """(s, L(w + s) − L, L − L(w − s)) of entries ``at`` (of a chunk of ``total``) at
    ``steps``: s the step both sides made (NaN where the dtype rounded one away or made
    them unequal by more than a thousandth)."""
    ask = np.zeros(total)
    ask[at] = steps
    points, lost = rows_for(np.concatenate([ask, -ask]))
    keep = np.concatenate([at, total + at])
    points, lost = points[keep], lost[keep]
    if hasattr(points, "where"):  # ChangedPoints: the changed values themselves
        moved = np.abs(points.values - engine.theta[points.where])
    else:  # one entry moved: the step is the distance to θ0
        moved = np.linalg.norm(points - engine.theta, axis=1)
    with np.errstate(invalid="ignore", over="ignore"):
        changes = np.where(lost, 0.0, engine._losses(points) - engine.loss)
    n = at.size
    made = (moved[:n] + moved[n:]) / 2
    with np.errstate(invalid="ignore"):
        equal = np.abs(moved[:n] - moved[n:]) <= 1e-3 * made
    made = np.where(~lost[:n] & ~lost[n:] & equal & (made > 0), made, np.nan)
    return made, changes[:n], -changes[n:]


def loss_change_rounding(engine) -> float:
    """One loss change's round-off and noise, as the second look's windows count them
    (``reexamine``: 10 units of one loss value's round-off — u·max(1, |L|), u times the
    size the loss was measured to round at, or the round-off measured along the tensor's
    lines, whichever is largest — and NOISE_WIDTH·σ); what the entry's own smallest steps
    show is added (``seen``)."""
    u = unit_roundoff(engine.precision)
    magnitude = engine.magnitude
    scale = max(1.0, abs(engine.loss)) if magnitude is None else max(magnitude, 1e-300)
    unit_error = max(u * scale, engine.measured_roundoff)
    return 10 * unit_error + NOISE_WIDTH * engine.noise_sigma


def format_rounding(engine) -> float:
    """One loss change's round-off and noise from the format alone (10·u·max(1, |L|), or u
    times the size the loss was measured to round at), without the round-off measured along
    θ0's lines."""
    u = unit_roundoff(engine.precision)
    magnitude = engine.magnitude
    scale = max(1.0, abs(engine.loss)) if magnitude is None else max(magnitude, 1e-300)
    return 10 * u * scale + NOISE_WIDTH * engine.noise_sigma


DEEPEST = 3  # the round-off an entry's own steps show: read from its smallest steps


def seen(made: np.ndarray, up: np.ndarray, down: np.ndarray) -> float:
    """Ten times the largest |c(s) − c(2s)|·s of the entry's DEEPEST smallest steps: where
    truncation is gone, what is left of it is round-off (a loss of large cancelling terms,
    a float32 piece), which the floor would miss; where truncation still shows there (a
    loss that varies on scales below every step), it widens every bar, as it should."""
    valid = np.isfinite(made) & np.isfinite(up) & np.isfinite(down) & ((up != 0) | (down != 0))
    valid = np.flatnonzero(valid)
    if valid.size < DEEPEST + 1:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        central = (up + down) / (2 * made)
        last = valid[-(DEEPEST + 1) :]
        changes = np.diff(central[last])
        found = np.abs(changes) * made[last[1:]]
        # changes that follow the h² law (each four times the next, halving steps) are
        # truncation, resolved: what departs from that law is the round-off (a bump at
        # |w| = 1e12 whose smallest steps, 1024 spacings of w, still show its curvature
        # read that as round-off and no step was usable, review13n C0)
        # (or the law to the next order, V + K·s² + M·s⁴, where the steps are not yet
        # small against the loss's scale: 1/(1 + (θ − C0)²/4) at steps 0.07 … 0.6)
        halving = np.allclose(made[last[:-1]] / made[last[1:]], 2.0, rtol=1e-3)
        departs = np.max(np.abs(changes[:-1] - 4 * changes[1:]) * made[last[2:]])
        if changes.size >= 3:
            fourth = changes[-3] - 20 * changes[-2] + 64 * changes[-1]
            departs = min(departs, abs(fourth) * made[last[-1]])
    if not np.all(np.isfinite(found)):
        return np.inf
    if halving and np.isfinite(departs):
        return float(10 * min(np.max(found), departs))
    return float(10 * np.max(found))


def estimates(engine, position, flat, h, got, actual, values, bars, finer=None):
    """(values, bars, h) of a no-grad estimate's piece (``numeric.NumericEngine``: losses
    ``got`` at the steps ``actual`` = ±h, ±h/2 of entries ``flat``) with each entry whose
    steps measured the loss's shape — its |w| far below h, or one-sided slopes that keep
    their spread from h to h/2 (no Taylor regime; a kink at w also) — estimated at its own
    scale (``estimate``); an entry far below its step where no step is usable gets an
    infinite bar (nothing bounds it), one with a kink keeps its bar."""
    n = h.size
    w = engine.theta[flat]
    halves = ((slice(0, n), slice(n, 2 * n)), (slice(2 * n, 3 * n), slice(3 * n, None)))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        spreads = [
            np.abs((got[plus] - engine.loss) / actual[plus]
                   - (got[minus] - engine.loss) / actual[minus])
            for plus, minus in halves
        ]  # fmt: skip
        one = max(engine.u * max(1.0, abs(engine.loss)), engine.roundoffs[position])
        kept = (spreads[1] > 0.75 * spreads[0]) & (spreads[1] > 16 * (one + engine.noise_sigma) / h)
        tiny = (w != 0) & (np.abs(w) * SCALE_GAP < h)
        # Richardson's correction above round-off and above TRUNCATION_SHARE of the value:
        # the loss curves on a scale within a hundred steps, where two steps do not show
        # that the h² law holds (a third term can be as large as the bar)
        wide = (got[:n] - got[n : 2 * n]) / (actual[:n] - actual[n : 2 * n])
        narrow = (got[2 * n : 3 * n] - got[3 * n :]) / (actual[2 * n : 3 * n] - actual[3 * n :])
        noise = 16 * (one + engine.noise_sigma) / h
        curved = np.abs(narrow - wide) > np.maximum(noise, TRUNCATION_SHARE * np.abs(values))
    if engine.precision != "float64":  # a coarser loss's estimate has its own bars
        return values, bars, h
    floor = 10 * one + NOISE_WIDTH * engine.noise_sigma
    format_floor = 10 * engine.u * max(1.0, abs(engine.loss)) + NOISE_WIDTH * engine.noise_sigma
    # the central difference at h/FINER beyond twice (the bar + its own round-off): the
    # estimate is not converged (a ripple finer than h, review9k CRITICAL-4)
    unconverged = np.zeros(n, dtype=bool)
    if finer is not None:
        central, step = finer
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            gap = np.abs(central - values)
            unconverged = gap > 2 * (bars + floor / step)
    # an entry whose step grew with |w| far beyond the tensor's scale S: the loss may vary
    # on the scale of S whatever w is (Σ tanh(θ − C0), exp(−(θ − C0)²) at C0 = 3e8), and h, h/2
    # and the probe at h·S/|w| then all read it where no law shows it (review12n C2)
    scale = engine.step_scales[position]
    grew = np.abs(w) > GREW * scale
    picked = tiny | kept | curved | unconverged | grew
    pick = np.flatnonzero(picked)
    left = pick[max(0, ENTRY_LIMIT - engine.own_scale_looked) :]
    pick = pick[: max(0, ENTRY_LIMIT - engine.own_scale_looked)]
    if left.size and unconverged[left].any():  # past the limit: a bar that covers the gap
        bars = bars.copy()
        wide = left[unconverged[left]]
        bars[wide] = np.maximum(bars[wide], gap[wide] + floor / finer[1][wide])
    if pick.size == 0:
        return values, bars, h
    values, bars, h = values.copy(), bars.copy(), h.copy()
    epsilon0 = recommended_epsilon(engine.precision, 0.0)  # the estimate's ε for |w| ≤ 1
    for e in pick:
        where = int(flat[e])

        def losses_at(moved, where=where):
            engine.own_scale_evaluations += moved.size
            if engine.changes_only:
                return engine.model.losses_changed(np.full(moved.size, where), moved)
            points = np.repeat(engine.theta[None, :], moved.size, axis=0)
            points[:, where] = moved
            return engine._losses(points)

        # the round-off measured along θ0's lines moved entries like this one by steps
        # ∝ |w|: the loss's curvature there reads as rounding (bars around a slope the small
        # steps cannot see, review12n C2); its own smallest steps show what is left
        local = format_floor if grew[e] else None
        value, bar, step = estimate(losses_at, float(w[e]), float(h[e]), engine.loss, floor,
                                    epsilon0, engine.precision, local)  # fmt: skip
        engine.own_scale_looked += 1
        if np.isfinite(bar):
            values[e], bars[e], h[e] = value, bar, step
        elif tiny[e]:
            bars[e] = np.inf
    return values, bars, h
