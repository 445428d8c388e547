"""What measured rows' shape says beyond their central differences: whether the loss's
even part L+ + L− − 2L follows the law of small ε (a kink between w and the smallest ε
does not), how large a kink it leaves room for, and whether the loss's change L+ − L−
still grows with ε (rows beyond the loss's scale do not). ``run_law.law_shown`` reads
them before trusting a Richardson reference over the rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from fdgui.core.sweep.references import FLOAT64_ROUNDOFF

GROWTH = 2.0 / 3.0  # L+ − L− must grow at least like ε^GROWTH across a run (see beyond_scale)
CURVATURE_TOLERANCE = 0.25  # each pair's slope of the even part may be off by a quarter


@dataclass(frozen=True)
class EvenPart:
    """The even part s = L+ + L− − 2L over rows sorted by ε.

    ``slopes``/``radius``: each consecutive pair's (s₂ − s₁)/(ε₂² − ε₁²) — L'' plus an ε²
    term in the h² regime — and its round-off radius. ``kink``: how far a kink between w
    and the smallest ε that the rows leave room for could move the derivative from their
    central differences: the least half one-sided difference |F − B|/2 = |s|/(2ε) with its
    ± over the rows (a smooth part's L''·ε/2 that cancels a kink's jump at every row is
    not excluded).
    """

    slopes: np.ndarray
    radius: np.ndarray
    kink: float
    # each row's own s/ε² (L'' plus an ε² term) and its ± (the loss at w does not cancel)
    rows: np.ndarray | None = None
    rows_radius: np.ndarray | None = None
    # the loss at w printed with far fewer digits than L+ and L− (``measured``)
    coarse_centre: bool = False
    # each row's ε, s and the ± of s (``resolving_room`` reads the room from them)
    steps: np.ndarray | None = None
    sums: np.ndarray | None = None
    spread: np.ndarray | None = None


def even_part(rows: list, sides: np.ndarray, centre: np.ndarray) -> EvenPart | None:
    """The rows' (sorted by ε) :class:`EvenPart`, exact from the typed decimals. A pair's
    radius is twice (as for the central estimates' bars) its L± uncertainties (``sides``,
    per row) and its L's (``centre``, per row) — a loss at w typed the same in both rows is
    the same number, off by the same amount, so it cancels. None when a row has no loss
    at w or fewer than three rows are given."""
    if len(rows) < 3 or any(row.loss is None for row in rows):
        return None
    sums = [row.loss_plus + row.loss_minus - 2 * row.loss for row in rows]
    steps: list[Decimal] = [row.epsilon for row in rows]
    pairs = range(len(rows) - 1)
    same = np.array([rows[i].loss == rows[i + 1].loss for i in pairs], dtype=bool)
    with np.errstate(all="ignore"):
        spread = 2.0 * (sides[:-1] + sides[1:] + np.where(same, 0.0, centre[:-1] + centre[1:]))
    squares = [step * step for step in steps]
    slopes = np.array(
        [float((sums[i + 1] - sums[i]) / (squares[i + 1] - squares[i])) for i in pairs]
    )
    apart = np.array([float(squares[i + 1] - squares[i]) for i in pairs])
    with np.errstate(all="ignore"):
        radius = spread / apart + 4.0 * FLOAT64_ROUNDOFF * np.abs(slopes)
    squares_float = np.array([float(square) for square in squares])
    with np.errstate(all="ignore"):
        own = np.array([float(v / q) for v, q in zip(sums, squares, strict=True)])
        own_radius = 2.0 * (sides + centre) / squares_float + 4.0 * FLOAT64_ROUNDOFF * np.abs(own)
    found = EvenPart(
        slopes,
        radius,
        float("inf"),
        own,
        own_radius,
        steps=np.array([float(step) for step in steps]),
        sums=np.array([float(v) for v in sums]),
        spread=np.asarray(sides + centre, dtype=float),
    )
    # until the central differences are known (``resolving_room``): the smallest row's
    return replace(found, kink=_row_room(found, 0, _curvature_range(found)))


# a row resolves the derivative when its round-off is within this many times the least
# error any row of the run has (round-off plus its distance from the limit): see
# resolving_room
RESOLVING = 1000.0


def resolving_room(
    even: EvenPart | None, estimates, noise, value: float, own=None
) -> EvenPart | None:
    """``even`` with its room for a kink between w and the smallest ε read at the smallest
    rows that resolve the derivative (central differences ``estimates`` ± ``noise`` of the
    same rows, ascending ε; ``value`` their limit): past a kink at d < ε on one side,
    F − B = s/ε = 2J·(1 − d/ε) (plus the smooth part's L''·ε), so each row's |F − B|/2 and
    its ± bound the jump J — if the kink's branch is straight over that row's ε. A branch
    that bends or levels off between the rows (relu → log1p, atan, tanh) leaves larger rows
    a bounded step whose |F − B| falls like 1/ε: the least bound over every row missed its
    jump by up to 31 bars (review10g F2). Rows far below the run's best ε, deep in
    round-off, bound nothing the better rows do not, and the smallest of them alone gave
    float64 rows down to 1e-12 a room of 4e-4 (table15). So the room is the least bound over
    the rows up to the first whose round-off is within RESOLVING times the least error of
    any row (its ± plus its distance from ``value``): it assumes the branch straight over
    that row's ε — no feature of the loss narrower than the smallest ε that resolves the
    derivative (``first_resolving``, by the rows' ``own`` ±: without the round-off their
    scatter showed, where given)."""
    if even is None or even.steps is None:
        return even
    d, n = np.asarray(estimates, dtype=float), np.asarray(noise, dtype=float)
    if d.size != even.steps.size:
        return even
    mine = n if own is None else np.asarray(own, dtype=float)
    last = first_resolving(d, mine, value)
    if last is None:  # no row resolves a tenth of it: the first to resolve a quarter
        last = first_resolving(d, mine, value, QUARTER)
    if last is None:  # ... or none (a derivative near 0)
        last = _first_near(d, mine, value)
    ends = _curvature_range(even)
    rooms = [_row_room(even, i, ends) for i in range(last + 1)]
    return replace(even, kink=min(rooms))


# a row resolves the derivative when its own ± (its format's and digits', not the round-off
# its scatter showed) is within this share of it: rows beyond it cannot bound a kink's jump
# of the derivative's size either. Read at the first such row, a room assumes the branch
# straight over that ε; a kink whose branch bends between the rows (log1p, atan of scale
# 1.2–18 × the smallest ε, test_table_bent_branch) needs it at the rows below the bend
RESOLVED_SHARE = 0.1
QUARTER = 0.25  # where no row resolves a tenth (float16 rows): as a reference judges


def first_resolving(
    d: np.ndarray, n: np.ndarray, value: float, share: float = RESOLVED_SHARE
) -> int | None:
    """The first row (sorted by ε; central differences ``d`` ± ``n``, ``value`` their
    limit) that resolves the derivative: its ± within RESOLVING times the least error of
    any row (its ± plus its distance from ``value``) and within ``share`` of ``value``.
    Float32 rows at one ulp of L (± 0.2 on a derivative of 0.06) and float16 rows at one
    ulp of w (± 1.4 on 4) lie within 1,000 times the best and resolve nothing of it: read
    as resolving, they made measuring more small ε widen the bar (review10k HIGH-1). None
    when no row does."""
    with np.errstate(all="ignore"):
        best = float(np.nanmin(n + np.abs(d - value)))
        resolving = np.flatnonzero((n <= RESOLVING * best) & (n <= share * abs(value)))
    return int(resolving[0]) if resolving.size else None


def _first_near(d: np.ndarray, n: np.ndarray, value: float) -> int:
    """The first row whose ± is within RESOLVING times the least error of any row (the
    largest when none is)."""
    with np.errstate(all="ignore"):
        best = float(np.nanmin(n + np.abs(d - value)))
        near = np.flatnonzero(n <= RESOLVING * best)
    return int(near[0]) if near.size else d.size - 1


def _curvature_range(even: EvenPart) -> tuple[float, float] | None:
    """The L'' the even part allows: each pair's slope ± its radius and CURVATURE_TOLERANCE
    of itself. None without pairs."""
    slopes, radius = even.slopes, even.radius
    if not slopes.size:
        return None
    slack = radius + CURVATURE_TOLERANCE * np.abs(slopes)
    return float(np.min(slopes - slack)), float(np.max(slopes + slack))


def _row_room(even: EvenPart, i: int, ends: tuple[float, float] | None) -> float:
    """How far a kink between w and row ``i``'s ε, its branch straight over it, may move the
    derivative from the central differences: half the row's |F − B| = |s|/ε and its ±, less
    the smooth part's L''·ε for the L'' in ``ends`` (``_curvature_range``) that leaves the
    most — or none taken off, when that is less."""
    h, s, spread = float(even.steps[i]), float(even.sums[i]), float(even.spread[i])
    with np.errstate(all="ignore"):
        bare = abs(s) / (2.0 * h) + spread / h
        if ends is None:
            return bare if np.isfinite(bare) else float("inf")
        less = max(abs(s - m * h * h) for m in ends) / (2.0 * h) + spread / h
    found = min(bare, less) if np.isfinite(less) else bare
    return found if np.isfinite(found) else float("inf")


def curvature_breaks(even: EvenPart | None) -> bool:
    """Whether the rows' even part breaks its law of small ε beyond its round-off: each
    consecutive pair's slope of s against ε² estimates L'' (plus an ε² term), and with its
    radius and a quarter of itself must overlap every other pair's. A piecewise-linear loss
    whose kink lies between w and the smallest ε has central differences S + J·d/ε — flat
    to their digits, the two slopes' average — while its s grows like 2J·ε, so those slopes
    fall like 1/ε. Each row's own s/ε² must agree the same way (a kink between the rows:
    s = 0 exactly on one linear piece, then growing). Unknown (no loss at w) is not
    broken."""
    if even is None:
        return False
    broken = apart(even.slopes, even.radius) or (
        even.rows is not None and apart(even.rows, even.rows_radius)
    )
    return broken and not _next_order_holds(even)


def shows_no_kink(even: EvenPart | None) -> bool:
    """Whether the loss at w shows no kink over the rows of ``even``: their even part
    s = L+ + L− − 2L has s/ε² (each row's, and each consecutive pair's slope against ε²)
    agreeing within its ± and a quarter of itself, as a loss smooth about w has it in the
    h² regime (L'' plus a small ε² term). Past a kink between w and the smallest ε, s
    carries J·(ε − |d|) (a bent branch's J·a·q(ε/a)), and s/ε² falls like 1/ε (1/ε²)
    beyond the round-off. Stricter than ``curvature_breaks``: the next-order law
    m·ε² + n·ε⁴ it forgives fits three rows of a tanh-bent kink's s (review10g F2) with
    a huge m and n of opposite signs. Then L shows nothing the rows without it could not
    (review12t H1: ``side_slopes.sides_refute``)."""
    if even is None:
        return False
    return not (
        apart(even.slopes, even.radius)
        or (even.rows is not None and apart(even.rows, even.rows_radius))
    )


def _next_order_holds(even: EvenPart) -> bool:
    """Whether the even part's law to the next order, s = m·ε² + n·ε⁴, passes every row's s
    within its ± (weighted least squares, in units of the largest ε): a smooth loss whose
    L'' is small beside its ε² term (a minimum of 0.5x² + cos x, where L'' = 0 and s =
    ε⁴/12 − ε⁶/360) has pair slopes that grow with ε², which the slopes' overlap reads as a
    kink (review10h min_real). Past a kink s carries 2J·ε, which m·ε² + n·ε⁴ does not
    follow over rows a factor 1.5 apart to better than 4 % of s. With a row to spare; the
    ε⁶ term joins from four rows."""
    if even.steps is None or even.sums is None or even.spread is None or even.steps.size < 3:
        return False
    x = even.steps / float(np.max(even.steps))
    with np.errstate(all="ignore"):
        bar = 2.0 * even.spread + 4.0 * FLOAT64_ROUNDOFF * np.abs(even.sums)
        scale = 1.0 / bar
    if not np.all(np.isfinite(scale)):
        return False
    for powers in EVEN_LAWS:
        if x.size <= len(powers):
            break
        design = np.stack([x**p for p in powers], axis=-1)
        with np.errstate(all="ignore"):
            fit, *_ = np.linalg.lstsq(design * scale[:, None], even.sums * scale, rcond=None)
            off = np.abs(design @ fit - even.sums)
        if np.all(np.isfinite(off)) and np.all(off <= bar):
            return True
    return False


EVEN_LAWS = ((2, 4), (2, 4, 6))  # the even part's law to the next orders, a row to spare


def apart(values: np.ndarray, radius: np.ndarray) -> bool:
    """Whether some two of ``values`` (each ± ``radius`` and a quarter of itself) do not
    overlap."""
    low = values - radius - CURVATURE_TOLERANCE * np.abs(values)
    high = values + radius + CURVATURE_TOLERANCE * np.abs(values)
    if values.size < 2 or not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
        return False
    return bool(np.max(low) > np.min(high))


def beyond_scale(h: np.ndarray, d: np.ndarray, n: np.ndarray) -> bool:
    """Whether the run's loss changes L+ − L− = 2ε·D stop growing with ε (rows sorted by
    ε, central differences ``d`` with their ± ``n``): rows beyond the loss's scale, where
    the loss has saturated (tanh, atan far from w) or decayed (a bump), so D falls like 1/ε
    or faster. In the h² regime L+ − L− grows like ε (times 1 + c·ε²/g, which a run the law
    holds over does not turn round). Read between the smallest and the largest row, each
    moved within its ± towards growth: growth slower than ε^⅔ is beyond the scale (a run
    the h² law holds over grows slower only with a truncation over a quarter of the value
    at its largest row). A smallest row not resolved from 0, or a sign change beyond the
    ±, is no such decay."""
    near, far = abs(float(d[0])) - float(n[0]), abs(float(d[-1])) + float(n[-1])
    ratio = float(h[-1] / h[0])
    if not (near > 0.0 and ratio > 1.0 and np.isfinite(far)):
        return False
    if float(d[0]) * float(d[-1]) < 0.0 and abs(float(d[-1])) > float(n[-1]):
        return False
    if far <= 0.0:
        return True
    growth = np.log(far * float(h[-1]) / (near * float(h[0]))) / np.log(ratio)
    return bool(growth < GROWTH)


LINE_ROWS = 256  # the straight-line test below is O(rows²): longer runs are not read by it


def on_one_line(h: np.ndarray, d: np.ndarray, n: np.ndarray) -> bool:
    """Whether one law D = V + c·ε² passes every row of the run within its ± (sorted by ε),
    widened by an eighth of the h² term there (the h⁴… terms a run of the law may carry;
    c the median of the consecutive pairs'). The pairs' overlap test checks consecutive
    pairs only, each within its round-off: rows falling like 1/ε (S + J·d/ε past a kink)
    pass it where the smaller pairs are noisy. True (not read) for runs longer than
    LINE_ROWS."""
    if h.size > LINE_ROWS or h.size < 3:
        return True
    x = h.astype(float) ** 2
    with np.errstate(all="ignore"):
        slopes = np.diff(d) / np.diff(x)
        slope = float(np.median(np.abs(slopes[np.isfinite(slopes)]))) if slopes.size else 0.0
    return _line_through(x, d, n + slope * x / 8.0)


def _line_through(x: np.ndarray, d: np.ndarray, slack: np.ndarray) -> bool:
    """Whether a straight line in ``x`` passes every d ± slack: it exists iff every two
    segments allow a common slope (for all j, k: lo_j − hi_k ≤ c·(x_j − x_k))."""
    with np.errstate(all="ignore"):
        low, high = d - slack, d + slack
        gap = x[:, None] - x[None, :]
        need = low[:, None] - high[None, :]
        above, below = gap > 0, gap < 0
        lowest = np.max(np.where(above, need / np.where(above, gap, 1.0), -np.inf))
        highest = np.min(np.where(below, need / np.where(below, gap, 1.0), np.inf))
    if not (np.isfinite(lowest) or np.isfinite(highest)):
        return True
    return bool(lowest <= highest)
