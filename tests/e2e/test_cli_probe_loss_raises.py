"""A probe whose loss raises outside its domain at a large ε is swept (review12p M5: a
``math.log`` loss swept with the default ε range up to 1 failed whole with "ValueError: math
domain error" and no hint). Those ε are left out as where a loss is not finite, a note on
stderr names the error, the side and the ε range, and points at --max."""

from __future__ import annotations

from tests.e2e.probe_cli import shown, sweep_probe

DOMAIN = """
import math
import numpy as np
theta0 = np.array([0.5, 0.3, 0.2])
def loss(t):
    return math.log(t[0]) + math.log(t[1]) + t[2] ** 2
def grad(t):
    return np.array([1 / t[0], 1 / t[1], 2 * t[2]])
"""


def test_a_loss_undefined_at_large_eps_is_swept_with_a_note(tmp_path):
    out = sweep_probe(tmp_path / "logdom.py", DOMAIN, 0)
    assert out.returncode == 0, shown(out)
    assert "Gradient correct" in out.stdout, shown(out)
    note = out.stderr
    assert "ValueError: math domain error" in note and "logdom.py, line 6" in note, note
    assert "at w − ε for ε from 0.5" in note and "w + ε" not in note, note
    assert "--max" in note, note
    assert "Traceback" not in note
