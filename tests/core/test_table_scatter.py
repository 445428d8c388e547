"""Measured rows whose losses round coarser than u·|L| (review10k CRITICAL-1): sin(K·x)
computed in numpy float64 or float32 rounds K·x to ulp(K·x), so rows at steps of a few ulps
of K·x carry errors hundreds of times their stated ± (u·|L| per loss), and the smallest of
them can share one bias. A Richardson run built from three to five of them agreed with one
another and was trusted, although the rows above it departed by 100–1,000 bars: "Gradient
wrong" for the exact gradient, and no-backprop bars missing the truth by up to 38,000×.

Tables are made here as a person would: w and K drawn per seed, the steps typed on a 1-2-5
grid scaled to the loss (ε written as the step actually taken), the losses computed in the
source dtype and printed by repr, with and without the loss at w; truths at 40 digits.
The exact gradient must never be "wrong", and every no-backprop bar must bound it."""

from __future__ import annotations

import math
import random

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 40
GRID = [m * 10.0**k for k in range(-6, -2) for m in (1, 2, 5)] + [0.01]
SEEDS = range(160)


def _table(seed: int, with_loss: bool, dtype) -> tuple[str, float]:
    rng = random.Random(seed)
    k_value, w_value = 10 ** rng.uniform(1.5, 4.5), rng.uniform(-1, 1)
    # steps scaled to the loss's scale 1/K (float32 rows start 100 times higher)
    scale = 10.0 ** math.floor(math.log10(1.0 / k_value)) * (100.0 if dtype is np.float32 else 1)
    k, x = dtype(k_value), dtype(w_value)
    w = float(x)
    lines = ["eps,L+,L-" + (",L" if with_loss else "")]
    for step in GRID:
        plus, minus = dtype(x + dtype(step * scale)), dtype(x - dtype(step * scale))
        taken = float(plus) - w
        if taken <= 0 or taken != w - float(minus):
            continue
        row = [repr(taken), repr(float(np.sin(k * plus))), repr(float(np.sin(k * minus)))]
        if with_loss:
            row.append(repr(float(np.sin(k * x))))
        lines.append(",".join(row))
    truth = float(mp.mpf(float(k)) * mp.cos(mp.mpf(float(k)) * mp.mpf(w)))
    return "\n".join(lines) + "\n", truth


def _diagnose(text: str, gradient: float | None, dtype: str):
    objective, _problems, source = table_request(
        text, None if gradient is None else repr(gradient), dtype
    )
    return diagnose(run_sweep(objective, SweepSettings(dtype=source)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_rows_rounding_coarser_than_their_format_never_call_the_truth_wrong(dtype):
    wrong, misses = [], []
    for seed in SEEDS:
        for with_loss in (True, False):
            text, truth = _table(seed, with_loss, dtype)
            name = np.dtype(dtype).name
            if _diagnose(text, truth, name).kind == "wrong":
                wrong.append((seed, with_loss))
            facts = _diagnose(text, None, name).facts
            value, bar = facts.get("estimate"), facts.get("estimate_error")
            bounded = value is None or bar is None or not math.isfinite(bar)
            if not bounded and abs(value - truth) > bar:
                misses.append((seed, with_loss, value, bar, truth))
    assert not wrong, f"the exact gradient called wrong: {wrong}"
    assert not misses, f"no-backprop bars that miss the truth: {misses}"


def test_a_resolvable_offset_stays_wrong_on_such_rows():
    """The rows still judge: a gradient 1 % off is wrong wherever the rows' own bar (now
    widened by the round-off the rows show) resolves 1 %."""
    judged = resolved = 0
    for seed in range(40):
        text, truth = _table(seed, True, np.float64)
        facts = _diagnose(text, None, "float64").facts
        bar = facts.get("estimate_error")
        if bar is None or not math.isfinite(bar) or bar > 0.002 * abs(truth):
            continue
        resolved += 1
        judged += _diagnose(text, truth * 1.01, "float64").kind == "wrong"
    assert resolved >= 10
    assert judged == resolved
