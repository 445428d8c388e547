"""The batched network check: accuracy against exact backprop and a plain loop, bugs caught,
modes, cancel points, planner, memory bound and bad input."""

from __future__ import annotations

import dataclasses
import math
import time
import tracemalloc

import numpy as np
import pytest

from fdgui.core.errors import InputError
from fdgui.core.models.mlp import BUGS, NetworkSpec, build_network
from fdgui.core.netcheck import (
    MAX_DIRECTIONS,
    MAX_SAMPLES,
    CheckSettings,
    check_epsilon,
    plan_costs,
    recommended_tolerances,
    run_check,
    run_to_completion,
)
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.report.netcheck import verdict_in_words

SHAPES = [
    ((12, 9, 5), "tanh", "cross-entropy"),
    ((12, 9, 5), "sigmoid", "mse"),
    ((10, 8, 7, 4), "tanh", "mse"),
    ((10, 8, 7, 4), "sigmoid", "cross-entropy"),
    ((10, 8, 7, 6, 3), "relu", "cross-entropy"),
    ((9, 6, 4), "relu", "mse"),
]


def _exact_gradient(net):
    """Complex-step derivatives of every parameter (exact to round-off; smooth nets only)."""
    exact = []
    for position, parameter in enumerate(net.parameters):
        values = np.empty(parameter.size)
        for index in range(parameter.size):
            perturbed = [p.astype(np.complex128) for p in net.parameters]
            perturbed[position].flat[index] += 1e-30j
            values[index] = net.loss(perturbed, "complex128").imag / 1e-30
        exact.append(values)
    return exact


@pytest.mark.parametrize(("sizes", "activation", "loss"), SHAPES)
def test_full_check_agrees_with_exact_backprop_to_1e_8(sizes, activation, loss):
    spec = NetworkSpec(sizes, activation, loss, batch_size=8, seed=11)
    net = build_network(spec)
    report = run_to_completion(CheckSettings(spec), net)
    assert report.verdict == "pass", verdict_in_words(report)
    assert report.parameters_checked == spec.parameter_count
    for tensor in report.tensors:
        assert tensor.checked == math.prod(tensor.shape)
        assert tensor.max_relative_error < 1e-8, (tensor.name, tensor.max_relative_error)
    if activation != "relu":  # the backprop itself checked against the complex step
        for tensor, exact in zip(report.tensors, _exact_gradient(net), strict=True):
            relative = np.abs(tensor.numeric - exact) / np.maximum(np.abs(exact), 1e-8)
            assert relative.max() < 1e-8, tensor.name


def test_check_is_truncation_limited_at_the_calculators_epsilon():
    # at ε = u^(1/3) the only error left is the central difference's ε²·L'''/6: it shrinks 4×
    # when ε halves (a plain loop would instead grow its round-off)
    spec = NetworkSpec((20, 16, 10), batch_size=16, seed=3)
    net = build_network(spec)
    exact = net.gradient()
    errors = []
    for epsilon in (4e-5, 2e-5):
        report = run_to_completion(CheckSettings(spec, epsilon=epsilon), net)
        errors.append(np.abs(report.tensors[0].numeric - exact[0].ravel()).max())
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.05)


@pytest.mark.parametrize("fixed_epsilon", [None, 1e-5])  # None: the check's own ε = √u·max(1,|w|)
@pytest.mark.parametrize(("sizes", "activation", "loss"), SHAPES[:5])
def test_full_check_agrees_with_a_plain_loop_within_the_loops_round_off(
    sizes, activation, loss, fixed_epsilon
):
    spec = NetworkSpec(sizes, activation, loss, batch_size=6, seed=5)
    net = build_network(spec)
    report = run_to_completion(CheckSettings(spec, epsilon=fixed_epsilon), net)
    u = unit_roundoff("float64")
    for position, tensor in enumerate(report.tensors):
        for index in range(net.parameters[position].size):
            epsilon = fixed_epsilon or check_epsilon("float64") * max(
                1.0, abs(net.parameters[position].flat[index])
            )
            plus = [p.copy() for p in net.parameters]
            minus = [p.copy() for p in net.parameters]
            plus[position].flat[index] += epsilon
            minus[position].flat[index] -= epsilon
            loss_plus, loss_minus = net.loss(plus), net.loss(minus)
            loop = (loss_plus - loss_minus) / (2 * epsilon)
            # the loop's own round-off: each loss carries ~u·|L| per operation, over 2ε
            weight = abs(net.parameters[position].flat[index])
            floor = 16 * u * max(abs(loss_plus), abs(loss_minus)) / epsilon
            floor += 4 * u * weight * abs(loop) / epsilon  # w ± ε itself is rounded
            assert abs(tensor.numeric[index] - loop) <= floor, (tensor.name, index)


@pytest.mark.parametrize("engine", ["exact", "forward"])
@pytest.mark.parametrize("bug", list(BUGS))
@pytest.mark.parametrize("mode", ["full", "sample", "projection"])
def test_every_bug_fails_in_every_mode_and_names_a_broken_tensor(bug, mode, engine):
    spec = NetworkSpec((10, 8, 8, 4), "tanh", "cross-entropy", batch_size=8, seed=1)
    settings = CheckSettings(spec, mode=mode, bug=bug, samples=12, directions=4, engine=engine)
    report = run_to_completion(settings)
    assert report.engine == engine
    assert report.verdict == "fail"
    broken = {
        "no-batch-mean": {"W1", "b1", "W2", "b2", "W3", "b3"},
        "softmax-factor": {"W1", "b1", "W2", "b2", "W3", "b3"},
        "bias-not-summed": {"b1", "b2", "b3"},
        "no-activation-grad": {"W1", "b1", "W2", "b2"},
        "transpose": {"W1", "b1"},
    }[bug]
    failing = {t.name for t in report.tensors if t.failures}
    assert failing == broken
    assert report.worst_tensor in broken
    assert report.worst_tensor in verdict_in_words(report)
    assert report.worst[0].relative_error > 1e-2


def test_relu_kinks_are_explained_not_failed():
    # put the first example's first hidden unit exactly on the relu kink: every step of its
    # weights then crosses it, and the one-sided slopes differ from the backprop subgradient
    spec = NetworkSpec((10, 8, 4), "relu", "cross-entropy", batch_size=16, seed=2)
    net = build_network(spec)
    parameters = [p.copy() for p in net.parameters]
    parameters[1][0] = -(net.inputs[0] @ parameters[0][0])
    on_kink = net.with_parameters(parameters)
    report = run_to_completion(CheckSettings(spec), on_kink)
    w1, b1 = report.tensors[0], report.tensors[1]
    assert w1.kinks > 0 and b1.kinks == 1
    assert report.verdict == "pass", verdict_in_words(report)
    kinked = [entry for entry in report.worst if entry.note == "kink"]
    assert kinked and all(entry.tensor in ("W1", "b1") for entry in kinked)
    assert max(entry.relative_error for entry in kinked) > 1e-4  # a real disagreement...
    assert "kink" in verdict_in_words(report)  # ...that the verdict explains


def test_sample_mode_checks_k_from_every_tensor_biases_included():
    spec = NetworkSpec((30, 20, 5), batch_size=8)
    report = run_to_completion(CheckSettings(spec, mode="sample", samples=7))
    assert [t.checked for t in report.tensors] == [7, 7, 7, 5]
    assert report.parameters_checked == 26
    assert report.evaluations == 52
    assert report.verdict == "pass"


def test_projection_mode_compares_directional_derivatives():
    spec = NetworkSpec((12, 9, 5), batch_size=8, seed=4)
    net = build_network(spec)
    report = run_to_completion(CheckSettings(spec, mode="projection", directions=5), net)
    assert [t.checked for t in report.tensors] == [5, 5, 5, 5]
    assert report.verdict == "pass"
    for tensor, gradient in zip(report.tensors, net.gradient(), strict=True):
        # g·v for a unit vector never exceeds |g|
        assert np.all(np.abs(tensor.analytic) <= np.linalg.norm(gradient) * (1 + 1e-12))
        np.testing.assert_allclose(tensor.numeric, tensor.analytic, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_low_precision_check_uses_the_dtype_and_still_catches_a_bug(dtype):
    spec = NetworkSpec((10, 8, 4), "tanh", "cross-entropy", batch_size=8, seed=6)
    good = run_to_completion(CheckSettings(spec, dtype=dtype))
    bad = run_to_completion(CheckSettings(spec, dtype=dtype, bug="no-batch-mean"))
    if dtype == "float32":
        assert good.verdict == "pass", verdict_in_words(good)
        assert good.loose and verdict_in_words(good).startswith("Pass, but only loosely")
        assert "Check in float64 to decide" in verdict_in_words(good)
    else:  # these formats cannot resolve gradients of ~1e-2 at |L| ≈ 1.4: never a green pass
        assert good.inconclusive and good.verdict == "fail", verdict_in_words(good)
        assert verdict_in_words(good).startswith("Inconclusive")
    assert bad.verdict == "fail" and not bad.inconclusive
    # the numbers really carry the dtype's round-off: far worse agreement than float64
    worst = max(t.max_relative_error for t in good.tensors)
    assert worst > 1e-6


def test_float32_numeric_is_the_difference_of_float32_losses():
    spec = NetworkSpec((10, 8, 4), "sigmoid", "mse", batch_size=8, seed=6)
    net = build_network(spec)
    report = run_to_completion(CheckSettings(spec, dtype="float32"), net)
    rounded = net.rounded_to("float32")
    epsilon = check_epsilon("float32")
    for position, name in ((0, "W1"), (3, "b2")):
        for index in (0, 3):
            w = rounded.parameters[position].flat[index]
            step = epsilon * max(1.0, abs(w))
            values = np.array([w + step, w - step]).astype(np.float32)
            loss_plus, loss_minus = rounded.loss_along(name, index, values, "float32")
            expected = (loss_plus - loss_minus) / (2 * step)
            assert report.tensors[position].numeric[index] == pytest.approx(expected, rel=1e-12)


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_each_yield_is_a_prompt_cancel_point_and_closing_stops_the_work():
    spec = NetworkSpec((311, 311, 10), batch_size=32)
    generator = run_check(CheckSettings(spec))
    gaps = []
    last = time.process_time()  # CPU: a loaded machine's waits are not our chunks
    fractions = []
    for fraction, message in generator:
        now = time.process_time()
        gaps.append(now - last)
        last = now
        fractions.append(fraction)
        assert isinstance(message, str)
        if fraction > 0.5:
            generator.close()  # what Cancel does
            break
    assert fractions == sorted(fractions)
    assert max(gaps[1:]) < 0.05  # generous: a chunk takes about a millisecond
    with pytest.raises(StopIteration):
        next(generator)


def test_report_is_frozen_and_counts_add_up():
    report = run_to_completion(CheckSettings(NetworkSpec((6, 5, 3), batch_size=4)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.verdict = "fail"  # type: ignore[misc]
    for tensor in report.tensors:
        assert sum(tensor.band_counts.values()) == tensor.checked
        assert not tensor.relative_errors.flags.writeable
    assert len(report.worst) == 20
    errors = [entry.relative_error for entry in report.worst]
    assert errors == sorted(errors, reverse=True)
    entry = report.worst[0]
    assert entry.loss_plus != entry.loss_minus or entry.numeric == 0


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_planner_counts_evaluations_and_measures_time():
    spec = NetworkSpec((40, 30, 6), batch_size=8)
    settings = CheckSettings(spec, samples=5, directions=3)
    plans = plan_costs(settings)
    assert plans["full"].evaluations == 2 * spec.parameter_count
    assert plans["sample"].evaluations == 2 * 20
    assert plans["projection"].evaluations == 2 * 3 * 4
    for plan in plans.values():
        assert plan.expected_seconds > 0
        assert plan.seconds_per_evaluation > 0
        assert plan.memory_bytes > 0
    start = time.perf_counter()
    run_to_completion(settings)
    actual = time.perf_counter() - start
    # the planner's time is a measurement of the same code: within a factor 8 of the run
    assert actual / 8 - 0.002 < plans["full"].expected_seconds < 8 * actual + 0.02


def test_memory_stays_bounded_by_chunking():
    spec = NetworkSpec((311, 311, 10), batch_size=32)
    tracemalloc.start()
    try:
        run_to_completion(CheckSettings(spec))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # parameters, gradient and per-entry results are ~6 MB; chunks add a few MB, not B×N
    assert peak < 40 * 2**20, peak


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"samples": 0}, "samples: 0 is outside 1.."),
        ({"samples": MAX_SAMPLES + 1}, "samples:"),
        ({"directions": 0}, "directions: 0 is outside"),
        ({"directions": MAX_DIRECTIONS + 1}, "directions:"),
        ({"directions": 2.5}, "directions: 2.5 is not a whole number"),
        ({"mode": "some"}, "mode: 'some'"),
        ({"dtype": "int8"}, "dtype: 'int8'"),
        ({"epsilon": -1.0}, "epsilon: -1.0 is not a positive"),
        ({"epsilon": 2.0}, "epsilon: 2.0 is too large"),
        ({"bug": "transpose"}, "bug: 'transpose' needs a square"),
        ({"spec": NetworkSpec((20, 0, 10))}, "layer_sizes: 0 is not a positive"),
    ],
)
def test_bad_settings_are_refused_before_any_work(changes, message):
    settings = dataclasses.replace(CheckSettings(NetworkSpec((20, 16, 10))), **changes)
    with pytest.raises(ValueError) as caught:
        settings.validate()
    assert str(caught.value).startswith(message)
    generator = run_check(settings)
    with pytest.raises(ValueError):
        next(generator)


def test_absurd_sizes_are_refused_with_the_memory_they_would_need():
    settings = CheckSettings(NetworkSpec((200_000, 200_000, 10)))
    with pytest.raises(ValueError) as caught:
        settings.validate()
    message = str(caught.value)
    assert message.startswith("layer_sizes: this check needs about")
    assert "GB" in message and "40,002,200,010 parameters" in message


def test_recommended_tolerances_follow_the_unit_roundoff():
    tight = recommended_tolerances("float64", 2.3)
    loose = recommended_tolerances("float32", 2.3)
    assert tight.epsilon == pytest.approx((2.0**-53) ** (1 / 3), rel=1e-12)
    assert loose.epsilon == pytest.approx(2.0**-8, rel=1e-12)
    # float32: 10·u·|L|/ε = 10·2^-24·2.3/2^-8 ≈ 3.5e-4 → 5e-4; 10·u^(2/3) ≈ 1.5e-4 → 2e-4
    assert (loose.atol, loose.rtol) == (pytest.approx(5e-4), pytest.approx(2e-4))
    assert tight.atol < loose.atol and tight.rtol < loose.rtol
    assert recommended_tolerances("bfloat16", 2.3).rtol == 0.3  # the cap
    assert check_epsilon("float64") == pytest.approx(2.0**-26.5, rel=1e-12)


def test_cumulant_series_matches_the_direct_softmax_formula(monkeypatch):
    # the fast path evaluates log Σ p·exp(d·w) by its cumulant series; forcing the direct
    # log1p(Σ p·expm1(d·w)) everywhere must give the same numbers to round-off
    from fdgui.core.netcheck import jets

    spec = NetworkSpec((30, 24, 6), "tanh", "cross-entropy", batch_size=16, seed=9)
    net = build_network(spec)
    fast = run_to_completion(CheckSettings(spec), net)
    monkeypatch.setattr(jets, "SERIES_TAIL", 0.0)
    assert jets.series_degree(1e-9, 1e-8) is None
    direct = run_to_completion(CheckSettings(spec), net)
    for a, b in zip(fast.tensors, direct.tensors, strict=True):
        scale = np.maximum(np.abs(b.numeric), 1e-8)
        assert np.max(np.abs(a.numeric - b.numeric) / scale) < 1e-9, a.name


def test_series_degree_grows_with_the_step():
    from fdgui.core.netcheck import series_degree

    # terms after the M-th add at most spread^(M+1)/ε: (1e-7)^4/1e-8 = 1e-20
    assert series_degree(1e-7, 1e-8) == 3
    assert series_degree(5e-5, 1e-5) == 5  # (5e-5)^6/1e-5 ≈ 1.6e-21
    assert series_degree(1e-3, 1e-3) is None  # too far for five terms: direct formula


def test_float64_check_catches_a_backprop_off_by_one_part_in_a_million():
    # torch.autograd.gradcheck's defaults (atol 1e-5, rtol 1e-3) let this through
    spec = NetworkSpec((20, 16, 10), batch_size=16, seed=8)
    net = build_network(spec)

    class SlightlyOff(type(net)):
        def gradient(self, bug=None):
            return [g * (1 + 1e-6) for g in super().gradient(bug)]

    off = SlightlyOff(net.spec, net.parameter_names, net.parameters, net.inputs, net.targets)
    assert run_to_completion(CheckSettings(spec), net).verdict == "pass"
    report = run_to_completion(CheckSettings(spec), off)
    assert report.verdict == "fail"
    assert all(t.failures > 0 for t in report.tensors)
    assert report.worst[0].relative_error == pytest.approx(1e-6, rel=1e-3)


@pytest.mark.parametrize("engine", ["exact", "forward"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize("factor", [-1.0, 2.0, 0.5])
def test_a_sign_flip_or_factor_two_never_passes_in_any_dtype(monkeypatch, dtype, factor, engine):
    """QA: in float16/bfloat16 atol 0.2/1 against gradients of ~1e-3 passed any backprop."""
    from fdgui.core.models.mlp import Network

    exact = Network.gradient
    monkeypatch.setattr(
        Network, "gradient", lambda self, bug=None: [factor * g for g in exact(self, bug)]
    )
    spec = NetworkSpec((16, 16, 16, 10), "tanh", "cross-entropy", batch_size=32, seed=0)
    report = run_to_completion(CheckSettings(spec, dtype=dtype, engine=engine))
    assert not report.passed, verdict_in_words(report)
    if dtype in ("float64", "float32"):  # these formats resolve the gradient: a real failure
        assert not report.inconclusive and verdict_in_words(report).startswith("Fail")
    # no tensor is shown as a plain "ok" while its gradient is wrong
    assert all(t.failures or t.inconclusive for t in report.tensors)


def test_an_entry_is_decided_only_where_a_factor_two_would_fall_outside_the_tolerance():
    spec = NetworkSpec((16, 16, 16, 10), "tanh", "cross-entropy", batch_size=32, seed=0)
    for dtype in ("float32", "float16", "bfloat16"):
        report = run_to_completion(CheckSettings(spec, dtype=dtype))
        tolerances = report.tolerances
        for tensor in report.tensors:
            a, n = tensor.analytic, tensor.numeric
            window = tolerances.atol + tolerances.rtol * np.abs(a)
            # an entry the ε ladder retried is judged by its own measured bar
            bars = np.full(a.shape, np.nan) if tensor.bars is None else tensor.bars
            window = np.where(np.isnan(bars), window, bars)
            decided = np.abs(n - a) <= window
            # the ladder decides at |a|/4 (a factor 2 then falls outside its bar), the first
            # window at |a|/2
            share = np.where(np.isnan(bars), 0.5, 0.25 + 1e-12)
            decided &= window < share * np.abs(a)
            # the count of "within tolerance" (decided) entries matches the independent rule
            relative = np.abs(n - a) / np.maximum(np.maximum(np.abs(n), np.abs(a)), 1e-8)
            assert tensor.within_tolerance == int(np.sum(decided & (relative > 1e-7)))


def test_relu_kinks_crossed_in_deeper_layers_are_explained_in_every_dtype_and_mode():
    """QA falsefail.py: correct relu backprop failed in float32 (kink in a deeper layer only)
    and in projection mode even in float64."""
    cases = [
        (NetworkSpec((8, 8, 8, 2), "relu", "mse", batch_size=7, seed=4), "float32", "full", None),
        (NetworkSpec((20, 16, 10), "relu"), "float64", "projection", 0.00391),
        (NetworkSpec((20, 16, 10), "relu"), "float32", "projection", None),
        (NetworkSpec((8, 8, 8, 2), "relu", "mse", batch_size=7, seed=4), "float32", "sample", None),
    ]
    for spec, dtype, mode, epsilon in cases:
        settings = CheckSettings(spec, mode=mode, dtype=dtype, epsilon=epsilon, directions=4)
        report = run_to_completion(settings)
        assert report.verdict == "pass", (dtype, mode, verdict_in_words(report))
    # the entry QA named: a kink in layer 2 only (its own unit W1[0] does not switch)
    spec = cases[0][0]
    report = run_to_completion(CheckSettings(spec, dtype="float32"))
    # (its one-sided slopes cannot show a gradient of 0.002 to lie between them at this ε:
    # undecided, never failing, never explained)
    w1 = next(e for e in report.worst if e.tensor == "W1" and e.position == (0, 5))
    assert w1.note == "kink-unexamined" and w1.relative_error > 1 and not w1.failing
    # and a deliberately wrong relu backprop is still caught there
    bad = run_to_completion(CheckSettings(spec, dtype="float32", bug="no-batch-mean"))
    assert bad.verdict == "fail"


def test_a_step_the_dtype_cannot_resolve_is_refused_or_gives_no_change():
    """QA: --eps 1e-300 reported the exact derivative (w + ε == w for every weight). Now a
    fixed ε that cannot move most weights is refused before any work (the ε field's error),
    naming an ε that would; a projection's step along a direction still shows no change."""
    spec = NetworkSpec((20, 16, 10))
    for dtype, tiny in (("float64", 1e-300), ("float32", 1e-30), ("float32", 1e-12)):
        for engine in ("exact", "forward"):
            settings = CheckSettings(spec, dtype=dtype, epsilon=tiny, engine=engine)
            with pytest.raises(InputError) as refused:
                run_to_completion(settings)
            assert refused.value.field == "epsilon" and "ε ≥" in refused.value.message
            smallest = float(refused.value.message.split("ε ≥ ")[1].split()[0])
            settings = CheckSettings(spec, dtype=dtype, epsilon=smallest, engine=engine)
            settings.validate()  # the ε it names is accepted
    report = run_to_completion(CheckSettings(spec, epsilon=1e-300, mode="projection"))
    assert not report.passed and report.inconclusive
    for tensor in report.tensors:
        assert np.all(tensor.numeric == 0.0)  # what (L(w+ε) − L(w−ε))/2ε really gives
    assert all(e.note == "flat" and e.loss_plus_change == 0 for e in report.worst)


def test_a_fixed_epsilon_whose_float64_losses_are_equal_never_passes():
    """--eps 1e-15: the exact engine forms ΔL± without cancellation, but L+ and L− as
    float64 numbers are equal: those entries confirm nothing (never a pass showing L+ = L−)."""
    spec = NetworkSpec((6, 10, 10, 10, 10, 3), "sigmoid", "cross-entropy")
    report = run_to_completion(CheckSettings(spec, epsilon=1e-15))
    assert not report.passed and report.inconclusive
    assert verdict_in_words(report).startswith("Inconclusive: ε = 1e-15 is below what float64")
    for entry in report.worst:
        if entry.loss_plus == entry.loss_minus:
            assert entry.note == "flat" and not entry.failing
    assert any(e.loss_plus == e.loss_minus for e in report.worst)
    same = sum(t.unreproducible for t in report.tensors)
    assert same * 2 > sum(t.checked for t in report.tensors)
    # a step whose losses do differ in float64 still passes
    assert run_to_completion(CheckSettings(spec, epsilon=1e-6)).passed


@pytest.mark.parametrize("engine", ["exact", "forward"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["full", "projection"])
def test_the_shown_epsilon_and_loss_changes_reproduce_the_numeric_value(dtype, mode, engine):
    spec = NetworkSpec((12, 9, 9, 5), "sigmoid", "cross-entropy", batch_size=6, seed=2)
    settings = CheckSettings(spec, dtype=dtype, mode=mode, directions=5, engine=engine)
    report = run_to_completion(settings)
    for entry in report.worst:
        recomputed = (entry.loss_plus_change - entry.loss_minus_change) / (2 * entry.epsilon)
        assert recomputed == entry.numeric  # bit for bit


def test_the_worst_tensor_holds_the_largest_failing_error():
    """QA: 'The worst tensor is b1 (max 1.31); largest relative error 1.7 at b2[8]'."""
    for bug in ("bias-not-summed", "transpose", "no-activation-grad", "softmax-factor"):
        spec = NetworkSpec((16, 16, 16, 10), "tanh", "cross-entropy", batch_size=32, seed=0)
        report = run_to_completion(CheckSettings(spec, bug=bug))
        assert report.worst[0].failing
        assert report.worst_tensor == report.worst[0].tensor
        failing_max = max(t.max_relative_error for t in report.tensors if t.failures)
        assert report.worst[0].relative_error == failing_max
        assert f"The worst tensor is {report.worst_tensor}:" in verdict_in_words(report)


def _progress_deviation(settings, weights=None):
    generator = run_check(settings, weights=weights)
    start = time.perf_counter()
    points = []
    try:
        while True:
            fraction, _ = next(generator)
            points.append((time.perf_counter() - start, fraction))
    except StopIteration:
        pass
    total = time.perf_counter() - start
    return max(abs(fraction - elapsed / total) for elapsed, fraction in points), points


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_progress_tracks_time_on_a_deep_network():
    """QA: layers 250,250,250,10 showed 47% at 5.8 s and finished at 6.3 s (entries counted
    alike, while W1's entries take ~95% of the time and are ~half of the entries)."""
    settings = CheckSettings(NetworkSpec((300, 300, 300, 10)))
    deviation, points = _progress_deviation(settings)
    assert deviation < 0.15, points[::50]
    plan = plan_costs(settings)["full"]
    assert len(plan.tensor_seconds) == 6 and sum(plan.tensor_seconds) <= plan.expected_seconds
    deviation, _ = _progress_deviation(settings, plan.tensor_seconds)
    assert deviation < 0.15
    fractions = [fraction for _, fraction in points]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


@pytest.mark.parametrize(
    ("activation", "loss"),
    [("tanh", "cross-entropy"), ("sigmoid", "mse"), ("tanh", "mse"), ("relu", "cross-entropy")],
)
def test_the_jet_path_agrees_with_pushing_exact_differences_through(monkeypatch, activation, loss):
    """Deep smooth layers use the loss's 4th-order series in the unit's change; it must give
    the numbers the exact layer-by-layer differences give, and be the path actually taken."""
    from fdgui.core.netcheck import exact as netcheck

    spec = NetworkSpec((10, 8, 7, 6, 4), activation, loss, batch_size=9, seed=5)
    calls = {"deep": 0}
    exact_deep = netcheck.ExactEngine._deep_change

    def counting(self, *args):
        calls["deep"] += 1
        return exact_deep(self, *args)

    monkeypatch.setattr(netcheck.ExactEngine, "_deep_change", counting)
    fast = run_to_completion(CheckSettings(spec))
    assert calls["deep"] == 0  # every deep entry went through the jets
    monkeypatch.setattr(netcheck.ExactEngine, "_jet_change", lambda *args: None)
    slow = run_to_completion(CheckSettings(spec))
    assert calls["deep"] > 0
    for a, b in zip(fast.tensors, slow.tensors, strict=True):
        np.testing.assert_allclose(a.numeric, b.numeric, rtol=1e-11, atol=1e-17)
    assert fast.verdict == slow.verdict == "pass"


def test_a_large_fixed_step_falls_back_from_the_series(monkeypatch):
    from fdgui.core.netcheck import exact as netcheck

    spec = NetworkSpec((10, 8, 7, 4), "tanh", "cross-entropy", batch_size=9, seed=5)
    used = []
    original = netcheck.ExactEngine._jet_change

    def spy(self, *args):
        result = original(self, *args)
        used.append(result is not None)
        return result

    monkeypatch.setattr(netcheck.ExactEngine, "_jet_change", spy)
    run_to_completion(CheckSettings(spec, epsilon=1e-2))
    assert used and not any(used)  # remainder too large for ε = 1e-2: exact path
    used.clear()
    run_to_completion(CheckSettings(spec))
    assert used and all(used)


def test_relu_entries_that_switch_a_deeper_unit_take_the_exact_path(monkeypatch):
    """With a wide fixed ε many relu steps switch units of deeper layers: those entries must
    get the exact differences and the kink flag, the rest the (exact, linear) series."""
    from fdgui.core.netcheck import exact as netcheck

    spec = NetworkSpec((10, 8, 8, 7, 4), "relu", "cross-entropy", batch_size=9, seed=5)
    fast = run_to_completion(CheckSettings(spec, epsilon=0.05))
    monkeypatch.setattr(netcheck.ExactEngine, "_jet_change", lambda *args: None)
    slow = run_to_completion(CheckSettings(spec, epsilon=0.05))
    # kinks flagged (explained, or undecided where the one-sided slopes cannot show more)
    assert any(e.note in ("kink", "kink-unexamined") for e in slow.worst)
    for a, b in zip(fast.tensors, slow.tensors, strict=True):
        np.testing.assert_allclose(a.numeric, b.numeric, rtol=1e-11, atol=1e-17)
        assert a.kinks == b.kinks
    assert fast.verdict == slow.verdict
