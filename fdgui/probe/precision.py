"""The precision a probe's loss is computed in, learned from what it returns.

A probe may round its loss to float32 (``np.float32(...)``, a torch module in float32, a
``float()`` of a float32 tensor): its values then carry float32's round-off, and a check
that assumed float64 (ε ≈ 6e-6, tolerances of 1e-16·L) would call an honest gradient wrong.
The worker reports the dtype of what the loss returned where it has one; a Python ``float``
has none, so the values themselves are looked at too: float64 numbers that are all exactly
float32 (or float16, bfloat16) numbers — at several points where the loss is not a whole
number — came from that format (a float64 computation lands on a float32 number with
probability 2⁻²⁹ per value).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.numbers.precision import numpy_dtype, unit_roundoff

COARSE = ("float16", "bfloat16", "float32")  # looked for in this order (coarsest first)
MIN_VALUES = 3  # distinct non-integer values needed before the values decide


def coarser(first: str, second: str | None) -> str:
    """The one of two precisions with the larger unit round-off."""
    if not second:
        return first
    return second if unit_roundoff(second) > unit_roundoff(first) else first


def precision_of_values(values: np.ndarray) -> str:
    """'float16', 'bfloat16' or 'float32' when every value is exactly one of that format's
    numbers (and enough of them are not whole numbers to tell); else 'float64'."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    telling = np.unique(values[values != np.round(values)])
    if telling.size < MIN_VALUES:
        return "float64"
    for name in COARSE:
        with np.errstate(over="ignore", invalid="ignore"):
            rounded = telling.astype(numpy_dtype(name)).astype(np.float64)
        if np.array_equal(rounded, telling):
            return name
    return "float64"
