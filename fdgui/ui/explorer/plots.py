"""The ε explorer's two linked plots: estimates against ε, and the relative error against ε
(log-log), with theory guides, best-ε markers, shaded regions, a draggable cursor and a
hover readout.

They draw what the model decided; they never compare numbers to reach a verdict.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from fdgui.core.numbers import format as numbers
from fdgui.ui import theme as themes
from fdgui.ui.plotting import (
    FLOOR_COLOUR,
    GUIDE_COLOUR,
    GUIDE_STYLES,
    INDEPENDENT_COLOUR,
    INDEPENDENT_STYLE,
    MARKER_GLYPHS,
    SCHEME_COLOURS,
    SCHEME_STYLES,
    LogAxis,
    follow_theme,
    pen,
    scheme_pen,
    set_range,
    theme_plot,
)

#: the most points one curve hands to pyqtgraph (``drawn``): two per run, 2,048 runs
DRAWN_POINTS = 4096
MARKERS_PER_CURVE = 12  # markers drawn along a curve (every n-th grid point), beyond colour
ERROR_AXIS_LABEL = "relative error"  # |n − g| / max(|n|, |g|, 1e-8), as the verdict judges
_DASH_GLYPHS = {"solid": "━━", "dash": "╍╍", "dot": "┅┅", "dash-dot": "━·", "dash-dot-dot": "━··"}


def fmt(value: float | None, digits: int = 6) -> str:
    return numbers.significant(value, digits)


def error_scale(result: Any, diagnosis: Any) -> float:
    """What an absolute error is divided by to be a relative one on the error axis:
    max(|g|, 1e-8) as in the relative error, g the gradient under check (else the
    finite differences' consensus), so the guides sit on the curves' scale."""
    values = [] if result.reference is None else [result.reference.value]
    values.append(getattr(diagnosis, "consensus", None))
    for value in values:
        if value is not None and np.isfinite(value):
            return max(abs(float(value)), 1e-8)
    return 1.0


def legend_html(band: str | None = "float64", checked: bool = True) -> str:
    """One line naming every curve in its colour, dash and marker (drawn outside the plots
    so it never hides data). The glyphs follow the pens the plots really use. ``band``: the
    dtype of the sweep drawn while the float64 rule band is shown, None while it is hidden;
    ``checked``: whether a gradient under check is drawn (a probe without one has none)."""
    theme = themes.current()

    def item(colour: str, mark: str, text: str) -> str:
        return f"<span style='color:{colour}'><b>{mark}</b></span>&nbsp;{text}"

    parts = []
    for name, colour in SCHEME_COLOURS.items():
        style, marker, _width = SCHEME_STYLES[name]
        glyph = _DASH_GLYPHS[style] + (MARKER_GLYPHS[marker] if marker else "")
        parts.append(item(colour, glyph, name))
    if checked:
        parts.append(item(theme.plot_foreground, _DASH_GLYPHS["dash"], "g, under check"))
    parts += [
        item(INDEPENDENT_COLOUR, _DASH_GLYPHS[INDEPENDENT_STYLE], "independent ref."),
        item(GUIDE_COLOUR, _DASH_GLYPHS[GUIDE_STYLES["truncation"]], "truncation (dashed)"),
        item(FLOOR_COLOUR, _DASH_GLYPHS[GUIDE_STYLES["round-off"]], "round-off (dotted)"),
        item(theme.plot_foreground, "●", "best ε"),
        item(theme.plot_foreground, "┆", "rule ε"),
        item(theme.vanished_text, "▌", "vanished"),
    ]
    if band is not None:
        name = "float64 band" if band == "float64" else f"float64 band (not for {band})"
        parts.append(item(theme.band_text, "▌", name))
    return "&nbsp; ".join(parts)


def _every_nth(epsilons: np.ndarray, values: np.ndarray, offset: int) -> tuple:
    """Markers at about MARKERS_PER_CURVE evenly spread grid points (``offset`` staggers
    schemes so their markers do not sit on each other)."""
    step = max(1, len(epsilons) // MARKERS_PER_CURVE)
    index = np.arange(min(offset * step // 3, len(epsilons) - 1), len(epsilons), step)
    keep = index[np.isfinite(values[index])]
    return epsilons[keep], values[keep]


def drawn(x: np.ndarray, y: np.ndarray, *, highest: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """What a curve hands to pyqtgraph: all of it up to twice DRAWN_POINTS, else each run of
    consecutive points as its lowest and highest, in order (runs with nothing finite stay
    gaps). pyqtgraph re-reads (log, mask, downsample) a curve's whole data on every change
    of the view: 200,000 measured rows over ten curves held the window ~170 ms per draw and
    as long again per paint. The envelope is what 2,048 pixel columns can show; readouts,
    the cursor and exports read the result, never these points. ``highest``: a bound's
    guide (the round-off floor) keeps each run's highest only, the bound the run needs: as
    a dotted zigzag between rows' own floors it cost Qt 84 ms a paint at 200,000 rows."""
    count = len(x)
    if count <= 2 * DRAWN_POINTS:  # the explorer's own grids (≤ 5,000 ε): thinning costs
        return x, y  # more than it saves there
    per = -(-count // (DRAWN_POINTS // 2))
    runs = -(-count // per)
    padded = np.full(runs * per, np.nan)
    padded[:count] = y
    padded = padded.reshape(runs, per)
    finite = np.isfinite(padded)
    low = np.where(finite, padded, np.inf).argmin(axis=1)
    high = np.where(finite, padded, -np.inf).argmax(axis=1)
    start = np.arange(runs) * per
    if highest:
        index = start + high
    else:
        index = np.sort(np.stack([start + low, start + high], axis=1), axis=1).ravel()
    index = np.minimum(index, count - 1)
    return x[index], y[index]


def shown_errors(result: Any, curve: Any) -> np.ndarray:
    """The relative errors the lower plot draws: against the gradient under check, or with
    none (a probe without grad, rows without backprop) against the tightest trusted
    independent reference, so the V of the differences shows there too."""
    if result.reference is not None:
        return curve.relative_errors
    trusted = result.trusted_references()
    if not trusted:
        return curve.relative_errors
    from fdgui.core.sweep.engine import relative_error

    return relative_error(curve.estimates, trusted[0].value)


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
        top.setLabel("left", "dL/dw estimate")  # short: it fits the plot at 860×600
        bottom.setLabel("left", ERROR_AXIS_LABEL)
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
        self.vanished = [self._region(plot) for plot in (top, bottom)]
        self.seed_band = [self._region(plot) for plot in (top, bottom)]
        for region in self.seed_band:
            region.setRegion((-7, -4))
        self.vanished_text = pg.TextItem("vanished", anchor=(0, 0))
        self.seed_text = pg.TextItem("1e-7…1e-4: a float64 rule", anchor=(0, 0))
        for text in (self.vanished_text, self.seed_text):
            text.setZValue(70)  # above the cursor and the lines, on a background of its own
        bottom.addItem(self.vanished_text, ignoreBounds=True)
        top.addItem(self.seed_text, ignoreBounds=True)  # the bottom plot's top has the ε labels
        # curves: each scheme in its colour, dash and (every few points) marker
        self.estimates = {
            name: top.plot(pen=scheme_pen(name), connect="finite") for name in SCHEME_COLOURS
        }
        self.estimate_markers = {name: self._markers(top, name) for name in SCHEME_COLOURS}
        self.reference_line = pg.InfiniteLine(angle=0, pen=pen("#000", width=1.5, style="dash"))
        top.addItem(self.reference_line, ignoreBounds=True)
        # an independent reference (complex step, else Richardson), drawn when it disagrees
        # with the gradient under check: where the curves should have converged to
        self.independent_line = pg.InfiniteLine(
            angle=0,
            pen=pen(INDEPENDENT_COLOUR, width=2, style=INDEPENDENT_STYLE),
            label="independent reference",
            labelOpts={"position": 0.02, "color": INDEPENDENT_COLOUR, "anchors": [(0, 1), (0, 1)]},
        )
        top.addItem(self.independent_line, ignoreBounds=True)
        self.errors = {
            name: bottom.plot(pen=scheme_pen(name), connect="finite") for name in SCHEME_COLOURS
        }
        self.error_markers = {name: self._markers(bottom, name) for name in SCHEME_COLOURS}
        # the help's words: truncation is the dashed guide, round-off the dotted one
        self.floor = bottom.plot(pen=pen(FLOOR_COLOUR, width=1.6, style=GUIDE_STYLES["round-off"]))
        truncation = GUIDE_STYLES["truncation"]
        self.guide_one_sided = bottom.plot(pen=pen(GUIDE_COLOUR, width=1.4, style=truncation))
        self.guide_central = bottom.plot(pen=pen(GUIDE_COLOUR, width=1.4, style=truncation))
        # thousands of measured rows: drawn as each pixel column's extremes (exports keep
        # every point: they read the original data)
        for item in (*self.estimates.values(), *self.errors.values(), self.floor,
                     self.guide_one_sided, self.guide_central):  # fmt: skip
            item.setDownsampling(auto=True, method="peak")
            # one bin per pixel column (each bin drawn as its min and max): pyqtgraph's
            # default of five per pixel left 8,000-point dashed paths at 100,000 rows
            item.opts["autoDownsampleFactor"] = 1.0
        self.best = {
            name: bottom.plot(
                pen=None,
                symbol="o",
                symbolSize=11,
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
                labelOpts={
                    "position": 0.97 if scheme == "central" else 0.85,
                    "color": SCHEME_COLOURS[scheme],
                    "anchors": [(0, 0), (0, 0)],
                },
            )
            for scheme, label in (("central", "u^(1/3)"), ("forward", "u^(1/2)"))
        }
        for line in self.rules.values():
            line.label.home = line.label.orthoPos  # where declutter() starts from
            line.setZValue(60)  # their labels stay above the cursor
            bottom.addItem(line, ignoreBounds=True)
        # cursor: one draggable line per plot, kept together
        self.cursors = []
        for plot in (top, bottom):
            line = pg.InfiniteLine(angle=90, movable=True)
            line.setZValue(50)
            plot.addItem(line, ignoreBounds=True)
            line.sigPositionChanged.connect(self._cursor_line_moved)
            self.cursors.append(line)
        # crosshair on hover, rate-limited
        self.cross = []
        for plot in (top, bottom):
            vertical = pg.InfiniteLine(angle=90)
            horizontal = pg.InfiniteLine(angle=0)
            for line in (vertical, horizontal):
                line.setVisible(False)
                plot.addItem(line, ignoreBounds=True)
            self.cross.append((vertical, horizontal))
        self.proxy = pg.SignalProxy(
            layout.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved
        )
        layout.scene().sigMouseClicked.connect(self._mouse_clicked)
        for box in (top.getViewBox(), bottom.getViewBox()):
            box.sigRangeChanged.connect(self._declutter_soon)
        follow_theme(layout, self.apply_theme)  # while the plots widget lives

    def apply_theme(self, theme) -> None:
        """Background, axes, the foreground lines, regions and labels in ``theme``."""
        theme_plot(self.layout, self.top, self.bottom)
        ink = theme.plot_foreground
        self.reference_line.setPen(pen(ink, width=1.5, style="dash"))
        for line in self.cursors:
            line.setPen(pg.mkPen(ink, width=2))
            line.setHoverPen(pg.mkPen(ink, width=3.5))
        for vertical, horizontal in self.cross:
            vertical.setPen(pg.mkPen(theme.crosshair, width=1))
            horizontal.setPen(pg.mkPen(theme.crosshair, width=1))
        for curve in self.best.values():
            curve.setSymbolPen(pg.mkPen(theme.plot_background, width=1.5))
        for region in self.vanished:
            region.setBrush(pg.mkBrush(*theme.vanished_brush))
        for region in self.seed_band:
            region.setBrush(pg.mkBrush(*theme.band_brush))
        fill = pg.mkBrush(pg.mkColor(theme.plot_background).darker(100))
        fill.setColor(pg.mkColor(*pg.mkColor(theme.plot_background).getRgb()[:3], 210))
        self.vanished_text.setColor(theme.vanished_text)
        self.seed_text.setColor(theme.band_text)
        labels = [self.vanished_text, self.seed_text, self.independent_line.label]
        labels += [line.label for line in self.rules.values()]
        for label in labels:
            label.fill = fill
            label.update()

    def _markers(self, plot: pg.PlotItem, scheme: str) -> pg.PlotDataItem:
        _style, marker, _width = SCHEME_STYLES[scheme]
        colour = SCHEME_COLOURS[scheme]
        return plot.plot(
            pen=None, symbol=marker or "o", symbolSize=7,
            symbolBrush=colour, symbolPen=pg.mkPen(colour),
        )  # fmt: skip

    @staticmethod
    def _region(plot: pg.PlotItem) -> pg.LinearRegionItem:
        region = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
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
        self.checked_in_legend = reference is not None  # the legend names g only when drawn
        centre, span = self._centre_and_span(result, diagnosis)
        shown = {name: shown_errors(result, curve) for name, curve in result.curves.items()}
        # the ranges first: each range change makes every curve redo its downsampling, so
        # set after the data it cost each curve two more passes over its points
        low, high = math.log10(epsilons[0]), math.log10(epsilons[-1])
        set_range(self.top.getViewBox(), 0, low, high, padding=0.01)
        top_y = self._set_ranges(result, diagnosis, shown)
        for name, curve in result.curves.items():
            # far-off round-off garbage would reach Qt as huge numbers: show it as gaps
            estimates = np.where(
                np.abs(curve.estimates - centre) < 1e4 * span, curve.estimates, np.nan
            )
            self.estimates[name].setData(*drawn(epsilons, estimates))
            # the relative error, as the readouts and the verdict give it
            relative = shown[name]
            errors = np.where(relative > 0, relative, np.nan)
            self.errors[name].setData(*drawn(epsilons, errors))
            offset = list(SCHEME_COLOURS).index(name)
            if SCHEME_STYLES[name][1] is None:
                self.estimate_markers[name].setData([], [])
                self.error_markers[name].setData([], [])
            else:
                self.estimate_markers[name].setData(*_every_nth(epsilons, estimates, offset))
                self.error_markers[name].setData(*_every_nth(epsilons, errors, offset))
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
        scale = error_scale(result, diagnosis)  # the guides in relative terms too
        floor = np.where(result.roundoff_floor > 0, result.roundoff_floor / scale, np.nan)
        self.floor.setData(*drawn(epsilons, floor, highest=True))
        for item, guide in (
            (self.guide_one_sided, result.forward.truncation_guide),
            (self.guide_central, result.central.truncation_guide),
        ):
            if guide is None:
                item.setData([], [])
            else:
                item.setData(*drawn(epsilons, np.where(guide > 0, guide / scale, np.nan)))
        for scheme, line in self.rules.items():
            line.setPos(math.log10(result.rule_of_thumb[scheme]))
        edge = None
        if result.vanished.any():
            edge = math.log10(float(epsilons[result.vanished].max()))
            for region in self.vanished:
                region.setRegion((low - 1, edge))
                region.setVisible(True)
            # measured rows: nothing rounded w; the losses did not change in their digits
            self.vanished_text.setText("no change" if result.kind == "measured" else "vanished")
            self.vanished_text.setVisible(True)
        else:
            for region in self.vanished:
                region.setVisible(False)
            self.vanished_text.setVisible(False)
        self._draw_seed_band(result.dtype, edge)
        self._place_labels(result, diagnosis, top_y)

    def _draw_seed_band(self, dtype: str, vanished_edge: float | None) -> None:
        """The float64 rule band, never over the vanished region, and named for what it is
        when the sweep is in another format."""
        low, high = -7.0, -4.0
        if vanished_edge is not None:
            low = max(low, vanished_edge)
        visible = low < high
        for region in self.seed_band:
            region.setRegion((low, high))
            region.setVisible(visible)
        self.seed_text.setVisible(visible)
        self._seed_low = low
        self.band_in_legend = dtype if visible else None  # what the legend names
        if dtype == "float64":
            self.seed_text.setText("1e-7…1e-4: a float64 rule")
        else:
            self.seed_text.setText(f"1e-7…1e-4: a float64 rule, not for {dtype}")

    def _centre_and_span(self, result: Any, diagnosis: Any) -> tuple[float, float]:
        values = [v for v in (diagnosis.consensus,) if v is not None and np.isfinite(v)]
        if result.reference is not None:
            values.append(result.reference.value)
        values += [r.value for r in result.independent_references()[:1]]
        values = [v for v in values if np.isfinite(v)]  # an unavailable reference is NaN
        if not values:
            finite = result.central.estimates[np.isfinite(result.central.estimates)]
            values = [float(np.median(finite))] if finite.size else [0.0]
        centre = (max(values) + min(values)) / 2
        span = max(max(values) - min(values), 0.5 * max(abs(v) for v in values), 1e-8)
        return centre, span

    def _set_ranges(self, result: Any, diagnosis: Any, shown: dict) -> float:
        """The y ranges; the height for the labels at the top of the error plot."""
        centre, span = self._centre_and_span(result, diagnosis)
        set_range(self.top.getViewBox(), 1, centre - 1.6 * span, centre + 1.6 * span)
        stacked = np.concatenate(
            [*shown.values(), result.roundoff_floor / error_scale(result, diagnosis)]
        )
        positive = stacked[np.isfinite(stacked) & (stacked > 0)]
        if positive.size:
            low = max(float(positive.min()), 1e-20)
            high = float(np.max(positive))
            set_range(self.bottom.getViewBox(), 1, math.log10(low) - 0.5, math.log10(high) + 0.5)
            top_y = math.log10(high) + 0.3
        else:
            top_y = 0.0
        return top_y

    def _place_labels(self, result: Any, diagnosis: Any, top_y: float) -> None:
        centre, span = self._centre_and_span(result, diagnosis)
        low_x = math.log10(result.epsilons[0])
        self.vanished_text.setPos(low_x + 0.1, top_y)
        # the band's label from where the band enters the view (rows from 1e-6: it was
        # clipped to its last letter at the left edge), none when it is out of view
        seed_low = max(getattr(self, "_seed_low", -7.0), low_x)
        self.seed_text.setPos(seed_low + 0.05, centre + 1.6 * span)
        if seed_low >= -4.0:
            self.seed_text.setVisible(False)
        self._declutter_soon()

    def prepare_for_paint(self) -> None:
        """Each view's transform (and with it each curve's downsampling for its pixel width)
        brought up to date before the settled paint: done inside the paint, it asked for a
        second paint of both plots in the same turn (66 + 37 ms CPU, 5,000-ε network sweep)."""
        for plot in (self.top, self.bottom):
            plot.getViewBox().prepareForPaint()

    # --- labels that never collide ----------------------------------------------------------
    def _declutter_soon(self, *_args) -> None:
        if not hasattr(self, "_declutter_timer"):
            self._declutter_timer = pg.QtCore.QTimer(self)
            self._declutter_timer.setSingleShot(True)
            self._declutter_timer.setInterval(0)
            self._declutter_timer.timeout.connect(self.declutter)
        self._declutter_timer.start()

    def plot_labels(self) -> dict[str, list[pg.TextItem]]:
        """The text items drawn on each plot (visible or not), for layout and tests."""
        return {
            "top": [self.seed_text, self.independent_line.label],
            "bottom": [self.vanished_text, *(line.label for line in self.rules.values())],
        }

    def declutter(self) -> None:
        """Move the labels on each plot apart: a label that would overlap one placed before it
        goes below it (rule-of-thumb labels slide down their line)."""
        for items in self.plot_labels().values():
            placed: list = []
            for label in items:
                if not _shown(label):
                    continue
                if isinstance(label, pg.InfLineLabel):
                    self._slide_down(label, placed)
                placed.append(label.sceneBoundingRect())

    @staticmethod
    def _slide_down(label: pg.InfLineLabel, placed: list) -> None:
        start = getattr(label, "home", label.orthoPos)
        for step in range(0, 18):
            label.setPosition(max(0.05, start - 0.05 * step) if step else start)
            rect = label.sceneBoundingRect()
            if not any(rect.intersects(other) for other in placed):
                return
        label.setPosition(start)

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
            f"ε ≈ {numbers.epsilon(result.epsilons[index])}",
            f"pointer {numbers.significant(value, 4)}",
        ]
        for name, curve in result.curves.items():
            estimate = curve.estimates[index]
            error = shown_errors(result, curve)[index]  # what the error plot's axis shows
            text = f"{name} {numbers.display(estimate)}"
            if np.isfinite(error):
                text += f" (relative error {numbers.ratio(error)})"
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


def _shown(item: pg.GraphicsObject) -> bool:
    from shiboken6 import isValid

    if not isValid(item):  # a label its plot already deleted (the window closing)
        return False
    parent = item.parentItem()
    return item.isVisible() and (parent is None or (isValid(parent) and parent.isVisible()))
