"""A float32 backward checked against a float64 loss (review9m MEDIUM-2): float64
differences resolve its rounding, so the check fails — the gradient is not right to
float64 — but the words say that every disagreement is as small as float32 rounding leaves.
A real bug (a relative 1e-3 in one entry) gets no such words, nor does a correct float64
gradient's pass."""

from __future__ import annotations

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(size=(16, 5)); y = rng.normal(size=(16, 2))
names = [("W1", (5, 8)), ("b1", (8,)), ("W2", (8, 2)), ("b2", (2,))]
sizes = [int(np.prod(s)) for _, s in names]
theta0 = rng.normal(size=sum(sizes)) * 0.5
def unpack(t):
    out, i = [], 0
    for (_, s), n in zip(names, sizes):
        out.append(t[i:i + n].reshape(s)); i += n
    return out
def loss(t):
    W1, b1, W2, b2 = unpack(t)
    r = np.tanh(X @ W1 + b1) @ W2 + b2 - y
    return float(0.5 * np.mean(np.sum(r * r, axis=1)))
def backward(t, dtype):
    W1, b1, W2, b2 = unpack(t.astype(dtype))
    Xd, yd = X.astype(dtype), y.astype(dtype)
    h = np.tanh(Xd @ W1 + b1); r = (h @ W2 + b2 - yd) / dtype(len(X))
    dh = (r @ W2.T) * (1 - h * h)
    parts = (Xd.T @ dh, dh.sum(0), h.T @ r, r.sum(0))
    return np.concatenate([g.ravel() for g in parts]).astype(np.float64)
def grad(t):
    g = backward(t, {dtype})
    {bug}
    return g
"""

WORDS = "the size a gradient computed in float32"


def check(tmp_path, dtype, bug="pass"):
    return full_check(write_probe(tmp_path, SOURCE.format(dtype=dtype, bug=bug)))


def test_a_float32_backward_fails_with_words_that_say_float32_rounding(tmp_path):
    report = check(tmp_path, "np.float32")
    words = verdict_in_words(report)
    assert words.startswith("Fail") and WORDS in words, words


def test_a_real_bug_and_a_correct_pass_get_no_float32_words(tmp_path):
    bugged = check(tmp_path, "np.float64", "g[3] *= 1.001")
    words = verdict_in_words(bugged)
    assert words.startswith("Fail") and WORDS not in words, words
    bugged32 = check(tmp_path, "np.float32", "g[3] *= 1.01")
    words = verdict_in_words(bugged32)
    assert words.startswith("Fail") and WORDS not in words, words
    correct = check(tmp_path, "np.float64")
    assert correct.passed and WORDS not in verdict_in_words(correct)
