"""A narrowed ε range whose every ε exceeds the scale the loss varies on is the range's fault,
not an undefined derivative: the analytic reference judges (correct or wrong) and the words
speak of the chosen range, never of "the smallest ε float64 can form at w"."""

from __future__ import annotations

import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.report.sweep import diagnosis_text, diagnosis_title
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

SIN300_DERIVATIVE = "209.77524194351253942"  # 300·cos(150), 20 digits


def _sweep(expression, point, grad=None, dtype="float64", **settings):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, **settings))
    return diagnose(result)


NARROW = {"epsilon_min": 1e-2, "epsilon_max": 1.2e-2, "points": 3}


def test_a_right_derivative_over_a_range_beyond_the_loss_scale_is_correct():
    diagnosis = _sweep("sin(300*w)", 0.5, SIN300_DERIVATIVE, **NARROW)
    assert (diagnosis.kind, diagnosis.case) == ("correct", "range-too-large")
    title, words = diagnosis_title(diagnosis), diagnosis_text(diagnosis)
    assert "Undefined" not in title and "range" in title
    assert "chosen range" in words and "sweep smaller ε" in words
    assert "can form at w (0.01)" not in words


@pytest.mark.parametrize("grad", ["-100", "0", "419.55", "104.9"])
def test_wrong_derivatives_over_the_same_range_are_wrong(grad):
    assert _sweep("sin(300*w)", 0.5, grad, **NARROW).kind == "wrong"


def test_the_analytic_gradient_under_check_is_not_undefined_either():
    diagnosis = _sweep("sin(300*w)", 0.5, None, **NARROW)
    assert (diagnosis.kind, diagnosis.case) == ("correct", "range-too-large")


def test_the_default_range_confirms_it_as_usual():
    diagnosis = _sweep("sin(300*w)", 0.5, SIN300_DERIVATIVE)
    assert diagnosis.kind == "correct" and diagnosis.case != "range-too-large"


def test_a_pole_no_dtype_epsilon_resolves_stays_unresolvable():
    diagnosis = _sweep("tan(w)", 1.5707963267948966, None, epsilon_min=1e-3, epsilon_max=1e-2)
    # the derivative exists (review10i M3): read, not "undefined"
    assert (diagnosis.kind, diagnosis.case) == ("estimate", "pole-in-range")
