"""`sweep --probe` on an entry sitting on a kink (|t| at 0, a tie of max): the probe says
nothing of its branches, so the one-sided slopes are read from the forward and backward
differences, and a gradient outside them is wrong (a gradient of 5 at |t| was "one choice of
the subgradient", exit 0)."""

import subprocess
import textwrap

import pytest

from tests.e2e.probe_cli import run_cli


def _probe(tmp_path, gradient: float) -> str:
    path = tmp_path / "kinked.py"
    path.write_text(
        textwrap.dedent(
            f"""
            import numpy as np
            theta0 = np.array([0.0, 0.4, -0.3])
            def loss(t):
                return float(np.sum(np.cos(t)) + 2.0 * abs(t[0]) + 0.5 * t[0])
            def grad(t):
                g = -np.sin(t)
                g[0] = {gradient!r}
                return g
            """
        )
    )
    return str(path)


def _sweep(path: str) -> subprocess.CompletedProcess:
    return run_cli("sweep", "--probe", path, "--index", "0")


@pytest.mark.parametrize("gradient", [5.0, -4.0, 3.0])
def test_a_gradient_outside_the_one_sided_slopes_is_wrong(tmp_path, gradient):
    out = _sweep(_probe(tmp_path, gradient))  # slopes −1.5 (left) and 2.5 (right)
    assert out.returncode == 1, out.stdout[-1500:] + out.stderr[-1500:]
    assert "Gradient wrong" in out.stdout and "outside" in out.stdout


@pytest.mark.parametrize("gradient", [0.5, -1.5, 2.5, 0.0])
def test_a_subgradient_is_a_kink_not_a_bug(tmp_path, gradient):
    out = _sweep(_probe(tmp_path, gradient))
    assert out.returncode == 0, out.stdout[-1500:] + out.stderr[-1500:]
    assert "Kink at w" in out.stdout


def test_the_slack_follows_the_loss_scale(tmp_path):
    """At 1e-12·|t| the slack had an absolute 1e-12 in it: 2e-12 (slopes ±1e-12) passed."""
    for gradient, code in ((2e-12, 1), (0.5e-12, 0), (1e-12, 0)):
        path = tmp_path / f"tiny_kink_{gradient!r}.py"
        path.write_text(
            textwrap.dedent(
                f"""
                import numpy as np
                theta0 = np.array([0.0, 0.4])
                def loss(t):
                    return float(1e-12 * abs(t[0]) + 1e-12 * np.cos(t[1]))
                def grad(t):
                    return np.array([{gradient!r}, -1e-12 * np.sin(t[1])])
                """
            )
        )
        out = _sweep(str(path))
        assert out.returncode == code, (gradient, out.stdout[-1500:])
