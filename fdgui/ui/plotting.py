"""What every plot of the window shares: colours, line styles, the log axis, range updates.

Imported only by the panels' ``plots`` modules (it imports pyqtgraph).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

# The Okabe–Ito palette (chosen to stay apart for every common colour-vision deficiency);
# beyond colour, every scheme has its own line style and marker, and every guide its own
# dash, so the plots read in grey too (tests/ui/test_palette.py measures both).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
SCHEME_COLOURS = {
    "central": OKABE_ITO["blue"],
    "forward": OKABE_ITO["vermillion"],
    "backward": OKABE_ITO["bluish green"],
}
# scheme: (line style, marker drawn every few points, pen width)
SCHEME_STYLES = {
    "central": ("solid", None, 2.5),
    "forward": ("dash", "t1", 1.3),  # ▲
    "backward": ("dash-dot", "t", 1.3),  # ▼ (dotted is the round-off guide)
}
MARKER_GLYPHS = {None: "━", "t1": "▲", "t": "▼", "o": "●"}
# complex step / Richardson when they differ: its own colour and dash (not the round-off guide)
INDEPENDENT_COLOUR = OKABE_ITO["orange"]
INDEPENDENT_STYLE = "dash-dot-dot"
FLOOR_COLOUR = OKABE_ITO["reddish purple"]  # round-off floor: dotted
GUIDE_COLOUR = OKABE_ITO["sky blue"]  # truncation guides: dashed
GUIDE_STYLES = {"truncation": "dash", "round-off": "dot"}
BACKPROP_COLOUR = OKABE_ITO["vermillion"]  # the backprop gradient typed into the calculator
CANCELLED_COLOUR = OKABE_ITO["orange"]  # calculator rows where L+ = L−


def hint_colour() -> str:
    """Text on an empty plot, readable in the current theme."""
    from fdgui.ui import theme

    return theme.current().hint


def foreground() -> str:
    """Axes, the gradient under check and the cursor: the theme's text colour."""
    from fdgui.ui import theme

    return theme.current().plot_foreground


_STYLES = {
    "solid": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
    "dash-dot": Qt.PenStyle.DashDotLine,
    "dash-dot-dot": Qt.PenStyle.DashDotDotLine,
}


def pen(colour: str, width: float = 1.0, style: str = "solid"):
    """A pen by name of its style: solid, dash, dot, dash-dot or dash-dot-dot."""
    return pg.mkPen(colour, width=width, style=_STYLES[style])


def scheme_pen(scheme: str):
    """The line of a scheme's curve: its colour, dash and width."""
    style, _marker, width = SCHEME_STYLES[scheme]
    return pen(SCHEME_COLOURS[scheme], width=width, style=style)


def theme_plot(widget, *plots) -> None:
    """Background, axes and grid of a plot widget (and its PlotItems) in the current theme."""
    from fdgui.ui import theme

    colours = theme.current()
    widget.setBackground(colours.plot_background)
    if not plots and hasattr(widget, "getPlotItem"):
        plots = (widget.getPlotItem(),)
    for plot in plots:
        for name in ("left", "bottom", "right", "top"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(colours.plot_foreground))
            axis.setTextPen(pg.mkPen(colours.plot_foreground))
            if axis.label is not None:
                axis.label.setDefaultTextColor(pg.mkColor(colours.plot_foreground))
        if plot.titleLabel is not None:
            plot.titleLabel.setAttr("color", colours.plot_foreground)
            plot.titleLabel.setText(plot.titleLabel.text, color=colours.plot_foreground)


def follow_theme(owner, callback) -> None:
    """Call ``callback(theme)`` now and whenever the theme changes (while ``owner`` lives)."""
    from fdgui.ui import theme

    callback(theme.current())
    theme.notifier().changed.connect(owner_slot(owner, callback))


def owner_slot(owner, callback):
    """A slot that calls ``callback`` only while the Qt object ``owner`` is alive; a bound
    method is held weakly, so a closed panel's plots are not kept alive by the theme."""
    import weakref

    from shiboken6 import isValid

    owner_ref = weakref.ref(owner)
    method = weakref.WeakMethod(callback) if hasattr(callback, "__self__") else None

    def slot(new_theme) -> None:
        alive = owner_ref()
        function = method() if method is not None else callback
        if alive is not None and function is not None and isValid(alive):
            function(new_theme)

    return slot


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

    def logTickStrings(self, values, scale, spacing):
        """Tick labels in the window's one ε format: ``1e-8``, ``1e-4``, ``0.01``, ``1``."""
        from fdgui.core.numbers.format import epsilon

        return [epsilon(10.0 ** float(value) * scale) for value in values]

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
