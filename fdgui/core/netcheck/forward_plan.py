"""The cost planner for the forward engine: time the pieces the check will run, as it runs them.

The forward engine's model may be the person's own code in a probe process, whose cost per
call is not proportional to the points in it: a call pays a fixed overhead (the round trip to
the process, the helper's dispatch), a batched call costs per point what its batch size
makes it cost (a vmapped batch that no longer fits in cache is dearer per point), and the
first call of a shape may compile or trace (``jax.jit``: once per varying tensor and batch
size). Measured on a 9,610-parameter torch MLP (benchmarks/bench_probe.py): the pieces
timed right after the process sat idle ran 10–40 % slower than the same pieces inside a
running check, and three timed pieces (about 40 ms) swung the prediction by ±30 % between
runs; a JAX probe compiled five shapes the planner had never run, in the check (8× the
predicted time).

The cost of a piece also depends on its tensor: vmap computes what does not vary once, so
a batch varying the last layer's weights cost a quarter per point of one varying the first
layer's (the same MLP). So the plan is made from every tensor's own pieces:

1. warm-up: one untimed piece of every distinct piece size the full and sampled checks will
   cut the tensor into, and one direction, so one-time costs are paid here, not during the
   check that follows;
2. timing: a piece of the sizes the check uses most — a full piece (``rows`` entries, or
   the whole tensor) and a sample piece (k entries) — each a trimmed mean over at least
   TIMED_PIECES repeats (the full piece for at least the tensor's share of TIMED_SECONDS),
   TIMED_DIRECTIONS directions, and, on the largest tensor, a single entry: the fixed cost
   of a call. A piece of any other size (a tensor's last, partial piece) is interpolated
   linearly between the nearest two measured sizes;
3. tensors are timed largest first; once BUDGET_SECONDS have passed the rest are only
   warmed (while WARM_SECONDS last) and cost per piece what the timed tensor nearest in size
   costs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from fdgui.core.netcheck.settings import CheckSettings

BUDGET_SECONDS = 1.0  # timing tensors after the largest stops after this long
WARM_SECONDS = 1.0  # ... and warming the untimed ones after this much more
TIMED_PIECES = 5  # a measured piece size: the trimmed mean of at least this many pieces
TIMED_DIRECTIONS = 5  # ... and of this many projection directions
TIMED_SECONDS = 0.1  # full pieces are timed for at least this long over all tensors
TIMED_LIMIT = 64  # ... but never more than this many pieces of a size
TIMED_MAX_SECONDS = 1.0  # ... nor (a slow loss) longer than this once one piece is timed


def piece_sizes(size: int, count: int, rows: int) -> list[int]:
    """The sizes of the pieces the forward engine cuts ``count`` entries of a tensor into."""
    if size <= 0 or count <= 0:
        return []
    return [rows] * (count // rows) + ([count % rows] if count % rows else [])


def piece_runs(size: int, count: int, rows: int) -> list[tuple[int, int]]:
    """``piece_sizes`` as (piece size, how many such pieces): a plan sums over these at once
    (a 1e7-entry tensor at one entry a piece is 1e7 pieces: listing them took the planner
    30 s of Python, review15w H2)."""
    if size <= 0 or count <= 0:
        return []
    runs = [(rows, count // rows)] if count >= rows else []
    return runs + ([(count % rows, 1)] if count % rows else [])


def _typical_seconds(run: Callable[[], object], pieces: int, seconds: float) -> float:
    """Seconds of one ``run()``: the mean over at least ``pieces`` calls and ``seconds``
    without the fastest and the slowest call (the check's time is a sum, so a mean; on a
    shared machine a call's time swings between states the mean must weigh, and one
    preempted call must not decide)."""
    times: list[float] = []
    started = time.perf_counter()
    longest = max(seconds, TIMED_MAX_SECONDS)
    while len(times) < TIMED_LIMIT and (
        len(times) < pieces or time.perf_counter() - started < seconds
    ):
        if times and time.perf_counter() - started > longest:
            break  # a slow loss: a few pieces must do
        before = time.perf_counter()
        run()
        times.append(time.perf_counter() - before)
    times.sort()
    return float(np.mean(times[1:-1] if len(times) > 2 else times))


def interpolate(costs: dict[int, float], n: int) -> float:
    """Seconds of a piece of ``n`` entries from the measured sizes: linear between the
    nearest two, proportional beyond the largest."""
    sizes = sorted(costs)
    if n in costs:
        return costs[n]
    if n > sizes[-1]:
        return costs[sizes[-1]] * n / sizes[-1]
    if n < sizes[0]:
        return costs[sizes[0]]
    upper = next(s for s in sizes if s > n)
    lower = max(s for s in sizes if s < n)
    share = (n - lower) / (upper - lower)
    return costs[lower] + share * (costs[upper] - costs[lower])


def forward_costs(
    engine, settings: CheckSettings, shapes: list[tuple[str, tuple[int, ...]]]
) -> dict[str, list[float]]:
    """{mode: measured seconds of each tensor's share of that mode's check}."""
    rows = int(engine.rows)
    sizes = [math.prod(shape) for _, shape in shapes]
    total = max(1, sum(sizes))
    k = settings.samples
    order = sorted((p for p in range(len(shapes)) if sizes[p]), key=lambda p: -sizes[p])
    full = [piece_runs(size, size, rows) for size in sizes]
    sample = [piece_runs(size, min(size, k), rows) for size in sizes]

    # entries (or directions) run, and the losses their looks after the first evaluated
    looked = {p: [0, 0] for p in range(len(shapes))}
    along = {p: [0, 0] for p in range(len(shapes))}

    def counted(tally: list, run: Callable[[], object], n: int) -> object:
        before = getattr(engine, "more_evaluations", 0)
        found = run()
        tally[0] += n
        tally[1] += getattr(engine, "more_evaluations", 0) - before
        return found

    def piece(position: int, n: int) -> Callable[[], object]:
        """Pieces of n entries one after the other through the tensor, as the check runs
        them (the same piece again would find its data in cache)."""
        starts = iter(range(0, 1 << 62, n))

        def run() -> object:
            start = next(starts) % max(1, sizes[position] - n + 1)
            indices = np.arange(start, start + n)
            return counted(looked[position], lambda: engine.evaluate_indices(position, indices),
                           n)  # fmt: skip

        return run

    def directions(position: int) -> Callable[[], object]:
        numbers = iter(range(1, 1 << 30))

        def run() -> object:
            return engine.direction_chunk(position, next(numbers))

        return lambda: counted(along[position], run, 1)

    def warm(position: int) -> None:
        for n in sorted({n for n, _ in full[position]} | {n for n, _ in sample[position]}):
            piece(position, n)()
        engine.direction_chunk(position, 0)

    costs: dict[int, dict[int, float]] = {}
    per_direction: dict[int, float] = {}
    started = time.perf_counter()
    for position in order:
        if costs and time.perf_counter() - started > BUDGET_SECONDS:
            break
        warm(position)
        widest = min(rows, sizes[position])
        measured = {}
        if not costs:  # the largest tensor: a single entry, the fixed cost of a call
            if all(n != 1 for n, _ in (*full[position], *sample[position])):
                piece(position, 1)()  # its warm-up
            measured[1] = _typical_seconds(piece(position, 1), TIMED_PIECES, 0.0)
        share = TIMED_SECONDS * sizes[position] / total
        measured[widest] = _typical_seconds(piece(position, widest), TIMED_PIECES, share)
        narrow = min(k, widest)
        if narrow not in measured:
            measured[narrow] = _typical_seconds(piece(position, narrow), TIMED_PIECES, 0.0)
        costs[position] = measured
        per_direction[position] = _typical_seconds(directions(position), TIMED_DIRECTIONS, 0.0)
    one = costs[order[0]][1] if order else 0.0
    warmed = time.perf_counter()
    for position in order:
        if position in costs:
            costs[position].setdefault(1, one)
            continue
        if time.perf_counter() - warmed < WARM_SECONDS:
            warm(position)
        nearest = min(costs, key=lambda p: abs(math.log(sizes[p] / sizes[position])))
        costs[position], per_direction[position] = costs[nearest], per_direction[nearest]
    return {
        # losses the looks after the first evaluate, per entry and per direction
        "more": _rates(looked, order, sizes),
        "more_along": _rates(along, order, sizes),
        "full": [sum(times * interpolate(costs[p], n) for n, times in full[p])
                 if sizes[p] else 0.0 for p in range(len(shapes))],
        "sample": [sum(times * interpolate(costs[p], n) for n, times in sample[p])
                   if sizes[p] else 0.0 for p in range(len(shapes))],
        "projection": [settings.directions * per_direction[p] if sizes[p] else 0.0
                       for p in range(len(shapes))],
    }  # fmt: skip


def _rates(tallies: dict, order: list[int], sizes: list[int]) -> list[float]:
    """Per tensor, the losses its looks after the first evaluated per entry (or direction)
    run while timing (``tallies``: entries run, those losses); a tensor run not at all
    takes the rate of the run one nearest in size."""
    rates = [tally[1] / tally[0] if tally[0] else 0.0 for tally in tallies.values()]
    ran = [p for p in order if tallies[p][0]]
    for position in order:
        if not tallies[position][0] and ran:
            nearest = min(ran, key=lambda p: abs(math.log(sizes[p] / sizes[position])))
            rates[position] = rates[nearest]
    return rates
