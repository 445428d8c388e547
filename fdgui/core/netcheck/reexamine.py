"""A second look at entries that disagree at the first ε, before any is called wrong.

The forward engine compares one central difference per entry with the gradient under check.
An entry that disagrees there may be a bug, or the first ε may be wrong for it (truncation
where the loss curves hard, round-off where the gradient is small against L), or the loss
may have a kink inside ±ε. For each such entry this module evaluates the loss at the steps
ε·(4, 2, ½, ¼) on both sides (eight more evaluations) and decides:

* **kink**: the one-sided slopes, each extrapolated to a zero step from the two smallest
  steps (r₀ = 2·r(ε/4) − r(ε/2)), differ by more than both their windows: forward and
  backward differences disagree. Then the subgradient test: a gradient between the two
  one-sided limits (within the window) is a valid subgradient — explained (``KINK``); one
  outside them is wrong (``KINK_OUTSIDE``).
* otherwise the central differences are extrapolated (Richardson, (4·c(h/2) − c(h))/3, at
  h = ε and h = 2ε); their difference plus the round-off of the subtraction is the error
  bar. A gradient within that bar, where the bar is under half the disagreement at the
  first ε, agrees: the first disagreement was truncation or round-off of one step
  (``SOME_EPSILON``) — unless the bar is half the gradient or wider, when nothing is
  decided (``UNDECIDED``). A bar half as wide as the first disagreement or wider excuses
  nothing.
* **jump**: a one-sided ΔL that does not shrink with the step (at ε/4 it keeps at least
  half of what it is at ε and at 4ε, and stands above the round-off and noise floor) is a
  discontinuity, not a kink: no gradient exists there, so nothing explains the entry — it
  fails as ``JUMP`` (whatever the one-sided slopes, which grow like 1/step, would "admit").
* a gradient outside the bar is wrong: ``EVERY_EPSILON`` when it disagrees at every step
  of the short sweep, ``MOST_EPSILON`` when some single step happened to agree.

A model that is not smooth (relu, or one that does not say) may have kinks at *any*
distance from w, and the forward engine cannot see them; past a kink every step of the short
sweep may disagree with a correct gradient. So before an entry of such a model is called
wrong (and before any entry is called a jump) the caller evaluates ``SMALL_STEPS`` (ε/8 …
ε/256, each rounded as the dtype rounds it), with windows from the *measured* round-off of
a loss change where the check measured it (``roundoff``; it grows as 1/step):

* **the smallest step that decides, decides**: with W(s) the round-off window of step s,
  a step *refutes* the first disagreement D (at ε) when |c(s) − g| ≤ W(s) and |c(s) − g| +
  W(s) + W(ε) < D (no round-off within the bounds can turn a gradient that is off by D
  into that agreement: the disagreement was a kink's, passed as the steps shrank), and
  *confirms* it when |c(s) − g| > W(s) with W(s) + W(ε) < D and both one-sided slopes at s
  exclude g by more than W(s) (a kink nearer than s bends one side only; the clean side
  keeps a correct g: review12n C5) — or they split as a smooth loss's do, resolved and in
  proportion to the step against the next smaller step's split (curvature, not a kink: a
  0.01 % bug of a hard-curving loss stays confirmed). The smallest step of ε/4 and
  the small steps that does either decides: refuted is explained (``KINK``) where W(s)
  would decide (below |g|/2), else ``UNDECIDED``; confirmed keeps the wrong code; neither
  at any step (round-off too large below ε/4): a kink nearer than ε/4 cannot be told from
  a wrong gradient, ``UNDECIDED``. (The Richardson bar and the one-sided extrapolations mix
  in steps that cross the kink, so they do not decide these entries.) Only entries called
  wrong are looked at this way.
* **jump refuted**: a one-sided ΔL that stops changing beyond a kink into a flat stretch (a
  relu unit that switches off for the only example that used it) looks like a jump at every
  step past the kink. A jump stands only if, at every smaller step the dtype can represent,
  the side's change keeps at least half of what it was at ε/4 and stays above the floor.

Noise (a loss that differs between two evaluations at the same point, with standard
deviation σ) widens every window by NOISE_WIDTH·σ/h.
"""

from __future__ import annotations

import numpy as np

# the noise's windows and its measure are shared with the ε sweep (core/numbers/noise.py)
from fdgui.core.netcheck.converged import change_roundoff, overruled
from fdgui.core.numbers.noise import (  # noqa: F401  (the check imports them from here)
    NOISE_REPEATS,
    NOISE_WIDTH,
    ROUNDOFF_SPREAD,
    repeat_sigma,
)
from fdgui.core.numbers.precision import unit_roundoff

FACTORS = (4.0, 2.0, 0.5, 0.25)  # the short sweep's steps, as multiples of the first ε
NONE, EVERY_EPSILON, MOST_EPSILON, SOME_EPSILON, KINK, KINK_OUTSIDE, UNDECIDED, JUMP = range(8)
# the ε ladder (netcheck.ladder) left the entry undecided: round-off still ≥ |a|/4 at the
# largest step, truncation grew first, or a relu switches within the steps it needed
ROUNDOFF_LIMIT, TRUNCATION_LIMIT, KINK_LIMIT = 8, 9, 10
# a disagreement in the dtype that float64 evaluations did not confirm (netcheck.confirm)
UNCONFIRMED = 11
# a coarse loss's undecided entry decided by the estimate's own bar (netcheck.estimate_verdict)
ESTIMATE_RIGHT, ESTIMATE_WRONG = 12, 13
# a projection's direction through kinks at θ0: undecided, explained by those kinks (whose
# one-sided slopes do not bound g·v), unlike UNDECIDED after a clear disagreement
KINK_DIRECTION = 14
# an entry its first step measured the shape of, decided with steps down to its own scale
# (netcheck.own_scale): right or wrong within the bar of the narrowest usable step
OWN_SCALE_RIGHT, OWN_SCALE_WRONG = 15, 16
# an entry of a model with kinks its sides decided, on steps its loss's scale bounds
# (netcheck.sides)
# (SIDES_OPEN: a between its sides, which differ: a kink its steps cannot place, or a bug)
SIDES_RIGHT, SIDES_WRONG, SIDES_OPEN = 17, 18, 19
# a noisy loss's entry whose wider steps put its slope beyond two bars of a, where the checks
# that would call it wrong (its sides, a pair lower, the scatter) could not tell a bug from
# the noise or a drift (netcheck.loose_verdict): open, never a pass (review17p M1)
NOISE_OPEN = 20
# an entry called wrong whose axis shows a coarser part's tread wider than every step the
# check took, which the wide steps' ladder could not decide (netcheck.coarse_wide): open
COARSE_OPEN = 21
# an entry left UNDECIDED by the second look whose first disagreement was more than this
# many times its window makes its tensor inconclusive, never a pass (review9h #2) ...
CLEAR_DISAGREEMENT = 2.0
# ... and in a float64 check at the recommended ε, where the wider steps (loose_verdict,
# wide_window, own_roundoff_recheck) look at every such entry first, one left open after all
# of them that disagreed beyond its window at all: it may hide a bug those steps could not
# resolve (review12n C3, C8: a 30 % bug "Undecided" and the check passed)
CLEAR_AFTER_WIDER = 1.0
JUMP_SHARE = 0.5  # a one-sided ΔL that keeps this share of itself over a 16× smaller step
SMALL_STEPS = tuple(2.0**-k for k in range(3, 9))  # ε/8 … ε/256: before a kink's entry fails
WRONG = (EVERY_EPSILON, MOST_EPSILON, KINK_OUTSIDE)  # called wrong (a jump aside)
# what each code means for the verdict: explained (not a failure) or not
EXPLAINED = (SOME_EPSILON, KINK)
REASON_KEYS = {
    EVERY_EPSILON: "every-ε",
    MOST_EPSILON: "most-ε",
    SOME_EPSILON: "some-ε",
    KINK: "kink",
    KINK_OUTSIDE: "kink-outside",
    UNDECIDED: "undecided",
    JUMP: "jump",
    ROUNDOFF_LIMIT: "round-off-limit",
    TRUNCATION_LIMIT: "truncation-limit",
    KINK_LIMIT: "kink-limit",
    UNCONFIRMED: "unconfirmed",
    ESTIMATE_RIGHT: "estimate",
    ESTIMATE_WRONG: "estimate-wrong",
    KINK_DIRECTION: "undecided",
    OWN_SCALE_RIGHT: "own-scale",
    OWN_SCALE_WRONG: "own-scale-wrong",
    SIDES_RIGHT: "sides",
    SIDES_WRONG: "sides-wrong",
    SIDES_OPEN: "sides-open",
    NOISE_OPEN: "noise-open",
    COARSE_OPEN: "coarse-open",
}
LADDER_REASONS = (ROUNDOFF_LIMIT, TRUNCATION_LIMIT, KINK_LIMIT, UNCONFIRMED)
ESTIMATE_REASONS = (ESTIMATE_RIGHT, ESTIMATE_WRONG)
OWN_SCALE_REASONS = (OWN_SCALE_RIGHT, OWN_SCALE_WRONG)
SIDES_REASONS = (SIDES_RIGHT, SIDES_WRONG)

CONFIRMED_LIMIT = 256  # after this many confirmed wrong entries a check stops looking again


def noise_windows(sigma: float, steps: np.ndarray) -> np.ndarray:
    return NOISE_WIDTH * sigma / steps


def reexamine(
    more: dict[float, tuple[np.ndarray, np.ndarray]],
    chosen: np.ndarray,
    epsilon: np.ndarray,
    plus: np.ndarray,
    minus: np.ndarray,
    gradient: np.ndarray,
    loss: float,
    dtype: str,
    rtol: float,
    sigma: float = 0.0,
    smooth: bool = True,
    small: dict[float, tuple[np.ndarray, ...]] | None = None,
    roundoff: float | None = None,
    measured: float = 0.0,
    magnitude: float | None = None,
    units: np.ndarray | None = None,
) -> np.ndarray:
    """Reason codes for the ``chosen`` entries (``epsilon``, ``plus``, ``minus``,
    ``gradient``: the chunk's arrays; the chosen ones are taken from them; ``more``: ΔL+ and
    ΔL− of the chosen entries at each of FACTORS times their ε; ``smooth``: the model says
    its loss has no kinks; ``small``: ``small_steps`` of the chosen entries, NaN where not
    evaluated; ``roundoff``: a bound on the round-off of one loss change, measured, for the
    windows of the small steps; None: 10·u·max(1, |L|)); ``measured``: the round-off of one
    loss value measured near θ0, used where it exceeds u·max(1, |L|)); ``magnitude``: the
    size the loss rounds and curves at where that was measured (``roundoff``), for
    max(1, |L|) — a loss of 1e-16·Σ sin t is judged as the same loss unscaled would be);
    ``units``: the scale each entry's ε was made for (ε = ε₀·unit, the whole chunk's
    array; ones when None): the truncation allowance is (step/unit)²·scale, as a parameter
    of 1e3 moved by 5e-3 is moved by ε₀ of its own size — an allowance of step² would be
    1e6 times wider there and leave a 1 % bug undecided)."""
    u = unit_roundoff(dtype)
    scale = max(1.0, abs(loss)) if magnitude is None else max(magnitude, 1e-300)
    unit_error = max(u * scale, measured)  # one loss value's round-off
    h = epsilon[chosen]
    g = gradient[chosen]
    unit = np.ones(chosen.size) if units is None else np.asarray(units, dtype=float)[chosen]
    steps = {1.0: h}
    slopes_plus = {1.0: plus[chosen] / h}
    slopes_minus = {1.0: -minus[chosen] / h}
    for factor in FACTORS:
        step = h * factor
        more_plus, more_minus = more[factor]
        steps[factor] = step
        slopes_plus[factor] = more_plus / step
        slopes_minus[factor] = -more_minus / step

    def small_window(step: np.ndarray, bound: float | None = roundoff) -> np.ndarray:
        # the measured round-off where there is one: the small steps' windows grow as 1/step
        if bound is None:
            return window(step)
        spread = bound / step + truncation(step) + noise_windows(sigma, step)
        return spread + rtol * np.abs(g)

    # a refutation needs only the losses' own rounding at the step, not the tolerance's
    # margin over it (``converged.change_roundoff``, review11n C2)
    own = None if roundoff is None else change_roundoff(roundoff, measured, u, scale)

    def truncation(step: np.ndarray) -> np.ndarray:
        # the allowance (step/unit)²·scale, or ten times the truncation the steps 2ε and ε
        # show (c(2h) − c(h) = 3·k·h² on a smooth stretch, with both steps' round-off and
        # noise) where that is smaller: a parameter of 1e8 in a loss of t/1e8 truncates
        # 1e8 times less than the allowance says, which left a 1 % error there undecided
        allowance = (step / unit) ** 2 * scale
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            seen = np.abs(central[2.0] - central[1.0]) + 2 * (
                10 * unit_error / h + noise_windows(sigma, h)
            )
            measured = 10 * seen / 3 * (step / h) ** 2
        return np.where(np.isfinite(measured), np.minimum(allowance, measured), allowance)

    def window(step: np.ndarray) -> np.ndarray:
        # round-off of two subtracted losses over the step, the truncation allowance of
        # ``recommended_tolerances``, the noise, and the dtype's relative tolerance
        return (
            10 * unit_error / step
            + truncation(step)
            + noise_windows(sigma, step)
            + rtol * np.abs(g)
        )

    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        central = {f: (slopes_plus[f] + slopes_minus[f]) / 2 for f in steps}
        agree = np.zeros(chosen.size, dtype=int)
        for f in steps:
            agree += np.abs(central[f] - g) <= window(steps[f])
        # one-sided limits (first-order extrapolation from the two smallest steps)
        right = 2 * slopes_plus[0.25] - slopes_plus[0.5]
        left = 2 * slopes_minus[0.25] - slopes_minus[0.5]
        side_window = 2 * window(steps[0.25]) + np.abs(slopes_plus[0.25] - slopes_plus[0.5])
        side_window += np.abs(slopes_minus[0.25] - slopes_minus[0.5])
        kink = np.abs(right - left) > 2 * side_window
        low, high = np.minimum(right, left), np.maximum(right, left)
        inside = (g >= low - side_window) & (g <= high + side_window)
        # Richardson at h = 2ε, ε and ε/2; each adjacent pair's difference, plus the
        # round-off of its smaller step, is the error bar of the finer one
        richardson = [
            (4 * central[1.0] - central[2.0]) / 3,
            (4 * central[0.5] - central[1.0]) / 3,
            (4 * central[0.25] - central[0.5]) / 3,
        ]
        first = np.abs(central[1.0] - g)
        agrees = np.zeros(chosen.size, dtype=bool)
        decided = np.zeros(chosen.size, dtype=bool)
        for level, smaller in ((1, 0.5), (2, 0.25)):
            value = richardson[level]
            bar = np.abs(value - richardson[level - 1]) + 2 * window(steps[smaller])
            # a bar half as wide as the first disagreement or wider cannot show that the
            # first ε was at fault
            here = (np.abs(value - g) <= bar) & (2 * bar < first)
            decided |= here & (bar < 0.5 * np.abs(g))
            agrees |= here
        fine = richardson[1]
        jump = np.zeros(chosen.size, dtype=bool)
        floor = jump_floor(u, loss, sigma) + 10 * measured
        for slopes in (slopes_plus, slopes_minus):
            least, middle, large = (np.abs(slopes[f] * steps[f]) for f in (0.25, 1.0, 4.0))
            jump |= (least > floor) & (least >= JUMP_SHARE * np.maximum(middle, large))
        # each look: its central difference, step and one-sided slopes
        looks = [(central[0.25], steps[0.25], slopes_plus[0.25], slopes_minus[0.25])]
        if small is not None:
            jump &= ~jump_refuted(small, more[0.25], floor)
            for factor in sorted(small, reverse=True):  # the small steps, then finer ones
                change_plus, change_minus, step_plus, step_minus = small[factor]
                looks.append(((change_plus - change_minus) / (step_plus + step_minus),
                               (step_plus + step_minus) / 2, change_plus / step_plus,
                               -change_minus / step_minus))  # fmt: skip
        # not smooth: the smallest step that resolves the disagreement decides (module doc)
        resolved = np.zeros(chosen.size, dtype=bool)
        settles = np.zeros(chosen.size, dtype=bool)
        settled_window = np.full(chosen.size, np.inf)
        widest = small_window(steps[1.0])  # the first ε's own round-off
        widest_own = small_window(steps[1.0], own)
        seen = []  # (c, window, decisive, refutes) of each look, the largest step first
        holds = np.zeros(chosen.size, dtype=bool)
        # a refutation backed by every smaller step that could refute: below a kink the
        # steps are all clean and hold a correct gradient; a float32 part's staircase
        # scatters them, and one that lands on a bug by chance is no kink (review14p C4)
        backed = np.ones(chosen.size, dtype=bool)
        larger_split = np.full(chosen.size, np.inf)  # the next larger look's sides' split
        larger_step = np.full(chosen.size, np.nan)
        # each look's sides split as a smooth loss's do (∝ step, against the next smaller
        # look's): then a side that holds g is curvature, not a kink bent the other
        smooth_split = [split_like_curvature(looks[k], looks[k + 1], small_window)
                        for k in range(len(looks) - 1)]  # fmt: skip
        smooth_split.append(np.zeros(chosen.size, dtype=bool))  # (the smallest: none below)
        for (value, step, right_side, left_side), curved in zip(looks, smooth_split, strict=True):
            here, here_own = small_window(step), small_window(step, own)
            off = np.abs(value - g)
            # the first disagreement survives at this step unless |c − g| + both steps'
            # round-off stays below it: then the gradient under check agrees here and was
            # not off by what ε showed (a kink passed); |c − g| beyond the round-off, with
            # a window that could have refuted it, confirms the disagreement
            usable = np.isfinite(value) & (here + widest < first)
            can = np.isfinite(value) & (here_own + widest_own < first)
            refutes = can & (off <= here_own) & (off + here_own + widest_own < first)
            # and a step below the kink is clean: its one-sided slopes split by no more than
            # their round-off and the curvature the next larger look's split allows (a
            # float32 staircase splits them by its jumps, review14p C4)
            split = np.abs(right_side - left_side)
            allowed = 2 * here_own + np.where(
                np.isfinite(larger_split), larger_split * step / larger_step, np.inf
            )
            refutes &= ~(split > allowed)
            larger_split = np.where(np.isfinite(split), split, larger_split)
            larger_step = np.where(np.isfinite(split), step, larger_step)
            # a kink nearer than the step bends one side only, and the clean side keeps a
            # correct g: a step confirms only where both its one-sided slopes exclude g
            # (review12n C5: a float32 relu entry 4e-5 from a kink was "wrong at every ε",
            # confirmed at ε/4 by a central difference whose right side held g exactly)
            sides = sides_exclude(g, right_side, left_side, here) | curved
            confirms = usable & (off > here) & sides
            decisive = refutes | confirms
            settles = np.where(decisive, refutes, settles)
            settled_window = np.where(decisive, np.where(refutes, here_own, here), settled_window)
            resolved |= decisive
            # the smallest step that could refute holds the gradient, short of refuting:
            # it has not confirmed the disagreement, whatever a larger one (past a kink
            # the smaller did not reach) showed
            holds = np.where(can, (off <= here_own) & ~refutes, holds)
            backed = np.where(refutes, True, backed & ~(can & (off > here_own)))
            seen.append((value, np.where(refutes, here_own, here), decisive, refutes))
        # nor is a disagreement confirmed by a smaller step than one refuting it within a
        # narrower window that it does not exclude (converged.overruled, review11n C2)
        resolved &= ~((holds | overruled(seen)) & ~settles)
        examined = np.zeros(chosen.size, dtype=bool)
        if not smooth and small is not None:
            examined = np.isfinite(small[SMALL_STEPS[0]][0])
    codes = np.full(chosen.size, EVERY_EPSILON, dtype=np.int8)
    codes[(agree > 0) & ~agrees] = MOST_EPSILON
    codes[agrees & decided] = SOME_EPSILON
    codes[agrees & ~decided] = UNDECIDED
    codes[kink & inside] = KINK
    codes[kink & ~inside] = KINK_OUTSIDE
    if not smooth:  # only entries called wrong, after their small steps
        wrong = examined & np.isin(codes, WRONG)
        settled = wrong & resolved & settles
        decides = settled_window < 0.5 * np.abs(g)
        codes[settled] = np.where(decides[settled] & backed[settled], KINK, UNDECIDED)
        codes[wrong & ~resolved] = UNDECIDED  # a kink nearer than ε/4, or wrong
        if small is not None:  # a kink passed between the short sweep's steps (review9i C1)
            kinked = examined & (codes == KINK)
            codes[kinked & outside_small_sides(small, g, small_window)] = KINK_OUTSIDE
    codes[jump] = JUMP  # a discontinuity is never explained, whatever else was found
    undefined = ~np.isfinite(fine) | ~np.isfinite(g)
    codes[undefined] = NONE  # a loss or gradient that is not a number: the report says so
    return codes


def sides_exclude(g, right, left, width) -> np.ndarray:
    """Whether ``g`` lies beyond both one-sided slopes by more than ``width`` (True where a
    side is not a number: a step the dtype rounded away shows no side)."""
    with np.errstate(invalid="ignore"):
        low, high = np.minimum(right, left), np.maximum(right, left)
        beyond = (g < low - width) | (g > high + width)
    return beyond | ~(np.isfinite(right) & np.isfinite(left))


def split_like_curvature(look, smaller, small_window) -> np.ndarray:
    """Whether a look's one-sided slopes split as a smooth loss's do: by step·L'' — resolved
    (beyond twice what both looks' windows allow it) and proportional to the step against
    the next smaller look's split, within those windows. A kink the step crosses on one
    side splits them by its slope change at every step that reaches it."""
    (_, step, right, left), (_, step_next, right_next, left_next) = look, smaller
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        ratio = step / step_next
        slack = 2 * small_window(step) + 2 * ratio * small_window(step_next)
        split = right - left
        consistent = np.abs(split - ratio * (right_next - left_next)) <= slack
        resolved = np.abs(split) > 2 * slack
    return consistent & resolved


def jump_floor(u: float, loss: float, sigma: float) -> float:
    """A one-sided ΔL at or below this is round-off or noise, not a jump."""
    return 10 * u * max(1.0, abs(loss)) + NOISE_WIDTH * sigma


def needs_small_steps(codes: np.ndarray, smooth: bool) -> np.ndarray:
    """Positions (in the chosen entries) to look at with ``SMALL_STEPS`` before a verdict:
    suspected jumps, and, in a model that is not smooth, every entry called wrong or
    explained by a kink (``outside_small_sides``)."""
    wrong = np.isin(codes, (*WRONG, KINK))
    return np.flatnonzero((codes == JUMP) | (wrong & (not smooth)))


def outside_small_sides(small, g: np.ndarray, small_window) -> np.ndarray:
    """Whether ``g`` lies outside the one-sided slopes at the two smallest of ``SMALL_STEPS``
    by more than those steps' window and each side's change between them. A kink a
    weight of 1e4 jumps at its step ε·|w| ≈ 0.09 (1e-3 away) made the short sweep's sides
    swing so much that any gradient lay "between" them; below the kink's distance the
    sides are clean, and a gradient beyond both is not a subgradient of anything there
    (at a kink *at* w the two sides stay apart at every step and keep a valid one inside)."""
    smaller, smallest = SMALL_STEPS[-2], SMALL_STEPS[-1]
    sides = []
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for factor in (smaller, smallest):
            change_plus, change_minus, step_plus, step_minus = small[factor]
            sides.append((change_plus / step_plus, -change_minus / step_minus,
                          (step_plus + step_minus) / 2))  # fmt: skip
        (right_wide, left_wide, _), (right, left, step) = sides
        swing = np.abs(right - right_wide) + np.abs(left - left_wide)
        width = small_window(step) + swing
        low, high = np.minimum(right, left), np.maximum(right, left)
        outside = (g < low - width) | (g > high + width)
    usable = np.isfinite(width) & np.isfinite(low) & np.isfinite(high) & (step > 0)
    return usable & outside


def jump_refuted(
    small: dict[float, tuple[np.ndarray, ...]],
    quarter: tuple[np.ndarray, np.ndarray],
    floor: float,
) -> np.ndarray:
    """Whether a suspected jump was a kink: at some step of ``SMALL_STEPS`` (``small``: ΔL+,
    ΔL− and the steps the dtype made; a step of 0 was rounded away and shows nothing) a
    side's change fell below half of what it was at ε/4 (``quarter``) or into the floor: a
    jump's change does not shrink with the step, whatever the step. Entries without small
    steps (NaN) are not refuted."""
    refuted = []
    for side in (0, 1):
        start = np.abs(quarter[side])
        kept = start > floor
        evaluated = np.ones(start.shape, dtype=bool)
        for factor in sorted(small, reverse=True):  # finer steps (NaN: not taken) may
            change, step = np.abs(small[factor][side]), np.abs(small[factor][2 + side])
            if factor in SMALL_STEPS:  # refute too, but only the small steps must be there
                evaluated &= np.isfinite(change)
            with np.errstate(invalid="ignore"):
                shrinks = (change <= floor) | (change < JUMP_SHARE * start)
            kept &= (step == 0) | ~shrinks
        refuted.append(evaluated & ~kept)
    return refuted[0] & refuted[1]
