"""A float32 region inside a float64 model, and float32 relu nets: correct gradients never
fail; bugs the differences resolve still fail at their entry (review11n C1, C2).

C1: logits computed in float32 from a float64 hidden layer (an autocast-style block) round
the loss at ~5e-9 wherever an entry moves it. Along the output weights' own line the loss
hardly changes, so the fans' residual was a large share of their range and was taken for a
kink (the tensor kept u·|L|): correct entries were wrong at every ε, or at their own scale
with L+ = L− at a step the float32 block cannot see.

C2: a float32 relu net whose unit has an example 3.8e-4 from its kink. The short sweep's
steps cross it; ε/16 … ε/128 reproduce the gradient to 0.2 %, but their windows (the
tolerance's bound, 16 ulps a change) could not refute a 24 % disagreement, so ε/4 — past
the kink — "confirmed" it.
"""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import failing, full_check, write_probe

MIXED = """
import numpy as np
rng = np.random.default_rng({seed})
X = rng.standard_normal((32, 10)); Y = rng.integers(0, 4, 32)
names = [("a", (10, 16)), ("b", (16, 4))]
theta0 = np.concatenate([rng.standard_normal(160) / 3, rng.standard_normal(64) / 4])
def unpack(t):
    return t[:160].reshape(10, 16), t[160:].reshape(16, 4)
def loss(t):
    a, b = unpack(np.asarray(t, dtype=np.float64))
    h = np.tanh(X @ a)
    logits = (h.astype(np.float32) @ b.astype(np.float32)).astype(np.float64)
    z = logits - logits.max(1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(1, keepdims=True))
    return -lp[np.arange(32), Y].mean()
def true_grad(t):
    a, b = unpack(np.asarray(t, dtype=np.float64))
    h = np.tanh(X @ a); logits = h @ b
    z = logits - logits.max(1, keepdims=True)
    p = np.exp(z); p /= p.sum(1, keepdims=True); p[np.arange(32), Y] -= 1; p /= 32
    db = h.T @ p; da = X.T @ ((p @ b.T) * (1 - h * h))
    return np.concatenate([da.ravel(), db.ravel()])
"""

RELU32 = """
import numpy as np
rng = np.random.default_rng(6)
D, H, C, B = 6, 8, 3, 64
X = rng.standard_normal((B, D)); Y = rng.integers(0, C, B)
names = [("W1", (D, H)), ("b1", (H,)), ("W2", (H, C)), ("b2", (C,))]
theta0 = np.concatenate([rng.standard_normal(D * H) / np.sqrt(D), 0.1 * rng.standard_normal(H),
                         rng.standard_normal(H * C) / np.sqrt(H), 0.1 * rng.standard_normal(C)])
def unpack(t):
    out, s = [], 0
    for _, sh in names:
        n = int(np.prod(sh)); out.append(t[s:s + n].reshape(sh)); s += n
    return out
def loss(t):
    W1, b1, W2, b2 = [a.astype(np.float32) for a in unpack(np.asarray(t))]
    h = np.maximum(X.astype(np.float32) @ W1 + b1, np.float32(0))
    lg = h @ W2 + b2
    sh = lg - lg.max(1, keepdims=True)
    lp = sh - np.log(np.exp(sh).sum(1, keepdims=True))
    return np.float32(-lp[np.arange(B), Y].mean())
def true_grad(t):
    W1, b1, W2, b2 = unpack(np.asarray(t, dtype=np.float64))
    z = X @ W1 + b1; h = np.maximum(z, 0)
    lg = h @ W2 + b2; sh = lg - lg.max(1, keepdims=True)
    d = np.exp(sh); d /= d.sum(1, keepdims=True); d[np.arange(B), Y] -= 1; d /= B
    dhid = (d @ W2.T) * (z > 0)
    return np.concatenate([(X.T @ dhid).ravel(), dhid.sum(0), (h.T @ d).ravel(), d.sum(0)])
"""


@pytest.mark.parametrize("seed", [2, 7])
def test_a_float32_block_in_a_float64_model_never_fails(tmp_path, seed):
    path = write_probe(tmp_path, MIXED.format(seed=seed), bug="pass")
    report = full_check(path)
    assert not failing(report), report.worst[:3]
    assert report.verdict == "pass" or report.inconclusive, report.worst[:3]


@pytest.mark.parametrize(
    ("bug", "entry"),
    [("g[169] *= 1.3", ("b", 9)), ("g[5] *= -1", ("a", 5))],
)
def test_a_bug_beside_a_float32_block_fails_at_its_entry(tmp_path, bug, entry):
    report = full_check(write_probe(tmp_path, MIXED.format(seed=2), bug=bug))
    assert report.verdict == "fail" and not report.inconclusive, report.worst[:3]
    assert failing(report) == {entry}, report.worst[:3]


def test_a_correct_float32_relu_net_beside_a_kink_never_fails(tmp_path):
    report = full_check(write_probe(tmp_path, RELU32, bug="pass"))
    assert not failing(report), report.worst[:3]
    assert report.verdict == "pass" or report.inconclusive, report.worst[:3]


@pytest.mark.parametrize(
    ("bug", "entry"),
    [("g[52] *= 1.3", ("b1", 4)), ("g[1] *= 1.3", ("W1", 1))],
)
def test_a_float32_relu_bug_still_fails_at_its_entry(tmp_path, bug, entry):
    report = full_check(write_probe(tmp_path, RELU32, bug=bug))
    assert report.verdict == "fail" and not report.inconclusive, report.worst[:3]
    assert failing(report) == {entry}, report.worst[:3]
