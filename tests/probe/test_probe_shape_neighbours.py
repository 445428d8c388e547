"""One entry's non-linearity must not spoil its neighbours (review9i C2).

A bias initialised small (1e-6) is moved by a widened own-scale step (probe9's
step_scales); one of its entries carries C·((b − b0)/D)⁴ with D near that step. The
round-off measured along the tensor's line then held the quartic's shape (1e10 × the real
round-off), the tensor's tolerance grew to 20, and a clean sign flip of ANOTHER entry was
"undecided" while the check passed. Round-off does not depend on the spacing; a smooth
shape's residual falls as its fourth power: the measurement tells them apart.
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import failing, full_check, no_grad_estimates, write_probe

SOURCE = """
import numpy as np
rng = np.random.default_rng({seed})
X = rng.normal(size=(12, 5)); Y = rng.normal(size=(12, 4)) * 0.5
W0 = rng.normal(size=(5, 4)) * 0.6
B0 = rng.normal(size=4) * {bias}
theta0 = np.concatenate([W0.ravel(), B0])
names = [("W", (5, 4)), ("b", (4,))]
K = 2; D = {width}; C = {height}; SHIFT = {shift}

def loss(t):
    t = np.asarray(t, float); W = t[:20].reshape(5, 4); b = t[20:]
    h = np.tanh(X @ W + b)
    return float(0.5 * np.sum((h - Y) ** 2) + C * ((b[K] - B0[K]) / D - SHIFT) ** 4)

def true_grad(t):
    t = np.asarray(t, float); W = t[:20].reshape(5, 4); b = t[20:]
    h = np.tanh(X @ W + b); dh = (h - Y) * (1 - h * h)
    gb = dh.sum(0); gb[K] += 4 * C / D * ((b[K] - B0[K]) / D - SHIFT) ** 3
    return np.concatenate([(X.T @ dh).ravel(), gb])
"""


def write(tmp_path, grad=None, seed=3, bias=1e-6, width=1e-6, height=1e-3, shift=0.0):
    source = SOURCE.format(seed=seed, bias=bias, width=width, height=height, shift=shift)
    return write_probe(tmp_path, source, grad)


check = full_check


CASES = [
    {"width": 1e-6, "height": 1e-3},
    {"width": 1e-7, "height": 1e-1, "seed": 4},
    {"width": 1e-6, "height": 1e-3, "bias": 1e-9, "seed": 6},
]


@pytest.mark.parametrize("case", CASES, ids=["D1e-6", "D1e-7", "b1e-9"])
def test_flip_beside_a_quartic_entry_fails(tmp_path, case):
    result = check(write(tmp_path, "g[21] = -g[21]", **case))
    assert result.verdict == "fail" and not result.inconclusive, verdict_in_words(result)
    assert ("b", 1) in failing(result)


@pytest.mark.parametrize("case", CASES, ids=["D1e-6", "D1e-7", "b1e-9"])
def test_correct_gradient_beside_a_quartic_entry_passes(tmp_path, case):
    result = check(write(tmp_path, "pass", **case))
    assert result.verdict == "pass" and not result.inconclusive, verdict_in_words(result)


def test_correct_gradient_with_an_off_centre_quartic_is_not_wrong(tmp_path):
    # the quartic's own entry curves hard over the widened step: never a false "wrong"
    result = check(write(tmp_path, "pass", shift=0.4))
    assert result.verdict != "fail" or result.inconclusive, verdict_in_words(result)


def test_no_grad_bars_beside_a_quartic_entry_are_tight_and_bound(tmp_path):
    numeric, bars, truth = no_grad_estimates(write(tmp_path))
    assert np.all(np.abs(numeric - truth) <= bars)
    # b[1] (no extra term) is measured to ~1e-9: its bar must say so (it said ± 5.6)
    assert bars[21] < 1e-6 * abs(truth[21])
