"""A tensor whose values and loss scale sit just above ε (review9i C8).

The own-scale step was used only where a tensor's largest |w| was at most ε; a tensor at
3e-6 (ε ≈ 4.8e-6 in float64) was moved by ε·1, more than one unit of the loss's own scale:
no-grad bars 2 bars out, a factor-2 bug passed, a correct gradient failed. The step's scale
is continuous in the tensor's scale (min(1, largest |w|), widened only where the loss's
change is not resolved), so a tensor at 3e-6 is moved as one at 1e-6 is.
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import full_check, no_grad_estimates, write_probe

SOURCE = """
import numpy as np
s = {scale}
rng = np.random.default_rng({seed})
C = rng.normal(size=6)
V0 = rng.normal(size=6) * s
A0 = rng.normal(size=3)
theta0 = np.concatenate([V0, A0])
names = [("v", (6,)), ("a", (3,))]

def loss(t):
    t = np.asarray(t, float); v = t[:6] / s; a = t[6:]
    return float(np.sum(np.log1p((v - C) ** 2)) + np.sum(np.sin(a)))

def true_grad(t):
    t = np.asarray(t, float); v = t[:6] / s; a = t[6:]
    return np.concatenate([2 * (v - C) / (1 + (v - C) ** 2) / s, np.cos(a)])
"""

SCALES = [(3e-6, 4), (6e-6, 7), (2e-5, 9)]


def write(tmp_path, scale, seed, grad=None):
    return write_probe(tmp_path, SOURCE.format(scale=scale, seed=seed), grad)


check = full_check


@pytest.mark.parametrize(("scale", "seed"), SCALES)
def test_correct_gradient_passes(tmp_path, scale, seed):
    result = check(write(tmp_path, scale, seed, "pass"))
    assert result.verdict == "pass" and not result.inconclusive, verdict_in_words(result)


@pytest.mark.parametrize(("scale", "seed"), SCALES)
@pytest.mark.parametrize("bug", ["g[0] *= 2", "g[1] *= 1.1", "g[2] = -g[2]"])
def test_bug_fails(tmp_path, scale, seed, bug):
    result = check(write(tmp_path, scale, seed, bug))
    assert result.verdict == "fail" and not result.inconclusive, verdict_in_words(result)
    where = int(bug[2])
    assert ("v", where) in {(e.tensor, e.index) for e in result.worst if e.failing}


@pytest.mark.parametrize(("scale", "seed"), SCALES)
def test_no_grad_bars_bound_and_are_tight(tmp_path, scale, seed):
    values, bars, truth = no_grad_estimates(write(tmp_path, scale, seed))
    assert np.all(np.abs(values - truth) <= bars)
    assert np.median(bars[:6] / np.abs(truth[:6])) < 1e-6
