"""A float64 loss whose only path to w goes through a coarser format (review13p C2).

``np.tanh(z.astype(np.float32)).astype(np.float64)`` or ``tanh(h.float()).to(h.dtype)``
inside a float64 loss: while w ± ε does not move the float32 input, the loss does not move
at all — L+ = L = L− exactly — though float64 would show a slope of the size the larger ε
show by many ulps. Read as a measurement, that stretch was a derivative of 0 that "settled"
(an honest gradient "wrong", 7 of 14 torch entries), or the first ε where the loss moves
read as a kink. Neither is a measurement: the loss is resolved only to its inner format's
rounding, which (a sum of many inner values' quanta times their weights) is no whole
multiple of one quantum, so ``quantum.part_quantum`` does not see it.

``inner_quantum`` reads it from the sweep itself: a leading run of the smallest formed ε
with L+ = L = L− exactly, above which the loss moves on both sides (no dead side, as past a
relu's kink) with a slope S such that S times the run's largest ε is far above u·|L|, and
whose even parts L+ + L− − 2L less L''·ε², from the run up to where L''·ε² dominates them,
scatter about their middle (−2·L's own rounding at w) with sign changes again and again far
above u·|L| (the inner values' rounding; past kinks a flat stretch's even part is piecewise
linear in ε: a change or two). The
quantum is the larger of what the run hides (S·ε) and those even parts: over ε it is the
round-off floor (``quantum.with_quantum_floor``), so the run neither settles nor reads as a
kink, while the larger ε, which resolve the derivative, still judge it.

A coarser part BESIDE a float64 path (``h + tanh(h.astype(float32)).astype(float64)``,
review14p C1) shows no such run: L± move through h at every ε, and below the part's first
step the central differences are steady — over decades — on h's slope alone (1 where the
derivative is 2 − tanh²), a plateau read as converged ("Gradient wrong", 27 of 46 honest
entries). Its run ends where the even parts leap (``_leap``; below, the odd parts resolve and
the even parts are float64's rounding or the float64 path's own L''·ε²); what it hides is
the slope above less the run's own, times its end. It is read only where the even parts
above show the part's steps (``_steps``: neighbouring ones repeat, the part not moving
between steps), which neither a smooth fine structure nor kinks do.
"""

from __future__ import annotations

import numpy as np

FLAT_POINTS = 3  # formed ε at the bottom of the sweep in the run (unchanged or quiet)
HIDDEN_ULPS = 64.0  # the change the run hides: at least this many u·|L|
SLOPE_DECADES = 3.0  # the slope S read from the central differences over this many decades
SIDES_DECADES = 3.0  # both sides move within this many decades above the run
SIGN_CHANGES = 4  # the even parts far above u·|L| change sign at least this often


def inner_quantum(result) -> float | None:
    """The rounding of a loss computed through a coarser inner format, read from a computed
    sweep (see the module); None where the sweep shows none, and for measured rows."""
    found = inner_reading(result)
    return None if found is None else found[1]


def inner_reading(result) -> tuple[float, float, bool] | None:
    """(the largest ε of the run where the inner format does not move, the inner rounding,
    whether the rest of the loss moves through that run) of a computed sweep whose loss
    shows a coarser inner format (``inner_quantum``); None else."""
    found = _inner(result)
    return None if found is None else found[:3]


def blind_stretch(result) -> np.ndarray | None:
    """The ε at or below the run where the inner format does not move (``inner_reading``):
    they measure nothing (a frozen part's slope is missing from their differences, or the
    loss does not change), so no reading may take its best ε, its settled plateau or its
    agreement with a claim from them (review15x X1); None where the sweep shows no run."""
    found = inner_reading(result)
    if found is None:
        return None
    return np.asarray(result.epsilons, dtype=float) <= found[0]


def inner_frozen(result) -> bool:
    """Whether the run below the inner format's first move is one where the rest of the loss
    (a float64 path beside the coarser part) still moves: its differences there are that
    path's slope alone (``_inner``)."""
    found = _inner(result)
    return found is not None and bool(found[2])


def inner_on_grid(result) -> bool:
    """Whether the coarser part's grid has w on it (``_grid_start``): both sides of w step
    at the same ε, the differences below read the steps' tread, those above their
    envelope."""
    found = _inner(result)
    return found is not None and bool(found[4])


def rows_reading(
    epsilons: np.ndarray,
    loss_plus: np.ndarray,
    loss_minus: np.ndarray,
    loss_values: np.ndarray,
    vanished: np.ndarray,
    unit_roundoff: float,
) -> tuple[float, float, bool] | None:
    """``inner_reading`` of measured rows (ε, L+, L−, L; NaN where L is not given), read
    before their references: the rule reads the rows, not the source, so a table of a
    probe's rows is judged as the probe's sweep is (review16x K2: the same rows judged on
    the frozen stretch, an honest gradient "wrong" 8 of 8). Only a coarser part BESIDE a
    float64 path (the rest of the loss moving through the run): rows whose L+ = L = L−
    are a table's digits as often as a coarser format (``flat_rows``)."""
    rows = rows_view(epsilons, loss_plus, loss_minus, loss_values, vanished, unit_roundoff)
    found = None if rows is None else _inner(rows)
    return found[:3] if found is not None and found[2] else None


def rows_view(
    epsilons: np.ndarray,
    loss_plus: np.ndarray,
    loss_minus: np.ndarray,
    loss_values: np.ndarray,
    vanished: np.ndarray,
    unit_roundoff: float,
):
    """Measured rows as the fields a computed sweep's even-part readings use (kind "rows";
    L at w their median given loss); None where no row gives L."""
    from types import SimpleNamespace

    given = np.asarray(loss_values, dtype=float)
    finite = given[np.isfinite(given)]
    if finite.size == 0:
        return None
    return SimpleNamespace(
        kind="rows",
        epsilons=epsilons,
        loss_values=given,
        loss_plus=loss_plus,
        loss_minus=loss_minus,
        vanished=vanished,
        unit_roundoff=unit_roundoff,
        loss=float(np.median(finite)),
    )


def inner_kink(result) -> tuple[float, float] | None:
    """(the slope change R, its distance d from w) of a relu's kink inside the run where a
    coarser part beside a float64 path does not move (``_past_kink``): every ε above the
    run crosses it, so their central differences read the slopes' average and the
    one-sided slopes are that ∓ R/2; None where the sweep shows no such kink."""
    found = _inner(result)
    if found is None or found[3] is None:
        return None
    slope, offset = found[3][0], found[3][1]
    return float(slope), float(-offset / slope) if slope else 0.0


def _inner(result) -> tuple[float, float, bool, tuple | None, bool] | None:
    if result.kind == "measured":  # read from the rows before their references
        found = result.extras.get("inner_reading")
        return None if found is None else (*found, None, False)
    epsilons = np.asarray(result.epsilons, dtype=float)
    loss = np.asarray(result.loss_values, dtype=float)
    plus = np.asarray(result.loss_plus, dtype=float)
    minus = np.asarray(result.loss_minus, dtype=float)
    from fdgui.core.sweep.continuity import formed_rows

    formed = formed_rows(result)
    order = np.argsort(epsilons, kind="stable")
    order = order[formed[order]]
    if order.size <= FLAT_POINTS:
        return None
    epsilons, loss, plus, minus = epsilons[order], loss[order], plus[order], minus[order]
    base = float(result.unit_roundoff or 0.0) * abs(float(result.loss))
    floor = HIDDEN_ULPS * max(base, np.finfo(float).tiny)
    with np.errstate(all="ignore"):
        central = (plus - minus) / (2.0 * epsilons)
        even_all = plus + minus - 2.0 * loss
    unchanged = (plus == loss) & (minus == loss)
    moved = np.flatnonzero(~unchanged)
    if moved.size == 0:
        return None  # never moves (unchanged.py)
    # the run: the smallest ε whose even parts are float64's own rounding; where the loss
    # moves by more than that rounding inside it, it moves through a float64 path beside
    # the coarser part, which moves only above the run
    loud = np.flatnonzero(~(np.abs(even_all) <= floor))
    first = int(loud[0]) if loud.size else epsilons.size
    frozen = bool(np.any(np.abs(plus - minus)[:first] > floor))
    # beside a float64 path whose own curvature may show first (its even parts grow as ε²
    # before the part moves, as past a float16 step's coarse grid), the run ends at the
    # first even part that leaps; else it is the run where the loss does not change at all
    first = _leap(even_all, epsilons, first, floor) if frozen else int(moved[0])
    line = None
    if frozen and 0 < first < epsilons.size and not _steps(even_all, epsilons, first, base):
        # the first leap may be a relu's kink nearer to w than the part's first move: past
        # it the even parts grow on a line in ε, and the part still does not move (K1)
        first, line = _past_kink(even_all, epsilons, first, floor, base)
    grid = None
    if frozen and line is None:
        # a grid w lies on: both sides step at the same ε, the even parts barely leap (K6)
        found = _grid_start(plus - minus, epsilons, floor)
        part = first < epsilons.size and _steps(even_all, epsilons, first, base)
        if found is not None and (found[0] <= first or not part):  # an earlier leap: no part's
            if _steps(even_all, epsilons, found[0], base):
                first, grid = found[0], found
            else:  # a relu's kink nearer to w than the first step: its line R·(ε − d) out
                fitted = _tread_line(even_all, epsilons, found[0], floor, base)
                if fitted is not None and _steps(even_all, epsilons, found[0], base, fitted):
                    first, grid, line = found[0], found, fitted
    if first < FLAT_POINTS or first >= epsilons.size:
        return None  # no run at the bottom, or the coarser part never shows
    from fdgui.core.sweep.continuity import moves_continuously

    if moves_continuously(result, float(epsilons[first - 1]) / 2.0):
        return None  # kinks (a slope change on each side), no part's first step (C1)
    top = float(epsilons[first - 1])  # the largest ε of the run
    above = slice(first, None)
    with np.errstate(all="ignore"):
        reach = epsilons[above] <= top * 10.0**SLOPE_DECADES
        if not reach.any():
            return None
        if frozen:
            # what the run's differences miss: the slope above less the one they show
            resolved = np.abs(plus - minus)[:first] > floor
            below = float(np.median(central[:first][resolved])) if resolved.any() else 0.0
            slope = abs(float(np.median(central[above][reach])) - below)
        else:
            slope = float(np.median(np.abs(central[above][reach])))
    hidden = slope * top
    if not frozen and not (np.isfinite(hidden) and hidden > floor):
        return None  # float64 itself could hide that change
    if not np.isfinite(hidden):
        return None
    # both sides move soon above the run: no dead side, as a relu's past its kink
    near = epsilons[above] <= top * 10.0**SIDES_DECADES
    if not (np.any((plus != loss)[above][near]) and np.any((minus != loss)[above][near])):
        return None
    if line is not None:  # the kink's line out: the part's steps remain (``_past_kink``)
        even_all = even_all.copy()
        with np.errstate(all="ignore"):
            even_all[first - 1 :] -= line[0] * epsilons[first - 1 :] + line[1]
    even = even_all[above]
    residual = _residual(even, epsilons[above], max(hidden, float(abs(even[0]))))
    if frozen and line is None and not _steps(even_all, epsilons, first, base):
        return None  # a smooth or kinked float64 loss's even parts, no coarser part's steps
    # about their middle: every even part carries −2·(L's own rounding at w), one offset.
    # Beside a float64 path with a relu's kink near w, the kink's even part (linear in ε
    # past it) swamps that residual: there the part's rounding shows as leaps off the even
    # parts' local trend that come back (``_leaps``), after steps that repeat (review15x X2)
    off, leaps = _leaps(even_all, first, floor)
    # two leaps on a grid suffice only for measured rows (1.47× apart they show two where
    # a sweep of 400 ε shows eight): a float64 soft staircase's steps 1e-8 wide, crossed
    # a grid point apart by L+ and L−, show two in a computed sweep (review16x A2)
    rows = getattr(result, "kind", None) == "rows"
    returns = frozen and rows and _returns(*_leaps(even_all, first, floor, False))
    stepped = grid is not None  # the odd parts' leaps on a grid w lies on (``_grid_start``)
    rounds = _scatters(residual, base) or (frozen and int(np.sum(leaps)) >= LEAPS) or returns
    if not (rounds or stepped):
        return None  # one sign, or a change or two: kinks' edges, not rounding
    # the rounding: the largest leap the even parts show (the residual's largest value only
    # where none is a leap); on a grid w lies on, half the odd parts' first leap (one step)
    rounding = float(np.max(off[leaps])) if leaps.any() else float(np.max(np.abs(residual)))
    if stepped:
        rounding = max(rounding, grid[1] / 2.0)
    return top, float(max(hidden, rounding)), bool(frozen), line, stepped


def _scatters(values: np.ndarray, base: float) -> bool:
    """Whether values far above u·|L| change sign about their middle SIGN_CHANGES times."""
    scatter = values - np.median(values) if values.size else values
    signs = np.sign(scatter[np.abs(scatter) > HIDDEN_ULPS * base])
    return int(np.sum(signs[1:] != signs[:-1])) >= SIGN_CHANGES


TREND_POINTS = 3  # the local trend: the median step of the even parts this many either side
TREND_SHARE = 2.0  # a leap: a step off that trend by more than this many trends
LEAPS = 2 * SIGN_CHANGES  # leaps that come back: a coarser part's rounding beside a kink


def _leaps(
    even: np.ndarray, first: int, floor: float, back_needed: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Per step between neighbouring even parts L+ + L− − 2L from the run's top up: how far
    it lies off the local trend, and whether it is a leap of the part's rounding.

    The trend is the median step over TREND_POINTS neighbours either side: L''·ε², a kink's
    linear growth past it and any smooth change grow steadily, so their steps lie on it. A
    leap lies off it by more than TREND_SHARE times the trend and far above u·|L|, and comes
    back (the step before or after lies off it the other way: the part's values step to
    their grid and away; a kink's onset, a single jump, stays). Between neighbours the
    rounding r+ + r− − 2r(w) of the even part changes by up to twice the r+ − r− the
    central differences carry, so the largest leap bounds half the latter: the quantum
    over ε is the floor. fx15x read the rounding as the residual's largest value, up to
    where L'' is read — far up, past the fourth-order terms — and made a bfloat16 part's
    about ten times too large (honest entries "Too coarse to judge")."""
    steps = np.diff(even[first - 1 :]) if first > 0 else np.diff(even)
    size = steps.size
    if size < 2 * TREND_POINTS + 1:
        return np.zeros(size), np.zeros(size, dtype=bool)
    with np.errstate(all="ignore"):
        trend = _rolling_median(steps, TREND_POINTS)
        off = steps - trend
        sign = np.sign(off)
        back = np.zeros(size, dtype=bool)
        back[1:] |= sign[1:] == -sign[:-1]
        back[:-1] |= sign[:-1] == -sign[1:]
        leaps = (np.abs(off) > TREND_SHARE * np.abs(trend)) & (np.abs(off) > floor)
        if back_needed:
            leaps &= back
    return np.abs(off), leaps & np.isfinite(off)


GRID_LEAPS = 2  # leaps whose sizes are whole multiples of one another's: a grid's steps
GRID_SLACK = 0.05  # ... to within this share of the smallest
GRID_MOST = 16  # ... at most this many of it


def _returns(off: np.ndarray, leaps: np.ndarray) -> bool:
    """Whether at least GRID_LEAPS of the leaps of the even parts from the run's top up
    (``_leaps``, come back or not) are whole multiples of the smallest to GRID_SLACK, in
    either direction:
    the part's values step from one grid point to the next, away and back — measured rows
    1.47× apart show a float16 part beside a float64 path as two leaps of 4.9e-4, one each
    way, and a bfloat16 part past a kink as two of 3.9e-3, where eight need a denser sweep
    (review16x K2). A kink's onset and L''·ε² are no leaps (they lie on the trend); a
    fine structure's even parts do not repeat (``_steps``), and a single jump in the loss
    leaps once."""
    sizes = off[leaps]  # off the local trend (the part's own curvature out)
    if sizes.size < GRID_LEAPS:
        return False
    with np.errstate(all="ignore"):
        ratio = sizes / np.min(sizes)
        whole = np.round(ratio)
        grid = (np.abs(ratio - whole) <= GRID_SLACK) & (whole <= GRID_MOST)
    return int(np.sum(grid)) >= GRID_LEAPS


def _residual(even: np.ndarray, epsilons: np.ndarray, level: float) -> np.ndarray:
    """The even parts above the run less L''·ε², up to where L''·ε² is read (``_curvature``:
    the rounding a thousandth of the even part there)."""
    with np.errstate(all="ignore"):
        curvature, read_at = _curvature(even, epsilons, level)
        return (even - curvature * epsilons**2)[epsilons < read_at]


LEAP = 8.0  # the first even part above the run: this many times what ε⁴ growth allows
REPEATS = 3  # neighbouring residuals equal (the coarser part did not move between them)
SAME_ULPS = 16.0  # ... to within this many u·|L|
SAME_CURVATURE = 1e-3  # ... and this share of L''·ε² (the curvature's own error)
SAME_SHARE = 1e-4  # ... and this share of themselves (a step's cross terms: J·L'·ε)


def _leap(even: np.ndarray, epsilons: np.ndarray, start: int, floor: float) -> int:
    """The index of the first even part from ``start`` up, far above u·|L|, that leaps from
    the one below it: LEAP times more than even ε⁴ grows over that grid step (a smooth
    loss's even parts, sin(w) + 1e-11·sin(1e6·w)'s included, grow continuously); the number
    of ε where none does."""
    with np.errstate(all="ignore"):
        ratio = epsilons[start:] / epsilons[start - 1 : -1] if start > 0 else None
        if ratio is None:
            return epsilons.size
        below = np.maximum(np.abs(even[start - 1 : -1]), floor / 16.0)
        leaps = (np.abs(even[start:]) > floor) & (np.abs(even[start:]) > LEAP * ratio**4 * below)
    found = np.flatnonzero(leaps)
    return int(start + found[0]) if found.size else epsilons.size


def _repeating(
    even: np.ndarray,
    epsilons: np.ndarray,
    first: int,
    base: float,
    line: tuple[float, float, float] | None = None,
) -> np.ndarray:
    """Which even parts above the run's end repeat their lower neighbour's, where the
    rest of the loss moves through the run (a float64 path beside): the part stays put
    between its steps, so neighbouring even parts above the run, less the
    run's own L''·ε² (the float64 path's, read at the run's top), far above u·|L|, are equal
    to float64's rounding, that curvature's and a ten-thousandth of themselves (a step J in
    a squared loss adds J·L'·ε: 3e-6 of it per grid step past a float16 sigmoid's first
    step). A kink's even part grows linearly past it (a tenth per step of the default grid,
    a hundredth at ten times its points), a fine structure's continuously: neither repeats."""
    run = np.flatnonzero(np.abs(even[:first]) > HIDDEN_ULPS * base)[-3:]
    with np.errstate(all="ignore"):
        curvature = float(np.median(even[run] / epsilons[run] ** 2)) if run.size else 0.0
        if line is not None:  # a kink's even part past it, a·ε + b (``_past_kink``)
            curvature = line[2]  # read below the kink's onset
        residual = even[first:] - curvature * epsilons[first:] ** 2
        if line is not None:
            residual = residual - (line[0] * epsilons[first:] + line[1])
        tolerance = (
            SAME_ULPS * base
            + SAME_CURVATURE * abs(curvature) * epsilons[first + 1 :] ** 2
            + SAME_SHARE * np.abs(residual[1:])
        )
    large = np.abs(residual) > HIDDEN_ULPS * base
    return (np.abs(np.diff(residual)) <= tolerance) & large[1:] & large[:-1]


def _steps(
    even: np.ndarray,
    epsilons: np.ndarray,
    first: int,
    base: float,
    line: tuple[float, float, float] | None = None,
) -> bool:
    """Whether the even parts from the run's end up are a coarser part's steps
    (``_repeating``: at least REPEATS neighbours equal)."""
    return int(np.sum(_repeating(even, epsilons, first, base, line))) >= REPEATS


def _rolling_median(values: np.ndarray, half: int) -> np.ndarray:
    """The median of ``values[k − half : k + half + 1]`` (cut at the ends) for every k, as
    one array operation over the full windows (one np.median per row held the worker's
    interpreter 26 s over 100,000 measured rows)."""
    size = values.size
    out = np.empty(size)
    width = 2 * half + 1
    if size >= width:
        windows = np.lib.stride_tricks.sliding_window_view(values, width)
        out[half : size - half] = np.median(windows, axis=1)
    for k in [*range(min(half, size)), *range(max(half, size - half), size)]:
        out[k] = np.median(values[max(0, k - half) : k + half + 1])
    return out


GRID_STEPS = 3  # the central differences' first leaps at ε = s/2, 3s/2, 5s/2: a grid w lies on
GRID_EDGE = 0.02  # ... each where its grid step places it, to within this share of ε
GRID_TREAD = 0.05  # ... L+ − L− − 2·S·ε flat between the first two, to this share of the leap


def _grid_start(odd: np.ndarray, epsilons: np.ndarray, floor: float) -> tuple[int, float] | None:
    """(the index of the first ε past a coarser part's first step, the odd part's leap
    there) where that part's grid has w on it (a quantiser's round(k·w)/k with k·w whole, a
    float16 cast of a float16 number; review16x K6): both sides of w cross a step at ε =
    s/2, then 3s/2, 5s/2, … (s the grid step), so the even parts L+ + L− − 2L barely move
    (f''·s², not f'·s) and ``_leap`` sees nothing, while the odd parts L+ − L− leap each
    time by about J = 2·f'·s: the central differences c = (L+ − L−)/2ε sit on the tread's
    slope S below s/2 and leap by J/2ε at each step, falling like 1/ε between.

    The first GRID_STEPS leaps of c (off the median of its neighbouring steps by more than
    TREND_SHARE times it and than c's round-off) must be of one sign and lie where such a
    grid puts them — the first grid point at or past (2m + 1)·h for one h (each leap
    brackets its crossing between the grid point below it and its own ε) — and between the
    first two, L+ − L− − 2·S·ε must stay at J (the tread: nothing moves between steps).
    A kink's c bends, a jump leaps once, a fine structure's leaps fall anywhere and do not
    stay. None else."""
    size = epsilons.size
    if size < 2 * TREND_POINTS + 3:
        return None
    with np.errstate(all="ignore"):
        central = odd / (2.0 * epsilons)
        steps = np.diff(central)
        trend = _rolling_median(steps, TREND_POINTS)
        off = steps - trend
        noise = 2.0 * floor / epsilons[1:]
        leaps = (np.abs(off) > TREND_SHARE * np.abs(trend)) & (np.abs(off) > noise)
    found = 1 + np.flatnonzero(leaps & np.isfinite(off))[:GRID_STEPS]
    if found.size < GRID_STEPS:
        return None
    with np.errstate(all="ignore"):
        signs = np.sign(off[found - 1])
        if not (np.all(signs > 0) or np.all(signs < 0)):
            return None
        orders = 2.0 * np.arange(GRID_STEPS) + 1.0
        low = np.max(epsilons[found - 1] / orders) * (1.0 - GRID_EDGE)
        high = np.min(epsilons[found] / orders) * (1.0 + GRID_EDGE)
        slope = central[found[0] - 1]  # the tread's S, just below the first step
        tread = (odd - 2.0 * slope * epsilons)[found[0] : found[1]]
        jump = float(np.median(tread)) if tread.size else float("nan")
    if not (np.isfinite(low) and np.isfinite(high) and low < high and np.isfinite(jump)):
        return None
    if tread.size < 2 or np.any(np.abs(tread - jump) > GRID_TREAD * abs(jump) + 2.0 * floor):
        return None
    return int(found[0]), abs(jump)


TREAD_POINTS = 6  # the even parts just below a grid's first step that fit a kink's line


def _tread_line(
    even: np.ndarray, epsilons: np.ndarray, start: int, floor: float, base: float
) -> tuple[float, float, float] | None:
    """(a, b, L'') where the TREAD_POINTS even parts just below a grid's first step
    (``_grid_start``) lie on L''·ε² + a·ε + b to the repeat test's tolerance with a·ε far
    above u·|L| there: a relu's kink nearer to w than that step, crossed by all of them
    (its even part R·(ε − d), as ``_past_kink`` reads it past a leap); None else."""
    span = slice(max(0, start - TREAD_POINTS), start)
    if start - span.start < TREAD_POINTS or not np.all(np.abs(even[span]) > floor):
        return None
    curvature, a, b, misfit, tolerance = _line_fit(epsilons, even, span, base)
    large = abs(a) * float(epsilons[start - 1]) > HIDDEN_ULPS * floor
    if not (np.all(np.isfinite(misfit)) and np.all(misfit <= tolerance) and large):
        return None
    return float(a), float(b), float(curvature)


def _line_fit(epsilons: np.ndarray, even: np.ndarray, span: slice, base: float):
    """L''·ε² + a·ε + b fitted to the even parts over ``span``: (L'', a, b, each point's
    misfit from the line once L''·ε² is taken out, and the repeat test's tolerance there)."""
    with np.errstate(all="ignore"):
        curvature, a, b = np.polyfit(epsilons[span], even[span], 2)
        rest = even[span] - curvature * epsilons[span] ** 2
        misfit = np.abs(rest - (a * epsilons[span] + b))
        tolerance = (
            SAME_ULPS * base
            + SAME_CURVATURE * abs(curvature) * epsilons[span] ** 2
            + SAME_SHARE * np.abs(rest)
        )
    return curvature, a, b, misfit, tolerance


LINE_POINTS = 3  # a kink's line: at least this many even parts between its onset and the leap


def _past_kink(
    even: np.ndarray, epsilons: np.ndarray, onset: int, floor: float, base: float
) -> tuple[int, tuple[float, float, float] | None]:
    """Where a coarser part beside a float64 path first moves when a relu's kink lies nearer
    to w than that move (review16x K1): the run's first leap (``_leap``) is then the
    kink's onset, past which the even parts L+ + L− − 2L grow on a line in ε (R·(ε − d),
    beside the float64 path's L''·ε², read at the run's top) while the part still does not
    move, so its steps never repeat and the float64 path's slope with half the kink's "settled"
    below the part's first move (an honest gradient "wrong", a backward dropping the part's
    derivative "not contradicted"). The part's first move is the first leap that comes back
    (``_leaps``) above the onset; the even parts from the onset up to it lie on a line to
    float64's rounding, that curvature's and a ten-thousandth of themselves, and above it,
    less that line, repeat (``_repeating``). Returns (the index of that first move, the
    line and curvature (a, b, L'')); (onset, None) where the even parts show no such kink
    and part."""
    _off, leaps = _leaps(even, onset, floor)
    found = np.flatnonzero(leaps)
    if found.size == 0:
        return onset, None
    move = onset + int(found[0])  # the step from even[move − 1] to even[move] leaps
    if move - onset < LINE_POINTS:
        return onset, None
    span = slice(onset, move)
    # L''·ε² + R·ε − R·d together: L'' read below the onset (a few even parts a few
    # hundred ulps large) is off by a thousandth, more than that test allows at 1e-3
    curvature, a, b, misfit, tolerance = _line_fit(epsilons, even, span, base)
    if not (np.all(np.isfinite(misfit)) and np.all(misfit <= tolerance)):
        return onset, None  # no line: a fine structure or smooth change, no kink
    line = (float(a), float(b), float(curvature))
    if not _steps(even, epsilons, move, base, line):
        return onset, None
    return move, line


CURVATURE_SHARE = 1e3  # even parts this many hidden changes large read L''
LAW_SPAN = 3.0  # ... where even/ε² holds over this span of ε above
LAW_SLACK = 2.0  # ... to within this factor


def _curvature(even: np.ndarray, epsilons: np.ndarray, hidden: float) -> tuple[float, float]:
    """L'' from the even parts at the smallest ε where they are CURVATURE_SHARE times the
    hidden change or more (the inner rounding a thousandth of them), and the smallest such
    ε; (0, inf) where none is. Where the rounding is far larger than the hidden change (a run
    cut short by one inner value next to its rounding edge: thousands of u·|L| hidden where
    the rest round by tens of millions, review14p C2; or a float64 path beside whose slope
    differs little), the first such even parts are that rounding, and "L''" read from them
    left no scatter below: L'' is read where even/ε² holds, to within LAW_SLACK, from that ε
    to LAW_SPAN times it (rounding there falls like 1/ε²), the first such ε if none does."""
    large = np.flatnonzero(np.abs(even) >= CURVATURE_SHARE * hidden)
    if large.size == 0:
        return 0.0, float("inf")
    with np.errstate(all="ignore"):
        ratios = even / epsilons**2
    start = large[0]
    ends = np.searchsorted(epsilons, LAW_SPAN * epsilons[large], side="right")  # ε ascend
    for index, end in zip(large, ends, strict=True):
        with np.errstate(all="ignore"):
            share = ratios[index:end] / ratios[index]
        if share.size > 1 and np.all((share >= 1.0 / LAW_SLACK) & (share <= LAW_SLACK)):
            start = index
            break
    read = large[large >= start][:3]
    return float(np.median(ratios[read])), float(epsilons[start])
