"""Measured rows with no loss at w and a kink between the smallest ε and the largest
(review13v C3; `sweep --table`).

L = g(w) + J·relu(±(w − c)), the kink d = c − w between 1e-10 and 1e-8 from w, float64 rows
ε = 2^-2 … 2^-40: the rows below the kink read the slope at w to 1e-7 or better over three
decades of ε; the rows above it read g'(w) + J/2 (the kink's average). Their departure from
the smallest rows' law, read as round-off (``row_scatter.run_departure``), widened every
row's ± until the rows above the kink set the reference (1.0007 ± 0.079 for a truth of
0.9507), and ±1 % and ±10 % bugs were "Gradient correct (confirmed …; limited by
truncation)". A loss error that would keep rows a thousandfold apart in ε on one value is
no round-off: the rows below the kink decide.

Truths are 50-digit mpmath values of the loss the rows were rounded from."""

from __future__ import annotations

import itertools

import mpmath as mp
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50
STEPS = [2.0 ** -(2 + 2 * i) for i in range(20)]
FUNCTIONS = {
    "sin": (mp.sin, mp.cos),
    "log1p2": (lambda x: mp.log(1 + x * x), lambda x: 2 * x / (1 + x * x)),
}


def _table(name: str, w: float, d: float, jump: float, side: int) -> tuple[str, float]:
    """The rows of g(x) + jump·relu(side·(x − c)), c = w + d, and the slope at w."""
    g, dg = FUNCTIONS[name]
    c = mp.mpf(w) + mp.mpf(d)

    def loss(x):
        return g(x) + jump * max(side * (x - c), 0)

    active = (side > 0 and d < 0) or (side < 0 and d > 0)
    truth = float(dg(mp.mpf(w)) + (side * jump if active else 0))
    lines = ["# eps,L+,L-"]
    for e in STEPS:
        plus, minus = (float(loss(mp.mpf(w) + s * mp.mpf(e))) for s in (1, -1))
        lines.append(f"{e!r},{plus!r},{minus!r}")
    return "\n".join(lines) + "\n", truth


def _verdict(text: str, claim: float) -> str:
    objective, _problems, dtype = table_request(text, repr(claim), None)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return diagnose(result).kind


CASES = list(
    itertools.product(["sin", "log1p2"], [1e-9, -1e-9, 3e-10, -5e-9], [0.1, 0.03], [1, -1])
)


@pytest.mark.parametrize(("name", "d", "jump", "side"), CASES)
def test_rows_below_a_kink_decide_what_they_resolve(name, d, jump, side):
    w = 0.315371573223564
    text, truth = _table(name, w, d, jump, side)
    assert _verdict(text, truth) == "correct"
    for offset in (0.01, -0.01, 0.1, -0.1):
        assert _verdict(text, truth * (1 + offset)) == "wrong", offset


def test_a_kink_at_the_edge_of_the_rows_below_it():
    # review13v C3, kinkfam2 seed 17: the row just above the kink departs by 0.4 % only, the
    # rows above it by 5 %: read by the first alone, the run's rows (a span of 256) could
    # share a rounding bias, and the departure widened every row's ± into "room for a kink"
    w, d = 0.6133815542373582, -8.561471193669531e-10
    text, truth = _table("log1p2", w, d, 0.1, 1)
    assert truth == pytest.approx(0.9913894699172406, rel=1e-15)
    assert _verdict(text, truth) == "correct"
    for offset in (0.1, -0.1, 0.01, -0.01):
        assert _verdict(text, truth * (1 + offset)) == "wrong", offset


def test_the_reviewers_table():
    # review13v C3: repro/relu_near_1e-9_f64_noL.csv, sin(w) + 0.1·relu(w − c), c = w + 1e-9
    w = 0.315371573223564
    text, truth = _table("sin", w, 1e-9, 0.1, 1)
    assert truth == pytest.approx(0.9506811937751354, rel=1e-15)
    for offset in (0.1, 0.01):
        assert _verdict(text, truth * (1 + offset)) == "wrong"
