"""The one number formatter: every report, the CLI and the window read numbers the same way."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fdgui.core.numbers import format as fmt


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.5", "0.5"),
        ("0.0001", "0.0001"),
        ("0.50000", "0.5"),
        ("1e-7", "1e-7"),
        ("-2.5e-9", "-2.5e-9"),
        ("123456789.123456", "123456789.1"),
        ("0.33333333333333333333333", "0.3333333333"),
        ("1e15", "1e15"),
        ("0", "0"),
    ],
)
def test_decimal_display(value, shown):
    assert fmt.decimal_display(Decimal(value)) == shown


def test_decimal_full_keeps_every_typed_digit():
    assert fmt.decimal_full(Decimal("0.123456789012345678")) == "0.123456789012345678"
    assert fmt.decimal_display(None) == "—"


def test_decimal_exact_keeps_trailing_zeros():
    assert fmt.decimal_exact(Decimal("0.850050000")) == "0.850050000"
    assert fmt.decimal_exact(Decimal("1.20E-9")) == "1.20e-9"


def test_ratio():
    assert fmt.ratio(Decimal("0.0004")) == "4.0e-4"
    assert fmt.ratio(0.6) == "0.6"
    assert fmt.ratio(1.0) == "1"
    assert fmt.ratio(2.5e-12) == "2.5e-12"
    assert fmt.ratio(0) == "0"


def test_with_uncertainty():
    assert fmt.with_uncertainty(Decimal("0.5"), Decimal("0.0512")) == "0.5 ± 0.051"
    assert fmt.with_uncertainty(Decimal("0.5"), Decimal(0)) == "0.5"
    assert fmt.with_uncertainty(None, Decimal(1)) == "—"


def test_significant_and_its_missing_values():
    assert fmt.significant(1 / 3) == "0.333"
    assert fmt.significant(1 / 3, 6) == "0.333333"
    assert fmt.significant(None) == "—"
    assert fmt.significant(math.nan) == "—"
    assert fmt.significant(math.inf) == "—"
    assert fmt.significant(math.nan, missing="n/a", infinite="inf") == "n/a"
    assert fmt.significant(-math.inf, missing="n/a", infinite="inf") == "inf"


@given(st.floats(allow_nan=False))
def test_shortest_reads_back_as_the_same_float(value):
    assert float(fmt.shortest(value)) == value


def test_shortest_missing():
    assert fmt.shortest(None, missing="n/a") == "n/a"
    assert fmt.shortest(math.nan) == "nan"


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0 bytes"), (1023, "1,023 bytes"), (1536, "1.5 KB"), (3 * 2**30, "3.0 GB"),
     (2**60, "1,024.0 PB")],
)  # fmt: skip
def test_byte_size(count, shown):
    assert fmt.byte_size(count) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(math.nan, "…"), (5e-4, "< 1 ms"), (0.25, "250 ms"), (4.21, "4.2 s"), (210, "3.5 min")],
)
def test_duration(seconds, shown):
    assert fmt.duration(seconds) == shown


def test_json_number():
    assert fmt.json_number(math.inf) is None
    assert fmt.json_number(None) is None
    assert fmt.json_number(2) == 2.0


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.1, "0.1"), (1 / 3, "0.3333333"), (2.218e-06, "2.218e-6"), (1e-4, "0.0001"),
     (0.0839681510069327, "0.08396815"), (12345678.9, "1.234568e7"),
     (-5.737768e-05, "-5.737768e-5"),
     (Decimal("0.49990000001"), "0.4999"), (0.0, "0"), (math.nan, "—"), (math.inf, "∞")],
)  # fmt: skip
def test_display_is_the_shortest_identifying_digits_up_to_seven(value, shown):
    assert fmt.display(value) == shown


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_display_never_shows_more_than_seven_digits_and_full_reads_back(value):
    shown = fmt.display(value)
    mantissa = shown.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    assert len(mantissa) <= 7
    assert float(shown) == pytest.approx(value, rel=5e-7, abs=0)
    assert float(fmt.full(value)) == value  # hover and Copy: the same float back


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1e-4, "1e-4"), (2.218e-6, "2.22e-6"), (0.05, "0.05"), (1.0, "1"), (1e-16, "1e-16"),
     (0.001, "1e-3"), (0.0585, "0.0585"), (12345.0, "1.23e4")],
)  # fmt: skip
def test_epsilon_is_written_one_way(value, shown):
    assert fmt.epsilon(value) == shown


def test_a_typed_epsilon_keeps_the_digits_that_identify_it():
    assert fmt.epsilon(Decimal("0.001000001")) == "1.000001e-3"
    assert fmt.epsilon(Decimal("0.0001")) == "1e-4"
    assert fmt.epsilon(Decimal("0.05")) == "0.05"


def test_ratio_of_a_value_that_is_not_finite_is_words_not_an_error():
    assert fmt.ratio(math.nan) == "—"
    assert fmt.ratio(math.inf) == "∞" and fmt.ratio(-math.inf) == "−∞"


def test_every_uncertainty_follows_one_rule():
    # two figures; plain between 1e-4 and 1e7, else with an exponent, as in the tables
    assert fmt.uncertainty(5e-5) == "5e-5"
    assert fmt.uncertainty(Decimal("0.0512")) == "0.051"
    assert fmt.uncertainty(10000.0) == "10000"
    assert fmt.uncertainty(2e13) == "2e13"
    assert fmt.with_uncertainty(Decimal("1"), Decimal("0.00005")) == "1 ± 5e-5"


def test_a_value_shows_no_more_digits_than_its_uncertainty_warrants():
    value = Decimal("-0.1313269748")
    assert fmt.display_with_uncertainty(value, Decimal("0.052")) == "-0.131 ± 0.052"
    assert fmt.display_with_uncertainty(Decimal("-1.655690334"), Decimal("1.7")) == "-1.7 ± 1.7"
    # never more than the table's 7 figures, however small the ±
    assert fmt.display_with_uncertainty(value, Decimal("1e-15")) == "-0.131327 ± 1e-15"
    # at least one figure when the ± dwarfs the value; no ± at all: the table rule
    assert fmt.display_with_uncertainty(0.001234, 5.0) == "0.001 ± 5"
    assert fmt.display_with_uncertainty(0.1189778416, None) == "0.1189778"
