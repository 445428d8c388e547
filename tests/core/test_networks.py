"""The built-in MLP: backprop against the complex step and central differences, the injected
bugs, evaluation in each dtype, and loss_along against loss()."""

from __future__ import annotations

import time

import numpy as np
import pytest

from fdgui.core.models.mlp import (
    ACTIVATIONS,
    BUGS,
    LOSSES,
    NetworkSpec,
    build_network,
    default_spec,
    parse_layer_sizes,
)
from fdgui.core.numbers.precision import numpy_dtype, unit_roundoff


def _relative(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)


def _sample_indices(size: int, count: int = 6) -> list[int]:
    return sorted({0, size - 1, *np.random.default_rng(size).integers(0, size, count).tolist()})


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("sizes", [(7, 5, 3), (6, 5, 5, 4)])
def test_gradient_matches_complex_step(activation, loss, sizes):
    net = build_network(NetworkSpec(sizes, activation, loss, batch_size=9, seed=3))
    gradient = net.gradient()
    step = 1e-30
    for position, name in enumerate(net.parameter_names):
        for index in _sample_indices(net.parameters[position].size):
            perturbed = [p.astype(np.complex128) for p in net.parameters]
            perturbed[position].flat[index] += 1j * step
            derivative = net.loss(perturbed, "complex128").imag / step
            assert _relative(derivative, gradient[position].flat[index]) < 1e-12, (name, index)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_gradient_matches_central_differences(activation, loss):
    net = build_network(NetworkSpec((8, 6, 6, 3), activation, loss, batch_size=5, seed=1))
    gradient = net.gradient()
    epsilon = 1e-6
    for position in range(len(net.parameters)):
        for index in _sample_indices(net.parameters[position].size):
            plus = [p.copy() for p in net.parameters]
            minus = [p.copy() for p in net.parameters]
            plus[position].flat[index] += epsilon
            minus[position].flat[index] -= epsilon
            numeric = (net.loss(plus) - net.loss(minus)) / (2 * epsilon)
            # round-off u·|L|/ε ≈ 1e-10 absolute; kinks are a measure-zero event here
            assert abs(numeric - gradient[position].flat[index]) < 1e-8


def test_gradient_against_hand_worked_single_layer():
    # one linear layer, MSE: L = mean_b ½‖x_b W^T + b − t_b‖², dL/dW = (1/B) Σ r_b x_bᵀ
    net = build_network(NetworkSpec((3, 2), loss="mse", batch_size=4, seed=5))
    weight, bias = net.parameters
    residual = net.inputs @ weight.T + bias - net.targets
    expected_loss = 0.5 * np.sum(residual**2) / 4
    assert net.loss() == pytest.approx(expected_loss, rel=1e-15)
    gradient = net.gradient()
    np.testing.assert_allclose(gradient[0], residual.T @ net.inputs / 4, rtol=1e-14)
    np.testing.assert_allclose(gradient[1], residual.sum(axis=0) / 4, rtol=1e-14)


@pytest.mark.parametrize("bug", list(BUGS))
@pytest.mark.parametrize("loss", LOSSES)
def test_each_bug_changes_the_gradient_where_it_should(bug, loss):
    net = build_network(NetworkSpec((6, 5, 5, 4), "tanh", loss, batch_size=8, seed=2))
    right = net.gradient()
    wrong = net.gradient(bug)
    worst = {
        name: float(_relative(w, r).max())
        for name, w, r in zip(net.parameter_names, wrong, right, strict=True)
    }
    expected_wrong = {
        "no-batch-mean": ["W1", "b1", "W2", "b2", "W3", "b3"],
        "softmax-factor": ["W1", "b1", "W2", "b2", "W3", "b3"],
        "bias-not-summed": ["b1", "b2", "b3"],
        "no-activation-grad": ["W1", "b1", "W2", "b2"],
        "transpose": ["W1", "b1"],  # W2 (5×5) is the square one sent back through
    }[bug]
    for name, error in worst.items():
        if name in expected_wrong:
            assert error > 1e-2, (bug, name, error)
        else:
            assert error < 1e-12, (bug, name, error)


def test_bug_validation_names_the_field():
    net = build_network(NetworkSpec((20, 16, 10)))
    with pytest.raises(ValueError, match=r"^bug: 'transpose' needs a square"):
        net.gradient("transpose")
    with pytest.raises(ValueError, match=r"^bug: 'nope' is not one of"):
        net.gradient("nope")
    with pytest.raises(ValueError, match=r"^bug: 'no-activation-grad' needs"):
        build_network(NetworkSpec((4, 3))).gradient("no-activation-grad")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (NetworkSpec((5,)), "layer_sizes:"),
        (NetworkSpec((5, 0, 3)), "layer_sizes: 0 is not a positive"),
        (NetworkSpec((5, 2.5, 3)), "layer_sizes: 2.5 is not a whole number"),
        (NetworkSpec((5, 1)), "layer_sizes: cross-entropy needs at least 2"),
        (NetworkSpec((5, 3), activation="gelu"), "activation: 'gelu'"),
        (NetworkSpec((5, 3), loss="hinge"), "loss: 'hinge'"),
        (NetworkSpec((5, 3), batch_size=0), "batch_size: 0"),
        (NetworkSpec((5, 3), seed=-1), "seed: -1 is negative"),
    ],
)
def test_validate_messages_start_with_the_parameter(spec, message):
    with pytest.raises(ValueError) as caught:
        spec.validate()
    assert str(caught.value).startswith(message)


def test_default_spec_is_about_ten_thousand_parameters():
    spec = default_spec()
    spec.validate()
    assert (spec.activation, spec.loss, spec.batch_size) == ("tanh", "cross-entropy", 32)
    assert 9_000 <= spec.parameter_count <= 11_000
    net = build_network(spec)
    assert sum(p.size for p in net.parameters) == spec.parameter_count
    assert net.parameter_names == ["W1", "b1", "W2", "b2"]
    assert all(p.dtype == np.float64 for p in net.parameters)


def test_build_is_reproducible_and_seed_dependent():
    first = build_network(NetworkSpec((5, 4, 3), seed=7))
    second = build_network(NetworkSpec((5, 4, 3), seed=7))
    third = build_network(NetworkSpec((5, 4, 3), seed=8))
    assert first.loss() == second.loss()
    assert first.loss() != third.loss()


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_loss_is_really_evaluated_in_the_dtype(dtype):
    net = build_network(default_spec())
    exact = net.loss()
    low = net.loss(dtype=dtype)
    u = unit_roundoff(dtype)
    # differs from float64 (so it was not computed there), by no more than a few dozen ulps
    assert low != exact
    assert abs(low - exact) < 64 * u * abs(exact)
    # and the value is one the format can hold
    assert float(np.asarray(low).astype(numpy_dtype(dtype))) == low


def test_complex_step_refuses_relu():
    net = build_network(NetworkSpec((4, 3, 2), activation="relu"))
    with pytest.raises(ValueError, match=r"^dtype: the complex step needs a smooth"):
        net.loss(dtype="complex128")


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16", "complex128"])
@pytest.mark.parametrize("sizes", [(9, 7, 4), (9, 7, 6, 4)])
def test_loss_along_agrees_with_loss(dtype, sizes):
    net = build_network(NetworkSpec(sizes, "sigmoid", "cross-entropy", batch_size=6, seed=4))
    u = unit_roundoff("float64" if dtype == "complex128" else dtype)
    for position, name in enumerate(net.parameter_names):
        index = net.parameters[position].size // 2
        current = net.parameters[position].flat[index]
        offsets = np.array([0.0, 0.3, -0.02, 1e-3, 2.0])
        values = current + offsets
        if dtype == "complex128":
            values = values + 1j * 1e-20
        swept = net.loss_along(name, index, values, dtype)
        for value, got in zip(values, swept, strict=True):
            perturbed = [p.astype(values.dtype) for p in net.parameters]
            perturbed[position].flat[index] = value
            expected = net.loss(perturbed, dtype)
            # the rank-one update and a full recompute round differently, at the u·|L| level
            assert abs(got - expected) <= 16 * u * abs(expected), (name, value)
            if dtype == "complex128":
                assert abs(got.imag - expected.imag) <= 1e-12 * abs(expected.imag)
        # the current value reproduces loss() exactly for the last two layers
        if position >= len(net.parameters) - 4:
            assert np.real(swept[0]) == np.real(net.loss(dtype=dtype))


def test_loss_along_rejects_bad_tensor_and_index():
    net = build_network(NetworkSpec((3, 2, 2)))
    with pytest.raises(ValueError, match=r"^tensor: 'W9'"):
        net.loss_along("W9", 0, np.zeros(2))
    with pytest.raises(ValueError, match=r"^index: 6 is outside"):
        net.loss_along("W1", 6, np.zeros(2))


def test_loss_along_is_fast_enough_for_the_explorer():
    net = build_network(default_spec())
    current = net.parameters[0].flat[100]
    values = current + np.geomspace(1e-12, 1e-1, 600)
    values = np.concatenate([values, 2 * current - values])  # 1200 values
    net.loss_along("W1", 100, values[:2])  # warm the forward cache
    best = min(_timed(lambda: net.loss_along("W1", 100, values)) for _ in range(3))
    assert best < 0.05, f"1200-value sweep took {best * 1e3:.1f} ms"


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


@pytest.mark.parametrize(
    ("text", "sizes"),
    [("20,16,10", (20, 16, 10)), (" 20, 16 ,10 ", (20, 16, 10)), ("20 16 10", (20, 16, 10))],
)
def test_parse_layer_sizes_accepts_plain_lists(text, sizes):
    assert parse_layer_sizes(text) == sizes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("20,,10", "size 2 is empty"),
        ("20,16,10,", "size 4 is empty"),
        (",20,10", "size 1 is empty"),
        ("abc", "'abc' is not a positive whole number"),
        ("20,-3", "-3 is not a positive whole number"),
        ("20,\u20133", "-3 is not a positive whole number"),
        ("20,1e3", "'1e3' is not a positive whole number"),
        ("20,0", "0 is not a positive whole number"),
        ("20", "give at least two sizes"),
        ("  ", "give at least two sizes"),
    ],
)
def test_parse_layer_sizes_is_strict(text, message):
    """Strict where the number rule is: what --batch refuses, a layer size refuses."""
    with pytest.raises(ValueError, match=r"^layer_sizes: ") as raised:
        parse_layer_sizes(text)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "text, sizes",
    [("4,1 0,2", (4, 10, 2)), ("4,1_0,2", (4, 10, 2)), ("\uff14,\uff13,\uff12", (4, 3, 2)),
     ("20,+3", (20, 3)), ("20,\u0663", (20, 3)), ("1 000,10", (1000, 10))],
)  # fmt: skip
def test_layer_sizes_follow_the_whole_number_rule(text, sizes):
    """Before: '4,1 0,2' and full-width digits were refused while --batch read them."""
    from fdgui.core.requests import whole_number

    assert parse_layer_sizes(text) == sizes
    parts = text.split(",")
    assert tuple(whole_number(part, "n") for part in parts) == sizes
