"""Entries with |w| ≫ 1 are moved by ε·|w|: their round-off is |w| times smaller than at ε·1,
so the tolerance that judges them must be the step's own, not ε's (review9h #1). A 1 % or
×1.1 error in a tensor of weights near 1e3 … 1e8 whose gradient is small must Fail; the
correct file still Passes."""

from __future__ import annotations

import textwrap

import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe

WIDE = """
import numpy as np
rng = np.random.default_rng({seed})
S = {scales}
U = rng.uniform(0.5, 2, 4 * len(S)); C = rng.normal(size=4 * len(S))
SC = np.repeat(S, 4)
theta0 = U * SC
names = [("t%d" % k, (4,)) for k in range(len(S))]
M = np.repeat({weights}, 4)

def loss(t):
    t = np.asarray(t, float); u = t / SC - C
    return float(np.sum(M * (np.log1p(u * u) + 0.3 * np.sin(t / SC))))

def true_grad(t):
    t = np.asarray(t, float); u = t / SC - C
    return M * (2 * u / (1 + u * u) + 0.3 * np.cos(t / SC)) / SC
"""

CASES = {
    "1e3": ("[1.0, 1.0, 1.0, 1.0, 1e3]", "[1, 1, 1, 1, 1e-3]"),
    "1e8": ("[1e-8, 1e-4, 1.0, 1e4, 1e8]", "[1, 1, 1, 1, 1]"),
    "1e6": ("[1.0, 1e2, 1e3, 1e4, 1e6]", "[1, 1, 1, 1, 1]"),
}


def check(tmp_path, case, grad, seed=11):
    scales, weights = CASES[case]
    source = textwrap.dedent(WIDE).format(seed=seed, scales=scales, weights=weights)
    source += "\ndef grad(t):\n    g = true_grad(t).copy()\n    " + grad + "\n    return g\n"
    path = tmp_path / "probe.py"
    path.write_text(source)
    model = open_probe(str(path))
    try:
        return run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


def failing(result):
    return {(entry.tensor, entry.index) for entry in result.worst if entry.failing}


@pytest.mark.parametrize("case", sorted(CASES))
def test_correct_gradient_with_large_weights_passes(tmp_path, case):
    result = check(tmp_path, case, "pass")
    assert result.verdict == "pass" and not result.inconclusive, failing(result)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(
    ("bug", "bad"),
    [("g[17] *= 1.01", {1}), ("g[16:] *= 1.1", {0, 1, 2, 3}), ("g[16:] *= 2", {0, 1, 2, 3})],
    ids=["p1", "T", "x2"],
)
def test_bug_in_large_weights_fails_at_the_bug(tmp_path, case, bug, bad):
    result = check(tmp_path, case, bug)
    assert result.verdict == "fail" and not result.inconclusive
    assert failing(result) == {("t4", index) for index in bad}
