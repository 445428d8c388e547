"""A kink exactly at w in measured rows that give the loss at w (review10f F5): the forward
and backward differences each lie on a line in ε whose values at ε = 0 stay apart, so the
rows say "Kink at w" with those slopes; a gradient between them is a subgradient, one beyond
them is wrong. A smooth loss's two lines meet at 0 and is never read as a kink. Tables are
generated here (50-digit mpmath, printed by repr as float64 programs print them)."""

from __future__ import annotations

import itertools

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_title
from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50
GRIDS = ["1e-4,3e-4,1e-3,3e-3,1e-2,3e-2", "1e-6,1e-5,1e-4,1e-3", "2e-3,4e-3,8e-3,1.6e-2,3.2e-2"]


def _run(text: str, claim, source: str = "float64"):
    value = claim if isinstance(claim, str) else mp.nstr(claim, 17)
    objective, _problems, dtype = table_request(text, value, source)
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))


def _table(loss, w, grid: str) -> str:
    def typed(x):
        return repr(float(loss(x)))

    return "".join(
        f"{e},{typed(w + mp.mpf(e))},{typed(w - mp.mpf(e))},{typed(w)}\n" for e in grid.split(",")
    )


KINKS = list(itertools.product(GRIDS, [(0.3, 1.3), (-1.0, 1.0), (2.0, -0.5)], [0.0, 0.7]))


@pytest.mark.parametrize(("grid", "slopes", "point"), KINKS)
def test_a_kink_at_w_is_read_from_the_one_sided_differences(grid, slopes, point):
    left, right = (mp.mpf(s) for s in slopes)
    w = mp.mpf(point)

    def loss(x):
        u = x - w
        return mp.mpf(1) / 3 + (left * u if u < 0 else right * u) + u * u

    text = _table(loss, w, grid)
    for inside in (left, right, (left + right) / 2):
        diagnosis = _run(text, inside)
        assert diagnosis.kind == "kink", (inside, diagnosis.case)
        assert diagnosis_title(diagnosis) == "Kink at w"
    low, high = min(left, right), max(left, right)
    for outside in (high + 1, low - 1, 5 * high + 3):
        assert _run(text, outside).kind == "wrong", outside


SMOOTH = [mp.atan, mp.exp, lambda x: mp.log(1 + x * x), lambda x: mp.sin(3 * x) / 3]


@pytest.mark.parametrize(("grid", "family", "point"), list(
    itertools.product(GRIDS, range(len(SMOOTH)), ["0.3", "-1.2", "0"])
))  # fmt: skip
def test_a_smooth_loss_with_the_loss_at_w_is_never_read_as_a_kink(grid, family, point):
    loss, w = SMOOTH[family], mp.mpf(point)
    text = _table(loss, w, grid)
    truth = mp.diff(loss, w)
    diagnosis = _run(text, truth)
    assert diagnosis.kind not in ("kink", "wrong"), diagnosis.case
    if truth != 0:
        assert _run(text, 3 * truth + 1).kind != "kink"


@pytest.mark.parametrize("share", [1e-9, 1e-6, 1e-3])
@pytest.mark.parametrize("side", [1, -1])
def test_a_kink_just_off_w_never_makes_the_slope_at_w_wrong(share, side):
    w, grid = mp.mpf("0.7"), GRIDS[0]
    d = side * mp.mpf(share) * mp.mpf("1e-4")
    truth = mp.cos(w) + (2 if d < 0 else 0)  # relu(x − w − d)·2: active at w when d < 0

    def loss(x):
        return mp.sin(x) + 2 * max(x - w - d, 0)

    text = _table(loss, w, grid)
    assert _run(text, truth).kind != "wrong"
    assert np.isfinite(float(truth))


def _low_precision_table(coefficients, scale, steps, source, digits) -> str:
    """A smooth polynomial 3 + Σ c_k (x/scale)^k about w = 0, rounded to ``source`` and
    printed to ``digits`` (None: repr), with the loss at w (review10g F3)."""
    import ml_dtypes

    cast = {"float16": np.float16, "bfloat16": ml_dtypes.bfloat16, "float32": np.float32}[source]
    c = [mp.mpf(v) for v in coefficients]

    def typed(x):
        value = mp.mpf(float(cast(float(3 + sum(ck * (x / scale) ** k for k, ck in enumerate(c))))))
        return mp.nstr(value, digits, strip_zeros=False) if digits else repr(float(value))

    rows = (f"{e},{typed(mp.mpf(e))},{typed(-mp.mpf(e))},{typed(mp.mpf(0))}\n" for e in steps)
    return "".join(rows)


F3_TABLES = [  # review10g F3 / F3b: rows over a narrow span at the polynomial's own scale
    (
        [0, 0.3131253874730781, -0.27844341212066, 0, 0.9904383034752, 0, -0.4670107154349485],
        "0.6427",
        ["0.259252", "0.284672", "0.312585", "0.343234", "0.376889", "0.413844"],
        "float16",
        6,
    ),
    (
        [-0.78426335627398, 0.97010376035115, 0.83123198669938, -0.69330019116512,
         -0.018907121664185, 0, -0.21334804219035],
        "0.7121",
        ["0.43218", "0.563559", "0.734876"],
        "bfloat16",
        17,
    ),
    (  # seven rows reaching half the scale: the ε⁶ term bends the sums
        [0.26133754798327896, 1.016341625591881, 1.0586085838278023, 0, -1.3417031423552173,
         0.3241025624105053, 0.11427137702894284],
        "0.001193",
        ["0.000246656", "0.000281277", "0.000320757", "0.000365778", "0.000417118",
         "0.000475665", "0.00054243"],
        "float16",
        17,
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", range(len(F3_TABLES)))
def test_a_smooth_loss_at_its_own_scale_in_low_precision_is_not_a_kink_at_w(case):
    coefficients, scale, steps, source, digits = F3_TABLES[case]
    a = mp.mpf(scale)
    text = _low_precision_table(coefficients, a, steps, source, digits)
    truth = mp.mpf(coefficients[1]) / a
    for claim in (truth, 2 * truth, truth / 3):
        diagnosis = _run(text, claim, source)
        assert diagnosis.kind != "kink", (claim, diagnosis.case)
        assert not (claim != truth and diagnosis.kind == "correct"), claim
    assert _run(text, truth, source).kind != "wrong"
