"""The verdict on measured rows is monotone in how far the gradient is off: a larger claimed
gradient must not loosen its own threshold (the resolving test scales with |T|, the
reference, alone); and three rows whose one check of the h² law passes by chance do not
call the truth wrong (a reviewer's tables)."""

import mpmath as mp
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

# 1/(w-2.3+0.1) at w = -0.8, float64 losses printed with 8 digits; f' = -1/9
NM1 = """\
2.88e-06,-0.33333365,-0.33333301,-0.33333333
2.98e-06,-0.33333366,-0.333333,-0.33333333
6.71e-07,-0.33333341,-0.33333326,-0.33333333
5.7e-07,-0.3333334,-0.33333327,-0.33333333
2.84e-06,-0.33333365,-0.33333302,-0.33333333
"""
# sin(30/w) at w = 0.5, float16 losses with 6 digits: every ε beyond the loss's scale
SIN30 = """\
0.028,0.266357,0.665039,-0.304932
0.0507,-0.876953,-0.715332,-0.304932
0.0642,0.2323,-0.272705,-0.304932
0.0834,0.915527,0.242676,-0.304932
"""
SIN30_TRUTH = 114.28955764981875


def _kind(text: str, backprop: float, source: str) -> str:
    objective, _problems, dtype = table_request(text, mp.nstr(backprop, 17), source)
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype))).kind


RANK = {"correct": 0, "estimate": 1, "wrong": 2}


@pytest.mark.parametrize("sign", [1, -1])
def test_the_verdict_never_improves_as_the_gradient_moves_away(sign):
    truth = -1 / 9
    ranks = [
        RANK[_kind(NM1, truth * (1 + sign * delta), "float64")]
        for delta in (0.0, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
    ]
    assert ranks == sorted(ranks), ranks
    # 2× (or 0) off is never confirmed; it is refuted only where the rows bound a kink
    # just off w whose branch bends beyond their smallest ε (here the 7-digit smallest
    # row leaves room ± 0.12 for one: test_table_bent_branch)
    assert ranks[-1] >= 1


def test_three_rows_agreeing_by_chance_never_call_the_truth_wrong():
    assert _kind(SIN30, SIN30_TRUTH, "float16") != "wrong"
