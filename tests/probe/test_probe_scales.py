"""Probe tensors at very different scales, and losses far from 1 (review9e #3, #8, #9).

A tensor of parameters near 1e-6 (inside θ/1e-6) beside one near 1e3: the first look's
tolerance is each tensor's own (the loss changing by 1e8 over a unit move of the small
tensor says nothing of the other's round-off), and the small tensor is moved at its own
scale, not by a step five times larger than itself. A loss of 1e-20 has estimates of 1e-20
whose bars and relative uncertainty are at that scale. Each test failed before."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.netcheck.numeric import numeric_gradient_report
from fdgui.core.numbers import format as numbers
from fdgui.core.report.exporters import export
from fdgui.probe.model import open_probe

SCALES = """
import numpy as np
rng = np.random.default_rng({seed})
SMALL = rng.uniform(0.4, 2.5, 5) * 1e-6
LARGE = rng.uniform(400, 3000, 7)
OTHER = rng.normal(size=3)
SHIFT = rng.normal(size=5)
theta0 = np.concatenate([SMALL, LARGE, OTHER])
names = [("s", (5,)), ("big", (7,)), ("o", (3,))]

def parts(t):
    t = np.asarray(t, float)
    return t[:5], t[5:12], t[12:]

def loss(t):
    s, b, o = parts(t)
    return float(np.sum(np.log1p((s / 1e-6 - SHIFT) ** 2)) + 4 * np.sum(np.sin(b / 250))
                 + np.sum(o ** 3 * np.cos(o)))

def true_grad(t):
    s, b, o = parts(t)
    u = s / 1e-6 - SHIFT
    return np.concatenate([2 * u / (1 + u * u) / 1e-6, 4 / 250 * np.cos(b / 250),
                           3 * o ** 2 * np.cos(o) - o ** 3 * np.sin(o)])
"""

TINY = """
import numpy as np
rng = np.random.default_rng(5)
theta0 = rng.normal(size=12)
C = rng.normal(size=(12, 12)) / 3
S = {scale}

def loss(t):
    t = np.asarray(t, float)
    return float(S * (np.sum(np.cos(C @ t)) + 0.25 * t @ t))

def true_grad(t):
    t = np.asarray(t, float)
    return S * (-C.T @ np.sin(C @ t) + 0.5 * t)
"""


def open_file(tmp_path, text, grad=None):
    source = textwrap.dedent(text)
    if grad is not None:
        source += "\ndef grad(t):\n    g = true_grad(t).copy()\n    " + grad + "\n    return g\n"
    path = tmp_path / "probe.py"
    path.write_text(source)
    return open_probe(str(path))


def check(tmp_path, text, grad):
    model = open_file(tmp_path, text, grad)
    try:
        return run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize("bug", ["g[7] = -g[7]", "g[7] *= 2", "g[7] *= 1.01"])
def test_a_bug_in_a_large_scale_tensor_is_failed_beside_a_tiny_scale_one(tmp_path, seed, bug):
    report = check(tmp_path, SCALES.format(seed=seed), bug)
    assert report.verdict == "fail" and not report.inconclusive, export(report, "text")[:400]
    bad = [t.name for t in report.tensors if t.failures]
    assert bad == ["big"], export(report, "text")[:400]
    first = report.worst[0]
    assert (first.tensor, first.index, first.failing) == ("big", 2, True)


@pytest.mark.parametrize("seed", [3, 4])
def test_a_correct_gradient_with_a_tiny_scale_tensor_passes_without_kinks(tmp_path, seed):
    report = check(tmp_path, SCALES.format(seed=seed), "pass")
    assert report.verdict == "pass" and not report.inconclusive, export(report, "text")[:400]
    assert sum(t.kinks for t in report.tensors) == 0  # there is no kink
    small = next(t for t in report.tensors if t.name == "s")
    assert small.max_relative_error < 1e-6, small.max_relative_error


def test_a_ten_percent_bug_in_the_tiny_scale_tensor_fails(tmp_path):
    report = check(tmp_path, SCALES.format(seed=3), "g[:5] *= 1.1")
    assert report.verdict == "fail", export(report, "text")[:400]
    assert [t.name for t in report.tensors if t.failures] == ["s"], export(report, "text")[:400]


def estimate(tmp_path, text):
    model = open_file(tmp_path, text)
    try:
        return numeric_gradient_report(model, CheckSettings(None, engine="forward")), model
    finally:
        model.close()


def truth_of(text):
    space: dict = {}
    exec(textwrap.dedent(text), space)
    theta = np.asarray(space["theta0"], float)
    return space["true_grad"](theta)


def test_the_estimate_of_a_tiny_scale_tensor_bounds_and_measures(tmp_path):
    text = SCALES.format(seed=3)
    result, _ = estimate(tmp_path, text)
    truth = truth_of(text)
    values = np.concatenate([t.values for t in result.tensors])
    bars = np.concatenate([t.error_bars for t in result.tensors])
    assert np.all(np.abs(values - truth) <= bars), np.abs(values - truth) / bars
    small = result.tensors[0]
    assert np.all(small.error_bars < 1e-6 * np.abs(small.values)), small.error_bars


@pytest.mark.parametrize("scale", [1e-20, 1e-12])
def test_the_estimate_of_a_tiny_loss_has_bars_and_words_at_its_own_scale(tmp_path, scale):
    text = TINY.format(scale=scale)
    result, _ = estimate(tmp_path, text)
    truth = truth_of(text)
    tensor = result.tensors[0]
    assert np.all(np.abs(tensor.values - truth) <= tensor.error_bars)
    relative = tensor.error_bars / np.abs(tensor.values)
    assert np.median(relative) < 1e-5, relative  # the bars measure, not only bound
    # the words' relative uncertainty is the bars over the values, not over 1e-8
    assert np.allclose(tensor.relative_uncertainty, relative, rtol=1e-9)
    text_out = export(result, "text")
    median = f"median {numbers.scientific(float(np.median(relative)), 1)}"
    assert median in text_out, text_out[:400]
