"""Weights of 1e4…1e8, each with a kink a little beside it (closer than any step the check
takes at the weight's own scale, ε·|w|): the gradient at w is one side's slope, and the other
side's slope — what a sign flip gives for |w − c| — is wrong, not "between the one-sided
slopes" (review9i N3: the own-scale look, whose halvings stay beyond the kink, excused it)."""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import full_check, write_probe

PROBE = """
import numpy as np
rng = np.random.default_rng(7)
n = 6
W0 = rng.uniform(0.5, 2, size=n) * {scale!r} * rng.choice([-1, 1], size=n)
A = rng.normal(size=n)
DD = {distance!r} * rng.choice([-1, 1], size=n)
theta0 = np.concatenate([W0, [0.3, -0.2]])
names = [("Wbig", (n,)), ("v", (2,))]
def loss(t):
    t = np.asarray(t, float); w = t[:n]; v = t[n:]
    return float(np.sum(A * np.abs(w - (W0 + DD))) + np.sum(np.sin(v))
                 + 1e-3 * np.sum(((w - W0) / {scale!r}) ** 2))
def grad(t):
    t = np.asarray(t, float); w = t[:n]; v = t[n:]
    g = np.concatenate([A * np.sign(w - (W0 + DD)) + 2e-3 * (w - W0) / {scale!r} ** 2, np.cos(v)])
    g[1] *= {factor!r}
    return g
"""


def _verdict(tmp_path, scale, distance, factor):
    source = PROBE.format(scale=scale, distance=distance, factor=factor)
    return full_check(write_probe(tmp_path, source, name="kinks.py"))


@pytest.mark.parametrize(("scale", "distance"), [(1e4, 1e-6), (1e8, 1e-3), (1e8, 1e-6)])
def test_the_other_sides_slope_beside_a_large_weight_fails(tmp_path, scale, distance):
    report = _verdict(tmp_path, scale, distance, -1.0)
    assert report.verdict == "fail"
    assert (report.worst[0].tensor, report.worst[0].index) == ("Wbig", 1)


@pytest.mark.parametrize(("scale", "distance"), [(1e4, 1e-6), (1e8, 1e-3)])
def test_the_true_slope_beside_a_large_weight_passes(tmp_path, scale, distance):
    assert _verdict(tmp_path, scale, distance, 1.0).verdict == "pass"
