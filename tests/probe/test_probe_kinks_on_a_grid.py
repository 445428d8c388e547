"""A float64 loss with kinks on a regular grid is no part rounded to a grid (review18x C1).

L = sin w + np.interp(w, xs, ys) (a table on a regular grid of step S) or sin w + a zigzag
with kinks every 1/K: past the nearest kink the even parts L+ + L− − 2L ramp up and stay
put while both sides lie on segments of one slope, and the one-sided differences leap and
bend back at the next kink. Read as a coarser part's steps, the ε below the first kink
(which give the derivative to 1e-12) "measured nothing", and the Richardson reference
through a dozen kinks judged: the exact derivative "Gradient wrong" (6 of 8 interp seeds,
16 of 16 zigzags), the gradient that drops the kinked part passing. The sides show the
difference: each first moves off its line by a slope change (a kink), not by a jump (a
step of a grid) — ``continuity``.
"""

from __future__ import annotations

import pytest

from fdgui.core.report.sweep import diagnosis_text
from tests.probe.probe_checks import swept

INTERP = """
import numpy as np
S, W0, SEED, DROP = {s!r}, {w0!r}, {seed!r}, {drop}
xs = np.arange(0.0, 2.0 + S / 2, S)
ys = np.random.default_rng(SEED).normal(0, {amp!r}, xs.size)
names = [("w", (1,))]
theta0 = np.array([W0])

def loss(t):
    return float(np.sin(t[0]) + np.interp(float(t[0]), xs, ys))

def grad(t):
    w = float(t[0])
    i = int(np.searchsorted(xs, w)) - 1
    part = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])
    return np.array([np.cos(w) + (0.0 if DROP else part)])
"""

ZIGZAG = """
import numpy as np
A, K, W0, DROP = {a!r}, {k!r}, {w0!r}, {drop}
names = [("w", (1,))]
theta0 = np.array([W0])

def loss(t):
    x = K * float(t[0])
    return float(np.cos(t[0]) + A * 2 * abs(x - np.floor(x) - 0.5))

def grad(t):
    x = K * float(t[0])
    part = A * K * 2 * np.sign(x - np.floor(x) - 0.5)
    return np.array([-np.sin(t[0]) + (0.0 if DROP else part)])
"""


def _code(tmp_path, source, name):
    code, diagnosis = swept(tmp_path, source, name)
    return code, diagnosis_text(diagnosis)


INTERPS = [(1e-3, 0.4003, 11, 1e-4), (1e-3, 1.2007, 12, 3e-4), (2e-3, 0.9013, 13, 1e-4)]
ZIGZAGS = [(2.5e-4, 1000.0, 1.3002), (2.5e-5, 1000.0, 0.4004), (2.5e-5, 10000.0, 0.90003)]


@pytest.mark.parametrize(("s", "w0", "seed", "amp"), INTERPS)
def test_interp_on_a_grid(tmp_path, s, w0, seed, amp):
    source = INTERP.format(s=s, w0=w0, seed=seed, amp=amp, drop=False)
    code, words = _code(tmp_path, source, f"i{seed}.py")
    assert code == 0, words
    code, words = _code(tmp_path, INTERP.format(s=s, w0=w0, seed=seed, amp=amp, drop=True), "d.py")
    assert code == 1, words


@pytest.mark.parametrize(("a", "k", "w0"), ZIGZAGS)
def test_zigzag(tmp_path, a, k, w0):
    code, words = _code(tmp_path, ZIGZAG.format(a=a, k=k, w0=w0, drop=False), "z.py")
    assert code == 0, words
    code, words = _code(tmp_path, ZIGZAG.format(a=a, k=k, w0=w0, drop=True), "zd.py")
    assert code == 1, words
