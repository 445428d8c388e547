"""Measured rows with no loss at w (review10e): past a kink whose effect J·d on the losses
lies below their last digit, or beyond a smooth loss's scale, the central differences are
the two slopes' average, and nothing in the rows rules that out. Their Richardson bar must
then hold the room for such a kink — for confirming as for refuting — and that bar is the
one exported (JSON ``error``). The tables are generated here from their formulas (truths
exact); the property is checked over a grid of them, not at one table."""

from __future__ import annotations

import itertools
import random

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_text
from fdgui.core.report.sweep_export import sweep_json
from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

GRIDS = ["1e-4,1e-3,1e-2,0.1", "1e-3,3e-3,1e-2,3e-2,0.1,0.3", "1e-3,2e-3,5e-3,1e-2,2e-2,5e-2,0.1"]


def _run(text: str, backprop: str, source: str):
    objective, _problems, dtype = table_request(text, backprop, source)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return result, diagnose(result)


def _rows(loss, w, epsilons: str, digits: int, with_loss: bool = False) -> str:
    def typed(x):
        return mp.nstr(loss(x), digits, strip_zeros=False)

    lines = []
    for text in epsilons.split(","):
        e = mp.mpf(text)
        lines.append(
            f"{text},{typed(w + e)},{typed(w - e)}" + (f",{typed(w)}" if with_loss else "")
        )
    return "\n".join(lines) + "\n"


def _relu_table(constant: int, distance: float, grid: str, digits: int, with_loss: bool):
    # C + relu(x − w + d) at w: w on the active side (truth 1), the kink d below w
    w, d, c = mp.mpf("0.7"), mp.mpf(distance), mp.mpf(constant)
    return _rows(lambda x: c + max(x - w + d, 0), w, grid, digits, with_loss)


RELU = list(itertools.product([1, 100, 1000], [1e-7, 1e-5, 1e-4], GRIDS, [6, 8]))


@pytest.mark.parametrize(("constant", "distance", "grid", "digits"), RELU)
def test_rows_without_the_loss_at_w_do_not_confirm_a_kinks_average_slope(
    constant, distance, grid, digits
):
    text = _relu_table(constant, distance, grid, digits, with_loss=False)
    for half in ("0.5", "0"):
        result, diagnosis = _run(text, half, "exact")
        assert diagnosis.kind != "correct", (half, diagnosis.case)
    result, diagnosis = _run(text, "1", "exact")
    # at any distance from w (table12: no ε_min/1000 margin assumed any more)
    assert diagnosis.kind != "wrong", diagnosis.case
    # a trusted bar bounds the truth, and it is the bar exported
    exported = sweep_json(result, diagnosis)["references"]
    for reference, row in zip(result.references, exported, strict=True):
        if reference.trusted and reference.method == "Richardson":
            assert abs(reference.value - 1.0) <= reference.error, (reference.value, reference.error)
            assert row["error"] == pytest.approx(reference.error)


def test_the_reviewers_relu_table_is_too_coarse_and_says_why():
    text = "1e-4,1000.0002,1000.0000\n1e-3,1000.0011,1000.0000\n1e-2,1000.0101,1000.0000\n"
    text += "0.1,1000.1001,1000.0000\n"
    _result, diagnosis = _run(text, "0.5", "float64")
    assert diagnosis.case == "unresolved"
    words = diagnosis_text(diagnosis)
    assert "no loss at w" in words and "kink" in words


@pytest.mark.parametrize("grid", ["1e-2,3e-2,0.1,0.3", "3e-3,1e-2,3e-2,0.1"])
@pytest.mark.parametrize("z", [-3, -1, 3])
def test_softplus_beyond_its_scale_does_not_confirm_its_average_slope(grid, z):
    # a·log(1 + exp((x − w)/a + z)) at w, a = 1e-4: rows far beyond the scale see a relu
    a, w = mp.mpf("1e-4"), mp.mpf("0.3")

    def loss(x):
        return a * mp.log1p(mp.exp((x - w) / a + z))

    truth = float(1 / (1 + mp.exp(-z)))
    lines = []
    for text in grid.split(","):
        e = mp.mpf(text)
        lines.append(f"{text},{float(loss(w + e))!r},{float(loss(w - e))!r}")
    table = "\n".join(lines) + "\n"
    _result, diagnosis = _run(table, "0.5", "float64")
    assert diagnosis.kind != "correct" or abs(0.5 - truth) <= 0.375 * truth
    _result, diagnosis = _run(table, mp.nstr(truth, 17), "float64")
    assert diagnosis.kind != "wrong"


def test_smooth_rows_without_the_loss_at_w_still_judge():
    # exp(w) at 0.3 to 15 digits, ε 1e-6…1e-4: the kink room is small, both verdicts stand
    w = mp.mpf("0.3")
    text = _rows(mp.exp, w, "1e-6,3e-6,1e-5,3e-5,1e-4", 15)
    truth = mp.exp(w)
    assert _run(text, mp.nstr(truth, 17), "exact")[1].kind == "correct"
    assert _run(text, mp.nstr(truth * 0.5, 17), "exact")[1].kind == "wrong"


def _float32(value) -> str:
    return repr(float(np.float32(float(value))))


PIECE_GRIDS = [
    "0.004,0.016,0.064",
    "1e-3,2e-3,5e-3,1e-2,2e-2,5e-2,0.1",
    "2.4e-4,2.7e-4,3.3e-4,5.2e-4,6.7e-4,2.5e-3,2.7e-3,2.9e-3",
]


@pytest.mark.parametrize("seed", range(8))
def test_piecewise_quadratic_rows_without_the_loss_at_w_do_not_call_the_truth_wrong(seed):
    # a slope jump J at w + d between two parabolas (curvature A1 beyond, A2 before it),
    # |d| from a thousandth of the smallest ε up to it, float32 losses: past the kink the
    # central differences are S + (A1 − A2)·ε/2 + J·d/ε, a term odd in ε the h² law over a
    # few rows cannot tell from truncation
    rnd = random.Random(seed)
    for _ in range(25):
        grid = rnd.choice(PIECE_GRIDS)
        epsilons = [mp.mpf(text) for text in grid.split(",")]
        w = mp.mpf(rnd.uniform(-3, 3))
        d = min(epsilons) * rnd.choice([-1, 1]) * 10 ** rnd.uniform(-3, 0)
        size = min(epsilons) * 10 ** rnd.uniform(-1, 3)
        a1, a2, jump, slope = (mp.mpf(rnd.uniform(-3, 3)) for _ in range(4))
        constant = rnd.choice([0, 1, 100])

        def loss(x, w=w, d=d, size=size, a1=a1, a2=a2, jump=jump, slope=slope, c=constant):
            u = (x - w - d) / size
            return slope * u + (a1 * u * u + jump * u if u > 0 else a2 * u * u) + c

        bend = 2 * a1 * (-d) / size + jump if d < 0 else 2 * a2 * (-d) / size
        truth = (slope + bend) / size
        text = "".join(f"{e},{_float32(loss(w + e))},{_float32(loss(w - e))}\n" for e in epsilons)
        result, diagnosis = _run(text, mp.nstr(truth, 17), "float32")
        assert diagnosis.kind != "wrong", (text, diagnosis.case)
        for reference in result.references:
            if reference.trusted and reference.method == "Richardson":
                assert abs(reference.value - float(truth)) <= reference.error, text
