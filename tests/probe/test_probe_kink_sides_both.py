"""Each side of w alone, where kinks lie on both sides of w or one side broke (review16n C1,
C3; ``netcheck/sides.py``).

* C1: a correct gradient beside two relu kinks on opposite sides — one within ε of w, one
  1.4q…1.75q away (q = 2^-17, the sides' smallest step) — was "Wrong (one-sided slopes)":
  the sides' round-off came from a fan that crossed both kinks, so its law swallowed them
  and each side read straight across its kink. Also a kink exactly at w (the gradient is
  one side's slope: a valid subgradient) with the second kink beyond q on the other side.
* C3: a 10 % bug beside a relu kink 3e-5 from w passed: the side away from the kink excludes
  it by ~100 bars, but the other side broke at the kink and its round-off-wide pairs below
  vetoed the clean side.
"""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import failing, full_check, write_probe
from tests.probe.test_probe_kink_sides import _kinked

TWO_KINKS = """
import numpy as np
N, DM, BUG, BIDX = 8, {near!r}, {bug!r}, 3
Q = 2.0 ** -17
r = np.random.default_rng({seed})
theta0 = 0.3 + 0.01 * np.arange(N)
a = r.normal(size=N)
kp = theta0 + np.linspace(1.40, 1.75, N) * Q   # the far kink, on the plus side
km = theta0 - DM                                # the near kink, on the minus side
names = [("w", (N,))]
def loss(t):
    t = np.asarray(t, dtype=np.float64)
    return float(np.sum(a * np.sin(t)) + np.sum(np.maximum(t - kp, 0))
                 + np.sum(np.maximum(km - t, 0)))
def grad(t):
    t = np.asarray(t, dtype=np.float64)
    g = a * np.cos(t) + (t > kp) - (t < km)
    g[BIDX] *= 1 + BUG
    return g
"""


def _two(tmp_path, near, seed=0, bug=0.0):
    return full_check(write_probe(tmp_path, TWO_KINKS.format(near=near, seed=seed, bug=bug)))


@pytest.mark.parametrize("near", [1e-9, 0.0])
def test_a_correct_gradient_between_two_kinks_is_not_wrong(tmp_path, near):
    report = _two(tmp_path, near)
    assert not failing(report) and report.verdict != "fail", report.worst[:3]


def test_a_bug_between_two_kinks_is_still_not_passed(tmp_path):
    report = _two(tmp_path, 1e-9, bug=0.1)
    assert report.verdict != "pass", report.worst[:3]


def test_a_bug_beside_a_kink_is_not_vetoed_by_the_broken_side(tmp_path):
    report = _kinked(tmp_path, 4, 0.1, 0, near=3e-5)
    # (beside the float32 part, whose treads may hide on any axis, a "wrong" of the sides at
    # |w| ≤ 16 is left open: located as wrong, or open so that the check cannot pass)
    shown = {(e.tensor, e.index): e.note for e in report.worst}
    opened = shown.get(("W1", 0)) in ("open", "sides-open", "undecided")
    assert report.verdict == "fail", report.worst[:3]
    assert ("W1", 0) in failing(report) or (opened and report.inconclusive), report.worst[:3]


RIPPLE = """
import numpy as np
C, K, R = 1e5, 1e6, 1e-3
r = np.random.default_rng(0)
theta0 = C + r.uniform(-1.5, 1.5, 8)
a = r.normal(size=8)
names = [("a", (8,))]
def loss(t):
    t = np.asarray(t, float)
    return float(np.sum(a * np.sin(t)) + (R / K) * np.sum(np.sin(K * t)))
def grad(t):
    t = np.asarray(t, float)
    return a * np.cos(t) + R * np.cos(K * t)
"""


def test_a_fast_ripple_at_1e5_is_not_wrong_by_the_sides(tmp_path):
    """review16n H1: at |w| = 1e5 the ripple guard's bars used the check's round-off, θ's
    spacing at steps ∝ |w|, and refuted nothing: 4 correct entries 'Wrong (one-sided
    slopes)' (the run fails anyway on the earlier looks' own ripple 'wrong' of a[3])."""
    report = full_check(write_probe(tmp_path, RIPPLE))
    sided = [entry for entry in report.worst if entry.failing and entry.note == "sides-wrong"]
    assert not sided, sided[:3]
