"""`sweep --probe … --index`: a bracketed index names one entry only with one index per axis
(numpy's ``W[1]`` on a 2-D W is a row; it was swept as W[0, 1] without a word, review17p M2),
and a bare number with no --tensor counts through all parameters, theta0's order (README's
"I: 37"; it was taken inside the first tensor, review17p LOW)."""

from tests.e2e.probe_cli import run_cli, shown

PROBE = """
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 14)
names = [("W", (3, 4)), ("b", (2,))]
def loss(t):
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return np.cos(t) * t + np.sin(t)
"""


def test_a_row_index_on_a_matrix_is_refused_naming_the_shape(tmp_path):
    path = tmp_path / "two.py"
    path.write_text(PROBE)
    out = run_cli("sweep", "--probe", str(path), "--index", "W[1]")
    assert out.returncode == 2, shown(out)
    assert "(3, 4)" in out.stderr and "2 axes" in out.stderr, shown(out)
    assert "W[0, 1]" not in out.stdout


def test_a_flat_index_without_a_tensor_counts_through_theta0(tmp_path):
    path = tmp_path / "two.py"
    path.write_text(PROBE)
    out = run_cli("sweep", "--probe", str(path), "--index", "13")
    assert out.returncode == 0, shown(out)
    assert "b[1]" in out.stdout, shown(out)
    out = run_cli("sweep", "--probe", str(path), "--index", "14")
    assert out.returncode == 2 and "0…13" in out.stderr, shown(out)
