"""Real PyTorch (torch==2.13.0, CPU) and JAX (jax[cpu]==0.10.2) round trips through the
examples: a sweep and a full check of each, the buggy custom backward caught and located.
One probe process per example, shared by the tests of this module."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.probe.model import open_probe, parse_entry

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")

torch = pytest.importorskip("torch", reason="the torch extra is not installed")


def example(name):
    return os.path.abspath(os.path.join(EXAMPLES, name))


@pytest.fixture(scope="module")
def probes():
    opened = {}

    def get(name):
        if name not in opened:
            opened[name] = open_probe(example(name), timeout=120)
        return opened[name]

    yield get
    for model in opened.values():
        model.close()


def sweep(model, tensor, index):
    objective = EntryObjective(model, parse_entry(model, tensor, index))
    result = run_sweep(objective, SweepSettings("float64", 1e-12, 1e-2, 60))
    return result, diagnose(result)


def test_torch_mlp_is_named_batched_and_passes(probes):
    model = probes("torch_mlp.py")
    assert [t.name for t in model.tensors] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert model.tensors[0].shape == (64, 20) and model.batched
    report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
    assert report.passed and report.parameters_checked == model.parameter_count
    _, diagnosis = sweep(model, "0.weight", "3, 7")
    assert diagnosis.kind != "wrong"


def test_torch_custom_function_bug_is_caught_and_located(probes):
    model = probes("torch_custom_function.py")
    report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
    assert report.verdict == "fail" and report.worst_tensor == "custom.bias"
    assert [t.name for t in report.tensors if t.failures] == ["custom.bias"]
    assert all(e.tensor == "custom.bias" for e in report.worst if e.failing)
    assert {e.note for e in report.worst if e.failing} == {"every-ε"}
    # the bug is the batch mean: the probe's gradient is the true one over the batch size
    bias = report.tensors[[t.name for t in report.tensors].index("custom.bias")]
    assert np.allclose(bias.analytic * 32, bias.numeric, rtol=1e-6)
    _, diagnosis = sweep(model, "custom.bias", "1")
    assert diagnosis.kind == "wrong"
    for mode in ("sample", "projection"):
        settings = CheckSettings(None, engine="forward", mode=mode, samples=4, directions=4)
        other = run_to_completion(settings, model=model)
        assert other.verdict == "fail" and other.worst_tensor == "custom.bias", mode


def test_torch_helper_evaluates_vmap_and_loop_alike(probes):
    model = probes("torch_mlp.py")
    theta = model.theta0()
    rows = np.repeat(theta[None], 4, axis=0)
    rows[np.arange(4), [0, 5, 1300, 1993]] += 1e-3
    batched = model.losses(rows)
    singles = [model.loss(row) for row in rows]
    assert np.allclose(batched, singles, rtol=1e-14, atol=0)


def test_jax_mlp_with_custom_vjp_passes(probes):
    pytest.importorskip("jax", reason="the jax extra is not installed")
    model = probes("jax_mlp.py")
    assert [t.name for t in model.tensors] == ["W1", "W2", "b1", "b2"]  # the dict's key order
    report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
    assert report.passed
    _, diagnosis = sweep(model, "W1", "W1[2, 5]")
    assert diagnosis.kind != "wrong"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
@pytest.mark.parametrize("name", ["torch_mlp.py", "jax_mlp.py"])
def test_a_helper_probe_killed_from_outside_restarts_and_keeps_its_answers(probes, name):
    """The helpers seed their data and build the model in the file, so the new process (the
    file loaded again, torch or JAX imported again) gives the same θ0, L(θ0) and gradient bit
    for bit: the caches are kept, and a kill between two calls of a run lets the run go on
    with the same numbers."""
    if name.startswith("jax"):
        pytest.importorskip("jax", reason="the jax extra is not installed")
    model = probes(name)
    theta = model.theta0()
    rows = np.repeat(theta[None], 3, axis=0)
    rows[np.arange(3), [0, 7, theta.size - 1]] += 1e-4
    before, gradient, key = model.losses(rows), model.gradient(), model.cache_key
    _kill(model)
    assert model.refresh() == ""  # the same loss and gradient at θ0: nothing to say, kept
    assert model.cache_key == key
    np.testing.assert_array_equal(model.losses(rows), before)
    np.testing.assert_array_equal(model.gradient(), gradient)
    _kill(model)  # between two calls of a run: restarted within it, the run goes on
    settings = CheckSettings(None, engine="forward", mode="sample", samples=4)
    report = run_to_completion(settings, model=model)
    assert report.passed, report.worst[:2]
    assert model.process.ended == ["killed by SIGKILL"] * 2  # what the CLI's note says


def _kill(model) -> None:
    worker = model.process.process
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
