"""A kink a large weight's step jumps (review9i C1): weights ≈ 1e4 with |w − (w0 + d)| terms,
d = ±1e-3, so the loss is exactly linear within ±1e-3 of θ0 but the step ε·|w| ≈ 0.05–0.09
crosses the kink. The short sweep's one-sided slopes swung so much between its steps that a
1 % or 3 % bug lay "between the one-sided slopes" (Kink, explained) and the check passed.
Below the kink's distance the sides are clean: a gradient beyond both is wrong there. A kink
exactly at w (a valid subgradient between its sides) stays explained.
"""

from __future__ import annotations

import textwrap

import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.report.netcheck import verdict_in_words
from fdgui.probe.model import open_probe

SOURCE = """
import numpy as np
rng = np.random.default_rng({seed})
n = 6
W0 = rng.uniform(0.5, 2, size=n) * {size} * rng.choice([-1, 1], size=n)
A = rng.normal(size=n)
DD = {distance} * rng.choice([-1, 1], size=n)
theta0 = np.concatenate([W0, [0.3, -0.2]])
names = [("Wbig", (n,)), ("v", (2,))]

def loss(t):
    t = np.asarray(t, float); w = t[:n]; v = t[n:]
    return float(np.sum(A * np.abs(w - (W0 + DD))) + np.sum(np.sin(v))
                 + 1e-3 * np.sum(((w - W0) / {size}) ** 2))

def true_grad(t):
    t = np.asarray(t, float); w = t[:n]; v = t[n:]
    kink = np.where(DD == 0, {subgradient}, np.sign(w - (W0 + DD)))
    return np.concatenate([A * kink + 2e-3 * (w - W0) / {size} ** 2, np.cos(v)])

def grad(t):
    g = true_grad(t)
    {bug}
    return g
"""


def check(tmp_path, bug="pass", seed=7, size=1e4, distance=1e-3, subgradient=0.0):
    path = tmp_path / "probe.py"
    path.write_text(
        textwrap.dedent(SOURCE).format(
            seed=seed, size=size, distance=distance, bug=bug, subgradient=subgradient
        )
    )
    model = open_probe(str(path))
    try:
        return run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


@pytest.mark.parametrize("seed", [7, 8])
@pytest.mark.parametrize("bug", ["g[1] *= 1.01", "g[1] *= 1.03"])
def test_small_bug_beside_a_jumped_kink_fails(tmp_path, seed, bug):
    result = check(tmp_path, bug, seed)
    assert result.verdict == "fail" and not result.inconclusive, verdict_in_words(result)
    assert ("Wbig", 1) in {(e.tensor, e.index) for e in result.worst if e.failing}


@pytest.mark.parametrize("seed", [7, 8])
def test_correct_gradient_beside_a_jumped_kink_passes(tmp_path, seed):
    result = check(tmp_path, seed=seed)
    assert result.verdict == "pass" and not result.inconclusive, verdict_in_words(result)


@pytest.mark.parametrize("subgradient", [0.0, 0.4, -0.9])
def test_valid_subgradient_at_a_kink_at_w_still_passes(tmp_path, subgradient):
    result = check(tmp_path, size=1.0, distance=0.0, subgradient=subgradient)
    assert result.verdict == "pass" and not result.inconclusive, verdict_in_words(result)
