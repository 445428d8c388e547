"""The correct derivatives a typed claim may match form a segment, not a ball (review10j C1,
M3), and a gradient computed in the dtype carries that computation's own rounding, relative
to the terms it cancels (review10j C3): core/sweep/claim.py, claim_ends.py,
backward_rounding.py."""

from __future__ import annotations

import ml_dtypes
import mpmath as mp
import numpy as np
import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.report.sweep import diagnosis_text, diagnosis_title
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

TYPES = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}


def _sweep(expression: str, point: float, grad: str, dtype: str = "float64"):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, points=60))
    return diagnose(result)


def _in(dtype: str, value: float) -> float:
    return float(np.asarray(value).astype(TYPES[dtype]))


@pytest.mark.parametrize(
    ("constant", "point", "dtype"),
    [(2.7, 2.701171875, "float16"), (0.1, 0.1005859375, "bfloat16"), (0.98, 0.97683, "float32")],
)
def test_a_claim_beyond_the_dtype_derivative_on_the_far_side_is_wrong(constant, point, dtype):
    w = _in(dtype, point)
    held = mp.mpf(_in(dtype, constant))
    text = f"(w-{constant})**2" if dtype != "float32" else f"1/(w-{constant})"

    def derivative(c):
        x = mp.mpf(w)
        return float(2 * (x - c)) if dtype != "float32" else float(-1 / (x - c) ** 2)

    as_held, as_typed = derivative(held), derivative(mp.mpf(constant))
    shift = as_typed - as_held
    # both ends are correct; beyond the typed end, or mirrored past the dtype's, is not
    assert _sweep(text, point, repr(as_typed), dtype).kind == "correct"
    assert _sweep(text, point, repr(as_held), dtype).kind == "correct"
    middle = _sweep(text, point, repr(as_held + 0.5 * shift), dtype)
    assert middle.kind == "correct"
    assert "takes them as typed" not in diagnosis_text(middle)
    for claim in (as_held - 0.9 * shift, as_typed + 0.9 * shift):
        diagnosis = _sweep(text, point, repr(claim), dtype)
        assert diagnosis.kind == "wrong", (claim, diagnosis.case)


def test_the_exact_derivative_at_the_typed_w_is_correct_and_the_words_say_w_was_rounded():
    diagnosis = _sweep("(w-1)**2", 1.0001, "0.000200000000", "float32")
    assert diagnosis.kind == "correct", diagnosis.case
    text = diagnosis_text(diagnosis)
    assert "Look for a bug" not in text
    assert "typed w" in text and "1.0001000" in text  # the float32 w is shown
    # past it (or on the other side of the dtype's w) it is wrong
    assert _sweep("(w-1)**2", 1.0001, "0.000199960000", "float32").kind == "wrong"
    assert _sweep("(w-1)**2", 1.0001, "0.000200070000", "float32").kind == "wrong"


@pytest.mark.parametrize(
    ("expression", "point", "dtype", "grad"),
    [
        ("w**3 - 3*w", 1.01, "float64", "0.0602999999999998"),
        ("tanh(20*w)", -0.15126940542296108, "float64", "0.18759758698102463"),
        ("sigmoid(10*w)", 1.6982589923148073, "float64", "4.2126450773891866e-07"),
        ("tanh((10 * w))", 0.32997963311433764, "float16", "0.05853271484375"),
        ("sqrt(w*w + 1) - w", 30.0, "float32", "-0.0005551576614379883"),
    ],
)
def test_what_a_backward_in_the_dtype_returns_where_it_cancels_is_not_wrong(
    expression, point, dtype, grad
):
    diagnosis = _sweep(expression, point, grad, dtype)
    assert diagnosis.kind != "wrong", diagnosis.case
    assert "Look for a bug" not in diagnosis_text(diagnosis)


def test_within_what_the_computation_may_round_the_words_say_so():
    diagnosis = _sweep("w**3 - 3*w", 1.01, "0.0602999999999998")
    assert diagnosis.kind == "correct", diagnosis.case
    assert diagnosis_title(diagnosis) == (
        "Gradient correct (within what computing it in float64 may round)"
    )
    assert "what computing it in float64 may round" in diagnosis_text(diagnosis)


@pytest.mark.parametrize(
    ("expression", "point", "dtype"),
    [
        ("w**3 - 3*w", 1.01, "float64"),
        ("tanh(20*w)", -0.15126940542296108, "float64"),
        ("sin(w)*exp(w)", 0.7, "float32"),
        ("tanh(3*w)+w**3", -0.6, "float16"),
    ],
)
def test_beyond_the_computation_rounding_a_bug_is_still_wrong(expression, point, dtype):
    from fdgui.core.sweep import extended

    w = point if dtype == "float64" else _in(dtype, point)
    truth = extended.analytic_reference(expression, w, dtype).value
    offsets = (1e-3, 1e-6, 1e-9) if dtype == "float64" else (1e-2, 3e-2)
    for offset in offsets:
        for sign in (1, -1):
            claim = repr(truth * (1 + sign * offset))
            assert _sweep(expression, point, claim, dtype).kind == "wrong", (offset, sign)


def test_where_the_dtype_cannot_compute_the_derivative_closely_it_is_too_coarse_not_correct():
    # float16 tanh(10·w) at 0.4: 1 − y² with y one float16 step from 1; torch returns
    # 0.0098 for an exact 0.0134, and 0.0049 is as near: neither confirmed nor wrong
    for grad in ("0.009765625", "0.0048828125"):
        diagnosis = _sweep("tanh(10*w)", 0.4, grad, "float16")
        assert diagnosis.case == "unresolved", diagnosis.case
        assert diagnosis_title(diagnosis) == (
            "Too coarse to judge (what computing it in float16 may round)"
        )
    assert _sweep("tanh(10*w)", 0.4, "-0.0134357", "float16").kind == "wrong"


@pytest.mark.parametrize(
    ("expression", "point", "dtype"),
    [("exp((-1 * w))", 21.60241893223166, "float32"), ("tan((-1 * w))", -11924.6, "float32")],
)
def test_exact_operations_carry_no_rounding(expression, point, dtype):
    # −1·w is exact in every dtype: charging it u·|w| made 100 u bugs "correct"
    from fdgui.core.numbers.precision import unit_roundoff
    from fdgui.core.sweep import extended

    point = _in(dtype, point)  # the w typed is no second end of the segment here
    truth = extended.analytic_reference(expression, point, dtype).value
    for factor in (100, -100):
        claim = repr(truth * (1 + factor * unit_roundoff(dtype)))
        assert _sweep(expression, point, claim, dtype).kind == "wrong", factor


def test_where_the_correct_derivatives_span_more_than_the_derivative_nothing_is_confirmed():
    # w typed 28641.19 is 28640 in float16: cos there is 0.3235, at the typed w −0.7584
    at = 28641.190313397285
    typed_w = float(mp.cos(at))
    diagnosis = _sweep("sin(w)", at, repr(typed_w), "float16")
    assert diagnosis.case == "unresolved", diagnosis.case
    assert diagnosis_title(diagnosis) == (
        "Too coarse to judge (float16 rounds w or the constants too far)"
    )
    assert "28640" in diagnosis_text(diagnosis)
    assert _sweep("sin(w)", at, "-0.9", "float16").kind == "wrong"  # beyond the segment


def test_a_derivative_below_the_dtype_range_is_too_coarse_to_judge_by_its_computation():
    # sigmoid(40·w) at −2.94 is 1.6e-51: 0 in float32, and so is what a backward returns
    point = _in("float32", -2.9367119009827496)
    diagnosis = _sweep("sigmoid((40 * w))", point, "1e-49", "float32")
    assert diagnosis.case == "unresolved", diagnosis.case
    assert "what computing it in float32 may round" in diagnosis_title(diagnosis)
