"""Losses that lie on a grid coarser than the format the table declares (review10k MEDIUM-1):
(s·(x − a)² + C) − C in float64 takes only whole multiples of ulp(C), and float32 losses
printed by repr and read as float64 (no --source-dtype) are float32 numbers. Each loss is
then off by up to half its grid's step, not u·|L|: read with the smaller ±, the smallest
rows' one-sided differences jump by whole steps over ε and read as a kink at w ("Kink at w"
or "Kink inside the ε range" for a smooth quadratic, no backprop), and a bar built on them
need not bound. Tables are made per seed over random ε, as a person would (numpy in the
source format, ε the step taken, repr)."""

from __future__ import annotations

import math
import random

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.row_quantum import rows_quantum

mp.mp.dps = 40


def _steps(rng: random.Random, low: float, high: float) -> list[float]:
    count = rng.randint(12, 48)
    return sorted(10 ** rng.uniform(math.log10(low), math.log10(high)) for _ in range(count))


def _cancel(seed: int) -> tuple[str, float]:
    rng = random.Random(seed)
    big, a, s = 10 ** rng.uniform(1, 4), rng.uniform(-1, 1), rng.uniform(0.5, 2)
    x = rng.uniform(-1, 1)

    def loss(v):
        return (s * (v - a) * (v - a) + big) - big

    lines = ["eps,L+,L-,L"]
    for step in _steps(rng, 5e-9, 1e-2):
        plus, minus = x + step, x - step
        taken = plus - x
        if taken != x - minus:
            continue
        lines.append(f"{taken!r},{loss(plus)!r},{loss(minus)!r},{loss(x)!r}")
    return "\n".join(lines) + "\n", 2.0 * s * (x - a)


def _float32_batch(seed: int) -> tuple[str, float]:
    # a logistic loss over 16 samples, summed in float32, its table read as float64
    rng = random.Random(seed)
    f32 = np.float32
    data = [(f32(rng.uniform(-2, 2)), f32(rng.choice((-1.0, 1.0)))) for _ in range(16)]
    x = f32(rng.uniform(-1.5, 1.5))
    w = float(x)

    def loss(v):
        total = f32(0)
        for feature, label in data:
            total = f32(total + f32(np.log1p(np.exp(f32(-label * v * feature)))))
        return f32(total / f32(16))

    lines = ["eps,L+,L-,L"]
    for step in _steps(rng, 1e-6, 3e-2):
        plus, minus = f32(x + f32(step)), f32(x - f32(step))
        taken = float(plus) - w
        if taken <= 0 or taken != w - float(minus):
            continue
        lines.append(f"{taken!r},{float(loss(plus))!r},{float(loss(minus))!r},{float(loss(x))!r}")

    def exact(v):
        terms = [mp.log(1 + mp.exp(-float(lb) * v * float(ft))) for ft, lb in data]
        return mp.fsum(terms) / 16

    return "\n".join(lines) + "\n", float(mp.diff(exact, mp.mpf(w)))


def _diagnose(text: str, gradient: float | None):
    objective, _problems, dtype = table_request(
        text, None if gradient is None else repr(gradient), "float64"
    )
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))


@pytest.mark.parametrize("family", [_cancel, _float32_batch], ids=["cancel", "float32"])
def test_losses_on_a_coarse_grid_are_no_kink_never_wrong_and_bounded(family):
    kinks, wrong, misses = [], [], []
    for seed in range(30):
        text, truth = family(seed)
        estimate = _diagnose(text, None)
        if estimate.kind == "kink":
            kinks.append(seed)
        value, bar = estimate.facts.get("estimate"), estimate.facts.get("estimate_error")
        if bar is not None and math.isfinite(bar) and abs(value - truth) > bar:
            misses.append(seed)
        if _diagnose(text, truth).kind == "wrong":
            wrong.append(seed)
    assert not kinks and not wrong and not misses, (kinks, wrong, misses)


def test_the_grid_is_read_only_where_every_loss_lies_on_it():
    rng = np.random.default_rng(3)
    smooth = rng.uniform(0.5, 2.0, 40)  # float64 losses: bits down to their ulp
    assert rows_quantum(smooth, 2.0**-53 * smooth) == 0.0
    big = 300.0
    cancelled = (0.7 * (smooth - 0.1) ** 2 + big) - big
    assert rows_quantum(cancelled, 2.0**-53 * np.abs(cancelled)) == np.spacing(big)
    single = (1.0 + smooth / 4.0).astype(np.float32).astype(float)  # one binade
    assert rows_quantum(single, 2.0**-53 * single) == 2.0**-23
    assert rows_quantum(single, 2.0**-24 * single) == 0.0  # read as float32: no coarser
    # a loss printed with fewer digits than its float's lies on no binary grid
    printed = np.array([float(f"{v:.9g}") for v in cancelled])
    assert rows_quantum(printed, 2.0**-53 * np.abs(printed) + 5e-10 * np.abs(printed)) == 0.0
    # fewer than eight distinct losses: no grid read
    assert rows_quantum(cancelled[:5], 2.0**-53 * np.abs(cancelled[:5])) == 0.0
