"""The calculator's plot: the history rows' gradient estimates against ε."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer

from fdgui.ui.plotting import BACKPROP_COLOUR, HINT_COLOUR, SCHEME_COLOURS, LogAxis, pen

_TOOLTIP = "Each Calculate adds points; a flat stretch shows where ε is trustworthy."
#: up to this many points a series is drawn point by point; beyond, as an envelope per bin
EXACT_POINTS = 1_000
BINS_PER_DECADE = 50


class _Series:
    """One estimate (column of the history's points) as drawn: every point while there are
    few, else the lowest and highest value in each 1/BINS_PER_DECADE decade of ε (so no
    outlier disappears), kept up to date row by row."""

    def __init__(self, column: int) -> None:
        self.column = column
        self.count = 0  # finite points
        self.keys = np.empty(0, dtype=np.int64)
        self.low = np.empty(0)
        self.high = np.empty(0)

    @staticmethod
    def _finite(points: np.ndarray, column: int) -> tuple[np.ndarray, np.ndarray]:
        x, y = points[:, 0], points[:, column]
        good = np.isfinite(x) & (x > 0) & np.isfinite(y)
        return x[good], y[good]

    def reset(self, points: np.ndarray) -> None:
        self.count = 0
        self.keys = np.empty(0, dtype=np.int64)
        self.low = self.high = np.empty(0)
        self.add(points)

    def add(self, points: np.ndarray) -> None:
        x, y = self._finite(points, self.column)
        if not len(x):
            return
        self.count += len(x)
        keys = np.floor(np.log10(x) * BINS_PER_DECADE).astype(np.int64)
        keys = np.concatenate([self.keys, keys])
        low = np.concatenate([self.low, y])
        high = np.concatenate([self.high, y])
        self.keys, inverse = np.unique(keys, return_inverse=True)
        self.low = np.full(len(self.keys), np.inf)
        self.high = np.full(len(self.keys), -np.inf)
        np.minimum.at(self.low, inverse, low)
        np.maximum.at(self.high, inverse, high)

    def display(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
        """x and y to draw, and whether they are binned."""
        if self.count <= EXACT_POINTS:
            x, y = self._finite(points, self.column)
            order = np.argsort(x, kind="stable")
            return x[order], y[order], False
        centre = 10.0 ** ((self.keys + 0.5) / BINS_PER_DECADE)
        same = self.low == self.high
        x = np.repeat(centre, np.where(same, 1, 2))
        y = np.empty(len(x))
        ends = np.cumsum(np.where(same, 1, 2))
        y[ends - 1] = self.high
        starts = ends - np.where(same, 1, 2)
        y[starts] = self.low
        return x, y, True


class HistoryPlot:
    """Gradient estimates of the history rows against ε, log x axis, backprop as a line."""

    def __init__(self) -> None:
        widget = pg.PlotWidget(axisItems={"bottom": LogAxis("bottom")})
        widget.setObjectName("gradientPlot")
        widget.setToolTip(_TOOLTIP)
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
        self._model: Any = None
        self._series = {"central": _Series(1), "forward": _Series(2), "backward": _Series(3)}
        self._shown: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._drawn_rows = 0
        self._redraw = QTimer(widget)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(0)
        self._redraw.timeout.connect(self.redraw)

    def _on_range_changed(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.widget.getPlotItem().getViewBox().viewRange()
        self.hint.setPos((x0 + x1) / 2, (y0 + y1) / 2)

    # --- the rows: drawn from the history model, incrementally ------------------------------
    def set_model(self, model: Any) -> None:
        """Follow a HistoryTableModel: appended rows are added to what is drawn (one redraw
        per turn of the event loop however many arrive); removals and resets redraw all."""
        self._model = model
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsRemoved.connect(self._rows_changed)
        model.modelReset.connect(self._rows_changed)
        self._rows_changed()

    def _rows_inserted(self, _parent: Any, first: int, last: int) -> None:
        if self._model is None:
            return
        for series in self._series.values():
            series.add(self._model.points()[first : last + 1])
        self._schedule()

    def _rows_changed(self, *_args: Any) -> None:
        points = self._model.points() if self._model is not None else np.empty((0, 4))
        for series in self._series.values():
            series.reset(points)
        self._schedule()

    def _schedule(self) -> None:
        if not self._redraw.isActive():
            self._redraw.start()

    def redraw(self) -> None:
        """Draw what the series hold now (the timer does this after changes)."""
        self._redraw.stop()
        points = self._model.points() if self._model is not None else np.empty((0, 4))
        binned = False
        for name, curve in (
            ("central", self.central),
            ("forward", self.forward),
            ("backward", self.backward),
        ):
            x, y, is_binned = self._series[name].display(points)
            binned = binned or is_binned
            shown = self._shown.get(name)
            if shown is None or not (np.array_equal(shown[0], x) and np.array_equal(shown[1], y)):
                curve.setData(x, y)
                self._shown[name] = (x, y)
        rows = len(points)
        self.hint.setVisible(not rows)
        self.legend.setVisible(bool(rows))
        self.widget.setToolTip(
            _TOOLTIP
            + (
                f" {rows:,} rows: each 1/{BINS_PER_DECADE} of a decade of ε shows its lowest "
                "and highest estimate."
                if binned
                else ""
            )
        )
        if rows and rows != self._drawn_rows:
            self.widget.getPlotItem().enableAutoRange()
        self._drawn_rows = rows

    def set_rows(self, rows: list) -> None:
        """Draw these Measurement rows (without a model; tests and one-off pictures)."""
        from fdgui.ui.calculator.history import HistoryTableModel

        model = HistoryTableModel()
        model.append_rows(rows)
        self._model = model
        self._rows_changed()
        self.redraw()

    def set_backprop(self, value: float | None) -> None:
        if value is None or not math.isfinite(value):
            self.backprop.setVisible(False)
        else:
            self.backprop.setValue(value)
            self.backprop.setVisible(True)
