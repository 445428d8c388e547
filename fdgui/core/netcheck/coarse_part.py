"""A part of the loss coarser than float64 beside a float64 path, told from a fast ripple.

A float16 / bfloat16 / quantised (or float32) part inside a float64 loss is a staircase
along an entry's axis: between its treads it is frozen (the central differences measure the
float64 path alone), across one it jumps by a whole tread q (a difference q/2h off). At
steps of ε and below, that staircase is read as the loss's shape: a correct gradient was
"Wrong at every ε" (review15n C2: 32 of 32 honest numpy runs with such a part, 4 of 4 torch
runs), "Wrong at its own scale" with float64's round-off at |w| = 1e7 (C3), and a gradient
that drops the part's derivative agreed with the frozen small steps (H1). A true fast ripple
— a smooth fine structure with a real derivative, R/K·sin(K·θ) — looks the same at steps
above its period, and there only the steps below its period judge it.

So, in a float64 check at the recommended ε, every entry whose first look was not clean
(its first central difference outside its window; not explained by a kink) has its loss's
roughness measured (``survey``): the loss on uniform grids of 2·SIDE points at spacings
h·SPACINGS around w (h: the entry's first step, or the own-scale look's for an entry whose
step grew with |w|, ``own_roundoff_recheck.starting_steps``); each grid's first differences
less their quadratic trend (the loss's curvature) leave residuals, and a grid whose largest
residual stands ROUGH times above the format's round-off is rough (each loss first moved
back to its nominal offset along the grid's measured slope: w + offset is rounded to θ's
spacing). The interval of the
largest residual is then halved LEVELS times, into the half that departs more from the local
slope, and the difference of its two halves' changes, A, read at each level: a staircase's
jump stays whole however fine the halves (A keeps a quarter of itself down to θ's spacing),
a smooth structure's falls as the square of the interval (a kink's as the interval).

* a **staircase** (the jump stays, no larger than TREAD_SHARE of the loss: a bigger kept
  jump is a pole or a step of the loss itself): q bounds what rounding adds to a loss
  value — the kept jumps (one tread) and, per rough grid, the smaller of the losses'
  largest departure from a cubic and a quantile of the changes' second differences
  (rounding spreads over the intervals, a kink's or a pole's bend does not); the entry
  is decided again on ``wide_window``'s ladder of
  wider steps from where 4q/h is a tenth of the first disagreement, with q as its round-off:
  wrong beyond two bars (no pair reproducing g, both one-sided slopes excluding it where the
  model may have kinks, outside the scatter of five steps), right within a bar of at most
  |a|/4 (|a|/16 against another look's "wrong" or open verdict) and under half the
  disagreement, else undecided — never wrong. A "right" that a
  later look gave, after a first ε that excluded g beyond twice its window widened by the
  staircase (2q/h), is taken back to undecided where the ladder decides nothing (H1).
* a **fine structure** (A falls with the square of the interval) finer than a quarter of the
  step: judged by Richardson on steps below the interval where it turned smooth (σ/2·2^-j),
  the pair with the narrowest bar among those whose truncation shrinks with the step, its
  round-off the smallest halves' A: wrong beyond two bars and the scatter of five steps, right
  within a bar of at most |a|/4 and under half the disagreement; else the verdict stands.
* **clean** (no rough grid): nothing changes.

The cost is 2·SIDE·len(SPACINGS) + LEVELS losses per entry looked at (at most ENTRY_LIMIT
per check), and the ladder's where it climbs.
"""

from __future__ import annotations

import itertools

import numpy as np

from fdgui.core.netcheck import estimate_verdict, loose_verdict, own_roundoff_recheck, wide_window
from fdgui.core.netcheck.own_scale import GREW
from fdgui.core.netcheck.reexamine import (
    ESTIMATE_RIGHT,
    EXPLAINED,
    JUMP,
    KINK,
    KINK_DIRECTION,
    NOISE_OPEN,
    OWN_SCALE_RIGHT,
    UNDECIDED,
)
from fdgui.core.netcheck.roundoff import ROUNDOFF_SAFETY
from fdgui.core.netcheck.tolerances import step_atol
from fdgui.core.numbers.precision import unit_roundoff

SIDE = 10  # grid points on each side of w
SPACINGS = (1 / 256, 1 / 16, 1.0, 16.0, 256.0)  # the grids' spacings, times the entry's step
ROUGH = 16.0  # a residual this many times the format's round-off is rough
LEVELS = 24  # halvings of each interval looked into
CANDIDATES = 3  # intervals of the roughest grid looked into
KEEPS = 0.25  # a jump keeps this share of its difference over KEPT_LEVELS halvings
KEPT_LEVELS = 4
FINE_STEPS = 14  # the fine ladder's steps σ/2·2^-j
BISECT_FLOOR = 4  # halve no interval narrower than this many spacings of θ (float64)
DEVIATION_SAFETY = 1.5  # the largest departure seen, times this: the worst one unseen
ENTRY_LIMIT = 512  # entries looked at per check
# what the look costs an entry: its grids, its halvings and about 16 for the ladder (the
# network check's plan counts it, ``planner.with_rechecks``; measured ~190)
LOOK_EVALUATIONS = (2 * SIDE + 1) * len(SPACINGS) + CANDIDATES * LEVELS + 16
# a rounding staircase's tread is at most this share of the loss's size (the coarsest formats
# in use, 8-bit floats, round at 2^-3 relative); a larger kept jump is the loss's own
TREAD_SHARE = 0.125
OVERTURN_SHARE = 1 / 16  # a "right" the look gives against another look's word: bar ≤ |a|/16
SPREAD_QUANTILE = 0.8  # (a kink or a pole bends 2 of the grid's 20 intervals' changes)


def applies(engine) -> bool:
    """A float64 loss in a float64 check at the recommended ε (``own_roundoff_recheck``),
    of a model that may hold a coarser part: not the built-in network, which computes
    every operation in the check's float64 (numpy) and so has no coarser part or rounding
    ripple to find. There the look only cost: of a bugged float64 forward check's losses
    82 % were its survey, every entry "neither", no verdict or bar changed (suite20: the
    ten injected-bug checks of test_netcheck_ladder, 20.5 → 5.1 CPU-s without it)."""
    if getattr(engine.model, "kind", None) == "network":
        return False
    return own_roundoff_recheck.applies(engine) and engine.precision == "float64"


def rechecked(engine, rows_for, first_steps, first_numeric, epsilon, analytic, numeric, kink,
              undecided, reason, bar):  # fmt: skip
    """``own_roundoff_recheck.recheck``, then the entries whose first look was not clean
    looked at for a coarse part or a fine structure (module doc): (numeric, bar, reason)."""
    steps = own_roundoff_recheck.starting_steps(engine, first_steps, epsilon)
    # (a noisy loss's entry the wider steps left open is looked at as any open one, and keeps
    # its reason while it stays open: as UNDECIDED it read as agreeing within the noise's
    # window, review17p M1)
    noise_open = None if reason is None else np.asarray(reason) == NOISE_OPEN
    if noise_open is not None and noise_open.any():
        reason = np.where(noise_open, UNDECIDED, reason).astype(np.int8)
    numeric, bar, reason = own_roundoff_recheck.recheck(engine, rows_for, steps, analytic, numeric,
                                                        kink, undecided, reason, bar)  # fmt: skip
    if applies(engine):
        numeric, bar, reason = examine(engine, rows_for, first_steps, first_numeric, steps,
                                       analytic, numeric, kink, undecided, reason, bar)  # fmt: skip
    if noise_open is not None and noise_open.any():
        reason = np.array(reason, dtype=np.int8, copy=True)
        kept = noise_open & np.asarray(undecided, dtype=bool) & ~np.asarray(kink, dtype=bool)
        reason[kept & np.isin(reason, (0, UNDECIDED))] = NOISE_OPEN
    return numeric, bar, reason


def _unclean(engine, first_steps, first_numeric, analytic, kink, codes, undecided):
    """The entries to look at: those whose first central difference lies outside its
    window, or that a later look called wrong or left open (a window widened by a measured
    round-off may hold the first miss), not explained by a kink; their first misses and
    windows."""
    tolerances = engine._tolerances
    a = np.asarray(analytic, dtype=float)
    window = step_atol(tolerances, first_steps) + tolerances.rtol * np.abs(a)
    with np.errstate(invalid="ignore"):
        miss = np.abs(np.asarray(first_numeric, dtype=float) - a)
        chosen = (miss > window) | _called_wrong(codes, np.asarray(undecided, dtype=bool))
        chosen &= np.isfinite(miss) & (a != 0)
    kink = np.asarray(kink, dtype=bool)
    # (a kink the second look's small steps found — code KINK — is looked at too: below a
    # staircase's treads those steps refute nothing; only its "wrong" is taken, ``examine``)
    chosen &= ~(kink & (codes == 0)) & (codes != KINK_DIRECTION)
    chosen &= codes != JUMP  # (a discontinuity the second look found stays one)
    return np.flatnonzero(chosen), miss, window


def examine(engine, rows_for, first_steps, first_numeric, steps, analytic, numeric, kink,
            undecided, reason, bar):  # fmt: skip
    """(numeric, bar, reason) after the coarse-part look (module doc); ``undecided`` is
    updated in place."""
    total = np.size(analytic)
    codes = np.zeros(total, dtype=np.int8) if reason is None else np.asarray(reason, np.int8)
    first_steps = np.asarray(first_steps, dtype=float)
    chosen, miss, window = _unclean(
        engine, first_steps, first_numeric, analytic, kink, codes, undecided
    )
    looked = getattr(engine, "coarse_looked", 0)
    chosen = chosen[: max(0, ENTRY_LIMIT - looked)]
    if chosen.size == 0:
        return numeric, bar, reason
    engine.coarse_looked = looked + int(chosen.size)
    # (an entry moved by ε·|w| far beyond 1 is surveyed and laddered from ε: its first step
    # spans the loss's own scale many times over, where a tanh of width 3 is a "jump")
    h = np.minimum(np.asarray(steps, dtype=float)[chosen], engine.epsilon_base * GREW)
    found = survey(engine, rows_for, total, chosen, h)
    fine = found["fine"]
    # (the positions whose axis shows a staircase or a fine structure: the sides' law,
    # made for kinks, reads their treads as kinks and may not call them wrong)
    engine.coarse_rough = chosen[found["jump"] | fine]
    if not (found["jump"] | found["neither"] | fine).any():
        return numeric, bar, reason
    a = np.asarray(analytic, dtype=float)
    numeric = np.array(numeric, dtype=float, copy=True)
    bars = np.full(total, np.nan) if bar is None else np.array(bar, dtype=float, copy=True)
    codes = np.array(codes, copy=True)
    undecided = np.asarray(undecided)
    right_now = ~_called_wrong(codes[chosen], np.asarray(undecided, bool)[chosen])
    undecided_now = np.asarray(undecided, bool)[chosen] | (codes[chosen] == UNDECIDED)
    w = getattr(rows_for, "values", None)
    w = np.zeros(total) if w is None else np.asarray(w, dtype=float)
    # a staircase; or rough without a smooth structure the halves resolve, for an entry
    # called wrong or left open (a kink far off is no reason to reopen a "right") ... only
    # for an entry moved by ε·|w| far beyond 1 whose later look's steps measured the loss's
    # shape (below that, rough but neither is a kink's evidence, not a coarse part's: a
    # loss of 3e9 with kinks 2e-4 away failed all 6 entries when it acted there, fx17n)
    grew = np.abs(w[chosen]) > GREW
    # ... or in a loss measured to round far coarser than float64 (a coarser part inside,
    # ``loose_verdict.applies``): a bfloat16 part's treads (2^-8 of h) outlast the halvings,
    # and a "wrong" from a ladder that counted a round-off far below the survey's q read a
    # frozen tread (fx17n's bf16 seed-1 pair: 0.738 ± 0.009 for 1.072, q = 9e-4) — it
    # stands only where the ladder with q excludes g too, else it is left open
    coarse_loss = _measured_coarse(engine)
    stair = found["jump"] | (found["neither"] & ~right_now & (grew | coarse_loss))
    # (those as rough for the sides, whose frozen treads they read as clean sides; not an
    # entry above GREW: its own fans there are the sides' round-off — a 10 % bug at 1e12)
    taken = found["neither"] & ~right_now & coarse_loss & ~grew
    engine.coarse_rough = np.union1d(engine.coarse_rough, chosen[taken])
    kinked = codes[chosen] == KINK
    fine &= ~kinked
    with np.errstate(invalid="ignore"):
        current = np.abs(numeric[chosen] - a[chosen])
    first = np.where(right_now, miss[chosen], np.fmax(current, miss[chosen]))
    for kind, picked in (("stair", stair), ("fine", fine)):
        at = np.flatnonzero(picked)
        if at.size == 0:
            continue
        where = chosen[at]
        if kind == "stair":
            value, estimate_bar, right, wrong = _staircase(
                engine, rows_for, total, where, h[at], found["q"][at], a[where], first[at]
            )
            # a "right" after a first ε that excluded g beyond its window widened by the
            # staircase is taken back where the ladder decides nothing (module doc, H1)
            staircase = 2 * found["q"][at] / first_steps[where]
            excluded = miss[where] > estimate_verdict.WRONG_BARS * (window[where] + staircase)
            excluded &= found["jump"][at]
        else:
            value, estimate_bar, right, wrong = _fine(
                engine, rows_for, total, where, found["sigma"][at], found["floor"][at],
                a[where], first[at],
            )  # fmt: skip
            excluded = np.zeros(at.size, dtype=bool)  # (its open entries keep their verdict)
        now_right = right_now[at]
        # a "right" against an earlier look's "wrong" or open verdict needs a bar that
        # would show a bug of a few percent (OVERTURN_SHARE): a staircase's ladder with a
        # bar of |a|/4 leaves a 10 % bug inside it — open, never certified
        with np.errstate(invalid="ignore"):
            right &= now_right | (estimate_bar <= OVERTURN_SHARE * np.abs(a[where]))
        stands = wrong & ~now_right & ~undecided_now[at]  # (a "wrong" already called keeps
        wrong &= ~stands  # its own words)
        held = np.zeros_like(wrong)
        if not engine.smooth:
            # in a model that may have kinks the staircase's ladder (from 40·q over the first
            # miss, far beyond the loss's own kinks: 0.07 against relu kinks 1e-4 away) reads
            # slopes across them, and kinks bend the grids as a fine structure does: this look
            # leaves an entry open there, never makes it wrong (review17n C3, C4: a float32
            # branch beside a zero-bias relu net, 7 new false Fails)
            held = wrong.copy()
            wrong &= False
        decided = wrong | (right & ~now_right)
        numeric[where[decided]] = value[decided]
        bars[where[decided]] = estimate_bar[decided]
        codes[where[wrong]] = estimate_verdict.ESTIMATE_WRONG
        kink[where[wrong]] = False  # (as the estimate's "wrong" does: no kink excuses it)
        codes[where[right & ~now_right]] = estimate_verdict.ESTIMATE_RIGHT
        undecided[where[decided]] = False
        codes[where[held]] = UNDECIDED  # (open: no kink excuses what the look excluded)
        undecided[where[held]] = True
        kink[where[held]] = False
        if kind == "stair":
            opened = ~right & ~wrong & ~stands & (~now_right | excluded) & ~kinked[at]
            codes[where[opened]] = UNDECIDED
            undecided[where[opened]] = True
    bars = None if np.isnan(bars).all() else bars
    return numeric, bars, codes


def _measured_coarse(engine) -> bool:
    """Whether the loss was measured, along any tensor's lines or all of θ's, to round far
    coarser than float64 (``loose_verdict.COARSER`` times u·max(1, |L|)): a coarser part is
    inside it (the lines of one tensor can stay within its treads: W1's of a bfloat16 part
    read 2.6e-15 where b1's read 1.6e-7). Lines through entries above GREW are not asked:
    θ's spacing rounds their steps (a float64 relu net's b1 at 1e8 read 4.4e-9)."""
    found = getattr(engine, "roundoffs", None)
    theta, offsets = getattr(engine, "theta", None), getattr(engine, "offsets", None)
    values = []
    if found is not None and theta is not None and offsets is not None:
        sizes = [np.max(np.abs(theta[start:stop]), initial=0.0)
                 for start, stop in itertools.pairwise(offsets)]  # fmt: skip
        values = [t for t, size in zip(found.tensors, sizes, strict=False) if t and size <= GREW]
        if np.max(np.abs(theta), initial=0.0) <= GREW:
            values.append(found.overall)
    largest = max([0.0, *(ROUNDOFF_SAFETY * v for v in values)])
    plain = unit_roundoff("float64") * max(1.0, abs(engine.loss))
    return largest > loose_verdict.COARSER * plain


def _called_wrong(codes, undecided):
    """Whether each entry's code calls it wrong (or leaves it open)."""
    right = np.isin(codes, (*EXPLAINED, ESTIMATE_RIGHT, OWN_SCALE_RIGHT, 0))
    return ~right | undecided | (codes == JUMP)


def _changes(engine, rows_for, total, chosen, offsets):
    """L(w + offset) − L(θ0) of the ``chosen`` entries at ``offsets`` (rows × entries)."""
    rows = offsets.shape[0]
    steps = np.zeros((rows, total))
    steps[:, chosen] = offsets
    points, lost = rows_for(steps.ravel())
    keep = (np.arange(rows)[:, None] * total + chosen[None, :]).ravel()
    with np.errstate(invalid="ignore", over="ignore"):
        values = engine._losses(points[keep])
        changes = np.where(lost[keep], 0.0, values - engine.loss)
    return changes.reshape(rows, chosen.size)


def survey(engine, rows_for, total, chosen, h, spacings=SPACINGS, both_signs=False, follow=None):
    """Per entry: ``jump`` (a staircase), ``q`` (its largest residual), ``fine`` (a smooth
    structure finer than h/4), ``sigma`` (the interval where it turned smooth), ``floor``
    (the finest halves' difference: the round-off there). The grids lie at ``spacings``
    times h; ``both_signs``: the intervals departing most above and below the trend are
    halved too; ``follow``: the local slope the halvings follow, else each grid's median
    change (a dense staircase's median holds treads: ``coarse_wide``)."""
    n = chosen.size
    plain = unit_roundoff(engine.precision) * max(1.0, abs(engine.loss))
    w = getattr(rows_for, "values", None)
    w = np.zeros(total) if w is None else np.asarray(w, dtype=float)
    # (the format's round-off at the size the loss was measured to round at — not the
    # round-off measured along the tensor's lines: a coarse part's staircase is what that
    # measures, and a floor made of it hides the staircase: a quantised part's b1[2]
    # "Wrong (estimate's bar)" stood, fx17n)
    scale = np.full(n, max(own_roundoff_recheck.format_roundoff(engine), plain))
    floor = ROUGH * scale
    index = np.arange(-SIDE, SIDE + 1, dtype=float)
    middle = index[:-1] + 0.5
    design = np.vstack([np.ones_like(middle), middle, middle**2]).T
    project = np.eye(middle.size) - design @ np.linalg.pinv(design)
    offsets = np.concatenate([np.outer(index, h * s) for s in spacings])  # (grids·points, n)
    values = _changes(engine, rows_for, total, chosen, offsets)
    values = values.reshape(len(spacings), index.size, n)
    values[:, SIDE, :] = 0.0  # (w itself: L(θ0))
    # w + offset is itself rounded to θ's spacing (|g|·spacing of a change at |w| = 1e4 is
    # 300 times u·|L|): each loss is moved back to its nominal offset along the slope
    # measured (each grid's median change over its spacing)
    widths = np.asarray(spacings)[:, None] * h[None, :]  # (grids, n)
    with np.errstate(invalid="ignore"):
        slope = np.nanmedian(np.diff(values, axis=1), axis=1) / widths
    shift = _rounded(w[chosen], offsets).reshape(values.shape)
    values -= np.nan_to_num(slope[:, None, :] * shift)
    differences = np.diff(values, axis=1)
    residual = np.einsum("ij,gjn->gin", project, differences)
    # the loss's curvature times the spacing², from the trend (d ≈ c0 + c1·t + c2·t²)
    trend = np.einsum("ij,gjn->gin", np.linalg.pinv(design), differences)
    bends = trend[:, 1, :]
    size = np.abs(residual)
    largest = np.nanmax(size, axis=1)  # (grids, n)
    rough = largest > floor
    # what rounding adds to a loss value: the losses' departure from a cubic through them
    # (a staircase's deviation from its smooth envelope; a jump's differences sum several)
    cubic = np.vander(index, 4)
    departure = np.einsum("ij,gjn->gin", np.eye(index.size) - cubic @ np.linalg.pinv(cubic),
                          values)  # fmt: skip
    deviation = DEVIATION_SAFETY * np.nanmax(np.abs(departure), axis=1)
    # ... where the rounding is spread over the grid (a dense staircase); a kink's or a
    # pole's departure is one interval's (the robust trend's outliers), not rounding
    spread = _spread(differences)
    q = np.where(rough, np.fmin(deviation, DEVIATION_SAFETY * spread), 0.0).max(axis=0)
    size_of_loss = max(abs(engine.loss), engine.magnitude or 0.0)
    grid = np.argmax(rough, axis=0)  # the finest rough grid: its halvings reach deepest
    out = {"jump": np.zeros(n, bool), "fine": np.zeros(n, bool), "neither": np.zeros(n, bool),
           "q": q, "sigma": np.full(n, np.nan), "floor": scale.copy()}  # fmt: skip
    at = np.flatnonzero(rough.any(axis=0))
    if at.size == 0:
        return out
    g_at = grid[at]
    # the intervals whose changes depart most from the median change (a dense staircase's
    # jumps pull a least-squares trend up to the plain intervals)
    steps_of = differences[g_at, :, at]  # (entries, intervals)
    typical = np.median(steps_of, axis=1)
    # (the wide look's grids span the loss's own bends: a quartic trend leaves its treads)
    shape = np.vander(middle, 5 if both_signs else 3, increasing=True)
    departures = _departures(steps_of, shape)
    ranked = np.argsort(-np.abs(departures), axis=1)[:, :CANDIDATES]
    if both_signs:  # (a dense staircase: the intervals with most treads depart one way)
        ranked = np.stack([np.argmax(departures, axis=1), np.argmin(departures, axis=1),
                           *ranked[:, : CANDIDATES - 1].T], axis=1)  # fmt: skip
    spacing = h[at] * np.asarray(spacings)[g_at]
    jump = np.zeros(at.size, dtype=bool)
    fine = np.ones(at.size, dtype=bool)
    told = np.zeros(at.size, dtype=bool)
    sigma = np.full(at.size, np.inf)
    end = scale[at].copy()
    tread = np.zeros(at.size)  # the kept jumps' size: one tread of the staircase
    for k in ranked.T:
        left = index[k] * spacing
        ends = (values[g_at, k, at], values[g_at, k + 1, at])
        resolution = BISECT_FLOOR * np.spacing(np.abs(w[chosen[at]]) + np.abs(left) + spacing)
        bend = bends[g_at, at] / spacing**2
        local = typical / spacing
        if follow is not None:  # (its slope at w, bent along the grid's trend to the interval)
            t = middle[k]
            bent = trend[g_at, 1, at] * t + trend[g_at, 2, at] * t**2
            local = np.asarray(follow, dtype=float)[at] + bent / spacing
        halves = _halves(engine, rows_for, total, chosen[at], left, spacing, ends,
                         local, bend, resolution, w[chosen[at]])  # fmt: skip
        found = _read(halves, floor[at], spacing, h[at])
        jump |= found[0]
        tread = np.fmax(tread, np.where(found[0], found[4], 0.0))
        fine &= found[1] | ~found[2]  # (a plain interval tells nothing)
        told |= found[2]
        sigma = np.fmin(sigma, found[3])
        end = np.fmax(end, found[4])
    # a jump no rounding makes (beyond TREAD_SHARE of the loss's size: a pole or a step of
    # the loss itself crossed) is no staircase: the first looks' small steps stand
    jump &= tread <= TREAD_SHARE * size_of_loss
    fine &= told & ~jump
    out["q"][at] = np.fmax(q[at], np.where(jump, DEVIATION_SAFETY * tread, 0.0))
    # (rough, but neither: a staircase for an entry called wrong, ``examine``)
    out["neither"][at] = ~jump & ~fine
    out["jump"][at] = jump
    out["fine"][at] = fine
    out["sigma"][at] = np.where(np.isfinite(sigma), sigma, np.nan)
    out["floor"][at] = end
    return out


def _spread(differences):
    """Per grid and entry: SPREAD_QUANTILE of the changes' second differences (less their
    median, the loss's curvature): what rounding adds to a change where it is spread over
    the grid's intervals — a kink or a pole bends one or two of them only."""
    bends = np.diff(differences, axis=1)
    with np.errstate(invalid="ignore"):
        bends = np.abs(bends - np.nanmedian(bends, axis=1, keepdims=True))
        return np.nanquantile(bends, SPREAD_QUANTILE, axis=1)


def _rounded(w, offsets):
    """How far each point w + offset lands from it, rounded to θ's spacing (float64)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return ((w[None, :] + offsets) - w[None, :]) - offsets


def _point(rows_for, chosen, g):
    """What rounding w ± s to θ's spacing adds to one loss change on the ladders (their
    steps are nominal): |g|·spacing(w)/2."""
    w = getattr(rows_for, "values", None)
    if w is None:
        return 0.0
    return np.abs(g) * np.spacing(np.abs(np.asarray(w, dtype=float)[chosen])) / 2


def _departures(steps_of, design):
    """Each interval's change less a quadratic trend (signed) fitted again without the intervals
    departing most from the first fit (jumps pull a least-squares trend towards them; the
    loss's curvature makes the end intervals depart from a median)."""
    first = steps_of - steps_of @ (design @ np.linalg.pinv(design)).T
    size = np.abs(first)
    kept = size <= 3 * np.median(size, axis=1, keepdims=True) + 1e-300
    out = np.empty_like(steps_of)
    for row in range(steps_of.shape[0]):
        use = kept[row] if kept[row].sum() > design.shape[1] else np.ones(kept.shape[1], bool)
        coef = np.linalg.lstsq(design[use], steps_of[row, use], rcond=None)[0]
        out[row] = steps_of[row] - design @ coef
    return out


def _halves(engine, rows_for, total, chosen, left, width, ends, slope, bend, resolution, w):
    """The difference of the two halves' changes of each entry's interval [left, left +
    width] (losses ``ends`` there), less the curvature's (``bend``·(width/2)²), at each of
    LEVELS halvings into the half that departs more from ``slope`` (NaN below
    ``resolution``)."""
    low, high = ends
    width = np.array(width, dtype=float, copy=True)
    halves = np.full((LEVELS, chosen.size), np.nan)
    for level in range(LEVELS):
        live = width / 2 > resolution
        if not live.any():
            break
        mid = left + width / 2
        middle_value = np.full(chosen.size, np.nan)
        middle_value[live] = _changes(engine, rows_for, total, chosen[live],
                                      mid[live][None, :])[0]  # fmt: skip
        # (moved back to its nominal offset along the slope, as the grids' losses: survey)
        middle_value -= np.nan_to_num(slope * _rounded(w, mid[None, :])[0])
        first_half, second_half = middle_value - low, high - middle_value
        excess = np.abs(first_half - second_half + bend * (width / 2) ** 2)
        halves[level] = np.where(live, excess, np.nan)
        expected = slope * width / 2
        into_first = np.abs(first_half - expected) >= np.abs(second_half - expected)
        left = np.where(live & ~into_first, mid, left)
        high = np.where(live & into_first, middle_value, high)
        low = np.where(live & ~into_first, middle_value, low)
        width = np.where(live, width / 2, width)
    return halves


def _read(halves, floor, spacing, h):
    """(jump, fine, told, sigma, end) of each interval's halvings (module doc)."""
    start = halves[0]
    finite = np.isfinite(halves)
    last = np.where(finite.any(axis=0), LEVELS - 1 - np.argmax(finite[::-1], axis=0), 0)
    columns = np.arange(start.size)
    end = halves[last, columns]
    earlier = halves[np.maximum(last - KEPT_LEVELS, 0), columns]
    with np.errstate(invalid="ignore"):
        told = start > floor
        # a jump: the finest halves kept their difference over the last KEPT_LEVELS halvings
        jump = told & (end > floor) & (end >= KEEPS * earlier) & (last >= KEPT_LEVELS)
        fell = finite & (halves <= KEEPS * start[None, :])
    turned = np.argmax(fell, axis=0)
    # ... a smooth structure: fallen to a quarter, then by 8 (a kink's falls by 4) or to the
    # floor over the next two halvings
    later = halves[np.minimum(turned + 2, LEVELS - 1), columns]
    with np.errstate(invalid="ignore"):
        square = (later <= halves[turned, columns] / 8) | (later <= 2 * floor)
    sigma = spacing * 2.0 ** -(turned + 1.0)
    fine = ~jump & fell.any(axis=0) & square & told & (sigma < h / 4)
    return jump, fine, told, sigma, np.where(np.isfinite(end), end, 0.0)


def _staircase(engine, rows_for, total, chosen, h, q, g, first):
    """(value, bar, right, wrong) of each entry decided on ``wide_window``'s ladder with the
    staircase's q as its round-off (module doc)."""
    r = np.maximum(q, own_roundoff_recheck.windowed_roundoff(engine)) + _point(rows_for, chosen, g)
    top = wide_window.REACH * h / engine.epsilon_base
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.maximum(h, np.minimum(40 * r / first, top / 16))
    epsilon = np.zeros(total)
    epsilon[chosen] = base
    epsilon = np.where(epsilon > 0, epsilon, 1.0)
    with np.errstate(invalid="ignore"):
        stop = np.minimum(wide_window.STOP_SHARE * np.abs(g), first / 4)
    scaled = _Scaled(engine, top / base)
    value, bar, step, pair = wide_window._ladder(scaled, rows_for, epsilon, chosen, r, g, stop)
    return _decided(engine, rows_for, total, chosen, g, first, value, bar, step, pair)


class _Scaled:
    """The engine as ``wide_window._ladder`` reads it, its reach set per entry (its top
    step over the ladder's base: ``REACH``·base/epsilon_base)."""

    def __init__(self, engine, reach):
        self._engine = engine
        self.epsilon_base = wide_window.REACH / np.asarray(reach, dtype=float)

    def __getattr__(self, name):
        return getattr(self._engine, name)


def _decided(engine, rows_for, total, chosen, g, first, value, bar, step, pair):
    right, wrong = own_roundoff_recheck.decided(engine, rows_for, total, chosen, g, first,
                                                value, bar, step, pair)  # fmt: skip
    return value, bar, right, wrong


def _fine(engine, rows_for, total, chosen, sigma, floor, g, first):
    """(value, bar, right, wrong) of each entry judged on steps below its fine structure's
    scale σ (module doc)."""
    n = chosen.size
    r = np.maximum(floor, own_roundoff_recheck.windowed_roundoff(engine))
    r = r + _point(rows_for, chosen, g)
    steps = (sigma / 2)[None, :] * 2.0 ** -np.arange(FINE_STEPS)[:, None]  # (steps, n)
    changes = _changes(engine, rows_for, total, chosen, np.concatenate([steps, -steps]))
    plus, minus = changes[:FINE_STEPS], changes[FINE_STEPS:]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        central = (plus - minus) / (2 * steps)
        gap = np.abs(np.diff(central, axis=0))  # |c(h_j+1) − c(h_j)|, wide first
        estimate = (4 * central[1:] - central[:-1]) / 3
        noise = 4 * r[None, :] / steps[:-1]
        bars = gap / 3 + noise
        # a pair counts where the next narrower pair's gap has shrunk as h² (or is round-off)
        law = np.zeros_like(gap, dtype=bool)
        law[:-1] = gap[1:] <= 0.5 * gap[:-1] + 2 * noise[1:]
        bars = np.where(law & np.isfinite(bars) & np.isfinite(estimate), bars, np.inf)
    pick = np.argmin(bars, axis=0)
    columns = np.arange(n)
    value = estimate[pick, columns]
    bar = bars[pick, columns]
    value = np.where(np.isfinite(bar), value, np.nan)
    with np.errstate(invalid="ignore"):
        refuted = np.any((np.abs(estimate - g) <= bars) & (bars < np.abs(value - g) / 2), axis=0)
    pair = {"straight": ~refuted, "sides_exclude": np.ones(n, dtype=bool),
            "wide": central[pick, columns], "narrow": central[pick + 1, columns]}  # fmt: skip
    step = steps[pick, columns]
    return _decided(engine, rows_for, total, chosen, g, first, value, bar, step, pair)
