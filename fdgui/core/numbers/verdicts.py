"""Comparing a finite-difference gradient with a backprop gradient: relative error and verdict.

Relative error follows the usual gradient-checking convention,
|n − a| / max(|n|, |a|, 1e-8), so that two tiny gradients do not look far apart merely
because both are near zero.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal

from fdgui.core.numbers.parsing import CONTEXT

RELATIVE_ERROR_FLOOR = Decimal("1e-8")
_EXACT = CONTEXT.copy()  # a difference of two decimals, every digit (sized by its operands)
_EXACT.prec = decimal.MAX_PREC


@dataclass(frozen=True)
class Verdict:
    """One band of relative error, from ``lower`` (exclusive) to ``upper`` (inclusive)."""

    key: str  # "correct", "kinks", "suspicious", "wrong"
    title: str
    colour: str  # a hex colour that reads on light and dark backgrounds
    lower: float
    upper: float


VERDICTS: tuple[Verdict, ...] = (
    Verdict("correct", "Correct", "#1b873f", 0.0, 1e-7),
    Verdict("kinks", "Fine only if the loss has kinks", "#9a6700", 1e-7, 1e-4),
    Verdict("suspicious", "Suspicious", "#c75000", 1e-4, 1e-2),
    Verdict("wrong", "Wrong", "#cf222e", 1e-2, float("inf")),
)
# Used instead of a band when the difference is no larger than the typed digits can resolve.
INCONCLUSIVE = Verdict(
    "inconclusive", "Too coarse to judge (too few typed digits)", "#0a5ea8", 0.0, 0.0
)  # the ε explorer's words and colour for the same state
_KINKS_UPPER = Decimal(str(VERDICTS[1].upper))  # the last band a resolved claim passes in
# Used instead of "correct" when the two agree, but the typed digits cannot show seven of them
# (and for a claim in the "kinks" band inside a ± that lies within that band).
CONSISTENT = Verdict("consistent", "Consistent within the typed digits", "#1a7f64", 0.0, 1e-7)
# Used instead of a band when the losses are binaries of a low format and the difference is
# within the rounding that format leaves in a computed gradient (the report names the format:
# "Correct (limited by bfloat16)", the ε explorer's words for the same case)
LIMITED = Verdict("limited", "Correct (limited by the losses' format)", "#1b873f", 0.0, 0.0)
# A computed gradient's share of what computing it may round beyond this share of the
# numeric gradient confirms nothing (the explorer's ``claim.COMPUTATION_RESOLVES``)
COMPUTATION_RESOLVES = Decimal("0.375")
# The losses' ± confirms within the format's rounding only where twice it is at most this
# share of the numeric gradient (the explorer's ``diagnosis.RESOLVING``: a bar that cannot
# tell the gradient from twice, half or minus it confirms nothing)
LOSSES_RESOLVE = Decimal("0.25")
# A disagreement refutes only beyond this many times the losses' ± where that ± models binary
# losses' rounding rather than bounding it (the explorer's ``diagnosis.SAFETY_FACTOR``:
# |g − T| beyond twice both bars); typed decimals' half units bound their digits: once
BINARY_SAFETY = Decimal(2)
# One row does not measure its central difference's truncation |L'''|·ε²/6: its plausible
# size takes the loss to vary on a scale no finer than VARIATION_SCALE in w, nor than
# STEP_SCALES steps, and its |L'''| to reach PRIOR_STEEPNESS·|L'|/s² at an inflection point
# (``plausible_truncation``)
VARIATION_SCALE = Decimal("0.1")
STEP_SCALES = Decimal(3)
# With L, one row's room for the central difference's truncation is |L''|·ε/2 = |F − B|/2, F
# and B the forward and backward differences. A kink between w − ε and w + ε makes the
# derivative F or B, each off by its own one-sided truncation, which the same row puts at
# |L''|·ε/2: a refutation clears KINK_ROOMS rooms (with one, the exact gradient beside a kink
# inside the step was "Wrong" whenever the smooth part's curvature narrowed F − B)
KINK_ROOMS = Decimal(2)
# An odd jump J of L'' (softsign u/(1 + |u|), u·|u|) whose zero lies at c = w ± t·ε inside the
# step shows in the row's curvature as J·(t − t²/2) while it moves the central difference by
# J·(1 − t)²·ε/4: (1 − t)²/(t·(2 − t)) rooms of |L''|·ε/2, however steep the unit. A
# refutation clears that for every zero at least NEAREST_VISIBLE_ZERO·ε from w (9.26 rooms
# of the curvature the losses resolve, beyond its ±: ``Comparison.seen_room``); a nearer
# one, or one whose curvature hides in the losses' rounding, shows too little, and only the
# premise bounds it (``unseen_feature``). Without it, following "Type L" made 11 of 754
# exact gradients beside such a unit, zero 0.05–0.1 ε from w, "Wrong" (rev19c H1; calc21's
# random rows: 78 → 24 exact "Wrong" with L, all u·|u| zeros nearer than 0.052·ε; 57 of 645
# resolved bugs, all beside a kink or unit, undecided at that ε; with the repeat advice
# followed, 1,338 bugs "Wrong" against 1,327 before)
NEAREST_VISIBLE_ZERO = Decimal("0.05")
_T = NEAREST_VISIBLE_ZERO
STEEP_UNIT_ROOMS = (1 - _T) ** 2 / (_T * (2 - _T))
# |L'''/L'|·s² of the steepest of the common S-shaped losses at their inflection point:
# softsign x/√(1 + x²) 3; tanh, atan and erf 2; a sine 1 (review15c C2: a sine's prior called
# tanh's exact derivative "Wrong" at ε = s/4)
PRIOR_STEEPNESS = Decimal(3)


def plausible_truncation(
    central: Decimal, epsilon: Decimal, level: Decimal = Decimal(0)
) -> Decimal:
    """The truncation one row cannot rule out even where its curvature vanishes: that of a
    loss varying on a scale s at an inflection point, where L'' = 0 and the central
    difference is about L'·(1 − k·x²/6), x = ε/s, k = |L'''/L'|·s² — |central|·(k·x²/6)/(1 −
    k·x²/6) — with s = max(VARIATION_SCALE, STEP_SCALES·ε) and k = PRIOR_STEEPNESS, the
    steepest of the common S-shaped curves (softsign; tanh, atan and erf have 2, a sine 1):
    the shape is not known, so the prior holds for each of them, not for a sine only. A
    prior, not a measurement: below VARIATION_SCALE/STEP_SCALES it shrinks like ε² (a smaller
    ε resolves more); above, it is that of a loss varying on STEP_SCALES steps, 5.9 % of the
    central difference (one row refutes only on the premise that ε is at most a third of the
    loss's scale). A loss varying faster (sin(30w) at ε = 0.01) can still mislead one row.

    ``level``: the size of the losses, for a row without L (review15k C2). A minimum or
    maximum of L nearer w than ``unseen_feature`` allows for (ε/(2·UNSEEN_STEEPNESS)) leaves
    |L'''|·ε²/6 where L' ≈ 0, and without L the row cannot see the curvature that says so:
    for a loss that varies by its own size |L| over s (|L'''| up to k·|L|/s³) the prior is
    taken on the larger of |central| and |L|/s, not on the gradient alone (review16c: without
    it, 9 exact gradients near such a minimum were "Wrong"). It reads the losses' value, so a
    constant offset widens it (review16c H1): that costs power (too coarse to judge, exit 2),
    never a false "wrong"; with L it is not taken (the row measures the curvature)."""
    x = _EXACT
    scale = max(VARIATION_SCALE, x.multiply(STEP_SCALES, epsilon))
    share = CONTEXT.divide(
        x.multiply(PRIOR_STEEPNESS, x.multiply(epsilon, epsilon)),
        x.multiply(6, x.multiply(scale, scale)),
    )
    size = max(central.copy_abs(), CONTEXT.divide(level.copy_abs(), scale))
    return CONTEXT.multiply(size, CONTEXT.divide(share, 1 - share))


# One row cannot see a feature at w whose effect on the central difference is first order in
# ε: with L an odd jump of L'' (softsign u/(1 + |u|) or u·|u| at a pre-activation of 0: the
# forward, backward and central differences agree beside it), without L a minimum or maximum of
# L near w (the row cannot see the curvature). Premise: the loss's terms vary on a scale s and
# those that cancel or jump at w are together no steeper than UNSEEN_STEEPNESS times the
# gradient (several units' jumps add: review18c C1); without L also no kink inside the step
# and no minimum or maximum of L within ε/(2·UNSEEN_STEEPNESS) of w, unless the losses' size
# allows for it: ``plausible_truncation``'s level (``unseen_feature``; the words:
# ``report.calculator_unresolved.premise_words``)
UNSEEN_STEEPNESS = Decimal(10)


def unseen_feature(central: Decimal, claim: Decimal, epsilon: Decimal) -> Decimal:
    """What a feature at w that one row cannot see may move the central difference by, first
    order in ε (review15k C1/C2, review16c C1/C2/H1/H2), under the premise the words state:
    UNSEEN_STEEPNESS·max(|central|, |claim|)·ε/s, s = max(VARIATION_SCALE, STEP_SCALES·ε).

    With L: an odd jump J of L'' at c, |c − w| < ε, moves the central difference by about
    J·(ε − |c − w|)²/(4ε) while three points read only the jump's even part (forward =
    backward = central for softsign or u·|u| at u = 0). A unit on the scale s whose slope is
    at most M times the gradient has J ≤ 4·M·|L'|/s (M = 1: a lone softsign; other terms
    cancelling part of its slope make M larger: review16c C1).

    Without L: a smooth loss whose curvature varies on the scale s (|L'''| ≤ 3|L''|/s) with a
    minimum or maximum at distance d from w has |central − L'| ≤ |L''|·ε²/(2s) and |L'| =
    |L''|·d: for d ≥ ε/(2M), at most M·|L'|·ε/s. It reads no loss value, so it is the same
    for L + c and scales with 2^k·L. A minimum nearer w than ε/(2M) leaves more than any
    multiple of |L'|: there only the losses' size bounds the curvature (``plausible_truncation``'s
    ``level``, taken beside this one without L).

    Read on the larger of the central difference and the claim: if the claim is the
    derivative, the premise bounds the difference by the claim's own size. Taken with and
    without L alike (review16c H2): it reads no loss value (giving L adds only the kink room
    the curvature shows, which can still turn a "Wrong" without L into "Too coarse":
    review18c H1b). Several units' jumps inside one step add: the premise bounds their
    steepness together (review18c C1). A prior, not a
    bound: a steeper feature, or a minimum closer to w, can still mislead one row; a smaller
    ε shrinks what it leaves in proportion (``next_epsilon``).

    From M·ε/s = 1 on (ε ≥ s/M) the premise leaves at least the gradient's own size, and a
    claim far enough on the other side of 0 is within it however far it lies (|claim −
    central| ≤ M·|claim|·ε/s once |claim| is large): refuting nearer claims there made the
    exit fall back from "wrong" to "too coarse" as the claim moved away (calc18, rev16c's
    mono.py). So there it leaves the whole difference: one row refutes nothing, and the exit
    stays monotone in |claim − central| (below, max(|central|, |claim|) grows slower than
    the difference on either side). At ε = s/M itself the claim's size alone would stay
    monotone, but U is then the gradient's own size and exact gradients near a value-0
    minimum or beside a cancelled softsign were "wrong" at ε = 0.01 (rev16c's zeromin 8,
    calc16's nearmin 2, oddjump 3): the boundary is included."""
    x = _EXACT
    scale = max(VARIATION_SCALE, x.multiply(STEP_SCALES, epsilon))
    size = max(central.copy_abs(), claim.copy_abs())
    left = CONTEXT.divide(x.multiply(UNSEEN_STEEPNESS, x.multiply(size, epsilon)), scale)
    if x.multiply(UNSEEN_STEEPNESS, epsilon) >= scale:
        return max(left, x.subtract(central, claim).copy_abs())
    return left


def next_epsilon(
    difference: Decimal,
    central: Decimal,
    claim: Decimal,
    level: Decimal = Decimal(0),
    curvature: Decimal = Decimal(0),
    epsilon: Decimal | None = None,
    seen_curvature: Decimal = Decimal(0),
) -> Decimal | None:
    """The step at which every allowance a one-row refutation clears falls to half of
    ``difference`` (review18c H2): what ``unseen_feature`` allows, the smooth prior
    (``plausible_truncation``, with the losses' size ``level`` without L) and, with L, the
    room for a kink the curvature leaves, KINK_ROOMS·|L''|·ε/2 = ``curvature``·ε: a
    difference that stays at that step is a bug, one that shrinks with ε was the loss's
    shape. Strictly below ``epsilon`` (the step used) and below VARIATION_SCALE /
    UNSEEN_STEEPNESS, from which one row refutes nothing (review18c M1: advising that cliff
    itself looped): where the allowances alone would allow such a step, half the limit.
    Rounded down to two significant digits, so the advice never names a larger step than
    the one computed. None without a gradient or a difference."""
    x = _EXACT
    size = max(central.copy_abs(), claim.copy_abs())
    if not size or not difference:
        return None
    step = CONTEXT.divide(
        x.multiply(difference, VARIATION_SCALE), x.multiply(2 * UNSEEN_STEEPNESS, size)
    )
    # the prior's size·k/(1 − k), k = PRIOR_STEEPNESS·ε²/(6·VARIATION_SCALE²), at half of it
    half = CONTEXT.divide(difference, 2)
    smooth = max(central.copy_abs(), CONTEXT.divide(level.copy_abs(), VARIATION_SCALE))
    share = CONTEXT.divide(half, x.add(smooth, half))
    prior_step = x.multiply(
        VARIATION_SCALE, CONTEXT.sqrt(CONTEXT.divide(x.multiply(6, share), PRIOR_STEEPNESS))
    )
    step = min(step, prior_step)
    if curvature:  # the kink room |L''|·ε at half the difference
        step = min(step, CONTEXT.divide(half, curvature.copy_abs()))
    if seen_curvature:  # a steep unit's rooms, STEEP_UNIT_ROOMS·|L''|·ε/2 (resolved L'')
        steep = x.multiply(STEEP_UNIT_ROOMS / 2, seen_curvature.copy_abs())
        step = min(step, CONTEXT.divide(half, steep))
    cliff = CONTEXT.divide(VARIATION_SCALE, UNSEEN_STEEPNESS)
    for limit in (cliff, epsilon):
        if limit is not None and step >= limit:
            step = CONTEXT.divide(limit, 2)
    place = Decimal(1).scaleb(step.adjusted() - 1)
    return step.quantize(place, rounding=decimal.ROUND_FLOOR)


def verdict_for(relative_error: float | Decimal) -> Verdict:
    """The band a relative error falls in (> 1e-2 wrong … ≤ 1e-7 correct).

    A Decimal is compared exactly, so 0.01000000000000000001 is wrong, not suspicious.
    """
    if isinstance(relative_error, Decimal):
        for verdict in VERDICTS:
            if verdict.upper == float("inf") or relative_error <= Decimal(repr(verdict.upper)):
                return verdict
        return VERDICTS[-1]
    value = float(relative_error)
    for verdict in VERDICTS:
        if value <= verdict.upper:
            return verdict
    return VERDICTS[-1]  # NaN: the most cautious band


def relative_error(numeric: Decimal, analytic: Decimal, digits: int = CONTEXT.prec) -> Decimal:
    """|n − a| / max(|n|, |a|, 1e-8): the difference exact, the quotient rounded once to
    ``digits`` significant digits."""
    scale = max(numeric.copy_abs(), analytic.copy_abs(), RELATIVE_ERROR_FLOOR)
    context = CONTEXT.copy()
    context.prec = digits
    return context.divide(_EXACT.subtract(numeric, analytic).copy_abs(), scale)


def relative_error_float(numeric: float, analytic: float) -> float:
    """The same formula in floating point, for sweeps and network checks."""
    return abs(numeric - analytic) / max(abs(numeric), abs(analytic), 1e-8)


@dataclass(frozen=True)
class Comparison:
    """A numeric gradient set against a backprop value."""

    numeric: Decimal
    analytic: Decimal
    absolute_difference: Decimal
    relative_error: Decimal
    band: Verdict  # the band the relative error falls in
    verdict: Verdict  # the band, or INCONCLUSIVE when the typed digits cannot tell
    # True when |n − a| is no larger than the spread the typed digits allow (the losses' ±
    # plus the backprop's own half unit): too coarse to tell a small bug from rounding.
    within_uncertainty: bool
    # half a unit of the backprop gradient's last typed digit (0 for a typed zero)
    claim: Decimal = Decimal(0)
    # whose digits are too few when the verdict is "inconclusive": "losses" (their ± alone
    # covers the difference) or "backprop" (only with its typed digits' half unit); or what
    # keeps a difference in the "wrong" band from resolving (``_resolved``): "truncation",
    # "terms" or "resolve"; or
    # "computation": only the format's underflow covers it, wider than the gradient's share;
    # or "kink": resolved, but a row without L cannot tell a kink inside the step from a bug
    too_few: str = ""
    # the losses' format when they are binaries of float32/float16/bfloat16 (else ""), and
    # what a correct backprop gradient computed in it may be off by: ``computed``
    # (CLAIM_ROUNDINGS·u·|backprop|) plus ``underflow`` (its smallest normal number, for a
    # backprop below it)
    losses_format: str = ""
    computed: Decimal = Decimal(0)
    underflow: Decimal = Decimal(0)
    # what one row leaves for the central difference's truncation (|L''|·ε/2; 0 without L)
    room: Decimal = Decimal(0)
    # what the losses' terms' rounding may add to the central difference (binary losses)
    terms: Decimal = Decimal(0)
    # the truncation one row cannot rule out where its curvature vanishes
    # (``plausible_truncation``), a prior: added to the rounding's allowance as an
    # independent error is (root sum of squares)
    prior: Decimal = Decimal(0)
    # what a feature at w one row cannot see may leave, first order in ε (an odd jump of L''
    # with L, a minimum near w without L: ``unseen_feature``), a prior taken beside ``prior``
    jump: Decimal = Decimal(0)
    # the part of ``room`` the losses resolve (|L''|·ε/2 beyond its ±): what a steep unit
    # whose zero lies inside the step shows of itself (STEEP_UNIT_ROOMS)
    seen_room: Decimal = Decimal(0)


def compare(
    numeric: Decimal,
    analytic: Decimal,
    uncertainty: Decimal,
    digits: int = CONTEXT.prec,
    claim: Decimal = Decimal(0),
    losses_format: str = "",
    computed: Decimal | None = None,
    room: Decimal = Decimal(0),
    binary: bool = False,
    terms: Decimal = Decimal(0),
    prior: Decimal = Decimal(0),
    jump: Decimal = Decimal(0),
    sees_kinks: bool = True,
    seen_room: Decimal = Decimal(0),
) -> Comparison:
    """Relative error (to ``digits`` significant digits), verdict band, and whether the
    difference (exact) hides in the typed digits: the losses' ``uncertainty`` on the numeric
    gradient, then ``claim``, half a unit of the backprop's last typed digit
    (``typed_claim.claim_half_unit``, the ε explorer's rule for a typed derivative).

    ``losses_format``: the low format the losses are binaries of (float32, float16,
    bfloat16), in which the backprop gradient was computed too: a difference beyond the
    losses' ± but within what that format's rounding leaves in a correct computed gradient
    (``typed_claim.format_rounding``, the explorer's rule) is ``LIMITED``, "correct (limited
    by it)"; where only its underflow covers it and that is wider than 3/8 of the numeric
    gradient, too coarse to judge (``too_few`` "computation").

    ``computed``: what the ε explorer measured a correct gradient computed in that format may
    be off by here (read from the expression; sent with its losses), in place of the blanket
    CLAIM_ROUNDINGS·u·|g| and the underflow allowance.

    A difference in the "wrong" band is wrong only where the numbers resolve it: beyond the
    backprop's digits and its format's rounding by more than the losses' ± (twice it for
    ``binary`` losses, whose ± models their rounding as if each were rounded once and cannot
    bound what a loss computed in a low format carries from its larger terms) plus ``room``,
    what one row leaves for the central difference's truncation (|L''|·ε/2 when L was given:
    the truncation |L'''|·ε²/6 of a central difference is not measured by one row). Else
    ``INCONCLUSIVE``, too coarse to judge, ``too_few`` naming what keeps it from resolving:
    "truncation" (the room), "terms" (``terms``, what binary losses' terms may have rounded,
    added to their ± here: ``calculator.terms``; always for binary losses with L+ = L−,
    whose central difference of 0 only says the change is below what their terms rounded)
    or "resolve" (twice the ±).

    ``sees_kinks``: False for a row without L. Two losses do not show a kink (a jump K of
    L') inside the step, and one there moves the central difference, the mean of L' over
    [w − ε, w + ε], by up to |K|/2 whatever K is: g·w + K·relu(w − c) + L0, c inside the
    step, fits any two losses and any claimed gradient g. No difference excludes it, so such
    a row never refutes: a difference that would be "Wrong" is ``INCONCLUSIVE`` with
    ``too_few`` "kink" (type L: the forward and backward differences show the kink). A sent
    row's trusted reference, read where no kink is near w, can still resolve it
    (``calculator.sent_reference.own_error``)."""
    difference = _EXACT.subtract(numeric, analytic).copy_abs()
    error = relative_error(numeric, analytic, digits)
    band = verdict_for(error)
    within_losses = difference <= uncertainty
    own_scale = _below_floor(numeric, analytic)
    if own_scale:  # both below the 1e-8 floor: every band is read against the gradient itself
        band = verdict_for(CONTEXT.divide(difference, own_scale))
    digits_spread = _EXACT.add(uncertainty, claim)  # the losses' ± and the backprop's digits
    within = within_losses or difference <= digits_spread
    computed_rounding, underflow = _format_rounding(analytic, losses_format)
    if computed is not None and (computed_rounding or underflow):
        computed_rounding, underflow = computed, Decimal(0)
    computed = computed_rounding
    rounding = _EXACT.add(computed, underflow)
    # the relative spread the typed digits leave on the numeric gradient
    scale = own_scale or max(numeric.copy_abs(), analytic.copy_abs(), RELATIVE_ERROR_FLOOR)
    spread_share = CONTEXT.divide(uncertainty, scale)
    resolvable = spread_share <= Decimal("1e-7")
    too_few = ""
    if band.key == "correct":
        verdict = band if resolvable else CONSISTENT
    elif within_losses and band.key == "kinks" and spread_share <= _KINKS_UPPER:
        # the digits cannot tell this claim from the central difference, and their whole ±
        # lies inside the bands a resolved claim passes: as consistent as the central value
        # (it was "too coarse" while a farther claim, resolved in the band, passed:
        # review13v M1)
        verdict = CONSISTENT
    elif within_losses and not rounding:
        verdict, too_few = INCONCLUSIVE, "losses"
    elif rounding and difference <= _EXACT.add(uncertainty, rounding):
        # (a claim within the losses' ± as well: it was "too coarse" while a farther one,
        # beyond the ± but within the format's rounding, was "Correct (limited)": review15c H2)
        # the format's rounding covers it; its underflow alone, wider than the gradient's
        # share, would cover a bug that size as well, and so would losses too coarse to
        # tell the gradient from twice or half it
        needs_underflow = difference > _EXACT.add(uncertainty, computed)
        size = numeric.copy_abs()
        coarse = needs_underflow and underflow > _EXACT.multiply(COMPUTATION_RESOLVES, size)
        if coarse:
            verdict, too_few = INCONCLUSIVE, "computation"
        elif _EXACT.multiply(2, _EXACT.add(uncertainty, terms)) > _EXACT.multiply(
            LOSSES_RESOLVE, size
        ):
            verdict, too_few = INCONCLUSIVE, "losses"
        else:
            verdict = LIMITED
    elif within or (rounding and difference <= _EXACT.add(digits_spread, rounding)):
        # only with half a unit of the backprop's last typed digit
        verdict, too_few = INCONCLUSIVE, "backprop"
    else:
        verdict = band
        if band.key == "wrong":
            left = _EXACT.subtract(difference, _EXACT.add(claim, rounding))
            rooms = (room, max(prior, jump), seen_room)
            verdict, too_few = _resolved(left, uncertainty, terms, rooms, binary)
            if binary and not numeric:  # L+ = L−: every digit cancelled (review12c C1)
                verdict, too_few = INCONCLUSIVE, "terms"
            if verdict.key == "wrong" and not sees_kinks:  # a kink inside the step? (calc20)
                verdict, too_few = INCONCLUSIVE, "kink"
    if rounding and band.key == "kinks" and verdict.key in ("kinks", "consistent"):
        # the "kinks" band passes only where the losses resolve the gradient, as the
        # format's rounding band does: else a claim there passed while a nearer one, within
        # the ± and the format's rounding, was too coarse (review16c M1, float32)
        unresolved = _EXACT.multiply(2, _EXACT.add(uncertainty, terms))
        if unresolved > _EXACT.multiply(LOSSES_RESOLVE, numeric.copy_abs()):
            verdict, too_few = INCONCLUSIVE, "losses"
    if not numeric and verdict.key in _PASSING and (uncertainty or terms):
        # L+ = L− with a ±: the row says only that |L'| is below it, and tells no claim
        # inside it from 0 — a detached gradient's 0 passed where the exact one was too
        # coarse (review16c M2): too coarse too, never a pass
        verdict, too_few = INCONCLUSIVE, "terms" if binary else "losses"
    return Comparison(
        numeric=numeric,
        analytic=analytic,
        absolute_difference=difference,
        relative_error=error,
        band=band,
        verdict=verdict,
        within_uncertainty=within,
        claim=claim,
        too_few=too_few,
        losses_format=losses_format if rounding else "",
        computed=computed,
        underflow=underflow,
        room=room,
        terms=terms,
        prior=prior,
        jump=jump,
        seen_room=seen_room,
    )


_PASSING = ("correct", "consistent", "limited", "kinks")  # the verdicts `calc` exits 0 on


def floor_hidden(comparison: Comparison) -> bool:
    """Whether the comparison's band was read against the gradient itself, the 1e-8 floor's
    relative error being in a lower band (``_below_floor``)."""
    return comparison.band.key != verdict_for(comparison.relative_error).key


def _below_floor(numeric: Decimal, analytic: Decimal) -> Decimal:
    """The larger gradient where both are below the relative error's 1e-8 floor (and not both
    0), else 0. There the floor would call a sign flip of a 1e-16 gradient "Correct"
    (review12c C4) and a 0.9 % bug "agree to seven digits" (review13v C2): the band is read
    against the gradient itself, as the ε explorer judges it and as the same row scaled
    above the floor is; the relative error shown stays the seed's."""
    larger = max(numeric.copy_abs(), analytic.copy_abs())
    if not larger.is_finite() or larger >= RELATIVE_ERROR_FLOOR:
        return Decimal(0)
    return larger


def shape_allowance(comparison: Comparison) -> Decimal:
    """The most this one row allows for its central difference's own error beyond the
    losses' ±: the rooms for a kink or a steep unit inside the step, the smooth prior, and
    what a feature it cannot see leaves (``_resolved``'s rooms). A "Suspicious" difference
    within it may be the loss's own shape at this ε (calc21, rev19c M2: 389 exact gradients
    were told "more than finite differences normally explain")."""
    x = _EXACT
    steep = max(x.multiply(KINK_ROOMS, comparison.room), comparison.seen_room * STEEP_UNIT_ROOMS)
    return max(steep, comparison.prior, comparison.jump)


def _resolved(
    left: Decimal,
    uncertainty: Decimal,
    terms: Decimal,
    rooms: tuple[Decimal, Decimal, Decimal],
    binary: bool,
) -> tuple[Verdict, str]:
    """("wrong", "") where ``left``, the difference less the backprop's digits and its
    format's rounding, exceeds the losses' ± with their terms' rounding (twice for binary
    losses) plus KINK_ROOMS times the truncation room the curvature shows (a kink between
    w − ε and w + ε makes the derivative the forward or the backward difference, each off by
    its own one-sided truncation: review15c C1), and that spread and the plausible
    truncation (``plausible_truncation``, a prior: independent of the rounding, so added as
    a root sum of squares); else INCONCLUSIVE and what keeps it from resolving: the
    truncation ("truncation"), the terms ("terms") or the margin over the ± ("resolve")."""
    x = _EXACT
    room, prior, seen_room = rooms
    safety = BINARY_SAFETY if binary else Decimal(1)
    spread = x.multiply(safety, x.add(uncertainty, terms))
    either = CONTEXT.sqrt(x.add(x.multiply(spread, spread), x.multiply(prior, prior)))
    steep = max(x.multiply(KINK_ROOMS, room), x.multiply(STEEP_UNIT_ROOMS, seen_room))
    if left > max(x.add(spread, steep), either):
        return VERDICTS[-1], ""
    if left > spread:
        return INCONCLUSIVE, "truncation"
    return INCONCLUSIVE, "terms" if left > x.multiply(safety, uncertainty) else "resolve"


def _format_rounding(analytic: Decimal, losses_format: str) -> tuple[Decimal, Decimal]:
    """(CLAIM_ROUNDINGS·u·|analytic|, the smallest normal number where |analytic| is below
    it) of a low format, exactly; (0, 0) for float64, typed losses and a gradient that is not
    finite."""
    from fdgui.core.numbers.typed_claim import format_rounding

    rounding = format_rounding(losses_format) if losses_format else None
    if rounding is None or not analytic.is_finite():
        return Decimal(0), Decimal(0)
    share, tiny = (Decimal(value) for value in rounding)  # binary numbers: exact
    size = analytic.copy_abs()
    return _EXACT.multiply(share, size), tiny if size < tiny else Decimal(0)
