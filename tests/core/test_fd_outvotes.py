"""A computed sweep's finite differences against a Richardson reference (``fd_verdict``,
``straddle.distrust_unbounded``): a reference's wide bar never outvotes differences that
resolve the derivative, and one whose value they refute is shown unconverged, never judging.

The sweeps are real (an expression's losses); the references are set as a probe's would be:
the gradient under check first, then a Richardson whose bar is given."""

from __future__ import annotations

from dataclasses import replace

import mpmath
import pytest

from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import expression_objective
from fdgui.core.sweep.references import ReferenceValue
from fdgui.core.sweep.straddle import distrust_unbounded

LOSSES = [
    ("sin(1300*w + 0.2)", 0.02, lambda x: mpmath.sin(1300 * x + 0.2)),
    ("exp(3*w) + w**2", 0.4, lambda x: mpmath.exp(3 * x) + x**2),
    ("tanh(7e5*w)", 1.1e-6, lambda x: mpmath.tanh(7e5 * x)),
]


def _truth(function, w):
    with mpmath.workdps(50):
        return float(mpmath.diff(function, mpmath.mpf(w)))


def _as_probe(text, w, checked, richardson_value, richardson_error):
    """The expression's sweep with a probe's references: no exact derivative, no complex
    step, the gradient under check and one Richardson reference."""
    result = run_sweep(expression_objective(text, repr(w)), SweepSettings())
    probe = ReferenceValue("probe", checked)
    richardson = ReferenceValue(
        "Richardson", richardson_value, richardson_error, span=0.06, note="central differences"
    )
    return replace(
        result, references=(probe, richardson), reference=probe, smooth=False, kind="probe"
    )


@pytest.mark.parametrize(("text", "w", "function"), LOSSES)
@pytest.mark.parametrize("factor", [1.05, 1.01, 0.99])
def test_a_wide_bar_never_outvotes_differences_that_resolve_the_derivative(
    text, w, function, factor
):
    truth = _truth(function, w)
    # the bug lies inside the reference's bar: it alone would confirm it
    result = _as_probe(text, w, truth * factor, truth, 0.1 * abs(truth))
    assert diagnose(result).kind == "wrong"


@pytest.mark.parametrize(("text", "w", "function"), LOSSES)
def test_the_correct_gradient_inside_a_wide_bar_is_not_wrong(text, w, function):
    truth = _truth(function, w)
    result = _as_probe(text, w, truth, truth * 1.02, 0.1 * abs(truth))
    assert diagnose(result).kind != "wrong"


@pytest.mark.parametrize(("text", "w", "function"), LOSSES)
def test_a_reference_whose_bar_misses_what_the_differences_resolve_does_not_judge(
    text, w, function
):
    truth = _truth(function, w)
    result = distrust_unbounded(_as_probe(text, w, truth, 3.0 * truth, 0.5 * abs(truth)))
    richardson = result.references[1]
    assert richardson.status == "unconverged" and not richardson.trusted
    assert "does not bound" in richardson.note
    assert diagnose(result).kind != "wrong"


@pytest.mark.parametrize(("text", "w", "function"), LOSSES)
def test_a_narrow_reference_keeps_judging(text, w, function):
    truth = _truth(function, w)
    bar = 1e-12 * abs(truth)
    result = distrust_unbounded(_as_probe(text, w, truth * 1.01, truth, bar))
    assert result.references[1].trusted
    # an honest bar that bounds is never distrusted, however far the gradient is
    result = distrust_unbounded(_as_probe(text, w, truth, truth, 0.3 * abs(truth)))
    assert result.references[1].trusted
