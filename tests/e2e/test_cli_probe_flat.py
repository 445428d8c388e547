"""`sweep --probe` on a loss that is exactly flat in w (review9g #0): a dead ReLU
max(x − d, 0) at w = 0 and the flat stretch between two kinks |x − d| + |x + d|. Where
w ± ε is formed exactly and a gradient of the claimed size would move the loss by far more
than its resolution, L+ = L = L− is the measurement of a derivative 0: a gradient away
from 0 is wrong (exit 1), 0 is not. A quantised loss (flat between its steps) is not flat
in this sense: its steps set its resolution."""

import math
import textwrap

import pytest

from tests.e2e.probe_cli import run_cli

BODY = """
    import numpy as np
    theta0 = np.array([W, 0.7, -0.4])
    def V(x):
        return VALUE
    def loss(t):
        t = np.asarray(t, dtype=float)
        v = V(t[0]) + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2
        if QUANTUM:
            v = round(v / QUANTUM) * QUANTUM
        return float(v)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """


def _run(tmp_path, name, value, grad, w=0.0, quantum=0.0):
    body = (
        BODY.replace("VALUE", value)
        .replace("GRAD", repr(grad))
        .replace("QUANTUM", repr(quantum))
        .replace("W", repr(w))
    )
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    return run_cli("sweep", "--probe", str(path), "--index", "0")


def _show(out):
    return out.stdout[-2500:] + out.stderr[-2000:]


FLAT = [
    ("dead01", "np.maximum(x - 0.1, 0.0)", 0.0),
    ("dead1e-3", "np.maximum(x - 1e-3, 0.0)", 0.0),
    ("dead1e-8", "np.maximum(x - 1e-8, 0.0)", 0.0),
    ("deadc", "np.maximum(x - 1e-6, 0.0)", 5e-7),
    ("between", "np.abs(x - 1e-6) + np.abs(x + 1e-6)", 0.0),
    ("two_far", "np.abs(x - 1e-8) + np.abs(x + 3e-8)", 0.0),
]


@pytest.mark.parametrize(("name", "value", "w"), FLAT, ids=[f[0] for f in FLAT])
@pytest.mark.parametrize("grad", [1.0, 0.01])
def test_a_gradient_on_a_flat_loss_is_wrong(tmp_path, name, value, w, grad):
    out = _run(tmp_path, name, value, grad, w)
    assert out.returncode == 1, _show(out)
    assert "Gradient wrong" in out.stdout, _show(out)


@pytest.mark.parametrize(("name", "value", "w"), FLAT[::2], ids=[f[0] for f in FLAT[::2]])
def test_zero_on_a_flat_loss_is_not_wrong(tmp_path, name, value, w):
    out = _run(tmp_path, name, value, 0.0, w)
    assert out.returncode != 1, _show(out)


@pytest.mark.parametrize("quantum", [1e-6, 1e-9])
def test_a_quantised_smooth_loss_is_not_flat(tmp_path, quantum):
    """Flat between its steps for ε below quantum/|L'|: a correct gradient is not wrong."""
    out = _run(tmp_path, "quant", "np.sin(3.0 * x)", 3.0 * math.cos(0.9), 0.3, quantum)
    assert out.returncode != 1, _show(out)
