"""`sweep --probe` of a float64 loss with one part computed in float32 (review9m CRITICAL-1).

tanh(x) + sin(y) + 0.01·float(np.float32(x)² + np.float32(9)): the part moves in whole
quanta of 0.01·float32's spacing near 9. Below the first step the part stands still, so the
central differences settle on tanh's derivative alone (0.8556 where the truth is 0.8636),
and its first step read as "Kink inside the ε range": the correct gradient was called a
kink and the no-grad estimate missed by 2.9e5 bars. The part's quantum, read from the
sweep's even parts (whole multiples of it), is the central differences' round-off instead.
"""

from __future__ import annotations

import json
import math

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([@W@, 0.2])
    def loss(t):
        part = float(np.float32(t[0]) ** 2 + np.float32(@C@))
        return float(np.tanh(t[0]) + np.sin(t[1]) + 0.01 * part)
    def true_grad(t):
        return np.array([1 - np.tanh(t[0]) ** 2 + 0.02 * t[0], np.cos(t[1])])
    @GRAD@
    """

CASES = [(0.4, 9.0), (-1.3, 300.0)]


def _run(tmp_path, w, c, grad):
    body = BODY.replace("@W@", repr(w)).replace("@C@", repr(c)).replace("@GRAD@", grad)
    return sweep_probe(tmp_path / "part.py", body, 0, "--json")


def _truth(w):
    return 1 - math.tanh(w) ** 2 + 0.02 * w


@pytest.mark.parametrize(("w", "c"), CASES)
def test_a_correct_gradient_is_correct_and_no_kink(tmp_path, w, c):
    out = _run(tmp_path, w, c, "def grad(t):\n        return true_grad(t)")
    assert out.returncode == 0, shown(out)
    diagnosis = json.loads(out.stdout)["diagnosis"]
    assert diagnosis["kind"] == "correct", shown(out)


@pytest.mark.parametrize(("w", "c"), CASES)
def test_the_estimate_bounds_the_derivative(tmp_path, w, c):
    out = _run(tmp_path, w, c, "")
    assert out.returncode == 0, shown(out)
    data = json.loads(out.stdout)
    assert "Kink" not in data["diagnosis"]["title"], shown(out)
    richardson = [r for r in data["references"] if r["method"] == "Richardson"]
    assert richardson and abs(richardson[0]["value"] - _truth(w)) <= richardson[0]["error"]


def test_a_one_percent_bug_is_still_wrong(tmp_path):
    out = _run(tmp_path, 0.4, 9.0, "def grad(t):\n        return true_grad(t) * 1.01")
    assert out.returncode == 1, shown(out)
