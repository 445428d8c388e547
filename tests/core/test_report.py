from decimal import Decimal

from fdgui.core.calculator.schemes import DEFAULT_TEXTS, estimate, parse_inputs
from fdgui.core.numbers import format as fmt
from fdgui.core.report import calculator as report


def test_inputs_are_echoed_exactly_as_typed():
    inputs, _ = parse_inputs(
        {"loss_plus": "0.850050000", "loss_minus": "0.84995", "epsilon": "1E-4"}
    )
    text = report.calculator_report(estimate(inputs))
    assert "0.850050000" in text  # trailing zeros say how precise the number is
    assert fmt.decimal_exact(Decimal("0.99999999999999999999999")) == "0.99999999999999999999999"


def test_results_beyond_sixty_digits_do_not_break_the_report():
    inputs, _ = parse_inputs({"loss_plus": "1", "loss_minus": "0", "epsilon": "1e-61"})
    result = estimate(inputs)
    assert result.central == Decimal("5e60")
    assert "5e60" in report.calculator_report(result)
    inputs, _ = parse_inputs({"loss_plus": "1e-320", "loss_minus": "0", "epsilon": "1e-300"})
    assert report.calculator_json(estimate(inputs))["gradient"] == "5e-21"


def _example(backprop=""):
    texts = dict(DEFAULT_TEXTS, backprop=backprop)
    inputs, _ = parse_inputs(texts)
    return estimate(inputs)


def test_text_report_has_every_input_result_formula_and_assumption():
    text = report.calculator_report(_example("0.4998"))
    for expected in (
        "0.85005",
        "0.84995",
        "0.0001",
        "0.4998",
        "gradient ∂L/∂w (central)  0.5",
        "denominator 2ε            0.0002",
        "0.5 ± 0.05",
        "relative error            4.0e-4",
        "Too coarse to judge (too few typed digits in L+ and L−)",
        "(L+ − L−) / (2ε)",
        "Assumptions",
    ):
        assert expected in text


def test_json_keeps_exact_decimals_as_strings():
    # the example's L typed to the last place of L± (its "0.85" stands for ± 0.005, which
    # leaves the forward and backward differences ± 50: nothing refuted, rev21c C1)
    inputs, _ = parse_inputs(dict(DEFAULT_TEXTS, loss="0.85000", backprop="0.2"))
    data = report.calculator_json(estimate(inputs))
    assert data["gradient"] == "0.5"
    assert data["uncertainty"] == "0.05"
    assert data["inputs"]["loss_plus"] == "0.85005"
    assert data["check"]["verdict"] == "wrong"
    assert data["check"]["relative_error"] == "0.6"


def test_equal_losses_explain_the_cancellation():
    inputs, _ = parse_inputs({"loss_plus": "0.3", "loss_minus": "0.3", "epsilon": "1e-8"})
    assert "every typed digit" in report.cancellation_text(estimate(inputs))
