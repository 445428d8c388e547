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
    # the loss and its derivative exist (review10i M3): read, or confirmed by a reference
    assert (diagnosis.kind, diagnosis.case) in (
        ("estimate", "pole-in-range"),
        ("correct", "pole-confirmed"),
    )
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


@pytest.mark.parametrize("point", [1e-300, 1e-305, -1e-290, 1e-307, 1e-320, 0.0])
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
def test_the_default_range_is_within_the_sweeps_own_limits(point, dtype):
    from fdgui.core.requests import sweep_request

    settings = sweep_request({"dtype": dtype}, point)
    settings.validate()  # raises InputError when the default --min is refused
    assert settings.epsilon_min < settings.epsilon_max


@pytest.mark.parametrize("expression", ["w**3", "sqrt(w)", "log(w)"])
def test_tiny_w_sweeps_with_the_default_range(expression):
    from fdgui.core.requests import sweep_request

    model = expression_model(expression, 1e-300)
    result = run_sweep(EntryObjective(model, 0), sweep_request({}, 1e-300))
    assert diagnose(result).kind == "correct"


@pytest.mark.parametrize(
    ("expression", "point", "dtype", "top"),
    [
        ("log(w)", 1e250, "float64", 1.0),
        ("exp(-w/1e200)", 1e200, "float64", 1e6),
        ("w**2", 3e38, "float32", 1e6),
        ("w", 6e4, "float16", 6e4),
    ],
)
def test_no_advice_to_sweep_an_epsilon_the_sweep_refuses(expression, point, dtype, top):
    _, diagnosis = _sweep(expression, point, dtype, epsilon_min=top / 1e6, epsilon_max=top)
    words = diagnosis_text(diagnosis)
    if "Sweep larger ε" in words:
        larger = SweepSettings(dtype=dtype, epsilon_min=top, epsilon_max=top * 10)
        larger.validate()  # the advice must be one the sweep accepts


def test_a_table_with_no_good_row_names_every_bad_line_and_why():
    from fdgui.core.errors import InputError
    from fdgui.core.requests import table_request

    text = "eps,Lp,Lm\n1,x,3\n\nfoo\n1e-3,2,3,4,5,6\n"
    with pytest.raises(InputError) as caught:
        table_request(text)
    message = caught.value.message
    assert "line 2" in message and "not a number" in message
    assert "line 4" in message and "line 5" in message and "found 6 values" in message
    with pytest.raises(InputError) as caught:
        table_request("# only a comment\neps,a,b\n")
    assert "no data lines" in caught.value.message
