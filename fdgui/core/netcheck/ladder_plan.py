"""What the ε ladder adds to a check's cost, estimated from a small pilot (the cost planner).

A check that retries undecided entries (``ladder.retries``) first measures the losses'
round-off, then climbs the ladder for the entries its first ε leaves undecided: in float32
that can be most of a deep network's first layer, at 6-10 more loss evaluations each. The
planner cannot know how many before it runs, so it runs the same code on a pilot: the
round-off measurement (timed), then ``PILOT_ENTRIES`` entries of every tensor through the
first look and the ladder, counting the ladder's evaluations per entry. A mode's plan adds
that rate times its entries (or directions) to each tensor's evaluations and seconds (at
the tensor's own measured seconds per evaluation) and the measurement to the total. The
pilot also counts the entries the float64 confirmation (``netcheck.confirm``) would examine
and times one: a mode's plan adds their evaluations (``EVALUATIONS_PER_ENTRY`` each, at most
``CONFIRM_LIMIT`` entries) and seconds (``CostPlan.confirm_seconds``, the progress bar's last
share).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from fdgui.core.netcheck import ladder
from fdgui.core.netcheck.chunks import sample_indices
from fdgui.core.netcheck.confirm import CONFIRM_LIMIT, EVALUATIONS_PER_ENTRY
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
    # entries the float64 confirmation would examine, per checked entry of each tensor (the
    # pilot's share of suspects, netcheck.confirm), and its seconds per examined entry
    suspect_share: tuple[float, ...] = ()
    confirm_seconds: float = 0.0
    direction_seconds: float = 0.0  # ... per examined direction (projection mode)


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
    per_entry, shares = [], []
    suspect = None  # (position, flat index) of one suspect, to time its confirmation
    for position, size in enumerate(engine.tensor_sizes()):
        if size == 0:
            per_entry.append(0.0)
            shares.append(0.0)
            continue
        indices = sample_indices(size, position, PILOT_SEED, PILOT_ENTRIES)
        piece = engine.evaluate_indices(position, indices)
        climbed = ladder.Tally()
        if ladder.retries(engine, settings):
            piece = ladder.refine(piece, position, engine, roundoff, tolerances, climbed)
        per_entry.append(climbed.evaluations / indices.size)
        found = _suspects_in(piece, size, tolerances)
        shares.append(found.size / indices.size)
        if found.size and suspect is None:
            suspect = (position, int(found[0]))
    return LadderPilot(
        tuple(per_entry),
        tally.evaluations,
        seconds,
        tuple(shares),
        *_confirm_seconds(engine, settings, suspect),
    )


def _suspects_in(piece, size: int, tolerances) -> np.ndarray:
    """The pilot piece's entries the float64 confirmation would examine (flat indices)."""
    from fdgui.core.netcheck.chunks import TensorResult
    from fdgui.core.netcheck.confirm import suspects

    result = TensorResult("pilot", (size,), "full", 0)
    result.store(piece)
    return suspects(result, tolerances)


def _confirm_seconds(engine, settings, suspect) -> tuple[float, float]:
    """Seconds the float64 confirmation takes per examined entry and per direction (one of
    each timed); 0 where it will not run (float64, no float64 loss) or the pilot found no
    suspect."""
    evaluate = getattr(engine, "float64_losses", None)
    if suspect is None or evaluate is None or settings.dtype == "float64":
        return 0.0, 0.0
    position, flat = suspect
    w = float(engine.values_of(position, np.array([flat]))[0])
    offsets = np.linspace(-1e-3, 1e-3, EVALUATIONS_PER_ENTRY)
    started = time.perf_counter()
    if evaluate(position, flat, w + offsets) is None:
        return 0.0, 0.0
    per_entry = time.perf_counter() - started
    along = getattr(engine, "float64_direction_losses", None)
    if along is None:
        return per_entry, 0.0
    started = time.perf_counter()
    along(position, 0, offsets)
    return per_entry, time.perf_counter() - started


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
    examined, confirm_seconds = _confirmations(pilot, mode_settings, shapes)
    if examined:
        evaluations += 1 + EVALUATIONS_PER_ENTRY * examined
        total += confirm_seconds
    return replace(
        plan,
        evaluations=evaluations,
        expected_seconds=total,
        seconds_per_evaluation=total / max(evaluations, 1),
        tensor_seconds=tuple(seconds),
        confirm_seconds=confirm_seconds,
    )


def _confirmations(pilot: LadderPilot, settings, shapes) -> tuple[int, float]:
    """Entries the float64 confirmation is expected to examine in this mode (the pilot's
    suspect share of each tensor's checked entries or directions, at most ``CONFIRM_LIMIT``)
    and their seconds; none where the pilot timed no confirmation."""
    each = pilot.direction_seconds if settings.mode == "projection" else pilot.confirm_seconds
    if each <= 0 or not pilot.suspect_share:
        return 0, 0.0
    # a direction is taken as likely to be a suspect as an entry of its tensor
    expected = sum(
        share * count_checked(settings, [entry])
        for share, entry in zip(pilot.suspect_share, shapes, strict=False)
    )
    examined = min(CONFIRM_LIMIT, int(np.ceil(expected)))
    return examined, examined * each
