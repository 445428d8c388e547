"""The cost planner costs a small share of the check it plans (review11p M1, review12p M1).

A probe whose loss takes 20 ms and appends a byte to a counter file per call: the planner
called it 665 times before the first plan of a 120-parameter check that itself takes 331
calls (and a 0.2–0.6 s loss never got a plan). The loss calls are counted, not timed."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from fdgui.core.netcheck import CheckSettings, plan_costs, run_to_completion
from fdgui.probe.model import open_probe

SLOW = """
import time
import numpy as np

rng = np.random.default_rng(1)
X = rng.standard_normal((16, 6)); Y = rng.standard_normal((16, 2))
names = [("W1", (6, 6)), ("b1", (6,)), ("W2", (6, 2))]
theta0 = rng.standard_normal(36 + 6 + 12) * 0.3

def unpack(t):
    return t[:36].reshape(6, 6), t[36:42], t[42:].reshape(6, 2)

def loss(t):
    time.sleep(0.02)
    with open(COUNTER, "a") as f:
        f.write("1")
    W1, b1, W2 = unpack(t)
    h = np.tanh(X @ W1 + b1)
    return float(0.5 * ((h @ W2 - Y) ** 2).mean())

def grad(t):
    W1, b1, W2 = unpack(t)
    h = np.tanh(X @ W1 + b1)
    r = (h @ W2 - Y) / Y.size
    dh = (r @ W2.T) * (1 - h**2)
    return np.concatenate([(X.T @ dh).ravel(), dh.sum(0), (h.T @ r).ravel()])
"""


def test_a_slow_loss_is_planned_with_a_small_share_of_the_checks_calls(tmp_path):
    counter = tmp_path / "count.txt"
    counter.write_text("")
    path = tmp_path / "slow_count.py"
    path.write_text(textwrap.dedent(SLOW).replace("COUNTER", repr(str(counter))))

    def calls() -> int:
        return counter.stat().st_size

    settings = CheckSettings(None, engine="forward")
    model = open_probe(str(path))
    try:
        before = calls()
        plans = plan_costs(settings, model=model)
        planned = calls() - before
        before = calls()
        report = run_to_completion(replace(settings, mode="full"), model=model)
        checked = calls() - before
    finally:
        model.close()
    assert report.parameters_checked == 54
    # before: 300 calls to plan a check of 150
    assert planned <= 0.2 * checked, (planned, checked)
    assert planned <= 30, planned
    # the plan from counts × the measured cost of a call still says what the check costs
    assert 0.5 <= plans["full"].expected_seconds / report.seconds <= 2.0, (
        plans["full"].expected_seconds,
        report.seconds,
    )
    assert plans["full"].evaluations >= 2 * 54
    assert all(plan.quick for plan in plans.values())
