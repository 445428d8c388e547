"""Measured rows on a 1-3-10 grid (ε = 0.3, 0.1, 0.03, …, 1e-12: consecutive ratios 3 and
10/3), the loss at w given, float64 printed by repr (review_final19 HIGH-3). Ordinary smooth
tables were "Too coarse (ε too large: truncation)", sign flips not refuted: the smallest
row, deep in round-off, landed far from the limit and was read as the h² law's correction
there; and rows past the loss's scale (tanh(b·x), ε·b up to 7) joined the run of rows the
pairs' check passed, whose largest pair's c turned back. Tables are made here from their
formulas over a grid of offsets, amplitudes, scales and points; truths at 50 digits."""

from __future__ import annotations

import itertools

import mpmath as mp
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.reading import judges_nothing

mp.mp.dps = 50
GRID = [m * 10.0**-k for k in range(1, 13) for m in (3, 1)]


def _table(loss, w) -> str:
    centre = repr(float(loss(mp.mpf(w))))
    lines = []
    for step in GRID:
        e = mp.mpf(step)
        plus, minus = (repr(float(loss(mp.mpf(w) + s * e))) for s in (1, -1))
        lines.append(f"{step!r},{plus},{minus},{centre}")
    return "\n".join(lines) + "\n"


def _judge(text: str, gradient: float):
    objective, _problems, dtype = table_request(text, repr(gradient), "float64")
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    diagnosis = diagnose(result)
    code = 2 if judges_nothing(diagnosis) else (1 if diagnosis.kind == "wrong" else 0)
    reference = next(r for r in result.references if r.method == "Richardson")
    return code, reference


def _offset(c, a):
    return lambda x: c + a * mp.sin(x)


def _mixed(a, b):
    return lambda x: mp.log(1 + x * x) + a * mp.tanh(b * x)


CASES = [
    *(
        ("offset", _offset(c, a), w)
        for c, a, w in itertools.product((-3.1e3, 2.2e5, -7.4e6), (0.23, 2.9), (0.41, -0.77))
    ),
    *(
        ("mixed", _mixed(a, b), w)
        for a, b, w in itertools.product((0.31, -1.2), (4.1, 9.3, 23.0), (0.12, -0.3))
    ),
]


@pytest.mark.parametrize(("family", "loss", "w"), CASES)
def test_smooth_rows_on_a_one_three_ten_grid_judge_the_gradient(family, loss, w):
    truth = float(mp.diff(loss, mp.mpf(w)))
    text = _table(loss, w)
    code, reference = _judge(text, truth)
    assert code == 0, (family, w, reference)
    assert abs(reference.value - truth) <= reference.error
    assert _judge(text, -truth)[0] == 1
    assert _judge(text, truth * 2)[0] == 1
    if family == "mixed":  # loss of order 1: its rows resolve a 1 % offset
        assert _judge(text, truth * 1.01)[0] == 1
