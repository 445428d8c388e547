"""`sweep --probe` at a kink at w with more kinks close by (review9g #3): the one-sided
slopes are read below the next kink, not over the decade of least spread far beyond it
(x + 1e-9·|sin(1e6·x)| read at ε ≈ 0.1 gave slopes 1 and 1; a clipped ReLU
min(max(x, 0), 1e-7) read past 1e-7 gave a right slope of 1e-7/ε)."""

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([0.0, 0.7, -0.4])
    def loss(t):
        t = np.asarray(t, dtype=float)
        x = t[0]
        return float(VALUE + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """
SAW = "x + 1e-9 * np.abs(np.sin(1e6 * x))"  # slopes 0.999 and 1.001 at w
CLIPPED = "np.minimum(np.maximum(x, 0.0), 1e-7)"  # slopes 0 and 1 at w


def _run(tmp_path, value, grad):
    body = BODY.replace("VALUE", value).replace("GRAD", repr(grad))
    return sweep_probe(tmp_path / "saw.py", body)


@pytest.mark.parametrize(
    ("value", "grad"), [(SAW, 0.999), (SAW, 1.001), (SAW, 1.0), (CLIPPED, 1.0), (CLIPPED, 0.5)]
)
def test_a_subgradient_between_the_slopes_at_w_is_not_wrong(tmp_path, value, grad):
    out = _run(tmp_path, value, grad)
    assert out.returncode == 0, shown(out)
    assert "Kink at w" in out.stdout, shown(out)


@pytest.mark.parametrize(("value", "grad"), [(SAW, 1.0012), (SAW, 0.998), (CLIPPED, 1.1)])
def test_outside_the_slopes_is_wrong(tmp_path, value, grad):
    out = _run(tmp_path, value, grad)
    assert out.returncode == 1, shown(out)
