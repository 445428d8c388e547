"""Complex step and Richardson extrapolation against 40-digit mpmath derivatives."""

import mpmath
import numpy as np
import pytest

from fdgui.core.sweep.references import NOISE_POINTS, complex_step, extrapolate, richardson

mpmath.mp.dps = 40

# (name, numpy function, mpmath function, point): smooth functions with different scales,
# including points near a singularity (log at 0.1, sqrt at 0.2) and a large argument.
CASES = [
    ("exp", np.exp, mpmath.exp, 1.0),
    ("sin", np.sin, mpmath.sin, 0.7),
    ("cos", np.cos, mpmath.cos, 2.0),
    ("log", np.log, mpmath.log, 1.5),
    ("log near 0", np.log, mpmath.log, 0.1),
    ("sqrt", np.sqrt, mpmath.sqrt, 2.0),
    ("sqrt near 0", np.sqrt, mpmath.sqrt, 0.2),
    ("tanh", np.tanh, mpmath.tanh, 0.5),
    ("arctan", np.arctan, mpmath.atan, 1.0),
    ("runge", lambda x: 1 / (1 + x * x), lambda x: 1 / (1 + x * x), 0.5),
    ("gaussian", lambda x: np.exp(-x * x), lambda x: mpmath.exp(-x * x), 0.8),
    ("x^3 sin", lambda x: x**3 * np.sin(x), lambda x: x**3 * mpmath.sin(x), 1.2),
    ("sin(exp)", lambda x: np.sin(np.exp(x)), lambda x: mpmath.sin(mpmath.exp(x)), 0.4),
    ("1/x", lambda x: 1 / x, lambda x: 1 / x, 0.5),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x)), lambda x: 1 / (1 + mpmath.exp(-x)), 0.3),
    ("sin far out", np.sin, mpmath.sin, 50.0),
]


def _exact(function, point):
    return mpmath.diff(function, mpmath.mpf(point))


@pytest.mark.parametrize(
    ("name", "function", "reference", "point"), CASES, ids=[c[0] for c in CASES]
)
def test_richardson_error_estimate_bounds_the_actual_error(name, function, reference, point):
    exact = _exact(reference, point)
    result = richardson(function, point)
    actual = abs(mpmath.mpf(result.value) - exact)
    assert actual <= result.error, (name, float(actual), result.error)
    assert result.evaluations == 14 + NOISE_POINTS
    # and the estimate is a useful bar, not a shrug
    assert result.error <= 1e-11 * max(1.0, abs(float(exact)))


def test_richardson_accuracy_on_the_set():
    errors = []
    for _, function, reference, point in CASES:
        exact = _exact(reference, point)
        errors.append(
            float(abs(mpmath.mpf(richardson(function, point).value) - exact) / abs(exact))
        )
    assert np.median(errors) <= 2e-14
    assert max(errors) <= 2e-13


def test_richardson_survives_undefined_points():
    # log is undefined left of 0: the largest steps give nan and are skipped
    result = richardson(np.log, 0.03)
    assert abs(result.value - 1 / 0.03) <= result.error


def test_extrapolate_cancels_even_powers_exactly():
    steps = np.array([0.4, 0.2, 0.1, 0.05])
    estimates = 3.0 + 2.0 * steps**2 - 5.0 * steps**4 + 0.5 * steps**6
    tableau = extrapolate(steps, estimates)
    assert abs(tableau.value - 3.0) < 1e-12


def test_extrapolate_without_finite_values_says_so():
    with pytest.raises(ValueError, match="undefined"):
        extrapolate([0.1, 0.05], [np.nan, np.inf])


def test_complex_step_is_exact_to_roundoff():
    result = complex_step(lambda z: np.exp(z) * np.sin(z), 0.9)
    exact = float(_exact(lambda x: mpmath.exp(x) * mpmath.sin(x), 0.9))
    assert abs(result.value - exact) <= 2e-16 * abs(exact)
    assert result.evaluations == 3 + NOISE_POINTS


# --- functions whose scale is far from the default steps (QA bug 6) --------------------------

SCALE_CASES = [
    ("sin(1000w) at 1", lambda x: np.sin(1000 * x), lambda x: mpmath.sin(1000 * x), 1.0),
    ("sin at 1e8", np.sin, mpmath.sin, 1e8),
    ("sin(1e6 w) at 1", lambda x: np.sin(1e6 * x), lambda x: mpmath.sin(1e6 * x), 1.0),
    ("sin at 1e15", np.sin, mpmath.sin, 1e15),  # hopeless in float64: must admit it
    ("exp(100w) at 0.1", lambda x: np.exp(100 * x), lambda x: mpmath.exp(100 * x), 0.1),
]


@pytest.mark.parametrize(
    ("name", "function", "reference", "point"), SCALE_CASES, ids=[c[0] for c in SCALE_CASES]
)
def test_richardson_error_bar_bounds_the_error_off_scale(name, function, reference, point):
    exact = _exact(reference, point)
    result = richardson(function, point)
    actual = abs(mpmath.mpf(result.value) - exact)
    assert actual <= result.error, (name, result.value, float(exact), result.error)


def test_richardson_adapts_its_step_to_a_fast_function():
    result = richardson(lambda x: np.sin(1000 * x), 1.0)
    assert result.value == pytest.approx(1000 * np.cos(1000.0), rel=1e-8)
    assert result.evaluations > 14  # it had to shrink the steps
    assert result.error < 1e-6 * abs(result.value)  # and converged: a finite, tight bar
    steep = richardson(lambda x: np.exp(100 * x), 0.1)
    assert steep.error < 1e-8 * abs(steep.value)


def test_unconverged_richardson_is_flagged_unreliable():
    result = richardson(np.sin, 1e15)
    assert result.error == float("inf")
    assert "unreliable" in result.note


@pytest.mark.parametrize(("function", "point"), [(np.log, 0.0), (np.sqrt, 0.0)])
def test_complex_step_refuses_where_the_function_is_not_analytic(function, point):
    # log(0) is -inf; sqrt is not analytic at 0 (Im sqrt(ih)/h grows like h^-1/2)
    with pytest.raises(ValueError):
        complex_step(function, point)


def test_sweep_shows_no_bogus_reference_at_a_singularity():
    from fdgui.core.sweep.engine import function_references
    from fdgui.core.sweep.objectives import expression_objective

    for text in ("log(w)", "sqrt(w)"):
        methods = [r.method for r in function_references(expression_objective(text, "0"))]
        assert "complex step" not in methods, text


def test_reference_module_prints_no_runtime_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            complex_step(np.log, 0.0)
        richardson(np.log, 0.03)


def test_complex_step_still_applies_far_from_zero():
    # the check step must not grow with |w|: sin at 1e15 is analytic there
    result = complex_step(np.sin, 1e15)
    exact = float(mpmath.cos(mpmath.mpf(1e15)))
    assert abs(result.value - exact) <= max(result.error, 1e-15 * abs(exact))
