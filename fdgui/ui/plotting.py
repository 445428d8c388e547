"""What every plot of the window shares: colours, line styles, the log axis, range updates.

Imported only by the panels' ``plots`` modules (it imports pyqtgraph).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

# One colour per scheme in every plot of the app.
SCHEME_COLOURS = {"central": "#0969da", "forward": "#1b873f", "backward": "#8250df"}
REFERENCE_COLOUR = "#222222"  # the gradient under check
INDEPENDENT_COLOUR = "#bf3989"  # complex step / Richardson when they disagree with it
FLOOR_COLOUR = "#7f7f7f"  # round-off floor
GUIDE_COLOUR = "#8e44ad"  # truncation guides
BACKPROP_COLOUR = "#cf222e"  # the backprop gradient typed into the calculator
HINT_COLOUR = "#57606a"  # text shown on an empty plot
CURSOR_COLOUR = "#444"
VANISHED_BRUSH = (200, 60, 60, 40)  # w ± ε == w
SEED_BRUSH = (240, 200, 40, 45)  # the float64 rule-of-thumb band

_STYLES = {
    "solid": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
    "dash-dot": Qt.PenStyle.DashDotLine,
}


def pen(colour: str, width: float = 1.0, style: str = "solid"):
    """A pen by name of its style: solid, dash, dot or dash-dot."""
    return pg.mkPen(colour, width=width, style=_STYLES[style])


def scheme_pen(scheme: str):
    """The line of a scheme's curve: the central difference drawn thicker."""
    return pen(SCHEME_COLOURS[scheme], width=2 if scheme == "central" else 1)


def log_tick_levels(
    low: float, high: float, size: float, spacing: float
) -> list[tuple[float | None, list[float]]]:
    """Tick levels for a log axis from 10^low to 10^high drawn over ``size`` pixels with
    about ``spacing`` pixels per label: whole decades, every n-th so the labels fit, and
    2× and 5× inside each decade only when a decade is wide enough to hold them."""
    span = max(high - low, 1e-9)
    labels_that_fit = max(2, int(size / spacing))
    step = max(1, math.ceil(span / labels_that_fit))
    first = math.ceil(low / step) * step
    majors = [float(v) for v in np.arange(first, high + 1e-9, step)]
    ticks: list[tuple[float | None, list[float]]] = [(float(step), majors)]
    if step == 1 and size / span > 3.5 * spacing:
        minors = [
            decade + math.log10(factor)
            for decade in range(math.floor(low), math.ceil(high))
            for factor in (2, 5)
        ]
        ticks.append((None, [x for x in minors if low < x < high]))
    return ticks


class LogAxis(pg.AxisItem):
    """The one log axis of the app: labels never collide (see ``log_tick_levels``) and never
    carry an SI prefix such as "(x0.001)"."""

    def __init__(self, orientation: str, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        spacing = 70 if self.orientation in ("bottom", "top") else 26  # pixels per label
        return log_tick_levels(minVal, maxVal, size, spacing)


def set_range(box: pg.ViewBox, axis: int, low: float, high: float, padding: float = 0.0) -> None:
    """Change an axis range only when it moves noticeably: steadier plots while typing, and
    the axes (slow to re-tick) are left alone."""
    extra = (high - low) * padding
    low, high = low - extra, high + extra
    current_low, current_high = box.viewRange()[axis]
    tolerance = 0.03 * max(high - low, 1e-300)
    if abs(current_low - low) <= tolerance and abs(current_high - high) <= tolerance:
        return
    if axis == 0:
        box.setXRange(low, high, padding=0)
    else:
        box.setYRange(low, high, padding=0)
