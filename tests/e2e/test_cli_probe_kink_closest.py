"""`sweep --probe` with a kink 1e-14 / 1e-13 beside w (review9g #1): the side that does not
cross it measures the derivative at w exactly (a backward difference of −1.75 at every ε),
while the central differences settle on the average of two slopes. The correct gradient is
not wrong; a wrong one still is."""

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([W, 0.7, -0.4])
    def loss(t):
        t = np.asarray(t, dtype=float)
        x = t[0]
        v = 2.0 * np.abs(x - (W + D)) + 0.25 * x + C * (x - W) ** 2
        return float(v + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """


def _run(tmp_path, d, grad, curvature=0.0, w=0.0):
    body = (
        BODY.replace("GRAD", repr(grad))
        .replace("W", repr(w))
        .replace("D", repr(d))
        .replace("C", repr(curvature))
    )
    return sweep_probe(tmp_path / "near.py", body)


CASES = [(1e-14, 0.0, 0.0), (-1e-13, 0.0, 0.0), (1e-14, 1e4, 0.0), (-1e-13, 0.0, 1.0)]


@pytest.mark.parametrize(("d", "curvature", "w"), CASES)
def test_the_slope_on_the_side_without_the_kink_is_not_wrong(tmp_path, d, curvature, w):
    truth = -1.75 if d > 0 else 2.25
    out = _run(tmp_path, d, truth, curvature, w)
    assert out.returncode != 1, shown(out)


@pytest.mark.parametrize("d", [1e-14, -1e-13])
@pytest.mark.parametrize("factor", [0.0, -1.0, 1.05])
def test_a_wrong_gradient_beside_the_kink_is_still_wrong(tmp_path, d, factor):
    truth = -1.75 if d > 0 else 2.25
    out = _run(tmp_path, d, truth * factor)
    assert out.returncode == 1, shown(out)
