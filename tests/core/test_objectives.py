"""Objectives: expression, built-in network parameter, measured rows."""

import numpy as np
import pytest

from fdgui.core.models.mlp import NetworkSpec, build_network, default_spec
from fdgui.core.numbers.parsing import InputError
from fdgui.core.sweep.engine import function_references
from fdgui.core.sweep.objectives import (
    expression_objective,
    measured_objective,
    network_objective,
)
from fdgui.core.sweep.references import complex_step


def test_expression_objective_parses_point_and_refuses_bad_text():
    objective = expression_objective("w**2", "3")
    assert objective.point == 3.0 and objective.checked_gradient().value == 6.0
    with pytest.raises(InputError) as caught:
        expression_objective("w**2", "three")
    assert caught.value.field == "point"
    with pytest.raises(InputError) as caught:
        expression_objective("w**", "1")
    assert caught.value.field == "expression"


def test_network_objective_losses_match_a_full_forward_pass():
    spec = NetworkSpec((6, 5, 3), "sigmoid", "mse", batch_size=4)
    objective = network_objective(spec, "W1", 7)
    network = build_network(spec)
    values = objective.point + np.array([0.0, 1e-3, -2e-3])
    expected = []
    for value in values:
        parameters = [p.copy() for p in network.parameters]
        parameters[0].flat[7] = value
        expected.append(network.loss(parameters))
    np.testing.assert_allclose(objective.losses(values, "float64"), expected, rtol=1e-13)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize(("tensor", "index"), [("W1", 11), ("b1", 2), ("W2", 5), ("b2", 1)])
def test_complex_step_matches_the_network_backprop_to_1e13(activation, tensor, index):
    spec = NetworkSpec((10, 12, 4), activation, "cross-entropy", batch_size=8, seed=3)
    objective = network_objective(spec, tensor, index)
    backprop = objective.checked_gradient().value
    reference = complex_step(objective.losses_complex, objective.point)
    assert abs(reference.value - backprop) <= 1e-13 * max(abs(backprop), 1e-300)


def test_complex_step_on_the_default_network():
    objective = network_objective(default_spec(), "W1", 5)
    references = {r.method: r for r in function_references(objective)}
    backprop = references["backprop"].value
    assert abs(references["complex step"].value - backprop) <= 1e-13 * abs(backprop)
    richardson = references["Richardson"]
    assert abs(richardson.value - backprop) <= richardson.error


def test_relu_network_offers_no_complex_step():
    objective = network_objective(NetworkSpec((6, 5, 3), "relu"), "W1", 0)
    assert not objective.supports_complex_step
    assert {r.method for r in function_references(objective)} == {"backprop", "Richardson"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tensor": "W7", "index": 0}, "tensor"),
        ({"tensor": "W1", "index": 10_000}, "index"),
        ({"tensor": "W1", "index": 0, "bug": "nonsense"}, "bug"),
    ],
)
def test_network_objective_names_the_bad_field(kwargs, field):
    with pytest.raises(InputError) as caught:
        network_objective(NetworkSpec((6, 5, 3)), **kwargs)
    assert caught.value.field == field


def test_buggy_backprop_is_the_checked_gradient():
    spec = NetworkSpec((6, 5, 3))
    honest = network_objective(spec, "W2", 1).checked_gradient().value
    buggy = network_objective(spec, "W2", 1, "no-batch-mean").checked_gradient().value
    assert buggy == pytest.approx(honest * spec.batch_size, rel=1e-12)


def test_measured_objective_needs_rows():
    with pytest.raises(InputError) as caught:
        measured_objective([])
    assert caught.value.field == "rows"


def test_expression_without_w_is_refused():
    with pytest.raises(InputError, match="does not depend on w"):
        expression_objective("sin(2)", "1")


def test_huge_network_is_refused_with_its_memory_need():
    from fdgui.core.models.mlp import NetworkSpec
    from fdgui.core.numbers.parsing import InputError
    from fdgui.core.sweep.objectives import network_memory_bytes, network_objective

    spec = NetworkSpec((100000, 100000, 10))
    assert network_memory_bytes(spec) > 100 * 1024**3  # 1e10 parameters, float64
    with pytest.raises(InputError) as caught:
        network_objective(spec, "W1", 0)
    assert caught.value.field == "layer_sizes"
    assert "GB" in caught.value.message
    with pytest.raises(InputError) as caught:
        network_objective(NetworkSpec((64, 128, 10), batch_size=100_000_000), "W1", 0)
    assert caught.value.field == "batch_size"
