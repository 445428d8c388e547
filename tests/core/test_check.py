from decimal import Decimal

import pytest

from fdgui.core.numbers.verdicts import compare, relative_error, relative_error_float, verdict_for


def test_relative_error_is_scaled_by_the_larger_magnitude():
    assert relative_error(Decimal("0.5"), Decimal("0.4998")) == Decimal("0.0004")
    assert relative_error(Decimal("-2"), Decimal("2")) == Decimal("2")


def test_relative_error_floor_keeps_tiny_gradients_apart_sensibly():
    # both near zero: divide by 1e-8, not by 1e-12
    assert relative_error(Decimal("1e-12"), Decimal("2e-12")) == Decimal("1e-4")
    assert relative_error(Decimal(0), Decimal(0)) == 0


def test_float_formula_matches_the_exact_one():
    assert relative_error_float(0.5, 0.4998) == pytest.approx(4e-4, rel=1e-12)


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (0.0, "correct"),
        (1e-9, "correct"),
        (1e-7, "correct"),
        (1.01e-7, "kinks"),
        (1e-5, "kinks"),
        (1e-4, "kinks"),
        (1.01e-4, "suspicious"),
        (1e-3, "suspicious"),
        (1e-2, "suspicious"),
        (1.01e-2, "wrong"),
        (0.5, "wrong"),
        (2.0, "wrong"),
    ],
)
def test_verdict_bands(error, key):
    assert verdict_for(error).key == key


def test_inconclusive_when_the_difference_hides_in_the_typed_digits():
    comparison = compare(Decimal("0.5"), Decimal("0.4998"), uncertainty=Decimal("0.05"))
    assert comparison.band.key == "suspicious"
    assert comparison.verdict.key == "inconclusive"
    assert comparison.within_uncertainty


def test_a_real_discrepancy_stays_wrong():
    comparison = compare(Decimal("0.5"), Decimal("0.2"), uncertainty=Decimal("0.05"))
    assert comparison.verdict.key == "wrong"
    assert not comparison.within_uncertainty


def test_correct_needs_digits_that_can_show_it():
    resolved = compare(Decimal("0.5"), Decimal("0.5"), uncertainty=Decimal("1e-12"))
    assert resolved.verdict.key == "correct"
    coarse = compare(Decimal("0.5"), Decimal("0.49999999"), uncertainty=Decimal("5e-6"))
    assert coarse.band.key == "correct"
    assert coarse.verdict.key == "consistent"


def test_band_edges_are_exact_on_decimals():
    assert verdict_for(Decimal("0.01")).key == "suspicious"
    assert verdict_for(Decimal("0.01000000000000000001")).key == "wrong"
    assert verdict_for(Decimal("1e-7")).key == "correct"
    assert verdict_for(Decimal("1.0000000000000000001e-7")).key == "kinks"
