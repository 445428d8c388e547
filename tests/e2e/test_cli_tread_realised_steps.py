"""The tread of a float64 loss's own coarser part, read with the steps w ± ε really took
(review18x H1).

log(1 + w²) at w = 0.05 moves only when 1 + w² crosses one of float64's steps near 1 (w
steps of about 2e-15): a part rounded to a grid beside the rest of the loss, which w lies
on closely enough that both sides step at once (``inner_format._grid_start``). The ε
below its first step read the tread (the rest's slope alone) at a few dozen ulps of w,
where w ± ε rounds to w's own grid: read with the ε typed, the tread's slopes scatter by
some 9 % (ulp(w)/ε), and a 1 % bug of the envelope (the derivative, which the larger ε
and the analytic reference resolve 1e15-fold) fell inside two of those bars: "Too coarse
to judge (the loss steps on both sides of w)" where the rule before it said "Gradient
wrong" (7 of 36 of the review's family). The loss is evaluated at w ± ε as rounded, so
its differences over those steps read the tread to L's own rounding; a 1 % bug is then
9 % from the tread, and only a claim of the tread itself is left open.
"""

from __future__ import annotations

import pytest

from fdgui.cli import main

W = 0.05
KINKS = [
    ("abs((w-{c}))", 1e-6, lambda d: -1.0 if d > 0 else 1.0),
    ("minimum((w-{c}),-2*((w-{c})))", 1e-5, lambda d: 1.0 if d > 0 else -2.0),
    ("abs((w-{c}))", -1e-6, lambda d: -1.0 if d > 0 else 1.0),
    ("minimum((w-{c}),-2*((w-{c})))", -1e-6, lambda d: 1.0 if d > 0 else -2.0),
]


def _run(capsys, kink, offset, claim):
    expression = "log(1+w**2)+1.0*" + kink.format(c=repr(W + offset))
    status = main(["sweep", "--expr", expression, "--at", repr(W), "--grad", repr(claim)])
    out, _err = capsys.readouterr()
    return status, out


def _truth(slope):
    return 2 * W / (1 + W * W) + slope  # the kink lies |offset| from w: its branch at w


@pytest.mark.parametrize(("kink", "offset", "branch"), KINKS)
def test_a_one_percent_bug_beside_float64s_own_grid_is_wrong(capsys, kink, offset, branch):
    status, out = _run(capsys, kink, offset, 1.01 * _truth(branch(offset)))
    assert status == 1, out


@pytest.mark.parametrize(("kink", "offset", "branch"), KINKS)
def test_the_derivative_there_passes(capsys, kink, offset, branch):
    status, out = _run(capsys, kink, offset, _truth(branch(offset)))
    assert status == 0, out


@pytest.mark.parametrize(("kink", "offset", "branch"), KINKS[:2])
def test_the_tread_slope_there_is_left_open(capsys, kink, offset, branch):
    status, out = _run(capsys, kink, offset, branch(offset))  # the log part's slope dropped
    assert status != 0, out
