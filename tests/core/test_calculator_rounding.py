"""The calculator's words about rounding are true (review10i H2): sums and differences of the
typed decimals are exact however many digits they need; a quotient that ends is given exactly
and never called rounded; one that does not end is rounded once, to the working precision the
report states; the JSON export gives every digit of every result."""

from __future__ import annotations

import json
from decimal import Context, Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_json, calculator_report

_WIDE = Context(prec=100_000, Emax=10**6, Emin=-(10**6))


def _run(**texts: str):
    inputs, errors = parse_inputs({"loss": "", "backprop": "", **texts})
    assert inputs is not None, errors
    return estimate(inputs)


def _exact(expression) -> Decimal:
    with localcontext(_WIDE):
        return +expression()


def test_a_long_difference_is_exact():
    plus = "0.1234567890123456789012345678901234567890123456789012345678901234567891"
    result = _run(loss_plus=plus, loss_minus="0.5", epsilon="0.5")
    exact = _exact(lambda: Decimal(plus) - Decimal("0.5"))
    assert result.difference == exact
    # the difference over 2ε = 1 ends: exact, and not listed as rounded
    assert result.central == exact and "central" not in result.rounded
    data = calculator_json(result)
    assert Decimal(data["difference"]) == exact and Decimal(data["gradient"]) == exact


def test_a_difference_of_far_apart_numbers_is_exact():
    result = _run(loss_plus="1e300", loss_minus="1e-300", epsilon="1e-300")
    exact = _exact(lambda: Decimal("1e300") - Decimal("1e-300"))
    assert result.difference == exact
    assert Decimal(calculator_json(result)["difference"]) == exact


def test_quotients_that_end_are_exact_and_not_called_rounded():
    plus = "0.1234567890123456789012345678901234567890123456789012345678901234567891"
    result = _run(loss_plus=plus, loss_minus="0.5", epsilon="0.5", loss="0.3")
    assert result.rounded == ()
    loss, p, m, e = Decimal("0.3"), Decimal(plus), Decimal("0.5"), Decimal("0.5")
    assert result.forward == _exact(lambda: (p - loss) / e)
    assert result.curvature == _exact(lambda: (p - 2 * loss + m) / (e * e))
    assert result.truncation == _exact(lambda: (p - 2 * loss + m).copy_abs() / (e * e) * e / 2)
    text = calculator_report(result)
    assert "did not end" not in text and "rounded" not in text.split("Assumptions")[1].split(
        "JSON"
    )[0].replace("rounded up", "")


def test_a_quotient_that_needs_more_than_sixty_digits_to_end_is_exact():
    # 1/2^101 ends after 101 decimals (71 significant digits)
    epsilon = str(2**100)
    result = _run(loss_plus="1", loss_minus="0", epsilon=epsilon)
    assert result.central == _exact(lambda: Decimal(1) / Decimal(2**101))
    assert result.rounded == ()


def test_a_quotient_that_does_not_end_is_rounded_once_to_the_stated_digits():
    result = _run(loss_plus="1.000000000000000000000000000000000001", loss_minus="1", epsilon="0.3")
    assert result.rounded == ("central",)
    digits = result.working_digits
    correct = Context(prec=digits, Emax=10**6, Emin=-(10**6)).divide(
        Decimal("0.000000000000000000000000000000000001"), Decimal("0.6")
    )
    assert result.central == correct
    assert len(result.central.as_tuple().digits) == digits
    text = calculator_report(result)
    assert f"{digits} significant digits" in text and "central" in text


def test_the_json_gives_every_digit_of_every_result():
    result = _run(
        loss_plus="1.12345678901234567890123456789",
        loss_minus="0.1",
        epsilon="0.5",
        loss="0.2",
        backprop="1.023456789012345678901234567891",
    )
    data = calculator_json(result)
    for key, value in (
        ("forward", result.forward),
        ("backward", result.backward),
        ("curvature", result.curvature),
        ("truncation_error", result.truncation),
        ("uncertainty", result.uncertainty),
        ("one_sided_uncertainty", result.one_sided_uncertainty),
        ("curvature_uncertainty", result.curvature_uncertainty),
    ):
        assert Decimal(data[key]) == value, key
    assert Decimal(data["forward"]) == Decimal("1.84691357802469135780246913578")
    assert data["check"]["backprop"] == "1.023456789012345678901234567891"
    assert Decimal(data["check"]["relative_error"]) == result.comparison.relative_error
    assert json.loads(json.dumps(data)) == data


@st.composite
def _typed(draw):
    def number(digits_max: int) -> str:
        mantissa = draw(st.integers(1, 10 ** draw(st.integers(1, digits_max)) - 1))
        sign = draw(st.sampled_from(["", "-"]))
        return f"{sign}{mantissa}e{draw(st.integers(-60, 20))}"

    return {
        "loss_plus": number(90),
        "loss_minus": number(90),
        "loss": draw(st.sampled_from(["", number(90)])),
        "epsilon": f"{draw(st.integers(1, 10**6))}e{draw(st.integers(-40, 2))}",
    }


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_typed())
def test_every_result_is_exact_or_named_and_rounded_to_the_stated_digits(texts):
    result = _run(**texts)
    inputs = result.inputs
    p, m, e, loss = inputs.loss_plus, inputs.loss_minus, inputs.epsilon, inputs.loss
    assert result.difference == _exact(lambda: p - m)
    wanted = {"central": (_exact(lambda: p - m), _exact(lambda: 2 * e))}
    if loss is not None:
        second = _exact(lambda: p - 2 * loss + m)
        wanted["forward"] = (_exact(lambda: p - loss), e)
        wanted["backward"] = (_exact(lambda: loss - m), e)
        wanted["curvature"] = (second, _exact(lambda: e * e))
        wanted["truncation"] = (second.copy_abs(), _exact(lambda: 2 * e))
    attribute = {"truncation": "truncation"}
    for name, (numerator, denominator) in wanted.items():
        value = getattr(result, attribute.get(name, name))
        with localcontext(_WIDE) as wide:
            wide.clear_flags()
            long = wide.divide(numerator, denominator)
            ends = not wide.flags[__import__("decimal").Inexact]
        if name in result.rounded:
            correct = Context(prec=result.working_digits, Emax=10**6, Emin=-(10**6)).divide(
                numerator, denominator
            )
            assert value == correct, name
            assert not ends, name
        else:
            assert ends and value == long, name


def test_every_export_says_where_it_rounds():
    from fdgui.core.report.calculator import calculator_markdown, rounding_text

    result = _run(loss_plus="1.000000000000000000000000000000000001", loss_minus="1", epsilon="0.3")
    words = rounding_text(result)
    assert "Central did not end" in words and f"{result.working_digits} significant" in words
    assert words in calculator_markdown(result)
    assert calculator_json(result)["rounding"] == words
    assert " ".join(line.strip() for line in calculator_report(result).splitlines()).count(words)
