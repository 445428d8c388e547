"""Before an entry of a float64 loss is called wrong: a coarser part whose treads outlast
every step the check took (review20n C1).

A float16 / bfloat16 sum inside a float64 loss (PARTW·Σ tanh²(1.3·θ) summed in float16: a
sum of 13.9 rounds to 2^-7, so the loss moves in steps of 7.8e-5) is frozen along an entry
over a span wider than every ε of the short sweep and than the coarse-part survey's grids
(``coarse_part``: ± 256·h·SIDE, 0.012 at ε = 4.8e-6): b1[4]'s part did not change on
[w − 0.025, w + 0.076]. Every small step then measures the float64 path alone, while the
honest gradient holds the part's envelope slope too; "Wrong at every ε … a bug" called 9 of
11 honest probes wrong. No difference inside a tread can tell that gradient from a backward
that adds a spurious term, so the words "a bug" over-claim.

So, last of all the looks (after ``sides``), each entry still called wrong — every ε,
Richardson, not a subgradient, its own scale, an estimate's bar, its sides — in a float64
check at the recommended ε of a model that may hold a coarser part
(``coarse_part.applies``), |w| ≤ 16 (beyond, θ's own spacing makes every axis a staircase),
has the loss surveyed along its own axis once more, on one grid of 2·SIDE intervals out to
the check's widest step R = ``wide_window.REACH``·max(S, |w|) and, where that shows no
tread, on one out to 4R (SPANS); the intervals departing most above and below a quartic
trend of the changes (the grid spans the loss's own bends) and the two departing most in
size are halved as ``coarse_part.survey`` does, following the slope the small steps measured
bent along the grid's trend (a dense staircase's median change holds treads, and halvings
that follow it stray from the jump): a jump that stays however fine the halves is a coarser
part's tread, of height q. Such an entry is decided on ``wide_window``'s ladder with q as
its round-off (``coarse_part._staircase``): its "wrong" stands where that ladder excludes
the gradient too (a bug the wide steps resolve), else it is open ("coarse-open": too coarse
to judge, no ε moves the coarser part), never a pass. An entry whose axis shows no tread
within ± 4R, in a loss whose coarser part was found along other entries (treads of q), is
open where its disagreement is within two bars of q/(4R) — the most slope a part frozen over
that span can hide — and keeps its "wrong" beyond that, or where no coarser part was found.

The cost is 2·SIDE + 1 + (CANDIDATES + 1)·LEVELS losses per grid (two where the first
finds no tread) per entry about to be called wrong, plus the ladder's; nothing for the
others, and nothing in the built-in network.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck import coarse_part, estimate_verdict, own_roundoff_recheck, wide_window
from fdgui.core.netcheck.own_scale import GREW
from fdgui.core.netcheck.reexamine import (
    COARSE_OPEN,
    EVERY_EPSILON,
    KINK_OUTSIDE,
    MOST_EPSILON,
    OWN_SCALE_WRONG,
    SIDES_WRONG,
)

# the codes of an entry called wrong that this look asks again
CALLED_WRONG = (EVERY_EPSILON, MOST_EPSILON, KINK_OUTSIDE, OWN_SCALE_WRONG, SIDES_WRONG,
                estimate_verdict.ESTIMATE_WRONG)  # fmt: skip
# the grids' half-widths, times the check's widest step: a tread can outlast that step too
# (a bfloat16 sum's along W1[4, 1] of review20n's c6: frozen on [w − 0.15, w + 0.07])
SPANS = (1.0, 4.0)
LOOK_EVALUATIONS = 2 * coarse_part.SIDE + 1 + (coarse_part.CANDIDATES + 1) * coarse_part.LEVELS
# what it costs an entry called wrong along which no tread shows (both grids; the planner)
PLANNED_EVALUATIONS = len(SPANS) * LOOK_EVALUATIONS


def reopened(engine, rows_for, first_steps, epsilon, analytic, numeric, kink, undecided,
             reason, bar):  # fmt: skip
    """(numeric, bar, reason) with the entries called wrong whose axis shows a coarser
    part's tread no step of the check moves left open (module doc); ``undecided`` and
    ``kink`` are updated in place."""
    if reason is None:
        return numeric, bar, reason
    codes = np.asarray(reason, dtype=np.int8)
    total = codes.size
    a = np.asarray(analytic, dtype=float)
    with np.errstate(invalid="ignore"):
        miss = np.abs(np.asarray(numeric, dtype=float) - a)
    called = np.isin(codes, CALLED_WRONG) & ~np.asarray(undecided, dtype=bool)
    # (not an entry moved by ε·|w| far beyond 1: θ's own spacing there makes every axis a
    # staircase, and its own-scale and sides' looks decided it on steps that see past that)
    w = getattr(rows_for, "values", None)
    small = np.ones(total, bool) if w is None else np.abs(np.asarray(w, dtype=float)) <= GREW
    chosen = np.flatnonzero(called & np.isfinite(miss) & (a != 0) & small)
    looked = getattr(engine, "coarse_looked", 0)
    chosen = chosen[: max(0, coarse_part.ENTRY_LIMIT - looked)]
    if chosen.size == 0:
        return numeric, bar, reason
    engine.coarse_looked = looked + int(chosen.size)
    # (the entry's step, as ``coarse_part.examine`` takes it: ε·max(S, |w|), at most GREW·ε)
    steps = own_roundoff_recheck.starting_steps(engine, first_steps, epsilon)
    h = np.minimum(np.asarray(steps, dtype=float)[chosen], engine.epsilon_base * GREW)
    reach = wide_window.REACH * h / engine.epsilon_base  # the check's widest step
    jump = np.zeros(chosen.size, dtype=bool)
    q = np.zeros(chosen.size)
    for span in SPANS:  # (a wider grid only for the entries the narrower one found smooth)
        ask = np.flatnonzero(~jump)
        if ask.size == 0:
            break
        slope = np.asarray(numeric, dtype=float)[chosen[ask]]  # (the small steps' slope)
        found = coarse_part.survey(engine, rows_for, total, chosen[ask],
                                   span * reach[ask] / coarse_part.SIDE, spacings=(1.0,),
                                   both_signs=True, follow=slope)  # fmt: skip
        jump[ask] = found["jump"]
        q[ask] = np.where(found["jump"], found["q"], 0.0)
    found_q = np.max(q, initial=0.0)
    engine.coarse_found = max(getattr(engine, "coarse_found", 0.0), float(found_q))
    wrong = np.zeros(chosen.size, dtype=bool)
    at = np.flatnonzero(jump)
    if at.size:
        wrong[at] = coarse_part._staircase(
            engine, rows_for, total, chosen[at], h[at], q[at], a[chosen[at]], miss[chosen[at]]
        )[3]
    # an axis with no tread within ± the widest span R, in a loss whose coarser part was
    # found along other entries (treads of q): the part's slope there is at most q/R
    known = engine.coarse_found
    hidden = ~jump & (miss[chosen] <= estimate_verdict.WRONG_BARS * known / (SPANS[-1] * reach))
    opened_here = (jump & ~wrong) | hidden
    opened = chosen[opened_here]
    if opened.size == 0:
        return numeric, bar, reason
    codes = np.array(codes, copy=True)
    codes[opened] = COARSE_OPEN
    undecided[opened] = True
    kink[opened] = False
    engine.coarse_rough = np.union1d(engine.coarse_rough, opened)
    step = np.where(jump, q, known)[opened_here]
    engine.coarse_step = max(getattr(engine, "coarse_step", 0.0), float(np.max(step)))
    return numeric, bar, codes
