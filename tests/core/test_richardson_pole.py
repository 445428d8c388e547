"""A Richardson reference whose steps reach past a pole of the expression is not trusted:
its tableau mixes both sides of the pole, and its bar need not bound (review10i C2)."""

from __future__ import annotations

import random

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.numbers.precision import numpy_dtype
from fdgui.core.sweep.dtype_exact import pole_distance
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective


def _references(text: str, point: float, dtype: str):
    model = expression_model(text, point)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, points=40))
    return result.point, {r.method: r for r in result.references}


@pytest.mark.parametrize(
    ("text", "point"),
    [("1/(w-0.901)", 0.9010573122230819), ("1/(w+0.818)", -0.8180454649884258)],
)
def test_richardson_across_a_pole_is_not_used_to_judge(text, point):
    _, references = _references(text, point, "float16")
    richardson = references["Richardson"]
    assert not richardson.trusted
    assert "pole" in richardson.note


def test_the_pole_distance_of_a_simple_pole():
    assert pole_distance("1/(w-0.901)", 0.9009) == pytest.approx(1e-4, rel=1e-6)
    assert pole_distance("sin(w)", 0.3) is None


def _pole_cases(seed: int, count: int):
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        dtype = rng.choice(["float64", "float32", "float16", "bfloat16"])
        constant = round(rng.uniform(-2, 2), 3)
        spacing = float(np.spacing(np.asarray(abs(constant) or 1.0).astype(numpy_dtype(dtype))))
        offset = spacing * 10 ** rng.uniform(-2, 2) * rng.choice([1, -1])
        family = rng.choice(["inv", "inv2", "tan"])
        text = {
            "inv": f"1/(w-{constant})",
            "inv2": f"1/(w-{constant})**2+sin(w)",
            "tan": f"tan(w-{constant}+1.5707963267948966)",
        }[family]
        cases.append((text, constant + offset, dtype, family, constant))
    return cases


@pytest.mark.parametrize(("text", "point", "dtype", "family", "constant"), _pole_cases(7, 24))
def test_a_trusted_richardson_bar_near_a_pole_bounds_the_float64_derivative(
    text, point, dtype, family, constant
):
    w, references = _references(text, point, dtype)
    richardson = references["Richardson"]
    if not richardson.trusted:
        return
    with mp.workdps(60):
        x, c = mp.mpf(w), mp.mpf(float(constant))  # the float64 losses' own constant
        if x == c:
            return
        truth = {
            "inv": lambda: -1 / (x - c) ** 2,
            "inv2": lambda: -2 / (x - c) ** 3 + mp.cos(x),
            "tan": lambda: 1 + mp.tan(x - c + mp.mpf(1.5707963267948966)) ** 2,
        }[family]()
        assert abs(mp.mpf(richardson.value) - truth) <= richardson.error
