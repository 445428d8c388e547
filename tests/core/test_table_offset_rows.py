"""A wrong gradient's rows are a straight 2·δ·g·ε beside a smooth loss's odd truncation:
no kink or rounded part explains them (row_explained's ``Offset``). Over the top 1.5
decades an ε³, ε⁵ fit absorbs most of a straight line, and a smooth loss's ε³ overtaking
the line reads as a gap beginning past the rows that agree; both left resolvable bugs
"Too coarse to judge". Truths are exact ((1 + ε)³) or 50-digit mpmath."""

import time

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep import row_explained
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50


def _judge(text: str, gradient: str):
    objective, _problems, dtype = table_request(text, gradient, "float64")
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))


def _cube(count: int) -> str:
    """(1 ± ε)³ by repr at ε 1e-1 … 1e-8, the derivative at 0 exactly 3."""
    lines = ["eps,L+,L-"]
    for k in range(count):
        e = 10.0 ** (-1 - 7 * k / count)
        lines.append(f"{e!r},{(1 + e) ** 3!r},{(1 - e) ** 3!r}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("gradient", ["3.000003", "3.0003", "3.003", "3.03"])
def test_forty_rows_of_a_cube_refute_an_offset(gradient):
    # r = −2δ·3·ε + 2ε³: the rows resolve δ from 1e-6 up (beyond every row's ±)
    diagnosis = _judge(_cube(40), gradient)
    assert diagnosis.kind == "wrong", (diagnosis.case, diagnosis.facts.get("explained_by"))


def test_forty_rows_of_a_cube_confirm_the_derivative():
    assert _judge(_cube(40), "3").kind == "correct"


def test_a_row_printed_short_widens_its_own_bar_only():
    # exp(0.7x) at 0.9 rounded to 10 digits: a value whose trailing zeros its repr drops
    # reads as fewer digits, a wide ± on that row alone; a 1e-4 offset resolved by
    # every other row stays wrong
    point = mp.mpf("0.9")
    lines = ["eps,L+,L-"]
    for k in range(2000):
        e = 10.0 ** (-1 - 7 * k / 1999)
        plus, minus = (mp.exp(mp.mpf("0.7") * (point + s * e)) for s in (1, -1))
        lines.append(f"{e!r},{float(f'{float(plus):.10g}')!r},{float(f'{float(minus):.10g}')!r}")
    truth = float(mp.mpf("0.7") * mp.exp(mp.mpf("0.7") * point))
    diagnosis = _judge("\n".join(lines) + "\n", repr(truth * 1.0001))
    assert diagnosis.kind == "wrong", diagnosis.facts.get("explained_by")


def test_the_bounded_part_is_looked_for_in_time_linear_in_the_rows():
    # one least-squares fit over every row for each start was 14 s CPU for 20,000 rows
    epsilons = np.logspace(-9, -1, 20_000)
    odd = 2 * 3.0001 * epsilons + 2 * epsilons**3
    bar = np.full(epsilons.size, 4e-16)
    start = time.process_time()
    assert not row_explained.bounded_residual(epsilons, odd, bar, 3.0)
    assert time.process_time() - start < 2.0
