"""`sweep --probe`: a reference outvoted by finer differences may not confirm, but its own
disagreement still counts (review_final19: a 1e-4 bug against Richardson 1 ± 1.8e-14 and
differences 1 ± 1.1e-16 fell through to "consistent", exit 0)."""

import json

from tests.e2e.probe_cli import shown, sweep_probe


def _parabola(claimed: float) -> str:
    return f"""
    import numpy as np
    theta0 = np.array([0.0, 0.7])
    def loss(t):
        return float(1e4 * t[0] * t[0] + t[0])
    def grad(t):
        return np.array([{claimed!r}, 0.0])
    """


def test_a_one_in_ten_thousand_bug_is_not_consistent(tmp_path):
    out = sweep_probe(tmp_path / "parabola.py", _parabola(1.0001), 0, "--json")
    assert out.returncode != 0, shown(out)
    assert json.loads(out.stdout)["diagnosis"]["kind"] != "correct"


def test_the_exact_slope_of_the_parabola_is_still_correct(tmp_path):
    out = sweep_probe(tmp_path / "parabola.py", _parabola(1.0), 0, "--json")
    assert out.returncode == 0, shown(out)
