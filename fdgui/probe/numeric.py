"""A probe with no gradient under check: the numeric gradient and its error bars, no verdict.

The estimate serves any model without a gradient, so it lives in the core
(``fdgui.core.netcheck.numeric``, worded by ``fdgui.core.report.numeric``); these names are
kept for the probe's callers.
"""

from __future__ import annotations

from fdgui.core.netcheck.numeric import (
    NumericGradient,
    NumericTensor,
    numeric_gradient,
    numeric_gradient_report,
)
from fdgui.core.report.numeric import render_json as to_json
from fdgui.core.report.numeric import render_text as to_text

__all__ = [
    "NumericGradient",
    "NumericTensor",
    "numeric_gradient",
    "numeric_gradient_report",
    "to_json",
    "to_text",
]
