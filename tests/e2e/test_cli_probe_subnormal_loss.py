"""`sweep --probe` on a loss whose values are subnormal (|L| below 2.2e-308): its round-off is
the format's smallest gap, not u·|L| (which underflows to 0), and a kink at w is still named
(a floor of 1e-300 on the slopes' scale hid it; review9i)."""

import json

import pytest

from tests.e2e.probe_cli import shown, sweep_probe


def _body(scale: float, claimed: float) -> str:
    return f"""
    import numpy as np
    S = {scale!r}
    theta0 = np.array([0.0, 0.7])
    def loss(t):
        x = t[0]
        return float(S * (abs(x) + 0.5 * x + 3 * x * x + 0.3 * np.sin(t[1])))
    def grad(t):
        return np.array([{claimed!r}, S * 0.3 * np.cos(t[1])])
    """


@pytest.mark.parametrize("scale", [1e-310, 1e-318])
@pytest.mark.parametrize("side", [-0.5, 1.5])
def test_a_kink_at_w_of_a_subnormal_loss_is_named_and_either_slope_passes(tmp_path, scale, side):
    out = sweep_probe(tmp_path / "subnormal.py", _body(scale, side * scale), 0, "--json")
    assert json.loads(out.stdout)["diagnosis"]["kind"] == "kink", shown(out)
    assert out.returncode == 0


def test_a_gradient_outside_both_slopes_of_a_subnormal_loss_is_wrong(tmp_path):
    out = sweep_probe(tmp_path / "subnormal.py", _body(1e-310, 4.0 * 1e-310), 0, "--json")
    assert out.returncode == 1, shown(out)
