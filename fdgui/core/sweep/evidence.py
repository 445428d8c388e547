"""Readings of a sweep the diagnosis builds on: the slope of the V's truncation side and a
kink seen in the one-sided differences (for models that cannot say where their kinks are)."""

from __future__ import annotations

import numpy as np

from fdgui.core.sweep.engine import SweepResult


def _slope(result: SweepResult, usable: np.ndarray) -> float | None:
    """Log-log slope of the central error between 3× and 300× the best ε (truncation side)."""
    curve = result.central
    if curve.best_index is None:
        return None
    best = result.epsilons[curve.best_index]
    with np.errstate(all="ignore"):
        mask = (
            usable
            & (result.epsilons > 3 * best)
            & (result.epsilons < 300 * best)
            & np.isfinite(curve.errors)
            & (curve.errors > 0)
        )
    if mask.sum() < 4:
        return None
    x, y = np.log10(result.epsilons[mask]), np.log10(curve.errors[mask])
    return float(np.polyfit(x, y, 1)[0])


def _readable_jump(
    result: SweepResult, usable: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|forward − backward| per ε, what round-off can make of it, and where it is readable
    (30 × that and more)."""
    forward, backward = result.forward.estimates, result.backward.estimates
    slope = 0.0 if result.reference is None else abs(result.reference.value)
    floor = result.roundoff_floor
    if result.kind != "measured":  # rows carry their own ±
        from fdgui.core.sweep.flat import loss_resolution

        # a quantised loss moves by whole steps: each one-sided quotient is off by up to
        # a step over ε, not u·|L|/ε (a kink at w under a 1e-12 quantum read as none)
        with np.errstate(all="ignore"):
            floor = np.maximum(floor, loss_resolution(result) / result.epsilons)
    with np.errstate(all="ignore"):
        jump = np.abs(forward - backward)
        # round-off in the losses plus the rounding of w ± ε to the dtype (the steps taken
        # differ from ε by up to a gap at w, which shifts each one-sided quotient)
        noise = 4.0 * floor + 2.0 * slope * (
            (result.spacing or 0.0) / result.epsilons + result.unit_roundoff
        )
        readable = usable & np.isfinite(jump) & (jump > 0) & (jump > 30.0 * noise)
    return jump, noise, readable


def one_sided_slopes(
    result: SweepResult, usable: np.ndarray, cut: bool = False
) -> tuple[tuple[float, float], float] | None:
    """At a kink at w (``_kink`` says "at"): the slopes on the left and on the right, read
    from the backward and forward differences over the decade of ε where their jump is
    readable that reads them best, and how far they may be off there (their spread over the
    decade plus the round-off at its smallest ε). The smallest readable ε carry the most
    round-off (u·|L|/ε); larger ones the most truncation (|L''|·ε/2, which the spread
    shows): the decade with the least of the two together wins (1e-12·|t| read at ε ~ 1e-15
    let a gradient of twice its slope pass). None when fewer than two such ε. ``cut``: a
    decade cut short by the range's top has its spread scaled to a decade's
    (``_decade_error``) — for the bar a verdict reads the slopes with, not for the tests
    that weigh a kink against the differences below (``_midpoint_holds``: that wider bar
    made a quantised smooth loss a kink at w, fx17x's revert)."""
    _jump, noise, readable = _readable_jump(result, usable)
    where = np.flatnonzero(
        readable & np.isfinite(result.forward.estimates) & np.isfinite(result.backward.estimates)
    )
    if where.size < 2:
        return None
    epsilons = result.epsilons
    best: tuple[float, np.ndarray] | None = None
    for start in where:
        decade = where[(epsilons[where] >= epsilons[start])]
        decade = decade[epsilons[decade] <= 10.0 * epsilons[start]]
        if decade.size < 2:
            continue
        error = _decade_error(result, decade, noise, cut)
        if best is not None and np.isfinite(best[0]) and _moved(result, best, decade, error):
            break  # past another kink (a sawtooth's next tooth): the slopes at w lie below
        if best is None or error < best[0]:
            best = (error, decade)
    if best is None:
        best = (np.inf, where[:2])
    error, decade = best
    if not np.isfinite(error):
        error = _decade_error(result, decade, noise, cut)
    right = result.forward.estimates[decade]
    left = result.backward.estimates[decade]
    cleaned = _slopes_without_curvature(result, usable)
    if cleaned is not None and cleaned[1] < error:
        return cleaned  # the curvature's term dominated the differences where readable
    return (float(np.median(left)), float(np.median(right))), error


def _decade_error(
    result: SweepResult, decade: np.ndarray, noise: np.ndarray, cut: bool = False
) -> float:
    """How far the slopes read over ``decade`` may be off: a side's truncation ε·L''/2
    changes ninefold over a decade, so the spread bounds it; over a shorter span ρ (the
    range's top cuts the last decades short) the spread is (ρ − 1)·ε·L''/2 only, and with
    ``cut`` it is scaled up by 9/(ρ − 1) — read over ε = 0.68 … 1, a relu beside a
    float16 part gave slopes 1.97 and 2.42 ± 0.04 where they are 1.82 and 2.82 (review16x
    M1)."""
    right = result.forward.estimates[decade]
    left = result.backward.estimates[decade]
    spread = float(max(np.ptp(right), np.ptp(left)))
    ratio = float(result.epsilons[decade[-1]] / result.epsilons[decade[0]])
    if cut and ratio < 10.0:
        spread *= 9.0 / max(ratio - 1.0, 1e-300)
    return float(spread + np.max(noise[decade]))


def _moved(
    result: SweepResult, best: tuple[float, np.ndarray], decade: np.ndarray, error: float
) -> bool:
    """Whether the slopes read over ``decade`` differ from the best read at smaller ε by
    more than the two readings' errors together: the loss bends again farther out (review9g
    #3: x + 1e-9·|sin(1e6·x)| read at ε ≈ 0.1 showed slopes 1 and 1 where they are 0.999
    and 1.001)."""
    previous_error, previous = best
    shifts = (
        abs(
            np.median(result.forward.estimates[decade])
            - np.median(result.forward.estimates[previous])
        ),
        abs(
            np.median(result.backward.estimates[decade])
            - np.median(result.backward.estimates[previous])
        ),
    )
    return bool(max(shifts) > previous_error + error)


def _stays(result: SweepResult, readable: np.ndarray, start: int, offset: int) -> bool:
    """Whether the jump from grid point ``start`` on is a kink's slope change: readable for
    ``offset`` points (a decade), ending no smaller than half of where it started, and well
    above what the loss's curvature makes of it (|L''|·ε) all along. A staircase's (a
    quantised loss) is readable at some ε, lost at the next and falls like 1/ε; a smooth
    loss's grows like |L''|·ε."""
    end = start + offset
    if end >= result.epsilons.size or not readable[start : end + 1].all():
        return False
    jump = np.abs(result.forward.estimates - result.backward.estimates)[start : end + 1]
    curvature = abs(result.curvature or 0.0) * result.epsilons[start : end + 1]
    return bool(jump[-1] >= 0.5 * jump[0] and np.all(jump > 3.0 * curvature))


def kink_stays(result: SweepResult, usable: np.ndarray, epsilon: float) -> bool:
    """Whether the one-sided differences' jump, from about ``epsilon`` up, is a kink's
    (``_stays`` from some grid point within a decade of it)."""
    epsilons = result.epsilons
    _jump, _noise, readable = _readable_jump(result, usable)
    per_decade = (epsilons.size - 1) / max(np.log10(epsilons[-1] / epsilons[0]), 1e-9)
    offset = max(1, round(per_decade))
    start = int(np.searchsorted(epsilons, epsilon))
    return any(
        _stays(result, readable, index, offset)
        for index in range(start, min(start + offset, epsilons.size))
    )


HALVING = 2.0  # the curvature's term is taken out between ε and about ε / HALVING
FLAT_SHARE = 0.25  # a kink's jump, over a decade of ε, within this share of its size


def _halving_back(epsilons: np.ndarray) -> int:
    """How many grid points below each ε its partner about ε / HALVING lies (0: none)."""
    with np.errstate(all="ignore"):
        per_step = np.log(epsilons[-1] / epsilons[0]) / max(epsilons.size - 1, 1)
    return round(np.log(HALVING) / per_step) if per_step > 0 else 0


def _without_curvature(
    epsilons: np.ndarray, values: np.ndarray, noise: np.ndarray, back: int
) -> tuple[np.ndarray, np.ndarray]:
    """(r·v(ε/r) − v(ε))/(r − 1) at each ε from grid point ``back`` on (r the two ε's
    ratio): a term linear in ε (the curvature's L''·ε/2 in a one-sided difference, L''·ε in
    f − b) taken out, O(ε²) and the constant left; and its round-off, the two points'
    noise amplified as the combination does."""
    with np.errstate(all="ignore"):
        ratio = epsilons[back:] / epsilons[:-back]
        combined = (ratio * values[:-back] - values[back:]) / (ratio - 1.0)
        combined_noise = (ratio * noise[:-back] + noise[back:]) / (ratio - 1.0)
    return combined, combined_noise


def _flat_decade_without_curvature(
    result: SweepResult, usable: np.ndarray, offset: int, least: float
) -> tuple[int, int] | None:
    """(grid point, back) where the smallest decade (``offset`` grid points) over which the
    one-sided differences' jump, with the curvature's term taken out, stays flat starts:
    a kink at w whose curvature term L''·ε dominates the jump wherever it is readable
    (1e2·x² + |x| in float16, readable only from ε ≈ 6e-3 where 200·ε is already as large
    as the jump 2), else None.

    s(ε) = f − b = J + L''·ε + O(ε³) at a kink at w with jump J, so the combination of
    ``_without_curvature`` is J + O(ε³): at least ``least``, readable (30 × its round-off),
    of one sign and within FLAT_SHARE of itself over a decade. On a smooth stretch it is
    O(ε³): it grows thousandfold a decade."""
    epsilons = result.epsilons
    back = _halving_back(epsilons)
    if back < 1 or epsilons.size <= back + offset:
        return None
    _jump, noise, _readable = _readable_jump(result, usable)
    spread = result.forward.estimates - result.backward.estimates
    level, level_noise = _without_curvature(epsilons, spread, noise, back)
    with np.errstate(all="ignore"):
        readable = (
            usable[back:]
            & usable[:-back]
            & np.isfinite(level)
            & (np.abs(level) > 30.0 * level_noise)
            & (np.abs(level) > least)
        )
    for start in np.flatnonzero(readable):
        window = slice(start, start + offset + 1)
        values = level[window]
        if values.size <= offset or not readable[window].all():
            continue
        if np.all(values * values[0] > 0) and np.ptp(values) <= FLAT_SHARE * np.min(np.abs(values)):
            return int(start + back), back
        return None  # the smallest readable decade decides: above it the loss may bend
    return None


def _slopes_without_curvature(
    result: SweepResult, usable: np.ndarray
) -> tuple[tuple[float, float], float] | None:
    """The one-sided slopes with the curvature's term taken out (``_without_curvature``)
    over the decade where the jump so read is flat (``_flat_decade_without_curvature``),
    and how far they may be off: their spread there plus the round-off."""
    epsilons = result.epsilons
    offset = _per_decade(epsilons)
    found = _flat_decade_without_curvature(result, usable, offset, 0.0)
    if found is None:
        return None
    start, back = found
    _jump, noise, _readable = _readable_jump(result, usable)
    right, right_noise = _without_curvature(epsilons, result.forward.estimates, noise, back)
    left, _ = _without_curvature(epsilons, result.backward.estimates, noise, back)
    window = slice(start - back, start - back + offset + 1)
    right, left = right[window], left[window]
    error = float(max(np.ptp(right), np.ptp(left)) + np.max(right_noise[window]))
    return (float(np.median(left)), float(np.median(right))), error


def _per_decade(epsilons: np.ndarray) -> int:
    """Grid points per decade of ε (at least 1)."""
    per_decade = (epsilons.size - 1) / max(np.log10(epsilons[-1] / epsilons[0]), 1e-9)
    return max(1, round(per_decade))


def _kink(result: SweepResult, usable: np.ndarray) -> tuple[str | None, float | None]:
    """('at', ε) for a kink at w (ε: the smallest ε where the jump is readable), ('crossed', ε)
    for a slope break at ε, else (None, None).

    Forward − backward = ε·L'' for a smooth loss: it falls tenfold per decade of ε. At a kink
    at w it is a constant jump that does not fall however small ε gets; at a kink a distance
    d away it follows ε·L'' below d and leaps up once ε reaches d. Only differences well above
    round-off (30 × (4u|L|/ε + the rounding of w ± ε)) are read.
    """
    epsilons = result.epsilons
    jump, noise, readable = _readable_jump(result, usable)
    if epsilons.size < 4 or readable.sum() < 2:
        return None, None
    per_decade = (epsilons.size - 1) / max(np.log10(epsilons[-1] / epsilons[0]), 1e-9)
    offset = max(1, round(per_decade))
    # (ε at the upper end, local slope per decade), from every grid point a decade below;
    # where the jump is unreadable it is at most 30 × its noise: a jump that leaps from
    # there (exactly 0 below a kink 1e-9 beside w: f = b) to a readable one rises at least
    # this steeply; a kink's then stays readable and does not fall over the next decade
    # (a staircase's, a quantised loss's, comes and goes and falls like 1/ε). As arrays: a
    # loop of tuples over 100,000 measured rows held the interpreter the window needs
    bound = np.where(readable, jump, 30.0 * noise)
    lower = np.arange(0, max(epsilons.size - offset, 0))
    upper = lower + offset
    with np.errstate(all="ignore"):
        taken = readable[upper] & np.isfinite(bound[lower]) & (bound[lower] > 0)
        every = np.log10(jump[upper] / bound[lower]) / np.log10(epsilons[upper] / epsilons[lower])
    from_readable = taken & readable[lower]
    slopes = np.column_stack((epsilons[upper[from_readable]], every[from_readable]))
    leaps = np.array(
        [
            (epsilons[upper[k]], every[k])
            for k in np.flatnonzero(taken & ~readable[lower])
            if _stays(result, readable, int(upper[k]), offset)
        ],
        dtype=float,
    ).reshape(-1, 2)
    if not slopes.size and not leaps.size:
        return None, None
    # the derivative's own size (a loss scaled by 1e-15 has slopes of 1e-15: an absolute
    # floor of 1e-8 hid its kink at w, and any gradient passed)
    with np.errstate(all="ignore"):
        sides = np.maximum(np.abs(result.forward.estimates), np.abs(result.backward.estimates))
    typical = float(np.median(sides[readable])) if readable.any() else 0.0
    # (a floor of 1e-300 hid the kink of a loss of 1e-310: only 0 needs one)
    scale = max(abs(result.reference.value) if result.reference else 0.0, typical, 5e-324)
    smallest_readable = int(np.flatnonzero(readable)[0])
    first = slopes[: max(1, offset // 4), 1]
    # a jump that stays from its smallest readable ε up is a kink at w (or just beside it),
    # unless the central differences below that ε settle away from both slopes and their
    # midpoint: then it is the loss's own shape beyond its scale (``_midpoint_holds``)
    if (
        first.size
        and abs(np.median(first)) < 0.3
        and jump[smallest_readable] > 1e-6 * scale
        and _midpoint_holds(result, usable, float(epsilons[smallest_readable]))
    ):
        return "at", float(epsilons[smallest_readable])
    flat = _flat_decade_without_curvature(result, usable, offset, 1e-6 * scale)
    if flat is not None and _midpoint_holds(result, usable, float(epsilons[flat[0]])):
        return "at", float(epsilons[flat[0]])
    both = np.concatenate((leaps, slopes))
    both = both[np.lexsort((both[:, 1], both[:, 0]))]  # by ε, then slope: as tuples sort
    steep = np.flatnonzero(both[:, 1] > 2.5)
    steep = _kinks_among(result, readable, jump, both, steep, offset)
    if steep.size:
        top, slope = (float(value) for value in both[steep[0]])
        return "crossed", top / 10 ** (1 - 1 / slope)  # where the leap starts, roughly
    return None, None


SMOOTH_RISE = 2.0  # a jump that keeps rising this many decades per decade of ε is smooth


def _kinks_among(result, readable, jump, both, steep, offset) -> np.ndarray:
    """The steep leaps (rows of ``both``: ε, slope per decade) that level off as a kink's
    jump does (``_levels_off``). A leap too near the top of the sweep to be read so is a
    kink, unless a leap within the decade below it was read rising on: the same smooth
    power law (x⁴ at 0, all the way up to ε = 1)."""
    kept, smooth_at = [], None
    for k in steep:
        top = float(both[k, 0])
        level = _levels_off(result, readable, jump, top, offset)
        if level is None:
            level = smooth_at is None or top > 10.0 * smooth_at
        elif not level:
            smooth_at = top
        if level:
            kept.append(k)
    return np.asarray(kept, dtype=int)


def _levels_off(
    result: SweepResult, readable: np.ndarray, jump: np.ndarray, top: float, offset: int
) -> bool | None:
    """Whether a jump that leaps up by ``top`` levels off over the decade above it, as a
    kink's does: forward − backward = s·(1 − d/ε) past a kink at distance d rises about
    one decade from 1.1·d to 11·d and half a decade from 1.4·d to 14·d (under one more
    with the loss's own ε·L″ added). A smooth loss whose second derivative vanishes at w
    has forward − backward = ε³·L⁗/6 + …, rising three decades per decade and going on
    (x⁴ + c·x at 0 was "Kink inside the ε range", exit 0, for a 0.1 % bug). None where
    that decade is not all in the sweep or not readable."""
    epsilons = result.epsilons
    at = int(np.searchsorted(epsilons, top))
    above = at + offset
    if above >= epsilons.size or not (readable[at] and readable[above]):
        return None
    decades = np.log10(epsilons[above] / epsilons[at])
    return bool(np.log10(jump[above] / jump[at]) < SMOOTH_RISE * decades)


MIDPOINT_MARGIN = 2.0  # the settled central differences beyond twice both bars


def _midpoint_holds(result: SweepResult, usable: np.ndarray, epsilon: float) -> bool:
    """Whether a kink at w read from ``epsilon`` up agrees with the central differences below
    it. At a kink with slopes l and r the central difference is (l + r)/2 + O(ε²) at every
    ε (l or r for a kink closer to w than those ε), so a decade of them below ``epsilon``
    that settles (spread plus round-off) beyond twice both bars from all three shows no
    kink at or near w: the jump read higher up is the loss's own shape at ε beyond its
    scale (a quantised smooth loss whose one-sided differences, lost in its steps below
    ε ≈ 0.02, read "slopes" of −1.2 and −0.4 where its derivative is 2.82: review_final19
    CRITICAL-4)."""
    read = one_sided_slopes(result, usable)
    if read is None:
        return True
    (left, right), error = read
    # the slopes' average, or either slope (a kink 1e-14 beside w: the differences below
    # measure the side that does not cross it)
    targets = (0.5 * (left + right), left, right)
    from fdgui.core.sweep.flat import loss_resolution

    epsilons = np.asarray(result.epsilons, dtype=float)
    estimates = np.asarray(result.central.estimates, dtype=float)
    with np.errstate(all="ignore"):
        moved = usable & np.isfinite(estimates) & (result.loss_plus != result.loss_minus)
        noise = np.maximum(result.roundoff_floor, loss_resolution(result) / epsilons)
    per_decade = _per_decade(epsilons)
    for start in np.flatnonzero(moved & (epsilons * 10.0 < epsilon)):
        window = slice(start, start + per_decade + 1)
        if start + per_decade >= epsilons.size or not moved[window].all():
            continue
        values = estimates[window]
        bar = float(np.ptp(values) + np.max(noise[window]))
        median = float(np.median(values))
        if all(abs(median - target) > MIDPOINT_MARGIN * (bar + error) for target in targets):
            return False
    return True


def pole_within_range(
    result: SweepResult, gradient: float, usable: np.ndarray
) -> tuple[float, bool, bool] | None:
    """The distance over which the loss changes completely (a pole or singularity nearby),
    when even the smallest ε the dtype can form at w is not well below it; else None.

    Near a simple pole at distance d, L/L', 2L'/L'' and √(6L'/L''') are all d; the largest of
    the three (each from the exact derivatives at w) is a distance the Taylor expansion the
    finite differences rely on holds over. When every usable ε is beyond half of it, the
    steps straddle the pole (tan at the float64 π/2): no ε resolves the derivative, however
    right it is. Returns (that distance, whether the three agree as they do at a pole,
    whether only the chosen range is to blame), or None; where they disagree the loss varies
    that fast for another reason (it oscillates). The range is to blame when the dtype could
    form an ε below half the distance (its gap at w is that small) but the range stops above
    it: smaller ε would resolve the derivative, so nothing is undefined.
    """
    if not usable.any():
        return None
    read = loss_scale(result, gradient)
    if read is None:
        return None
    scale, pole = read
    smallest = float(result.epsilons[usable].min())
    if np.isfinite(scale) and smallest > scale / 2:
        gap = result.spacing
        by_range = gap is not None and np.isfinite(gap) and gap <= scale / 2
        return scale, pole, bool(by_range)
    return None


def loss_scale(result: SweepResult, gradient: float) -> tuple[float, bool] | None:
    """(the largest of |L/L′|, 2|L′/L″| and √(6|L′/L‴|) at w, whether the three agree as
    they do at a simple pole), from the exact derivatives; None without them."""
    if not np.isfinite(gradient) or gradient == 0:
        return None
    second, third = result.curvature, result.third_derivative
    if second is None or third is None:
        return None  # without the exact higher derivatives there is no scale to go by
    with np.errstate(all="ignore"):
        scales = [
            abs(result.loss / gradient) if result.loss != 0 else np.inf,
            abs(2 * gradient / second) if second else np.inf,
            float(np.sqrt(abs(6 * gradient / third))) if third else np.inf,
        ]
    finite = [float(s) for s in scales if np.isfinite(s) and s > 0]
    return max(float(s) for s in scales), len(finite) == 3 and max(finite) <= 2 * min(finite)
