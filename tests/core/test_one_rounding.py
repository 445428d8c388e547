"""Calculate and Paste give the same history row for the same inputs: every quotient is that
of the exact difference and 2ε (or ε), rounded once to 60 digits — the correctly rounded
value, so a row does not change its last digit when a session is saved and restored."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core.calculator import schemes
from fdgui.core.calculator.table import measure_table
from fdgui.core.jobs import drive


def _decimal_text(draw, digits: int, exponent_range: int) -> str:
    mantissa = draw(st.integers(1, 10**digits - 1))
    exponent = draw(st.integers(-exponent_range, exponent_range))
    sign = draw(st.sampled_from(["", "-"]))
    return f"{sign}{mantissa}e{exponent}"


@st.composite
def long_inputs(draw):
    return {
        "loss_plus": _decimal_text(draw, draw(st.integers(1, 95)), 40),
        "loss_minus": _decimal_text(draw, draw(st.integers(1, 95)), 40),
        "loss": draw(st.one_of(st.just(""), st.builds(lambda: None).map(lambda _: ""),
                               st.integers(1, 95).map(lambda n: "7" * n + "e-3"))),
        "epsilon": f"{draw(st.integers(1, 10**12))}e{draw(st.integers(-30, 0))}",
    }  # fmt: skip


def _correct(numerator: Decimal, denominator: Decimal) -> Decimal:
    """The quotient correctly rounded to 60 digits (exact operands, one rounding)."""
    with localcontext(Context(prec=100_000, Emax=10**6, Emin=-(10**6))):
        exact_numerator, exact_denominator = +numerator, +denominator
    return Context(prec=60, Emax=999_999, Emin=-999_999).divide(exact_numerator, exact_denominator)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(long_inputs())
def test_calculate_and_paste_give_the_same_row(texts):
    inputs, errors = schemes.parse_inputs(texts)
    assert inputs is not None, errors
    calculated = schemes.Measurement.from_estimate(schemes.estimate(inputs))
    careful = schemes.measurement(inputs)
    line = "\t".join([texts["epsilon"], texts["loss_plus"], texts["loss_minus"], texts["loss"]])
    pasted = drive(measure_table(line.rstrip("\t") + "\n")).rows
    assert calculated == careful
    if pasted:  # cells over 200 characters are refused, as typed in a field
        assert pasted[0] == calculated and str(pasted[0].central) == str(calculated.central)
    plus, minus, epsilon = inputs.loss_plus, inputs.loss_minus, inputs.epsilon
    with localcontext(Context(prec=100_000)):
        difference, twice = plus - minus, 2 * epsilon
    assert calculated.central == _correct(difference, twice)
