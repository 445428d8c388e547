"""The calculator's plot: the history rows' gradient estimates against ε.

Each central estimate carries its ± (from the typed digits) as an error bar; rows where
L+ = L− (every digit cancelled) are drawn as ✕ markers on their own and left out of the
central line, so a cancelled row never draws a steep line to 0. The legend sits above the
plot, never over a point. Past EXACT_POINTS rows the curves become envelopes and the bars
and ✕ marks are left out (the table still flags those rows).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
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

_TOOLTIP = (
    "Each Calculate adds points; a flat stretch shows where ε is trustworthy. Bars: the ± "
    "the typed digits allow. ✕: rows where L+ = L− (every digit cancelled)."
)
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


#: up to this many points a series is drawn point by point; beyond, as an envelope per bin
EXACT_POINTS = 1_000
BINS_PER_DECADE = 50
#: estimates beyond this are left off the plot: pyqtgraph's transforms overflow near 1e308
#: (a RuntimeWarning and a broken paint); the table still shows them
DRAWABLE = 1e150


class _Series:
    """One estimate (column of the history's points) as drawn: every point while there are
    few, else the lowest and highest value in each 1/BINS_PER_DECADE decade of ε (so no
    outlier disappears), kept up to date row by row."""

    def __init__(self, column: int) -> None:
        self.column = column
        self.count = 0  # finite points
        self._too_large = 0  # rows whose estimate is too large to draw
        self.keys = np.empty(0, dtype=np.int64)
        self.low = np.empty(0)
        self.high = np.empty(0)

    @staticmethod
    def _finite(points: np.ndarray, column: int) -> tuple[np.ndarray, np.ndarray]:
        x, y = points[:, 0], points[:, column]
        good = np.isfinite(x) & (x > 0) & (np.abs(y) <= DRAWABLE)
        return x[good], y[good]

    @staticmethod
    def undrawable(points: np.ndarray, column: int) -> int:
        """Rows with an estimate too large to draw (it stays in the table)."""
        y = points[:, column]
        return int(np.count_nonzero(~np.isnan(y) & (np.abs(y) > DRAWABLE)))

    @property
    def too_large(self) -> int:
        """undrawable() of every row added, kept row by row (not recounted at each redraw)."""
        return self._too_large

    def reset(self, points: np.ndarray) -> None:
        self.count = self._too_large = 0
        self.keys = np.empty(0, dtype=np.int64)
        self.low = self.high = np.empty(0)
        self.add(points)

    def add(self, points: np.ndarray) -> None:
        self._too_large += self.undrawable(points, self.column)
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
        widget.setMinimumSize(260, 160)
        item = widget.getPlotItem()
        item.setLogMode(x=True, y=False)
        item.setLabel("bottom", "step ε")
        item.setLabel("left", "gradient estimate")
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
        self.legend_label.setVisible(False)
        self.container = QWidget()
        self.container.setObjectName("gradientPlotArea")
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.legend_label)
        column.addWidget(widget, 1)
        self.cancelled_rows: list[int] = []  # history indices flagged L+ = L−
        self._uncertainties: dict = {}  # row → ± of its central estimate (computed once)
        follow_theme(self.widget, self.apply_theme)
        self._on_range_changed()
        self._model: Any = None
        self._series = {"central": _Series(1), "forward": _Series(2), "backward": _Series(3)}
        self._shown: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._drawn_rows = 0
        self._redraw = QTimer(widget)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(0)
        self._redraw.timeout.connect(self.redraw)

    def apply_theme(self, theme: Any) -> None:
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
        binned = changed = False
        for name, curve in (
            ("central", self.central),
            ("forward", self.forward),
            ("backward", self.backward),
        ):
            x, y, is_binned = self._series[name].display(points)
            binned = binned or is_binned
            if name == "central" and not is_binned:
                x, y = self._central_without_cancelled()
            shown = self._shown.get(name)
            if shown is None or not (np.array_equal(shown[0], x) and np.array_equal(shown[1], y)):
                curve.setData(x, y)
                self._shown[name] = (x, y)
                changed = True
        rows = len(points)
        too_large = max((series.too_large for series in self._series.values()), default=0)
        self._draw_bars_and_cancelled(binned)
        self.hint.setVisible(not rows)
        self.legend_label.setText(legend_html(bool(self.cancelled_rows)))
        self.legend_label.setVisible(bool(rows))
        self.widget.setToolTip(
            _TOOLTIP
            + (
                f" {rows:,} rows: each 1/{BINS_PER_DECADE} of a decade of ε shows its lowest "
                "and highest estimate."
                if binned
                else ""
            )
            + (
                f" {too_large:,} row(s) with an estimate beyond ±1e150 are in the table only."
                if too_large
                else ""
            )
        )
        if rows and rows != self._drawn_rows and (changed or not self._drawn_rows):
            # only when what is drawn changed: a new row inside an existing bin repaints nothing
            self._fit_view()
        elif not rows:
            self._place_empty_view()
        self._drawn_rows = rows

    def _fit_view(self) -> None:
        """ε fits every row; the estimate axis the central estimates with their ± (and the
        backprop line): a wild forward/backward point or a cancelled row (its ✕ sits on the
        lower edge) does not squeeze the estimates that matter."""
        item = self.widget.getPlotItem()
        item.enableAutoRange(axis="x")
        _x, central = self._shown.get("central", (None, np.empty(0)))
        bars = self.error_bars.opts.get("height")
        values = list(np.asarray(central, dtype=float))
        if bars is not None and len(bars) == len(self.error_bars.opts.get("y", [])):
            middle = np.asarray(self.error_bars.opts["y"], dtype=float)
            values += list(middle + np.asarray(bars) / 2) + list(middle - np.asarray(bars) / 2)
        if self.backprop.isVisible():
            values.append(float(self.backprop.value()))
        finite = [v for v in values if math.isfinite(v)]
        if not finite:
            item.enableAutoRange()
            return
        low, high = min(finite), max(finite)
        pad = 0.1 * (high - low) or max(0.1 * abs(high), 1e-12)
        item.setYRange(low - pad, high + pad, padding=0)
        self._flag_y = low - 0.5 * pad
        flagged = self.cancelled.getOriginalDataset()[0]
        if flagged is not None and len(flagged):
            self.cancelled.setData(flagged, [self._flag_y] * len(flagged))

    def _history_rows(self) -> list:
        return [] if self._model is None else self._model.rows()

    def _central_without_cancelled(self) -> tuple[np.ndarray, np.ndarray]:
        """The central line's points, rows with L+ = L− left out (they are drawn as ✕)."""
        rows = [r for r in self._history_rows() if not is_cancelled(r) and r.epsilon > 0]
        pairs = sorted((float(r.epsilon), float(r.central)) for r in rows)
        pairs = [(x, y) for x, y in pairs if math.isfinite(x) and abs(y) <= DRAWABLE]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    def _draw_bars_and_cancelled(self, binned: bool) -> None:
        """Each row's ± as an error bar and the cancelled rows as ✕ (up to EXACT_POINTS)."""
        rows = [] if binned else self._history_rows()
        self.cancelled_rows = [i for i, row in enumerate(rows) if is_cancelled(row)]
        flagged = [rows[i] for i in self.cancelled_rows if rows[i].epsilon > 0]
        flag_y = getattr(self, "_flag_y", 0.0)  # the lower edge once the view is fitted
        self.cancelled.setData([float(r.epsilon) for r in flagged], [flag_y] * len(flagged))
        self.cancelled.setToolTip(CANCELLED_NOTE if flagged else "")
        known, bars = self._uncertainties, []
        for row in rows:
            if is_cancelled(row) or not row.epsilon > 0:
                continue
            if row not in known:
                known[row] = 2 * float(central_uncertainty(row))
            bars.append((math.log10(float(row.epsilon)), float(row.central), known[row]))
        bars = [bar for bar in bars if all(abs(v) <= DRAWABLE for v in bar)]  # no nan, inf
        if len(known) > 4 * EXACT_POINTS:  # forget rows long deleted
            self._uncertainties = {row: known[row] for row in rows if row in known}
        self.error_bars.setData(
            x=np.array([b[0] for b in bars]),
            y=np.array([b[1] for b in bars]),
            height=np.array([b[2] for b in bars]),
        )

    def set_rows(self, rows: list) -> None:
        """Draw these Measurement rows (without a model; tests and one-off pictures)."""
        from fdgui.ui.calculator.history import HistoryTableModel

        model = HistoryTableModel()
        model.append_rows(rows)
        self._model = model
        self._rows_changed()
        self.redraw()

    def set_backprop(self, value: float | None) -> None:
        if value is None or not abs(value) <= DRAWABLE:  # none, nan or too large to draw
            self.backprop.setVisible(False)
        else:
            self.backprop.setValue(value)
            self.backprop.setVisible(True)
        if not self._drawn_rows:
            self._place_empty_view()
