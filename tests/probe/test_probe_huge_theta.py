"""A huge θ0 (review15w H2: 1e7–3e7 parameters): the cost plan is counts × costs, never a
list of every piece (a 1e7-entry full check is 1e7 pieces of one entry: the plan took 30 s
of Python over them and the table stayed "measuring…"); and a probe whose reply would not
fit in the memory fdgui may use is refused in words before the bytes are read."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings
from fdgui.core.netcheck.forward_plan import piece_runs, piece_sizes
from fdgui.core.netcheck.planner import CostPlan
from fdgui.core.netcheck.quick_plan import quick_plans
from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe


def test_piece_runs_sum_as_the_pieces_do():
    for size, count, rows in [(300, 300, 128), (300, 16, 128), (0, 0, 128), (7, 7, 1), (5, 3, 8)]:
        runs = piece_runs(size, count, rows)
        flat = [n for n, times in runs for _ in range(times)]
        assert flat == piece_sizes(size, count, rows)


def test_the_plan_of_a_huge_theta_counts_its_pieces_at_once():
    settings = CheckSettings(spec=None, engine="forward", mode="full")
    shapes = [("theta", (100_000_000,)), ("b", (7,))]
    start = time.perf_counter()
    plans = quick_plans(settings, shapes, 1, 0.002, 1e-4, 2, CostPlan)
    took = time.perf_counter() - start
    assert took < 0.5, f"the plan of 1e8 one-entry pieces took {took:.1f} s"
    full = plans["full"]
    assert full.evaluations == 2 * (100_000_007)
    # each piece of one entry: one call (a) and two points (b each)
    expected = 100_000_007 * (0.002 + 2 * 1e-4)
    assert math.isclose(sum(full.tensor_seconds), expected, rel_tol=1e-9)
    small = quick_plans(settings, [("W", (20, 25)), ("b", (100,))], 128, 0.003, 2e-4, 2, CostPlan)
    pieces = [piece_sizes(500, 500, 128), piece_sizes(100, 100, 128)]
    assert small["full"].tensor_seconds == pytest.approx(
        tuple(sum(0.003 + 2e-4 * 2 * n for n in p) for p in pieces)
    )


HUGE = """
import numpy as np
theta0 = np.full(2_000_000, 0.5)

def loss(t):
    return float(np.sum(t ** 2))

def grad(t):
    return 2 * t
"""


def test_a_reply_larger_than_the_memory_fdgui_may_use_is_refused_in_words(tmp_path, monkeypatch):
    import fdgui.core.netcheck.settings as memory

    monkeypatch.setattr(memory, "available_memory_bytes", lambda: 10 * 2**20)  # 10 MiB
    path = tmp_path / "huge.py"
    path.write_text(HUGE)
    start = time.perf_counter()
    with pytest.raises(ProbeError) as caught:
        open_probe(str(path))
    message = str(caught.value)
    assert "15.3 MB" in message, message  # θ0's 2,000,000 float64
    assert "memory" in message and "2,000,000" in message, message
    assert time.perf_counter() - start < 30
    # with the memory there, the same file opens
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: 8 * 2**30)
    model = open_probe(str(path))
    try:
        assert np.asarray(model.theta0()).size == 2_000_000
    finally:
        model.close()


def test_a_plan_of_days_reads_in_days():
    from fdgui.core.numbers.format import duration

    assert duration(4_037_118.6) == "47 days"
    assert duration(5 * 3600) == "5.0 h"
    assert duration(210) == "3.5 min"


def test_timing_a_call_never_sends_more_points_than_the_check_will():
    """A 1e7-entry θ: the check sends 2 points a call (one entry a piece); timing calls of 8
    copies (640 MB) stalled the window and doubled the memory for nothing."""
    from fdgui.core.netcheck.quick_plan import call_cost

    sizes: list[int] = []

    def losses(points):
        sizes.append(len(points))
        return np.zeros(len(points))

    theta = np.zeros(1000)
    call_cost(losses, theta, True, most=2)
    assert max(sizes) <= 2, sizes

    def slow(points):
        sizes.append(len(points))
        time.sleep(0.07)
        return np.zeros(len(points))

    sizes.clear()
    call_cost(slow, theta, True, most=2)
    assert max(sizes) <= 2, sizes
