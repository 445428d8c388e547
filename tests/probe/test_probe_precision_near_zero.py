"""A float32 loss whose value at θ0 is 0 (a symmetric sum) is not read as float16 or
bfloat16 from its few small values (review9j HIGH-2): near 0 a float32 sum's values are
small multiples of float32's spacing at its terms' size, which lie on every coarser grid.
The format read then set ε ≈ 0.1 and rtol 0.1–0.3, and a 5 % bug passed."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe
from fdgui.probe.precision import confirmed, precision_of_values

SYMMETRIC = """
import numpy as np
{imports}
theta0 = np.linspace(-1, 1, 6)
def loss(t):
    return {loss}
def grad(t):
    return {factor} * np.cos(t)
"""

FLOAT32_LOSSES = {
    "numpy": ("", "np.sum(np.sin(t.astype(np.float32)))"),
    "torch": ("import torch", "torch.sin(torch.tensor(t, dtype=torch.float32)).sum()"),
}


def write(tmp_path, **fields):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(SYMMETRIC.format(**fields)))
    return str(path)


@pytest.mark.parametrize("kind", sorted(FLOAT32_LOSSES))
def test_a_declared_float32_loss_near_zero_is_read_as_float32_and_a_5_percent_bug_fails(
    tmp_path, kind
):
    if kind == "torch":
        pytest.importorskip("torch", reason="the torch form needs torch")
    imports, loss = FLOAT32_LOSSES[kind]
    model = open_probe(write(tmp_path, imports=imports, loss=loss, factor="1.05"), timeout=60)
    try:
        assert model.loss(model.theta0()) == 0.0  # the sum cancels at θ0
        assert model.loss_precision() == "float32"
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        assert not report.passed
    finally:
        model.close()
    model = open_probe(write(tmp_path, imports=imports, loss=loss, factor="1"), timeout=60)
    try:
        assert run_to_completion(CheckSettings(None, engine="forward"), model=model).passed
    finally:
        model.close()


def test_a_float16_or_bfloat16_loss_near_zero_is_still_read_as_one():
    """The coarse formats' own losses keep their reading: declared, or by their values at
    every step (undeclared, a Python float)."""
    import ml_dtypes

    theta0 = np.linspace(-1, 1, 6)
    rng = np.random.default_rng(3)
    for coarse, dtype in (("float16", np.float16), ("bfloat16", ml_dtypes.bfloat16)):
        values = []
        for scale in (5e-6, 6e-5, 6e-4, 4e-3, 0.16):
            for sign in (1.0, -1.0):
                moved = theta0 + sign * scale * np.where(rng.random(6) < 0.5, -1.0, 1.0)
                values.append(float(np.sum(np.sin(moved)).astype(np.float32).astype(dtype)))
        assert precision_of_values(values) == coarse
        assert confirmed(coarse, values, None) == coarse
        assert confirmed(coarse, values, coarse) == coarse


def test_few_small_values_never_override_a_declared_float32():
    """Four values with a few significant bits each (a float32 sum that cancels): float16's
    numbers, and bfloat16's, but no evidence against the declared float32."""
    spacing = 2.0**-24  # float32's spacing at the terms' size (about 0.5 to 1)
    values = [0.0, 86 * spacing, -88 * spacing, 1086 * spacing, -1088 * spacing]
    assert precision_of_values(values) in ("float16", "bfloat16")
    found = precision_of_values(values)
    assert confirmed(found, values, "float32") == "float32"
    assert confirmed(found, values, None) == "float32"  # undeclared: one full value, weak
