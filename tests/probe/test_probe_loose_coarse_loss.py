"""A 1 % bug under a float32-computed or noisy loss: a wider step resolves what ε leaves loose.

The check of such a loss runs at that format's ε with a window of ten times its round-off
over ε, rounded up; a 1 % bug on a gradient of ~0.02 sat inside it, and the check passed
"only loosely", though central differences at a few times ε resolve the gradient to 1e-5
(review_final19 CRITICAL-5). Entries that agree only loosely are estimated again at 4ε
(``netcheck.loose_verdict``); correct gradients stay passes, relu kinks within those steps
call nothing wrong.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.probe.probe_checks import failing, full_check, write_probe

NET = """
import zlib
import numpy as np
rng = np.random.default_rng({seed})
NI, NH, NO, B = {ni}, {nh}, {no}, {batch}
X = rng.normal(size=(B, NI)); Y = rng.normal(size=(B, NO))
W1 = rng.normal(size=(NI, NH)) / np.sqrt(NI); b1 = 0.1 * rng.normal(size=NH)
W2 = rng.normal(size=(NH, NO)) / np.sqrt(NH); b2 = 0.1 * rng.normal(size=NO)
names = [("W1", (NI, NH)), ("b1", (NH,)), ("W2", (NH, NO)), ("b2", (NO,))]
theta0 = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])
ACT = "{act}"

def unpack(t, dtype=float):
    out, s = [], 0
    for _, shape in names:
        n = int(np.prod(shape)); out.append(t[s:s + n].reshape(shape).astype(dtype)); s += n
    return out

def act(z):
    return np.tanh(z) if ACT == "tanh" else np.maximum(z, 0)

def loss(t):
    t = np.asarray(t, float)
    W1, b1, W2, b2 = unpack(t, np.{dtype})
    x, y = X.astype(np.{dtype}), Y.astype(np.{dtype})
    o = act(x @ W1 + b1) @ W2 + b2
    value = float(np.{dtype}(0.5) * np.sum((o - y) ** 2) / np.{dtype}(B))
    return value + {eta!r} * (zlib.crc32(t.tobytes()) / 2**32 - 0.5)

def true_grad(t):
    W1, b1, W2, b2 = unpack(np.asarray(t, float))
    z = X @ W1 + b1; h = act(z)
    do = (h @ W2 + b2 - Y) / B
    dz = (do @ W2.T) * ((1 - h * h) if ACT == "tanh" else (z > 0))
    return np.concatenate([(X.T @ dz).ravel(), dz.sum(0), (h.T @ do).ravel(), do.sum(0)])

def target():  # where a bug goes: the W1 or b1 gradient nearest 0.03 in size, whose 1 %
    # lies inside the first ε's window (about 2e-4 for a float32 loss near 1)
    return int(np.argmin(np.abs(np.abs(true_grad(theta0)[:NI * NH + NH]) - 0.03)))
"""


def source(seed: int, dtype: str = "float32", eta: float = 0.0, act: str = "tanh") -> str:
    rng = np.random.default_rng(seed)
    return NET.format(
        seed=seed, ni=int(rng.integers(2, 7)), nh=int(rng.integers(3, 9)),
        no=int(rng.integers(1, 4)), batch=int(rng.integers(4, 17)), dtype=dtype, eta=eta,
        act=act,
    )  # fmt: skip


CASES = [(seed, "float32", 0.0) for seed in range(6)] + [
    (seed, "float64", eta)
    for seed, eta in ((6, 1e-10), (7, 3e-10), (8, 1e-10), (9, 2e-10), (10, 5e-9), (11, 8e-9))
]


@pytest.mark.parametrize(("seed", "dtype", "eta"), CASES)
def test_a_one_percent_bug_is_not_passed_loosely(tmp_path, seed, dtype, eta):
    text = source(seed, dtype, eta)
    path = write_probe(tmp_path, text, "g[target()] *= 1.01")
    space: dict = {}
    exec(text, space)
    report = full_check(path)
    assert report.verdict == "fail" and not report.inconclusive, report.worst[:2]
    names = [(name, int(np.prod(shape))) for name, shape in space["names"]]
    where, start = space["target"](), 0
    for name, size in names:
        if where < start + size:
            assert (name, where - start) in failing(report)
            break
        start += size


@pytest.mark.parametrize(("seed", "dtype", "eta"), CASES)
def test_the_correct_gradient_still_passes(tmp_path, seed, dtype, eta):
    report = full_check(write_probe(tmp_path, source(seed, dtype, eta), "pass"))
    assert report.verdict == "pass", report.worst[:2]


def test_correct_float32_relu_nets_are_not_failed_by_the_wider_step(tmp_path):
    failed = []
    for seed in range(8):
        path = write_probe(tmp_path, source(seed, act="relu"), "pass", name=f"r{seed}.py")
        report = full_check(path)
        if report.verdict == "fail" and not report.inconclusive:
            failed.append((seed, report.worst[:1]))
    assert not failed


MIXED = """
import numpy as np
rng = np.random.default_rng({seed})
A0, B0, C0 = rng.normal(size=4), rng.normal(size=5), rng.normal(size=3)
theta0 = np.concatenate([A0, B0, C0])
names = [("a", (4,)), ("b32", (5,)), ("c", (3,))]

def parts(t):
    t = np.asarray(t, float)
    return t[:4], t[4:9], t[9:]

def loss(t):  # one part summed in float32, returned with float64 parts
    a, b, c = parts(t)
    b32 = b.astype(np.float32)
    part = np.sum(np.float32(3) * np.cos(b32) + b32 ** 2, dtype=np.float32)
    return float(np.sum(a * np.sin(a)) + float(part) + np.sum(np.exp(0.3 * c)))

def true_grad(t):
    a, b, c = parts(t)
    return np.concatenate([a * np.cos(a) + np.sin(a), 2 * b - 3 * np.sin(b), 0.3 * np.exp(0.3 * c)])
"""


@pytest.mark.parametrize("seed", [3, 7])
def test_a_float32_part_of_a_float64_loss_is_decided(tmp_path, seed):
    # review9h #9: the float32 part's tensor was never measured (window 10 ≫ its
    # gradients): a correct gradient Inconclusive, a sign flip there unseen
    text = MIXED.format(seed=seed)
    report = full_check(write_probe(tmp_path, text, "pass"))
    assert report.verdict == "pass", report.worst[:2]
    flipped = full_check(write_probe(tmp_path, text, "g[6] = -g[6]", name="flip.py"))
    assert flipped.verdict == "fail" and not flipped.inconclusive
    assert ("b32", 2) in failing(flipped)
