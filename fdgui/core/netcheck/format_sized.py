"""Whether a failing float64 check's disagreements are all of the size float32 rounding leaves.

A gradient computed in float32 (float32 weights, data or kernels) for a loss checked in
float64 differs from the true gradient by its own rounding: a few units of float32's
round-off (u = 2⁻²⁴) times the size of what it sums. Float64 differences resolve that and
call it wrong, truly: the gradient is not right to float64. The check stays a fail, but its
words say what such a gradient looks like (review9m MEDIUM-2) when every checked entry of
every failing tensor is within FLOAT32_UNITS·u of that tensor's largest gradient: a bug that
small cannot be told from float32 rounding, and a bug any larger is not in this class. A
failing entry whose numeric value and gradient have opposite signs is a sign flip, never
rounding: one huge entry (a term 1e10·θ[2]) made every disagreement of its tensor "within
float32's round-off", a sign flip of θ[5] in a pure float64 probe included (review12n M1);
nor is a checked entry whose gradient is NaN or infinite (review13p M2)."""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.results import CheckReport

FLOAT32_UNITS = 32.0
FLOAT32_U = 2.0**-24


def float32_units(report: CheckReport, unit: float = FLOAT32_U) -> float | None:
    """The largest disagreement of a failing float64 check in units of float32's round-off
    (or ``unit``'s) of its tensor's largest gradient, or None when some disagreement is
    larger than FLOAT32_UNITS of them (or the check did not fail, or was not judged in
    float64)."""
    if report.passed or report.inconclusive or report.tolerances.dtype != "float64":
        return None
    if any(entry.failing and entry.numeric * entry.analytic < 0 for entry in report.worst):
        return None  # a sign flip: never rounding
    largest = 0.0
    failing = [tensor for tensor in report.tensors if tensor.failures]
    for tensor in failing:
        numeric = np.asarray(tensor.numeric, dtype=float)
        analytic = np.asarray(tensor.analytic, dtype=float)
        shown = np.isfinite(numeric) & np.isfinite(analytic)
        if not shown.any() or not np.isfinite(analytic[np.isfinite(numeric)]).all():
            return None  # a NaN or infinite gradient entry is no rounding (review13p M2)
        scale = float(np.max(np.abs(analytic[shown]))) * unit
        if not scale > 0:
            return None
        units = float(np.max(np.abs(numeric[shown] - analytic[shown]))) / scale
        if units > FLOAT32_UNITS:
            return None
        largest = max(largest, units)
    return largest if failing else None
