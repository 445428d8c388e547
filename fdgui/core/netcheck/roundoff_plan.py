"""The round-off measurement's calls foreseen for a plan (``quick_plan``).

How many calls ``roundoff.measure_roundoffs`` makes depends on the losses it sees: one
where the loss rounds as u·|L| says, a narrowing call more where its residual lies above
that floor (a loss that cancels to 0 at θ0, a kink beside θ0), a widening where the loss
hardly changes. The quick plan of a slow loss counted only the first, so a cancelling loss
was planned at half its run (issue 9). Here the measurement itself is run on the first
call's real losses (one call, the same points the check's own first call evaluates) and
stopped where it asks for more: that next call is the check's too.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.roundoff import measure_roundoffs


class _Asked(Exception):
    """The measurement asked for losses the plan does not evaluate."""

    def __init__(self, points: np.ndarray) -> None:
        super().__init__(points.shape[0])
        self.points = points


def _run(answers: list[np.ndarray], theta: np.ndarray, precision: str, arguments: dict):
    """The points of the measurement's call after ``answers`` (its first calls' losses);
    None when it needs no further call."""
    given = list(answers)

    def losses(points: np.ndarray) -> np.ndarray:
        if not given:
            raise _Asked(np.asarray(points))
        return given.pop(0)

    try:
        measure_roundoffs(losses, theta, precision, **arguments)
    except _Asked as asked:
        return asked.points
    return None


def first_points(theta: np.ndarray, precision: str, **arguments) -> np.ndarray:
    """The points of the measurement's first call (``arguments``: measure_roundoffs's
    epsilon, share, offsets, step_scales)."""
    points = _run([], theta, precision, arguments)
    return np.empty((0, theta.size)) if points is None else points


def next_call(values: np.ndarray, theta: np.ndarray, precision: str, **arguments) -> int:
    """The points of the call the measurement makes after a first call that gave
    ``values`` (0: none; later calls are not foreseen)."""
    points = _run([np.asarray(values, dtype=np.float64)], theta, precision, arguments)
    return 0 if points is None else int(points.shape[0])
