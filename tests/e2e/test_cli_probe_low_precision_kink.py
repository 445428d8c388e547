"""`sweep --probe` on a kink at w with curvature, the loss computed in float16
(review9g #8): the one-sided differences are readable only from ε ~ 1e-2, where the
curvature's L''·ε is already as large as the kink's jump, so the jump seemed to grow with ε
and the kink went unseen: the slopes' endpoints were "wrong" (the central differences settle
on their average). The jump and the slopes are read with the curvature's term taken out.
Slopes are exact: V = c·x² + a·|x| + b·x has slopes b − a and b + a at 0."""

from __future__ import annotations

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    import ml_dtypes
    DT = DTYPE
    theta0 = np.array([0.0, 0.7, -0.4])
    def loss(t):
        t = np.asarray(t, dtype=float).astype(DT)
        x = t[0]
        v = DT(C) * x * x + DT(A) * abs(x) + DT(B) * x
        v = v + DT(0.3) * np.sin(t[1]) + DT(0.2) * t[2] ** 2
        return float(v)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """

# (dtype, c, a, b)
KINKS = {
    "float16 convex": ("np.float16", 40.0, 0.75, 0.25),
    "float16 concave": ("np.float16", -60.0, 1.25, -0.5),
    "float16 shifted": ("np.float16", 100.0, 1.0, 0.75),
}


def _run(tmp_path, kink, grad):
    dtype, c, a, b = kink
    body = (
        BODY.replace("DTYPE", dtype)
        .replace("C)", f"{c!r})")
        .replace("A)", f"{a!r})")
        .replace("B)", f"{b!r})")
        .replace("GRAD", repr(grad))
    )
    return sweep_probe(tmp_path / "low.py", body)


@pytest.mark.parametrize("name", list(KINKS))
@pytest.mark.parametrize("side", [-1, 1])
def test_a_one_sided_slope_is_not_wrong(tmp_path, name, side):
    _, _, a, b = kink = KINKS[name]
    out = _run(tmp_path, kink, b + side * a)
    assert out.returncode != 1, shown(out)


@pytest.mark.parametrize("name", list(KINKS))
def test_a_gradient_beyond_both_slopes_is_wrong(tmp_path, name):
    _, _, a, b = kink = KINKS[name]
    out = _run(tmp_path, kink, b + 2.0 * a)
    assert out.returncode == 1, shown(out)
