"""The sweep of measured rows: estimates exact from the typed decimals, each row's ± from the
format the losses came from and the digits printed, Richardson over the rows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter, eq, mul, sub, truediv
from typing import Any

import numpy as np

from fdgui.core.models.measured import RowColumns
from fdgui.core.numbers import precision
from fdgui.core.sweep.engine import SweepResult, _assemble
from fdgui.core.sweep.objectives import MeasuredObjective
from fdgui.core.sweep.references import (
    FLOAT64_ROUNDOFF,
    NOT_CONVERGED,
    ReferenceValue,
    extrapolate,
    h2_run,
)
from fdgui.core.sweep.row_shape import (
    EvenPart,
    beyond_scale,
    both_explain,
    curvature_breaks,
    even_part,
    kink_explains,
    odd_explains,
    on_one_line,
)

SOURCE_DTYPES: tuple[str, ...] = ("float64", "float32", "float16", "bfloat16", "exact")
# fewer measured rows than this give no trend in ε and no Richardson reference over the rows
MIN_JUDGING_ROWS = 3
CORRECTION_SHARE = 0.25  # of the extrapolation's correction to the smallest row, in the bar


def _rows_richardson(
    epsilons: np.ndarray,
    central: np.ndarray,
    noise: np.ndarray,
    curvature: Callable[[np.ndarray], EvenPart | None] | None = None,
) -> ReferenceValue | None:
    """Richardson over the rows that show the h² law (the smallest ε upwards, at least
    three: ``h2_run``), its ``limit`` what dominates its bar; "unconverged" (no bound, never
    used to judge) when the three smallest already break the law, ``limit`` saying by what.
    ``curvature`` gives, for positions into the arrays, those rows' even part
    (``row_shape.EvenPart``; None where a row has no loss at w): it must follow its own law
    of small ε, and bounds the kink it leaves room for (``_law_shown``).
    """
    count, broken = h2_run(epsilons, central, noise)
    order = np.argsort(epsilons)
    if count < MIN_JUDGING_ROWS:
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
    used = order[:count]
    try:
        tableau = extrapolate(epsilons[used], central[used], noise[used])
    except ValueError:
        return None
    # the extrapolation moves the smallest row's estimate by its correction; three rows
    # check the law once (one pair of c's), so a quarter of that correction stays uncertain
    # (1/(1+300w²) at 0.13, rows to 0.7 of its radius of convergence: c's agreeing to 1 %
    # while the h⁶… terms still moved the value 5 % of the correction)
    error = tableau.error
    correction = abs(tableau.value - central[order[0]])
    if count == MIN_JUDGING_ROWS:
        error = max(error, CORRECTION_SHARE * correction)
    even = curvature(used) if curvature is not None else None
    shown, broken, refute_error = _law_shown(
        epsilons[used], central[used], noise[used], tableau.value, correction, even
    )
    if shown is None:
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
    error = max(error, shown) + FLOAT64_ROUNDOFF * abs(tableau.value)
    dominant = "round-off" if 2.0 * tableau.carried >= error else "truncation"
    kink = even.kink if even is not None and np.isfinite(even.kink) else None
    if refute_error is not None:
        # rows with no loss at w that S + J·d/ε fits as well leave room for a kink between
        # w and the smallest ε: the truth is bounded only with that room (up to the
        # ``_kink_margin`` assumption), so it is the bar, for confirming as for refuting
        kink = refute_error
        error = error + refute_error
    return ReferenceValue(
        "Richardson",
        tableau.value,
        error,
        note=f"extrapolated from the {count} measured central estimates at the smallest ε "
        f"(of {epsilons.size}) that follow the h² law",
        status="ok" if np.isfinite(tableau.error) else "unconverged",
        limit=dominant,
        kink=kink,
    )


KINK_MARGIN = 1000.0  # see _kink_margin


def _kink_margin(steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray) -> float:
    """The room for a kink the bar of rows with no loss at w (sorted by ε) must hold.
    Past a kink at d < ε from w with jump J the central differences are S + J·d/ε and the
    derivative is S ± J, so two rows i, j bound
    J·d ≤ (|D_i − D_j| + ±_i + ±_j)/(1/ε_i − 1/ε_j). A disagreement J beyond
    KINK_MARGIN times that bound over the smallest ε needs a kink within ε/KINK_MARGIN of
    w: that much room is held (a unit switching so close to w is the rare case the
    one-sided differences, with the loss at w, would show). Read over consecutive rows and each row
    with the largest."""
    h, d, n = steps, estimates, noise
    with np.errstate(all="ignore"):
        pairs = [(h[:-1], h[1:], d[:-1], d[1:], n[:-1], n[1:])]
        pairs.append((h[:-1], h[-1:], d[:-1], d[-1:], n[:-1], n[-1:]))
        bounds = [
            (np.abs(di - dj) + ni + nj) / (1.0 / hi - 1.0 / hj) for hi, hj, di, dj, ni, nj in pairs
        ]
        bound = float(np.min(np.concatenate(bounds)))
    if not np.isfinite(bound):
        return float("inf")
    return KINK_MARGIN * bound / float(h[0])


def _law_shown(
    steps: np.ndarray,
    estimates: np.ndarray,
    noise: np.ndarray,
    value: float,
    correction: float,
    even: EvenPart | None = None,
) -> tuple[float | None, str, float | None]:
    """The least bar the run's evidence allows (None when the run does not show the h² law),
    what hides the law otherwise ("truncation" or "round-off"), and whether a disagreement
    with that bar may refute a gradient.

    Passing the pairs' overlap test is not showing the law: rows far beyond the loss's scale
    (central differences falling like 1/ε towards 0) give coefficients c ≈ 0 that overlap
    everything. Shown means either some consecutive pair's c is non-zero beyond its
    round-off (a measured h² term; the c's drift beyond their round-off across the run,
    times the smallest ε², stays in the bar) and the extrapolation moves the smallest row
    by at most a quarter of the value (an eighth over three rows, whose one check of the
    law can pass by chance; beyond that the smallest ε is not small against the
    loss's scale and the h⁴… terms the one tolerance check cannot exclude are as large as
    the h² term) while L+ − L− still grows with ε (``_beyond_scale``); or, with no resolved
    c, the non-zero estimates (a row whose L+ = L− is no evidence) agree within their bars
    over ε a factor 4 apart, so that an h² term of any size larger than the bars would show,
    and are non-zero beyond their bars (not the 1/ε decay to 0 of rows beyond the loss's
    scale): then the bar is the best row's ± plus the h² term there that the largest row
    bounds, plus the value's distance from it. Either way the rows' even part (``even``,
    when the table gives the loss at w) must not break its own law
    (``row_shape.curvature_breaks``: a kink between w and the smallest ε), and the bar
    grows by the jump of the kink it leaves room for (``EvenPart.kink``). Flat estimates,
    or a single resolved c, with no loss at w to bound such a kink return (third) the room
    ``_kink_margin`` leaves for one, which the caller adds to the bar (None: no such room).
    """
    order = np.argsort(steps)
    h, d, n = steps[order], estimates[order], noise[order]
    if curvature_breaks(even):
        return None, "truncation", None
    with np.errstate(all="ignore"):
        q = h[1:] ** 2 - h[:-1] ** 2
        c = (d[:-1] - d[1:]) / q
        radius = (n[:-1] + n[1:]) / q
    if np.any(np.abs(c) > radius):
        # one check of the law (three rows) can pass by chance: a tighter cap
        cap = 0.125 if steps.size <= MIN_JUDGING_ROWS else 0.25
        if not correction <= cap * abs(value) or beyond_scale(h, d, n):
            return None, "truncation", None
        if even is None and not on_one_line(h, d, n):
            # with no loss at w the even part cannot show a kink; the run itself must
            return None, "truncation", None
        drift = max(0.0, float(np.max(c - radius) - np.min(c + radius)))
        if even is None and (
            np.count_nonzero(np.abs(c) > radius) < 2
            or kink_explains(h, d, n)
            or odd_explains(h, d, n)
            or both_explain(h, d, n)
        ):
            # one resolved c is one measurement of the h² term, not the law: the other
            # pairs' c's overlap it only through their round-off; or the rows are as well
            # S + J·d/ε (a kink past w), or V + b·ε or both (the curvature jumping there
            # too: a term odd in ε, which a smooth loss never gives). With no loss at w to
            # read the even part, the bar holds a kink outside ε/1000
            return drift * float(h[0]) ** 2, "truncation", _kink_margin(h, d, n)
        if even is not None and np.isfinite(even.kink):
            # a kink the even part leaves room for moves the derivative by up to its jump
            drift = drift * float(h[0]) ** 2 + even.kink
            return drift, "truncation", None
        return drift * float(h[0]) ** 2, "truncation", None
    # rows whose estimate is exactly 0 (L+ = L−: the loss decayed to the same value on both
    # sides, or changed below its digits) overlap anything: they show no law
    informative = d != 0.0
    if np.count_nonzero(informative) < MIN_JUDGING_ROWS:
        return None, "round-off", None
    h, d, n = h[informative], d[informative], n[informative]
    low, high = np.max(d - n), np.min(d + n)
    if h[-1] >= 4.0 * h[0] and low <= high and (low > 0.0 or high < 0.0):
        # value = some row j's D less the h² term there, which the largest row k bounds:
        # |c|·h_j² ≤ (|D_k − D_j| + n_k + n_j)·h_j²/(h_k² − h_j²); the best such j (h_k ≥ 2h_j)
        far = h[-1] >= 2.0 * h[:-1]
        with np.errstate(all="ignore"):
            bounds = (
                np.abs(value - d[:-1])
                + n[:-1]
                + (np.abs(d[-1] - d[:-1]) + n[-1] + n[:-1])
                * h[:-1] ** 2
                / (h[-1] ** 2 - h[:-1] ** 2)
            )
        bounds = bounds[far & np.isfinite(bounds)]
        if not bounds.size:
            return None, "round-off", None
        if even is None or not np.isfinite(even.kink):
            return float(np.min(bounds)), "round-off", _kink_margin(h, d, n)
        # a kink the even part leaves room for moves the derivative by up to its jump
        return float(np.min(bounds)) + even.kink, "round-off", None
    return None, "round-off", None


def _stored_rounding(central: np.ndarray) -> np.ndarray:
    """What storing each row in float64 adds to its ± whatever the source dtype: half an ulp
    of the central difference (worked out exactly from the typed decimals, then rounded),
    and the rounding of ε, which moves the row's abscissa h² by 2u relative, so its estimate
    by 2u·|c·h²|, at most 2u·|D − D(smallest ε)| plus as much again for the smallest row's
    own truncation (taken as 2u·|D|). Richardson over close ε multiplies these by its
    Lebesgue constant (10⁴ and more), so they are not negligible on exact sources."""
    magnitude = np.abs(np.where(np.isfinite(central), central, 0.0))
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


def _quotients(numerators: list, denominators: list) -> np.ndarray:
    """float(n / d) of each pair, n / d worked out in decimal first (as typed: exact up to
    the context's precision, then rounded once more to a float)."""
    return np.array(_mapped(float, _mapped(truediv, numerators, denominators)), dtype=float)


def _row_arrays(rows: list, u: float) -> tuple[np.ndarray, ...]:
    """The rows (sorted by ε) as arrays: ε, L+, L−, L (nan where missing), the central,
    forward and backward differences worked out from the typed decimals, whether the step
    changed nothing, and each row's ± (``u``·|L| per loss plus half a unit in its last
    printed digit, over 2ε, plus float64 storage)."""
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
    noise = (uncertainty_plus + uncertainty_minus) / (2.0 * epsilons) + _stored_rounding(central)
    return epsilons, loss_plus, loss_minus, loss_values, central, forward, backward, vanished, noise


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
    central, forward, backward, vanished, noise = arrays[4:]
    zero_unit = _zero_unit(rows)
    if zero_unit is not None:  # a loss typed as an exact zero: the table's digits, not its own
        units = [
            _typed_units(_column(rows, name), zero_unit) for name in ("loss_plus", "loss_minus")
        ]
        spread = u * (np.abs(loss_plus) + np.abs(loss_minus)) + units[0] + units[1]
        noise = spread / (2.0 * epsilons) + _stored_rounding(central)
    references: list[ReferenceValue] = []
    has_checked = objective.reference is not None
    if has_checked:
        value = float(objective.reference)
        references.append(ReferenceValue("backprop", value, 0.0, 0, "typed", status="ok"))
    # one row per distinct ε: the first usable one (rows are sorted by ε, stably)
    usable = np.flatnonzero(~vanished & np.isfinite(central))
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
                u * np.abs(np.array(_mapped(float, losses))) + _typed_units(losses, zero_unit)
            )
            return even_part(picked, sides, centre)

        rows_reference = _rows_richardson(
            epsilons[keep], central[keep], 2.0 * noise[keep], curvature
        )
        if rows_reference is not None:
            references.append(rows_reference)
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
        row_noise=noise,
    )
    conflicts = _conflicting_epsilons(epsilons, loss_plus, loss_minus, loss_values)
    if conflicts:
        result.extras["conflicting_epsilons"] = conflicts
    return result


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
    from dataclasses import replace

    if result.kind != "measured" or not result.has_checked:
        return diagnosis
    rows = usable_rows(result)
    if (
        rows >= MIN_JUDGING_ROWS
        or diagnosis.kind not in ("wrong", "correct", "estimate")
        or diagnosis.case == "flat-rows"  # no row changes: said as such
    ):
        return diagnosis
    facts = {
        **diagnosis.facts,
        "rows": rows,
        "total_rows": int(np.size(result.epsilons)),
        "min_rows": MIN_JUDGING_ROWS,
    }
    return replace(diagnosis, kind="estimate", case="too-few-rows", facts=facts, reasons=())
