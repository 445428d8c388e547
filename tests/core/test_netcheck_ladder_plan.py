"""The cost plan and the progress bar know the ε ladder (netcheck.ladder_plan, progress).

The float32 panel planned 788 evaluations next to 3,028 done: the plan counted the first
look only. Now a pilot of the same code estimates the ladder's share; the progress bar
splits each tensor's share by expected evaluations, goes on through the ladder phase
("re-checking N undecided entries at larger ε"), never goes back and ends at 1.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

import pytest

from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.netcheck import CheckSettings, run_check
from fdgui.core.netcheck.planner import plan_costs
from fdgui.core.netcheck.progress import ProgressTracker

ISSUE = NetworkSpec((10, 8, 8, 8, 8, 8, 2), "sigmoid", "cross-entropy")


def _run(settings, weights):
    steps, generator = [], run_check(settings, weights=weights)
    try:
        while True:
            steps.append(next(generator))
    except StopIteration as stop:
        return steps, stop.value


@pytest.mark.parametrize(
    "spec, dtype, engine",
    [
        (ISSUE, "float32", "exact"),
        (ISSUE, "float32", "forward"),
        (NetworkSpec((30, 40, 20, 5), "tanh", "mse"), "float16", "exact"),
    ],
)
def test_the_plan_counts_the_ladder_and_the_bar_goes_through_it(spec, dtype, engine):
    settings = CheckSettings(spec, dtype=dtype, engine=engine)
    plans = plan_costs(settings)
    for mode in ("full", "sample"):
        plan = plans[mode]
        steps, report = _run(replace(settings, mode=mode), plan.tensor_seconds)
        first_look = 2 * report.parameters_checked
        assert report.evaluations > 1.5 * first_look  # the ladder did real work here
        assert abs(plan.evaluations - report.evaluations) <= 0.15 * report.evaluations, mode
        fractions = [fraction for fraction, _ in steps]
        assert all(b >= a for a, b in pairwise(fractions))
        assert fractions[-1] == 1.0
        rechecks = [(f, m) for f, m in steps if "re-checking" in m]
        assert rechecks and rechecks[0][0] < 1.0
        found = re.search(r"re-checking ([\d,]+) undecided entries at larger ε", rechecks[0][1])
        assert found and int(found.group(1).replace(",", "")) > 0


def test_a_float64_plan_is_the_first_look_alone():
    settings = CheckSettings(ISSUE)
    plan = plan_costs(settings)["full"]
    steps, report = _run(settings, plan.tensor_seconds)
    assert plan.evaluations == report.evaluations == 2 * report.parameters_checked
    assert not any("re-checking" in message for _, message in steps)


def test_progress_never_goes_back_when_the_ladder_share_changes():
    tracker = ProgressTracker([1.0, 1.0])
    tracker.start_tensor(0, 100)
    seen = [tracker.first_look(10, 0), tracker.first_look(20, 15), tracker.first_look(100, 90)]
    seen += [tracker.ladder(0, 90), tracker.ladder(45, 90), tracker.ladder(90, 90)]
    tracker.finish_tensor()
    tracker.start_tensor(1, 10)
    seen += [tracker.fraction(5), tracker.fraction(10)]
    tracker.finish_tensor()
    assert all(b >= a for a, b in pairwise(seen))
    assert seen[5] == pytest.approx(0.5) and seen[-1] == pytest.approx(1.0)
