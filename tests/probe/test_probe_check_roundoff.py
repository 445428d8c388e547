"""The check with a gradient uses the loss's measured round-off (as the no-grad estimate
does): a loss made of large terms that cancel is never failed for a correct gradient, and
a wrong one is still caught where the round-off lets it be (each test failed before)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe

CANCEL = """
import numpy as np
rng = np.random.default_rng(7)
theta0 = rng.uniform(-1.2, 1.2, size=24)
FLOAT = np.{dtype}

def loss(t):
    t = t.astype(FLOAT)
    big = FLOAT({offset})
    return float((big + np.sum(t * t * FLOAT(0.5))) + np.sum(np.sin(t)) - big)

def grad(t):
    t = np.asarray(t, float)
    g = t + np.cos(t)
    {wrong}
    return g
"""


def check(tmp_path, dtype, offset, wrong="", mode="full"):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(CANCEL.format(dtype=dtype, offset=offset, wrong=wrong)))
    model = open_probe(str(path))
    try:
        settings = CheckSettings(None, engine="forward", mode=mode, directions=8, samples=16)
        return run_to_completion(settings, model=model)
    finally:
        model.close()


@pytest.mark.parametrize("mode", ["full", "projection", "sample"])
@pytest.mark.parametrize(
    ("dtype", "offset"),
    [("float32", 3000.0), ("float32", 3e4), ("float64", 1e9), ("float64", 1e12)],
)
def test_a_correct_gradient_of_a_loss_with_cancelling_terms_is_not_failed(
    tmp_path, dtype, offset, mode
):
    report = check(tmp_path, dtype, offset, mode=mode)
    assert report.verdict == "pass" or report.inconclusive, report.verdict


def test_a_sign_flip_is_still_caught_when_the_round_off_allows_it(tmp_path):
    # float64 with an offset of 1e9: one loss rounds to ~1e-7, so at ε ≈ 5e-6 a gradient
    # entry of size ~2 is resolved to a few tenths: a sign flip must fail
    wrong = "g[[0, 5]] = -g[[0, 5]] - 3 * np.sign(g[[0, 5]])"
    report = check(tmp_path, "float64", 1e9, wrong=wrong)
    assert report.verdict == "fail" and not report.inconclusive


COS_OFFSET = """
import numpy as np
rng = np.random.default_rng(7)
theta0 = rng.uniform(-1.2, 1.2, size=24)
BIG = {big}

def loss(t):
    return float(BIG * np.sum(np.cos(t)) - BIG * np.sum(np.cos(t) - t**3 / BIG) {cast})
"""


@pytest.mark.parametrize(
    ("big", "index"), [("1e10", 13), ("1e10", 3), ("float32", 15), ("float32", 2), ("1e9", 4)]
)
def test_the_sweep_reference_of_a_loss_with_cancelling_terms_bounds_the_truth(tmp_path, big, index):
    from fdgui.core.sweep.engine import run_sweep
    from fdgui.core.sweep.objectives import EntryObjective

    path = tmp_path / "probe.py"
    theta0 = np.random.default_rng(7).uniform(-1.2, 1.2, size=24)
    if big == "float32":  # (3000 + Σ½t²) + Σ sin t − 3000 in float32
        text = CANCEL.format(dtype="float32", offset=3000.0, wrong="")
        exact = theta0[index] + np.cos(theta0[index])
    else:  # float64: 1e10·Σ cos t − 1e10·Σ(cos t − t³/1e10)
        text = COS_OFFSET.format(big=big, cast="")
        exact = 3 * theta0[index] ** 2
    path.write_text(textwrap.dedent(text))
    model = open_probe(str(path))
    try:
        result = run_sweep(EntryObjective(model, index))
    finally:
        model.close()
    (richardson,) = [r for r in result.references if r.method == "Richardson"]
    assert abs(richardson.value - exact) <= richardson.error, (richardson.value, exact)


WHOLE = """
import numpy as np
rng = np.random.default_rng(7)
theta0 = rng.uniform(-1.2, 1.2, size=24)
C = rng.normal(size=(24, 24)) / np.sqrt(24)
{body}

def grad(t):
    return {scale} * C.T @ np.cos(C @ t) + t
"""
FLOAT16 = """
def loss(t):
    t16, c16 = t.astype(np.float16), C.astype(np.float16)
    return float(np.float16(600) + np.sum(np.sin(c16 @ t16)) + np.float16(0.5) * (t16 @ t16))
"""
BFLOAT16 = """
import ml_dtypes
def loss(t):
    x, c = t.astype(ml_dtypes.bfloat16), C.astype(ml_dtypes.bfloat16)
    s = np.sum(np.sin(c @ x)) * ml_dtypes.bfloat16(30) + ml_dtypes.bfloat16(0.5) * (x @ x)
    return float(np.array(300 + float(s)).astype(ml_dtypes.bfloat16))  # ≥ 256: whole
"""


@pytest.mark.parametrize(("body", "scale"), [(FLOAT16, 1), (BFLOAT16, 30)])
def test_a_coarse_loss_whose_value_is_a_whole_number_is_not_taken_for_float64(
    tmp_path, body, scale
):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(WHOLE.format(body=body, scale=scale)))
    model = open_probe(str(path))
    try:
        loss0 = model.loss(model.theta0())
        assert loss0 == round(loss0)  # the case: L(θ0) is a whole number
        assert model.loss_precision() in ("float16", "bfloat16")
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()
    assert report.verdict == "pass" or report.inconclusive, report.verdict
