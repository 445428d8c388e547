"""The round-off of a model's loss when it computes it in a coarser format than float64.

A probe file's loss may be computed in float32 or bfloat16 whatever dtype the sweep studies
(it evaluates in its own precision): the network check learns that format
(``loss_precision``), and the sweep of one of its entries must use the same — its round-off
guide u·|L|/ε and Richardson's steps and bars — or the two panels contradict each other.
"""

from __future__ import annotations

from typing import Any

from fdgui.core.numbers import precision


def loss_roundoff(objective: Any) -> float | None:
    """u of the format the objective's model computes its loss in, when coarser than
    float64 (None otherwise, or for an objective without a model)."""
    found = getattr(getattr(objective, "model", None), "loss_precision", None)
    if not callable(found):
        return None
    u = precision.unit_roundoff(str(found()))
    return u if u > precision.unit_roundoff("float64") else None


ROUNDOFF_POINTS = 7  # losses along the entry near w that measure the loss's round-off
ROUNDOFF_SAFETY = 3.0  # the largest deviation seen, times this, bounds one loss's round-off


def measured_floor(objective: Any, w: float, unit_roundoff: float) -> float:
    """The round-off of one loss value of a probe's entry, measured near ``w`` (0 for an
    objective without a model): ROUNDOFF_SAFETY times the largest deviation from the
    quadratic through 7 losses a quarter of Richardson's smallest step apart. A loss made
    of large terms that cancel (an offset of 1e10 added and taken away) rounds as they do,
    not as u·|L|; Richardson's bar must carry that round-off or it does not bound."""
    if getattr(objective, "model", None) is None:
        return 0.0
    import numpy as np

    from fdgui.core.numbers.quadratic import largest_residual
    from fdgui.core.sweep.references import richardson_steps

    spacing = float(richardson_steps(w, unit_roundoff)[-1]) / 4
    k = np.arange(ROUNDOFF_POINTS, dtype=np.float64) - (ROUNDOFF_POINTS - 1) / 2
    values = np.asarray(objective.losses(w + k * spacing, "float64"), dtype=np.float64)
    largest = largest_residual(k, values)
    return 0.0 if largest is None else ROUNDOFF_SAFETY * largest
