"""A fixed ε the dtype cannot honour is refused, before any work (one rule for the CLI and the
window, where it is the ε field's error).

The rule: a fixed ε is refused when w + ε or w − ε rounds back to w, in the check's dtype,
for more than half of the weights checked — most central differences would then see no step
(or a one-sided one) and the check could only come out undecided. The message names the
smallest ε (1, 2 or 5 × a power of ten) that moves at least half of them both ways.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.numbers.format import epsilon as epsilon_text
from fdgui.core.numbers.precision import numpy_dtype

MOST = 0.5  # refused when more than this share of the weights does not move


def _round(values: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "float64":
        return np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        return np.asarray(values).astype(numpy_dtype(dtype)).astype(np.float64)


def unmoved(values: np.ndarray, epsilon: float, dtype: str) -> np.ndarray:
    """Where w + ε or w − ε rounds back to w in the dtype (``values``: as the dtype holds w)."""
    w = _round(values, dtype)
    return (_round(w + epsilon, dtype) == w) | (_round(w - epsilon, dtype) == w)


def smallest_moving(values: np.ndarray, dtype: str, share: float = MOST) -> float:
    """The smallest 1-2-5 ε that moves at least ``share`` of the weights both ways."""
    w = _round(values, dtype)
    kind = numpy_dtype(dtype)
    held = w.astype(kind)
    up = np.nextafter(held, np.array(np.inf, dtype=kind)).astype(np.float64) - w
    down = w - np.nextafter(held, np.array(-np.inf, dtype=kind)).astype(np.float64)
    needed = np.sort(np.maximum(up, down))  # just above half a gap moves w; a whole gap does
    target = float(needed[min(needed.size - 1, math.ceil(share * needed.size))])
    power = 10.0 ** math.floor(math.log10(target))
    for step in (1.0, 2.0, 5.0, 10.0):
        candidate = step * power
        if candidate >= target and np.mean(~unmoved(values, candidate, dtype)) > share:
            return candidate
    return 10 * power


def refuse_unmovable(epsilon: float, dtype: str, values: np.ndarray) -> None:
    """InputError on "epsilon" when the fixed ε cannot move most weights in the dtype."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    lost = unmoved(values, epsilon, dtype)
    if np.mean(lost) <= MOST:
        return
    smallest = smallest_moving(values, dtype)
    raise InputError(
        "epsilon",
        f"ε = {epsilon_text(epsilon)} is too small for {dtype}: w ± ε rounds back to w for "
        f"{int(np.sum(lost)):,} of {values.size:,} weights, so most differences would see no "
        f"step; use ε ≥ {epsilon_text(smallest)} (or leave ε empty)",
    )


@functools.lru_cache(maxsize=4)
def network_weights(spec) -> np.ndarray:
    """The built-in network's parameters at θ0, flat (cached: the window validates often)."""
    from fdgui.core.models.mlp import build_network

    weights = np.concatenate([p.ravel() for p in build_network(spec).parameters])
    weights.setflags(write=False)
    return weights
