"""The cost planner on a probe whose loss has a known cost: its prediction lands within 30 %
of the check that follows it, in every mode.

The probe's ``losses`` sleeps a fixed time per call, a time per point, and once per new
batch size a "compile" (as ``jax.jit`` does for every shape): the planner has to time the
pieces the check will run (their batch sizes, their fixed cost per call) and pay the one-time
costs itself. Sleeping (not computing) keeps the loss's cost the same on a busy machine; the
prediction and the run are measured back to back, three times, and the median ratio judged
(and the first pair, as the window meets it). A mode whose median misses is measured three
times more and the median of all six judged: a projection runs for ~80 ms, and CI once read
0.98, 0.68, 0.64 (a slower machine for two runs; the same code here reads 0.85-1.1).
"""

from __future__ import annotations

import os
import statistics
import textwrap
from dataclasses import replace

import pytest

from fdgui.core.netcheck import CheckSettings, plan_costs, run_to_completion
from fdgui.core.netcheck.forward_plan import interpolate, piece_sizes
from fdgui.probe.model import open_probe

KNOWN_COST = """
import time
import numpy as np

theta0 = np.linspace(-1.0, 1.0, 600)
names = [("W", (20, 25)), ("b", (100,))]
CALL, POINT, FIRST = 0.003, 0.0002, 0.05  # seconds: per call, per point, per new batch size
seen = set()

def _sleep(count):
    time.sleep(CALL + POINT * count + (FIRST if count not in seen else 0.0))
    seen.add(count)

def loss(t):
    _sleep(1)
    return float(np.sum(np.sin(t) * t))

def grad(t):
    return np.sin(t) + t * np.cos(t)

def losses(ts):
    ts = np.asarray(ts)
    _sleep(len(ts))
    return np.sum(np.sin(ts) * ts, axis=1)
"""


def _skip_when_overloaded() -> None:
    """A plan is a prediction of time on this machine; with several times more work running
    than it has cores, the operating system's scheduling decides the times, not the plan."""
    load = os.getloadavg()[0]
    if load > 1.5 * (os.cpu_count() or 1):
        pytest.skip(f"machine overloaded (load average {load:.1f}): timing says nothing")


def _judged(measure, rounds: int = 2) -> dict[str, list[float]]:
    """{mode: predicted/ran ratios}: ``measure()`` gives one ratio a mode; three rounds, and
    three more (up to ``rounds`` times) while a mode's median lies over 30 % from 1."""
    ratios: dict[str, list[float]] = {}
    for _round in range(rounds):
        for _ in range(3):
            for mode, ratio in measure().items():
                ratios.setdefault(mode, []).append(ratio)
        if all(abs(statistics.median(v) - 1) <= 0.30 for v in ratios.values()):
            break
    return ratios


def test_pieces_and_interpolation():
    assert piece_sizes(300, 300, 128) == [128, 128, 44]
    assert piece_sizes(300, 16, 128) == [16]
    assert piece_sizes(0, 0, 128) == []
    costs = {1: 1.0, 16: 2.5, 128: 13.7}
    assert interpolate(costs, 16) == 2.5
    assert interpolate(costs, 72) == pytest.approx(2.5 + (72 - 16) / 112 * 11.2)
    assert interpolate(costs, 256) == pytest.approx(2 * 13.7)


def test_the_plan_of_a_probe_with_a_known_cost_is_within_30_percent_of_the_run(tmp_path):
    _skip_when_overloaded()
    path = tmp_path / "known_cost.py"
    path.write_text(textwrap.dedent(KNOWN_COST))
    settings = CheckSettings(None, engine="forward", samples=16, directions=4)
    model = open_probe(str(path))
    try:
        told = []  # what each plan was made of, for the failure's message

        def measure() -> dict[str, float]:
            plans = plan_costs(settings, model=model)
            found = {}
            for mode in ("full", "sample", "projection"):
                report = run_to_completion(replace(settings, mode=mode), model=model)
                assert report.passed
                found[mode] = plans[mode].expected_seconds / report.seconds
                plan = plans[mode]
                told.append(f"{mode}: planned {plan.expected_seconds:.3f} s (tensors "
                            f"{[round(t, 3) for t in plan.tensor_seconds]}, quick {plan.quick}),"
                            f" ran {report.seconds:.3f} s")  # fmt: skip
            return found

        ratios = _judged(measure)
        for mode, values in ratios.items():
            ratio = statistics.median(values)
            assert abs(ratio - 1) <= 0.30, f"{mode}: predicted/ran {values}; {told}"
            # the first plan and run, as in the window (a probe is planned when it opens):
            # one-time costs (the 'compiles', the loss's precision) are paid by the plan and
            # counted by neither (before: 9× too much for sample mode, 4.6× for projections)
            assert 0.5 <= values[0] <= 2.0, (
                f"{mode}: the first plan against its run: {values}; {told}"
            )
        assert abs(ratios["full"][0] - 1) <= 0.30, ratios["full"]
    finally:
        model.close()


def test_the_plan_of_a_no_grad_probe_is_within_30_percent_of_its_estimate(tmp_path):
    """Without grad the window plans the numeric gradient (six evaluations an entry), timed
    on its own pieces the same way."""
    _skip_when_overloaded()
    from fdgui.core.netcheck.numeric import (
        DIRECTION_EVALUATIONS,
        EVALUATIONS_PER_ENTRY,
        numeric_gradient_report,
    )

    path = tmp_path / "known_cost_no_grad.py"
    path.write_text(textwrap.dedent(KNOWN_COST).replace("def grad(t):", "def _unused(t):"))
    settings = CheckSettings(None, engine="forward", samples=16, directions=4)
    model = open_probe(str(path))
    try:
        assert not model.has_gradient

        def measure() -> dict[str, float]:
            plans = plan_costs(settings, model=model)
            found = {}
            for mode in ("full", "sample", "projection"):
                result = numeric_gradient_report(model, replace(settings, mode=mode))
                each = DIRECTION_EVALUATIONS if mode == "projection" else EVALUATIONS_PER_ENTRY
                assert result.verdict == "none"
                assert plans[mode].evaluations == each * result.parameters_checked, mode
                found[mode] = plans[mode].expected_seconds / result.seconds
            return found

        ratios = _judged(measure)
        for mode, values in ratios.items():
            assert abs(statistics.median(values) - 1) <= 0.30, f"{mode}: {values}"
            assert 0.5 <= values[0] <= 2.0, f"{mode}: the first plan against its run: {values}"
    finally:
        model.close()


SLOW_BATCHED = """
import time
import numpy as np

def parameters():
    return {"w": np.linspace(-1.0, 1.0, 40)}

def loss(p):
    time.sleep(0.12)
    return float(np.sum(np.cos(p["w"]) * p["w"]))

def losses(batch):
    w = batch["w"]
    time.sleep(0.12 + 0.002 * len(w))  # a slow call, but its points are cheap
    return np.sum(np.cos(w) * w, axis=1)
"""


@pytest.mark.parametrize(
    "offset",
    [
        # this loss cancels to 0 at θ0 (an odd sum over symmetric w): its round-off lies above
        # u·|L| at every spacing, so the round-off measurement narrows (one call more, which
        # the quick plan foresees from the measurement's first call; tests/core/
        # test_netcheck_roundoff_calls.py counts the calls without a clock)
        "",
        " + 0.3",  # the same slow calls, a loss that does not cancel
    ],
)
def test_a_slow_loss_with_cheap_batched_points_is_planned_as_the_check_batches(tmp_path, offset):
    """The quick plan of a slow loss times a batched call too: the fixed cost of a call is
    paid once for its points (it was planned as 0.12 s a point: 15-28× the run)."""
    _skip_when_overloaded()
    from fdgui.core.netcheck.numeric import (
        numeric_gradient_report,
    )

    path = tmp_path / "slow_batched.py"
    source = SLOW_BATCHED.replace('* p["w"])', f'* (p["w"]{offset}))')
    source = source.replace("* w, axis=1)", f"* (w{offset}), axis=1)")
    path.write_text(textwrap.dedent(source))
    model = open_probe(str(path))
    try:
        ratios = []
        for mode in ("full", "sample"):
            settings = CheckSettings(None, engine="forward", mode=mode, samples=16)
            plan = plan_costs(settings, model=model)[mode]
            result = numeric_gradient_report(model, settings)
            ratios.append(plan.expected_seconds / result.seconds)
        assert all(abs(ratio - 1) <= 0.30 for ratio in ratios), ratios
    finally:
        model.close()
