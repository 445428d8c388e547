"""The calculator's plot: the history rows' gradient estimates against ε."""

from __future__ import annotations

import math

import pyqtgraph as pg

from fdgui.ui.plotting import BACKPROP_COLOUR, HINT_COLOUR, SCHEME_COLOURS, LogAxis, pen


class HistoryPlot:
    """Gradient estimates of the history rows against ε, log x axis, backprop as a line."""

    def __init__(self) -> None:
        widget = pg.PlotWidget(axisItems={"bottom": LogAxis("bottom")})
        widget.setObjectName("gradientPlot")
        widget.setToolTip(
            "Each Calculate adds points; a flat stretch shows where ε is trustworthy."
        )
        widget.setBackground("w")
        widget.setMinimumSize(260, 180)
        item = widget.getPlotItem()
        item.setLogMode(x=True, y=False)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "step ε")
        item.setLabel("left", "gradient estimate")
        self.legend = item.addLegend(offset=(-10, 10))
        # central as a line with dots; forward ▲ and backward ▼ as markers only
        curves = {}
        for scheme, symbol in (("central", "o"), ("forward", "t1"), ("backward", "t")):
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
        self.backprop = pg.InfiniteLine(
            angle=0,
            pen=pen(BACKPROP_COLOUR, width=1.5, style="dash"),
            label="backprop",
            labelOpts={"position": 0.1, "color": BACKPROP_COLOUR},
        )
        self.backprop.setVisible(False)
        item.addItem(self.backprop)
        self.hint = pg.TextItem(
            "Press Calculate at several ε\n(e.g. 1e-2, 1e-4, 1e-6, 1e-8)\n"
            "to draw the estimates here",
            color=HINT_COLOUR,
            anchor=(0.5, 0.5),
        )
        item.addItem(self.hint, ignoreBounds=True)
        item.getAxis("left").enableAutoSIPrefix(False)
        item.setXRange(-9, 0, padding=0.05)
        item.getViewBox().sigRangeChanged.connect(self._on_range_changed)
        self.widget = widget
        self.legend.setVisible(False)
        self._on_range_changed()

    def _on_range_changed(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.widget.getPlotItem().getViewBox().viewRange()
        self.hint.setPos((x0 + x1) / 2, (y0 + y1) / 2)

    def set_rows(self, rows: list) -> None:
        ordered = sorted(rows, key=lambda row: row.epsilon)
        for curve, attribute in (
            (self.central, "central"),
            (self.forward, "forward"),
            (self.backward, "backward"),
        ):
            points = [
                (float(r.epsilon), float(getattr(r, attribute)))
                for r in ordered
                if getattr(r, attribute) is not None
            ]
            points = [(x, y) for x, y in points if x > 0 and math.isfinite(y)]
            curve.setData([p[0] for p in points], [p[1] for p in points])
        self.hint.setVisible(not rows)
        self.legend.setVisible(bool(rows))
        if rows:
            self.widget.getPlotItem().enableAutoRange()

    def set_backprop(self, value: float | None) -> None:
        if value is None or not math.isfinite(value):
            self.backprop.setVisible(False)
        else:
            self.backprop.setValue(value)
            self.backprop.setVisible(True)
