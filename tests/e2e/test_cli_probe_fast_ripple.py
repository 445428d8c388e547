"""`sweep --probe` on a loss with a small fast ripple, sin(w) + A·sin(k·w) (review9k
CRITICAL-2): Richardson's steps (1e-4 … 1e-1) average the ripple away and its bar, the
tableau's spread, is far below the ripple's share of the derivative (A·k·cos(k·w)): it gave
the smooth part's slope "0.267498827 ± 9.7e-9" where the derivative is 0.2674898897 (921
bars), the no-grad estimate repeated it, and a claim of the smooth part only was "Gradient
correct". The sweep's own central differences at ε ≲ 1/k measure the derivative to 1e-10:
a reading the smaller ε leave is not converged, and never judges or estimates."""

from __future__ import annotations

import json
import math
import re

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

# (k, A·k, w): the ripple's frequency, its share of the slope, the point
RIPPLES = [(1e6, 1e-5, -1.3), (1e7, 1e-4, 2.2), (3e5, 1e-4, 0.4)]


def _body(k: float, share: float, w: float, claim: str | None) -> str:
    grad = (
        ""
        if claim is None
        else f"""
    def grad(t):
        x = t[0]
        return np.array([{claim}, np.cos(t[1]), -0.5 * np.sin(t[2])])
    """
    )
    return (
        f"""
    import numpy as np
    theta0 = np.array([{w!r}, 0.3, -0.7])
    def loss(t):
        x = t[0]
        return float(np.sin(x) + {share / k!r} * np.sin({k!r} * x)) + float(
            np.sin(t[1]) + 0.5 * np.cos(t[2]))
    """
        + grad
    )


def _truth(k: float, share: float, w: float) -> float:
    return math.cos(w) + share * math.cos(k * w)


def _richardson_bounds(out, truth: float) -> None:
    for reference in json.loads(out.stdout)["references"]:
        if reference["method"] == "Richardson" and reference["status"] == "ok":
            assert abs(reference["value"] - truth) <= reference["error"], reference


@pytest.mark.parametrize("k, share, w", RIPPLES)
def test_the_no_grad_estimate_of_a_rippled_loss_bounds_its_derivative(tmp_path, k, share, w):
    out = sweep_probe(tmp_path / "ripple_n.py", _body(k, share, w, None), 0, "--json")
    assert out.returncode == 0, shown(out)
    diagnosis = json.loads(out.stdout)["diagnosis"]["text"]
    found = re.search(r"derivative is (\S+) ± (\S+?),? from", diagnosis)
    assert found, diagnosis
    value, bar = float(found.group(1)), float(found.group(2))
    truth = _truth(k, share, w)
    assert abs(value - truth) <= bar, (value, bar, truth)
    assert bar < 0.1 * share * abs(math.cos(k * w)) + 1e-7, (value, bar, truth)
    _richardson_bounds(out, truth)


@pytest.mark.parametrize("k, share, w", RIPPLES)
def test_a_claim_of_the_smooth_part_only_is_wrong(tmp_path, k, share, w):
    """Off by A·k·cos(k·w) (2e-5 … 1e-4 relative), which the differences at ε ≲ 1/k
    resolve thousands of times: it was "Gradient correct", exit 0."""
    out = sweep_probe(tmp_path / "ripple_sm.py", _body(k, share, w, "np.cos(x)"), 0, "--json")
    assert out.returncode == 1, shown(out)
    diagnosis = json.loads(out.stdout)["diagnosis"]
    assert diagnosis["kind"] == "wrong", shown(out)
    # the larger ε agree with the claim: "far off at every ε" would be untrue
    assert "at every ε" not in diagnosis["text"], diagnosis["text"]


@pytest.mark.parametrize("k, share, w", RIPPLES)
def test_the_true_derivative_of_a_rippled_loss_is_correct(tmp_path, k, share, w):
    claim = f"np.cos(x) + {share!r} * np.cos({k!r} * x)"
    out = sweep_probe(tmp_path / "ripple_ok.py", _body(k, share, w, claim), 0, "--json")
    assert out.returncode == 0, shown(out)
    assert "Gradient correct" in out.stdout or '"kind": "correct"' in out.stdout, shown(out)
    _richardson_bounds(out, _truth(k, share, w))
