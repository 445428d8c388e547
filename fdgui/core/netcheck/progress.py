"""How far a check has got: a fraction weighted by each tensor's expected cost."""

from __future__ import annotations

import math
from collections.abc import Sequence

Progress = tuple[float, str]


def usable_weights(weights: Sequence[float] | None, count: int) -> bool:
    """Whether caller-given per-tensor weights can be used (one finite, ≥ 0 value per tensor)."""
    return (
        weights is not None
        and len(weights) == count
        and all(math.isfinite(w) and w >= 0 for w in weights)
    )


class ProgressTracker:
    """The check's fraction done, tracking time rather than entries.

    Each tensor's share of the bar is its weight (the planner's measured seconds, or a rough
    cost model): in a deep network one entry of W1 costs hundreds of times one entry of the
    last layers, so counting entries alike would sit at half way for most of the run.
    """

    def __init__(self, weights: Sequence[float]) -> None:
        self._weights = list(weights)
        self._total = sum(self._weights) or 1.0
        self._finished = 0.0  # the weight of the tensors already checked
        self._share = 0.0
        self._size = 1

    def start_tensor(self, position: int, size: int) -> None:
        """Tensor ``position`` starts; ``size`` entries (or directions) will be checked."""
        self._share = self._weights[position] / self._total
        self._size = max(size, 1)

    def fraction(self, done: int) -> float:
        """Fraction of the whole check once ``done`` entries of the current tensor are done."""
        return min(1.0, self._finished + self._share * done / self._size)

    def finish_tensor(self) -> None:
        self._finished += self._share
