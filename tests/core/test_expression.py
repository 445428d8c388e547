"""The expression language: whitelist, messages, dtype-faithful evaluation, exact derivative."""

import time

import mpmath
import numpy as np
import pytest

from fdgui.core.models.expression import ExpressionError, parse_expression

INJECTIONS = [
    "__import__('os').system('echo hi')",
    "().__class__.__bases__[0].__subclasses__()",
    "(lambda: 1)()",
    "[x for x in (1, 2)]",
    "{x: 1 for x in w}",
    "sum(x for x in w)",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('import os')",
    "globals()",
    "__builtins__",
    "w.__class__",
    "sin.__globals__",
    "(w := 3)",
    "np.exp(w)",
    "exp(w)[0]",
    "exp(w, out=w)",
    "'a' * 10**9",
    "1 if w else 0",
    "w < 2",
    "sin(w); import os",
    "import os",
    "(" * 120 + "w" + ")" * 120,
    "-" * 300 + "w",
    "w+" * 400 + "w",
    "sin(" * 60 + "w" + ")" * 60,
    "9" * 400,
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_refused_quickly_with_a_message(text):
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert time.perf_counter() - started < 0.05
    message = caught.value.message
    assert message and "Traceback" not in message
    assert caught.value.field == "expression"


def test_unknown_names_are_listed_all_at_once():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("foo(w) + bar * w + sin(baz)")
    assert caught.value.unknown_names == ("bar", "baz", "foo")
    assert "bar, baz, foo" in caught.value.message


def test_syntax_error_reports_a_position():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("sin(w) + * 2")
    assert caught.value.position == 10
    assert "column 10" in caught.value.message


def test_caret_gets_a_helpful_message():
    with pytest.raises(ExpressionError, match=r"w\*\*2"):
        parse_expression("w^2")


def test_empty_text_is_refused():
    with pytest.raises(ExpressionError, match="enter an expression"):
        parse_expression("   ")


def test_wrong_arity_is_refused():
    with pytest.raises(ExpressionError, match="2 arguments"):
        parse_expression("maximum(w)")


def test_evaluation_matches_numpy_in_float64():
    expression = parse_expression("sin(w)*exp(-w**2) + sqrt(abs(w)) - log1p(w**2)/3")
    w = np.linspace(-2, 2, 9)
    expected = np.sin(w) * np.exp(-(w**2)) + np.sqrt(np.abs(w)) - np.log1p(w**2) / 3
    np.testing.assert_allclose(expression.evaluate(w), expected, rtol=1e-15)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_evaluation_stays_in_the_chosen_dtype(dtype):
    from fdgui.core.numbers.precision import numpy_dtype

    expression = parse_expression("exp(w) * 3 + 0.1")
    result = expression.evaluate(np.array([1.0, 2.0]), dtype)
    assert result.dtype == numpy_dtype(dtype)
    # rounding every intermediate to the dtype, as a framework does
    target = numpy_dtype(dtype).type
    w = np.array([1.0, 2.0]).astype(numpy_dtype(dtype))
    by_hand = (np.exp(w) * target(3)).astype(numpy_dtype(dtype)) + target(0.1)
    np.testing.assert_array_equal(result, by_hand.astype(numpy_dtype(dtype)))


def test_float32_perturbation_really_vanishes():
    expression = parse_expression("exp(w)")
    values = expression.evaluate(np.array([1.0, 1.0 + 1e-9]), "float32")
    assert values[0] == values[1]


def test_non_finite_values_are_values_not_exceptions():
    with np.errstate(all="raise"):
        logs = parse_expression("log(w)").evaluate(np.array([-1.0, 0.0, 1.0]))
        reciprocals = parse_expression("1/w").evaluate(np.array([0.0, 2.0]))
    assert np.isnan(logs[0]) and logs[1] == -np.inf and logs[2] == 0.0
    assert reciprocals[0] == np.inf and reciprocals[1] == 0.5


@pytest.mark.parametrize(
    ("text", "function", "point"),
    [
        ("sin(w)*exp(-w**2)", lambda w: mpmath.sin(w) * mpmath.exp(-(w**2)), 0.7),
        ("tanh(w)**3 / (1 + w**2)", lambda w: mpmath.tanh(w) ** 3 / (1 + w**2), -1.3),
        ("log(w) * sqrt(w) + 2**w", lambda w: mpmath.log(w) * mpmath.sqrt(w) + 2**w, 2.5),
        (
            "sigmoid(3*w) - arctan(w)/pi",
            lambda w: 1 / (1 + mpmath.exp(-3 * w)) - mpmath.atan(w) / mpmath.pi,
            0.2,
        ),
        ("w**w", lambda w: w**w, 1.7),
    ],
)
def test_derivative_and_complex_step_match_mpmath(text, function, point):
    mpmath.mp.dps = 40
    exact = float(mpmath.diff(function, mpmath.mpf(point)))
    expression = parse_expression(text)
    assert expression.analytic
    assert abs(float(expression.derivative(point)) - exact) <= 1e-14 * max(1.0, abs(exact))
    h = 1e-20
    complex_step = float(expression.evaluate_complex(complex(point, h)).imag) / h
    assert abs(complex_step - exact) <= 1e-14 * max(1.0, abs(exact))


def test_kinked_functions_are_marked_not_analytic():
    expression = parse_expression("abs(w) + relu(w - 1) + maximum(w, 0.5)")
    assert not expression.analytic
    assert set(expression.kinks) == {"abs", "relu", "maximum"}
    np.testing.assert_array_equal(expression.derivative(np.array([-2.0, 2.0])), [-1.0, 3.0])


def test_a_flat_sum_of_many_terms_is_not_deep_nesting():
    # 45 terms: a left-nested chain of 44 BinOps, which used to count as 44 levels
    text = "+".join(["w"] * 45)
    expression = parse_expression(text)
    assert float(expression.evaluate(2.0)) == 90.0
    assert float(expression.derivative(2.0)) == 45.0
    long_product = "*".join(["w"] * 150)
    assert float(parse_expression(long_product).derivative(1.0)) == 150.0


@pytest.mark.parametrize(
    "text",
    ["w" + "**w" * 41, "(" * 41 + "w" + ")" * 41, "sin(" * 41 + "w" + ")" * 41, "-" * 45 + "w"],
)
def test_truly_deep_nesting_is_still_refused(text):
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_expression(text)


def test_huge_powers_stay_floats_and_fast():
    started = time.perf_counter()
    value = parse_expression("10**10**10 + w").evaluate(1.0)
    assert time.perf_counter() - started < 0.05
    assert not np.isfinite(float(value))


@pytest.mark.parametrize(
    ("text", "hint", "column"),
    [
        ("e^w", "write e**w", 2),
        ("(w+1) ^ 2", "write (w+1)**2", 7),
        ("2w", "write 2*w", 2),
        ("3.5sin(w)", "write 3.5*sin(…)", 4),
        ("w % 2", "'%'", 3),
    ],
)
def test_operator_messages_suggest_the_fix_and_point_at_the_operator(text, hint, column):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert hint in caught.value.message
    assert "decimal literal" not in caught.value.message
    assert caught.value.position == column
