"""A loss rounded to a fixed quantum (review9i C9): L = round(L₀/Q)·Q.

Its changes are whole multiples of Q, so a central difference over a step h carries an
error up to Q/(2h) — the loss's resolution, not a bug. The round-off measurement took the
residual of a cubic through the losses, which a staircase whose steps happen to be equal
leaves at 0: a correct gradient was "wrong at every ε … a bug". The quantum is measured
(changes are whole multiples of it) and enters the round-off.
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.netcheck.roundoff import loss_quantum
from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
s = 1e-4
rng = np.random.default_rng({seed})
C = rng.normal(size=6)
V0 = rng.normal(size=6) * s
A0 = rng.normal(size=3)
theta0 = np.concatenate([V0, A0])
names = [("v", (6,)), ("a", (3,))]

def smooth(t):
    t = np.asarray(t, float); v = t[:6] / s; a = t[6:]
    return np.sum(np.log1p((v - C) ** 2)) + np.sum(np.sin(a))

def loss(t):
    return float(round(smooth(t) / {quantum}) * {quantum})

def true_grad(t):
    t = np.asarray(t, float); v = t[:6] / s; a = t[6:]
    return np.concatenate([2 * (v - C) / (1 + (v - C) ** 2) / s, np.cos(a)])

def grad(t):
    g = true_grad(t).copy()
    {bug}
    return g
"""


def check(tmp_path, quantum, bug="pass", seed=4):
    return full_check(write_probe(tmp_path, SOURCE.format(quantum=quantum, bug=bug, seed=seed)))


@pytest.mark.parametrize("quantum", [1e-9, 1e-7, 1e-5])
@pytest.mark.parametrize("seed", [4, 8])
def test_correct_gradient_of_a_quantised_loss_is_never_wrong(tmp_path, quantum, seed):
    result = check(tmp_path, quantum, seed=seed)
    assert result.verdict == "pass" or result.inconclusive, verdict_in_words(result)


def test_sign_flip_under_a_fine_quantum_fails(tmp_path):
    result = check(tmp_path, 1e-9, "g[7] = -g[7]")
    assert result.verdict == "fail" and not result.inconclusive, verdict_in_words(result)
    assert ("a", 1) in {(e.tensor, e.index) for e in result.worst if e.failing}


def test_loss_quantum_reads_a_staircase_and_not_a_smooth_curve():
    x = np.linspace(0.0, 1.3e-6, 13)
    smooth = 5.2854 + 0.7 * x + 3e3 * x**2
    floor = 8 * 2.2e-16 * 6
    assert loss_quantum(smooth[None, :], floor) == 0.0
    assert loss_quantum((5.2854 + 0.7 * x)[None, :], floor) == 0.0
    stairs = np.round(smooth / 1e-9) * 1e-9
    assert loss_quantum(stairs[None, :], floor) == pytest.approx(1e-9, rel=1e-3)
