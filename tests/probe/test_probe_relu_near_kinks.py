"""Relu networks whose pre-activations sit a hair (1e-8 … 1e-6) from 0 at θ0.

Such a unit's kink lies beside w for the entries that feed it, nearer than the check's ε,
and the random lines that measure the loss's round-off cross it. A kink's residual along
those lines (its slope change times the spacing) is not round-off: read as round-off (1e6
times u·|L|), it made every small step of the second look too coarse to decide, so the
correct gradient — which every step below the kink's distance reproduces to 1e-7 — was
called wrong at every ε (review_final19 CRITICAL-2). A unit that is dead at θ0 and wakes
1e-8 away has gradient 0 there, which every small step shows exactly (HIGH-1).
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.netcheck.roundoff import measure_roundoffs
from fdgui.core.numbers.precision import unit_roundoff
from tests.probe.probe_checks import full_check, write_probe

NEAR_KINKS = """
import numpy as np
rng = np.random.default_rng({seed})
NI, NH, NO, B = {ni}, {nh}, {no}, {batch}
X = rng.normal(size=(B, NI)); Y = rng.normal(size=(B, NO))
W1 = rng.normal(size=(NI, NH)) / np.sqrt(NI); b1 = 0.1 * rng.normal(size=NH)
W2 = rng.normal(size=(NH, NO)) / np.sqrt(NH); b2 = 0.1 * rng.normal(size=NO)
for _ in range({near}):  # a pre-activation 1e-8 … 1e-6 from its kink
    i, j = int(rng.integers(B)), int(rng.integers(NH))
    b1[j] = -(X[i] @ W1[:, j]) + 10 ** rng.uniform(-8, -6) * rng.choice([-1, 1])
names = [("W1", (NI, NH)), ("b1", (NH,)), ("W2", (NH, NO)), ("b2", (NO,))]
theta0 = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])

def unpack(t):
    out, s = [], 0
    for _, shape in names:
        n = int(np.prod(shape)); out.append(t[s:s + n].reshape(shape)); s += n
    return out

def loss(t):
    W1, b1, W2, b2 = unpack(np.asarray(t, float))
    h = np.maximum(X @ W1 + b1, 0.0)
    return float(0.5 * np.sum((h @ W2 + b2 - Y) ** 2) / B)

def true_grad(t):
    W1, b1, W2, b2 = unpack(np.asarray(t, float))
    z = X @ W1 + b1; h = np.maximum(z, 0.0)
    do = (h @ W2 + b2 - Y) / B
    dz = (do @ W2.T) * (z > 0)
    return np.concatenate([(X.T @ dz).ravel(), dz.sum(0), (h.T @ do).ravel(), do.sum(0)])

def largest():  # the entry a bug goes to: the largest gradient of W1
    return int(np.argmax(np.abs(true_grad(theta0)[:NI * NH])))
"""


def relu_source(seed: int) -> str:
    rng = np.random.default_rng(seed)
    return NEAR_KINKS.format(
        seed=seed,
        ni=int(rng.integers(2, 7)),
        nh=int(rng.integers(3, 9)),
        no=int(rng.integers(1, 4)),
        batch=int(rng.integers(4, 17)),
        near=3,
    )


SEEDS = range(20)


def test_correct_relu_nets_with_units_beside_their_kinks_never_fail(tmp_path):
    failed = []
    for seed in SEEDS:
        path = write_probe(tmp_path, relu_source(seed), "pass", name=f"ok{seed}.py")
        report = full_check(path)
        if report.verdict == "fail" and not report.inconclusive:
            failed.append((seed, [(w.tensor, w.index, w.note) for w in report.worst[:2]]))
    assert not failed


@pytest.mark.parametrize("bug", ["g[largest()] *= -1", "g[largest()] *= 1.01"])
@pytest.mark.parametrize("seed", [1, 5, 12])
def test_a_bug_in_such_a_net_still_fails(tmp_path, seed, bug):
    report = full_check(write_probe(tmp_path, relu_source(seed), bug))
    assert report.verdict == "fail" and not report.inconclusive, report.worst[:2]


def test_a_kink_crossed_by_the_measuring_lines_is_not_round_off():
    # a smooth loss with a hinge 3e-8 beside θ0 in every entry: the fans (ε/8 apart) cross
    # them, and their residual (slope change × spacing) is no round-off of the loss
    rng = np.random.default_rng(3)
    theta = rng.uniform(-1, 1, size=12)
    hinge = theta + 3e-8 * rng.choice([-1.0, 1.0], size=theta.size)

    def losses(points):
        points = np.atleast_2d(points)
        return np.sum(np.cos(points), axis=1) + 0.7 * np.sum(np.maximum(points - hinge, 0), axis=1)

    found = measure_roundoffs(losses, theta, "float64", None, 0.25, [0, 5, 12])
    plain = unit_roundoff("float64") * abs(float(losses(theta)[0]))
    assert found.overall < 16 * plain
    assert all(value < 16 * plain for value in found.tensors)


def test_a_cancelling_sum_still_measures_its_own_round_off():
    # (1e6 + Σ sin t) − 1e6 rounds as its 1e6 does, at every spacing: not taken out
    theta = np.random.default_rng(4).uniform(-1, 1, size=6)

    def losses(points):
        points = np.atleast_2d(points)
        return (1e6 + np.sum(np.sin(points), axis=1)) - 1e6

    found = measure_roundoffs(losses, theta, "float64", None, 0.25)
    assert found.overall > 1e-3 * unit_roundoff("float64") * 1e6
