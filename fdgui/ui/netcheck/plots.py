"""The network check's heat map: log10 relative error of every checked entry of one tensor.

It draws the report's own heat maps (made in the worker, downsampled); it computes nothing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget


class HeatMap(QWidget):
    """A tensor chooser above the heat map of the chosen tensor of the shown report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heatMapPage")
        self.report: Any = None
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
            "log10 of each entry's relative error; rows are output units, columns input units. "
            "Blank cells were not checked (sampled mode)."
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
            values=(-16, 0),
            colorMap=pg.colormap.get("viridis"),
            label="log10 relative error",
            interactive=False,
        )
        self.color_bar.setImageItem(self.image, insert_in=self.plot)
        layout.addWidget(self.view)
        self.tensor_combo.currentIndexChanged.connect(self.draw)
        from fdgui.ui.plotting import follow_theme

        follow_theme(self.view, self.apply_theme)

    def apply_theme(self, _theme: Any) -> None:
        """The same background and axes as every other plot of the window."""
        from fdgui.ui.plotting import theme_plot

        theme_plot(self.view, self.plot, self.color_bar)

    def show_report(self, report: Any) -> None:
        """List the report's tensors and draw its worst (failing) one."""
        self.report = report
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
        logs = np.asarray(tensor.heat_map)  # log10, downsampled in the worker
        low, high = tensor.heat_levels
        self.image.setImage(logs.T, autoLevels=False)
        self.color_bar.setLevels((low, high))
        projection = report.settings.mode == "projection"
        rows = tensor.shape[0] if len(tensor.shape) == 2 else 1
        columns = logs.shape[1] if projection else tensor.shape[-1]
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
        self.plot.setTitle(f"{tensor.name}: log10 relative error")
        self.plot.autoRange()
