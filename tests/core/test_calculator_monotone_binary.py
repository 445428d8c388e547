"""The calculator's exit status never improves as the backprop gradient moves away from the
central difference, for binary losses too (review15c H2): in float16 the exact gradient was
"Too coarse to judge" (exit 2, within the losses' ±) while a 1 % bug just beyond the ± was
"Correct (limited by float16)" (exit 0). A claim the losses' ± cannot tell from the central
difference is as limited as one beyond it.

Exit status order: 0 (confirmed or accepted), 2 (neither confirmed nor refuted), 1 (wrong).
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from decimal import Decimal

import ml_dtypes
import numpy as np
import pytest

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.numbers.precision import unit_roundoff

_RANK = {"correct": 0, "consistent": 0, "kinks": 0, "limited": 0,
         "inconclusive": 1, "suspicious": 1, "wrong": 2}  # fmt: skip
_TYPES = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}
_OFFSETS = (0, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 2e-2, 3e-2, 0.1, 0.3)


def _rank(dtype: str, plus: str, minus: str, eps: str, claim: str, loss: str = "") -> int:
    texts = {"loss": loss, "loss_plus": plus, "loss_minus": minus, "epsilon": eps}
    inputs, errors = parse_inputs({**texts, "backprop": claim})
    assert not errors, errors
    inputs = replace(inputs, loss_roundoff=Decimal(unit_roundoff(dtype)))
    return _RANK[estimate(inputs).comparison.verdict.key]


def test_the_reviewers_float16_row_is_monotone():
    # log(1+(3w)²) + tanh(−0.625w − 0.625) at −1.4970703125, ε = 0.125, exact −1.84119728…
    row = ("float16", "3.1172", "3.5781", "0.125")
    ranks = [_rank(*row, claim) for claim in
             ("-1.8411972836025238", "-1.8596092564385490", "-1.8780012292745743")]  # fmt: skip
    assert ranks == sorted(ranks), ranks


def _walk(dtype: str, plus: float, minus: float, eps: float, loss: str) -> list[tuple]:
    central = (plus - minus) / (2 * eps)
    bad = []
    for sign in (1, -1):
        seen = []
        for offset in _OFFSETS:
            claim = repr(central * (1 + sign * offset))
            seen.append((_rank(dtype, repr(plus), repr(minus), repr(eps), claim, loss), claim))
        ranks = [rank for rank, _ in seen]
        if ranks != sorted(ranks):
            bad.append((dtype, plus, minus, eps, loss, seen))
    return bad


@pytest.mark.parametrize("dtype", sorted(_TYPES))
def test_exit_status_never_improves_with_the_offset_for_binary_losses(dtype):
    kind = _TYPES[dtype]
    rng = random.Random(dtype)
    bad = []
    for _ in range(60):
        a, b, c = rng.uniform(0.3, 3), rng.uniform(-1, 1), rng.choice((1, 1000, 0.001))
        w = float(kind(rng.uniform(-2, 2)))
        eps = 2.0 ** -rng.randint(2, 12)

        def f(x, a=a, b=b, c=c):
            return float(kind(c * (math.sin(a * x + b) + 0.3 * x * x)))

        plus, minus = f(float(kind(w + eps))), f(float(kind(w - eps)))
        if plus == minus or float(kind(w + eps)) - w != eps or w - float(kind(w - eps)) != eps:
            continue
        loss = repr(f(w)) if rng.random() < 0.5 else ""
        bad += _walk(dtype, plus, minus, eps, loss)
    assert not bad, f"{len(bad)} series not monotone, e.g. {bad[0]}"
