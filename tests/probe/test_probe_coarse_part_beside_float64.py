"""A float16 / bfloat16 / quantised part beside a float64 path never fails a correct
gradient, and a float32 part whose derivative the gradient drops is never certified
correct (review15n C2, H1).

The activation a = h + c(h), c computed coarser than float64: at the check's small steps c
is a staircase — frozen between treads (the central differences measure the float64 path
alone) or jumping by a whole tread (differences 1/h too large) — and the central
differences at ε … ε/256 are far from a correct gradient, while those at ~1e-2 hold it.
Judged there with float64's round-off, 32 of 32 honest numpy runs and 4 of 4 torch runs
failed (review15n C2). The other way, a gradient that drops c's derivative agrees with
those frozen small steps: 23–28 of 42 such wrong entries were certified correct (H1).
The gradient here is autograd's: the forward's values of c, the float64 derivative of tanh."""

from __future__ import annotations

import numpy as np
import pytest

from tests.probe.probe_checks import NET_HEAD, failing, full_check, write_probe

MLP = (
    """
import numpy as np
SEED, PART, ACT, BUG, BIDX, DROP = {seed}, {part!r}, {act!r}, {bug}, {bidx}, {drop}
"""
    + NET_HEAD
    + """
def bf16(x):
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    return u.astype(np.uint32).view(np.float32).astype(np.float64)
def coarse(h):
    if PART == "f16": return np.tanh(h.astype(np.float16)).astype(np.float64)
    if PART == "bf16": return bf16(np.tanh(bf16(h)))
    if PART == "quant": return np.round(np.tanh(h) * 4096) / 4096
    return np.tanh(h.astype(np.float32)).astype(np.float64)
def base(h):
    return np.maximum(h, 0) if ACT == "relu" else h
def loss(theta):
    p = split(np.asarray(theta, dtype=np.float64))
    h = X @ p["W1"].T + p["b1"]
    o = (base(h) + coarse(h)) @ p["W2"].T
    return float(0.5 * np.mean((o - Y) ** 2))
def true_grad(theta):
    p = split(np.asarray(theta, dtype=np.float64))
    h = X @ p["W1"].T + p["b1"]
    a = base(h) + coarse(h)  # (the forward's values, as autograd's backward reads them)
    go = (a @ p["W2"].T - Y) / (16 * 3)
    slope = (h > 0) * 1.0 if ACT == "relu" else np.ones_like(h)
    gh = (go @ p["W2"]) * (slope + (0 if DROP else 1) * (1 - np.tanh(h) ** 2))
    return np.concatenate([(gh.T @ X).ravel(), gh.sum(0), (go.T @ a).ravel()])
def grad(theta):
    g = true_grad(theta)
    g[BIDX] *= 1 + BUG
    return g
"""
)


def _probe(tmp_path, part, act="lin", seed=0, bug=0.0, bidx=0, drop=0):
    source = MLP.format(seed=seed, part=part, act=act, bug=bug, bidx=bidx, drop=drop)
    return write_probe(tmp_path, source)


def _rows(report):
    return [(e.tensor, e.index, e.numeric, e.analytic, e.band) for e in report.worst]


@pytest.mark.parametrize(
    "part, act, seed",
    [
        ("f16", "lin", 0),
        ("bf16", "lin", 1),
        ("quant", "relu", 2),
    ],
)
def test_correct_gradient_beside_a_coarse_part_never_fails(tmp_path, part, act, seed):
    report = full_check(_probe(tmp_path, part, act, seed))
    assert not failing(report), _rows(report)


def test_a_bug_beside_a_float16_part_fails_at_its_entry(tmp_path):
    space: dict = {}
    exec(MLP.format(seed=0, part="f16", act="lin", bug=0.0, bidx=0, drop=0), space)
    g = space["true_grad"](space["theta0"])[:35]
    at = int(np.argmax(np.abs(g)))  # the W1 entry of the largest slope: a 10 % bug
    report = full_check(_probe(tmp_path, "f16", "lin", 0, bug=0.1, bidx=at))
    assert report.verdict == "fail" and not report.inconclusive, _rows(report)
    assert ("W1", at) in failing(report), _rows(report)


def test_a_dropped_float32_derivative_is_not_certified_correct(tmp_path):
    """Every W1/b1 entry is off by 1 %–100 %: none of them passes as correct."""
    report = full_check(_probe(tmp_path, "f32", "lin", 0, drop=1))
    assert report.verdict == "fail", _rows(report)
    for tensor in report.tensors[:2]:
        assert tensor.failures + tensor.undecided >= tensor.checked - 1, (
            tensor.name,
            tensor.checked,
            tensor.failures,
            tensor.undecided,
        )


def test_a_smooth_float64_loss_that_disagrees_only_by_truncation_is_untouched(tmp_path):
    """No grid rough (a plain float64 loss): the look changes nothing and never fails."""
    source = MLP.format(seed=0, part="f32", act="lin", bug=0.0, bidx=0, drop=0)
    source = source.replace("np.tanh(h.astype(np.float32)).astype(np.float64)", "np.tanh(h)")
    report = full_check(write_probe(tmp_path, source))
    assert report.verdict == "pass" and not report.inconclusive, _rows(report)


def _with_output_bias(source: str) -> str:
    """The model with a bias b2 on its output (review15n's mlp.py: 66 entries)."""
    source = source.replace('("W2", (3, 7))]', '("W2", (3, 7)), ("b2", (3,))]')
    source = source.replace('coarse(h)) @ p["W2"].T', 'coarse(h)) @ p["W2"].T + p["b2"]')
    source = source.replace('go = (a @ p["W2"].T - Y)', 'go = (a @ p["W2"].T + p["b2"] - Y)')
    return source.replace("(go.T @ a).ravel()])", "(go.T @ a).ravel(), go.sum(0)])")


@pytest.mark.parametrize("bug", [0.1, -0.1])
def test_a_bug_on_a_small_slope_beside_a_float16_part_never_passes(tmp_path, bug):
    """W1[3, 2] (g 0.067): the float16 part's staircase bounds the central differences at
    ~0.035 to about 0.014, so a 10 % bug there can be open but never certified correct (the
    coarse look's ladder said "right" within a bar of 14 % of |a|, fx16n's open item)."""
    source = _with_output_bias(MLP.format(seed=0, part="f16", act="lin", bug=bug, bidx=17, drop=0))
    report = full_check(write_probe(tmp_path, source))
    assert report.verdict != "pass" or report.inconclusive, _rows(report)
    entry = [e for e in report.worst if (e.tensor, e.index) == ("W1", 17)]
    assert entry and (entry[0].failing or entry[0].note == "open"), _rows(report)


@pytest.mark.parametrize("seed", [0, 3])
def test_a_zero_bias_relu_net_with_tiny_rows_beside_a_float32_part_never_fails(tmp_path, seed):
    """Zero biases and four input rows of size 1e-4 put relu kinks ~1e-4 from w; beside a
    float32 branch the coarse-part look's ladder started at steps of ~0.07 and read slopes
    across those kinks: 7 of 10 such correct networks failed (review17n C3). In a model that
    may have kinks the look leaves such an entry open, never wrong."""
    source = MLP.format(seed=seed, part="f32", act="relu", bug=0.0, bidx=0, drop=0)
    source += "X[:4] *= 1e-4\ntheta0[35:42] = 0.0\n"  # (b1: after W1's 7×5 entries)
    report = full_check(write_probe(tmp_path, source))
    assert not failing(report), _rows(report)
