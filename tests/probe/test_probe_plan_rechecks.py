"""The cost plan counts the second looks a disagreeing entry gets (review15w M2: planned 168
evaluations, the run made 1,126 + 110 with 16 entries wrong): each plan says what an entry
that disagrees adds, and with the run's count of such entries the plan meets the run."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from fdgui.core.netcheck import CheckSettings, plan_costs, run_to_completion
from fdgui.probe.model import open_probe

BUGGY = """
import numpy as np
rng = np.random.default_rng(0)
theta0 = rng.normal(size=200)

def loss(t):
    return float(np.sum(np.tanh(t) * t) + 0.5 * np.sum(t ** 2))

def grad(t):
    g = np.tanh(t) + t * (1 - np.tanh(t) ** 2) + t
    g[len(g) - BAD:] *= 1.5  # the last entries' gradient is wrong
    return g
"""


def _plan_and_run(tmp_path, bad: int, mode: str):
    path = tmp_path / f"buggy{bad}.py"
    path.write_text(textwrap.dedent(BUGGY).replace("BAD", str(bad)))
    model = open_probe(str(path))
    try:
        settings = CheckSettings(None, engine="forward", mode=mode, samples=16)
        plan = plan_costs(settings, model=model)[mode]
        report = run_to_completion(settings, model=model)
        return plan, report
    finally:
        model.close()


def test_the_plan_says_what_each_disagreeing_entry_adds_and_meets_the_run(tmp_path):
    plan, report = _plan_and_run(tmp_path, 10, "full")
    failures = sum(t.failures for t in report.tensors)
    assert report.verdict == "fail" and failures == 10
    assert plan.recheck_evaluations > 0 and plan.recheck_limit >= 10
    assert plan.recheck_seconds > 0
    evaluations, _seconds = plan.if_disagreeing(failures)
    ratio = evaluations / report.evaluations
    assert 0.7 <= ratio <= 1.3, (
        f"planned {plan.evaluations} + {failures} × {plan.recheck_evaluations}, "
        f"the run made {report.evaluations}"
    )
    # without the second looks the plan was less than half of the run
    assert plan.evaluations < 0.6 * report.evaluations


def test_an_honest_check_is_planned_as_before(tmp_path):
    plan, report = _plan_and_run(tmp_path, 0, "sample")
    assert report.verdict == "pass"
    assert plan.if_disagreeing(0) == (plan.evaluations, plan.expected_seconds)
    assert 0.7 <= plan.evaluations / report.evaluations <= 1.3
    assert replace(plan, recheck_limit=0).if_disagreeing(5)[0] == plan.evaluations
