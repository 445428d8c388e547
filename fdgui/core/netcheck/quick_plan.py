"""A plan that costs a call or two: for a loss slow enough that timing the check's pieces
would cost more than a small share of the check itself.

The detailed plan (``forward_plan``) times every piece size the check uses, five times
each, after two engine setups: for a loss taking 0.3 s a call that was 22 s of planning
for an 8.8 s estimate. Here a call's cost is modelled as a + b·points (a: the fixed cost of
a call, b: the cost of a point), from one call of 1 point and one of 8 (a slow loss: of 2,
then of up to 64 where points are cheap against a call; none when it has no batched
``losses``);
the check's calls are known in advance (its pieces, its setup), so the plan is their sum.
The detailed plan is used only while it would cost at most max(PLAN_FLOOR, PLAN_SHARE × the
predicted check).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from fdgui.core.netcheck.forward_plan import TIMED_DIRECTIONS, TIMED_PIECES, piece_runs
from fdgui.core.netcheck.roundoff import roundoff_points
from fdgui.core.netcheck.settings import MODES, CheckSettings, count_checked

if TYPE_CHECKING:
    from fdgui.core.netcheck.roundoff_plan import RoundoffLook

PLAN_SHARE = 0.1  # planning may cost this share of the predicted check …
PLAN_FLOOR = 1.0  # … or this many seconds, whichever is more
BATCH_POINTS = 8  # the second timed call's points (when a point is cheap enough)
SLOW_CALL = 0.0625  # a 1-point call this slow is timed once, and once with SLOW_POINTS
SLOW_POINTS = 2  # (batched losses only: at most two calls' cost where the batch is a loop)
SLOW_MOST = 64  # … then, where a point costs under half a call, one call of up to this many
# a numeric engine's setup: loss, repeats, and the round-off's lines (``roundoff_points``) …
SETUP_CALLS, SETUP_POINTS = 3, 5
PRECISION_CALLS, PRECISION_POINTS = 3, 8  # … and, the first time, the loss's precision


def call_cost(
    losses: Callable[[np.ndarray], object],
    theta: np.ndarray,
    batched: bool = True,
    looked: RoundoffLook | None = None,
    most: int | None = None,
) -> tuple[float, float]:
    """(a, b): seconds a call costs, and seconds a point costs. Each size is called twice and
    the faster taken (a first call of a shape may compile, as ``jax.jit`` does); a slow
    loss is called once with one point and, when it evaluates many points in one call
    (``batched``), once with SLOW_POINTS: a batched call's fixed cost is paid once for all
    its points (a loss that sleeps 0.15 s a call and 2 ms a point was planned 15-28× too
    slow as 0.15 s a point). Unbatched, every point costs a call.

    ``most``: the most points a call of the check sends: no timed call sends more (a
    1e7-entry θ is checked 2 points a call; 8 copies were 640 MB, review15w H2).

    ``looked``: the round-off measurement's first call (``roundoff_plan``); a slow loss's
    many-point call evaluates its points in place of θ0's copies where they are about as
    many (up to twice), and ``looked.values`` are then their losses."""

    def timed(points: np.ndarray) -> float:
        start = time.perf_counter()
        losses(points)
        return time.perf_counter() - start

    most = max(SLOW_POINTS, int(most)) if most is not None else SLOW_MOST
    one = timed(theta[None, :])
    if one >= SLOW_CALL:
        if not batched:
            return 0.0, one
        more = timed(np.repeat(theta[None, :], SLOW_POINTS, axis=0))
        per_point = min(one, max(0.0, (more - one) / (SLOW_POINTS - 1)))
        # points cheap against the call: one call of about twice its cost (n·b ≈ a) measures
        # b past the timing's jitter (a difference of two calls is mostly jitter there)
        count = int(min(SLOW_MOST, most, one / max(per_point, one / SLOW_MOST)))
        wanted = looked.points if looked is not None and count > SLOW_POINTS else None
        if wanted is not None and SLOW_POINTS < len(wanted) <= 2 * count:
            start = time.perf_counter()
            looked.values = losses(wanted)
            more, count = time.perf_counter() - start, len(wanted)
            per_point = min(one, max(0.0, (more - one) / (count - 1)))
        elif count > SLOW_POINTS:
            more = timed(np.repeat(theta[None, :], count, axis=0))
            per_point = min(one, max(0.0, (more - one) / (count - 1)))
        return max(0.0, one - per_point), per_point
    one = min(one, timed(theta[None, :]))
    points = min(BATCH_POINTS, most)
    batch = np.repeat(theta[None, :], points, axis=0)
    many = min(timed(batch), timed(batch))
    per_point = max(0.0, (many - one) / (points - 1))
    return max(0.0, one - per_point), per_point


def numeric_calls(
    settings: CheckSettings, shapes, rows: int, per_entry: int, per_direction: int | None = None
) -> dict[str, list]:
    """{mode: per tensor, the check's calls as (points of a call, how many such calls)} for
    the numeric engine (``per_direction``: evaluations along a projection's direction;
    default ``per_entry``). Runs, not a list of calls: a 1e7-entry tensor is 1e7 calls."""
    per_direction = per_entry if per_direction is None else per_direction
    out: dict[str, list] = {}
    for mode in MODES:
        tensors = []
        for _, shape in shapes:
            size = math.prod(shape)
            if mode == "projection":
                tensors.append([(per_direction, settings.directions)] if size else [])
                continue
            count = size if mode == "full" else min(size, settings.samples)
            tensors.append([(per_entry * n, times) for n, times in piece_runs(size, count, rows)])
        out[mode] = tensors
    return out


def detailed_cost(a: float, b: float, shapes, rows: int, samples: int, per_entry: int) -> float:
    """About what the detailed plan's timed calls cost (two setups, the largest tensor's
    warm-up and timing; the rest of its budget, 2 s, on top when the loss is slow)."""
    sizes = sorted((math.prod(shape) for _, shape in shapes), reverse=True)
    if not sizes or not sizes[0]:
        return 0.0
    widest, narrow = min(rows, sizes[0]), min(samples, sizes[0])

    def call(n: int) -> float:
        return a + b * per_entry * n

    setup = 2 * (SETUP_CALLS * a + (SETUP_POINTS + roundoff_points(len(sizes))) * b)
    warm = call(widest) + call(narrow) + call(1)
    timed = TIMED_PIECES * (call(1) + call(widest) + call(narrow)) + TIMED_DIRECTIONS * call(1)
    return setup + warm + timed


def quick_plans(settings: CheckSettings, shapes, rows: int, a: float, b: float, per_entry: int,
                plan_type, precision_known: bool = True,
                per_direction: int | None = None) -> dict:  # fmt: skip
    """{mode: CostPlan} from the call-cost model."""
    calls = numeric_calls(settings, shapes, rows, per_entry, per_direction)
    setup = SETUP_CALLS * a + (SETUP_POINTS + roundoff_points(len(shapes))) * b
    if not precision_known:
        setup += PRECISION_CALLS * a + PRECISION_POINTS * b
    plans = {}
    for mode in MODES:
        tensor_seconds = tuple(
            sum(times * (a + b * n) for n, times in pieces) for pieces in calls[mode]
        )
        count = count_checked(replace(settings, mode=mode), shapes)
        each = per_direction if mode == "projection" and per_direction else per_entry
        evaluations = each * count
        expected = setup + sum(tensor_seconds)
        plans[mode] = plan_type(mode, count, evaluations, expected / max(evaluations, 1), expected,
                                0, tensor_seconds, "numeric")  # fmt: skip
    return plans


def worth_detail(settings: CheckSettings, shapes, rows: int, a: float, b: float,
                 per_entry: int, plan_type, known: bool = True,
                 per_direction: int | None = None) -> tuple[bool, dict]:  # fmt: skip
    """(whether the detailed plan costs at most its share of the check, the quick plans)."""
    plans = quick_plans(settings, shapes, rows, a, b, per_entry, plan_type, known, per_direction)
    predicted = plans[settings.mode].expected_seconds
    budget = max(PLAN_FLOOR, PLAN_SHARE * predicted)
    return detailed_cost(a, b, shapes, rows, settings.samples, per_entry) <= budget, plans


# the forward engine (a check with a gradient): two losses an entry or a direction
FORWARD_EVALUATIONS = 2
# the detailed plan's cost is foreseen from two tiny timed calls, whose jitter on a busy
# machine alone can triple it: a fast probe keeps its detailed plan (within 30 % of the run,
# issue 9) unless the foreseen cost is this many times the planning's budget
DETAIL_MARGIN = 2.0


def _forward_rows(model, theta: np.ndarray, shapes, dtype: str) -> int:
    """The forward engine's entries per piece (``ForwardEngine.rows``), without building it."""
    from fdgui.core.netcheck.chunks import forward_rows_per_chunk
    from fdgui.core.netcheck.forward import CHANGED_CHUNK_ELEMENTS, CHANGED_MAX_ROWS

    if dtype == "float64" and callable(getattr(model, "losses_changed", None)):
        largest = max((math.prod(shape) for _, shape in shapes), default=1)
        return max(1, min(CHANGED_MAX_ROWS, CHANGED_CHUNK_ELEMENTS // (2 * max(largest, 1))))
    return forward_rows_per_chunk(theta.size)


def _check_losses(model, theta: np.ndarray, dtype: str) -> Callable[[np.ndarray], object]:
    """The calls the forward engine will make, as ``call_cost`` times them: a float64 check
    of a model that evaluates "θ0 with one entry changed" sends only the changes (a vmapped
    probe's change costs a fraction of a whole point's); else whole points."""
    changed = getattr(model, "losses_changed", None)
    if dtype != "float64" or not callable(changed) or not theta.size:
        return model.losses

    def losses(points: np.ndarray) -> object:
        where = np.arange(len(points)) % theta.size
        return changed(where, theta[where] + 1e-6 * np.maximum(1.0, np.abs(theta[where])))

    return losses


def pilot_cost(a: float, b: float, shapes) -> float:
    """About what the ε ladder's pilot costs (``ladder_plan``): a round-off measurement and
    PILOT_ENTRIES entries of every tensor through the first look, as much again for the
    climbs (their number is what the pilot is there to learn)."""
    from fdgui.core.netcheck.ladder_plan import PILOT_ENTRIES

    measurement = SETUP_CALLS * a + roundoff_points(len(shapes)) * b
    looks = sum(a + b * FORWARD_EVALUATIONS * min(PILOT_ENTRIES, math.prod(shape))
                for _, shape in shapes if math.prod(shape))  # fmt: skip
    return measurement + 2 * looks


def gradient_quick_plans(settings: CheckSettings, model, shapes, plan_type,
                         memory: Callable[[CheckSettings], int]) -> dict | None:  # fmt: skip
    """The plans of a check with a gradient (the forward engine) from counts × the measured
    cost of a call, when timing the check's pieces and running the ladder's pilot would cost
    more than DETAIL_MARGIN × max(PLAN_FLOOR, PLAN_SHARE × the check) — a slow loss (review12p M1:
    665 calls of a 20 ms loss to plan a check of 331); None when that detail is affordable.
    ``memory``: a mode's settings → its memory estimate."""
    theta = np.asarray(model.theta0(), dtype=np.float64).ravel()
    rows = _forward_rows(model, theta, shapes, settings.dtype)
    losses = _check_losses(model, theta, settings.dtype)
    # the first call of a shape may compile (jax.jit: 0.2 s, read as a slow loss and planned
    # 400× the check); the detailed plan calls this shape too
    losses(theta[None, :])
    a, b = call_cost(losses, theta, bool(getattr(model, "batched", True)),
                     most=FORWARD_EVALUATIONS * rows)  # fmt: skip
    known = bool(getattr(model, "precision_known", True))
    plans = quick_plans(settings, shapes, rows, a, b, FORWARD_EVALUATIONS, plan_type, known)
    budget = max(PLAN_FLOOR, PLAN_SHARE * plans[settings.mode].expected_seconds)
    detail = detailed_cost(a, b, shapes, rows, settings.samples, FORWARD_EVALUATIONS)
    if detail + pilot_cost(a, b, shapes) <= DETAIL_MARGIN * budget:
        return None
    return {mode: replace(plan, engine="forward", quick=True,
                          memory_bytes=memory(replace(settings, mode=mode)))
            for mode, plan in plans.items()}  # fmt: skip
