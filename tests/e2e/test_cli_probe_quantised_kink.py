"""`sweep --probe` on a kink at w of a quantised loss (review9g #8): the loss rounded to
multiples of a quantum Q moves by whole steps, so each one-sided quotient is off by up to
Q/ε, not u·|L|/ε. Read against u·|L|/ε the staircase hid the kink (the endpoints of the
subgradient were "wrong": the central differences settle on the slopes' average), or put
it "inside the ε range" where no estimate contradicts anything (a gradient outside both
slopes passed). Slopes are exact: the loss is piecewise linear in the entry."""

from __future__ import annotations

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([W, 0.7, -0.4])
    def loss(t):
        t = np.asarray(t, dtype=float)
        x = t[0] - W
        v = LEFT * min(x, 0.0) + RIGHT * max(x, 0.0) + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2
        return float(round(v / Q) * Q)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """

# (slope left of w, slope right of w, quantum, w)
KINKS = {
    "3e-11 at 0": (-0.8, 1.2, 3e-11, 0.0),
    "1e-9 at 0.25": (0.1, 2.0, 1e-9, 0.25),
    "4e-7 at -1": (-1.5, -0.3, 4e-7, -1.0),
}


def _run(tmp_path, kink, grad):
    left, right, quantum, w = kink
    body = (
        BODY.replace("LEFT", repr(left))
        .replace("RIGHT", repr(right))
        .replace("GRAD", repr(grad))
        .replace("Q", repr(quantum))
        .replace("W", repr(w))
    )
    return sweep_probe(tmp_path / "quantised.py", body)


@pytest.mark.parametrize("name", list(KINKS))
@pytest.mark.parametrize("side", [0, 1])
def test_a_one_sided_slope_is_not_wrong(tmp_path, name, side):
    kink = KINKS[name]
    out = _run(tmp_path, kink, kink[side])
    assert out.returncode != 1, shown(out)


@pytest.mark.parametrize("name", list(KINKS))
def test_a_gradient_beyond_both_slopes_is_wrong(tmp_path, name):
    left, right, _, _ = kink = KINKS[name]
    out = _run(tmp_path, kink, right + (right - left))
    assert out.returncode == 1, shown(out)
