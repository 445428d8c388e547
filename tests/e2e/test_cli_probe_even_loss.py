"""`sweep --probe` on a loss even about w to the last bit (review9g #4a): sqrt(x² + δ²) at
0 with δ = 1e-12 gives L+ = L− ≠ L at every ε, so the central difference is exactly 0 where
a gradient of 1 would move L+ − L− far past the loss's resolution, and the one-sided
differences fall to 0 below δ. Any gradient away from 0 was "consistent" (those ε were
skipped as if the loss had not changed). A kink at w with slopes ±s (|x| plus a curvature)
is even too, but its one-sided slopes stay near ±s: a subgradient there is not wrong."""

from __future__ import annotations

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([0.0, 0.7, -0.4])
    def V(x):
        return EXPR
    def loss(t):
        t = np.asarray(t, dtype=float)
        return float(V(t[0]) + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """


def _run(tmp_path, expression, grad):
    body = BODY.replace("EXPR", expression).replace("GRAD", repr(grad))
    return sweep_probe(tmp_path / "even.py", body)


SMOOTHED = ["np.sqrt(x * x + 9e-24)", "np.sqrt(x * x + 4e-18)", "np.sqrt(x * x + 2.5e-21)"]


@pytest.mark.parametrize("expression", SMOOTHED)
@pytest.mark.parametrize("grad", [1.0, -0.7, 0.05])
def test_a_gradient_away_from_zero_is_wrong(tmp_path, expression, grad):
    out = _run(tmp_path, expression, grad)
    assert out.returncode == 1, shown(out)


@pytest.mark.parametrize("expression", SMOOTHED)
def test_the_true_zero_is_not_wrong(tmp_path, expression):
    out = _run(tmp_path, expression, 0.0)
    assert out.returncode != 1, shown(out)


@pytest.mark.parametrize(
    ("expression", "grad"),
    [
        ("1.3 * abs(x) + 50.0 * x * x", 1.3),
        ("1.3 * abs(x) + 50.0 * x * x", -0.6),
        ("2.0 * abs(x) - 3e3 * x * x", 2.0),
        ("abs(x) + 1e4 * x * x", 0.4),
    ],
)
def test_a_subgradient_of_an_even_kink_is_not_wrong(tmp_path, expression, grad):
    out = _run(tmp_path, expression, grad)
    assert out.returncode != 1, shown(out)
