"""`sweep --probe`: a reference that measured no derivative never judges, and no-grad bars
bound the derivative.

- A small fast oscillation on a constant loss (review_final19 CRITICAL-3): Richardson's
  steps average it away ("3.8e-11 ± 2.8e-10" for a derivative of −4.8e-5) and the probe's
  truncation guide, read at one step far beyond its scale, is many orders too small; a
  correct gradient was "wrong" in 22 of 25 files.
- A loss rounded to a quantum (review9i C5, review_final19 CRITICAL-4): Richardson's steps,
  cut into one quantum, gave "0 ± 2e-10" for a slope of 0.98; its one-sided differences,
  lost in the steps at small ε, read a kink at w with made-up slopes.
- No-grad estimates (review9i C6, C7): the bar is the settled decade's spread with its
  round-off and truncation, not one ε's predicted error or seven ε's spread.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from tests.e2e.probe_cli import shown, sweep_probe


def _oscillation(amplitude: float, frequency: float, w: float, phase: float, claim: float):
    return f"""
    import numpy as np
    theta0 = np.array([{w!r}, 0.7, -0.4])
    def loss(t):
        return float({amplitude!r} * np.sin({frequency!r} * t[0] + {phase!r})
                     + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2)
    def grad(t):
        return np.array([{claim!r}, 0.3 * np.cos(t[1]), 0.4 * t[2]])
    """


# (amplitude, frequency, w, phase): A·a from 5e-5 to 6e-4, a from 3e5 to 5e7, all far beyond
# the scale of Richardson's steps (0.06 … 1e-3) and of the guide's step (6.5e-4)
OSCILLATIONS = [(1e-12, 5e7, 0.43, 0.9), (2e-9, 3e5, 0.71, 2.0), (7e-12, 1.3e7, -0.37, 0.2)]


def _json(out):
    return json.loads(out.stdout)


def _bounded(references, truth: float) -> None:
    """Every Richardson reference shown as trusted bounds ``truth``."""
    for reference in references:
        if reference["method"] == "Richardson" and reference["status"] == "ok":
            assert abs(reference["value"] - truth) <= reference["error"], reference


@pytest.mark.parametrize("amplitude, frequency, w, phase", OSCILLATIONS)
def test_a_fast_small_oscillation_leaves_a_correct_gradient_not_wrong(
    tmp_path, amplitude, frequency, w, phase
):
    truth = amplitude * frequency * math.cos(frequency * w + phase)
    out = sweep_probe(
        tmp_path / "ripple.py", _oscillation(amplitude, frequency, w, phase, truth), 0, "--json"
    )
    assert out.returncode == 0, shown(out)
    _bounded(_json(out)["references"], truth)


@pytest.mark.parametrize("amplitude, frequency, w, phase", OSCILLATIONS)
def test_a_fast_small_oscillation_still_refutes_a_sign_flip(
    tmp_path, amplitude, frequency, w, phase
):
    truth = amplitude * frequency * math.cos(frequency * w + phase)
    out = sweep_probe(
        tmp_path / "ripple.py", _oscillation(amplitude, frequency, w, phase, -truth), 0, "--json"
    )
    assert out.returncode == 1, shown(out)


def _quantised(expression: str, w: float, quantum: float, claim: float | None) -> str:
    body = f"""
    import numpy as np
    theta0 = np.array([{w!r}, 0.7, -0.4])
    def loss(t):
        x = t[0]
        v = {expression} + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2
        return float(np.round(v / {quantum!r}) * {quantum!r})
    """
    if claim is not None:
        body += f"""
    def grad(t):
        return np.array([{claim!r}, 0.3 * np.cos(t[1]), 0.4 * t[2]])
    """
    return body


# (expression in x, its derivative, w, quantum): smooth losses rounded to 1e-5 … 4.5e-5
QUANTISED = [
    ("np.sin(x)", "np.cos(x)", 0.2, 1e-5),
    (
        "0.19162648297642257 * np.sin(2.871369364355638 * x) + 0.5 * x * x",
        "0.19162648297642257 * 2.871369364355638 * np.cos(2.871369364355638 * x) + x",
        0.54196,
        4.5234e-05,
    ),
    (
        "0.20375243151808764 * np.sin(17.816973794385422 * x) + 0.5 * x * x",
        "0.20375243151808764 * 17.816973794385422 * np.cos(17.816973794385422 * x) + x",
        -0.69086,
        4.3426e-05,
    ),
]


def _derivative(text: str, w: float) -> float:
    return float(eval(text, {"np": np, "x": w}))


@pytest.mark.parametrize("expression, derivative, w, quantum", QUANTISED)
def test_a_quantised_smooth_loss_leaves_a_correct_gradient_not_wrong(
    tmp_path, expression, derivative, w, quantum
):
    truth = _derivative(derivative, w)
    out = sweep_probe(tmp_path / "q.py", _quantised(expression, w, quantum, truth), 0, "--json")
    assert out.returncode != 1, shown(out)
    diagnosis = _json(out)["diagnosis"]
    assert diagnosis["kind"] != "kink", shown(out)  # no kink at w: words made up slopes
    _bounded(_json(out)["references"], truth)


@pytest.mark.parametrize("expression, derivative, w, quantum", QUANTISED)
@pytest.mark.parametrize("factor", [-1.0, 1.1])
def test_a_quantised_smooth_loss_still_refutes_resolvable_bugs(
    tmp_path, expression, derivative, w, quantum, factor
):
    claim = factor * _derivative(derivative, w)
    out = sweep_probe(tmp_path / "q.py", _quantised(expression, w, quantum, claim), 0)
    assert out.returncode == 1, shown(out)


ESTIMATE = re.compile(r"derivative is (\S+) ± (\S+), from")
SETTLED = re.compile(r"settle near (\S+) \((?:they spread over )?± (\S+?)[: ]")


def _estimate(text: str, pattern: re.Pattern) -> tuple[float, float]:
    found = pattern.search(text)
    assert found, text
    return tuple(float(part.rstrip(",.;").replace("−", "-")) for part in found.groups())


def test_a_no_grad_estimate_beside_a_kink_near_a_large_w_bounds_the_slope(tmp_path):
    # 2|x − c| + 0.25·x with c 1,000 ulps right of w = 1e6: the slope at w is −1.75; the
    # estimate was 0.22 ± 6.7e-6, read where w ± ε crosses c
    body = """
    import numpy as np
    w = 1e6
    c = w + 1000 * float(np.spacing(w))
    theta0 = np.array([w, 0.7])
    def loss(t):
        return float(2 * abs(t[0] - c) + 0.25 * t[0] + 0.3 * np.sin(t[1]))
    """
    out = sweep_probe(tmp_path / "kink.py", body, 0, "--json")
    assert out.returncode == 0, shown(out)
    value, bar = _estimate(_json(out)["diagnosis"]["text"], ESTIMATE)
    assert abs(value - -1.75) <= bar, shown(out)
    assert bar < 0.5, shown(out)  # and it measures the slope, not both


@pytest.mark.parametrize(
    "expression, w, truth",
    [("x ** 4", 0.03, 4 * 0.03**3), ("x ** 4 + 1e-6 * x", 0.0, 1e-6)],
)
def test_a_no_grad_settled_reading_bounds_the_derivative(tmp_path, expression, w, truth):
    body = f"""
    import numpy as np
    theta0 = np.array([{w!r}, 0.7, -0.4])
    def loss(t):
        x = t[0]
        return float({expression} + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2)
    """
    out = sweep_probe(tmp_path / "flat.py", body, 0, "--json")
    assert out.returncode == 0, shown(out)
    text = _json(out)["diagnosis"]["text"]
    pattern = SETTLED if "settle near" in text else ESTIMATE
    value, bar = _estimate(text, pattern)
    assert abs(value - truth) <= bar, shown(out)
