"""The kink reading of the one-sided differences (``evidence._kink``) works on arrays: a loop
building a tuple per grid point held the interpreter for about half a second on a 100,000-row
measured table (the window waits for it). It reads exactly what the loop read."""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.models.measured import MeasuredRow
from fdgui.core.sweep import evidence
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import expression_objective, measured_objective


def _kink_by_loop(result, usable):
    """The rule as it was written first: one grid point at a time."""
    epsilons = result.epsilons
    jump, noise, readable = evidence._readable_jump(result, usable)
    if epsilons.size < 4 or readable.sum() < 2:
        return None, None
    per_decade = (epsilons.size - 1) / max(np.log10(epsilons[-1] / epsilons[0]), 1e-9)
    offset = max(1, round(per_decade))
    slopes, leaps = [], []
    bound = np.where(readable, jump, 30.0 * noise)
    for i in range(0, epsilons.size - offset):
        j = i + offset
        if not readable[j] or not np.isfinite(bound[i]) or not bound[i] > 0:
            continue
        with np.errstate(all="ignore"):
            slope = np.log10(jump[j] / bound[i]) / np.log10(epsilons[j] / epsilons[i])
        if readable[i]:
            slopes.append((float(epsilons[j]), float(slope)))
        elif evidence._stays(result, readable, j, offset):
            leaps.append((float(epsilons[j]), float(slope)))
    if not slopes and not leaps:
        return None, None
    with np.errstate(all="ignore"):
        sides = np.maximum(np.abs(result.forward.estimates), np.abs(result.backward.estimates))
    typical = float(np.median(sides[readable])) if readable.any() else 0.0
    scale = max(abs(result.reference.value) if result.reference else 0.0, typical, 5e-324)
    smallest_readable = int(np.flatnonzero(readable)[0])
    first = [slope for _, slope in slopes[: max(1, offset // 4)]]
    # the rules added since, one reading at a time: a jump at w must leave the settled
    # central differences between the slopes (``_midpoint_holds``), a flat decade without
    # curvature is a kink at w too, and a steep leap is a kink only where it levels off
    # (``_levels_off``) or, unread, no leap within the decade below it rose on
    # (``_kinks_among``): the first steep leap alone was the rule before those
    at_w = float(epsilons[smallest_readable])
    if (
        first
        and abs(np.median(first)) < 0.3
        and jump[smallest_readable] > 1e-6 * scale
        and evidence._midpoint_holds(result, usable, at_w)
    ):
        return "at", at_w
    flat = evidence._flat_decade_without_curvature(result, usable, offset, 1e-6 * scale)
    if flat is not None and evidence._midpoint_holds(result, usable, float(epsilons[flat[0]])):
        return "at", float(epsilons[flat[0]])
    smooth_at = None
    for upper, slope in sorted(leaps + slopes):
        if not slope > 2.5:
            continue
        level = evidence._levels_off(result, readable, jump, upper, offset)
        if level is None:
            level = smooth_at is None or upper > 10.0 * smooth_at
        elif not level:
            smooth_at = upper
        if level:
            return "crossed", upper / 10 ** (1 - 1 / slope)
    return None, None


EXPRESSIONS = [
    ("abs(w)", "0"),
    ("abs(w - 1e-9)", "0"),
    ("abs(w + 1e-6) + 1e4*w**2", "0"),
    ("relu(w - 1e-4)", "0"),
    ("sin(3*w)", "0.4"),
    ("cos(30*w) + abs(w)", "0"),
    ("exp(50*w)", "0.1"),
    ("maximum(w, 0.5*w)", "0"),
]


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("expression, point", EXPRESSIONS)
def test_the_arrays_read_what_the_loop_read(expression, point, dtype):
    result = run_sweep(expression_objective(expression, point), SweepSettings(dtype=dtype))
    for usable in (np.isfinite(result.central.estimates), np.ones(result.epsilons.size, bool)):
        assert evidence._kink(result, usable) == _kink_by_loop(result, usable)


def test_a_dense_measured_table_reads_the_same():
    from decimal import Decimal

    rows = []
    for number in range(3_000):
        eps = Decimal(repr(10.0 ** (-1 - 7 * number / 3_000)))
        # |w − 1e-5| + w²: a kink inside the rows' range
        plus = abs(eps - Decimal("1e-5")) + eps * eps
        minus = abs(-eps - Decimal("1e-5")) + eps * eps
        rows.append(MeasuredRow(eps, Decimal("1e-5"), plus, minus))
    result = run_sweep(measured_objective(rows, 1.0))
    usable = np.isfinite(result.central.estimates)
    got = evidence._kink(result, usable)
    assert got == _kink_by_loop(result, usable)
    assert got[0] is not None  # the kink is read
