"""`sweep --probe` of a float64 loss whose path to w runs through a float32 tanh (review13p C2).

Below the ε that move the float32 input the loss does not change at all; the sweep read that
as a derivative 0 that settled: the honest W1[4, 7] of a numpy net was "Gradient wrong … the
finite differences settle near 0", exit 1. It is correct (exit 0) and the report says why the
smallest ε measure nothing; the same entry with a 10 % bug is wrong (exit 1).
"""

from __future__ import annotations

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    r = np.random.default_rng(0)
    x = r.normal(size=(16, 5)); y = r.normal(size=(16, 3))
    W1 = r.normal(size=(5, 8)) * 0.7; b1 = r.normal(size=8) * 0.3
    W2 = r.normal(size=(8, 3)) * 0.7; b2 = r.normal(size=3) * 0.1
    theta0 = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])

    def split(t):
        return t[:40].reshape(5, 8), t[40:48], t[48:72].reshape(8, 3), t[72:75]

    def forward(t):
        a, b, c, d = split(np.asarray(t, float))
        h = np.tanh((x @ a + b).astype(np.float32)).astype(np.float64)
        return h, c, h @ c + d - y

    def loss(t):
        return float(0.5 * np.mean(np.sum(forward(t)[2] ** 2, 1)))

    def grad(t):
        h, c, e = forward(t)
        go = e / x.shape[0]
        gz = go @ c.T * (1 - h * h)
        g = np.concatenate([(x.T @ gz).ravel(), gz.sum(0), (h.T @ go).ravel(), go.sum(0)])
        g[39] *= 1 + @BUG@
        return g
    """


@pytest.mark.parametrize(("bug", "code"), [(0.0, 0), (0.1, 1)])
def test_an_entry_behind_a_float32_tanh(tmp_path, bug, code):
    out = sweep_probe(tmp_path / "inner.py", BODY.replace("@BUG@", repr(bug)), 39)
    assert out.returncode == code, shown(out)
    if bug == 0.0:
        assert "Gradient correct" in out.stdout, shown(out)
        assert "the loss does not change at all" in out.stdout, shown(out)
    else:
        assert "Gradient wrong" in out.stdout, shown(out)
