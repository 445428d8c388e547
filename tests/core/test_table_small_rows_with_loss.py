"""Measuring more small ε must not lose a verdict the larger rows support, in tables that
give the loss at w too (review10k HIGH-1 with an L column). The room such tables keep for a
kink between w and the smallest ε was read at every row up to the first within 1,000 times
the best row's error: float32 rows from 1e-7 (one ulp of L apart, ± 0.2 on a derivative of
0.06) counted as resolving it, so a torch GELU table's bar was ± 0.56 and a sign flip the
rows from 1e-5 up refute was "too coarse". Tables are made here as a person would (numpy /
ml_dtypes arithmetic in the source dtype, ε the step actually taken, repr), truths at 40
digits."""

from __future__ import annotations

import math
import random

import ml_dtypes
import mpmath as mp
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 40
DTYPES = {"float16": np.float16, "bfloat16": ml_dtypes.bfloat16, "float32": np.float32}
GRIDS = {
    "float32": [m * 10.0**k for k in range(-7, -3) for m in (1, 2, 5)],
    "float16": [m * 10.0**k for k in range(-4, -1) for m in (1, 2, 5)] + [0.1],
    "bfloat16": [m * 10.0**k for k in range(-4, -1) for m in (1, 2, 5)] + [0.1],
}
SEEDS = range(20)


def _rows(seed: int, source: str) -> tuple[list[str], float]:
    dtype = DTYPES[source]
    pick = random.Random(seed)
    x = dtype(pick.uniform(-1, 1))
    w, scale = float(x), dtype(pick.choice((0.05, 0.3, 1.0)))

    def loss(v):
        inner = dtype(dtype(np.sin(dtype(dtype(3) * v))) + dtype(np.exp(v)))
        return dtype(scale * inner)

    rows = []
    for step in GRIDS[source]:
        plus, minus = dtype(x + dtype(step)), dtype(x - dtype(step))
        taken = float(plus) - w
        if taken <= 0 or taken != w - float(minus):
            continue
        values = (float(loss(plus)), float(loss(minus)), float(loss(x)))
        rows.append(f"{taken!r}," + ",".join(repr(v) for v in values))
    exact = mp.diff(lambda v: mp.mpf(float(scale)) * (mp.sin(3 * v) + mp.exp(v)), mp.mpf(w))
    return rows, float(exact)


def _diagnose(rows: list[str], gradient: float | None, source: str):
    text = "eps,L+,L-,L\n" + "\n".join(rows) + "\n"
    objective, _problems, dtype = table_request(
        text, None if gradient is None else repr(gradient), source
    )
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))


def _refuted(rows: list[str], gradient: float, source: str) -> bool:
    return _diagnose(rows, gradient, source).kind == "wrong"


@pytest.mark.parametrize("source", list(DTYPES))
def test_rows_with_loss_never_lose_the_truth_or_a_bar(source):
    for seed in SEEDS:
        rows, truth = _rows(seed, source)
        assert _diagnose(rows, truth, source).kind != "wrong", seed
        facts = _diagnose(rows, None, source).facts
        value, bar = facts.get("estimate"), facts.get("estimate_error")
        if bar is not None and math.isfinite(bar):
            assert abs(value - truth) <= bar, (seed, value, bar, truth)


@pytest.mark.parametrize("source", list(DTYPES))
def test_rows_with_loss_refute_a_sign_flip_their_larger_rows_refute(source):
    lost = []
    for seed in SEEDS:
        rows, truth = _rows(seed, source)
        larger = [rows[k:] for k in (3, 6) if len(rows) - k >= 4]
        supported = any(_refuted(part, -truth, source) for part in larger)
        if supported and not _refuted(rows, -truth, source):
            lost.append(seed)
    # a loss computed from an intermediate 20 times itself (scale 0.05) scatters beyond its
    # format's ± at the smallest rows, which then look as if they resolved the derivative
    # (a bent branch's rows look the same: the room stays read there); at most one in ten
    assert len(lost) <= len(SEEDS) // 10, f"sign flips the larger rows refute, lost: {lost}"
