"""Tensors whose entries are all tiny but non-zero (review9h #3): biases initialised at 1e-9,
entries at 1e-12, denormals. The loss varies with them at scale 1, so a step at their own
size (ε·1e-9) would be swamped by round-off; they must be moved so the loss change is
resolved, and a sign flip or a 1 % error in them must Fail, as it did before probe7's
own-scale step. A tensor that truly lives at its own scale (θ/1e-6) keeps that step."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.netcheck.numeric import numeric_gradient_report
from fdgui.probe.model import open_probe

SMALL = """
import numpy as np
rng = np.random.default_rng({seed})
X = rng.normal(size=(8, 3)); Y = rng.normal(size=(8, 4)) * 0.5; CZ = rng.normal(size=3)
W0 = rng.normal(size=(3, 4)) * 0.7
B0 = {bias}
Z0 = {zed}
theta0 = np.concatenate([W0.ravel(), B0, Z0])
names = [("W", (3, 4)), ("b", (4,)), ("z", (3,))]

def loss(t):
    t = np.asarray(t, float); W = t[:12].reshape(3, 4); b = t[12:16]; z = t[16:]
    h = np.tanh(X @ W + b)
    return float(0.5 * np.sum((h - Y) ** 2) + np.sum((z - CZ) ** 2 * (1 + 0.1 * np.sin(3 * z))))

def true_grad(t):
    t = np.asarray(t, float); W = t[:12].reshape(3, 4); b = t[12:16]; z = t[16:]
    h = np.tanh(X @ W + b); dh = (h - Y) * (1 - h * h)
    gz = 2 * (z - CZ) * (1 + 0.1 * np.sin(3 * z)) + (z - CZ) ** 2 * 0.3 * np.cos(3 * z)
    return np.concatenate([(X.T @ dh).ravel(), dh.sum(0), gz])
"""

SMALL_INIT = ("rng.normal(size=4) * 1e-9", "rng.normal(size=3) * 1e-12")
DENORMALS = ("np.array([0.0, 1e-310, -3e-320, 0.0])", "np.array([1e-300, 0.0, 0.0])")


def open_file(tmp_path, values, seed=5, grad=None):
    source = textwrap.dedent(SMALL).format(seed=seed, bias=values[0], zed=values[1])
    if grad is not None:
        source += "\ndef grad(t):\n    g = true_grad(t).copy()\n    " + grad + "\n    return g\n"
    path = tmp_path / "probe.py"
    path.write_text(source)
    return open_probe(str(path))


def check(tmp_path, values, grad, seed=5):
    model = open_file(tmp_path, values, seed, grad)
    try:
        return run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


def outcome(result):
    return "inconclusive" if result.inconclusive else result.verdict


def failing(result):
    return {(entry.tensor, entry.index) for entry in result.worst if entry.failing}


@pytest.mark.parametrize("values", [SMALL_INIT, DENORMALS], ids=["1e-9", "denormal"])
def test_correct_gradient_of_tiny_tensors_passes(tmp_path, values):
    result = check(tmp_path, values, "pass")
    assert outcome(result) == "pass", failing(result)


@pytest.mark.parametrize("values", [SMALL_INIT, DENORMALS], ids=["1e-9", "denormal"])
@pytest.mark.parametrize(
    ("bug", "where"),
    [("g[13] = -g[13]", ("b", 1)), ("g[13] *= 1.01", ("b", 1)), ("g[16] = -g[16]", ("z", 0))],
)
def test_bug_in_a_tiny_tensor_fails(tmp_path, values, bug, where):
    result = check(tmp_path, values, bug)
    assert outcome(result) == "fail"
    assert failing(result) == {where}


def test_no_grad_bars_of_tiny_tensors_are_tight(tmp_path):
    model = open_file(tmp_path, SMALL_INIT)
    try:
        report = numeric_gradient_report(model, CheckSettings(None, engine="forward"))
    finally:
        model.close()
    space: dict = {}
    exec(textwrap.dedent(SMALL).format(seed=5, bias=SMALL_INIT[0], zed=SMALL_INIT[1]), space)
    truth = space["true_grad"](np.asarray(space["theta0"], float))
    values = np.concatenate([np.asarray(t.values, float) for t in report.tensors])
    bars = np.concatenate([np.asarray(t.error_bars, float) for t in report.tensors])
    assert np.all(np.abs(values - truth) <= bars)
    # b and z vary the loss at scale 1: their bars are round-off of a step near ε·1
    assert np.max(bars[12:] / np.abs(truth[12:])) < 1e-6


UNRESOLVED = """
import numpy as np
rng = np.random.default_rng(11)
S = np.repeat([1e-8, 1.0, 1e8], 4)
U = rng.uniform(0.5, 2, 12); C = rng.normal(size=12)
theta0 = U * S
names = [("tiny", (4,)), ("one", (4,)), ("huge", (4,))]

def loss(t):
    t = np.asarray(t, float); u = t / S - C
    return float(np.sum(S * (np.log1p(u * u) + 0.3 * np.sin(t / S))))

def true_grad(t):
    t = np.asarray(t, float); u = t / S - C
    return 2 * u / (1 + u * u) + 0.3 * np.cos(t / S)
"""


def test_a_tiny_tensor_no_step_resolves_keeps_bars_that_bound(tmp_path):
    # its term is 1e-8·f(t/1e-8) beside a term of 1e8: the own step is lost in round-off and
    # ε·1 is 600 times its scale; its estimates must carry bars that bound the truth
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(UNRESOLVED))
    model = open_probe(str(path))
    try:
        report = numeric_gradient_report(model, CheckSettings(None, engine="forward"))
    finally:
        model.close()
    space: dict = {}
    exec(textwrap.dedent(UNRESOLVED), space)
    truth = space["true_grad"](np.asarray(space["theta0"], float))
    values = np.concatenate([np.asarray(t.values, float) for t in report.tensors])
    bars = np.concatenate([np.asarray(t.error_bars, float) for t in report.tensors])
    assert np.all(np.abs(values - truth) <= bars)
