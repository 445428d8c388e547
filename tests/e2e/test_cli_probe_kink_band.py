"""`sweep --probe` on a gradient off by less than 1 % but far beyond the reference's bar: not
"Gradient correct" (it was, exit 0: a probe is not known to be smooth, and a difference under
1 % was let through as one a kink might make, then counted as agreement); and "Gradient wrong"
when the finite differences themselves refute it at every ε that resolves it (review9i: every
1 % bug of 60 random smooth probes was "too coarse", exit 2)."""

import json

import pytest

from tests.e2e.probe_cli import shown, sweep_probe


def _smooth(factor: float) -> str:
    return f"""
    import numpy as np
    theta0 = np.array([0.3, -0.7, 1.1, 0.45])
    def loss(t):
        return float(np.sum(np.sin(t) * np.exp(-t * t)))
    def grad(t):
        g = (np.cos(t) - 2.0 * t * np.sin(t)) * np.exp(-t * t)
        g[1] *= {factor!r}
        return g
    """


def _cubic(factor: float) -> str:
    """x³ + 1e-8·x at 0: central differences are 1e-8 + ε², and the losses' round-off at the
    ε where ε² is below 1e-10 is more than a tenth of that: no ε refutes a 1 % error tenfold."""
    return f"""
    import numpy as np
    theta0 = np.array([0.0, 0.7])
    def loss(t):
        return float(t[0] ** 3 + 1e-8 * t[0] + 0.3 * np.sin(t[1]))
    def grad(t):
        return np.array([1e-8 * {factor!r}, 0.3 * np.cos(t[1])])
    """


@pytest.mark.parametrize("factor", [1.01, 1.003, 0.995])
def test_a_small_resolved_error_is_never_confirmed(tmp_path, factor):
    out = sweep_probe(tmp_path / "smooth.py", _smooth(factor), 1, "--json")
    assert out.returncode != 0, shown(out)
    assert json.loads(out.stdout)["diagnosis"]["kind"] != "correct"


@pytest.mark.parametrize("factor", [1.01, 1.003, 0.995])
def test_a_small_error_the_differences_refute_at_every_step_is_wrong(tmp_path, factor):
    out = sweep_probe(tmp_path / "smooth.py", _smooth(factor), 1, "--json")
    assert out.returncode == 1, shown(out)
    assert json.loads(out.stdout)["diagnosis"]["kind"] == "wrong"


def test_the_exact_gradient_is_still_confirmed(tmp_path):
    out = sweep_probe(tmp_path / "smooth.py", _smooth(1.0), 1, "--json")
    assert out.returncode == 0, shown(out)
    assert json.loads(out.stdout)["diagnosis"]["kind"] == "correct"


def test_the_words_say_why_and_where_to_check(tmp_path):
    out = sweep_probe(tmp_path / "cubic.py", _cubic(1.01), 0)
    assert out.returncode == 2, shown(out)
    assert "Too coarse to judge (a kink could explain a difference under 1 %)" in out.stdout
    assert "network check" in out.stdout and "Gradient correct" not in out.stdout
