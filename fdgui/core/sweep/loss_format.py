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
