"""The ε explorer's two linked plots: estimates against ε, and |error| against ε (log-log),
with theory guides, best-ε markers, shaded regions, a draggable cursor and a hover readout.

They draw what the model decided; they never compare numbers to reach a verdict.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from fdgui.core.numbers import format as numbers
from fdgui.ui.plotting import (
    CURSOR_COLOUR,
    FLOOR_COLOUR,
    GUIDE_COLOUR,
    INDEPENDENT_COLOUR,
    REFERENCE_COLOUR,
    SCHEME_COLOURS,
    SEED_BRUSH,
    VANISHED_BRUSH,
    LogAxis,
    pen,
    scheme_pen,
    set_range,
)


def fmt(value: float | None, digits: int = 6) -> str:
    return numbers.significant(value, digits)


def legend_html() -> str:
    """One line naming every curve, in its colour (drawn outside the plots so it never hides
    data)."""

    def item(colour: str, mark: str, text: str) -> str:
        return f"<span style='color:{colour}'><b>{mark}</b></span>&nbsp;{text}"

    parts = [item(colour, "━", name) for name, colour in SCHEME_COLOURS.items()]
    parts += [
        item(REFERENCE_COLOUR, "╌", "gradient under check"),
        item(INDEPENDENT_COLOUR, "┈", "complex step / Richardson if they differ"),
        item(FLOOR_COLOUR, "╌", "round-off u·|L|/ε"),
        item(GUIDE_COLOUR, "┈", "truncation ∝ ε, ε²"),
        item(CURSOR_COLOUR, "●", "best ε"),
        item(CURSOR_COLOUR, "┆", "rule-of-thumb ε"),
        item("#c06060", "▌", "vanished"),
        item("#c0a000", "▌", "float64 rule band"),
    ]
    return "&nbsp;&nbsp; ".join(parts)


class SweepPlots(pg.QtCore.QObject):
    """The two linked plots and every item on them; redrawn with setData, never rebuilt."""

    cursorMoved = pg.QtCore.Signal(float)
    hovered = pg.QtCore.Signal(str)

    def __init__(self, layout: pg.GraphicsLayoutWidget) -> None:
        super().__init__()
        self.layout = layout
        self.result: Any = None
        top = layout.addPlot(row=0, col=0, axisItems={"bottom": LogAxis("bottom")})
        bottom = layout.addPlot(
            row=1, col=0, axisItems={"bottom": LogAxis("bottom"), "left": LogAxis("left")}
        )
        self.top, self.bottom = top, bottom
        top.setLogMode(x=True, y=False)
        bottom.setLogMode(x=True, y=True)
        bottom.setXLink(top)
        top.setLabel("left", "estimate of dL/dw")
        bottom.setLabel("left", "|error|")
        bottom.setLabel("bottom", "ε")
        top.showGrid(x=False, y=False)
        bottom.showGrid(x=False, y=False)
        for plot in (top, bottom):
            plot.getAxis("left").setWidth(70)
            plot.getAxis("left").enableAutoSIPrefix(False)
        for plot in (top, bottom):
            plot.setMenuEnabled(False)
            plot.getViewBox().setMouseEnabled(x=True, y=False)
        # shaded regions (positions are log10 ε)
        self.vanished = [self._region(plot, VANISHED_BRUSH) for plot in (top, bottom)]
        self.seed_band = [self._region(plot, SEED_BRUSH) for plot in (top, bottom)]
        for region in self.seed_band:
            region.setRegion((-7, -4))
        self.vanished_text = pg.TextItem("w ± ε == w: vanished", color="#a02020", anchor=(0, 0))
        self.seed_text = pg.TextItem("1e-7…1e-4: a float64 rule", color="#806000", anchor=(0, 0))
        bottom.addItem(self.vanished_text, ignoreBounds=True)
        top.addItem(self.seed_text, ignoreBounds=True)  # the bottom plot's top has the ε labels
        # curves
        self.estimates = {
            name: top.plot(pen=scheme_pen(name), connect="finite") for name in SCHEME_COLOURS
        }
        self.reference_line = pg.InfiniteLine(
            angle=0, pen=pen(REFERENCE_COLOUR, width=1.5, style="dash")
        )
        top.addItem(self.reference_line, ignoreBounds=True)
        # an independent reference (complex step, else Richardson), drawn when it disagrees
        # with the gradient under check: where the curves should have converged to
        self.independent_line = pg.InfiniteLine(
            angle=0,
            pen=pen(INDEPENDENT_COLOUR, width=2, style="dot"),
            label="independent reference",
            labelOpts={"position": 0.02, "color": INDEPENDENT_COLOUR, "anchors": [(0, 1), (0, 1)]},
        )
        top.addItem(self.independent_line, ignoreBounds=True)
        self.errors = {
            name: bottom.plot(pen=scheme_pen(name), connect="finite") for name in SCHEME_COLOURS
        }
        self.floor = bottom.plot(pen=pen(FLOOR_COLOUR, width=1.5, style="dash"))
        self.guide_one_sided = bottom.plot(pen=pen(GUIDE_COLOUR, width=1.2, style="dot"))
        self.guide_central = bottom.plot(pen=pen(GUIDE_COLOUR, width=1.2, style="dot"))
        self.best = {
            name: bottom.plot(
                pen=None,
                symbol="o",
                symbolSize=10,
                symbolBrush=colour,
                symbolPen=pg.mkPen("w", width=1.5),
            )
            for name, colour in SCHEME_COLOURS.items()
        }
        self.rules = {
            scheme: pg.InfiniteLine(
                angle=90,
                pen=pen(SCHEME_COLOURS[scheme], width=1, style="dash-dot"),
                label=label,
                # near the top: the best-ε markers sit at the bottom of the V
                labelOpts={
                    "position": 0.97 if scheme == "central" else 0.85,
                    "color": SCHEME_COLOURS[scheme],
                    "anchors": [(0, 0), (0, 0)],
                },
            )
            for scheme, label in (("central", "u^(1/3)"), ("forward", "u^(1/2)"))
        }
        for line in self.rules.values():
            bottom.addItem(line, ignoreBounds=True)
        # cursor: one draggable line per plot, kept together
        self.cursors = []
        for plot in (top, bottom):
            line = pg.InfiniteLine(
                angle=90,
                movable=True,
                pen=pg.mkPen(CURSOR_COLOUR, width=2),
                hoverPen=pg.mkPen("#000", width=3),
            )
            line.setZValue(50)
            plot.addItem(line, ignoreBounds=True)
            line.sigPositionChanged.connect(self._cursor_line_moved)
            self.cursors.append(line)
        # crosshair on hover, rate-limited
        self.cross = []
        for plot in (top, bottom):
            vertical = pg.InfiniteLine(angle=90, pen=pg.mkPen("#999", width=1))
            horizontal = pg.InfiniteLine(angle=0, pen=pg.mkPen("#999", width=1))
            for line in (vertical, horizontal):
                line.setVisible(False)
                plot.addItem(line, ignoreBounds=True)
            self.cross.append((vertical, horizontal))
        self.proxy = pg.SignalProxy(
            layout.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved
        )
        layout.scene().sigMouseClicked.connect(self._mouse_clicked)

    @staticmethod
    def _region(plot: pg.PlotItem, brush: tuple[int, int, int, int]) -> pg.LinearRegionItem:
        region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*brush), pen=pg.mkPen(None))
        region.setZValue(-20)
        plot.addItem(region, ignoreBounds=True)
        return region

    # --- drawing -----------------------------------------------------------------------------
    def draw(self, result: Any, diagnosis: Any, disagreeing: Any = None) -> None:
        """Draw a sweep; ``disagreeing``: the independent reference to mark as a line
        (the model's decision: it differs from the gradient under check), or None."""
        self.result = result
        epsilons = result.epsilons
        reference = result.reference
        centre, span = self._centre_and_span(result, diagnosis)
        for name, curve in result.curves.items():
            # far-off round-off garbage would reach Qt as huge numbers: show it as gaps
            estimates = np.where(
                np.abs(curve.estimates - centre) < 1e4 * span, curve.estimates, np.nan
            )
            self.estimates[name].setData(epsilons, estimates)
            errors = np.where(curve.errors > 0, curve.errors, np.nan)
            self.errors[name].setData(epsilons, errors)
            index = curve.best_index
            if index is not None and np.isfinite(errors[index]):
                self.best[name].setData([epsilons[index]], [errors[index]])
            else:
                self.best[name].setData([], [])
        if reference is not None:
            self.reference_line.setVisible(True)
            self.reference_line.setPos(reference.value)
        else:
            self.reference_line.setVisible(False)
        self.independent_line.setVisible(disagreeing is not None)
        if disagreeing is not None:
            self.independent_line.setPos(disagreeing.value)
            self.independent_line.label.setFormat(f"{disagreeing.method}")
        floor = np.where(result.roundoff_floor > 0, result.roundoff_floor, np.nan)
        self.floor.setData(epsilons, floor)
        for item, guide in (
            (self.guide_one_sided, result.forward.truncation_guide),
            (self.guide_central, result.central.truncation_guide),
        ):
            if guide is None:
                item.setData([], [])
            else:
                item.setData(epsilons, np.where(guide > 0, guide, np.nan))
        for scheme, line in self.rules.items():
            line.setPos(math.log10(result.rule_of_thumb[scheme]))
        low, high = math.log10(epsilons[0]), math.log10(epsilons[-1])
        if result.vanished.any():
            edge = math.log10(float(epsilons[result.vanished].max()))
            for region in self.vanished:
                region.setRegion((low - 1, edge))
                region.setVisible(True)
            self.vanished_text.setVisible(True)
        else:
            for region in self.vanished:
                region.setVisible(False)
            self.vanished_text.setVisible(False)
        set_range(self.top.getViewBox(), 0, low, high, padding=0.01)
        self._set_ranges(result, diagnosis)

    def _centre_and_span(self, result: Any, diagnosis: Any) -> tuple[float, float]:
        values = [v for v in (diagnosis.consensus,) if v is not None and np.isfinite(v)]
        if result.reference is not None:
            values.append(result.reference.value)
        values += [r.value for r in result.independent_references()[:1]]
        if not values:
            finite = result.central.estimates[np.isfinite(result.central.estimates)]
            values = [float(np.median(finite))] if finite.size else [0.0]
        centre = (max(values) + min(values)) / 2
        span = max(max(values) - min(values), 0.5 * max(abs(v) for v in values), 1e-8)
        return centre, span

    def _set_ranges(self, result: Any, diagnosis: Any) -> None:
        centre, span = self._centre_and_span(result, diagnosis)
        set_range(self.top.getViewBox(), 1, centre - 1.6 * span, centre + 1.6 * span)
        stacked = np.concatenate(
            [curve.errors for curve in result.curves.values()] + [result.roundoff_floor]
        )
        positive = stacked[np.isfinite(stacked) & (stacked > 0)]
        if positive.size:
            low = max(float(positive.min()), 1e-20)
            high = float(np.max(positive))
            set_range(self.bottom.getViewBox(), 1, math.log10(low) - 0.5, math.log10(high) + 0.5)
            top_y = math.log10(high) + 0.3
        else:
            top_y = 0.0
        low_x = math.log10(result.epsilons[0])
        self.vanished_text.setPos(low_x + 0.1, top_y)
        self.seed_text.setPos(-7 + 0.05, centre + 1.6 * span)

    # --- cursor and hover --------------------------------------------------------------------
    def set_cursor(self, epsilon: float) -> None:
        position = math.log10(epsilon)
        for line in self.cursors:
            if abs(line.value() - position) > 1e-12:
                line.blockSignals(True)
                line.setValue(position)
                line.blockSignals(False)

    def _cursor_line_moved(self, line: pg.InfiniteLine) -> None:
        position = line.value()
        for other in self.cursors:
            if other is not line:
                other.blockSignals(True)
                other.setValue(position)
                other.blockSignals(False)
        self.cursorMoved.emit(10.0**position)

    def _plot_under(self, scene_position) -> pg.PlotItem | None:
        for plot in (self.top, self.bottom):
            if plot.sceneBoundingRect().contains(scene_position):
                return plot
        return None

    def _mouse_moved(self, event) -> None:
        position = event[0]
        plot = self._plot_under(position)
        for vertical, horizontal in self.cross:
            vertical.setVisible(False)
            horizontal.setVisible(False)
        if plot is None or self.result is None:
            return
        point = plot.getViewBox().mapSceneToView(position)
        epsilon = 10.0 ** point.x()
        result = self.result
        index = result.index_of(epsilon)
        pair = self.cross[0 if plot is self.top else 1]
        pair[0].setPos(point.x())
        pair[1].setPos(point.y())
        pair[0].setVisible(True)
        pair[1].setVisible(True)
        value = point.y() if plot is self.top else 10.0 ** point.y()
        parts = [
            f"ε ≈ {numbers.significant(result.epsilons[index], 3)}",
            f"pointer {numbers.significant(value, 4)}",
        ]
        for name, curve in result.curves.items():
            estimate = curve.estimates[index]
            error = curve.relative_errors[index]
            text = f"{name} {fmt(estimate, 7)}"
            if np.isfinite(error):
                text += f" (rel. {numbers.scientific(error, 2)})"
            parts.append(text)
        parts.append(result.regime(index))
        self.hovered.emit(" · ".join(parts))

    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.result is None:
            return
        plot = self._plot_under(event.scenePos())
        if plot is None:
            return
        point = plot.getViewBox().mapSceneToView(event.scenePos())
        self.cursors[0].setValue(point.x())  # moves both and reports the new ε
