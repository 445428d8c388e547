"""Diagnosis kinds on cases whose answer is known by construction."""

import json

import pytest

from fdgui.core.diagnosis import KINDS, diagnose, point_text, sweep_csv, sweep_json
from fdgui.core.networks import NetworkSpec, default_spec
from fdgui.core.objectives import expression_objective, network_objective
from fdgui.core.sweep import SweepSettings, evaluate_at, run_sweep


def _diagnose(objective, **settings):
    return diagnose(run_sweep(objective, SweepSettings(**settings)))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
def test_smooth_expression_is_correct_in_every_dtype(dtype):
    diagnosis = _diagnose(expression_objective("sin(w)*exp(-w**2)", "0.7"), dtype=dtype)
    assert diagnosis.kind == "correct", diagnosis.text
    assert diagnosis.text


def test_correct_reports_the_truncation_slope_of_central_differences():
    diagnosis = _diagnose(expression_objective("exp(w)", "1"))
    assert diagnosis.slope == pytest.approx(2.0, abs=0.3)
    assert "ε^2.0" in diagnosis.text or "ε^1.9" in diagnosis.text or "ε^2.1" in diagnosis.text


def test_float32_mentions_the_seed_rule_is_for_float64():
    diagnosis = _diagnose(expression_objective("exp(w)", "1"), dtype="float32")
    assert "float64 rule" in diagnosis.text
    assert diagnosis.recommended["central"] > 1e-4


def test_range_below_resolution_is_vanished():
    diagnosis = _diagnose(
        expression_objective("exp(w)", "1"), dtype="float32", epsilon_min=1e-12, epsilon_max=1e-9
    )
    assert diagnosis.kind == "vanished"
    assert "rounds back to w" in diagnosis.text


def test_kink_at_the_point():
    diagnosis = _diagnose(expression_objective("abs(w) + w**2", "0"))
    assert diagnosis.kind == "kink"
    assert "at w itself" in diagnosis.text


def test_kink_crossed_at_a_distance_and_recommended_epsilon_stays_below_it():
    diagnosis = _diagnose(expression_objective("relu(w - 0.301) + sin(w)", "0.3"))
    assert diagnosis.kind == "kink"
    assert 1e-4 <= diagnosis.kink_epsilon <= 1e-2  # the kink sits 1e-3 away
    assert diagnosis.recommended["central"] < 1e-3


@pytest.mark.parametrize("bug", ["no-batch-mean", "softmax-factor", "no-activation-grad"])
def test_buggy_backprop_is_wrong(bug):
    diagnosis = _diagnose(network_objective(default_spec(), "b1", 3, bug))
    assert diagnosis.kind == "wrong", diagnosis.text


def test_buggy_backprop_on_a_relu_network_is_wrong_even_without_complex_step():
    spec = NetworkSpec((8, 16, 4), "relu")
    assert _diagnose(network_objective(spec, "W2", 5, "softmax-factor")).kind == "wrong"


def test_honest_backprop_is_correct():
    diagnosis = _diagnose(network_objective(default_spec(), "W1", 5))
    assert diagnosis.kind == "correct", diagnosis.text


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
    assert diagnosis.kind == "unknown"
    assert "not a finite number" in diagnosis.text
