"""Entries the first ε cannot decide, decided at a larger ε: the ε ladder.

At the first ε an entry is undecided when the round-off of its central difference is about
as large as half of its gradient (in float32 a loss of about 1 carries ~1e-7 of round-off, so
(L+ − L−)/(2ε) at ε = 4e-3 cannot resolve gradients below ~1e-4). Round-off falls as 1/h
while truncation grows as h², so such an entry is looked at again at larger steps, with an
error bar made of what was *measured*, never of what would make it pass:

* **the losses' round-off** N (``measure_roundoff``): a bound on the error of one loss
  change ΔL = L(θ') − L(θ0) as the check forms it in the dtype. For a sample of entries of
  every tensor (at the first ε and at a large step) the same points are evaluated in the
  dtype and in float64; N is ``SAFETY`` times the largest difference seen, and never less
  than one unit in the last place of L in the dtype. A model that cannot be evaluated in
  float64 at the same points gets the assumption the first window makes, 10·u·max(1, |L|),
  and the report says so. The round-off of a central difference at h is at most N/h.
* **truncation, measured**: the ladder h_j = ε0·2^j is climbed one step at a time from the
  first ε. At step h the bar is max(|c(2h) − c(h)|, |c(4h) − c(2h)|/4) + N/h +
  ``GRADIENT_ULPS``·u·|a| (in the h² regime c(2h) − c(h) is three times the truncation of
  c(h)). A step is used only where that regime is seen: c(h/2), c(h), c(2h), c(4h) follow the
  h² law (each difference four times the one below, within ``LAW_SLACK`` of itself and three
  standard deviations of round-off; truncation visible between 2h and 4h must be visible
  between h and 2h too), c(h) and c(2h) agree with every smaller step of the climb within
  their round-off, and no relu switches within the steps (the exact engine knows).

The entry is **decided** at the first step whose bar is at most |a|/4: a gradient off by a
factor 2 (|n − a| ≈ |a|/2) or of the wrong sign then lies outside the bar and fails, one
within it passes. An entry whose best bar stays between |a|/4 and |a|/2 is still decided
wrong where |n − a| exceeds ``WRONG_BARS`` bars (a sign flip the bar resolves).
Differences seen above their round-off must grow with the step: shrinking ones have left
the h² regime, and the climb stops there (as at any step that leaves the Taylor regime) or
at 4h = ``REACH``·max(1, |w|) (larger steps than that were seen to fake the h² law on saturating
losses). An entry still above |a|/4 stays **undecided** with the reason: round-off at every
usable step (``ROUNDOFF_LIMIT``), truncation first (``TRUNCATION_LIMIT``), a relu switch
(``KINK_LIMIT``). The report counts them and names the fraction.

Only smooth losses are retried by the forward engine: past a kink a piecewise-linear loss is
straight again, so the differences of larger steps need not show it. A fixed ε is the
person's choice: it is never moved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fdgui.core.netcheck.chunks import Chunk, sample_indices
from fdgui.core.netcheck.reexamine import KINK_LIMIT, ROUNDOFF_LIMIT, TRUNCATION_LIMIT
from fdgui.core.numbers.precision import spacing_at, unit_roundoff

SAFETY = 3.0  # N = SAFETY × the largest round-off seen in the sample
SAMPLES_PER_TENSOR = 6  # entries per tensor whose losses are also evaluated in float64
SAMPLE_SEED = 0x5EED  # which entries (not the sample mode's seed: another draw)
LARGE_STEP = 64.0  # the sample's second step, times the first ε (capped at max(1,|w|)/4)
DECIDE_SHARE = 0.25  # decided when the bar is at most |a|/4 (a factor 2 then fails)
REACH = 4.0  # the largest step evaluated is REACH·max(1, |w|): the bar, not this, limits h
LAW_SLACK = 0.25  # the h² law's ratio 4 may be 3.2 … 5.3 (the next order's share)
GRADIENT_ULPS = 8.0  # the gradient under check, as the dtype rounds it: 8·u·|a|
WRONG_BARS = 2.0  # |n − a| beyond this many bars is wrong, whatever |a|/4 is


@dataclass
class Tally:
    """Loss evaluations the ladder and the round-off measurement made (the report counts
    them with the check's own)."""

    evaluations: int = 0


@dataclass(frozen=True)
class Roundoff:
    """N: a bound on the round-off of one loss change ΔL in the dtype (see module doc)."""

    per_change: float
    measured: bool  # False: assumed as 10·u·max(1,|L|) (no float64 evaluation to compare)
    largest_seen: float = math.nan  # the largest |ΔL(dtype) − ΔL(float64)| in the sample
    samples: int = 0  # loss changes compared
    typical: float = math.nan  # their root mean square (NaN: assumed, then N/SAFETY is used)

    @property
    def spread(self) -> float:
        """The typical round-off of one ΔL (for the h² law test, which must not be lax)."""
        return self.typical if math.isfinite(self.typical) else self.per_change / SAFETY


# (position, indices, steps) -> (ΔL+, ΔL−, kink) in the dtype at w ± steps (steps per entry)
StepChanges = Callable[[int, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def assumed_roundoff(dtype: str, loss: float) -> Roundoff:
    return Roundoff(10 * unit_roundoff(dtype) * max(1.0, abs(loss)), False)


def measure_roundoff(engine, dtype: str, loss: float, tally: Tally | None = None) -> Roundoff:
    """N for this check (``engine``: ``tensor_sizes``, ``values_of``, ``epsilon_for``,
    ``step_changes`` and ``reference_changes``; the latter None when there is no float64
    evaluation of the same points)."""
    floor = spacing_at(abs(loss), dtype) if math.isfinite(loss) else 0.0
    seen: list[np.ndarray] = []
    for position, size in enumerate(engine.tensor_sizes()):
        if size == 0:
            continue
        indices = sample_indices(size, position, SAMPLE_SEED, SAMPLES_PER_TENSOR)
        values = engine.values_of(position, indices)
        first = np.broadcast_to(engine.epsilon_for(values, position), indices.shape).astype(float)
        large = np.minimum(first * LARGE_STEP, np.maximum(1.0, np.abs(values)) / 4)
        for steps in (first, large):
            reference = engine.reference_changes(position, indices, steps)
            if reference is None:
                return assumed_roundoff(dtype, loss)
            plus, minus, _ = engine.step_changes(position, indices, steps)
            if tally is not None:  # both signs, in the dtype and in float64
                tally.evaluations += 4 * indices.size
            with np.errstate(invalid="ignore"):
                errors = np.abs(np.concatenate([plus - reference[0], minus - reference[1]]))
            seen.append(errors[np.isfinite(errors)])
    errors = np.concatenate(seen) if seen else np.zeros(0)
    largest = float(errors.max()) if errors.size else 0.0
    typical = float(np.sqrt(np.mean(errors**2))) if errors.size else 0.0
    bound = max(SAFETY * largest, floor)
    return Roundoff(bound, True, largest, int(errors.size), max(typical, floor / 2))


def candidates(chunk: Chunk, window: np.ndarray, correct: np.ndarray) -> np.ndarray:
    """Entries of a chunk the first ε left undecided (positions in the chunk's arrays)."""
    a = np.atleast_1d(np.asarray(chunk.analytic, dtype=float))
    numeric = np.broadcast_to(np.asarray(chunk.numeric, dtype=float), a.shape)
    vanished = np.broadcast_to(chunk.vanished, a.shape)
    kink = np.broadcast_to(chunk.kink, a.shape)
    undecided = np.broadcast_to(chunk.undecided, a.shape)
    with np.errstate(invalid="ignore"):
        within = np.abs(numeric - a) <= window
        wide = window >= 0.5 * np.abs(a)
    pick = ((within & wide) | vanished) & ~correct & ~kink & ~undecided
    pick &= np.isfinite(a) & (a != 0) & (np.isfinite(numeric) | vanished)
    return np.flatnonzero(pick)


def climb(
    chunk: Chunk,
    position: int,
    chosen: np.ndarray,
    values: np.ndarray,
    changes_at: StepChanges,
    roundoff: Roundoff,
    dtype: str,
) -> Chunk:
    """Retry the ``chosen`` entries of ``chunk`` (their weights: ``values``) on the ladder
    h = ε0·2^k; returns the chunk with their numbers at the step that decided them (or the
    best step tried), their bars, and the undecided ones marked with the reason."""
    if chosen.size == 0:
        return chunk
    size = np.size(chunk.indices)
    out = {
        name: np.array(np.broadcast_to(getattr(chunk, name), (size,)), dtype=kind)
        for name, kind in (
            ("numeric", float),
            ("epsilon", float),
            ("plus", float),
            ("minus", float),
            ("vanished", bool),
            ("undecided", bool),
        )
    }
    bar = np.full(size, np.nan) if chunk.bar is None else np.array(chunk.bar, dtype=float)
    reason = np.zeros(size, np.int8) if chunk.reason is None else np.array(chunk.reason)
    indices = np.atleast_1d(chunk.indices)[chosen]
    a = np.abs(np.broadcast_to(np.asarray(chunk.analytic, dtype=float), (size,))[chosen])
    base = out["epsilon"][chosen]
    n = chosen.size
    noise = roundoff.per_change
    allowance = GRADIENT_ULPS * unit_roundoff(dtype) * a
    goal = DECIDE_SHARE * a
    # the ladder h_j = ε0·2^j (j = 0: the first ε, whose ΔL± are known), climbed one step at
    # a time up to 4h = REACH·max(1, |w|)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        j_top = np.floor(np.log2(REACH * np.maximum(1.0, np.abs(values)) / (4 * base)))
    j_top = np.where(np.isfinite(j_top), j_top, 0).astype(int)
    width = int(max(j_top.max(), 1)) + 3
    central = np.full((n, width), np.nan)
    kink = np.zeros((n, width), dtype=bool)
    known = np.zeros((n, width), dtype=bool)
    steps = base[:, None] * 2.0 ** np.arange(width)[None, :]
    plus = np.full((n, width), np.nan)
    minus = np.full((n, width), np.nan)
    plus[:, 0] = out["plus"][chosen]
    minus[:, 0] = out["minus"][chosen]
    with np.errstate(invalid="ignore", over="ignore"):
        central[:, 0] = (plus[:, 0] - minus[:, 0]) / (2 * base)
    known[:, 0] = True
    best = np.full(n, np.inf)
    best_k = np.full(n, -1)
    limit = np.full(n, ROUNDOFF_LIMIT, dtype=np.int8)
    # even with no truncation at all the top step's round-off is too much: no step helps
    with np.errstate(divide="ignore", invalid="ignore"):
        lowest = noise / (base * 2.0 ** np.maximum(j_top, 1)) + allowance
    # where no step can bring the bar to |a|/4 but one can bring it to |a|/2, the largest
    # step is still looked at: a gradient more than WRONG_BARS bars off is wrong there
    active = (j_top >= 1) & (lowest <= 2 * goal)
    # the climb starts where round-off alone no longer rules a decision out (N/h ≤ |a|/4):
    # smaller steps cannot decide, and the h² law is read from h/2 … 4h around each step
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        start = np.ceil(np.log2(noise / (np.maximum(goal - allowance, 1e-300) * base)))
    start = np.clip(np.where(np.isfinite(start), start, 1), 1, None).astype(int)
    start = np.where(lowest <= goal, start, np.maximum(j_top, 1))
    level = int(start[active].min(initial=1))
    while level <= int(j_top.max(initial=0)):
        live = np.flatnonzero(active & (j_top >= level) & (start <= level))
        active[active & (j_top < level)] = False
        if not active.any():
            break
        if live.size == 0:
            level += 1
            continue
        rows = np.repeat(live, 4)
        cols = np.tile(np.arange(level - 1, level + 3), live.size)
        need = ~known[rows, cols]
        if need.any():
            r, c = rows[need], cols[need]
            p, m, q = changes_at(position, indices[r], steps[r, c])
            plus[r, c], minus[r, c] = p, m
            with np.errstate(invalid="ignore", over="ignore"):
                central[r, c] = (np.asarray(p) - np.asarray(m)) / (2 * steps[r, c])
            kink[r, c] = np.broadcast_to(q, np.shape(p))
            known[r, c] = True
        h = steps[live, level]
        below, here, up, top = (central[live, level + j] for j in (-1, 0, 1, 2))
        with np.errstate(invalid="ignore", over="ignore"):
            first, second, lower = up - here, top - up, here - below
            difference = np.maximum(np.abs(first), np.abs(second) / 4)
            rounding = noise / h  # |e+ − e−|/(2h) ≤ 2N/(2h)
            # the h² law: each difference of steps four times the one below, within
            # LAW_SLACK of itself (the next order) and three standard deviations of its round-off
            # (c(4h) − 5c(2h) + 4c(h): 3.3·s/h; c(2h) − 5c(h) + 4c(h/2): 6.6·s/h; s the
            # typical round-off of one ΔL)
            spread = roundoff.spread / h
            lawful = np.abs(second - 4 * first) <= LAW_SLACK * np.abs(second) + 10 * spread
            lawful &= np.abs(first - 4 * lower) <= LAW_SLACK * np.abs(first) + 20 * spread
            # truncation that shows between 2h and 4h must show between h and 2h too (a
            # quarter of it): one difference above round-off does not make a law
            seen_top = np.abs(second) > 0.75 * rounding  # c(2h), c(4h): N/(2h) + N/(4h)
            seen_first = np.abs(first) > 1.5 * rounding
            lawful &= ~seen_top | seen_first
            # and differences seen above their round-off grow with the step, never shrink:
            # shrinking ones have left the h² regime (the law's round-off slack alone
            # cannot see that where round-off is as large as the differences)
            seen_lower = np.abs(lower) > 3 * rounding  # c(h/2), c(h): N/(h/2) + N/h
            shrinking = (seen_lower & (np.abs(first) < np.abs(lower))) | (
                seen_first & (np.abs(second) < np.abs(first))
            )
            lawful &= ~shrinking
            # and c(h), c(2h) consistent with every smaller step of the climb (their
            # round-off bars, and at most the truncation this step allows): a loss that
            # leaves its Taylor regime between the first ε and h shows it here
            consistent = np.ones(live.size, dtype=bool)
            for j in range(level):
                earlier = central[live, j]
                slack = rounding + noise / steps[live, j] + difference
                seen = known[live, j]
                consistent &= ~seen | (np.abs(here - earlier) <= slack)
                consistent &= ~seen | (
                    np.abs(up - earlier) <= slack + rounding / 2 + 3 * difference
                )
            value = difference + rounding + allowance[live]
        kinked = kink[live, level - 1 : level + 3].any(axis=1)
        usable = lawful & consistent & ~kinked & np.isfinite(value)
        value = np.where(usable, value, np.inf)
        better = value < best[live]
        best[live[better]] = value[better]
        best_k[live[better]] = level
        done = best[live] <= goal[live]
        limit[live] = np.where(
            kinked,
            KINK_LIMIT,
            np.where(~lawful | ~consistent | (difference > rounding), TRUNCATION_LIMIT,
                     ROUNDOFF_LIMIT),
        )  # fmt: skip
        # past a step that left the Taylor regime (or crossed a switch) larger steps only
        # move further from it
        growing = np.isfinite(value) & ~better & (limit[live] == TRUNCATION_LIMIT)
        leave = done | ~consistent | kinked | growing | shrinking
        active[live[leave]] = False
        level += 1
    # decided where the bar is at most |a|/4, or where a bar of at most |a|/2 puts n more
    # than WRONG_BARS bars from a (a sign flip resolved by its bar)
    signed = np.broadcast_to(np.asarray(chunk.analytic, dtype=float), (size,))[chosen]
    at_best = central[np.arange(n), np.maximum(best_k, 0)]
    with np.errstate(invalid="ignore"):
        beyond = (best <= 2 * goal) & (np.abs(at_best - signed) > WRONG_BARS * best)
    decided = (best <= goal) | (beyond & (best_k >= 0))
    for e in np.flatnonzero(best_k >= 0):
        at, k = chosen[e], best_k[e]
        out["epsilon"][at] = steps[e, k]
        out["plus"][at], out["minus"][at] = plus[e, k], minus[e, k]
        out["numeric"][at] = (plus[e, k] - minus[e, k]) / (2 * steps[e, k])
        out["vanished"][at] = False
        bar[chosen[e]] = best[e]
    undecided_at = chosen[~decided]
    out["undecided"][undecided_at] = True
    reason[undecided_at] = limit[~decided]
    bar[undecided_at] = np.where(np.isfinite(bar[undecided_at]), bar[undecided_at], np.inf)
    scalar = np.ndim(chunk.numeric) == 0 and size == 1

    def shaped(array: np.ndarray):
        return array[0].item() if scalar else array

    return Chunk(
        chunk.indices,
        shaped(out["numeric"]),
        chunk.analytic,
        shaped(out["epsilon"]),
        shaped(out["plus"]),
        shaped(out["minus"]),
        chunk.kink,
        shaped(out["vanished"]),
        shaped(out["undecided"]),
        int(reason[0]) if scalar else reason,
        float(bar[0]) if scalar else bar,
    )


def retries(engine, settings) -> bool:
    """Whether this check retries undecided entries on the ladder: the recommended ε (a fixed
    one is the person's choice), and an engine whose larger steps can be trusted (the exact
    engine in float32/float16/bfloat16, which flags relu switches; the forward engine on a
    smooth model)."""
    if settings.epsilon is not None:
        return False
    if engine.name == "exact":
        return settings.dtype != "float64"
    return bool(engine.smooth)


def roundoff_for(engine, settings, loss: float, tally: Tally | None = None) -> Roundoff:
    """N for the check: measured where the dtype's losses can be compared with float64 ones,
    else assumed; a noisy loss (the forward engine's σ) adds NOISE_WIDTH·σ."""
    from fdgui.core.netcheck.reexamine import NOISE_WIDTH

    precision = getattr(engine, "precision", settings.dtype)
    if settings.dtype == "float64":
        found = assumed_roundoff(precision, loss)
    else:
        found = measure_roundoff(engine, precision, loss, tally)
    sigma = float(getattr(engine, "noise_sigma", 0.0))
    if sigma > 0:
        found = Roundoff(found.per_change + NOISE_WIDTH * sigma, found.measured,
                         found.largest_seen, found.samples)  # fmt: skip
    return found


def select(piece: Chunk, tolerances) -> np.ndarray:
    """Positions (in the piece's arrays) of the entries the first ε left undecided."""
    from fdgui.core.numbers.verdicts import VERDICTS

    a = np.atleast_1d(np.asarray(piece.analytic, dtype=float))
    numeric = np.broadcast_to(np.asarray(piece.numeric, dtype=float), a.shape)
    window = tolerances.atol + tolerances.rtol * np.abs(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.maximum(np.maximum(np.abs(numeric), np.abs(a)), 1e-8)
        correct = np.abs(numeric - a) / scale <= VERDICTS[0].upper
    return candidates(piece, window, correct)


def counted_changes(engine, tally: Tally, limit: int) -> StepChanges:
    """The engine's ΔL± at steps, at most ``limit`` entries a call (the engine's own chunk,
    which bounds its temporaries), counted in ``tally``."""

    def changes_at(position: int, entries: np.ndarray, steps: np.ndarray):
        tally.evaluations += 2 * np.size(steps)
        found = [
            engine.step_changes(position, entries[start : start + limit],
                                steps[start : start + limit])
            for start in range(0, np.size(steps), limit)
        ]  # fmt: skip
        return tuple(np.concatenate([part[k] for part in found]) for k in range(3))

    return changes_at


def refine(
    piece: Chunk, position: int, engine, roundoff: Roundoff, tolerances, tally: Tally
) -> Chunk:
    """The piece with its undecided entries retried on the ladder (see module doc); a
    projection direction steps along it (|w| ≤ 1)."""
    chosen = select(piece, tolerances)
    if chosen.size == 0:
        return piece
    indices = np.atleast_1d(piece.indices)
    if np.ndim(piece.numeric) == 0:
        k = int(indices[0])
        values = np.zeros(1)

        def changes_at(_position, _indices, steps):
            tally.evaluations += 2 * np.size(steps)
            return engine.direction_changes(position, k, steps)
    else:
        values = engine.values_of(position, indices[chosen])
        changes_at = counted_changes(engine, tally, max(1, engine.step_chunk(position)))
    precision = getattr(engine, "precision", tolerances.dtype)
    return climb(piece, position, chosen, values, changes_at, roundoff, precision)


RECHECK_BATCH = 4096  # undecided entries climbed together (the climb's arrays stay small)


def recheck(result, position: int, indices: np.ndarray, engine, roundoff: Roundoff,
            tally: Tally):  # fmt: skip
    """Climb the ladder for the undecided entries ``indices`` of one tensor's ``result``
    (stored by the first look), many at a time; stores what the climb found and yields
    the number of entries done after each batch."""
    precision = getattr(engine, "precision", engine.dtype)
    changes_at = counted_changes(engine, tally, max(1, engine.step_chunk(position)))
    bar = result.bar
    for start in range(0, indices.size, RECHECK_BATCH):
        batch = indices[start : start + RECHECK_BATCH]
        piece = Chunk(
            batch, result.numeric[batch], result.analytic[batch], result.epsilon[batch],
            result.loss_plus_change[batch], result.loss_minus_change[batch],
            result.kink[batch], result.vanished[batch], result.undecided[batch],
            result.reason[batch], None if bar is None else result.bar[batch],
        )  # fmt: skip
        everything = np.arange(batch.size)
        values = engine.values_of(position, batch)
        result.store(climb(piece, position, everything, values, changes_at, roundoff, precision))
        bar = result.bar
        yield min(indices.size, start + RECHECK_BATCH)


def measured_tolerances(tolerances, roundoff: Roundoff, settings, loss: float):
    """The first window's atol from the measured round-off: N/ε (plus, for a fixed ε, the
    truncation allowance ε²·max(1, |L|) of ``recommended_tolerances``); unchanged when N
    was not measured."""
    from dataclasses import replace

    from fdgui.core.netcheck.tolerances import _round_up_to_power_of_ten

    if not roundoff.measured:
        return tolerances
    truncation = 0.0 if settings.epsilon is None else tolerances.epsilon**2 * max(1.0, abs(loss))
    atol = _round_up_to_power_of_ten(roundoff.per_change / tolerances.epsilon + truncation)
    return replace(tolerances, atol=atol)
