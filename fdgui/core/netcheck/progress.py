"""How far a check has got: a fraction weighted by each tensor's expected cost."""

from __future__ import annotations

import math
from collections.abc import Sequence

Progress = tuple[float, str]

LADDER_EVALUATIONS = 8.0  # loss evaluations per entry the ε ladder re-checks (measured: 6-10)


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

    def __init__(self, weights: Sequence[float], confirm_weight: float = 0.0) -> None:
        self._weights = list(weights)
        # the float64 confirmation after the last tensor (netcheck.confirm) gets its planned
        # share of the bar (``confirm_weight``, in the weights' unit); the tensors the rest
        extra = confirm_weight if math.isfinite(confirm_weight) and confirm_weight > 0 else 0.0
        self._total = (sum(self._weights) or 1.0) + extra
        self._confirm_start = 0.0
        self._finished = 0.0  # the weight of the tensors already checked
        self._share = 0.0
        self._size = 1
        self._last = 0.0  # the fraction last reported: it never goes back
        self._ladder_start = 0.0
        # loss evaluations per re-checked entry, as measured so far (``ladder_rate``)
        self.per_entry = LADDER_EVALUATIONS

    def start_tensor(self, position: int, size: int) -> None:
        """Tensor ``position`` starts; ``size`` entries (or directions) will be checked."""
        self._share = self._weights[position] / self._total
        self._size = max(size, 1)

    def fraction(self, done: int) -> float:
        """Fraction of the whole check once ``done`` entries of the current tensor are done."""
        return self._report(self._finished + self._share * done / self._size)

    def first_look(self, done: int, found: int) -> float:
        """As ``fraction``, for a check that re-checks undecided entries on the ε ladder
        after each tensor's first look: ``found`` of the ``done`` entries are undecided so
        far, so the tensor's share is split as its expected evaluations are (2 per entry,
        ``per_entry`` per undecided one, extrapolated to the whole tensor)."""
        done = max(done, 1)
        expected = 2 * self._size + self.per_entry * found / done * self._size
        return self._report(self._finished + self._share * 2 * done / expected)

    def ladder(self, rechecked: int, undecided: int) -> float:
        """Fraction once ``rechecked`` of the tensor's ``undecided`` entries are re-checked:
        from where the first look left the bar to the end of the tensor's share."""
        if rechecked == 0:
            self._ladder_start = self._last
        end = self._finished + self._share
        step = (end - self._ladder_start) * rechecked / max(undecided, 1)
        return self._report(self._ladder_start + step)

    def ladder_rate(self, evaluations: int, entries: int) -> None:
        """The ladder's evaluations per re-checked entry so far (used for later tensors)."""
        if entries > 0:
            self.per_entry = evaluations / entries

    def confirmation(self, done: int, total: int) -> float:
        """Fraction once ``done`` of ``total`` entries are confirmed in float64: from where
        the tensors left the bar to the end (their planned share; none planned: the bar
        stays where it is while the message counts)."""
        if done == 0:
            self._confirm_start = self._last
        step = (1.0 - self._confirm_start) * done / max(total, 1)
        return self._report(self._confirm_start + step)

    def finish_tensor(self) -> None:
        self._finished += self._share
        self._report(self._finished)

    def _report(self, value: float) -> float:
        self._last = max(self._last, min(1.0, value))
        return self._last
