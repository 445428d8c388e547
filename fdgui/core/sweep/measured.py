"""The sweep of measured rows: estimates exact from the typed decimals, each row's ± from the
format the losses came from and the digits printed, Richardson over the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import partial
from operator import attrgetter, eq, mul, sub, truediv
from typing import Any

import numpy as np

from fdgui.core.models.measured import RowColumns
from fdgui.core.numbers import format as numbers
from fdgui.core.numbers import precision
from fdgui.core.sweep.claim import typed_backprop
from fdgui.core.sweep.engine import SweepResult, _assemble
from fdgui.core.sweep.kink_room import (
    kink_room,
    one_kink_assumed,
    resting_on_the_room,
    wide_room,
)
from fdgui.core.sweep.objectives import MeasuredObjective
from fdgui.core.sweep.odd_part import odd_slope_range
from fdgui.core.sweep.references import (
    FLOAT64_ROUNDOFF,
    NOT_CONVERGED,
    ROOM_NOTE,
    ReferenceValue,
    extrapolate,
    h2_run,
)
from fdgui.core.sweep.row_quantum import coarse_part, grid_note, rows_quantum
from fdgui.core.sweep.row_scatter import (
    ScatterLog,
    holding_overruled,
    largest_loss_error,
    run_departure,
    scatter_error,
)
from fdgui.core.sweep.row_shape import EvenPart, even_part, resolving_room
from fdgui.core.sweep.rows_reference import rows_richardson, shorter_runs, step_unit
from fdgui.core.sweep.run_law import ZIGZAG, law_shown, truncation_at_smallest
from fdgui.core.sweep.side_slopes import sides_refute

SOURCE_DTYPES: tuple[str, ...] = ("float64", "float32", "float16", "bfloat16", "exact")
# fewer measured rows than this give no trend in ε and no Richardson reference over the rows
MIN_JUDGING_ROWS = 3
# a loss at w whose ± is this many times L+'s and L−'s is too coarse to bound a kink
COARSE_LOSS = 10.0
CORRECTION_SHARE = 0.25  # of the extrapolation's correction to the smallest row, in the bar
SCATTER_ROUNDS = 4  # readings of the reference, each with the round-off the last one showed
SCATTER_ROWS = 6  # the smallest rows whose scatter is read where the three smallest break the law


def _rows_richardson(
    epsilons: np.ndarray,
    central: np.ndarray,
    noise: np.ndarray,
    curvature: Callable[[np.ndarray], EvenPart | None] | None = None,
    sums: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
    widen: Callable[[float], None] | None = None,
    most: float = 0.0,
) -> ReferenceValue | None:
    """The narrowest trusted reference over every row or over a chain of them
    (``rows_reference.rows_richardson``; ``_richardson_over`` reads each). Where the rows
    show round-off beyond their ± (``row_scatter``), the loss error they show is added to
    every row's ± (and, through ``widen``, to each loss's in ``curvature`` and ``sums``) and
    the reference read again (a loss error up to ``most``: ``row_scatter.ScatterLog``)."""
    total = read = 0.0
    own = noise  # each row's ± before any widening
    overruled: list[ReferenceValue] = []
    for _ in range(SCATTER_ROUNDS):
        log, read = ScatterLog(most), total
        over = partial(_richardson_over, scatter=log, added=total)
        found = rows_richardson(over, epsilons, central, noise, curvature, sums)
        if total == 0.0:  # the readings within the rows' own ± that round-off overruled
            overruled.extend(log.overruled)
        if not log.found:
            break
        with np.errstate(all="ignore"):
            noise = noise + min(log.found) / epsilons
        total += min(log.found)
        if widen is not None:
            widen(total)
    if found is None or read == 0.0:
        return found
    shown = numbers.significant(read / 2.0, 2)
    found = replace(
        found,
        note=f"{found.note}; every row's ± widened by the round-off the rows show beyond "
        f"their format's (each loss off by up to {shown}: it was computed from larger "
        "intermediates)",
    )
    return holding_overruled(found, overruled, (epsilons, central, own))


def _richardson_over(
    epsilons: np.ndarray,
    central: np.ndarray,
    noise: np.ndarray,
    curvature: Callable[[np.ndarray], EvenPart | None] | None = None,
    sums: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
    scatter: ScatterLog | None = None,
    added: float = 0.0,
) -> ReferenceValue | None:
    """Richardson over the rows that show the h² law (the smallest ε upwards, at least
    three: ``h2_run``), its ``limit`` what dominates its bar; "unconverged" (no bound, never
    used to judge) when the three smallest already break the law, ``limit`` saying by what.
    ``curvature`` gives, for positions into the arrays, those rows' even part
    (``row_shape.EvenPart``; None where a row has no loss at w): it must follow its own law
    of small ε, and bounds the kink it leaves room for (``run_law.law_shown``); ``sums`` gives
    their L+ + L− (less the smallest row's) and its ±, whose part odd in ε bounds the kink
    rows with no loss at w leave room for (``kink_room.kink_room``).
    """
    # the law's c = ΔD/Δ(ε²) in units of the largest ε (exact: a power of two), so that
    # ε of any size is judged (ε near 1e-105 overflowed c, review10h H1)
    scaled = epsilons / step_unit(epsilons)
    count, broken = h2_run(scaled, central, noise)
    order = np.argsort(epsilons)
    if count < MIN_JUDGING_ROWS:
        if broken == "round-off" and scatter is not None:
            # the smallest rows break the law by round-off: how far beyond their ±
            smallest = order[:SCATTER_ROWS]
            scatter.add(scatter_error(epsilons[smallest], central[smallest], noise[smallest]))
        try:
            tableau = extrapolate(epsilons, central, noise)
        except ValueError:
            return None
        return ReferenceValue(
            "Richardson",
            tableau.value,
            float("inf"),
            note=f"{NOT_CONVERGED}: the {epsilons.size} measured central estimates do not follow "
            "the h² law of small ε beyond their round-off",
            status="unconverged",
            limit=broken,
        )
    first = None
    mark = len(scatter.found) if scatter is not None else 0
    for size in shorter_runs(epsilons[order], count):
        found = _run_reference(
            epsilons, scaled, central, noise, order[:size], curvature, sums, scatter, added
        )
        if found is not None and found.trusted:
            if scatter is not None and size < count:
                # what the longer runs read as round-off came through the rows this drops
                scatter.forget_since(mark)
            return found
        first = found if size == count else first
    return first


def _run_reference(
    epsilons: np.ndarray,
    scaled: np.ndarray,
    central: np.ndarray,
    noise: np.ndarray,
    used: np.ndarray,
    curvature: Callable[[np.ndarray], EvenPart | None] | None,
    sums: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None,
    scatter: ScatterLog | None = None,
    added: float = 0.0,
) -> ReferenceValue | None:
    """Richardson over the rows at positions ``used`` (the smallest ε of a run the pairs'
    check passed), trusted when ``run_law.law_shown`` says they show the law. ``added``:
    the loss error the rows' scatter added to each doubled ± (over ε); which rows resolve
    the derivative is read from the ± without it (a kink's bent branch breaks the law of
    the rows that see it, and read as their round-off it hid them: review10g F2)."""
    count = used.size
    try:
        tableau = extrapolate(epsilons[used], central[used], noise[used])
    except ValueError:
        return None
    # the extrapolation moves the smallest row's estimate by its correction; three rows
    # check the law once (one pair of c's), so a quarter of that correction stays uncertain
    # (1/(1+300w²) at 0.13, rows to 0.7 of its radius of convergence: c's agreeing to 1 %
    # while the h⁶… terms still moved the value 5 % of the correction)
    error = tableau.error
    correction = abs(tableau.value - central[used[0]])
    if count == MIN_JUDGING_ROWS:
        error = max(error, CORRECTION_SHARE * correction)
    order = np.argsort(epsilons)
    loss_error = run_departure(
        epsilons[order], central[order], noise[order], count, tableau.value, error
    )
    if scatter is not None and scatter.add(loss_error):
        # the rows above the run show round-off beyond their ±: read again with it; the
        # run's own reading stays as a bound the widened one must hold (holding_overruled)
        own = _run_reference(epsilons, scaled, central, noise, used, curvature, sums, None, added)
        if own is not None and own.trusted:
            scatter.overruled.append(own)
        return ReferenceValue(
            "Richardson",
            tableau.value,
            float("inf"),
            note=f"{NOT_CONVERGED}: the rows above the {count} measured central estimates at "
            "the smallest ε depart from their h² law by more than their round-off allows",
            status="unconverged",
            limit="round-off",
        )
    even = curvature(used) if curvature is not None else None
    with np.errstate(all="ignore"):
        own = noise[used] - added / epsilons[used]
    even = resolving_room(even, central[used], noise[used], tableau.value, own)
    one_kink = (
        False  # the room is the sums' alone: it assumes one kink (``kink_room.one_kink_assumed``)
    )
    if even is not None and sums is not None:
        # the even part's |F − B|/2 (``resolving_room``) is not the jump when L''·ε cancels
        # part of it there (review10e H2: 1.04 bars short); the part of L+ + L− odd in ε
        # bounds it at any distance from w: where it is resolved from 0 (the sums need a
        # kink), it holds with the room for the law the rows follow past one, when wider
        # (kinkchain t52: an even room above B/2 but below that room missed by 1.6 bars)
        values, spread = sums(used)
        low, high = odd_slope_range(epsilons[used], values, spread)
        room = kink_room(epsilons[used], central[used], noise[used], sums, used, tableau.value)
        if (low > 0.0 or high < 0.0) and max(max(-low, high) / 2.0, room) > even.kink:
            if np.isfinite(room):
                even = replace(even, kink=max(room, even.kink))
        elif even.coarse_centre:
            # a loss at w printed with fewer digits than the rows ("1" beside 17-digit L±)
            # bounds no kink: the sums' room, as without it, on the one-kink assumption
            if count == MIN_JUDGING_ROWS:
                room = max(room, wide_room(epsilons[used], central[used], noise[used]))
            if room < even.kink:
                even, one_kink = replace(even, kink=room), True
    shown, broken, open_to_kink = law_shown(
        scaled[used],
        central[used],
        noise[used],
        tableau.value,
        truncation_at_smallest(scaled[used], central[used], noise[used], tableau.value),
        even,
    )
    if shown is None:
        if broken == ZIGZAG:  # c's up and down beyond the rows' ±: how far beyond
            if scatter is not None:
                scatter.add(scatter_error(epsilons[used], central[used], noise[used]))
            broken = "truncation"
        return ReferenceValue(
            "Richardson",
            tableau.value,
            float("inf"),
            note=f"{NOT_CONVERGED}: the {count} measured central estimates at the smallest ε "
            "do not show the h² law (their changes are within round-off, or the "
            "extrapolation moves them by more than a quarter of its value, or the rows lie "
            "beyond the loss's scale)",
            status="unconverged",
            limit=broken,
        )
    # the value itself is stored as a float64
    kink = even.kink if even is not None and np.isfinite(even.kink) else None
    # the bar less the room for a kink (``run_law.law_shown`` adds the even part's to ``shown``)
    rest = max(error, shown - (kink or 0.0)) + FLOAT64_ROUNDOFF * abs(tableau.value)
    error = max(error, shown) + FLOAT64_ROUNDOFF * abs(tableau.value)
    dominant = "round-off" if 2.0 * tableau.carried >= error else "truncation"
    if open_to_kink:
        # rows with no loss at w leave room for a kink between w and the smallest ε: the
        # truth is bounded only with that room (``kink_room.kink_room``), so it is the bar, for
        # confirming as for refuting
        room = kink_room(epsilons[used], central[used], noise[used], sums, used, tableau.value)
        if count == MIN_JUDGING_ROWS:
            # three rows check the law once, and rows far beyond a smooth loss's scale (a
            # sine 30–300 scales away) can pass that check by chance: then no room read
            # from the rows' own shape holds, and the run keeps the wide room of a kink up
            # to a thousandth of the smallest ε (as before table12; review10f cancel rows)
            room = max(room, wide_room(epsilons[used], central[used], noise[used]))
        kink = room
        error = error + room
    return ReferenceValue(
        "Richardson",
        tableau.value,
        error,
        note=f"extrapolated from the {count} measured central estimates at the smallest ε "
        f"(of {epsilons.size}) that follow the h² law within their ±"
        + (ROOM_NOTE if kink is not None and 2.0 * kink > error else ""),
        status="ok" if np.isfinite(tableau.error) else "unconverged",
        limit=dominant,
        kink=kink,
        one_kink=one_kink and kink is not None,
        without_room=rest if kink is not None else None,
        largest=float(np.max(epsilons[used])),
    )


def _stored_rounding(central: np.ndarray) -> np.ndarray:
    """What storing each row in float64 adds to its ± whatever the source dtype: half an ulp
    of the central difference (worked out exactly from the typed decimals, then rounded),
    and the rounding of ε, which moves the row's abscissa h² by 2u relative, so its estimate
    by 2u·|c·h²|, at most 2u·|D − D(smallest ε)| plus as much again for the smallest row's
    own truncation (taken as 2u·|D|). Richardson over close ε multiplies these by its
    Lebesgue constant (10⁴ and more), so they are not negligible on exact sources."""
    magnitude = np.abs(np.where(np.isfinite(central), central, 0.0))
    with np.errstate(all="ignore"):
        spread = np.abs(central - central[0]) if central.size else magnitude
    spread = np.where(np.isfinite(spread), spread, 0.0)
    return FLOAT64_ROUNDOFF * (3.0 * magnitude + 2.0 * spread)


#: rows handled per call in the column loops below: each call runs decimal's C operations
#: over a piece without the interpreter switching threads (~1 ms), so the window, which needs
#: the interpreter to paint, gets it between pieces; a Python loop over 100,000 rows per
#: column (the sweep used to spend ~1 s there) competed with it for the whole sweep
_PIECE = 4096


def _mapped(function: Any, *columns: Any) -> list:
    """``list(map(function, *columns))``, a piece of rows at a time."""
    out: list = []
    for start in range(0, len(columns[0]), _PIECE):
        out.extend(map(function, *(column[start : start + _PIECE] for column in columns)))
    return out


_EXPONENT = attrgetter("exponent")


def _column(rows: Any, name: str) -> list:
    if isinstance(rows, RowColumns):
        return list(rows.column(name))
    return _mapped(attrgetter(name), rows)


def _sorted_by_epsilon(rows: Any) -> RowColumns:
    """``sorted(rows, key=ε)``, stable, but ordered by numpy on the floats of ε where those
    order the rows exactly: a sort of 100,000 Decimals holds the GIL for about 0.2 s (the
    window stalls while a worker sorts), numpy's sort of floats releases it. Rows whose ε
    differ as decimals but round to the same float fall back to the exact sort."""
    rows = RowColumns.of(rows)
    steps = rows.epsilon
    keys = np.array(_mapped(float, steps), dtype=float)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    ties = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if any(steps[order[i]] != steps[order[i + 1]] for i in ties):
        return rows.take(sorted(range(len(rows)), key=steps.__getitem__))
    return rows.take(order)


def _digit_units(values: list) -> np.ndarray:
    """Half a unit in the last typed digit of each loss (0 for a missing one)."""
    present = [Decimal("NaN") if value is None else value for value in values]
    finite = np.array(_mapped(Decimal.is_finite, present), dtype=bool)
    exponents: list = []
    for start in range(0, len(present), _PIECE):  # each piece's tuples freed as read
        piece = present[start : start + _PIECE]
        exponents.extend(map(_EXPONENT, map(Decimal.as_tuple, piece)))
    powers = np.array([e if ok else 0 for e, ok in zip(exponents, finite, strict=True)], int)
    distinct, where = np.unique(powers, return_inverse=True)
    # Python's power of ten, as the rule was first written (numpy's may differ in an ulp)
    units = np.array([0.5 * 10.0 ** int(e) for e in distinct], dtype=float)
    return np.where(finite, units[where.reshape(-1)], 0.0)


def _zero_unit(rows: list) -> float | None:
    """What a loss typed as an exact zero ("0.0", "0", "-0.0") is taken to be good to: the
    table's typical (median) digit unit of its non-zero losses, or None when no loss is an
    exact zero (or none is not). Its own last digit says nothing of the precision it was
    printed with — a float's repr or a number of significant digits prints 0 exactly — and
    "0.0" (± 0.05) would claim far less than the table's other digits and let a zero row
    agree with anything."""
    columns = [_column(rows, name) for name in ("loss_plus", "loss_minus", "loss")]
    columns[2] = [value for value in columns[2] if value is not None]
    values = [value for column in columns for value in column]
    zero = np.array(_mapped(Decimal.is_zero, values), dtype=bool)
    if not zero.any() or zero.all():
        return None
    units = _digit_units(values)[~zero]
    units = units[units > 0.0]
    return float(np.median(units)) if units.size else None


def _typed_units(values: list, typical: float | None) -> np.ndarray:
    """Half a unit in the last typed digit of each loss (``_digit_units``), an exact zero's
    at most ``typical`` (``_zero_unit``)."""
    units = _digit_units(values)
    if typical is None:
        return units
    present = [Decimal(1) if value is None else value for value in values]
    zero = np.array(_mapped(Decimal.is_zero, present), dtype=bool)
    return np.where(zero, np.minimum(units, typical), units)


REPR_DIGITS = 16  # only repr prints this many significant digits of a float


def _printed_by_repr(rows: list) -> bool:
    """Whether the table's losses were printed by repr: every finite one is the shortest
    repr of its float and a quarter or more carry REPR_DIGITS significant digits (a person
    rounding to N digits does not type 16 or 17; %.17g prints 0.1 as 0.10000000000000001,
    no shortest repr). Then a loss at w printed short ("0.25", "1.0") is the float itself,
    exact, not a number rounded to its last digit."""
    values = [v for name in _LOSS_COLUMNS for v in _column(rows, name)]
    values = [v for v in values if v is not None and v.is_finite() and not v.is_zero()]
    if not values or any(repr(float(v)) != str(v) for v in values):
        return False
    long = sum(len(v.as_tuple().digits) >= REPR_DIGITS for v in values)
    return 4 * long >= len(values)


def _loss_units(values: list, typical: float | None, printed_by_repr: bool) -> np.ndarray:
    """The loss at w's typed units (``_typed_units``), 0 for a value that is the shortest
    repr of its float in a table printed by repr (its format's u·|L| still counts)."""
    units = _typed_units(values, typical)
    if not printed_by_repr:
        return units
    exact = [v is not None and v.is_finite() and repr(float(v)) == str(v) for v in values]
    return np.where(np.array(exact, dtype=bool), 0.0, units)


def _quotients(numerators: list, denominators: list) -> np.ndarray:
    """float(n / d) of each pair, n / d worked out in decimal first (as typed: exact up to
    the context's precision, then rounded once more to a float)."""
    return np.array(_mapped(float, _mapped(truediv, numerators, denominators)), dtype=float)


def _row_arrays(rows: list, u: float) -> tuple[np.ndarray, ...]:
    """The rows (sorted by ε) as arrays: ε, L+, L−, L (nan where missing), the central,
    forward and backward differences worked out from the typed decimals, whether the step
    changed nothing, each row's ± (``u``·|L| per loss plus half a unit in its last printed
    digit, over 2ε, plus float64 storage), and (every loss, its ±) for ``rows_quantum``."""
    steps, plus, minus = (_column(rows, name) for name in ("epsilon", "loss_plus", "loss_minus"))
    losses = _column(rows, "loss")
    epsilons = np.array(_mapped(float, steps), dtype=float)
    loss_plus = np.array(_mapped(float, plus), dtype=float)
    loss_minus = np.array(_mapped(float, minus), dtype=float)
    has_loss = np.array([loss is not None for loss in losses], dtype=bool)
    with_loss = np.flatnonzero(has_loss)
    loss_values = np.full(len(rows), np.nan)
    loss_values[with_loss] = _mapped(float, [losses[i] for i in with_loss])
    # what each loss may be off by: the source format's rounding and the printed digits
    uncertainty_plus = u * np.abs(loss_plus) + _digit_units(plus)
    uncertainty_minus = u * np.abs(loss_minus) + _digit_units(minus)
    central = _quotients(_mapped(sub, plus, minus), _mapped(mul, [2] * len(steps), steps))
    forward = np.full(len(rows), np.nan)
    backward = np.full(len(rows), np.nan)
    known = [losses[i] for i in with_loss]
    known_steps = [steps[i] for i in with_loss]
    forward[with_loss] = _quotients(_mapped(sub, [plus[i] for i in with_loss], known), known_steps)
    backward[with_loss] = _quotients(
        _mapped(sub, known, [minus[i] for i in with_loss]), known_steps
    )
    # L+ = L− and L, where given, the same too: the step changed nothing
    vanished = np.array(_mapped(eq, plus, minus), dtype=bool)
    same_loss = np.ones(len(rows), dtype=bool)
    same_loss[with_loss] = _mapped(eq, known, [plus[i] for i in with_loss])
    vanished &= same_loss
    with np.errstate(all="ignore"):  # differences that overflow float64 are inf (rows kept)
        noise = (uncertainty_plus + uncertainty_minus) / (2.0 * epsilons) + _stored_rounding(
            central
        )
    sizes = u * np.abs(loss_values[with_loss]) + _digit_units(known)
    spreads = np.concatenate([uncertainty_plus, uncertainty_minus, sizes])
    grid = (np.concatenate([loss_plus, loss_minus, loss_values[with_loss]]), spreads)
    return (
        epsilons,
        loss_plus,
        loss_minus,
        loss_values,
        central,
        forward,
        backward,
        vanished,
        noise,
        grid,
    )


def _measured_sweep(objective: MeasuredObjective, dtype: str) -> SweepResult:
    """Rows sorted by ε; estimates exact from the typed decimals, then shown as floats.

    ``dtype`` is the format the losses were computed in ("exact" for numbers worked out by
    hand): the ± of each row counts that format's round-off (u·|L| per loss, since a loss
    printed from it is only that accurate) plus half a unit in the last digit printed.
    """
    import time

    started = time.perf_counter()
    source = dtype if dtype in SOURCE_DTYPES else "float64"
    u = 0.0 if source == "exact" else precision.unit_roundoff(source)
    rows = _sorted_by_epsilon(objective.rows)
    arrays = _row_arrays(rows, u)
    epsilons, loss_plus, loss_minus, loss_values = arrays[:4]
    central, forward, backward, vanished, noise = arrays[4:9]
    # losses on a grid coarser than their format and digits: each off by up to half its step
    quantum = 0.0 if source == "exact" else rows_quantum(*arrays[9])
    inner, part = (None, 0.0) if source == "exact" else coarse_part(*arrays[:4], vanished, u)
    quantum = max(quantum, part)
    zero_unit = _zero_unit(rows)
    if zero_unit is not None:  # a loss typed as an exact zero: the table's digits, not its own
        units = [
            _typed_units(_column(rows, name), zero_unit) for name in ("loss_plus", "loss_minus")
        ]
        spread = u * (np.abs(loss_plus) + np.abs(loss_minus)) + units[0] + units[1]
        noise = spread / (2.0 * epsilons) + _stored_rounding(central)
    with np.errstate(all="ignore"):
        noise = noise + quantum / (2.0 * epsilons)
    printed_by_repr = source != "exact" and _printed_by_repr(rows)
    shown_error: list[float] = []  # the round-off the rows show beyond their ±, once read
    references: list[ReferenceValue] = []
    has_checked = objective.reference is not None
    if has_checked:
        references.append(typed_backprop(objective.reference, source))  # typed_claim's rule
    # one row per distinct ε: the first usable one (rows are sorted by ε, stably)
    usable = np.flatnonzero(~vanished & np.isfinite(central))
    usable = usable if inner is None else usable[epsilons[usable] > inner[0]]  # coarse_part
    distinct, first = np.unique(epsilons[usable], return_index=True)
    if distinct.size >= MIN_JUDGING_ROWS:
        keep = usable[first]

        def curvature(positions: np.ndarray) -> EvenPart | None:
            picked = rows.take(keep[np.sort(positions)])  # ascending ε (keep is)
            if None in picked.loss:
                return None
            plus, minus, losses = (
                _column(picked, name) for name in ("loss_plus", "loss_minus", "loss")
            )
            sides = (
                u * np.abs(np.array(_mapped(float, plus + minus))).reshape(2, -1).sum(axis=0)
                + _typed_units(plus, zero_unit)
                + _typed_units(minus, zero_unit)
            )
            centre = 2.0 * (
                u * np.abs(np.array(_mapped(float, losses)))
                + _loss_units(losses, zero_unit, printed_by_repr)
            )
            sides, centre = sides + shown_error[0] + quantum, centre + shown_error[0] + quantum
            even = even_part(picked, sides, centre)
            if even is not None and np.median(centre) > COARSE_LOSS * np.median(sides):
                # the loss at w printed with fewer digits than L+ and L− ("1" beside them)
                even = replace(even, coarse_centre=True)
            return even

        def sums(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            picked = rows.take(keep[np.sort(positions)])  # ascending ε (keep is)
            plus, minus = (_column(picked, name) for name in ("loss_plus", "loss_minus"))
            total = _mapped(lambda a, b: a + b, plus, minus)
            values = np.array(_mapped(float, _mapped(sub, total, [total[0]] * len(total))))
            spread = (
                u * np.abs(np.array(_mapped(float, plus + minus))).reshape(2, -1).sum(axis=0)
                + _typed_units(plus, zero_unit)
                + _typed_units(minus, zero_unit)
            )
            spread = spread + shown_error[0] + quantum
            # doubled as the central estimates' bars are; the float64 rounding of each sum
            return values, 2.0 * spread + FLOAT64_ROUNDOFF * np.abs(values)

        # the loss error the rows show beyond their ± (``_rows_richardson``): each central
        # difference's doubled ± grows by it over ε, i.e. each loss's by half of it
        shown_error.append(0.0)
        rows_reference = _rows_richardson(
            epsilons[keep],
            central[keep],
            2.0 * noise[keep],
            curvature,
            sums,
            widen=lambda total: shown_error.__setitem__(0, total),
            most=largest_loss_error(u, np.abs(np.concatenate([loss_plus, loss_minus]))),
        )
        if rows_reference is not None:
            note = rows_reference.note + grid_note(quantum)
            references.append(replace(rows_reference, note=note))
    typical = _representative_loss(loss_values, loss_plus, loss_minus)
    result = _assemble(
        label=objective.label,
        kind="measured",
        dtype=source,
        point=None,
        epsilons=epsilons,
        loss=typical,
        loss_values=np.where(np.isfinite(loss_values), loss_values, typical),
        loss_plus=loss_plus,
        loss_minus=loss_minus,
        vanished=vanished,
        estimates={"central": central, "forward": forward, "backward": backward},
        references=tuple(references),
        curvature=None,
        third=None,
        started=started,
        smooth=False,
        has_checked=has_checked,
        unit_roundoff=u,
        row_noise=noise + _shown(shown_error) / (2.0 * epsilons),
    )
    # each loss's ± doubled as the central estimates' bars are: its own round-off (format,
    # digits: ``row_explained``), plus the round-off and grid quantum (0: none) the rows showed
    extra = _shown(shown_error) + quantum  # ``side_slopes`` reads each column's
    pairs = ((loss_plus, "loss_plus"), (loss_minus, "loss_minus"))
    own = [2.0 * (u * np.abs(v) + _typed_units(_column(rows, n), zero_unit)) for v, n in pairs]
    result.extras.update(loss_roundoff=tuple(own), rows_quantum=float(quantum))
    result.extras["loss_noise"] = tuple(part + extra for part in own)
    if np.isfinite(forward).any():  # the loss at w given: the one-sided rows' ± (measured_kink)
        units = [
            _loss_units(_column(rows, name), zero_unit, printed_by_repr) for name in _LOSS_COLUMNS
        ]
        result.extras["centre_noise"] = 2.0 * (u * np.abs(loss_values) + units[2]) + extra
        result.extras["shown_loss_error"] = extra  # in each of the three (``side_slopes``)
        sizes = [np.abs(np.nan_to_num(v)) for v in (loss_plus, loss_minus, loss_values)]
        extra = (_shown(shown_error) + quantum) / 2.0  # each loss's share of the round-off shown
        spread = [u * size + unit + extra for size, unit in zip(sizes, units, strict=True)]
        with np.errstate(all="ignore"):
            result.extras["one_sided_noise"] = (
                (spread[0] + spread[2]) / epsilons + FLOAT64_ROUNDOFF * np.abs(forward),
                (spread[2] + spread[1]) / epsilons + FLOAT64_ROUNDOFF * np.abs(backward),
            )
    result.extras.update({} if inner is None else {"inner_reading": inner})
    conflicts = _conflicting_epsilons(epsilons, loss_plus, loss_minus, loss_values)
    if conflicts:
        result.extras["conflicting_epsilons"] = conflicts
    return result


_LOSS_COLUMNS = ("loss_plus", "loss_minus", "loss")


def _shown(shown_error: list[float]) -> float:
    """The loss error the rows showed beyond their ± (0 before or without a reading)."""
    return shown_error[0] if shown_error else 0.0


def _representative_loss(
    loss_values: np.ndarray, loss_plus: np.ndarray, loss_minus: np.ndarray
) -> float:
    """The table's loss L, signed (``result.loss``, JSON "loss"): the median of the rows' L
    where the rows give one, else the median of (L+ + L−)/2 (L to within the curvature
    term ε²·L″/2). Only its size enters the round-off; the sign is the person's loss."""
    finite = loss_values[np.isfinite(loss_values)]
    if finite.size:
        return float(np.median(finite))
    with np.errstate(all="ignore"):
        middle = loss_plus / 2.0 + loss_minus / 2.0
    finite = middle[np.isfinite(middle)]
    return float(np.median(finite)) if finite.size else float(np.median(loss_plus))


def _conflicting_epsilons(
    epsilons: np.ndarray, loss_plus: np.ndarray, loss_minus: np.ndarray, losses: np.ndarray
) -> list[float]:
    """The ε that two or more rows (sorted by ε, as floats) share with different losses.
    The sweep keeps them all in the curves; the Richardson reference over the rows takes
    the first usable row of each ε (file order), and the words say so."""

    def differ(column: np.ndarray) -> np.ndarray:
        before, after = column[:-1], column[1:]
        return ~((before == after) | (np.isnan(before) & np.isnan(after)))

    same = epsilons[1:] == epsilons[:-1]
    clash = same & (differ(loss_plus) | differ(loss_minus) | differ(losses))
    return [float(value) for value in np.unique(epsilons[1:][clash])]


def usable_rows(result: SweepResult) -> int:
    """The distinct ε among the rows that give a central difference (L+ ≠ L− or L, finite)."""
    usable = ~result.vanished & np.isfinite(result.central.estimates)
    return int(np.unique(result.epsilons[usable]).size)


def too_few_rows(result: SweepResult, diagnosis):
    """Measured rows too few to judge the gradient under check (fewer than three distinct
    usable ε): neither confirmed nor refuted, whatever the rows show (case ``too-few-rows``,
    kind ``estimate``): two rows show no trend in ε, so no bar bounds their truncation. The
    CLI (``sweep --table``, exit 2) and the explorer say the same. Rows that are not finite
    or change nothing keep their own reading (undefined, flat rows)."""
    if result.kind != "measured" or not result.has_checked:
        return diagnosis
    rows = usable_rows(result)
    if (
        rows >= MIN_JUDGING_ROWS
        or diagnosis.kind not in ("wrong", "correct", "estimate")
        or diagnosis.case == "flat-rows"  # no row changes: said as such
        or "flat_change" in diagnosis.facts  # ... and they refute the gradient (flat_rows)
    ):
        from fdgui.core.sweep.measured_kink import kink_at_w_rows

        judged = kink_at_w_rows(result, _overflowing_rows(result, diagnosis))
        judged = sides_refute(result, resting_on_the_room(result, judged))
        return one_kink_assumed(result, judged)
    facts = {
        **diagnosis.facts,
        "rows": rows,
        "total_rows": int(np.size(result.epsilons)),
        "min_rows": MIN_JUDGING_ROWS,
        "unchanged_rows": int(np.count_nonzero(result.vanished)),
    }
    return replace(diagnosis, kind="estimate", case="too-few-rows", facts=facts, reasons=())


def _overflowing_rows(result: SweepResult, diagnosis):
    """Rows whose losses are all finite but whose central differences overflow float64 are
    not an undefined loss: the words say the differences overflow (fact
    ``difference_overflows``), and ``sweep --table`` exits 2 (nothing judged)."""
    if diagnosis.case != "not-finite":
        return diagnosis
    if not (np.all(np.isfinite(result.loss_plus)) and np.all(np.isfinite(result.loss_minus))):
        return diagnosis
    return replace(diagnosis, facts={**diagnosis.facts, "difference_overflows": True})
