"""Diagnosis kinds on cases whose answer is known by construction."""

import json

import pytest

from fdgui.core.models.mlp import NetworkSpec, default_spec
from fdgui.core.report.sweep import (
    diagnosis_text,
    diagnosis_title,
    sweep_csv,
    sweep_json,
)
from fdgui.core.report.sweep_point import point_text
from fdgui.core.sweep.diagnosis import KINDS, diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import expression_objective, network_objective
from fdgui.core.sweep.readout import evaluate_at


def _diagnose(objective, **settings):
    return diagnose(run_sweep(objective, SweepSettings(**settings)))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
def test_smooth_expression_is_correct_in_every_dtype(dtype):
    diagnosis = _diagnose(expression_objective("sin(w)*exp(-w**2)", "0.7"), dtype=dtype)
    assert diagnosis.kind == "correct", diagnosis_text(diagnosis)
    assert diagnosis_text(diagnosis)


def test_correct_reports_the_truncation_slope_of_central_differences():
    diagnosis = _diagnose(expression_objective("exp(w)", "1"))
    assert diagnosis.slope == pytest.approx(2.0, abs=0.3)
    assert (
        "ε^2.0" in diagnosis_text(diagnosis)
        or "ε^1.9" in diagnosis_text(diagnosis)
        or "ε^2.1" in diagnosis_text(diagnosis)
    )


def test_float32_mentions_the_seed_rule_is_for_float64():
    diagnosis = _diagnose(expression_objective("exp(w)", "1"), dtype="float32")
    assert "float64 rule" in diagnosis_text(diagnosis)
    assert diagnosis.recommended["central"] > 1e-4


def test_range_below_resolution_is_vanished():
    diagnosis = _diagnose(
        expression_objective("exp(w)", "1"), dtype="float32", epsilon_min=1e-12, epsilon_max=1e-9
    )
    assert diagnosis.kind == "vanished"
    assert "rounds back to w" in diagnosis_text(diagnosis)


def test_kink_at_the_point():
    diagnosis = _diagnose(expression_objective("abs(w) + w**2", "0"))
    assert diagnosis.kind == "kink"
    assert "exactly at w" in diagnosis_text(diagnosis)
    assert diagnosis.facts["sides"] == (-1.0, 1.0)


def test_kink_crossed_at_a_distance_and_recommended_epsilon_stays_below_it():
    diagnosis = _diagnose(expression_objective("relu(w - 0.301) + sin(w)", "0.3"))
    assert diagnosis.kind == "kink"
    assert 1e-4 <= diagnosis.kink_epsilon <= 1e-2  # the kink sits 1e-3 away
    assert diagnosis.recommended["central"] < 1e-3


@pytest.mark.parametrize("bug", ["no-batch-mean", "softmax-factor", "no-activation-grad"])
def test_buggy_backprop_is_wrong(bug):
    diagnosis = _diagnose(network_objective(default_spec(), "b1", 3, bug))
    assert diagnosis.kind == "wrong", diagnosis_text(diagnosis)


def test_buggy_backprop_on_a_relu_network_is_wrong_even_without_complex_step():
    spec = NetworkSpec((8, 16, 4), "relu")
    assert _diagnose(network_objective(spec, "W2", 5, "softmax-factor")).kind == "wrong"


def test_honest_backprop_is_correct():
    diagnosis = _diagnose(network_objective(default_spec(), "W1", 5))
    assert diagnosis.kind == "correct", diagnosis_text(diagnosis)


def test_json_has_the_promised_keys_and_is_serialisable():
    result = run_sweep(expression_objective("exp(w)", "1"), SweepSettings(dtype="float32"))
    data = json.loads(json.dumps(sweep_json(result, diagnose(result))))
    for scheme in ("central", "forward", "backward"):
        for key in ("best_epsilon", "best_estimate", "best_relative_error"):
            assert isinstance(data["schemes"][scheme][key], float)
    assert set(data["recommended_epsilon"]) >= {"central", "forward"}
    assert data["reference"]["method"] == "analytic"
    assert data["dtype"] == "float32"
    assert data["diagnosis"]["kind"] in KINDS


def test_csv_has_one_row_per_epsilon():
    result = run_sweep(expression_objective("exp(w)", "1"), SweepSettings(points=50))
    lines = sweep_csv(result).strip().splitlines()
    assert len(lines) == 51 and lines[0].startswith("epsilon,")


def test_point_text_names_the_regime():
    objective = expression_objective("exp(w)", "1")
    result = run_sweep(objective, SweepSettings(dtype="float32"))
    assert "vanishes" in point_text(result, evaluate_at(objective, result, 1e-9))
    assert "round-off" in point_text(result, evaluate_at(objective, result, 2e-7))
    assert "truncation" in point_text(result, evaluate_at(objective, result, 0.5))


def test_loss_undefined_near_the_point_is_not_called_vanished():
    diagnosis = _diagnose(expression_objective("log(w)", "-1"))
    assert diagnosis.kind == "undefined"
    assert "not a finite number" in diagnosis_text(diagnosis)


# --- low precision: an honest gradient is never "wrong" (QA bug 2) ---------------------------


@pytest.mark.parametrize(
    ("activation", "dtype"),
    [("tanh", "bfloat16"), ("relu", "float16"), ("sigmoid", "float16"), ("sigmoid", "bfloat16")],
)
def test_honest_network_in_low_precision_is_not_wrong(activation, dtype):
    spec = NetworkSpec((64, 128, 10), activation)
    diagnosis = _diagnose(network_objective(spec, "W1", 0), dtype=dtype)
    assert diagnosis.kind == "correct", diagnosis_text(diagnosis)
    assert dtype in diagnosis_title(diagnosis)  # says that the dtype limits the check
    assert "not a bug" in diagnosis_text(
        diagnosis
    ) or "neither confirm nor refute" in diagnosis_text(diagnosis)


@pytest.mark.parametrize(("dtype", "points"), [("bfloat16", 2000), ("float16", 5000)])
def test_quantised_estimates_of_exp_are_not_wrong(dtype, points):
    diagnosis = _diagnose(expression_objective("exp(w)", "1"), dtype=dtype, points=points)
    assert diagnosis.kind == "correct", diagnosis_text(diagnosis)
    assert "limited by" in diagnosis_title(diagnosis)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("bug", ["no-batch-mean", "softmax-factor", "no-activation-grad"])
def test_buggy_backprop_stays_wrong_in_float64_and_float32(dtype, activation, bug):
    spec = NetworkSpec((64, 128, 10), activation)
    diagnosis = _diagnose(network_objective(spec, "b1", 3, bug), dtype=dtype, points=200)
    assert diagnosis.kind == "wrong", diagnosis_text(diagnosis)


def test_honest_relu_bias_in_float32_is_not_wrong():
    spec = NetworkSpec((64, 128, 10), "relu")
    diagnosis = _diagnose(network_objective(spec, "b1", 3), dtype="float32")
    assert diagnosis.kind != "wrong", diagnosis_text(diagnosis)


def test_banner_says_what_limits_the_check_and_never_contradicts_its_title():
    # float16 network: best relative error ~0.02 is the calculator's "Wrong" band; the banner
    # must say that float16 limits the finite differences, and no sentence may call the
    # confirmed gradient "Wrong"
    from fdgui.core.numbers.verdicts import verdict_for

    result = run_sweep(network_objective(default_spec(), "W1", 0), SweepSettings(dtype="float16"))
    diagnosis = diagnose(result)
    band = verdict_for(result.central.best_relative_error)
    assert band.key != "correct"
    assert diagnosis.kind == "correct"
    assert "float16" in diagnosis_title(diagnosis)
    assert "Wrong" not in diagnosis_text(diagnosis)


def test_recommended_epsilon_is_never_where_the_estimate_is_zero():
    result = run_sweep(network_objective(default_spec(), "W1", 0), SweepSettings(dtype="float16"))
    diagnosis = diagnose(result)
    for scheme in ("central", "forward"):
        readout = evaluate_at(
            network_objective(default_spec(), "W1", 0), result, diagnosis.recommended[scheme]
        )
        assert readout.estimates[scheme] != 0.0, scheme


def test_cursor_at_the_recommended_epsilon_is_not_called_round_off_dominated():
    objective = expression_objective("exp(w)", "1")
    result = run_sweep(objective, SweepSettings(dtype="float32"))
    diagnosis = diagnose(result)
    text = point_text(result, evaluate_at(objective, result, diagnosis.recommended["central"]))
    assert "balanced" in text


def test_no_rise_claimed_when_the_data_show_none():
    # w**3 at 1 from ε = 1e-3 up: the error is pure truncation (ε²) and only falls as ε
    # shrinks; round-off never becomes visible in this range
    diagnosis = _diagnose(expression_objective("w**3", "1"), epsilon_min=1e-3)
    assert "rises again" not in diagnosis_text(diagnosis)
    rising = _diagnose(expression_objective("exp(w)", "1"))
    assert "rises again" in diagnosis_text(rising)


def test_sqrt_at_zero_says_only_one_side_is_defined():
    diagnosis = _diagnose(expression_objective("sqrt(w)", "0"))
    assert diagnosis.kind == "undefined"
    assert "only forward differences" in diagnosis_text(diagnosis)
    assert "nothing to difference" not in diagnosis_text(diagnosis)


def test_bfloat16_at_zero_does_not_crash():
    diagnosis = _diagnose(expression_objective("w", "0"), dtype="bfloat16")
    assert diagnosis.kind == "correct"


def test_a_range_that_stops_before_the_bottom_of_the_v_says_so():
    objective = expression_objective("sin(w)*exp(-w**2)", "0.7")
    result = run_sweep(objective, SweepSettings(epsilon_min=1e-3))
    diagnosis = diagnose(result)
    assert diagnosis.kind == "correct" and "range too narrow" in diagnosis_title(diagnosis)
    assert "Sweep smaller ε" in diagnosis_text(diagnosis) and "not a bug" not in diagnosis_text(
        diagnosis
    )
    readout = evaluate_at(objective, result, diagnosis.recommended["central"])
    assert "truncation dominates" in point_text(result, readout)


def test_round_off_only_range_does_not_claim_the_error_falls_as_eps_shrinks():
    diagnosis = _diagnose(expression_objective("exp(w)", "1"), epsilon_max=1e-9)
    assert "falls" not in diagnosis_text(diagnosis)
    assert "round-off dominates the whole range" in diagnosis_text(diagnosis)
