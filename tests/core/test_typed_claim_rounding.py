"""A typed gradient is a claim known to half a unit of its last typed digit, and in
float32/float16/bfloat16 to the dtype's rounding of a computed gradient (core/sweep/claim.py):
a correct derivative typed short, or rounded as an ideal backward in the dtype returns it, is
not "wrong"; a bug beyond that rounding still is, monotone in how far it is off (review10i
C3, H1)."""

from __future__ import annotations

import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fdgui.core.models.expression_model import expression_model
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.report.sweep import diagnosis_text, diagnosis_title
from fdgui.core.sweep import extended
from fdgui.core.sweep.claim import CLAIM_ROUNDINGS, dtype_rounding, half_unit
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

TYPES = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}
SMOOTH = [
    ("sin(w)", 0.7),
    ("exp(-w**2)*w", 0.45),
    ("log(1+w**2)", 1.3),
    ("tanh(3*w)+w**3", -0.6),
    ("sqrt(w)*cos(w)", 2.2),
]


def _sweep(expression: str, point: float, grad: str, dtype: str = "float64"):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, points=60))
    return diagnose(result)


def test_half_a_unit_of_the_last_typed_digit():
    assert half_unit("0.20") == pytest.approx(0.005)
    assert half_unit("3") == 0.5
    assert half_unit("3e2") == 50.0
    assert half_unit("-7.6484219e-1") == pytest.approx(5e-9)
    assert half_unit("cos(w)") == 0.0


def test_the_dtype_rounding_follows_u():
    assert dtype_rounding(2.0, "float64") == 0.0
    for dtype in TYPES:
        assert dtype_rounding(-2.0, dtype) == CLAIM_ROUNDINGS * unit_roundoff(dtype) * 2.0


def _truth(expression: str, point: float, dtype: str = "float64") -> float:
    w = float(np.asarray(point).astype(TYPES[dtype])) if dtype in TYPES else point
    reference = extended.analytic_reference(expression, w, dtype)
    assert reference.trusted
    return reference.value


@pytest.mark.parametrize(("expression", "point"), SMOOTH)
@pytest.mark.parametrize("digits", [7, 8, 12])
def test_a_correct_derivative_typed_with_few_digits_is_not_wrong(expression, point, digits):
    truth = _truth(expression, point)
    typed = f"{truth:.{digits}g}"
    diagnosis = _sweep(expression, point, typed)
    assert diagnosis.kind != "wrong", (typed, diagnosis.case)
    if digits >= 8:  # half a unit of the last digit ≤ 5e-8 relative: within "correct"
        assert diagnosis.kind == "correct", (typed, diagnosis.case)
    else:  # seven digits may not show the 1e-7 band: correct or too coarse, never wrong
        assert diagnosis.kind == "correct" or diagnosis.facts.get("few_typed_digits")
    if float(typed) != truth:
        assert "typed digits" in diagnosis_text(diagnosis)


@pytest.mark.parametrize(("expression", "point"), SMOOTH)
def test_typed_short_a_bug_beyond_the_last_digit_is_still_wrong_and_monotone(expression, point):
    truth = _truth(expression, point)
    kinds = [_sweep(expression, point, f"{truth * (1 + d):.8g}").kind for d in (1e-5, 1e-3, 0.1)]
    assert kinds == ["wrong"] * 3


@pytest.mark.parametrize("dtype", sorted(TYPES))
@pytest.mark.parametrize(("expression", "point"), SMOOTH)
def test_the_exact_derivative_rounded_to_the_dtype_is_correct_limited_by_it(
    expression, point, dtype
):
    truth = _truth(expression, point, dtype)
    rounded = float(TYPES[dtype](truth))
    diagnosis = _sweep(expression, point, repr(rounded), dtype)
    assert diagnosis.kind == "correct", diagnosis.case
    if rounded != truth:
        assert diagnosis_title(diagnosis) == f"Gradient correct (limited by {dtype})"


@pytest.mark.parametrize("dtype", sorted(TYPES))
@pytest.mark.parametrize(("expression", "point"), SMOOTH[:3])
def test_beyond_the_dtype_rounding_a_bug_is_wrong_and_the_verdict_monotone(
    expression, point, dtype
):
    from fdgui.core.sweep.backward_rounding import backward_bound

    truth = _truth(expression, point, dtype)
    # the allowance is what the walk reads from the expression (review10l HIGH-1: not a
    # blanket 10·u), at least a unit so the offsets stay resolvable by the dtype's claims
    w = float(np.asarray(point).astype(TYPES[dtype]))
    bound = backward_bound(expression, w, dtype)
    assert bound is not None and bound < CLAIM_ROUNDINGS * unit_roundoff(dtype) * abs(truth)
    allowance = max(bound / abs(truth), unit_roundoff(dtype))
    kinds = []
    for factor in (0.0, 0.5, 1.0, 2.5, 4.0, 30.0):
        typed = repr(truth * (1 + factor * allowance))
        kinds.append(_sweep(expression, point, typed, dtype).kind)
    assert kinds[:3] == ["correct"] * 3, kinds
    assert kinds[3:] == ["wrong"] * 3, kinds


def test_the_words_name_the_typed_digits():
    diagnosis = _sweep("sin(w)", 0.7, "0.76484219")
    assert diagnosis_title(diagnosis) == "Gradient correct (to the digits typed)"
    assert "within the rounding of the typed digits" in diagnosis_text(diagnosis)
    # an exact derivative typed as a short integer is confirmed, not "too coarse"
    assert _sweep("-w", -0.92633, "-1").kind == "correct"
    assert _sweep("3*w+1", 0.5, "3").kind == "correct"
    assert _sweep("cosh(tanh(-w))", 1984100.0, "0").kind == "correct"
    # a typed 0 for a derivative of 1 is wrong, whatever its one digit allows
    assert _sweep("sin(w)", 0.0, "0").kind == "wrong"
    assert _sweep("relu(w)", -1.0, "1").kind == "wrong"


def test_the_floor_sentence_only_where_the_floor_is_the_cause():
    # a 17-digit claim off by 3.6e-9 of 0.76: wrong, and the 1e-8 floor plays no part
    truth = _truth("sin(w)", 0.7)
    diagnosis = _sweep("sin(w)", 0.7, repr(truth * (1 + 3.6e-9)))
    assert diagnosis.kind == "wrong"
    assert "1e-8 floor" not in diagnosis_text(diagnosis)
    # a gradient of 1e-16 off by 50 %: the floor hides it, and the words say so
    diagnosis = _sweep("1e-16*sin(w)", 0.7, repr(1.5e-16 * float(np.cos(0.7))))
    assert diagnosis.kind == "wrong"
    assert "1e-8 floor" in diagnosis_text(diagnosis)


@pytest.mark.parametrize(
    ("expression", "point"),
    [("tan(w)", 1.5707965314122738), ("log1p(w)", -0.999999999), ("arcsin(w)", 0.999999999999)],
)
def test_a_reference_whose_bar_dwarfs_the_value_confirms_nothing(expression, point):
    model = expression_model(expression, point)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype="float64", points=60))
    diagnosis = diagnose(result)
    assert diagnosis.kind == "correct"
    assert "confirmed by" not in diagnosis_title(diagnosis)
    assert "agrees with the complex step" not in diagnosis_text(diagnosis)


def test_where_loss_and_derivative_exist_the_title_is_not_undefined_at_w():
    model = expression_model("tan(w)", 1.5707)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype="float16", points=60))
    diagnosis = diagnose(result)
    assert diagnosis.case in ("pole-in-range", "pole-confirmed"), diagnosis.case
    assert diagnosis.kind != "undefined"  # review10i M3: the kind too
    assert not diagnosis_title(diagnosis).startswith("Undefined at w")


@pytest.mark.parametrize(
    ("constant", "point", "dtype"),
    [(0.488, 0.49330584448331766, "float32"), (-1.853, -1.8493604923660545, "float16")],
)
def test_a_derivative_from_the_constants_as_typed_is_not_wrong_near_a_pole(constant, point, dtype):
    # the float32 losses use float32(0.488): near the pole the derivative moves by 2e-6
    import mpmath as mp

    w = float(TYPES[dtype](point))
    as_typed = float(-1 / (mp.mpf(w) - mp.mpf(constant)) ** 2)
    rounded = float(-1 / (mp.mpf(w) - mp.mpf(float(TYPES[dtype](constant)))) ** 2)
    assert abs(as_typed - rounded) > CLAIM_ROUNDINGS * unit_roundoff(dtype) * abs(rounded)
    text = f"1/(w - {constant})"
    point = w  # w as the dtype holds it: the w typed is no second end (claim_ends)
    diagnosis = _sweep(text, point, repr(as_typed), dtype)
    assert diagnosis.kind == "correct", diagnosis.case
    assert diagnosis_title(diagnosis).startswith("Gradient correct")
    assert diagnosis.facts.get("claim_rounding") == "constants"
    assert "typed constants" in diagnosis_text(diagnosis)
    assert _sweep(text, point, repr(rounded), dtype).kind == "correct"
    # off by three times the gap between the two readings: wrong
    beyond = (
        rounded + 3 * (as_typed - rounded) + 3 * CLAIM_ROUNDINGS * unit_roundoff(dtype) * rounded
    )
    assert _sweep(text, point, repr(beyond), dtype).kind == "wrong"
