"""The quantum measured losses lie on, where it is coarser than their format and digits.

A loss computed through a larger intermediate ((s·(x − a)² + C) − C) or in a coarser
format than the table declares (float32 losses printed by repr and read as float64) takes
only values a whole number of quanta Q apart: each is off by up to Q/2 from the smooth loss,
not u·|L| plus half a unit in its last digit, which such rows undercut a million times.
Read with the smaller ±, their smallest rows' central differences (which move by whole
quanta over ε) break the h² law beyond it and their one-sided differences jump like a kink at
w (review10k MEDIUM-1: "Kink at w" for a smooth quadratic). ``measured`` adds Q/2 to each
loss's ± wherever every distinct loss of the table lies on such a grid."""

from __future__ import annotations

import numpy as np

FEW = 8  # distinct losses: fewer may lie on a grid by chance (flat.FEW_CHANGES)
COARSER = 20.0  # the grid's step must be this many times each loss's own ± (or more)


def rows_quantum(values: np.ndarray, spread: np.ndarray) -> float:
    """The power of two Q every finite loss in ``values`` lies a whole number of apart
    from the others — read from the lowest set bit of each exact difference of two
    consecutive distinct losses (a binary computation's losses lie on the grid of the ulp
    of their largest intermediate; a float64 loss's differences have bits down to ulp(L)) —
    when Q is COARSER times the losses' typical (median) ± ``spread`` (their format's
    rounding and printed digits: a loss repr prints short, "0.25", carries a wide digit
    unit though it is the float itself) and FEW or more losses are distinct; else 0. A
    loss printed with fewer digits than its float's lies on no binary grid and gives 0
    (its digits' ± stands)."""
    values = np.asarray(values, dtype=float)
    spread = np.asarray(spread, dtype=float)
    keep = np.isfinite(values) & np.isfinite(spread)
    values, spread = values[keep], spread[keep]
    distinct = np.unique(values)
    if distinct.size < FEW:
        return 0.0
    low, high = distinct[:-1], distinct[1:]
    with np.errstate(all="ignore"):
        gap = high - low
        exact = (high - gap == low) & (low + gap == high) & (gap > 0.0)
    gap = gap[exact]
    if gap.size < FEW - 1:
        return 0.0
    mantissa, exponent = np.frexp(gap)
    whole = np.ldexp(mantissa, 53).astype(np.int64)  # the gap's 53 significand bits
    lowest = np.log2((whole & -whole).astype(float)).astype(int)  # its lowest set bit
    step = float(np.min(np.ldexp(1.0, exponent - 53 + lowest)))
    return step if step > COARSER * float(np.median(spread)) else 0.0


def grid_note(quantum: float) -> str:
    """The words a reference over the rows adds when the losses lie on a quantum (empty
    when they do not)."""
    from fdgui.core.numbers import format as numbers

    if not quantum > 0.0:
        return ""
    return (
        f"; every loss lies a whole number of {numbers.significant(quantum, 2)} from the "
        "others, so each is taken as off by up to half of that (a loss computed through a "
        "larger intermediate, or in a coarser format than the table says)"
    )


def rows_part_quantum(*columns) -> float:
    """``quantum.part_quantum`` of the rows (0 where none shows): a coarser part whose
    even parts L+ + L− − 2L are 0 or whole multiples of one quantum from the smallest ε up
    (a float32 part beside a float64 path, 49 rows 1.47× apart: too few repeats for
    ``rows_reading``, review16x K2). Each loss is off by up to that quantum. Rows are few
    and their ε often double: a kink's even part R·ε is then 1, 2, 4, 8 "quanta" (a kink at
    w read as a part: "Too coarse"), so rows need FEW of them and the part seen back at 0
    (an even part of 0 after a non-zero one) below the first even part that is no whole
    multiple."""
    from fdgui.core.sweep.inner_format import rows_view
    from fdgui.core.sweep.quantum import part_quantum

    rows = rows_view(*columns)
    if rows is None or np.asarray(rows.epsilons).size < FEW:
        return 0.0
    found = part_quantum(_thinned(rows))
    if found is None:
        return 0.0
    with np.errstate(all="ignore"):
        order = np.argsort(np.asarray(rows.epsilons, dtype=float), kind="stable")
        even = (
            np.asarray(rows.loss_plus, dtype=float)
            + np.asarray(rows.loss_minus, dtype=float)
            - 2.0 * np.asarray(rows.loss_values, dtype=float)
        )[order] / found
        whole = np.round(even)
        near = np.abs(even - whole) <= 0.05
    stretch = whole[: int(np.argmin(near))] if not near.all() else whole
    steps = np.flatnonzero(stretch != 0)
    back = steps.size > 0 and bool(np.any(stretch[steps[0] :] == 0))
    return 2.0 * found if back else 0.0


PART_ROWS = 400  # rows a part's quantum is sought in: a longer table's, spread evenly over ε


def _thinned(rows):
    """``rows`` with at most PART_ROWS of them, spread evenly over the sorted ε. The quantum
    ``part_quantum`` seeks is a property of each row alone (its even part is 0 or a whole
    multiple of it), so fewer rows keep it; but every row's even part is a candidate quantum
    read against every row: 100,000 pasted rows took hours in the worker (session 17)."""
    from types import SimpleNamespace

    epsilons = np.asarray(rows.epsilons, dtype=float)
    if epsilons.size <= PART_ROWS:
        return rows
    order = np.argsort(epsilons, kind="stable")
    keep = order[np.unique(np.linspace(0, epsilons.size - 1, PART_ROWS).round().astype(int))]
    fields = ("epsilons", "loss_values", "loss_plus", "loss_minus", "vanished")
    thinned = {name: np.asarray(getattr(rows, name))[keep] for name in fields}
    return SimpleNamespace(**{**vars(rows), **thinned})


def coarse_part(*columns) -> tuple[tuple[float, float, bool] | None, float]:
    """(``inner_format.rows_reading`` of the rows: a coarser part beside a float64 path,
    read from the rows themselves as a probe's sweep reads it — the rows at or below its
    first move measure the float64 path alone; the quantum each loss is off by: twice that
    part's rounding, else ``rows_part_quantum``; 0 where none shows)."""
    from fdgui.core.sweep.inner_format import rows_reading

    inner = rows_reading(*columns)
    if inner is not None:
        return inner, 2.0 * inner[1]
    return None, rows_part_quantum(*columns)
