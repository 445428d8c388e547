"""The analytic reference studies the function the losses compute: typed constants rounded
as the dtype rounds them, and a branch switch that ties in the dtype's own evaluation at w
is a kink at w, judged by the subgradient test (review10i C1, M6)."""

from __future__ import annotations

import random

import ml_dtypes
import numpy as np
import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.sweep import extended
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

TYPES = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}


def _kind(expression: str, point: float, grad: str, dtype: str, points: int = 80) -> str:
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, points=points))
    return diagnose(result).kind


def test_constants_are_read_as_the_dtype_rounds_them():
    reference = extended.analytic_reference("0.1*w", 1.0, "float32")
    assert reference.value == float(np.float32(0.1))
    assert extended.analytic_reference("0.1*w", 1.0).value == 0.1
    # w**0.1 in float64: the exponent the losses use is float64(0.1)
    reference = extended.analytic_reference("w**0.1", 0.3)
    import mpmath as mp

    with mp.workdps(50):
        b = mp.mpf(0.1)
        exact = b * mp.mpf(0.3) ** (b - 1)
        assert abs(exact - reference.value) <= reference.error


@pytest.mark.parametrize("grad", ["0", "0.5", "1"])
def test_relu_at_a_constant_that_rounds_with_w_in_float32_is_a_kink_at_w(grad):
    assert _kind("relu(w-0.1)", 0.1, grad, "float32") == "kink"


def test_outside_the_one_sided_slopes_at_a_dtype_tie_is_still_wrong():
    assert _kind("relu(w-0.1)", 0.1, "1.3", "float32") == "wrong"
    assert _kind("relu(w-0.1)", 0.1, "-0.3", "float32") == "wrong"


@pytest.mark.parametrize("grad", [1.00000025, float(np.exp(2.5e-7)), 1.000000250000003])
def test_a_tie_in_float64_arithmetic_is_a_kink_at_w(grad):
    # np.exp(w) == 1 + w + w**2/2 in float64 at 2.5e-7, though not in exact arithmetic
    assert np.exp(2.5e-7) == 1 + 2.5e-7 + 2.5e-7**2 / 2
    assert _kind("maximum(exp(w), 1+w+w**2/2)", 2.5e-7, repr(grad), "float64") != "wrong"
    assert _kind("maximum(exp(w), 1+w+w**2/2)", 2.5e-7, "1.1", "float64") == "wrong"


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_sin_and_cos_equal_in_the_dtype_is_a_kink_at_w(dtype):
    w = 0.78539816339
    rounded = TYPES[dtype](w)
    assert np.sin(rounded) == np.cos(rounded)  # not so in exact arithmetic
    assert np.sin(np.float64(rounded)) != np.cos(np.float64(rounded))
    low, high = -float(np.sin(np.float64(rounded))), float(np.cos(np.float64(rounded)))
    for grad in (low, high, (low + high) / 2):
        assert _kind("minimum(sin(w), cos(w))", w, repr(grad), dtype) != "wrong", grad
    assert _kind("minimum(sin(w), cos(w))", w, "1.5", dtype) == "wrong"


def _random_ties(seed: int, count: int):
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        constant = round(rng.uniform(-3, 3), rng.randint(1, 4))
        dtype = rng.choice(sorted(TYPES))
        kind = rng.choice(["relu", "abs", "max", "min"])
        scale = rng.choice([1.0, 2.0, 0.5])
        if kind == "relu":
            text, low, high = f"{scale}*relu(w-{constant})", 0.0, scale
        elif kind == "abs":
            text, low, high = f"{scale}*abs(w-{constant})", -scale, scale
        elif kind == "max":
            text, low, high = f"maximum(w, {constant})*{scale}", 0.0, scale
        else:
            text, low, high = f"minimum(w, {constant})*{scale}", 0.0, scale
        found.append((text, constant, dtype, low, high))
    return found


@pytest.mark.parametrize(("text", "point", "dtype", "low", "high"), _random_ties(20261127, 6))
def test_random_dtype_ties_any_subgradient_is_not_wrong_and_beyond_is(
    text, point, dtype, low, high
):
    for grad in (low, high, (low + high) / 2):
        assert _kind(text, point, repr(grad), dtype) != "wrong", grad
    assert _kind(text, point, repr(high + 1.0), dtype) == "wrong"
