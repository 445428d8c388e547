"""A branch switch at w whose two sides meet (the function is C¹ there): the analytic
reference is the derivative where the sides meet with a bar that bounds it, and a correct
typed derivative is never called wrong (review12p C1: w*abs(w) at 0 gave 2e-90 ± 1e-107)."""

import mpmath as mp
import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.sweep import switch_limit
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.extended import analytic_reference
from fdgui.core.sweep.objectives import EntryObjective

_NAMES = {
    "sin": mp.sin,
    "cos": mp.cos,
    "exp": mp.exp,
    "tanh": mp.tanh,
    "abs": abs,
    "relu": lambda x: x if x > 0 else mp.mpf(0),
    "maximum": lambda a, b: a if a >= b else b,
    "minimum": lambda a, b: a if a <= b else b,
}


def _truth(text: str, w: float):
    """The derivative at w to 50+ digits: the one-sided derivatives (each on a smooth
    branch), which agree for these functions."""
    with mp.workdps(120):

        def f(x):
            return eval(text, dict(_NAMES), {"w": x})

        left = mp.diff(f, mp.mpf(w), direction=-1)
        right = mp.diff(f, mp.mpf(w), direction=1)
        assert abs(left - right) < mp.mpf(10) ** -50
        middle = (left + right) / 2
        return mp.mpf(0) if abs(middle) < mp.mpf(10) ** -50 else middle


CASES = [
    ("w*abs(w)", 0.0),
    ("sin(w)*abs(w)", 0.0),
    ("abs(w)*tanh(w)", 0.0),
    ("abs(sin(w))*sin(w)", 0.0),
    ("exp(w)*abs(w)*w", 0.0),
    ("(w-1)*abs(w-1)", 1.0),
    ("(w-0.5)*abs(w-0.5)", 0.5),
    ("3*w*abs(w)+cos(w)", 0.0),
    ("-2*(w - 0.5)*abs((w - 0.5))*exp(w)", 0.5),
    ("relu(w) - relu(-w)", 0.0),
    ("maximum(w, 1)**2 - 2*relu(w - 1)", 1.0),
    ("abs(w)**1.5", 0.0),
    ("exp(w*abs(w) + 0.5*w)", 0.0),
    ("tanh(-2*minimum(w - 0.25, 0)**2 + sin(3*w))", 0.25),
]


@pytest.mark.parametrize(("text", "w"), CASES)
def test_the_reference_bounds_the_derivative_where_the_sides_meet(text, w):
    reference = analytic_reference(text, w)
    assert reference.status == "ok"
    truth = _truth(text, w)
    assert abs(mp.mpf(reference.value) - truth) <= mp.mpf(reference.error), (
        reference.value,
        reference.error,
        truth,
    )


def test_a_slope_taken_beside_w_carries_what_the_offset_can_change(monkeypatch):
    # without the branch formulas the reference is the slopes 1e-90 beside w: its bar holds
    # their move towards w, never the 1e-107 rounding alone
    monkeypatch.setattr(switch_limit, "_branch_limits", lambda *args: None)
    for text, w in CASES:
        reference = analytic_reference(text, w)
        truth = _truth(text, w)
        assert abs(mp.mpf(reference.value) - truth) <= mp.mpf(reference.error), text


def _kind(text: str, w: str, grad: str, dtype: str = "float64") -> str:
    objective = EntryObjective(expression_model(text, w, grad), 0)
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype))).kind


@pytest.mark.parametrize(
    ("text", "w", "grad", "dtype"),
    [
        ("w*abs(w)", "0", "2*abs(w)", "float64"),
        ("w*abs(w)", "0", "2*abs(w)", "float32"),
        ("w*abs(w)", "0", "2*abs(w)", "bfloat16"),
        ("w*abs(w)", "0", "0", "float64"),
        ("sin(w)*abs(w)", "0", "0", "float64"),
        ("(w-1)*abs(w-1)", "1", "2*abs(w-1)", "float64"),
        ("3*w*abs(w)+cos(w)", "0", "6*abs(w)-sin(w)", "float64"),
    ],
)
def test_a_correct_typed_derivative_at_the_switch_is_correct(text, w, grad, dtype):
    assert _kind(text, w, grad, dtype) == "correct"


@pytest.mark.parametrize(
    ("text", "w", "grad"),
    [
        ("w*abs(w)", "0", "2*abs(w) + 0.01"),
        ("3*w*abs(w)+sin(w)", "0", "1.01*(6*abs(w)+cos(w))"),
        ("relu(w) - relu(-w)", "0", "-1"),
    ],
)
def test_a_wrong_typed_derivative_at_the_switch_stays_wrong(text, w, grad):
    assert _kind(text, w, grad) == "wrong"


@pytest.mark.parametrize("text", ["w*abs(w)", "sin(w)*abs(w)", "w**2"])
def test_no_relative_error_is_taken_against_a_gradient_of_zero(text):
    # "against the gradient itself the error is 1.0e283": the floor's note divided by 1e-300
    objective = EntryObjective(expression_model(text, "0", "0"), 0)
    diagnosis = diagnose(run_sweep(objective, SweepSettings()))
    assert diagnosis.kind == "correct"
    assert "floor_hides" not in diagnosis.facts
