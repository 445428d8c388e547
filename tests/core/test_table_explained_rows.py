"""Measured rows whose gap to an honest gradient a kink or a rounded part explains are never
"Gradient wrong"; a bug the rows resolve stays wrong (review19x C1, C2, C4; row_explained).

- a float16 part added to a float64 path, w on the part's grid, 9 rows a decade: below the
  part's first move the rows read the path alone;
- a relu's kink at w beside a float16 part: every value between the one-sided limits;
- np.interp on knots, two of them within two rows of ε of w.
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep


def _table(loss, w, lo=-9.0, hi=-1.0, per=9):
    lines = ["eps,L+,L-,L"]
    for eps in np.logspace(lo, hi, int((hi - lo) * per) + 1):
        step = (w + eps) - w
        lines.append(f"{step!r},{loss(w + step)!r},{loss(w - step)!r},{loss(w)!r}")
    return "\n".join(lines) + "\n"


def _kind(text, gradient):
    objective, _problems, dtype = table_request(text, repr(float(gradient)))
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype))).kind


def _half(x):
    return float(np.float16(x))


def _bf16(x):
    return float(np.array(x, dtype=np.float32).astype(ml_dtypes.bfloat16))


PARTS = {"bfloat16": (_bf16, 1.359375)}  # w on its grid


def _part_loss(rounded):
    return lambda x: math.sin(3 * x) + 0.2 * x * x + rounded(math.log1p(rounded(x) ** 2))


def _part_honest(w):
    return 3 * math.cos(3 * w) + 0.4 * w + 2 * w / (1 + w * w)


@pytest.mark.parametrize("part", sorted(PARTS))
def test_a_coarse_part_beside_float64_rows_does_not_make_the_honest_gradient_wrong(part):
    rounded, w = PARTS[part]
    assert _kind(_table(_part_loss(rounded), w), _part_honest(w)) != "wrong"


W16 = _half(1.3)  # on the float16 grid


A = -1.4


def _kink_loss(x):
    return math.sin(3 * x) + 0.2 * x * x + A * max(x - W16, 0.0) + _half(math.tanh(_half(x)))


LEFT = 3 * math.cos(3 * W16) + 0.4 * W16 + (1 - math.tanh(W16) ** 2)


@pytest.mark.parametrize("share", [0.0, 0.5])
def test_a_subgradient_at_a_kink_beside_a_coarse_part_is_not_wrong(share):
    assert _kind(_table(_kink_loss, W16), LEFT + share * A) != "wrong"


def _interp_case():
    rng = np.random.default_rng(7)
    w = 0.9
    knots = w + np.concatenate([-np.cumsum(rng.uniform(3e-5, 3e-4, 60))[::-1], [0.0]])
    knots = np.concatenate([knots[:-1], w + np.cumsum(rng.uniform(3e-5, 3e-4, 60))])
    below = int(np.searchsorted(knots, w))
    knots[below - 1], knots[below] = w - 2e-6, w + 1.5e-6  # two knots within two rows of ε
    values = rng.normal(0.0, 1e-4, knots.size)
    slope = (values[below] - values[below - 1]) / (knots[below] - knots[below - 1])

    def loss(x):
        return math.sin(3 * x) + 0.2 * x * x + float(np.interp(x, knots, values))

    return loss, w, 3 * math.cos(3 * w) + 0.4 * w + slope


def test_interp_knots_close_to_w_leave_the_honest_gradient_not_wrong():
    loss, w, honest = _interp_case()
    assert _kind(_table(loss, w, -11.0, -1.0, 9), honest) != "wrong"


def test_a_one_percent_bug_under_interp_knots_stays_wrong():
    loss, w, honest = _interp_case()
    assert _kind(_table(loss, w, -11.0, -1.0, 9), honest * 1.01) == "wrong"
