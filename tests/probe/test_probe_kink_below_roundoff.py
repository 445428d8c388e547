"""A kink nearer than the smallest step that resolves the slope: undecided, never wrong
(review12n C6).

A loss of 3e9 plus piecewise-linear terms: each entry's slope g, a kink 2e-4 … 4e-4 to its
right (bending that side by 60 % of g), others 4e-3 to its left and 9e-3 to its right. The
offset's round-off (≈ 2.4e-7 a loss) swamps every step short of the near kink, so the
wider steps that resolve the slope all cross it: the data cannot tell g from the bent
value. The wide-window ladder decided "wrong" from its narrowest pair (whose clean left
side reproduced g) because a far wider pair, crossing kinks on both sides, had both
one-sided slopes exclude g."""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import failing, full_check, write_probe

KINKS = """
import numpy as np
rng = np.random.default_rng({seed})
theta0 = rng.uniform(-1, 1, 6)
G = rng.uniform(0.02, 0.05, 6) * rng.choice([-1, 1], 6)
NEAR = rng.uniform(2e-4, 4e-4, 6)
def loss(t):
    t = np.asarray(t, float); d = t - theta0
    return float(3e9 + np.sum(G * d + 0.6 * np.abs(G) * np.maximum(d - NEAR, 0)
                              + 0.3 * np.abs(G) * np.maximum(-d - 4e-3, 0)
                              + 0.3 * np.abs(G) * np.maximum(d - 9e-3, 0)))
def grad(t):
    return G * {factor}
"""


@pytest.mark.parametrize("seed", [1, 3])
def test_a_correct_gradient_beside_a_kink_under_the_roundoff_never_fails(tmp_path, seed):
    report = full_check(write_probe(tmp_path, KINKS.format(seed=seed, factor=1.0)))
    assert not failing(report)


def test_a_sign_flip_there_still_fails(tmp_path):
    report = full_check(write_probe(tmp_path, KINKS.format(seed=1, factor=-1.0)))
    assert report.verdict == "fail" and failing(report)
