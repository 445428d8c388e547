"""Which tiny tensors may be moved at their own scale: only where the loss's change over
such a step is resolved well above its round-off.

``tolerances.own_scales`` proposes ε·S for a tensor whose every entry is below the step
(S its largest |w|): right for a loss of θ/1e-6, where a step of ε·1 is five times the
parameter and measures the loss's shape. But a bias initialised at 1e-9 (or a denormal) in a
loss that varies with it at scale 1 changes L by a few ulps over ε·S, so the difference is
round-off. Here two random ± moves of the tensor at ε·S measure how much L changes per
entry; the step is widened (up to ε·1) until that change is u^(1/3)·|L|/10, i.e. until the
round-off of one entry's difference is at most ~10·u^(2/3) of it (the dtype's rtol).
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
    return found, len(rows)
