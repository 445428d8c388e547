"""Honest smooth losses at |w| = 1e12 never fail (review13n C0).

The first step is ε·|w| ≈ 4.8e6: both sides leave a bump of width 3 behind (ΔL+ = ΔL−, a
"jump" at every step of the second look), and the look at the entry's own scale, halving
down to 1024 spacings of w (0.07 … 0.14), read the loss's curvature over its smallest steps
as round-off — with the round-off measured along θ0's lines at steps ∝ |w| on top — so no
step was usable and Richardson at ε·|w| (c = 0 ± 1e-10) called the gradient wrong (9 of 10
honest runs at 1e12). Its smallest steps follow the h² law (or the law to s⁴): that is
truncation, resolved, not round-off."""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import failing, full_check, write_probe

SOURCE = """
import numpy as np
C0 = {c0!r}
theta0 = C0 + np.random.default_rng({seed}).uniform(-4, 7, 10)
names = [("theta", (10,))]
def loss(t):
    t = np.asarray(t, float)
    return float(np.sum({loss}))
def true_grad(t):
    t = np.asarray(t, float)
    return {grad}
"""

FAMILIES = {
    "bump": ("np.exp(-((t - C0) / 3) ** 2)", "-2 * (t - C0) / 9 * np.exp(-((t - C0) / 3) ** 2)"),
    "rat": ("1 / (1 + ((t - C0) / 2) ** 2)", "-(t - C0) / 2 / (1 + ((t - C0) / 2) ** 2) ** 2"),
}


def _source(family, c0, seed):
    loss, grad = FAMILIES[family]
    return SOURCE.format(c0=c0, seed=seed, loss=loss, grad=grad)


@pytest.mark.parametrize(("family", "c0", "seed"), [("bump", 1e12, 4), ("rat", 1e12, 5)])
def test_a_correct_gradient_at_1e12_never_fails(tmp_path, family, c0, seed):
    report = full_check(write_probe(tmp_path, _source(family, c0, seed), bug="pass"))
    assert not failing(report), [(e.index, e.numeric, e.analytic) for e in report.worst]


def test_a_ten_percent_bug_at_1e12_fails_at_its_entry(tmp_path):
    report = full_check(write_probe(tmp_path, _source("bump", 1e12, 4), bug="g[1] *= 1.1"))
    assert report.verdict == "fail" and not report.inconclusive
    assert ("theta", 1) in failing(report)
