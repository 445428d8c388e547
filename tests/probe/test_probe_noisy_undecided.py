"""A noisy loss (dropout-like noise on a hidden layer) with a sign-flipped gradient entry:
the entry disagrees at the first ε beyond the window the noise widened, and the second look
cannot settle it. Such an entry is unresolved, so the check is never a Pass (review9m
CRITICAL-2: "Pass, but only loosely … 1 stays undecided", exit 0, in 4 of 8 nets). Noise
already sits in the window, so disagreeing beyond it at all is what counts, not twice it.
The correct twins still pass."""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
SEED, NOISE, FLIP = {seed}, {noise}, {flip}
_r = np.random.default_rng(SEED)
d0, d1, d2, B = 7, 9, 4, 12
X = _r.standard_normal((B, d0)); Y = _r.integers(0, d2, B)
theta0 = np.concatenate([_r.standard_normal(d0 * d1) / np.sqrt(d0), 0.1 * _r.standard_normal(d1),
                         _r.standard_normal(d1 * d2) / np.sqrt(d1), 0.1 * _r.standard_normal(d2)])
names = [("W1", (d0, d1)), ("b1", (d1,)), ("W2", (d1, d2)), ("b2", (d2,))]
_noise = np.random.default_rng(SEED + 100)

def _split(t):
    i, out = 0, []
    for _, s in names:
        n = int(np.prod(s)); out.append(t[i:i + n].reshape(s)); i += n
    return out

def loss(t):
    w1, c1, w2, c2 = _split(t)
    h = np.tanh(X @ w1 + c1) * (1 + NOISE * _noise.standard_normal((B, d1)))
    o = h @ w2 + c2
    o = o - o.max(1, keepdims=True)
    return float(-np.mean(o[np.arange(B), Y] - np.log(np.exp(o).sum(1))))

def grad(t):
    w1, c1, w2, c2 = _split(t)
    h = np.tanh(X @ w1 + c1)
    o = h @ w2 + c2
    p = np.exp(o - o.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    do = p.copy(); do[np.arange(B), Y] -= 1; do /= B
    dz = do @ w2.T * (1 - h * h)
    g = np.concatenate([(X.T @ dz).ravel(), dz.sum(0), (h.T @ do).ravel(), do.sum(0)])
    if FLIP:  # the entry of the largest |g| in W1, negated
        k = int(np.argmax(np.abs(g[: d0 * d1])))
        g[k] = -g[k]
    return g
"""


def check(tmp_path, seed, flip, noise=1e-6):
    source = SOURCE.format(seed=seed, noise=noise, flip=flip)
    return full_check(write_probe(tmp_path, source, name=f"net_{seed}_{flip}.py"))


@pytest.mark.parametrize("seed", [4, 10, 13, 21, 22])
def test_a_flipped_entry_under_noise_is_never_a_pass(tmp_path, seed):
    report = check(tmp_path, seed, True)
    assert report.noise_sigma > 0
    assert not report.passed, [t.status for t in report.tensors]


@pytest.mark.parametrize("seed", [4, 13])
def test_the_correct_noisy_twin_passes(tmp_path, seed):
    report = check(tmp_path, seed, False)
    assert report.noise_sigma > 0 and report.passed
