from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fdgui.core.calculator.schemes import DEFAULT_TEXTS, Inputs, Measurement, estimate, parse_inputs
from fdgui.core.numbers.parsing import CONTEXT


def _estimate(**texts):
    inputs, errors = parse_inputs(texts)
    assert not errors
    return estimate(inputs)


def test_seed_example_1_is_exactly_one_half():
    result = _estimate(**DEFAULT_TEXTS)
    assert result.central == Decimal("0.5")
    assert str(result.central) == "0.5"
    assert result.difference == Decimal("0.0001")
    assert result.denominator == Decimal("0.0002")
    assert result.uncertainty == Decimal("0.05")


def test_seed_example_2_is_exactly_point_eight():
    result = _estimate(loss="0.12", loss_plus="0.120008", loss_minus="0.119992", epsilon="0.00001")
    assert str(result.central) == "0.8"
    assert result.difference == Decimal("0.000016")
    assert result.denominator == Decimal("0.00002")
    # half a unit in the 6th decimal of each loss: (5e-7 + 5e-7) / 2e-5
    assert result.uncertainty == Decimal("0.05")


def test_one_sided_differences_and_curvature_on_a_parabola():
    # L(w) = w² at w = 1, ε = 0.1: L+ = 1.21, L− = 0.81; exact derivative 2, L'' = 2
    result = _estimate(loss="1", loss_plus="1.21", loss_minus="0.81", epsilon="0.1")
    assert result.central == Decimal("2")
    assert result.forward == Decimal("2.1")
    assert result.backward == Decimal("1.9")
    assert result.curvature == Decimal("2")
    assert result.truncation == Decimal("0.1")  # |L''|·ε/2
    assert result.forward - result.backward == result.curvature * Decimal("0.1")
    assert result.digits_lost == pytest.approx(0.4814, abs=1e-3)  # log10(1.21/0.4)
    assert result.significant_digits == 2
    assert result.digits_kept == pytest.approx(2 - 0.4814, abs=1e-3)


def test_without_loss_the_central_result_still_shows():
    result = _estimate(loss="", loss_plus="0.85005", loss_minus="0.84995", epsilon="1e-4")
    assert result.central == Decimal("0.5")
    assert result.forward is None and result.backward is None
    assert result.curvature is None and result.truncation is None


def test_equal_losses_give_zero_and_flag_cancellation():
    result = _estimate(loss="0.3", loss_plus="0.3", loss_minus="0.3", epsilon="1e-8")
    assert result.central == 0
    assert result.equal_losses
    assert result.digits_lost is None
    assert result.digits_kept == 0.0


def test_bad_fields_are_all_reported_at_once():
    inputs, errors = parse_inputs(
        {"loss": "x", "loss_plus": "", "loss_minus": "nan", "epsilon": "-1", "backprop": "1e999"}
    )
    assert inputs is None
    assert set(errors) == {"loss", "loss_plus", "loss_minus", "epsilon", "backprop"}


def test_measurement_keeps_the_row_values():
    result = _estimate(**DEFAULT_TEXTS)
    row = Measurement.from_estimate(result)
    assert (row.epsilon, row.central, row.forward) == (
        Decimal("0.0001"),
        Decimal("0.5"),
        Decimal("0.5"),
    )


decimals = st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), allow_nan=False, places=8
)
steps = st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("10"), allow_nan=False)


@given(decimals, decimals, steps)
def test_swapping_the_perturbed_losses_negates_the_gradient(plus, minus, epsilon):
    assume(epsilon > 0)
    forward = estimate(Inputs(loss_plus=plus, loss_minus=minus, epsilon=epsilon))
    swapped = estimate(Inputs(loss_plus=minus, loss_minus=plus, epsilon=epsilon))
    assert swapped.central == forward.central.copy_negate()


@given(decimals, decimals, decimals, steps)
def test_central_is_the_mean_of_forward_and_backward(loss, plus, minus, epsilon):
    assume(epsilon > 0)
    result = estimate(Inputs(loss_plus=plus, loss_minus=minus, epsilon=epsilon, loss=loss))
    mean = CONTEXT.divide(CONTEXT.add(result.forward, result.backward), 2)
    # exact up to the 60-digit rounding of the one-sided quotients
    scale = max(abs(result.forward), abs(result.backward), Decimal("1e-30"))
    tolerance = CONTEXT.multiply(scale, Decimal("1e-55"))
    assert abs(CONTEXT.subtract(mean, result.central)) <= tolerance


def test_pasted_table_in_every_common_shape():
    from fdgui.core.calculator.schemes import parse_measurement_table

    text = (
        "eps\tL+\tL-\n"  # header from a spreadsheet
        "0.01\t0.8550\t0.8450\n"
        "# a comment\n"
        "\n"
        "1e-4, 0.85005, 0.84995, 0.85\n"
        "1e-6 0.8500005 0.8499995\n"
        "1e-8;0,850000005;0,849999995\n"  # semicolons with decimal commas
    )
    rows, problems = parse_measurement_table(text)
    assert problems == []
    assert [str(r.epsilon) for r in rows] == ["0.01", "0.0001", "0.000001", "1E-8"]
    assert [str(estimate(r).central) for r in rows] == ["0.5", "0.5", "0.5", "0.5"]
    assert rows[1].loss == Decimal("0.85") and rows[0].loss is None


def test_pasted_table_reports_each_bad_line_and_keeps_the_good_ones():
    from fdgui.core.calculator.schemes import parse_measurement_table

    rows, problems = parse_measurement_table("1e-4 0.85005 0.84995\n1e-4 x 1\n1 2\n0 1 1\n")
    assert len(rows) == 1
    assert problems[0].startswith("line 2: L(w+ε)")
    assert problems[1].startswith("line 3: expected")
    assert problems[2].startswith("line 4: ε") and "greater than zero" in problems[2]


def test_pasted_commas_inside_spaced_numbers_are_refused_not_guessed():
    from fdgui.core.calculator.schemes import parse_measurement_table

    for line in ("1,5 2 3", "1,000 2 3"):
        rows, problems = parse_measurement_table(line)
        assert rows == [] and "decimal comma or a thousands separator" in problems[0]
    rows, problems = parse_measurement_table("1e-4, 0.85005, 0.84995\n1e-4,0.85005,0.84995")
    assert len(rows) == 2 and problems == []


def test_curvature_exact_for_every_typed_digit():
    # L+ − 2L + L− is exactly 0 (and with one more digit on L+, exactly 10^-(n+1)) however
    # many digits are typed: the working precision covers them all
    from decimal import localcontext

    for n in (30, 59, 60, 61, 65, 100, 160):
        loss = "1." + "0" * (n - 1) + "1"
        plus = "1." + "0" * (n - 1) + "3"
        minus = "0." + "9" * n
        for extra in ("", "1"):
            texts = {"loss": loss, "loss_plus": plus + extra, "loss_minus": minus}
            inputs, errors = parse_inputs({**texts, "epsilon": f"1e-{n - 3}"})
            assert not errors
            result = estimate(inputs)
            with localcontext() as context:
                context.prec = 1000
                second = inputs.loss_plus - 2 * inputs.loss + inputs.loss_minus
                exact = second / inputs.epsilon**2
                assert (second == 0) == (extra == "")
                assert result.curvature == exact, (n, result.curvature, exact)
                assert result.truncation == abs(exact) * inputs.epsilon / 2, n
