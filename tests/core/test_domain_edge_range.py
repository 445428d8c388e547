"""A narrowed ε range that reaches past the edge of the loss's domain (log(w) at w = 1e-3
swept from ε = 0.01) is the range's fault: the exact derivative at w judges the typed one
(wrong ones are wrong, exit 1), and the words say the range crosses the domain's edge
(a reviewer's cases; before, every typed derivative was "Undefined at w", exit 0)."""

from __future__ import annotations

import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.report.sweep import diagnosis_text, diagnosis_title
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

PAST_THE_EDGE = {"epsilon_min": 1e-2, "epsilon_max": 1.0, "points": 40}


def _sweep(expression, point, grad, dtype="float64", **settings):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, **settings))
    return diagnose(result)


CASES = [
    ("log(w)", 1e-3, "1/w", ["2/w", "-5", "-1/w"]),
    ("sqrt(w)", 1e-3, "0.5/sqrt(w)", ["1/sqrt(w)", "-0.5/sqrt(w)"]),
    ("log(w-0.69)", 0.7, "1/(w-0.69)", ["-1/(w-0.69)"]),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("expression", "point", "right", "wrongs"), CASES)
def test_a_range_past_the_domain_edge_judges_by_the_exact_derivative(
    expression, point, right, wrongs, dtype
):
    for grad in wrongs:
        diagnosis = _sweep(expression, point, grad, dtype, **PAST_THE_EDGE)
        assert diagnosis.kind == "wrong", (expression, grad, diagnosis.case)
        assert "domain" in diagnosis_text(diagnosis)
    diagnosis = _sweep(expression, point, right, dtype, **PAST_THE_EDGE)
    assert (diagnosis.kind, diagnosis.case) == ("correct", "range-too-large")
    assert "Undefined" not in diagnosis_title(diagnosis)
    words = diagnosis_text(diagnosis)
    assert "edge of the loss's domain" in words and "sweep smaller ε" in words


def test_a_zero_derivative_past_the_edge_is_judged_too():
    expression = "sqrt(1e-4-(w-0.7)**2)"
    assert _sweep(expression, 0.7, "5", **PAST_THE_EDGE).kind == "wrong"
    assert _sweep(expression, 0.7, "0", **PAST_THE_EDGE).kind == "correct"


def test_w_on_the_edge_itself_stays_undefined():
    assert _sweep("sqrt(w)", 0.0, "1").kind == "undefined"
