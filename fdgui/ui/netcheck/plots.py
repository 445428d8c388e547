"""The network check's heat map: log10 relative error of every checked entry of one tensor.

It draws the report's own heat maps (made in the worker, downsampled); it computes nothing.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fdgui.ui.plain_text import markup

# The colour scale is fixed to the verdict bands (the same for every tensor and every check):
# ≤ 1e-7 correct, 1e-7…1e-4, 1e-4…1e-2, > 1e-2 wrong, in the verdicts' own colours, so a
# passing tensor never shows the colours of a failing one.
HEAT_LEVELS = (-10.0, 0.0)
BAND_EDGES = (-7.0, -4.0, -2.0)


def verdict_colour_map() -> pg.ColorMap:
    """Piecewise colours over log10 relative error: one band per verdict, each a little
    darker towards its upper edge so magnitude still reads inside a band."""
    from PySide6.QtGui import QColor

    from fdgui.core.numbers.verdicts import VERDICTS

    low, high = HEAT_LEVELS
    edges = [low, *BAND_EDGES, high]
    positions: list[float] = []
    colours: list[tuple[int, int, int, int]] = []
    for verdict, (start, end) in zip(VERDICTS, itertools.pairwise(edges), strict=False):
        colour = QColor(verdict.colour)
        light = colour.lighter(150)
        for position, shade in ((start, light), (end, colour)):
            positions.append((position - low) / (high - low))
            colours.append((shade.red(), shade.green(), shade.blue(), 255))
    # a step at each edge: nudge the upper band's first stop just above the edge
    for index in range(2, len(positions), 2):
        positions[index] += 1e-6
    return pg.ColorMap(positions, colours)


def _mark_bands(color_bar: pg.ColorBarItem) -> None:
    """1e-7, 1e-4 and 1e-2 (and the ends) on the colour bar's axis."""
    ticks = [(HEAT_LEVELS[0], "≤1e-10"), *((e, f"1e{int(e)}") for e in BAND_EDGES)]
    ticks.append((HEAT_LEVELS[1], "≥1"))
    color_bar.axis.setTicks([ticks, []])


class HeatMap(QWidget):
    """A tensor chooser above the heat map of the chosen tensor of the shown report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heatMapPage")
        self.report: Any = None
        self.missing: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        chooser = QHBoxLayout()
        self.tensor_combo = QComboBox()
        self.tensor_combo.setObjectName("heatTensorCombo")
        self.tensor_combo.setToolTip("The tensor whose relative errors the heat map shows")
        caption = QLabel("&Tensor:")
        caption.setBuddy(self.tensor_combo)
        chooser.addWidget(caption)
        chooser.addWidget(self.tensor_combo)
        chooser.addStretch(1)
        layout.addLayout(chooser)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setObjectName("heatMapView")
        self.view.setMinimumHeight(160)  # the colour bar's labels apart
        self.view.setToolTip(
            "Each entry's error beyond the dtype's round-off allowance, relative to the gradient, "
            "on a scale fixed to the verdict bands; rows are output units, columns input units. "
            "An entry on a kink with the gradient between its one-sided slopes is in the kinks "
            "band (1e-7…1e-4). Blank cells were not checked (sampled mode) or are undecided in "
            "this dtype."
        )
        self.plot = self.view.addPlot()
        self.plot.setLabel("left", "row (unit i)")
        self.plot.setLabel("bottom", "column (input j)")
        self.plot.invertY(True)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).enableAutoSIPrefix(False)  # no "(x0.001)" on indices
        self.plot.setAspectLocked(False)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.color_bar = pg.ColorBarItem(
            values=HEAT_LEVELS,
            colorMap=verdict_colour_map(),
            label="relative error",  # short enough for 860×600; the ticks are the bands
            interactive=False,
        )
        self.color_bar.setImageItem(self.image, insert_in=self.plot)
        _mark_bands(self.color_bar)
        layout.addWidget(self.view)
        self.tensor_combo.currentIndexChanged.connect(self.draw)
        from fdgui.ui.plotting import follow_theme

        follow_theme(self.view, self.apply_theme)

    def apply_theme(self, _theme: Any) -> None:
        """The same background and axes as every other plot of the window."""
        from fdgui.ui.plotting import theme_plot

        theme_plot(self.view, self.plot, self.color_bar)

    _numeric = False  # drawing a numeric gradient's relative uncertainty (no verdict)

    def _use_scale(self, numeric: bool) -> None:
        """A check's verdict colours, or for a numeric gradient (nothing judged) one neutral
        ramp of relative uncertainty = error bar / |g| on the same decades."""
        if numeric == self._numeric:
            return
        self._numeric = numeric
        self._tip = getattr(self, "_tip", None) or self.view.toolTip()
        if numeric:
            ramp = pg.ColorMap([0.0, 1.0], [(236, 242, 248, 255), (8, 48, 107, 255)])
            self.color_bar.setColorMap(ramp)
            self.color_bar.getAxis("left").setLabel("relative uncertainty")
            self.view.setToolTip(
                "Each entry's error bar relative to its numeric gradient (dark: few digits "
                "to trust). Nothing is judged: the probe defines no gradient. Blank cells "
                "were not estimated (sampled mode)."
            )
        else:
            self.color_bar.setColorMap(verdict_colour_map())
            self.color_bar.getAxis("left").setLabel("relative error")
            self.view.setToolTip(self._tip)

    def show_report(self, report: Any, missing: dict[str, str] | None = None) -> None:
        """List the report's tensors and draw its worst (failing) one. ``missing``: tensor
        name → why its heat map is not there (a restored report that did not keep it)."""
        self.report = report
        self.missing = dict(missing or {})
        names = [tensor.name for tensor in report.tensors]
        self.tensor_combo.blockSignals(True)
        self.tensor_combo.clear()
        self.tensor_combo.addItems(names)
        index = names.index(report.worst_tensor) if report.worst_tensor in names else 0
        self.tensor_combo.setCurrentIndex(index)
        self.tensor_combo.blockSignals(False)
        self.draw()

    def draw(self, *_args: Any) -> None:
        report = self.report
        if report is None or self.tensor_combo.currentIndex() < 0:
            return
        tensor = report.tensors[self.tensor_combo.currentIndex()]
        self._use_scale(getattr(report, "verdict", "") == "none")
        if tensor.heat_map is None:  # a restored report that did not keep this one
            self.image.clear()
            # the reason is in the note above the report (a title does not wrap)
            self.plot.setTitle(
                f"{markup(tensor.name)}: heat map unavailable (not kept); Run check draws it"
            )
            return
        logs = np.asarray(tensor.heat_map)  # log10, downsampled in the worker
        self.image.setImage(logs.T, autoLevels=False)
        self.color_bar.setLevels(HEAT_LEVELS)  # the same scale for every tensor
        projection = report.settings.mode == "projection"
        from fdgui.core.netcheck.stored_check import matrix_shape

        rows, columns = matrix_shape(tuple(tensor.shape))  # the picture as_matrix draws
        columns = logs.shape[1] if projection else columns
        if logs.size == 0 or rows < 1 or columns < 1:
            self.image.clear()
            self.plot.setTitle(f"{markup(tensor.name)}: nothing to draw")
            return
        bottom_axis = self.plot.getAxis("bottom")
        if projection:
            # direction k (1-based, as in the worst table) is the cell centred on k
            self.image.setRect(QRectF(0.5, 0, columns, 1))
            step = max(1, math.ceil(columns / 12))
            bottom_axis.setTicks([[(k, str(k)) for k in range(1, columns + 1, step)], []])
        else:
            # cell (i, j) centred on its real indices, whatever the downsampling
            self.image.setRect(QRectF(-0.5, -0.5, columns, rows))
            bottom_axis.setTicks(None)
        if projection:
            left, bottom = "", "direction k (1…K)"
        elif len(tensor.shape) == 1:
            left, bottom = "", "unit i"
        else:
            left, bottom = "row (unit i)", "column (input j)"
        self.plot.setLabel("left", left)
        self.plot.setLabel("bottom", bottom)
        self.plot.getAxis("left").setStyle(showValues=bool(left))
        self.plot.getAxis("left").setTicks(None if left else [[], []])  # one row: no bare ticks
        what = "relative uncertainty" if self._numeric else "relative error beyond round-off"
        self.plot.setTitle(f"{markup(tensor.name)}: {what}")
        self.plot.autoRange()

    def clear(self) -> None:
        """No report: no tensors, no picture."""
        self.report = None
        self.missing = {}
        self.tensor_combo.blockSignals(True)
        self.tensor_combo.clear()
        self.tensor_combo.blockSignals(False)
        self.image.clear()
        self.plot.setTitle("")
