"""Ordinary float64 numpy tables (review10k HIGH-2): sin(3x) + eˣ, tanh(2x) + 0.3x³ and
log(1 + x²) computed by numpy at w ± ε (ε the step actually taken), printed by repr, on the
grids people type. numpy rounds 3x (an intermediate larger than the loss), so the rows
follow the h² law to five digits but not to their stated ± (u·|L| per loss): their c's went
up and down beyond that ±, and the table was "Too coarse (ε too large: truncation)" with a
sign flip unrefuted. The rows' scatter about the smooth law they follow now widens every
row's ±; the sign flip is wrong, the truth never is, and every no-backprop bar bounds it."""

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
GRIDS = {
    "1-2-5 to 1e-3": [1e-4, 2e-4, 5e-4, 1e-3],
    "1-2-5 to 0.1": [m * 10.0**k for k in range(-4, -1) for m in (1, 2, 5)] + [0.1],
}
FAMILIES = {
    "sinexp": (lambda x: np.sin(3 * x) + np.exp(x), lambda x: mp.sin(3 * x) + mp.exp(x)),
    "tanhcub": (
        lambda x: np.tanh(2 * x) + 0.3 * x**3,
        lambda x: mp.tanh(2 * x) + mp.mpf(0.3) * x**3,
    ),
    "logq": (lambda x: np.log(1 + x * x), lambda x: mp.log(1 + x * x)),
}


def _table(seed: int, grid: str, family: str, with_loss: bool) -> tuple[str, float]:
    w = random.Random(seed).uniform(-1, 1)
    computed, exact = FAMILIES[family]
    lines = ["eps,L+,L-" + (",L" if with_loss else "")]
    for step in GRIDS[grid]:
        taken = (w + step) - w
        if taken <= 0 or taken != w - (w - taken):
            continue
        row = [repr(taken), repr(float(computed(w + taken))), repr(float(computed(w - taken)))]
        if with_loss:
            row.append(repr(float(computed(w))))
        lines.append(",".join(row))
    return "\n".join(lines) + "\n", float(mp.diff(exact, mp.mpf(w)))


def _diagnose(text: str, gradient: float | None):
    objective, _problems, source = table_request(
        text, None if gradient is None else repr(gradient), "float64"
    )
    return diagnose(run_sweep(objective, SweepSettings(dtype=source)))


@pytest.mark.parametrize("grid", list(GRIDS))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_numpy_rows_refute_a_sign_flip_and_never_the_truth(grid, family):
    unrefuted, wrong, misses = [], [], []
    for seed in range(20):
        for with_loss in (True, False):
            text, truth = _table(seed, grid, family, with_loss)
            if _diagnose(text, -truth).kind != "wrong":
                unrefuted.append((seed, with_loss))
            if _diagnose(text, truth).kind == "wrong":
                wrong.append((seed, with_loss))
            facts = _diagnose(text, None).facts
            value, bar = facts.get("estimate"), facts.get("estimate_error")
            if bar is not None and math.isfinite(bar) and abs(value - truth) > bar:
                misses.append((seed, with_loss, value, bar, truth))
    assert not wrong
    assert not misses
    assert not unrefuted, f"sign flips not refuted: {unrefuted}"
