"""What the ε ladder adds to a check's cost, estimated from a small pilot (the cost planner).

A check that retries undecided entries (``ladder.retries``) first measures the losses'
round-off, then climbs the ladder for the entries its first ε leaves undecided: in float32
that can be most of a deep network's first layer, at 6-10 more loss evaluations each. The
planner cannot know how many before it runs, so it runs the same code on a pilot: the
round-off measurement (timed), then ``PILOT_ENTRIES`` entries of every tensor through the
first look and the ladder, counting the ladder's evaluations per entry. A mode's plan adds
that rate times its entries (or directions) to each tensor's evaluations and seconds (at
the tensor's own measured seconds per evaluation) and the measurement to the total.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from fdgui.core.netcheck import ladder
from fdgui.core.netcheck.chunks import sample_indices
from fdgui.core.netcheck.settings import count_checked

PILOT_ENTRIES = 64  # entries per tensor the pilot runs through the ladder
PILOT_SEED = 0x9170  # which ones (another draw than the sample mode's)


@dataclass(frozen=True)
class LadderPilot:
    """The ladder's evaluations per checked entry of each tensor, and what the round-off
    measurement costs (evaluations, seconds)."""

    per_entry: tuple[float, ...]
    measurement: int
    measurement_seconds: float


def ladder_pilot(engine, settings) -> LadderPilot | None:
    """None where the check measures nothing and retries nothing (float64, or a fixed ε in
    float64); else the pilot's rates (``engine``: the planner's own engine, whose
    tolerances this sets as the check would)."""
    if settings.dtype == "float64" and not ladder.retries(engine, settings):
        return None
    started = time.perf_counter()
    tally = ladder.Tally()
    roundoff = ladder.roundoff_for(engine, settings, engine.loss, tally)
    seconds = time.perf_counter() - started
    tolerances = ladder.measured_tolerances(engine.tolerances(), roundoff, settings, engine.loss)
    engine.use_tolerances(tolerances)
    per_entry = []
    for position, size in enumerate(engine.tensor_sizes()):
        if size == 0 or not ladder.retries(engine, settings):
            per_entry.append(0.0)
            continue
        indices = sample_indices(size, position, PILOT_SEED, PILOT_ENTRIES)
        piece = engine.evaluate_indices(position, indices)
        climbed = ladder.Tally()
        ladder.refine(piece, position, engine, roundoff, tolerances, climbed)
        per_entry.append(climbed.evaluations / indices.size)
    return LadderPilot(tuple(per_entry), tally.evaluations, seconds)


def with_ladder(plan, pilot: LadderPilot | None, settings, shapes):
    """``plan`` (a ``CostPlan`` of the first look) with the ladder and the round-off
    measurement added: evaluations, each tensor's seconds, the total."""
    if pilot is None:
        return plan
    mode_settings = replace(settings, mode=plan.mode)
    seconds = list(plan.tensor_seconds)
    extra = float(pilot.measurement)
    for position, entry in enumerate(shapes):
        count = count_checked(mode_settings, [entry])
        more = pilot.per_entry[position] * count
        if position < len(seconds):
            seconds[position] += more * seconds[position] / max(2 * count, 1)
        extra += more
    evaluations = plan.evaluations + int(np.ceil(extra))
    total = plan.expected_seconds + sum(seconds) - sum(plan.tensor_seconds)
    total += pilot.measurement_seconds
    return replace(
        plan,
        evaluations=evaluations,
        expected_seconds=total,
        seconds_per_evaluation=total / max(evaluations, 1),
        tensor_seconds=tuple(seconds),
    )
