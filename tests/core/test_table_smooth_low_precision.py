"""A smooth loss in float16/bfloat16 with the loss at w, four rows at its own scale
(`sweep --table`, issue 10; review10h C2): log(c + t²) has L+ + L− − 2L = m·ε² + n·ε⁴ + …,
even in ε, so no kink at w may be read from it ("Kink at w", exit 0 for any gradient between
the sides' slopes, on main c72b90c). The even law was fitted to the sums less the smallest
row's sum (a constant the law has no term for), so it failed on every such table. A real
kink at w in the same formats is still read. Truths are 50-digit mpmath."""

import random

import ml_dtypes
import mpmath as mp
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50
FORMATS = {"float16": (np.float16, "%.6g"), "bfloat16": (ml_dtypes.bfloat16, "%.4g")}


def _table(loss, w, steps, dtype) -> str:
    cast, style = FORMATS[dtype]

    def printed(value):
        return style % float(cast(float(value)))

    lines = ["eps,L+,L-,L"]
    for e in steps:
        at = mp.mpf(repr(e))
        lines.append(f"{e!r},{printed(loss(w + at))},{printed(loss(w - at))},{printed(loss(w))}")
    return "\n".join(lines) + "\n"


def _log_table(seed: int):
    rng = random.Random(seed)
    dtype = rng.choice(list(FORMATS))
    c = mp.mpf(repr(rng.uniform(0.3, 4)))
    w = mp.mpf(repr(rng.uniform(-0.1, 0.1)))
    low, high = rng.uniform(0.05, 0.4), rng.uniform(0.5, 0.8)
    steps = [float(s) for s in np.geomspace(low, high, 4) * float(mp.sqrt(c))]
    return _table(lambda t: mp.log(c + t * t), w, steps, dtype), 2 * w / (c + w * w), dtype


def _judge(text, gradient, dtype):
    objective, _problems, source = table_request(text, gradient, dtype)
    return diagnose(run_sweep(objective, SweepSettings(dtype=source)))


# seeds whose tables main c72b90c read as "Kink at w"
@pytest.mark.parametrize("seed", [201, 217, 247, 252, 253, 276, 279])
def test_a_smooth_loss_at_its_scale_is_no_kink_at_w(seed):
    text, truth, dtype = _log_table(seed)
    for gradient in (truth, 0 * truth, -truth, 2 * truth):
        diagnosis = _judge(text, mp.nstr(gradient, 17), dtype)
        assert diagnosis.kind != "kink", (gradient, diagnosis.case)
        if gradient != truth:
            assert diagnosis.kind != "correct", (gradient, diagnosis.case)


@pytest.mark.parametrize(
    "dtype, steps",
    [("float16", [0.01, 0.02, 0.04, 0.08, 0.16]), ("bfloat16", [0.05, 0.1, 0.2, 0.4, 0.8])],
)
def test_a_real_kink_at_w_in_low_precision_is_still_read(dtype, steps):
    def loss(t):
        return 0.5 * abs(t) + 0.3 * t + mp.log(2 + t * t)

    text = _table(loss, mp.mpf(0), steps, dtype)
    diagnosis = _judge(text, "0.3", dtype)
    assert diagnosis.kind == "kink", diagnosis.case
    assert _judge(text, "1.5", dtype).kind == "wrong"
