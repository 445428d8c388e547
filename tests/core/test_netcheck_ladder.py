"""The ε ladder (netcheck.ladder): honest float32 networks pass, bugs and wrong small
gradients still fail, float16/bfloat16 never fail a correct backprop, and the measured
round-off bounds what the dtype's losses really carry."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from fdgui.core.models import mlp
from fdgui.core.models.mlp import BUGS, NetworkSpec
from fdgui.core.netcheck import CheckSettings, make_engine, run_to_completion
from fdgui.core.netcheck.ladder import measure_roundoff
from tests.e2e.probe_cli import run_cli

NETWORKS = [  # the issue's float32 networks (both were "Inconclusive", exit 1)
    NetworkSpec((6, 10, 10, 10, 10, 3), "sigmoid", "cross-entropy"),
    NetworkSpec((10, 8, 8, 8, 8, 8, 2), "sigmoid", "cross-entropy"),
]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli("netcheck", *args)  # in this process (tests/e2e/probe_cli.py says why)


@pytest.mark.parametrize("engine", ["exact", "forward"])
@pytest.mark.parametrize("layers", ["6,10,10,10,10,3", "10,8,8,8,8,8,2"])
def test_the_issues_float32_networks_pass_in_both_engines(layers, engine):
    out = _cli(
        "--layers", layers, "--activation", "sigmoid", "--loss", "cross-entropy",
        "--dtype", "float32", "--engine", engine, "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "pass" and not data["inconclusive"]
    assert data["roundoff"]["measured"] is True
    assert sum(t["decided_at_larger_epsilon"] for t in data["tensors"]) > 0
    # the undecided ones are counted and the summary names their share
    assert data["undecided"] == sum(t["undecided"] for t in data["tensors"])
    if data["undecided"]:
        assert "stay undecided" in data["summary"]


@pytest.mark.parametrize("mode", ["full", "sample", "projection"])
@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_every_mode_passes_in_float32(mode, engine):
    for spec in NETWORKS:
        report = run_to_completion(CheckSettings(spec, dtype="float32", engine=engine, mode=mode))
        assert report.passed, (spec.layer_sizes, mode, engine)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_every_injected_bug_still_fails(dtype, engine):
    for spec in NETWORKS:
        for bug in BUGS:
            report = run_to_completion(CheckSettings(spec, dtype=dtype, engine=engine, bug=bug))
            assert report.verdict == "fail" and not report.inconclusive, (spec, bug)


@pytest.mark.parametrize("factor", [2.0, 0.5, -1.0])
@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_a_wrong_gradient_in_the_small_entries_does_not_pass(monkeypatch, factor, engine):
    """Only the entries the first ε cannot decide (|g| < 1e-4) are wrong: the ladder must
    decide enough of them to fail the check, never let them pass."""
    correct = mlp.Network.gradient

    def wrong(self, bug=None):
        return [np.where(np.abs(g) < 1e-4, factor * g, g) for g in correct(self, bug)]

    monkeypatch.setattr(mlp.Network, "gradient", wrong)
    for spec in NETWORKS:
        for mode in ("full", "projection"):
            settings = CheckSettings(spec, dtype="float32", engine=engine, mode=mode)
            report = run_to_completion(settings)
            assert report.verdict == "fail" and not report.inconclusive, (spec, mode)
            failing = [e for e in report.worst if e.failing]
            if mode == "full":  # the failures are decided at a larger ε, by their own bar
                assert any(e.note == "larger-ε-wrong" for e in failing)


def _random_specs(count: int, seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        hidden = tuple(int(rng.integers(2, 14)) for _ in range(int(rng.integers(1, 5))))
        loss = str(rng.choice(["mse", "cross-entropy"]))
        outputs = int(rng.integers(2, 5))
        yield NetworkSpec(
            (int(rng.integers(2, 11)), *hidden, outputs),
            str(rng.choice(["tanh", "sigmoid", "relu"])),
            loss,
            batch_size=int(rng.choice([1, 8, 32, 64])),
            seed=int(rng.integers(0, 1000)),
        )


def test_random_networks_pass_honestly_in_float32():
    """Correct backprop of random shapes, activations and losses: never a failure; most
    pass outright (a network whose gradients are all tiny may be inconclusive)."""
    passed = 0
    total = 0
    for spec in _random_specs(24, seed=10):
        engines = ["exact"] if spec.activation == "relu" else ["exact", "forward"]
        for engine in engines:
            report = run_to_completion(CheckSettings(spec, dtype="float32", engine=engine))
            assert report.passed or report.inconclusive, (spec, engine, report.worst[:2])
            assert sum(t.failures for t in report.tensors) == 0
            passed += report.passed
            total += 1
    assert passed >= 0.8 * total


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_coarse_formats_pass_or_say_undecided_never_fail(dtype):
    from fdgui.core.report.netcheck import verdict_in_words

    for spec in _random_specs(16, seed=20):
        for engine in ("exact", "forward"):
            if engine == "forward" and spec.activation == "relu":
                continue
            report = run_to_completion(CheckSettings(spec, dtype=dtype, engine=engine))
            assert sum(t.failures for t in report.tensors) == 0, (spec, engine, report.worst[:2])
            words = verdict_in_words(report)
            assert words.startswith(("Pass", "Inconclusive")), words
            if any(t.undecided for t in report.tensors):
                assert "undecided" in words or "too small" in words


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_the_measured_roundoff_bounds_every_entrys_loss_changes(dtype, engine):
    """N comes from a sample; it must bound the dtype's error of ΔL at every entry, at the
    first ε and at large steps (compared with float64 at the same rounded points)."""
    for spec in (*NETWORKS, NetworkSpec((5, 20, 20, 4), "tanh", "mse", seed=3)):
        found = make_engine(CheckSettings(spec, dtype=dtype, engine=engine))
        roundoff = measure_roundoff(found, dtype, found.loss)
        assert roundoff.measured
        for position, size in enumerate(found.tensor_sizes()):
            indices = np.arange(size)
            values = found.values_of(position, indices)
            first = np.broadcast_to(found.epsilon_for(values), indices.shape).astype(float)
            for factor in (1.0, 16.0, 128.0):
                steps = np.minimum(first * factor, np.maximum(1.0, np.abs(values)))
                plus, minus, _ = found.step_changes(position, indices, steps)
                reference = found.reference_changes(position, indices, steps)
                errors = np.abs(np.concatenate([plus - reference[0], minus - reference[1]]))
                assert errors.max() <= roundoff.per_change, (spec, position, factor)


def test_a_fixed_epsilon_is_never_moved():
    spec = NETWORKS[0]
    report = run_to_completion(CheckSettings(spec, dtype="float32", epsilon=4e-3))
    for tensor in report.tensors:
        assert tensor.bars is None and tensor.decided_larger == 0
    assert all(entry.epsilon == 4e-3 for entry in report.worst)


def test_a_restored_report_says_the_same():
    """A session keeps what the ladder found: the words after a restore are the same."""
    from fdgui.core.netcheck.stored import report_data, report_from_data
    from fdgui.core.report.netcheck import render_text, verdict_in_words

    report = run_to_completion(CheckSettings(NETWORKS[1], dtype="float32"))
    restored = report_from_data(json.loads(json.dumps(report_data(report)))).report
    assert verdict_in_words(restored) == verdict_in_words(report)
    assert "decided at a larger ε" in verdict_in_words(restored)
    assert restored.roundoff == report.roundoff
    assert [e.bar for e in restored.worst] == pytest.approx(
        [e.bar for e in report.worst], nan_ok=True
    )
    assert render_text(restored).split("Worst")[1] == render_text(report).split("Worst")[1]


@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_a_sign_flip_the_bar_resolves_fails_even_above_a_quarter(monkeypatch, engine):
    """Review: W2[0, 3] sign-flipped, float16; its best bar (0.0105) was just above |a|/4
    (0.0103) so it stayed undecided and the check passed, though |n − a| was 8 bars."""
    correct = mlp.Network.gradient

    def flipped(self, bug=None):
        found = [g.copy() for g in correct(self, bug)]
        found[2].flat[3] *= -1
        return found

    monkeypatch.setattr(mlp.Network, "gradient", flipped)
    spec = NetworkSpec((6, 4, 2), "tanh", "mse", seed=754, batch_size=4)
    report = run_to_completion(CheckSettings(spec, dtype="float16", engine=engine))
    assert report.verdict == "fail"
    entry = next(e for e in report.worst if e.tensor == "W2" and e.position == (0, 3))
    assert entry.failing
    if entry.note == "larger-ε-wrong":  # decided by its bar: beyond two of them
        assert abs(entry.numeric - entry.analytic) > 2 * entry.bar
