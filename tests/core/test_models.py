"""The Model protocol and its first three implementations: network, expression, measured."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core.errors import InputError
from fdgui.core.models.base import Model, ModelBase, TensorInfo
from fdgui.core.models.expression_model import expression_model
from fdgui.core.models.measured import MeasuredRow, measured_model
from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.models.mlp_model import mlp_model
from fdgui.core.sweep.objectives import entry_objective


def _models():
    return [
        mlp_model(NetworkSpec((5, 4, 3), "tanh", "cross-entropy", batch_size=6, seed=2)),
        mlp_model(NetworkSpec((4, 3, 3, 2), "sigmoid", "mse", batch_size=3), "no-batch-mean"),
        expression_model("sin(w)*exp(-w**2)", "0.3"),
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.kind)
def test_every_model_follows_the_protocol(model):
    assert isinstance(model, Model)
    theta = model.theta0()
    assert theta.shape == (model.parameter_count,)
    assert sum(t.size for t in model.tensors) == model.parameter_count
    parts = model.split(theta)
    assert list(parts) == [t.name for t in model.tensors]
    np.testing.assert_array_equal(model.join(parts), theta)
    assert model.gradient().shape == theta.shape


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.kind)
def test_batched_losses_equal_one_point_at_a_time(model):
    rng = np.random.default_rng(1)
    thetas = model.theta0() + 1e-3 * rng.standard_normal((7, model.parameter_count))
    batched = model.losses(thetas)
    single = [model.loss(row) for row in thetas]
    np.testing.assert_allclose(batched, single, rtol=1e-13, atol=0)
    assert len(set(batched.tolist())) > 1  # the points really differ


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.kind)
@pytest.mark.parametrize("dtype", ["float64", "float32", "bfloat16"])
def test_losses_along_one_entry_match_the_generic_path(model, dtype):
    index = model.parameter_count - 1
    values = model.theta0()[index] + np.array([-1e-2, 0.0, 2e-2])
    fast = model.losses_along(index, values, dtype)
    generic = ModelBase.losses_along(model, index, values, dtype)
    tolerance = {"float64": 1e-13, "float32": 1e-6, "bfloat16": 2e-2}[dtype]
    np.testing.assert_allclose(fast, generic, rtol=tolerance)


def test_network_gradient_matches_the_complex_step_in_every_tensor():
    model = _models()[0]
    theta = model.theta0()
    gradient = model.gradient()
    for flat in range(0, model.parameter_count, 7):
        h = 1e-20
        value = model.losses_along(flat, np.array([theta[flat] + 1j * h]), "complex128")[0]
        assert abs(value.imag / h - gradient[flat]) <= 1e-12 * max(1.0, abs(gradient[flat]))


def test_gradient_at_another_point_moves_with_it():
    model = expression_model("w**3", "2")
    assert model.gradient()[0] == 12.0
    assert model.gradient(np.array([1.0]))[0] == 3.0
    network = _models()[0]
    moved = network.theta0() + 0.1
    assert not np.allclose(network.gradient(moved), network.gradient())


def test_flat_indices_and_entry_names():
    model = _models()[0]  # W1 (4, 5), b1 (4,), W2 (3, 4), b2 (3,)
    assert model.flat_index("b1", 2) == 22
    assert model.entry_of(22) == ("b1", 2)
    assert model.entry_name(7) == "W1[1, 2]"
    for field, call in (
        ("tensor", lambda: model.flat_index("W9", 0)),
        ("index", lambda: model.flat_index("W1", 20)),
        ("index", lambda: model.entry_of(model.parameter_count)),
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == field


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=38))
def test_every_flat_index_round_trips(flat):
    model = _models()[0]
    name, index = model.entry_of(flat)
    assert model.flat_index(name, index) == flat


def test_measured_model_has_rows_and_no_loss_function():
    row = MeasuredRow(Decimal("1e-4"), Decimal("0.85"), Decimal("0.85005"), Decimal("0.84995"))
    model = measured_model([row], reference=0.5)
    assert not model.evaluable and model.measurements() == (row,)
    assert model.gradient()[0] == 0.5
    with pytest.raises(InputError):
        model.loss(np.zeros(1))
    assert entry_objective(model).rows == (row,)
    assert not measured_model([row]).has_gradient


class _Quadratic(ModelBase):
    """A model written against the protocol alone: what a new source has to implement."""

    kind = "quadratic"

    @property
    def tensors(self):
        return (TensorInfo("a", (2, 2)), TensorInfo("c", (3,)))

    def theta0(self):
        return np.arange(7, dtype=float) / 10

    def loss(self, theta, dtype="float64"):
        return float(np.sum(np.asarray(theta, dtype=float) ** 2))

    @property
    def has_gradient(self):
        return True

    def gradient(self, theta=None):
        return 2 * (self.theta0() if theta is None else theta)


def test_a_new_model_needs_only_tensors_theta0_loss_and_gradient():
    model = _Quadratic()
    objective = entry_objective(model, "c", 1)
    assert objective.point == pytest.approx(0.5)
    assert "c[1]" in objective.label
    assert objective.checked_gradient().value == pytest.approx(1.0)
    np.testing.assert_allclose(objective.losses(np.array([0.5, 0.0]), "float64"), [0.91, 0.66])


class _Scaled(ModelBase):
    """L = a·w² at w = 1 (gradient 2a); knows no better cache key than the default."""

    kind = "scaled"

    def __init__(self, a):
        self.a = a

    @property
    def tensors(self):
        return (TensorInfo("w", ()),)

    @property
    def has_gradient(self):
        return True

    def theta0(self):
        return np.array([1.0])

    def loss(self, theta, dtype="float64"):
        return self.a * float(np.asarray(theta, dtype=float)[0]) ** 2

    def gradient(self, theta=None):
        return np.array([2.0 * self.a])


def test_each_new_model_is_swept_with_its_own_references():
    import gc

    from fdgui.core.sweep.engine import SweepSettings, run_sweep

    settings = SweepSettings(points=20)
    # What lived before this test is set aside from the collector (as the app's gc_guard
    # does): each full pass below then walks only what this test made, the models and the
    # objectives the cache let go. In a worker that ran hundreds of tests each pass walked
    # its whole heap: 13 s for the 39 passes (final13), 0.6 s alone. Left frozen: unfreezing
    # would also thaw the session's startup objects that tests/conftest.py froze.
    gc.collect()
    gc.freeze()
    for a in range(1, 40):  # discarded models free their ids for the next ones
        result = run_sweep(entry_objective(_Scaled(a)), settings)
        assert result.reference.value == 2.0 * a
        gc.collect()


def test_a_network_with_other_parameters_is_not_mistaken_for_the_built_one():
    from fdgui.core.models.mlp_model import MlpModel
    from fdgui.core.sweep.engine import SweepSettings, run_sweep

    model = _models()[0]
    moved = MlpModel(model.network.with_parameters([3 * p for p in model.network.parameters]))
    settings = SweepSettings(points=20)
    first = run_sweep(entry_objective(model, "W2", 1), settings).reference.value
    second = run_sweep(entry_objective(moved, "W2", 1), settings).reference.value
    assert first == model.gradient()[model.flat_index("W2", 1)]
    assert second == moved.gradient()[moved.flat_index("W2", 1)] != first


def test_a_sweep_in_a_dtype_the_model_cannot_run_is_refused():
    from fdgui.core.sweep.engine import SweepSettings, run_sweep

    with pytest.raises(InputError) as caught:
        run_sweep(entry_objective(_Scaled(1.0)), SweepSettings(dtype="float16", points=20))
    assert caught.value.field == "dtype"


@pytest.mark.parametrize("index", [7, -1, 1.7, True, "0"])
def test_an_entry_outside_the_model_is_refused(index):
    with pytest.raises(InputError) as caught:
        entry_objective(_Quadratic(), None, index)
    assert caught.value.field == "index"
