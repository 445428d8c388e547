from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fdgui.core.numbers.parsing import InputError, normalise_text, parse_number, typed_precision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.85", "0.85"),
        ("  0.85005  ", "0.85005"),
        ("1e-4", "0.0001"),
        ("1E-4", "0.0001"),
        ("+0.5", "0.5"),
        ("\u22120.5", "-0.5"),  # Unicode minus
        ("\u20130.5", "-0.5"),  # en dash
        ("-3", "-3"),
        ("\t2.5e+3\n", "2500"),
        ("0", "0"),
    ],
)
def test_accepts_what_people_type(text, expected):
    assert parse_number(text, "field") == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "enter a number"),
        ("   ", "enter a number"),
        ("abc", "not a number"),
        ("0.5.5", "not a number"),
        ("nan", "NaN"),
        ("NaN", "NaN"),
        ("inf", "infinity"),
        ("-Infinity", "infinity"),
        ("1e999", "too large"),
        ("1e-400", "too small"),
        ("-5e-325", "too small"),
        ("1" * 300, "too long"),
    ],
)
def test_refuses_with_a_message_naming_the_field(text, fragment):
    with pytest.raises(InputError) as caught:
        parse_number(text, "epsilon")
    assert caught.value.field == "epsilon"
    assert fragment in caught.value.message


@pytest.mark.parametrize("text", ["0", "-1e-4", "−0.001", "0.000"])
def test_positive_refuses_zero_and_negative(text):
    with pytest.raises(InputError, match="greater than zero"):
        parse_number(text, "epsilon", positive=True)


def test_optional_empty_is_none():
    assert parse_number("", "loss", required=False) is None
    assert parse_number("  ", "loss", required=False) is None


def test_normalise_maps_pasted_minus_signs():
    assert normalise_text(" \u2212 1 ") == "-1"
    assert normalise_text("\u20131e\u22124") == "-1e-4"


@pytest.mark.parametrize(
    ("text", "digits", "half_unit"),
    [
        ("0.85005", 5, "0.000005"),
        ("0.84995", 5, "0.000005"),
        ("0.120008", 6, "0.0000005"),
        ("1e-4", 1, "0.00005"),
        ("2500", 4, "0.5"),
        ("0.000", 1, "0.0005"),
    ],
)
def test_typed_precision_is_half_a_unit_in_the_last_place(text, digits, half_unit):
    assert typed_precision(parse_number(text, "x")) == (digits, Decimal(half_unit))


@given(st.text(max_size=60))
def test_parsing_raises_nothing_but_input_error(text):
    try:
        value = parse_number(text, "field", positive=True)
    except InputError as error:
        assert error.field == "field" and error.message
    else:
        assert value is not None and value.is_finite() and value > 0


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_every_printed_float_parses_back_exactly(number):
    assert parse_number(repr(number), "x") == Decimal(repr(number))
