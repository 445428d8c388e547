"""A typed zero is an exact claim (review10j H1): a dead or detached backward returns exactly
0, so "0" (in any spelling) for a derivative the references resolve away from 0 is wrong,
not "too coarse" behind a ± 0.5 its last digit was said to carry. Any other number claims
half a unit of its last significant digit as written ("1e2" one digit: ± 50; "100" three:
± 0.5), the same rule in the explorer, the CLI and the calculator."""

from __future__ import annotations

import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.sweep.claim import half_unit
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

ZEROS = ("0", "0.0", "-0", "0e5", "0.000", "+0.0e-3", "\u22120", "0E+2")


@pytest.mark.parametrize("text", ZEROS)
def test_a_typed_zero_in_any_spelling_claims_exactly_zero(text):
    assert half_unit(text) == 0.0


def test_other_numbers_claim_half_a_unit_of_their_last_digit_as_written():
    assert half_unit("100") == 0.5
    assert half_unit("1e2") == 50.0  # one significant digit, as "%.0e" prints it
    assert half_unit("1.00e2") == 0.5
    assert half_unit("0.0070") == pytest.approx(5e-5)


def _diagnosis(expression: str, point: float, grad: str, dtype: str = "float64"):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, points=120))
    return diagnose(result)


@pytest.mark.parametrize("text", ("0", "0.0", "-0", "0e5"))
@pytest.mark.parametrize(
    ("expression", "point", "dtype"),
    [("sin(w)", 1.2, "float64"), ("w**3 - w", 0.3, "float64"), ("exp(w)/7", -1.0, "float32")],
)
def test_zero_for_a_resolved_nonzero_derivative_below_one_half_is_wrong(
    expression, point, dtype, text
):
    diagnosis = _diagnosis(expression, point, text, dtype)
    assert diagnosis.kind == "wrong", (diagnosis.kind, diagnosis.case, diagnosis.facts)


def test_zero_for_a_zero_derivative_is_still_confirmed():
    diagnosis = _diagnosis("(w - 0.5)**2", 0.5, "0")
    assert diagnosis.kind == "correct", (diagnosis.kind, diagnosis.case)


@pytest.mark.parametrize(
    ("expression", "point", "dtype"),
    [("exp(w)", -25.0, "float16"), ("sigmoid(w)", -20.0, "float16"), ("exp(w)", -100.0, "float32")],
)
def test_zero_where_a_correct_backward_underflows_is_not_wrong(expression, point, dtype):
    """In float16 exp(−25) is 0 (below its smallest subnormal): a correct backward returns
    exactly 0 for a derivative of 1.4e-11, so the typed 0 is within the dtype's underflow."""
    from fdgui.core.report.sweep import diagnosis_text

    diagnosis = _diagnosis(expression, point, "0", dtype)
    assert diagnosis.kind != "wrong", (diagnosis.kind, diagnosis.case)
    if diagnosis.kind == "correct":
        assert "underflow" in diagnosis_text(diagnosis)


def test_zero_for_a_derivative_above_the_dtypes_underflow_is_wrong():
    assert _diagnosis("exp(w)", -5.0, "0", "float16").kind == "wrong"
