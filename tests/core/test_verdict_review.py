"""Cases a review found: a pole closer than every usable ε, advice the CLI would refuse."""

from __future__ import annotations

import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.report.sweep import diagnosis_text, diagnosis_title, sweep_text
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective


def _sweep(expression, point, dtype="float64", grad=None, **settings):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, **settings))
    return result, diagnose(result)


@pytest.mark.parametrize(
    ("expression", "point", "dtype"),
    [
        ("tan(w)", 1.5707963267948966, "float64"),
        ("tan(w)", 1.5707963267948966, "float32"),
        ("tan(w)", 1.5707, "float16"),
        ("1/cos(w)", 1.5707963267948966, "float64"),
        ("2/tan(w)", 3.141592653589793, "float64"),
    ],
)
def test_a_pole_within_every_usable_epsilon_is_unresolvable_not_consistent(
    expression, point, dtype
):
    result, diagnosis = _sweep(expression, point, dtype)
    assert (diagnosis.kind, diagnosis.case) == ("undefined", "pole-in-range")
    assert diagnosis.facts["pole"]
    words = diagnosis_title(diagnosis) + diagnosis_text(diagnosis) + sweep_text(result, diagnosis)
    assert "pole" in words
    assert "Sweep larger" not in words and "agree with the analytic" not in words


def test_a_wrong_derivative_next_to_a_pole_is_wrong_without_claiming_the_fd_settle():
    _, diagnosis = _sweep("tan(w)", 1.5707963267948966, grad="1e32")
    assert diagnosis.kind == "wrong"
    assert "settle near" not in diagnosis_text(diagnosis)


def test_far_from_a_pole_it_is_resolved_as_usual():
    for point, dtype in ((1.5707, "float32"), (1.57, "float64"), (1.5, "float16")):
        _, diagnosis = _sweep("tan(w)", point, dtype)
        assert diagnosis.case != "pole-in-range", (point, dtype)
