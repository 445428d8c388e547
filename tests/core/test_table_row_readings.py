"""A gradient the rows' reference confirms only through its room for a kink is not confirmed
where rows of its run, each reading the derivative within its own ±, put it beyond twice
their bar (review13v H2; ``row_readings``, ``kink_room.resting_on_the_room``).

float16 rows of 1/(1 + 25w²) with L: the reference −0.46906 ± 0.0497 (± 0.029 without the
room for a kink) while the rows at ε = 0.031 and 0.0078 read −0.4639 ± 0.004 and
−0.4687 ± 0.017: a 10 % bug, −0.5084, was "Gradient correct (confirmed by the Richardson
reference …)". It is now "too coarse to judge (room for a kink near w)" — never "wrong"
from this rule — and the exact gradient stays confirmed."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50

RUNGE_F16 = """# eps,L-,L+,L
0.125,0.216187,0.0913086,0.135132
0.03125,0.150757,0.121765,0.135132
0.0078125,0.138916,0.131592,0.135132
0.00195312,0.136108,0.134277,0.135132
0.000488281,0.135376,0.13501,0.135132
0.00012207,0.135254,0.135132,0.135132
3.05176e-05,0.135254,0.135132,0.135132
7.62939e-06,0.135132,0.135132,0.135132
1.90735e-06,0.135132,0.135132,0.135132
4.76837e-07,0.135132,0.135132,0.135132
1.19209e-07,0.135132,0.135132,0.135132
2.98023e-08,0.135132,0.135132,0.135132
"""
RUNGE_TRUTH = -0.46221957  # d/dw 1/(1 + 25w²) at w = 0.505859375


def _diagnosis(text: str, claim: float):
    objective, _problems, dtype = table_request(text, repr(claim), None)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return diagnose(result)


def test_the_reviewers_float16_table():
    assert _diagnosis(RUNGE_F16, RUNGE_TRUTH).kind == "correct"
    for offset in (0.1, -0.1):
        found = _diagnosis(RUNGE_F16, RUNGE_TRUTH * (1 + offset))
        assert found.kind != "correct", offset
        assert found.kind != "wrong" or offset < 0  # never wrong from this rule
    found = _diagnosis(RUNGE_F16, RUNGE_TRUTH * 1.1)
    assert (found.kind, found.case) == ("estimate", "unresolved")
    assert found.facts["room_only"] < 0.01


def _float16_table(loss, w: float, step: int) -> str:
    lines = ["# eps,L-,L+,L"]
    for k in range(12):
        e = 2.0 ** -(3 + step * k)
        values = [loss(mp.mpf(w) - e), loss(mp.mpf(w) + e), loss(mp.mpf(w))]
        cells = [float(np.float16(float(v))) for v in values]
        lines.append(",".join(f"{v:.6g}" for v in (e, *cells)))
    return "\n".join(lines) + "\n"


# (loss, w, step): float16 tables with L where a ±10 % bug was "correct" (seeds of a family
# of 1/(1 + a·w²), sin, exp, tanh tables, ε = 2^-3 … every 2^-2, np.savetxt %.6g)
CASES = {
    "runge10": (lambda x: 1 / (1 + 10 * x * x), 0.197021484375, 2),
    "exp-0.14": (mp.exp, -0.1396484375, 2),
    "exp-0.76": (mp.exp, 0.76025390625, 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_that_read_the_derivative_keep_a_10_percent_bug_from_confirmation(name):
    loss, w, step = CASES[name]
    truth = float(mp.diff(loss, mp.mpf(w)))
    text = _float16_table(loss, w, step)
    assert _diagnosis(text, truth).kind == "correct"
    for offset in (0.1, -0.1):
        assert _diagnosis(text, truth * (1 + offset)).kind != "correct", offset
