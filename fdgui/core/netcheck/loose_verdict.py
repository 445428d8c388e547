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
it was.

A torch model in float32 (a float64 check of a float32 loss) passed (review9k CRITICAL-3: its
blanket float32 window let 1 % and 3 % bugs through that differences at 8ε–16ε resolve ten to
fifty times). Every loosely agreeing entry is looked at (a disagreement under the round-off
at ε says nothing of what a wider step resolves), on a ladder of steps h₀·2^k (``_ladder``):
the rung pair with the narrowest bar decides, and a clean rung or a one-sided slope
extrapolated to 0 that reproduces g within a bar under half the disagreement refutes
"wrong" (a relu at its kink). In a model that may have kinks (every probe) a pair decides
only where what the ladder measured from the first look's ε up to it looks smooth, and not
where the two sides' slopes stand apart (``ladder_kinks``): correct float32 torch relu nets
failed at entries whose wider steps crossed kinks. The cost is eight losses per such entry
(fourteen where one looks wrong), counted by the report and the plan (the engine's
``more_evaluations``).

An entry whose first window was LOOSE_SHARE of |a| or more is "right" only within such a
bar, else undecided — never correct by that window (review18n C1: a 50 % bug beside a kink
read "correct" within a window of 43 % of |a|); one no clean pair bounded (a kink crossed up
to the narrowest bar) is marked KINK_LIMIT, and in a loss rounding far coarser than its dtype
keeps the check from passing (``results``). "Coarse" is measured against the size the loss
rounds at (``_scale``), not against max(1, |L|) (review18q C1).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck import estimate_verdict, ladder_kinks, noisy_repeats
from fdgui.core.netcheck.own_roundoff import OWN_ABOVE, own_roundoff
from fdgui.core.netcheck.reexamine import (
    KINK_LIMIT,
    NOISE_OPEN,
    NOISE_WIDTH,
    ROUNDOFF_LIMIT,
    UNDECIDED,
)
from fdgui.core.netcheck.tolerances import step_atol
from fdgui.core.numbers.precision import unit_roundoff

WIDER = 4.0  # the estimate's step, times the entry's ε
REACH = 0.05  # the widest estimate step, times max(1, |w|)
COARSER = 16.0  # a loss rounding at this many times float64's u·max(1, |L|) is coarse
LADDER = 3  # estimates at h, 2h, 4h (capped at REACH): the narrowest bar decides
CHECKED = ("float64",)  # the checks' dtypes it looks at (a float32-dtype check: not measured)
# an entry that agreed only within a first window of this share of |a| or more, and that the
# wider steps decide neither way, is undecided: "correct" there would vouch for any bug up to
# that share (review18n C1: a 50 % bug beside a kink read "correct" within a window of 43 %
# of |a| in a float32 loss; ``wide_window.LOOSE_SHARE`` is the float64 twin of this rule)
LOOSE_SHARE = 0.25


def applies(engine) -> bool:
    """A float64 check at the recommended ε (not along a projection's direction)
    of a loss that rounds coarser than float64 (its format, or measured), or is noisy."""
    if engine.dtype not in CHECKED or engine.settings.epsilon is not None:
        return False
    if getattr(engine, "_along_direction", False):
        return False
    return engine.noise_sigma > 0 or _roundoff(engine) > COARSER * _plain(engine)


def _scale(engine) -> float:
    """The size one loss value rounds at: the magnitude the check measured along its lines
    (``ForwardEngine.magnitude``: the loss, or its change over a unit move where larger),
    else max(1, |L|). A loss of 1e-8 rounds at u·1e-8 in float64, not at u·1: against u·1 a
    float32 part inside it (6e-16) looked no coarser than float64, the wider look never ran
    and a 1e-3 bug passed "loosely" in 10 of 10 runs at |L| ≤ 1e-5 (review18q C1)."""
    magnitude = getattr(engine, "magnitude", None)
    if magnitude is None or not magnitude > 0 or not np.isfinite(magnitude):
        return max(1.0, abs(engine.loss))
    return float(magnitude)


def _plain(engine) -> float:
    return unit_roundoff("float64") * _scale(engine)


def _roundoff(engine) -> float:
    """One loss value's round-off: the loss's format's, or the measured one where larger."""
    own = unit_roundoff(engine.precision) * _scale(engine)
    return max(own, engine.measured_roundoff)


def decide(engine, rows_for, epsilon, analytic, plus, minus, numeric, kink, undecided, reason,
           weak=None):  # fmt: skip
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
        # every loosely agreeing entry: a disagreement under the round-off at ε says
        # nothing of what the wider steps resolve (review9k CRITICAL-3: a 3 % bug of
        # 7.8e-5 sat under r/ε = 7.9e-5 and was never looked at, though 15 times wider
        # steps resolve it to 2.5e-5)
        off = np.abs(numeric - a)
        open_ = (off <= window) & ~kink & ~undecided & (a != 0)
        open_ &= np.isfinite(numeric) & np.isfinite(a)
        wide_open = open_ & (window >= 0.5 * np.abs(a))  # the first window decides nothing
        # ... or too little: a "correct" within it would vouch for bugs of LOOSE_SHARE
        loose_open = open_ & (window >= LOOSE_SHARE * np.abs(a))
    if reason is not None:
        open_ &= np.asarray(reason) == 0
    # the entries the second look left undecided (``reexamine``: a noisy loss's smaller
    # steps carry more noise, σ/h, than the first; a coarse loss's more round-off, r/h):
    # the wider steps, where σ/h and r/h shrink, decide them either way (issue 9: a 1 % bug
    # at σ = 1e-10 was inconclusive in 8 of 20 nets; review12n C8: a 30 % bug in a torch
    # model with a float32 middle layer "Undecided (disagrees)" and the check passed,
    # though differences at 1e-3 … 1e-2 resolve the slope to 1e-4); "right" only where the
    # bar is under half the first disagreement, which it then shows to have been noise or
    # round-off (``reexamine``'s rule for a step at fault)
    unsettled = np.zeros(epsilon.size, dtype=bool)
    if reason is not None:
        with np.errstate(invalid="ignore"):
            unsettled = (np.asarray(reason) == UNDECIDED) & np.asarray(undecided, dtype=bool)
            unsettled &= ~kink & np.isfinite(numeric) & np.isfinite(a) & (a != 0)
    open_ |= unsettled
    # weak kinks (``forward._find_kinks``: explained by a refined window no narrower than
    # the disagreement, no kink shown by the slopes): "wrong" only, and then no kink
    # (review9k HIGH-5: a tanh net's 3 % bug passed as "Kink (explained)")
    weak = np.zeros(epsilon.size, dtype=bool) if weak is None else np.asarray(weak, dtype=bool)
    weak = weak & kink & np.isfinite(numeric) & np.isfinite(a) & (a != 0)
    open_ |= weak
    chosen = np.flatnonzero(open_)
    if chosen.size == 0:
        return numeric, None, reason
    total = epsilon.size
    g = a[chosen]
    first = (np.asarray(plus, dtype=float)[chosen], np.asarray(minus, dtype=float)[chosen])
    h, changes, made, straight, clean = _ladder(
        engine, rows_for, epsilon, chosen, r, sigma, g, first
    )
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        narrow = (changes[0.5][0] - changes[0.5][1]) / (made[0.5][0] + made[0.5][1])
        wide = (changes[1.0][0] - changes[1.0][1]) / (made[1.0][0] + made[1.0][1])
    value, bar, noise = _estimate(narrow, wide, r, sigma, h)
    r = np.full(chosen.size, r)
    blocked = _unclean_misses(value, bar, g, clean)
    # (only a loss given in float64 with a coarser part inside: in a loss whose own format
    # is coarse, the format's round-off is counted already, and a wider "own" one is a kink
    # the fans crossed — a correct float32 torch relu net failed with it)
    blocked &= engine.precision == "float64"
    if blocked.any():  # (each entry's own round-off where wider: ``_with_own_roundoff``)
        h, changes, made, straight, clean = _with_own_roundoff(
            engine, rows_for, epsilon, chosen, r, sigma, g, first, blocked,
            (h, changes, made, straight, clean),
        )  # fmt: skip
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            narrow = (changes[0.5][0] - changes[0.5][1]) / (made[0.5][0] + made[0.5][1])
            wide = (changes[1.0][0] - changes[1.0][1]) / (made[1.0][0] + made[1.0][1])
        value, bar, noise = _estimate(narrow, wide, r, sigma, h)
    repeats = np.ones(chosen.size, dtype=int)
    if sigma > 0:  # where the noise decides, the four losses averaged (noisy_repeats)
        again = noisy_repeats.worth_averaging(np.abs(value - g), bar, noise) & straight
        if again.any():
            at, n = chosen[again], noisy_repeats.REPEATS
            means = {}
            for share in (0.5, 1.0):
                first_pair = (changes[share][0][again], changes[share][1][again])
                means[share] = noisy_repeats.averaged_changes(
                    engine, rows_for, total, at, h[again] * share, first_pair
                )
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                narrow[again] = (means[0.5][0] - means[0.5][1]) / (
                    made[0.5][0][again] + made[0.5][1][again]
                )
                wide[again] = (means[1.0][0] - means[1.0][1]) / (
                    made[1.0][0][again] + made[1.0][1][again]
                )
            value[again], bar[again], _ = _estimate(
                narrow[again], wide[again], r[again], sigma / np.sqrt(n), h[again]
            )
            repeats[again] = n
            half = [changes[0.5][0].copy(), changes[0.5][1].copy(), *made[0.5]]
            half[0][again], half[1][again] = means[0.5]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        usable = np.isfinite(value) & np.isfinite(bar)
        wrong = (np.abs(value - g) > estimate_verdict.WRONG_BARS * bar) & usable
        wrong &= straight  # no kink within the steps, and no rung reproduces g
        decides = usable & (bar <= estimate_verdict.DECIDE_SHARE * np.abs(g))
        within = np.abs(value - g) <= bar
        right = loose_open[chosen] & decides & within
        # an entry the second look left open: right only at a clean pair, with a bar under
        # half its first disagreement (which was then the noise's)
        open_after = unsettled[chosen]
        right |= open_after & clean & decides & within & (2 * bar < off[chosen])
    if (wrong & (repeats > 1)).any():  # an averaged "wrong": the differences converged
        # and it stays wrong one pair lower, the two sides meeting (noisy_repeats)
        picked = wrong & (repeats > 1)
        kept, lower = noisy_repeats.lower_pair(
            engine, rows_for, total, chosen[picked], h[picked], g[picked],
            tuple(part[picked] for part in half), r[picked], sigma, bool(engine.smooth),
        )  # fmt: skip
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            sd = estimate_verdict.NOISE_SPREAD * sigma / (h[picked] * np.sqrt(repeats[picked]))
            upper_truncation = np.abs(narrow[picked] - wide[picked]) / 3
        kept &= noisy_repeats.converged(value[picked], sd, upper_truncation, lower)
        wrong[picked] = kept
    for count in np.unique(repeats[wrong]):  # the scatter of central differences between
        # h/2 and h, measured (averaged as often as the estimate)
        picked = wrong & (repeats == count)
        wrong[picked] = estimate_verdict._outside_scatter(
            engine, rows_for, total, chosen[picked], h[picked], g[picked],
            (wide[picked], narrow[picked]), int(count),
        )  # fmt: skip
    right &= ~weak[chosen]
    kink[chosen[wrong & weak[chosen]]] = False
    undecided[chosen[(right | wrong) & unsettled[chosen]]] = False
    opened = _noise_open(sigma, value, bar, g, straight, wrong | right | weak[chosen])
    undecided[chosen[opened]] = True
    # agreed only within a first window of LOOSE_SHARE of |a| or more (not yet undecided by
    # it: |a|/2) and neither wrong nor right at the wider steps: undecided, never "correct"
    loose = loose_open[chosen] & ~(unsettled[chosen] | weak[chosen] | wrong | right | opened)
    # ... and where no pair up to the narrowest bar was clean (a kink crossed within the
    # steps), nothing bounded it: a bug of any size inside its window would stand there
    # as well, so it is marked KINK_LIMIT (``results``: in a loss rounding far coarser
    # than its dtype such an entry keeps the check from passing); a clean pair bounded
    # it: only a bug within two of its bars, which the numbers do not resolve, can hide
    with np.errstate(invalid="ignore"):
        bounded = clean & np.isfinite(value) & np.isfinite(bar)
    unbounded = loose & ~bounded
    loose &= ~wide_open[chosen] | unbounded
    undecided[chosen[loose]] = True
    if not (wrong.any() or right.any() or opened.any() or loose.any()):
        return numeric, None, reason
    numeric, bars, codes = estimate_verdict.written(
        numeric, reason, chosen, value, bar, right | opened, wrong
    )
    codes[chosen[opened]] = NOISE_OPEN
    codes[chosen[loose]] = ROUNDOFF_LIMIT
    codes[chosen[unbounded]] = KINK_LIMIT
    return numeric, bars, codes


def _noise_open(sigma, value, bar, g, straight, decided) -> np.ndarray:
    """A noisy loss's entries whose wider steps (a clean ladder, averaged where the noise
    decided) put the slope beyond WRONG_BARS bars of g, and that the checks which call an
    entry wrong (its sides a pair lower, the convergence, the scatter) left uncalled: they
    agree with g only within the first ε's window, which the noise widened, so passing
    them would vouch for a disagreement the wider steps resolve (review17p M1: a loss
    drifting by 1e-9 a call passed a 0.1 % bug the ε sweep calls wrong). A correct entry's
    estimate lies beyond two bars (eight σ of its noise) only where a drift or a kink moves
    it: the steps cannot tell which, so the entry is open — Inconclusive, never a pass."""
    if not sigma > 0:
        return np.zeros(np.size(value), dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        usable = np.isfinite(value) & np.isfinite(bar)
        beyond = np.abs(value - g) > estimate_verdict.WRONG_BARS * bar
    return usable & beyond & straight & ~decided


def _unclean_misses(value, bar, g, clean) -> np.ndarray:
    """Where the estimate is off by more than WRONG_BARS bars but its pair's steps, down to
    the first look's ε, did not look smooth within the round-off they were windowed with."""
    with np.errstate(invalid="ignore", over="ignore"):
        usable = np.isfinite(value) & np.isfinite(bar)
        return usable & (np.abs(value - g) > estimate_verdict.WRONG_BARS * bar) & ~clean


def _with_own_roundoff(engine, rows_for, epsilon, chosen, r, sigma, g, first, blocked, found):
    """``found`` (the ladder's h, changes, made, straight, clean) with the ``blocked`` entries
    (``_unclean_misses``) climbed again with their own round-off (``own_roundoff``) where it
    is more than OWN_ABOVE times ``r`` (updated in place there): a float32 part an entry
    moves through rounds its losses more than the tensor's lines showed, and the first
    look's ε then looked "not smooth" to a window too narrow for it — a 10 % bug in a torch
    model with a float32 middle layer agreed loosely and passed (review12n C8), though its
    differences at 1e-3 resolve the slope to 1e-4."""
    h, changes, made, straight, clean = found
    at = np.flatnonzero(blocked)
    plain = unit_roundoff(engine.precision) * _scale(engine)
    own = own_roundoff(engine, rows_for, epsilon, chosen[at], plain, untold=True,
                       above=OWN_ABOVE * r[at])  # fmt: skip
    wider = np.isfinite(own) & (own > OWN_ABOVE * r[at])
    if not wider.any():
        return found
    at = at[wider]
    r[at] = own[wider]
    again = _ladder(engine, rows_for, epsilon, chosen[at], r[at], sigma, g[at],
                    (first[0][at], first[1][at]))  # fmt: skip
    h, straight, clean = h.copy(), straight.copy(), clean.copy()
    h[at], straight[at], clean[at] = again[0], again[3], again[4]
    for share in (0.5, 1.0):
        for side in (0, 1):
            changes[share][side][at] = again[1][share][side]
            made[share][side][at] = again[2][share][side]
    return h, changes, made, straight, clean


def _estimate(narrow, wide, r, sigma, h):
    """(value, bar, the bar's noise term) of Richardson from the central differences at h/2
    (``narrow``) and h (``wide``): their difference over 3, the round-off and the noise's
    spread over h."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        value = (4 * narrow - wide) / 3
        noise = NOISE_WIDTH * estimate_verdict.NOISE_SPREAD * sigma / h
        bar = np.abs(narrow - wide) / 3 + 4 * r / h + noise
    return value, bar, noise


def _ladder(engine, rows_for, epsilon, chosen, r, sigma, g, first):
    """(h, changes, made, straight, clean) of the estimate at the step with the narrowest
    bar among h₀·2^k
    (k < LADDER, h₀ = ε·``_widening``, none beyond REACH·max(1, |w|)): a float32 loss's
    round-off over h falls as h grows while the truncation the two steps show rises, and
    where they cross depends on the entry (review9k CRITICAL-3: at 4ε a 1 % bug of a torch
    float32 model lay within 2 bars, at 8ε–16ε it is 5–16 of them). ``changes[share]`` and
    ``made[share]`` are ΔL± and the steps as the dtype made them (w ± s rounded), at
    s = h/2 and h (share 0.5, 1.0); one central difference per rung, each shared by two.
    ``first``: the entries' ΔL+ and ΔL− at their ε (the first look): in a model that may
    have kinks, a pair's steps and those below it down to ε must look smooth
    (``ladder_kinks.smooth_to``) and the sides' slopes must not stand apart
    (``ladder_kinks.apart``). ``clean``: the chosen pair is smooth that way (or the model
    is); ``straight``: clean, and no rung or one-sided slope reproduces g."""
    total = epsilon.size
    base = epsilon[chosen] * _widening(engine, r, sigma)
    top = REACH * epsilon[chosen] / engine.epsilon_base
    values = getattr(rows_for, "values", None)
    rungs = []  # (ΔL+, ΔL−, s+, s−) at s = base/2 · 2^j
    for j in range(LADDER + 1):
        s = np.minimum(base * 2.0**j / 2, top)  # (a pair whose wider step is capped
        # keeps no ratio 2 and is not used: ``usable`` below)
        steps = np.zeros(total)
        steps[chosen] = s
        points, lost = rows_for(np.concatenate([steps, -steps]))
        keep = np.concatenate([chosen, total + chosen])
        with np.errstate(invalid="ignore", over="ignore"):
            found = np.where(lost[keep], 0.0, engine._losses(points[keep]) - engine.loss)
        if values is None:
            up = down = s
        else:
            w = np.asarray(values, dtype=float)[chosen]
            up, down = engine.round(w + s) - w, w - engine.round(w - s)
        rungs.append((found[: chosen.size], found[chosen.size :], up, down))
    # the first look's step and each rung's: where a kink crossed shows (ladder_kinks)
    points = ladder_kinks.Points.of(first, epsilon[chosen], rungs, r, sigma)
    clean_to = ladder_kinks.smooth_to(points, LADDER)
    best_h, best_bar = base.copy(), np.full(chosen.size, np.inf)
    pick = np.zeros(chosen.size, dtype=int)
    straight = np.zeros(chosen.size, dtype=bool)
    agrees = np.zeros(chosen.size, dtype=bool)
    tried = []  # (value, bar) of each rung pair's Richardson (NaN bar: not clean)
    for k in range(LADDER):
        half, full = rungs[k], rungs[k + 1]
        h = np.minimum(base * 2.0**k, top)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            narrow = (half[0] - half[1]) / (half[2] + half[3])
            wide = (full[0] - full[1]) / (full[2] + full[3])
            bar = np.abs(narrow - wide) / 3 + 4 * r / h
            bar += NOISE_WIDTH * estimate_verdict.NOISE_SPREAD * sigma / h
            even = clean_to[k]
            usable = base * 2.0**k <= top * (1 + 1e-12)
            better = np.isfinite(bar) & (bar < best_bar) & usable
            if not engine.smooth:  # a kink crossed within the steps: not this rung
                better &= even
        best_bar = np.where(better, bar, best_bar)
        best_h = np.where(better, h, best_h)
        pick = np.where(better, k, pick)
        straight |= better
        clean = (even | bool(engine.smooth)) & usable
        tried.append(((4 * narrow - wide) / 3, np.where(clean, bar, np.nan)))
    tried += _one_sided(rungs, base, top, r, sigma)
    best = [tried[k][0][row] for row, k in enumerate(pick)]
    with np.errstate(invalid="ignore"):
        off = np.abs(np.asarray(best, dtype=float) - g)
        for value, bar in tried:  # a look that reproduces g, and could have seen the
            # disagreement the narrowest bar shows (its bar under half of it), refutes it
            agrees |= (np.abs(value - g) <= bar) & (bar < off / 2)
        if not engine.smooth:  # one side's slopes bent by a kink, the other's not
            agrees |= ladder_kinks.apart(points, pick, off)
    rows = np.arange(chosen.size)
    changes, made = {}, {}
    for share, offset in ((0.5, 0), (1.0, 1)):
        parts = [np.array([rungs[k + offset][i][row] for row, k in zip(rows, pick, strict=True)])
                 for i in range(4)]  # fmt: skip
        changes[share] = (parts[0], parts[1])
        made[share] = (parts[2], parts[3])
    clean = straight | bool(engine.smooth)
    return best_h, changes, made, clean & ~agrees, clean


def _widening(engine, r, sigma: float) -> np.ndarray:
    """The estimate's step over the entry's ε: WIDER, or more where the loss rounds (or
    scatters) so coarsely — a float32 part in a float64 loss, measured along its tensor;
    a loss with a deterministic jitter — that the step for that rounding,
    ((r + NOISE_WIDTH·σ)/S)^(1/3) (S the size the loss rounds at, ``_scale``), is wider;
    capped at REACH."""
    rounding = (np.asarray(r, dtype=float) + NOISE_WIDTH * sigma) / _scale(engine)
    coarse = rounding ** (1.0 / 3.0) / engine.epsilon_base
    return np.minimum(np.maximum(WIDER, coarse), REACH / engine.epsilon_base)


def _one_sided(rungs, base, top, r, sigma) -> list:
    """(value, bar) of each side's slope extrapolated to a zero step (2·s(h/2) − s(h)) at
    each rung pair, the bar its truncation across the rungs (∝ h²) and its round-off: a
    kink at w or nearer than every rung spoils one side's central differences alike at
    every step (their Richardson is then consistent and off) but leaves the slopes on the
    other side — or on its own side, when g is that side's derivative (a relu at its
    kink) — clean. A smooth loss's bug agrees with neither."""
    found = []
    for sign, at in ((1.0, 0), (-1.0, 1)):
        sides, hs = [], []
        for k in range(LADDER):
            half, full = rungs[k], rungs[k + 1]
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                narrow = sign * half[at] / half[2 + at]
                wide = sign * full[at] / full[2 + at]
            usable = base * 2.0**k <= top * (1 + 1e-12)
            sides.append(np.where(usable, 2 * narrow - wide, np.nan))
            hs.append(np.minimum(base * 2.0**k, top))
        for k in range(LADDER):  # its truncation from the next rung's, or the one before
            # (where the next pair is not usable: its wider step was capped)
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                after = sides[k + 1] if k + 1 < LADDER else np.full(hs[k].shape, np.nan)
                before = sides[k - 1] if k > 0 else np.full(hs[k].shape, np.nan)
                spread = np.where(np.isfinite(after), np.abs(sides[k] - after) / 3,
                                  4 / 3 * np.abs(sides[k] - before))  # fmt: skip
                bar = spread + 10 * (r + NOISE_WIDTH * sigma) / hs[k]
            found.append((sides[k], bar))
    return found
