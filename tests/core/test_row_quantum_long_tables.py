"""A long measured table's coarser part is read in time linear in its rows.

``quantum.part_quantum`` tries each even part's size as the quantum against every row, and
``inner_format._grid_start`` took one median per row: 100,000 pasted rows held the sweep's
worker for minutes (quadratic) and the window waited on the interpreter (the fresh-clone
run of session 16: a 677 ms gap). The part is now sought in at most ``PART_ROWS`` rows spread
over ε (its signature, even parts 0 or whole multiples of the quantum, holds row by row), and
the medians are one array operation."""

from __future__ import annotations

import time

import numpy as np
import pytest

from fdgui.core.sweep import row_quantum
from fdgui.core.sweep.inner_format import _rolling_median
from fdgui.core.sweep.row_quantum import coarse_part, rows_part_quantum
from tests.core.test_table_coarse_part_beside import _table


def _columns(text: str) -> tuple[np.ndarray, ...]:
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    values = np.array(
        [[float(cell.removeprefix("np.float64(").rstrip(")")) for cell in row] for row in rows]
    )
    epsilons, plus, minus, centre = values.T
    return epsilons, plus, minus, centre, np.zeros(len(epsilons), dtype=bool), 2.0**-53


@pytest.mark.parametrize(("part", "kink"), [("f16", 1e3), ("f32", 1e-6), ("f32", 1e3)])
@pytest.mark.parametrize("rows", [1200, 3000])
def test_a_long_tables_part_is_the_quantum_a_short_one_shows(part, kink, rows):
    assert rows > row_quantum.PART_ROWS  # read from a spread of its rows
    short = rows_part_quantum(*_columns(_table(part, kink, row_quantum.PART_ROWS)))
    long = rows_part_quantum(*_columns(_table(part, kink, rows)))
    assert short > 0
    assert long == pytest.approx(short, rel=0.01)


def test_twenty_thousand_smooth_rows_are_read_in_a_fraction_of_a_second():
    count = 20_000
    epsilons = 10.0 ** (-1 - 7 * np.arange(count) / count)
    plus, minus = (1 + epsilons) ** 3, (1 - epsilons) ** 3
    columns = (epsilons, plus, minus, np.ones(count), np.zeros(count, dtype=bool), 2.0**-53)
    start = time.process_time()
    inner, quantum = coarse_part(*columns)
    seconds = time.process_time() - start
    assert inner is None and quantum == 0.0  # a smooth float64 cubic has no coarser part
    assert seconds < 2.0, f"{seconds:.1f} CPU s (before: ~20 s, quadratic in the rows)"


@pytest.mark.parametrize("size", [0, 1, 3, 6, 7, 8, 9, 40, 501])
def test_the_rolling_median_is_each_windows_median(size):
    rng = np.random.default_rng(size)
    values = rng.normal(size=size)
    if size > 4:
        values[rng.integers(0, size, 2)] = np.nan
    expected = [np.median(values[max(0, k - 3) : k + 4]) for k in range(size)]
    np.testing.assert_array_equal(_rolling_median(values, 3), np.array(expected))
