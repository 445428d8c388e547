"""A float16/bfloat16 loss in a float64 check: entries its tolerance cannot decide are
decided by the no-gradient estimate's own bar (``netcheck.estimate_verdict``). A sign flip
or a factor 2 that the estimate resolves fails; a correct gradient never does, smooth or
with kinks (each "caught" test failed before: the check said "no entry disagrees")."""

from __future__ import annotations

import textwrap

import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.report.netcheck import verdict_in_words
from fdgui.probe.model import open_probe

COARSE = """
import numpy as np
import ml_dtypes
rng = np.random.default_rng({seed})
N = 24
theta0 = rng.uniform(-1.2, 1.2, size=N) * {scale}
C = rng.normal(size=(N, N)) / np.sqrt(N)
D = np.dtype(ml_dtypes.bfloat16) if "{dtype}" == "bfloat16" else np.dtype("{dtype}")

def loss(t):
    x = t.astype(D)
    z = (C.astype(D).astype(np.float32) @ x.astype(np.float32)).astype(D)
    return float(np.sum({body}, dtype=D) + np.sum(D.type(0.5) * x * x, dtype=D))

def grad(t):
    z = C @ t
    g = C.T @ ({derivative}) + t
    for i in {bad}:
        g[i] = -g[i] if i % 2 else 2 * g[i]
    return g
"""
SMOOTH = ("(3 * np.sin(z)).astype(D)", "3 * np.cos(z)")
RELU = ("(3 * np.maximum(z, 0)).astype(D)", "3 * (z > 0)")
OFFSET = ("(3 * np.sin(z) + 40).astype(D)", "3 * np.cos(z)")  # |L| ≈ 960: a quantum of 0.5


def check(tmp_path, dtype, shape=SMOOTH, bad=(), seed=7, scale=1.0, mode="full"):
    path = tmp_path / "probe.py"
    source = COARSE.format(seed=seed, scale=scale, dtype=dtype, body=shape[0],
                           derivative=shape[1], bad=list(bad))  # fmt: skip
    path.write_text(textwrap.dedent(source))
    model = open_probe(str(path))
    try:
        settings = CheckSettings(None, engine="forward", mode=mode, samples=12)
        return run_to_completion(settings, model=model)
    finally:
        model.close()


def failing(report) -> set[int]:
    return {entry.index for entry in report.worst if entry.failing}


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_a_sign_flip_the_estimate_resolves_fails(tmp_path, dtype):
    # the largest entries of the gradient (|g| ≈ 3-5), one flipped and one doubled
    clean = check(tmp_path, dtype)
    sizes = sorted(range(24), key=lambda i: -abs(clean.tensors[0].analytic[i]))
    bad = sorted(sizes[:2])
    report = check(tmp_path, dtype, bad=bad)
    assert report.tolerances.dtype == dtype
    assert report.verdict == "fail" and not report.inconclusive, verdict_in_words(report)
    assert failing(report) and failing(report) <= set(bad)
    notes = {entry.note for entry in report.worst if entry.failing}
    assert notes == {"estimate-wrong"}


@pytest.mark.parametrize("shape", [SMOOTH, RELU], ids=["smooth", "relu"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize(("seed", "scale"), [(1, 1.0), (2, 3.0), (3, 0.3)])
def test_a_correct_coarse_gradient_never_fails(tmp_path, dtype, shape, seed, scale):
    report = check(tmp_path, dtype, shape, seed=seed, scale=scale)
    assert report.verdict == "pass" or report.inconclusive, verdict_in_words(report)


def test_the_estimate_decides_correct_entries_too(tmp_path):
    report = check(tmp_path, "float16", scale=1.0)
    decided = [e for e in report.worst if e.note == "estimate"]
    tensor = report.tensors[0]
    assert tensor.failures == 0
    assert tensor.undecided < tensor.checked  # some entries decided by the estimate's bar
    assert all(e.bar <= abs(e.analytic) / 4 for e in decided)


def test_an_inconclusive_coarse_check_names_the_loss_precision(tmp_path):
    report = check(tmp_path, "float16", OFFSET)
    assert report.inconclusive
    text = verdict_in_words(report)
    assert "too small for float16 to tell" in text and "float64 to tell" not in text
