"""`sweep --probe` on a loss whose values are subnormal (|L| below 2.2e-308): its round-off is
the format's smallest gap, not u·|L| (which underflows to 0), and a kink at w is still named
(a floor of 1e-300 on the slopes' scale hid it; review9i)."""

import json
import subprocess
import sys
import textwrap

import pytest

CLI = [sys.executable, "-m", "fdgui.cli"]


def _probe(tmp_path, scale: float, claimed: float) -> str:
    path = tmp_path / "subnormal.py"
    path.write_text(
        textwrap.dedent(
            f"""
            import numpy as np
            S = {scale!r}
            theta0 = np.array([0.0, 0.7])
            def loss(t):
                x = t[0]
                return float(S * (abs(x) + 0.5 * x + 3 * x * x + 0.3 * np.sin(t[1])))
            def grad(t):
                return np.array([{claimed!r}, S * 0.3 * np.cos(t[1])])
            """
        )
    )
    return str(path)


def _sweep(path: str) -> tuple[int, dict]:
    out = subprocess.run(
        [*CLI, "sweep", "--probe", path, "--index", "0", "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return out.returncode, json.loads(out.stdout)


@pytest.mark.parametrize("scale", [1e-310, 1e-318])
@pytest.mark.parametrize("side", [-0.5, 1.5])
def test_a_kink_at_w_of_a_subnormal_loss_is_named_and_either_slope_passes(tmp_path, scale, side):
    code, data = _sweep(_probe(tmp_path, scale, side * scale))
    assert data["diagnosis"]["kind"] == "kink", data["diagnosis"]
    assert code == 0


def test_a_gradient_outside_both_slopes_of_a_subnormal_loss_is_wrong(tmp_path):
    code, data = _sweep(_probe(tmp_path, 1e-310, 4.0 * 1e-310))
    assert code == 1, data["diagnosis"]
