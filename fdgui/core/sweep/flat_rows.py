"""Measured rows whose losses never change refute a gradient they resolve (review10h H3,
review10k MEDIUM-3).

L+ = L− = L on every row says the loss moved by less than its ± at every ε: a derivative g
changes L± from L by about |g|·ε, so rows where that is RESOLVED times their loss's ± (or
more), over ε spanning a factor SPAN, put |g| far beyond what the loss can hide there. Only
a feature narrower than the smallest ε (the assumption every bar over rows makes) or a
period dividing every such ε reconciles them. Without the loss at w, L+ = L− alone is a kink
at w with slopes ±a as well (|x − w|), which any gradient in [−a, a] fits: nothing refuted.

The loss's ± is its format's rounding and its printed digits, at least the rounding of the
coarsest format its value is a number of (a flat loss of 0.5 may be bfloat16's: a float32
part that drops a small term keeps it flat, review9k HIGH-4) — a float64 value of full
precision is a float32 number once in 5·10⁸.
"""

from __future__ import annotations

import math

import numpy as np

RESOLVED = 100.0  # the change |g|·ε must exceed this many times the loss's ± (flat.RESOLVED)
SPAN = 10.0  # the rows that resolve it span a decade of ε (flat.flat_contradicts)
MIN_ROWS = 3


def _coarsest_rounding(values: np.ndarray) -> float:
    """The unit round-off of the coarsest binary format every value is a number of (0 when
    none is coarser than float64)."""
    import ml_dtypes

    for dtype, u in ((ml_dtypes.bfloat16, 2.0**-8), (np.float16, 2.0**-11), (np.float32, 2.0**-24)):
        with np.errstate(all="ignore"):
            if bool(np.all(values.astype(dtype).astype(float) == values)):
                return u
    return 0.0


def flat_rows_refute(result, checked: float) -> dict | None:
    """Facts for "wrong" when measured rows that never change (every row L+ = L− = L)
    resolve ``checked``: |checked|·ε over RESOLVED times each loss's ± (``result.row_noise``
    is half that ± over ε; at least the coarsest format's, ``_coarsest_rounding``) at MIN_ROWS
    rows or more spanning SPAN in ε. None otherwise."""
    if result.kind != "measured" or not math.isfinite(checked) or checked == 0.0:
        return None
    with_loss = np.isfinite(np.asarray(result.forward.estimates, dtype=float))
    if not (with_loss.all() and np.asarray(result.vanished, dtype=bool).all()):
        return None
    epsilons = np.asarray(result.epsilons, dtype=float)
    losses = np.asarray(result.loss_values, dtype=float)
    noise = np.asarray(result.roundoff_floor, dtype=float)
    coarse = _coarsest_rounding(losses[np.isfinite(losses)])
    with np.errstate(all="ignore"):
        # the derivative the rows resolve: their ± over ε, or the coarse format's per loss
        resolution = np.maximum(2.0 * noise, 2.0 * coarse * np.abs(losses) / epsilons)
        resolving = np.isfinite(resolution) & (abs(checked) > RESOLVED * resolution)
    picked = epsilons[resolving]
    if np.unique(picked).size < MIN_ROWS or picked.max() < SPAN * picked.min():
        return None
    at = int(np.flatnonzero(resolving)[np.argmax(epsilons[resolving])])
    return {
        "flat_change": abs(checked) * float(epsilons[at]),
        "flat_epsilon": float(epsilons[at]),
        "flat_bound": float(np.min(resolution[resolving])),
    }
