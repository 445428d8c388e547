"""A noisy loss (Gaussian σ added to every evaluation) whose gradient is off in one entry by
more than the noise-widened window at the first ε: the second look's smaller steps carry
more noise (σ/h grows), so they cannot tell, and the entry stayed undecided — a 1 % bug at
σ = 1e-10 (σ/|L| ≈ 1e-10) was "Inconclusive" in 8 of 20 nets (issue 9, noise25). Larger
steps, where σ/h shrinks while the truncation they show stays measured, resolve it: the
check fails at that entry. The correct twins keep passing, and a correct relu twin, whose
wider steps may cross a kink, never fails."""

from __future__ import annotations

import pytest

from fdgui.core.report.exporters import export
from tests.probe.probe_checks import failing, full_check, write_probe

NET = """
import numpy as np
SEED, SIGMA, BUG, RELU = {seed}, {sigma!r}, {bug!r}, {relu!r}
_r = np.random.default_rng(SEED)
d0, d1, d2, B = 6, 8, 3, 16
X = _r.standard_normal((B, d0)); Y = _r.integers(0, d2, B)
theta0 = np.concatenate([_r.standard_normal(d0 * d1) / np.sqrt(d0), 0.1 * _r.standard_normal(d1),
                         _r.standard_normal(d1 * d2) / np.sqrt(d1), 0.1 * _r.standard_normal(d2)])
names = [("W1", (d0, d1)), ("b1", (d1,)), ("W2", (d1, d2)), ("b2", (d2,))]
_noise = np.random.default_rng(SEED + 1000)

def _act(z):
    return np.maximum(z, 0.0) if RELU else np.tanh(z)

def _split(t):
    i, out = 0, []
    for _, s in names:
        n = int(np.prod(s)); out.append(t[i:i + n].reshape(s)); i += n
    return out

def loss(t):
    w1, c1, w2, c2 = _split(np.asarray(t, float))
    o = _act(X @ w1 + c1) @ w2 + c2
    o = o - o.max(1, keepdims=True)
    clean = float(-np.mean(o[np.arange(B), Y] - np.log(np.exp(o).sum(1))))
    return clean + SIGMA * _noise.standard_normal()

def grad(t):
    w1, c1, w2, c2 = _split(np.asarray(t, float))
    h = _act(X @ w1 + c1)
    o = h @ w2 + c2
    p = np.exp(o - o.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    do = p.copy(); do[np.arange(B), Y] -= 1; do /= B
    dz = do @ w2.T * ((h > 0) if RELU else (1 - h * h))
    g = np.concatenate([(X.T @ dz).ravel(), dz.sum(0), (h.T @ do).ravel(), do.sum(0)])
    g[BUGGED] *= 1 + BUG
    return g

BUGGED = int(np.random.default_rng(SEED + 7).integers(0, theta0.size))
"""

TENSORS = (("W1", 48), ("b1", 8), ("W2", 24), ("b2", 3))


def located(flat: int) -> tuple[str, int]:
    for name, size in TENSORS:
        if flat < size:
            return name, flat
        flat -= size
    raise AssertionError(flat)


def check(tmp_path, seed, sigma, bug, relu=False):
    source = NET.format(seed=seed, sigma=sigma, bug=bug, relu=relu)
    path = write_probe(tmp_path, source, name=f"noisy_net_{seed}_{bug:g}_{relu}.py")
    space: dict = {}
    exec(source, space)
    return full_check(path), located(space["BUGGED"])


@pytest.mark.parametrize("seed", [4, 5, 7, 9, 11])
def test_a_one_percent_bug_beyond_the_noisy_window_fails_at_its_entry(tmp_path, seed):
    report, entry = check(tmp_path, seed, 1e-10, 1e-2)
    text = export(report, "text")
    assert report.noise_sigma > 0
    assert report.verdict == "fail" and not report.inconclusive, text[:900]
    assert failing(report) == {entry}, text[:900]


@pytest.mark.parametrize("seed", [4, 5, 7])
def test_the_correct_noisy_twins_pass(tmp_path, seed):
    report, _ = check(tmp_path, seed, 1e-10, 0.0)
    assert report.noise_sigma > 0
    assert report.verdict == "pass" and not report.inconclusive, export(report, "text")[:900]


@pytest.mark.parametrize(("sigma", "seed"), [(1e-6, 0), (1e-6, 11), (1e-5, 1)])
def test_a_correct_noisy_relu_net_never_fails(tmp_path, sigma, seed):
    # σ = 1e-6: the wider steps' averaged estimate is quiet enough to show a relu kink
    # crossed within them (4.6e-3 and 8.7e-3 from w here); such a shift is no bug. σ = 1e-5:
    # main failed 13 of 30 such nets ("estimate-wrong": W1[2] off by 3 bars at a step
    # crossing a kink its noisy smoothness test could not see)
    report, _ = check(tmp_path, seed, sigma, 0.0, relu=True)
    assert report.noise_sigma > 0
    assert report.verdict != "fail" or report.inconclusive, export(report, "text")[:900]
