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

from collections.abc import Callable

import numpy as np

from fdgui.core.netcheck.roundoff import measure_roundoffs, roundoff_points
from fdgui.core.netcheck.tolerances import own_scales
from fdgui.core.numbers.precision import recommended_epsilon

LOOK_NUMBERS = 2**23  # a plan builds the first call's points up to this many numbers (64 MB)


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


class RoundoffLook:
    """The numeric engine's round-off measurement as its plan sees it: the arguments the
    engine passes (the loss's precision, when not yet learned, taken as float64 — what a
    Python float loss computes in; the tensors' step scales as proposed, ``own_scales``, as
    resolving them costs calls), its first call's points (built when first asked, none past
    LOOK_NUMBERS numbers) and, once evaluated (``call_cost``), their losses (``values``)."""

    def __init__(self, model, epsilon: float | None, theta: np.ndarray) -> None:
        self.precision = "float64"  # (the numeric engine's, when the model names none)
        known = getattr(model, "precision_known", True)
        if known and callable(getattr(model, "loss_precision", None)):
            self.precision = str(model.loss_precision())
        offsets = list(model.offsets())
        scales = None
        if epsilon is None:
            scales = own_scales(theta, offsets, recommended_epsilon(self.precision, 0.0))
        self.arguments = {"epsilon": epsilon, "offsets": offsets, "step_scales": scales}
        self.theta = theta
        self.values: object = None
        self._points: np.ndarray | None = None

    @property
    def points(self) -> np.ndarray:
        if self._points is None:
            tensors = len(self.arguments["offsets"]) - 1
            if not 0 < roundoff_points(tensors) * self.theta.size <= LOOK_NUMBERS:
                self._points = np.empty((0, self.theta.size))
            else:
                self._points = first_points(self.theta, self.precision, **self.arguments)
        return self._points

    def follow_up(self, losses: Callable[[np.ndarray], object], a: float, b: float,
                  allowed: float) -> float:  # fmt: skip
        """Seconds (a + b·points) of the measurement's call after its first, foreseen from
        the first call's losses (``values``; else evaluated here when that call costs at
        most ``allowed`` seconds); 0 when none follows or it is not foreseen."""
        points, values = self.points, self.values
        if values is None:
            if not points.shape[0] or a + b * points.shape[0] > allowed:
                return 0.0
            values = losses(points)  # (an error here is the check's own first call's)
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if values.shape[0] != points.shape[0] or not np.all(np.isfinite(values)):
            return 0.0
        follow = next_call(values, self.theta, self.precision, **self.arguments)
        return a + b * follow if follow else 0.0
