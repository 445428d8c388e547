"""The calculator's plot: the history rows' gradient estimates against ε.

Each central estimate carries its ± (from the typed digits) as an error bar; rows where
L+ = L− (every digit cancelled) are drawn as ✕ markers on their own and left out of the
central line, so a cancelled row never draws a steep line to 0. The legend sits above the
plot, never over a point.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fdgui.core.calculator.rows import CANCELLED_NOTE, central_uncertainty, is_cancelled
from fdgui.ui.plotting import (
    BACKPROP_COLOUR,
    CANCELLED_COLOUR,
    MARKER_GLYPHS,
    SCHEME_COLOURS,
    LogAxis,
    follow_theme,
    pen,
    theme_plot,
)

_MARKERS = {"central": "o", "forward": "t1", "backward": "t"}
HINT_TEXT = (
    "Press Calculate at several ε\n(e.g. 1e-2, 1e-4, 1e-6, 1e-8)\nto draw the estimates here"
)


def legend_html(cancelled: bool = False) -> str:
    def item(colour: str, mark: str, text: str) -> str:
        return f"<span style='color:{colour}'><b>{mark}</b></span>&nbsp;{text}"

    parts = [
        item(SCHEME_COLOURS["central"], "━●━", "central ± its typed digits"),
        item(SCHEME_COLOURS["forward"], MARKER_GLYPHS["t1"], "forward"),
        item(SCHEME_COLOURS["backward"], MARKER_GLYPHS["t"], "backward"),
        item(BACKPROP_COLOUR, "╌", "backprop"),
    ]
    if cancelled:
        parts.append(item(CANCELLED_COLOUR, "✕", "L+ = L− (cancelled)"))
    return "&nbsp;&nbsp; ".join(parts)


class HistoryPlot:
    """Gradient estimates of the history rows against ε, log x axis, backprop as a line."""

    def __init__(self) -> None:
        widget = pg.PlotWidget(axisItems={"bottom": LogAxis("bottom")})
        widget.setObjectName("gradientPlot")
        widget.setToolTip(
            "Each Calculate adds points; a flat stretch shows where ε is trustworthy. Bars: "
            "the ± the typed digits allow. ✕: rows where L+ = L− (every digit cancelled)."
        )
        widget.setMinimumSize(260, 160)
        item = widget.getPlotItem()
        item.setLogMode(x=True, y=False)
        item.setLabel("bottom", "step ε")
        item.setLabel("left", "gradient estimate")
        curves = {}
        for scheme, symbol in _MARKERS.items():
            colour = SCHEME_COLOURS[scheme]
            line = pen(colour, width=2) if scheme == "central" else None
            curves[scheme] = item.plot(
                [], [], name=scheme, pen=line, symbol=symbol, symbolBrush=colour, symbolSize=8
            )
        self.central, self.forward, self.backward = (
            curves["central"],
            curves["forward"],
            curves["backward"],
        )
        # error bars live in the view's own coordinates: x is log10(ε) here
        self.error_bars = pg.ErrorBarItem(
            x=np.array([]), y=np.array([]), height=np.array([]), beam=0.08,
            pen=pen(SCHEME_COLOURS["central"], width=1.5),
        )  # fmt: skip
        item.addItem(self.error_bars)
        self.cancelled = item.plot(
            [], [], pen=None, symbol="x", symbolSize=13,
            symbolPen=pg.mkPen(CANCELLED_COLOUR, width=2.5), symbolBrush=CANCELLED_COLOUR,
        )  # fmt: skip
        self.backprop = pg.InfiniteLine(
            angle=0,
            pen=pen(BACKPROP_COLOUR, width=1.5, style="dash"),
            label="backprop",
            labelOpts={"position": 0.1, "color": BACKPROP_COLOUR, "anchors": [(0, 1), (0, 1)]},
        )
        self.backprop.setVisible(False)
        item.addItem(self.backprop)
        self.hint = pg.TextItem(HINT_TEXT, anchor=(0.5, 0))
        item.addItem(self.hint, ignoreBounds=True)
        item.getAxis("left").enableAutoSIPrefix(False)
        item.setXRange(-9, 0, padding=0.05)
        item.getViewBox().sigRangeChanged.connect(self._on_range_changed)
        self.widget = widget
        self.legend_label = QLabel(legend_html())
        self.legend_label.setObjectName("gradientPlotLegend")
        self.legend_label.setWordWrap(True)
        self.container = QWidget()
        self.container.setObjectName("gradientPlotArea")
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.legend_label)
        column.addWidget(widget, 1)
        self._rows: list = []
        self.cancelled_rows: list[int] = []  # indices (in the given order) flagged L+ = L−
        self.legend_label.setVisible(False)
        follow_theme(self.widget, self.apply_theme)
        self._on_range_changed()

    def apply_theme(self, theme) -> None:
        theme_plot(self.widget)
        self.widget.getPlotItem().showGrid(x=True, y=True, alpha=theme.grid_alpha)
        self.hint.setColor(theme.hint)

    def _on_range_changed(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.widget.getPlotItem().getViewBox().viewRange()
        self.hint.setPos((x0 + x1) / 2, y1 - 0.08 * (y1 - y0))

    def _place_empty_view(self) -> None:
        """With no rows: the backprop line (if any) in the lower fifth of the view, the hint
        in the upper part, so the line never runs through the text."""
        item = self.widget.getPlotItem()
        if self.backprop.isVisible():
            value = self.backprop.value()
            span = max(abs(value), 1.0)
            item.setYRange(value - 0.25 * span, value + 1.0 * span, padding=0)
        else:
            item.setYRange(0, 1, padding=0.05)
        self._on_range_changed()

    def set_rows(self, rows: list) -> None:
        self._rows = list(rows)
        ordered = sorted(rows, key=lambda row: row.epsilon)
        flagged = [row for row in ordered if is_cancelled(row) and row.epsilon > 0]
        kept = [row for row in ordered if not is_cancelled(row)]
        self.cancelled_rows = [index for index, row in enumerate(rows) if is_cancelled(row)]
        for curve, attribute in (
            (self.central, "central"),
            (self.forward, "forward"),
            (self.backward, "backward"),
        ):
            points = [
                (float(r.epsilon), float(getattr(r, attribute)))
                for r in kept
                if getattr(r, attribute) is not None
            ]
            points = [(x, y) for x, y in points if x > 0 and math.isfinite(y)]
            curve.setData([p[0] for p in points], [p[1] for p in points])
        bars = [
            (math.log10(float(r.epsilon)), float(r.central), 2 * float(central_uncertainty(r)))
            for r in kept
            if r.epsilon > 0 and math.isfinite(float(r.central))
        ]
        bars = [bar for bar in bars if math.isfinite(bar[2])]
        self.error_bars.setData(
            x=np.array([b[0] for b in bars]),
            y=np.array([b[1] for b in bars]),
            height=np.array([b[2] for b in bars]),
        )
        self.cancelled.setData([float(r.epsilon) for r in flagged], [0.0] * len(flagged))
        self.cancelled.setToolTip(CANCELLED_NOTE if flagged else "")
        self.hint.setVisible(not rows)
        self.legend_label.setText(legend_html(bool(flagged)))
        self.legend_label.setVisible(bool(rows))
        if rows:
            self.widget.getPlotItem().enableAutoRange()
        else:
            self._place_empty_view()

    def set_backprop(self, value: float | None) -> None:
        if value is None or not math.isfinite(value):
            self.backprop.setVisible(False)
        else:
            self.backprop.setValue(value)
            self.backprop.setVisible(True)
        if not self._rows:
            self._place_empty_view()
