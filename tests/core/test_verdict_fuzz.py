"""Random expressions whose own analytic derivative is the gradient under check: no "wrong",
no crash, and every trusted error bar bounds the 50-digit truth.

A seeded generator builds the expressions (smooth functions, kinks, quotients, powers) and
points (ordinary, tiny, huge, on kinks) in all four dtypes. The suite runs a modest number;
a big run is

    FDGUI_FUZZ_EXAMPLES=7000 PYTHONPATH=. python -m pytest -q tests/core/test_verdict_fuzz.py

(and FDGUI_FUZZ_SEED=N for another stream of expressions).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sweep_corpus

from fdgui.core.errors import InputError
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import expression_objective

EXAMPLES = int(os.environ.get("FDGUI_FUZZ_EXAMPLES", "120"))
SEED = int(os.environ.get("FDGUI_FUZZ_SEED", "20261126"))
DTYPES = ("float64", "float32", "float16", "bfloat16")
UNARY = ("sin", "cos", "tanh", "sigmoid", "arctan", "exp", "abs", "relu", "square", "expm1")
CONSTANTS = ("0.5", "2", "3", "0.1", "10", "1e-3", "700", "1")
POINTS = (0.7, 0.0, 1.0, -2.5, 1e-6, 1e-3, 3.0, 20.0, 1e8, -700.0, 0.5, 1e-200, 5.0)


def _expression(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return "w" if rng.random() < 0.7 else rng.choice(CONSTANTS)
    roll = rng.random()
    if roll < 0.45:
        name = rng.choice(UNARY)
        inner = _expression(rng, depth - 1)
        if name in ("exp", "expm1"):  # a bounded argument keeps the loss finite
            inner = f"tanh({inner})"
        return f"{name}({inner})"
    if roll < 0.55:
        return f"{rng.choice(('maximum', 'minimum'))}({_expression(rng, depth - 1)}, " \
               f"{_expression(rng, depth - 1)})"  # fmt: skip
    if roll < 0.65:
        return f"({_expression(rng, depth - 1)})**{rng.choice(('2', '3'))}"
    if roll < 0.72:
        return f"log(1 + ({_expression(rng, depth - 1)})**2)"
    if roll < 0.78:
        return f"({_expression(rng, depth - 1)})/(2 + sin(w))"
    operator = rng.choice(("+", "-", "*"))
    return f"({_expression(rng, depth - 1)}) {operator} ({_expression(rng, depth - 1)})"


def _cases():
    rng = random.Random(SEED)
    cases = []
    while len(cases) < EXAMPLES:
        text = _expression(rng, 3)
        if "w" not in text:
            continue
        point = rng.choice(POINTS) * (1 if rng.random() < 0.7 else rng.uniform(0.5, 2))
        cases.append((text, float(point), rng.choice(DTYPES)))
    return cases


@pytest.mark.parametrize(("text", "point", "dtype"), _cases())
def test_a_correct_gradient_is_never_wrong(text, point, dtype):
    try:
        objective = expression_objective(text, point)
        result = run_sweep(objective, SweepSettings(dtype=dtype))
    except InputError:
        return  # refused in words (w0 does not fit in the dtype): not a verdict
    diagnosis = diagnose(result)
    assert diagnosis.kind != "wrong", (diagnosis.case, diagnosis.facts)
    analytic = result.references[0]
    if not analytic.trusted or diagnosis.kind in ("undefined",):
        return
    case = sweep_corpus.Case(text, point, dtype, "correct")
    truths = {}
    for reference in result.references:
        # the analytic reference studies the dtype's function (its constants), the others
        # the float64 losses
        constants = dtype if reference.method == "analytic" else "float64"
        if constants not in truths:
            truths[constants] = sweep_corpus.truth(case, constants)
        truth = truths[constants]
        if reference.trusted and np.isfinite(reference.error):
            assert sweep_corpus.bounds(reference.value, reference.error, truth), (
                reference.method,
                reference.value,
                reference.error,
                float(truth),
            )
