"""`sweep --probe` on sqrt(x² + δ²) at w = δ (review9g #4b): the slope 1/√2 holds only
over ε below δ; above it the central differences settle near 0 (the far field of |x|), a
truncation no probe predicts. The correct gradient is not wrong; a 5 % bug and a gradient
of 1 still are."""

import math

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([DELTA, 0.7, -0.4])
    def loss(t):
        t = np.asarray(t, dtype=float)
        v = np.sqrt(t[0] ** 2 + DELTA**2) + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2
        return float(v)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """


def _run(tmp_path, delta, grad):
    body = BODY.replace("DELTA", repr(delta)).replace("GRAD", repr(grad))
    return sweep_probe(tmp_path / "narrow.py", body)


@pytest.mark.parametrize("delta", [1e-12, 1e-10])
def test_the_slope_below_delta_is_not_wrong(tmp_path, delta):
    out = _run(tmp_path, delta, 1 / math.sqrt(2))
    assert out.returncode != 1, shown(out)


@pytest.mark.parametrize("delta", [1e-12, 1e-10])
@pytest.mark.parametrize("factor", [1.05, math.sqrt(2)])
def test_a_wrong_slope_is_still_wrong(tmp_path, delta, factor):
    out = _run(tmp_path, delta, factor / math.sqrt(2))
    assert out.returncode == 1, shown(out)


DEAD = """
    import numpy as np
    theta0 = np.array([0.0, 0.7, -0.4])
    def loss(t):
        t = np.asarray(t, dtype=float)
        return float(max(t[0] - 0.9, 0.0) + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2)
    def grad(t):
        return np.array([CLAIM, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """


@pytest.mark.parametrize("claim", [0.5, 0.01])
def test_a_slope_on_a_flat_loss_is_wrong(tmp_path, claim):
    """max(w − 0.9, 0) at w = 0: the loss moves only at the few ε past 0.9, whose least
    change is no quantum; the Richardson reference 0 ± 5e-15 still judges."""
    out = sweep_probe(tmp_path / "dead.py", DEAD.replace("CLAIM", repr(claim)))
    assert out.returncode == 1, shown(out)
