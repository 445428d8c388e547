"""Which tiny tensors may be moved at their own scale: only where the loss's change over
such a step is resolved well above its round-off.

``tolerances.own_scales`` proposes ε·S for a tensor whose every entry is below the step
(S its largest |w|): right for a loss of θ/1e-6, where a step of ε·1 is five times the
parameter and measures the loss's shape. But a bias initialised at 1e-9 (or a denormal) in a
loss that varies with it at scale 1 changes L by a few ulps over ε·S, so the difference is
round-off. Here two random ± moves of the tensor at ε·S measure how much L changes per
entry; the step is widened (up to ε·1) until that change is u^(1/3)·|L|/10, i.e. until the
round-off of one entry's difference is at most ~10·u^(2/3) of it (the dtype's rtol) —
if the loss is linear over that wider step (its central differences at h and h/2 agree):
otherwise the own scale stays, and the check cannot resolve the tensor (undecided).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

DIRECTIONS = 2  # random ± moves per tensor (one could cancel by chance)


def resolved_scales(
    losses: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    offsets,
    scales: list[float],
    epsilon: float,
    u: float,
    loss: float,
) -> tuple[list[float], int]:
    """(each tensor's step scale, loss evaluations spent). A proposed own scale S < 1 becomes
    S·(needed change)/(change seen), within [S, 1]: 1 when the change is lost in round-off."""
    candidates = [p for p, value in enumerate(scales) if value != 1.0]
    if not candidates:
        return list(scales), 0
    rng = np.random.default_rng(17)
    rows = []
    for position in candidates:
        start, stop = offsets[position], offsets[position + 1]
        for _ in range(DIRECTIONS):
            move = np.zeros(theta.size)
            signs = np.where(rng.random(stop - start) < 0.5, -1.0, 1.0)
            move[start:stop] = epsilon * scales[position] * signs
            rows += [theta + move, theta - move]
    with np.errstate(all="ignore"):
        values = np.asarray(losses(np.asarray(rows)), dtype=np.float64)
    found = list(scales)
    size_of_loss = max(abs(loss), float(np.max(np.abs(values), initial=0.0)), 1e-300)
    needed = u ** (1.0 / 3.0) * size_of_loss / 10
    pairs = values.reshape(len(candidates), DIRECTIONS, 2)
    for number, position in enumerate(candidates):
        changes = np.abs(pairs[number, :, 0] - pairs[number, :, 1])
        size = offsets[position + 1] - offsets[position]
        change = float(np.max(changes)) / math.sqrt(max(size, 1))
        if not (np.isfinite(change) and change > 0):
            found[position] = 1.0
            continue
        wider = scales[position] * needed / change
        found[position] = float(min(1.0, max(scales[position], wider)))
    spent = len(rows)
    widened = [p for p in candidates if found[p] > scales[p]]
    if widened:
        kept, more = _linear_over(losses, theta, offsets, widened, found, epsilon, u, size_of_loss)
        spent += more
        for position in widened:
            if not kept[position]:
                found[position] = scales[position]
    return found, spent


def _linear_over(losses, theta, offsets, widened, found, epsilon, u, size_of_loss):
    """({position: whether the loss is linear enough over the widened step}, evaluations).
    The central differences along a ± move at the widened step h and at h/2 must agree
    within 1e-3 and their round-off, and be resolved well above it: a loss of t/1e-8 moved
    by 600 times that scale (neither step resolves it) keeps its own scale, its entries then
    undecided, rather than a slope of the loss's shape with a bar that does not bound it."""
    rng = np.random.default_rng(23)
    rows = []
    for position in widened:
        start, stop = offsets[position], offsets[position + 1]
        signs = np.where(rng.random(stop - start) < 0.5, -1.0, 1.0)
        for share in (1.0, 0.5):
            move = np.zeros(theta.size)
            move[start:stop] = epsilon * found[position] * share * signs
            rows += [theta + move, theta - move]
    with np.errstate(all="ignore"):
        values = np.asarray(losses(np.asarray(rows)), dtype=np.float64).reshape(-1, 2, 2)
    kept = {}
    for number, position in enumerate(widened):
        h = epsilon * found[position]
        whole = (values[number, 0, 0] - values[number, 0, 1]) / (2 * h)
        half = (values[number, 1, 0] - values[number, 1, 1]) / h
        roundoff = 20 * u * size_of_loss / h
        with np.errstate(all="ignore"):
            # resolved (well above round-off) and linear: two slopes lost in round-off
            # agree without saying anything
            resolved = abs(whole) > 10 * roundoff
            kept[position] = bool(resolved and abs(whole - half) <= 1e-3 * abs(whole) + roundoff)
    return kept, len(rows)
