"""Words beside a verdict (words only: the verdict is the check's): a float64 Fail's about the
format the gradient was computed in, and a sampled Pass's about the entries it left out.

Every disagreement of a failing float64 check within a few units of float32's round-off is
the size a gradient computed in float32 differs by, and the report said so (review9m
MEDIUM-2). It is said where something points at float32: the gradient's values are all
float32 numbers (computed in float32, then widened), or the loss itself rounds far coarser
than float64 (a part computed in float32 — its gradient likely too) or is noisy. A
gradient with float64 digits of a loss that rounds as float64 does is not float32's rounding,
and the hedge was noise there (review17p L2). A gradient whose values are all float16 or
bfloat16 numbers is named so, with its own round-off's size where the disagreements are
that small (a float16 gradient failed 8 of 8 without a word of why)."""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck import CheckReport
from fdgui.core.netcheck.format_sized import float32_units
from fdgui.core.numbers.format import significant
from fdgui.core.numbers.precision import unit_roundoff, values_format
from fdgui.core.report.netcheck_rounding import coarse_factor


def gradient_format(report: CheckReport) -> str:
    """'bfloat16', 'float16' or 'float32' when every finite gradient value checked is exactly
    one of that format's numbers (and enough of them are not whole); else 'float64'."""
    values = [np.asarray(t.analytic, dtype=float).ravel() for t in report.tensors]
    return values_format(np.concatenate(values) if values else np.zeros(0))


def format_sized_words(report: CheckReport) -> str:
    """The sentence a float64 Fail gets about its gradient's format (module doc), or ''."""
    if report.passed or report.inconclusive or report.tolerances.dtype != "float64":
        return ""
    grads = gradient_format(report)
    if grads in ("float16", "bfloat16"):
        units = float32_units(report, unit_roundoff(grads))
        size = (
            f", and every disagreement is within {significant(max(units or 0, 0.1), 2)} "
            f"units of its round-off (u = {significant(unit_roundoff(grads), 2)}) times its "
            "tensor's largest gradient: the size that rounding leaves"
            if units is not None
            else ""
        )
        return (
            f" The gradient's values are all {grads} numbers: it was computed or returned in "
            f"{grads}{size}. Return it in float64 to check the backward itself."
        )
    units = float32_units(report)
    if units is None:
        return ""
    pointed = grads == "float32" or report.noise_sigma > 0 or coarse_factor(report) is not None
    if not pointed:  # float64 digits, a loss rounding as float64: not float32's rounding
        return ""
    return (
        f" Every disagreement is within {significant(max(units, 0.1), 2)} units of float32's "
        "round-off times its tensor's largest gradient: the size a gradient computed in "
        "float32 (float32 weights, data or kernels) differs by. If yours is computed so, "
        "this is its rounding rather than a bug; a bug that small would look the same."
    )


def sampled_of(report: CheckReport) -> str:
    """' (a sample: 125 of 185; an entry not sampled is not checked)' for a sampled check
    that left entries out, else '' (review17p L5: "all 125 entries checked" read as all)."""
    if report.settings.mode != "sample":
        return ""
    total = sum(int(np.prod(t.shape)) for t in report.tensors)
    checked = sum(t.checked for t in report.tensors)
    if checked >= total:
        return ""
    return f" (a sample: {checked:,} of {total:,}; an entry not sampled is not checked)"
