"""`sweep --probe` on a loss scaled by 1e-15 (review9g #5): its slopes are ~1e-15 in
absolute value, and an absolute floor of 1e-8 on the derivative's size hid both a kink at w
(every gradient passed) and a kink beside w (a gradient of 0 passed)."""

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    S = SCALE
    theta0 = np.array([0.0, 0.7, -0.4])
    def loss(t):
        t = np.asarray(t, dtype=float)
        x = t[0]
        return float(S * (VALUE + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2))
    def grad(t):
        return np.array([GRAD, S * 0.3 * np.cos(0.7), S * 0.4 * (-0.4)])
    """
AT_W = "1e4 * x**2 + 1.5 * np.maximum(x, 0.0) + 0.5 * np.minimum(x, 0.0)"  # slopes 0.5, 1.5
BESIDE = "2 * np.abs(x - 1e-9) + 0.25 * x"  # slope -1.75 at w


def _run(tmp_path, value, grad, scale=1e-15):
    body = BODY.replace("VALUE", value).replace("GRAD", repr(grad)).replace("SCALE", repr(scale))
    return sweep_probe(tmp_path / "tiny.py", body)


@pytest.mark.parametrize("slope", [0.0, 1.6, 4.5])
def test_outside_the_slopes_of_a_tiny_kink_at_w_is_wrong(tmp_path, slope):
    out = _run(tmp_path, AT_W, slope * 1e-15)
    assert out.returncode == 1, shown(out)


@pytest.mark.parametrize("slope", [0.5, 1.0, 1.5])
def test_a_subgradient_of_a_tiny_kink_at_w_is_not_wrong(tmp_path, slope):
    out = _run(tmp_path, AT_W, slope * 1e-15)
    assert out.returncode == 0, shown(out)
    assert "Kink at w" in out.stdout, shown(out)


@pytest.mark.parametrize("slope", [0.0, 2.25])
def test_a_wrong_gradient_beside_a_tiny_kink_is_wrong(tmp_path, slope):
    out = _run(tmp_path, BESIDE, slope * 1e-15)
    assert out.returncode == 1, shown(out)


def test_the_right_gradient_beside_a_tiny_kink_is_not_wrong(tmp_path):
    out = _run(tmp_path, BESIDE, -1.75e-15)
    assert out.returncode == 0, shown(out)
