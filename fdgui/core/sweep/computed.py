"""The bar of a probe's own gradient: the rounding of the number it returns.

A probe's ``grad`` returns float64 numbers (or numbers in the precision its loss is computed
in). A correct backward pass gives the exact derivative up to the rounding of its last
operations, a few u·|g|, and in a coarser format the rounding a computed gradient carries
there (``claim.dtype_rounding``: the network check allows ten roundings). Until session 8 a
gradient that stated no bar was taken as 1e-6 of its size: a 1e-6 bug that Richardson
resolved 2.5e5 times was "Gradient correct (confirmed …)" while the network check failed
the same entry (review9k HIGH-1). Other backprops with no stated bar (the built-in network)
keep ``diagnosis.UNKNOWN_GRADIENT_ERROR``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fdgui.core.errors import ModelFailure

GRADIENT_ULPS = 4.0  # float64 roundings of a computed gradient's last operations (besides
# the 4·u every gradient's bar carries in ``diagnosis._gradient_bar``)


def computed_gradient_error(model: Any, value: float) -> float | None:
    """The rounding of a probe's gradient ``value``: 4·u·|g| of float64, plus the rounding
    a computed gradient carries in a coarser format where the probe's loss is computed in
    one and ``value`` is a number of that format (``gradient_precision``); None for other
    models."""
    if getattr(model, "kind", None) != "probe" or not np.isfinite(value):
        return None
    from fdgui.core.sweep.claim import dtype_rounding

    found = getattr(model, "loss_precision", None)
    precision = "float64"
    if callable(found):
        try:
            precision = str(found())
        except ModelFailure:  # the probe stopped, was killed, restarted with another loss:
            raise  # the run ends with it (it read a new process's losses against the old
            # process's gradient: a false "wrong" after a kill −9 between two calls)
        except Exception:  # a probe that cannot say: its numbers are float64
            precision = "float64"
    own = gradient_precision(value, precision)
    return GRADIENT_ULPS * 2.0**-53 * abs(value) + dtype_rounding(value, own)


COARSER = ("float32", "bfloat16", "float16")  # narrower formats, widest first


def gradient_precision(value: float, loss_precision: str) -> str:
    """The format a probe's gradient ``value`` was computed in, as far as it shows: float64
    for a probe whose loss is float64, or where ``value`` is no number of the loss's format
    (a float16 loss's gradient worked out in float64: 1 % bugs were "confirmed" within ten
    float16 roundings, 4.9e-3); else the loss's format (a torch float32 model's gradient)."""
    if loss_precision not in COARSER:
        return "float64"
    from fdgui.core.numbers.precision import numpy_dtype

    with np.errstate(all="ignore"):
        held = float(np.asarray(value, dtype=np.float64).astype(numpy_dtype(loss_precision)))
    return loss_precision if held == value else "float64"
