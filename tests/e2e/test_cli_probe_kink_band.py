"""`sweep --probe` on a gradient off by less than 1 % but far beyond the reference's bar: not
"Gradient correct" (it was, exit 0: a probe is not known to be smooth, and a difference under
1 % was let through as one a kink might make, then counted as agreement); and "Gradient wrong"
when the finite differences themselves refute it at every ε that resolves it (review9i: every
1 % bug of 60 random smooth probes was "too coarse", exit 2)."""

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


@pytest.mark.parametrize("factor", [1.01, 1.003, 0.995])
def test_a_small_error_the_differences_refute_at_every_step_is_wrong(tmp_path, factor):
    out = subprocess.run(
        [*CLI, "sweep", "--probe", _probe(tmp_path, factor), "--index", "1", "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 1, out.stdout[-2000:]
    assert json.loads(out.stdout)["diagnosis"]["kind"] == "wrong"


def _cubic(tmp_path, factor: float):
    """x³ + 1e-8·x at 0: central differences are 1e-8 + ε², and the losses' round-off at the
    ε where ε² is below 1e-10 is more than a tenth of that: no ε refutes a 1 % error tenfold."""
    path = tmp_path / f"cubic_{factor}.py"
    path.write_text(
        textwrap.dedent(
            f"""
            import numpy as np
            theta0 = np.array([0.0, 0.7])
            def loss(t):
                return float(t[0] ** 3 + 1e-8 * t[0] + 0.3 * np.sin(t[1]))
            def grad(t):
                return np.array([1e-8 * {factor!r}, 0.3 * np.cos(t[1])])
            """
        )
    )
    return str(path)


def test_the_words_say_why_and_where_to_check(tmp_path):
    out = subprocess.run(
        [*CLI, "sweep", "--probe", _cubic(tmp_path, 1.01), "--index", "0"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 2, out.stdout[-2000:]
    assert "Too coarse to judge (a kink could explain a difference under 1 %)" in out.stdout
    assert "network check" in out.stdout and "Gradient correct" not in out.stdout
