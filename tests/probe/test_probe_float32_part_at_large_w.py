"""A float32 part beside a float64 path at |w| = 1e7 … 1e10 never fails a correct gradient
(review15n C3, a regression of the |w| > 16 rule: the own-scale look windowed the float32
part's staircase with float64's round-off, "Wrong at its own scale", 14 of 60 honest runs).

θ_i = C0 + d_i (d_i exact multiples of 1/8), L = Σ a_i tanh(d_i/3) + 0.1·d0·d1
+ Σ e_i tanh(d_i/3 in float32): at a step of 3e-6 the float32 part is a staircase of a few
treads, whose jumps (e·6e-8) move a central difference by 2e-2·e; at 1e-2 it holds g."""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import failing, full_check, write_probe

BIGW = """
import numpy as np
C0, SEED, BUG, BIDX = {c0!r}, {seed}, {bug}, {bidx}
n = 10
r = np.random.default_rng(SEED)
d0 = np.round(r.uniform(-4, 4, n) * 8) / 8
a = r.normal(size=n); b = r.normal(size=n)
k = d0 + np.where(r.random(n) < 0.5, -1, 1) * r.uniform(1, 2, n)
e = r.normal(size=n)
theta0 = C0 + d0
names = [("w", (n,))]
def loss(theta):
    d = np.asarray(theta, dtype=np.float64) - C0
    L = np.sum(a * np.tanh(d / 3)) + 0.1 * d[0] * d[1]
    return float(L + np.sum(e * np.tanh((d / 3).astype(np.float32)).astype(np.float64)))
def grad(theta):
    d = np.asarray(theta, dtype=np.float64) - C0
    g = (a + e) * (1 - np.tanh(d / 3) ** 2) / 3
    g[0] += 0.1 * d[1]; g[1] += 0.1 * d[0]
    g[BIDX] *= 1 + BUG
    return g
"""


def _rows(report):
    return [(e.tensor, e.index, e.numeric, e.analytic, e.band) for e in report.worst]


@pytest.mark.parametrize("c0, seed", [(1e7, 5), (1e7, 4), (1e10, 0), (1e10, 6)])
def test_correct_gradient_with_a_float32_part_at_large_w_never_fails(tmp_path, c0, seed):
    path = write_probe(tmp_path, BIGW.format(c0=c0, seed=seed, bug=0.0, bidx=0))
    report = full_check(path)
    assert not failing(report), _rows(report)


def test_a_ten_percent_bug_there_still_fails_at_its_entry(tmp_path):
    path = write_probe(tmp_path, BIGW.format(c0=1e7, seed=5, bug=0.1, bidx=3))
    report = full_check(path)
    assert report.verdict == "fail", _rows(report)
    assert ("w", 3) in failing(report), _rows(report)
