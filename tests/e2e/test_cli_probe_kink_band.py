"""`sweep --probe` on a gradient off by less than 1 % but far beyond the reference's bar: not
"Gradient correct" (it was, exit 0: a probe is not known to be smooth, and a difference under
1 % was let through as one a kink might make, then counted as agreement)."""

import json
import subprocess
import sys
import textwrap

import pytest

CLI = [sys.executable, "-m", "fdgui.cli"]


def _probe(tmp_path, factor: float):
    path = tmp_path / f"smooth_{factor}.py"
    path.write_text(
        textwrap.dedent(
            f"""
            import numpy as np
            theta0 = np.array([0.3, -0.7, 1.1, 0.45])
            def loss(t):
                return float(np.sum(np.sin(t) * np.exp(-t * t)))
            def grad(t):
                g = (np.cos(t) - 2.0 * t * np.sin(t)) * np.exp(-t * t)
                g[1] *= {factor!r}
                return g
            """
        )
    )
    return str(path)


@pytest.mark.parametrize("factor", [1.01, 1.003, 0.995])
def test_a_small_resolved_error_is_never_confirmed(tmp_path, factor):
    out = subprocess.run(
        [*CLI, "sweep", "--probe", _probe(tmp_path, factor), "--index", "1", "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode != 0, out.stdout[-2000:]
    data = json.loads(out.stdout)
    assert data["diagnosis"]["kind"] != "correct"


def test_the_exact_gradient_is_still_confirmed(tmp_path):
    out = subprocess.run(
        [*CLI, "sweep", "--probe", _probe(tmp_path, 1.0), "--index", "1", "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert json.loads(out.stdout)["diagnosis"]["kind"] == "correct"


def test_the_words_say_why_and_where_to_check(tmp_path):
    out = subprocess.run(
        [*CLI, "sweep", "--probe", _probe(tmp_path, 1.01), "--index", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 2
    assert "Too coarse to judge (a kink could explain a difference under 1 %)" in out.stdout
    assert "network check" in out.stdout and "Gradient correct" not in out.stdout
