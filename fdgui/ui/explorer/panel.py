"""The ε explorer panel: choose what to sweep, see the V-curve, pick an ε, read the diagnosis.

Top plot: central, forward and backward estimates against ε (log x) with the gradient under
check as a horizontal line. Bottom plot: |error| against ε (log-log) with the theory guides
(truncation ∝ ε and ∝ ε², round-off floor u·|L|/ε), the best ε of each scheme, the rule-of-
thumb ε, the region where the perturbation vanishes and the seed's float64 band. A vertical
cursor (drag it, or click a plot) picks an ε; its values can be sent to the calculator.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fdgui.core.numbers.parsing import InputError
from fdgui.core.report import format as fmt
from fdgui.ui.explorer.model import ExplorerModel
from fdgui.ui.widgets import SCHEME_COLOURS, vertical_scroll

# the same colours as the calculator's plot (fdgui/ui/calculator/panel.py)
COLOURS = SCHEME_COLOURS
REFERENCE_COLOUR = "#222222"
FLOOR_COLOUR = "#7f7f7f"
GUIDE_COLOUR = "#8e44ad"
INDEPENDENT_COLOUR = "#bf3989"
STALE_COLOUR = "#6e7781"
LIMITED_COLOUR = "#9a6700"
FIRST_SWEEP_DELAY_MS = 60
PLOTS_MINIMUM_HEIGHT = 330  # each plot keeps about 130 px of data area
VANISHED_BRUSH = (200, 60, 60, 40)
SEED_BRUSH = (240, 200, 40, 45)
KIND_COLOURS = {
    "correct": "#1b873f",
    "wrong": "#cf222e",
    "kink": "#9a6700",
    "vanished": "#c75000",
    "unknown": "#0a5ea8",
}
SOURCE_TITLES = {
    "expression": "Expression in w",
    "network": "Built-in network",
    "measured": "Calculator's measured rows",
}
DTYPE_TIPS = {
    "float64": "double precision, u = 2^-53 ≈ 1.1e-16",
    "float32": "single precision, u = 2^-24 ≈ 6.0e-8 (typical training)",
    "float16": "half precision, u = 2^-11 ≈ 4.9e-4",
    "bfloat16": "brain float, u = 2^-8 ≈ 3.9e-3 (8 exponent bits like float32)",
}


def create_panel(context: Any) -> QWidget:
    """Entry point for the main window's lazy panel registry."""
    return ExplorerPanel(context)


def _fmt(value: float | None, digits: int = 6) -> str:
    return fmt.significant(value, digits)


def _legend_html() -> str:
    """One line naming every curve, in its colour (drawn outside the plots so it never hides
    data)."""

    def item(colour: str, mark: str, text: str) -> str:
        return f"<span style='color:{colour}'><b>{mark}</b></span>&nbsp;{text}"

    parts = [item(colour, "━", name) for name, colour in COLOURS.items()]
    parts += [
        item(REFERENCE_COLOUR, "╌", "gradient under check"),
        item(INDEPENDENT_COLOUR, "┈", "complex step / Richardson if they differ"),
        item(FLOOR_COLOUR, "╌", "round-off u·|L|/ε"),
        item(GUIDE_COLOUR, "┈", "truncation ∝ ε, ε²"),
        item("#444", "●", "best ε"),
        item("#444", "┆", "rule-of-thumb ε"),
        item("#c06060", "▌", "vanished"),
        item("#c0a000", "▌", "float64 rule band"),
    ]
    return "&nbsp;&nbsp; ".join(parts)


def _selectable(label: QLabel) -> QLabel:
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return label


def _error_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #cf222e;")
    label.setVisible(False)
    return label


class ExplorerPanel(QWidget):
    """View of an ExplorerModel: inputs on the left, plots, cursor readout and diagnosis."""

    def __init__(self, context: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explorerPanel")
        self.context = context
        calculator = getattr(context, "calculator", None)
        self.model = ExplorerModel(calculator, self)
        self._wrap_keeper = _WrapKeeper(self)
        self.edits: dict[str, QLineEdit] = {}
        self.combos: dict[str, QComboBox] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._updating_cursor = False
        self._build()
        self._connect()
        self._show_texts(self.model.texts())
        self._fit_page(self.pages.currentIndex())
        # the first sweep runs once the panel is on screen and painted, so opening the tab
        # never waits for it (a zero timeout would still run before the first paint)
        QTimer.singleShot(FIRST_SWEEP_DELAY_MS, self._first_sweep)

    def _first_sweep(self) -> None:
        if self.model.result() is None and not self.model.is_busy():
            self.model.sweep()

    # --- public ------------------------------------------------------------------------------
    def sweep_network_parameter(
        self, spec: Any, tensor: str, index: int, dtype: str, bug: str | None = None
    ) -> None:
        """Called by the Network-check panel: sweep this parameter of that network."""
        self.model.sweep_network_parameter(spec, tensor, index, dtype, bug)

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        controls = QWidget()
        controls.setObjectName("explorerControls")
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(self._build_objective())
        column.addWidget(self._build_grid())
        column.addWidget(self._build_references())
        column.addWidget(self._build_progress())
        column.addStretch(1)
        scroll = vertical_scroll(controls, "explorerControlsScroll")
        scroll.setMinimumWidth(300)

        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("explorerRightSplitter")
        right.setChildrenCollapsible(False)
        right.addWidget(self._build_diagnosis())
        right.addWidget(self._build_plots())
        right.addWidget(self._build_bottom())
        right.setStretchFactor(0, 0)
        right.setStretchFactor(1, 1)
        right.setStretchFactor(2, 0)
        right.setSizes([120, 500, 150])
        # on a short window the right side scrolls instead of squeezing the plots: the
        # splitter's minimum is the sum of its parts' minimums (plots at least
        # PLOTS_MINIMUM_HEIGHT, the readout its full height)
        right_scroll = vertical_scroll(right, "explorerRightScroll")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("explorerSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(right_scroll)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 950])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def _line(self, field: str, name: str, tooltip: str, width: int | None = None) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setToolTip(tooltip)
        edit.setClearButtonEnabled(False)
        if width:
            edit.setMaximumWidth(width)
        self.edits[field] = edit
        self.error_labels[field] = _error_label(name.replace("Edit", "Error"))
        return edit

    def _combo(
        self, field: str, name: str, tooltip: str, items: list[tuple[str, str]]
    ) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tooltip)
        for text, data in items:
            combo.addItem(text, data)
        self.combos[field] = combo
        self.error_labels[field] = _error_label(name.replace("Combo", "Error"))
        return combo

    def _row(self, grid: QGridLayout, row: int, text: str, widget: QWidget, field: str) -> int:
        label = QLabel(text)
        label.setBuddy(widget)
        grid.addWidget(label, row, 0)
        grid.addWidget(widget, row, 1)
        grid.addWidget(self.error_labels[field], row + 1, 0, 1, 2)
        return row + 2

    def _build_objective(self) -> QGroupBox:
        from fdgui.core.models.mlp import ACTIVATIONS, BUGS, LOSSES

        box = QGroupBox("What to sweep")
        layout = QVBoxLayout(box)
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("sourceCombo")
        self.source_combo.setToolTip("Sweep a formula you type, the built-in network, or your rows")
        for key, title in SOURCE_TITLES.items():
            self.source_combo.addItem(title, key)
        source_label = QLabel("&Source:")
        source_label.setBuddy(self.source_combo)
        top = QHBoxLayout()
        top.addWidget(source_label)
        top.addWidget(self.source_combo, 1)
        layout.addLayout(top)

        self.pages = QStackedWidget()
        self.pages.setObjectName("sourcePages")
        # expression
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        expression = self._line(
            "expression",
            "expressionEdit",
            "A formula in w: numbers, + − * / **, and sin cos tan exp log sqrt tanh abs "
            "sigmoid relu maximum minimum …",
        )
        point = self._line("point", "pointEdit", "The point w0 where the derivative is taken")
        # mnemonics avoid the menus (F, C, V, H) and the calculator's (L, P, M, E, B)
        row = self._row(grid, 0, "L(&w) =", expression, "expression")
        self._row(grid, row, "&at w =", point, "point")
        self.pages.addWidget(page)
        # network
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        layers = self._line(
            "layer_sizes", "layersEdit", "Layer sizes from input to output, e.g. 64,128,10"
        )
        activation = self._combo(
            "activation",
            "activationCombo",
            "Hidden-layer activation; relu has kinks, tanh and sigmoid are smooth",
            [(name, name) for name in ACTIVATIONS],
        )
        loss = self._combo(
            "loss", "lossCombo", "Loss over the batch", [(name, name) for name in LOSSES]
        )
        batch = self._line("batch_size", "batchEdit", "Examples in the fixed synthetic batch")
        seed = self._line("seed", "seedEdit", "Seed for the weights and the synthetic data")
        tensor = self._combo("tensor", "tensorCombo", "Which weight or bias tensor", [])
        index = self._line("index", "indexEdit", "Flat index of the parameter inside the tensor")
        bug = self._combo(
            "bug",
            "bugCombo",
            "Check a deliberately wrong backprop to see what a bug looks like",
            [("none (honest backprop)", "")] + [(name, name) for name in BUGS],
        )
        for position in range(1, bug.count()):
            bug.setItemData(position, BUGS[bug.itemData(position)], Qt.ItemDataRole.ToolTipRole)
        row = 0
        for text, widget, field in (
            ("La&yers:", layers, "layer_sizes"),
            ("Ac&tivation:", activation, "activation"),
            ("L&oss:", loss, "loss"),
            ("B&atch:", batch, "batch_size"),
            ("&Random seed:", seed, "seed"),
            ("Te&nsor:", tensor, "tensor"),
            ("Inde&x:", index, "index"),
            ("Backprop bu&g:", bug, "bug"),
        ):
            row = self._row(grid, row, text, widget, field)
        self.pages.addWidget(page)
        # measured
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.rows_label = QLabel("")
        self.rows_label.setObjectName("measuredRowsLabel")
        self.rows_label.setWordWrap(True)
        grid.addWidget(self.rows_label, 0, 0, 1, 2)
        backprop = self._line(
            "measured_backprop",
            "measuredBackpropEdit",
            "Optional: the backprop gradient to check the measured rows against",
        )
        self._row(grid, 1, "Bac&kprop:", backprop, "measured_backprop")
        self.error_labels["rows"] = _error_label("measuredRowsError")
        grid.addWidget(self.error_labels["rows"], 3, 0, 1, 2)
        self.pages.addWidget(page)
        layout.addWidget(self.pages)
        for number in range(self.pages.count()):
            self.pages.widget(number).layout().setRowStretch(99, 1)
        self.pages.currentChanged.connect(self._fit_page)
        return box

    def _fit_page(self, current: int) -> None:
        """The stack takes the height of the page on show, not of its tallest page."""
        for number in range(self.pages.count()):
            policy = (
                QSizePolicy.Policy.Preferred if number == current else QSizePolicy.Policy.Ignored
            )
            self.pages.widget(number).setSizePolicy(policy, policy)
        self.pages.adjustSize()

    def _build_grid(self) -> QGroupBox:
        from fdgui.core.numbers.precision import DTYPE_NAMES

        box = QGroupBox("Precision and ε grid")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        dtype = self._combo(
            "dtype",
            "dtypeCombo",
            "The format the loss is computed in; w ± ε is formed in it too",
            [(name, name) for name in DTYPE_NAMES],
        )
        for position, name in enumerate(DTYPE_NAMES):
            dtype.setItemData(position, DTYPE_TIPS[name], Qt.ItemDataRole.ToolTipRole)
        minimum = self._line("min", "minEdit", "Smallest ε of the log grid (> 0)")
        maximum = self._line("max", "maxEdit", "Largest ε of the log grid")
        points = self._line("points", "pointsEdit", "Number of ε values (3 to 5000)")
        row = 0
        for text, widget, field in (
            ("&Dtype:", dtype, "dtype"),
            ("M&inimum ε:", minimum, "min"),
            ("Maxim&um ε:", maximum, "max"),
            ("Grid si&ze:", points, "points"),
        ):
            row = self._row(grid, row, text, widget, field)
        self.dtype_facts = QLabel("")
        self.dtype_facts.setObjectName("dtypeFactsLabel")
        self.dtype_facts.setWordWrap(True)
        self.dtype_facts.setStyleSheet("color: #555;")
        grid.addWidget(self.dtype_facts, row, 0, 1, 2)
        return box

    def _build_references(self) -> QGroupBox:
        box = QGroupBox("Reference values")
        layout = QVBoxLayout(box)
        self.references_label = _selectable(QLabel("—"))
        self.references_label.setObjectName("referencesLabel")
        self.references_label.setWordWrap(True)
        self.references_label.setTextFormat(Qt.TextFormat.RichText)
        self.references_label.setToolTip(
            "The gradient under check (analytic or backprop) and independent references: "
            "complex step (exact to round-off, smooth objectives only) and Richardson "
            "extrapolation with its error bar"
        )
        layout.addWidget(self.references_label)
        return box

    def _build_progress(self) -> QWidget:
        widget = QWidget()
        row = QHBoxLayout(widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setObjectName("sweepProgress")
        self.progress.setRange(0, 100)
        self.progress.setToolTip("Progress of a long sweep")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelSweepButton")
        self.cancel_button.setToolTip("Stop this sweep; the last finished one stays on screen")
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.status_label = QLabel("")
        self.status_label.setObjectName("sweepStatusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet("color: #555;")
        outer = QWidget()
        column = QVBoxLayout(outer)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(self.status_label)
        self.progress_row = widget
        widget.setVisible(False)
        return outer

    def _build_plots(self) -> QWidget:
        container = QWidget()
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.hover_label = QLabel(
            "Hover to read values · click or drag to pick ε · keys: ← → PgUp PgDn Home"
        )
        self.hover_label.setObjectName("hoverLabel")
        self.hover_label.setStyleSheet("color: #444;")
        self.hover_label.setMinimumWidth(10)
        self.hover_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.hover_label)
        self.legend_label = QLabel(_legend_html())
        self.legend_label.setObjectName("plotLegend")
        self.legend_label.setWordWrap(True)
        self.legend_label.setToolTip(
            "Top: estimates against ε, with the gradient under check as a dashed line. Bottom: "
            "|estimate − that gradient|, log-log, with the theory guides."
        )
        column.addWidget(self.legend_label)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setObjectName("explorerPlots")
        self.plots.setAccessibleName("ε sweep plots")
        self.plots.setAccessibleDescription(
            "Top: gradient estimates against ε. Bottom: their error against ε, log-log. The "
            "diagnosis above the plots says what they show in words."
        )
        self.plots.setBackground("w")
        self.plots.setToolTip("")  # the hover readout above the plots does this job
        self.plots.setMinimumHeight(PLOTS_MINIMUM_HEIGHT)
        # keyboard: ←/→ one grid point, PageUp/PageDown a decade, Home the recommended ε
        self.plots.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._keys = _CursorKeys(self)
        self.plots.installEventFilter(self._keys)
        # while the inputs are bad or a sweep failed, the plots are veiled and say so
        self.stale_overlay = QLabel(self.plots)
        self.stale_overlay.setObjectName("plotsStaleOverlay")
        self.stale_overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stale_overlay.setWordWrap(True)
        self.stale_overlay.setStyleSheet(
            f"background: rgba(246, 248, 250, 190); color: {STALE_COLOUR}; font-weight: bold;"
        )
        self.stale_overlay.hide()
        column.addWidget(self.plots, 1)
        self.view = _Plots(self.plots)
        return container

    def _build_bottom(self) -> QWidget:
        bottom = QWidget()
        row = QHBoxLayout(bottom)
        row.setContentsMargins(0, 0, 0, 0)
        # readout at the cursor
        readout_box = QGroupBox("At the cursor")
        grid = QGridLayout(readout_box)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setVerticalSpacing(2)
        grid.setContentsMargins(8, 4, 8, 4)
        self.readout_labels: dict[str, QLabel] = {}
        entries = (
            ("epsilon", "ε", "readoutEpsilon", 0, 0),
            ("loss", "L", "readoutLoss", 1, 0),
            ("loss_plus", "L+", "readoutLossPlus", 2, 0),
            ("loss_minus", "L−", "readoutLossMinus", 3, 0),
            ("central", "central", "readoutCentral", 0, 2),
            ("forward", "forward", "readoutForward", 1, 2),
            ("backward", "backward", "readoutBackward", 2, 2),
        )
        for key, text, name, r, c in entries:
            label = _selectable(QLabel("—"))
            label.setObjectName(name)
            title = QLabel(text + ":")
            title.setBuddy(label)
            grid.addWidget(title, r, c)
            grid.addWidget(label, r, c + 1)
            self.readout_labels[key] = label
        self.cursor_edit = QLineEdit()
        self.cursor_edit.setObjectName("cursorEpsilonEdit")
        self.cursor_edit.setToolTip(
            "Type an ε and press Enter to move the cursor there (or focus the plot and use "
            "←/→ for one grid point, Page Up/Down for a decade, Home for the recommended ε)"
        )
        self.cursor_edit.setMaximumWidth(140)
        self.cursor_error = _error_label("cursorEpsilonError")
        cursor_title = QLabel("Move to ε:")
        cursor_title.setBuddy(self.cursor_edit)
        cursor_row = QHBoxLayout()
        cursor_row.addWidget(cursor_title)
        cursor_row.addWidget(self.cursor_edit)
        cursor_row.addWidget(self.cursor_error, 1)
        cursor_row.addStretch(1)
        grid.addLayout(cursor_row, 5, 0, 1, 4)
        self.send_button = QPushButton("Send to calculator")
        self.send_button.setObjectName("sendToCalculatorButton")
        self.send_button.setToolTip("Fill the calculator with ε, L, L+ and L− at the cursor")
        self.send_button.setEnabled(False)
        self.copy_button = QPushButton("Copy summary")
        self.copy_button.setObjectName("copySweepButton")
        self.copy_button.setToolTip(
            "Copy the best ε per scheme, the references and the diagnosis as plain text"
        )
        self.copy_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button, 1)
        buttons.addWidget(self.copy_button)
        grid.addLayout(buttons, 3, 2, 1, 2)
        self.point_label = QLabel("")
        self.point_label.setObjectName("readoutRegime")
        self.point_label.setWordWrap(True)
        grid.addWidget(self.point_label, 4, 0, 1, 4)
        row.addWidget(readout_box, 1)
        # room for the sentence about the cursor to wrap onto a second line
        spare = self.point_label.fontMetrics().lineSpacing()
        bottom.setMinimumHeight(bottom.sizeHint().height() + spare)
        return bottom

    def _build_diagnosis(self) -> QWidget:
        """The diagnosis as a banner across the plots' width: the first thing to read."""
        box = QFrame()
        box.setObjectName("diagnosisBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(box)
        column.setContentsMargins(8, 4, 8, 4)
        column.setSpacing(2)
        self.diagnosis_title = QLabel("—")
        self.diagnosis_title.setObjectName("diagnosisTitle")
        font = QFont(self.diagnosis_title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.diagnosis_title.setFont(font)
        self.diagnosis_title.setToolTip("What the sweep shows, in words")
        self.diagnosis_text = _selectable(QLabel(""))
        self.diagnosis_text.setObjectName("diagnosisText")
        self.diagnosis_text.setWordWrap(True)
        self.diagnosis_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.recommended_label = _selectable(QLabel(""))
        self.recommended_label.setObjectName("recommendedLabel")
        self.recommended_label.setWordWrap(True)
        self.recommended_label.setToolTip("The ε to use for this objective and dtype, and why")
        self.stale_label = QLabel("")
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet(f"color: {STALE_COLOUR}; font-weight: bold;")
        self.stale_label.setVisible(False)
        column.addWidget(self.stale_label)
        column.addWidget(self.diagnosis_title)
        column.addWidget(self.diagnosis_text)
        column.addStretch(1)
        scroll = vertical_scroll(box, "diagnosisScroll")
        scroll.setMinimumHeight(70)
        self.diagnosis_box = box
        # the recommended ε stays in view however long the explanation above it is
        outer = QWidget()
        outer.setObjectName("diagnosisArea")
        layout = QVBoxLayout(outer)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.recommended_label)
        outer.installEventFilter(self._wrap_keeper)
        return outer

    # --- wiring ------------------------------------------------------------------------------
    def _connect(self) -> None:
        model = self.model
        for field, edit in self.edits.items():
            edit.textEdited.connect(lambda text, field=field: model.set_text(field, text))
            edit.returnPressed.connect(model.sweep)
        for field, combo in self.combos.items():
            combo.activated.connect(
                lambda _index, field=field, combo=combo: model.set_text(
                    field, combo.currentData() or ""
                )
            )
        self.combos["dtype"].activated.connect(lambda _index: model.sweep())
        self.source_combo.activated.connect(
            lambda _index: model.set_source(self.source_combo.currentData())
        )
        self.cancel_button.clicked.connect(model.cancel)
        self.cursor_edit.returnPressed.connect(self._cursor_typed)
        model.staleChanged.connect(self._show_stale)
        self.send_button.clicked.connect(self._send)
        self.copy_button.clicked.connect(self.copy_summary)
        model.textsChanged.connect(self._show_texts)
        model.sourceChanged.connect(self._show_source)
        model.inputErrorChanged.connect(self._show_error)
        model.busyChanged.connect(self._show_busy)
        model.progressed.connect(self._show_progress)
        model.resultChanged.connect(self._show_result)
        model.readoutChanged.connect(self._show_readout)
        model.failed.connect(self._show_failure)
        model.rowsChanged.connect(self._show_rows)
        self.view.cursorMoved.connect(self._cursor_dragged)
        self.view.hovered.connect(self.hover_label.setText)
        self._show_rows(model.measured_row_count())

    def _show_texts(self, texts: dict) -> None:
        for field, edit in self.edits.items():
            if edit.text() != texts[field]:
                edit.setText(texts[field])
        self._refresh_tensors(texts)
        for field, combo in self.combos.items():
            index = combo.findData(texts[field])
            if index >= 0:
                combo.setCurrentIndex(index)
        self._show_source(self.model.source())

    def _refresh_tensors(self, texts: dict) -> None:
        combo = self.combos["tensor"]
        from fdgui.core.models.mlp import parse_layer_sizes

        try:
            sizes = list(parse_layer_sizes(texts["layer_sizes"]))
        except ValueError:
            return
        if len(sizes) < 2 or max(sizes) > 1_000_000:
            return
        names = []
        for layer in range(1, len(sizes)):
            names += [
                (f"W{layer}  ({sizes[layer]}×{sizes[layer - 1]})", f"W{layer}"),
                (f"b{layer}  ({sizes[layer]})", f"b{layer}"),
            ]
        shown = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
        if shown == names:  # same tensors and same shapes: nothing to redraw
            return
        combo.blockSignals(True)
        combo.clear()
        for text, data in names:
            combo.addItem(text, data)
        combo.blockSignals(False)

    def _show_source(self, source: str) -> None:
        index = self.source_combo.findData(source)
        if self.source_combo.currentIndex() != index:
            self.source_combo.setCurrentIndex(index)
        self.pages.setCurrentIndex(index)

    def _show_rows(self, count: int) -> None:
        if self.context is None or getattr(self.context, "calculator", None) is None:
            self.rows_label.setText("The calculator is not available here.")
            return
        self.rows_label.setText(
            f"{count} row{'s' if count != 1 else ''} in the calculator's history. Each "
            "Calculate there at a new ε adds a point here."
        )

    def _show_error(self, field: str, message: str) -> None:
        label = self.error_labels.get(field)
        if label is None:  # a field without a widget of its own
            label = self.status_label
        label.setText(message)
        label.setVisible(bool(message))
        widget = self.edits.get(field) or self.combos.get(field)
        if widget is not None:
            widget.setStyleSheet("border: 1px solid #cf222e;" if message else "")

    def _show_busy(self, busy: bool) -> None:
        self.progress_row.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self.status_label.setText("Sweeping…")
        elif self.status_label.text() == "Sweeping…":
            self.status_label.setText("")

    def _show_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(100 * fraction))
        if message:
            self.status_label.setText(f"Sweeping: {message}…")

    def _show_failure(self, message: str) -> None:
        self.status_label.setText(message)

    def _show_stale(self, stale: bool, reason: str) -> None:
        """Grey the diagnosis and the plots while they no longer match the inputs."""
        self.stale_label.setText(reason)
        self.stale_label.setVisible(stale)
        if stale:
            self.diagnosis_title.setStyleSheet(f"color: {STALE_COLOUR};")
            self.diagnosis_text.setStyleSheet(f"color: {STALE_COLOUR};")
            self.recommended_label.setStyleSheet(f"color: {STALE_COLOUR};")
            self.diagnosis_box.setStyleSheet(
                f"#diagnosisBox {{ border-left: 4px solid {STALE_COLOUR}; }}"
            )
            self.stale_overlay.setText(reason)
            self.stale_overlay.resize(self.plots.size())
            self.stale_overlay.show()
            self.stale_overlay.raise_()
            self.send_button.setEnabled(False)
            self.send_button.setToolTip("The values shown are out of date; fix the input first")
            failure = self.status_label.text().startswith("The sweep stopped")
            if not self.model.is_busy() and not (failure and "failed" in reason):
                self.status_label.setText("")  # an older failure is not the reason any more
        else:
            self.diagnosis_text.setStyleSheet("")
            self.recommended_label.setStyleSheet("")
            self.stale_overlay.hide()
            self.send_button.setToolTip("Fill the calculator with ε, L, L+ and L− at the cursor")
            readout = self.model.readout()
            self.send_button.setEnabled(
                self.context is not None
                and readout is not None
                and bool(np.isfinite(readout.loss_plus))
            )

    def _cursor_typed(self) -> None:
        from fdgui.core.numbers.parsing import parse_number

        result = self.model.result()
        try:
            epsilon = float(parse_number(self.cursor_edit.text(), "epsilon", positive=True))
        except InputError as error:
            self._show_cursor_error(error.message)
            return
        if result is None:
            return
        low, high = float(result.epsilons[0]), float(result.epsilons[-1])
        if not low <= epsilon <= high:
            self._show_cursor_error(f"choose an ε between {low:.3g} and {high:.3g}")
            return
        self._show_cursor_error("")
        self.model.set_cursor_epsilon(epsilon)

    def _show_cursor_error(self, message: str) -> None:
        self.cursor_error.setText(message)
        self.cursor_error.setVisible(bool(message))

    def move_cursor(self, key: str) -> None:
        """Keyboard steps: 'left'/'right' one grid point, 'up'/'down' a decade, 'home' the
        recommended ε."""
        result, diagnosis = self.model.result(), self.model.diagnosis()
        current = self.model.cursor_epsilon()
        if result is None or current is None:
            return
        epsilons = result.epsilons
        if key == "home":
            epsilon = diagnosis.recommended["central"]
        elif key in ("left", "right"):
            index = result.index_of(current)
            nearest = float(epsilons[index])
            if key == "left" and nearest >= current * (1 - 1e-9):
                index -= 1
            elif key == "right" and nearest <= current * (1 + 1e-9):
                index += 1
            epsilon = float(epsilons[max(0, min(index, len(epsilons) - 1))])
        else:
            epsilon = current * (10.0 if key == "up" else 0.1)
        epsilon = float(min(max(epsilon, epsilons[0]), epsilons[-1]))
        self.model.set_cursor_epsilon(epsilon)

    def _show_result(self, result: Any, diagnosis: Any) -> None:
        from fdgui.core.numbers.precision import facts
        from fdgui.core.report import sweep as words

        self.view.draw(result, diagnosis)
        info = facts(result.dtype)
        spacing = (
            "" if result.spacing is None else f"; gap between numbers at w: {result.spacing:.3g}"
        )
        self.dtype_facts.setText(
            f"{result.dtype}: u = {info.unit_roundoff:.3g} (≈{info.significant_digits:.1f} "
            f"digits){spacing}"
        )
        lines = []
        for reference in result.references:
            bar = ""
            if reference.method == "Richardson" and reference.error is not None:
                bar = (
                    f" ± {reference.error:.1e}"
                    if math.isfinite(reference.error)
                    else " <span style='color:#cf222e'>(unreliable: did not converge)</span>"
                )
            lines.append(
                f"<b>{reference.method}</b>: {reference.value:.15g}{bar}"
                f"<br><span style='color:#666'>{reference.note}</span>"
            )
        self.references_label.setText("<br>".join(lines) or "none for these rows")
        colour = KIND_COLOURS.get(diagnosis.kind, "#000")
        if diagnosis.kind == "correct" and diagnosis.limited_by is not None:
            colour = LIMITED_COLOUR  # correct, but the finite differences cannot show it
        self.diagnosis_title.setText(words.diagnosis_title(diagnosis))
        self.diagnosis_title.setStyleSheet(f"color: {colour};")
        self.diagnosis_box.setStyleSheet(f"#diagnosisBox {{ border-left: 4px solid {colour}; }}")
        self.diagnosis_text.setText(words.diagnosis_text(diagnosis))
        self.recommended_label.setText(
            f"Recommended ε: central {_fmt(diagnosis.recommended['central'], 2)}, forward "
            f"{_fmt(diagnosis.recommended['forward'], 2)}: {words.recommendation_text(diagnosis)}."
        )
        self._wrap_keeper.refit()  # the new text may wrap to more lines at this width
        self.status_label.setText(
            f"{result.epsilons.size} ε in {result.dtype}, swept in {1000 * result.seconds:.0f} ms"
        )
        self.copy_button.setEnabled(True)

    def _show_readout(self, readout: Any, sentence: str) -> None:
        self.point_label.setText(sentence)
        if readout is None:
            self.send_button.setEnabled(False)
            return
        labels = self.readout_labels
        labels["epsilon"].setText(f"{readout.epsilon:.4g}")
        labels["loss"].setText(_fmt(readout.loss, 10))
        labels["loss_plus"].setText(_fmt(readout.loss_plus, 10))
        labels["loss_minus"].setText(_fmt(readout.loss_minus, 10))
        for scheme in ("central", "forward", "backward"):
            error = readout.relative_errors.get(scheme)
            suffix = "" if error is None else f"  (rel. error {_fmt(error, 2)})"
            labels[scheme].setText(_fmt(readout.estimates[scheme], 8) + suffix)
        self.send_button.setEnabled(
            self.context is not None
            and bool(np.isfinite(readout.loss_plus))
            and not self.model.is_stale()
        )
        if not self.cursor_edit.hasFocus():
            self.cursor_edit.setText(f"{readout.epsilon:.6g}")
        self._updating_cursor = True
        self.view.set_cursor(readout.epsilon)
        self._updating_cursor = False

    def _cursor_dragged(self, epsilon: float) -> None:
        if not self._updating_cursor:
            self.model.set_cursor_epsilon(epsilon)

    def copy_summary(self) -> None:
        """The sweep's summary (same text as ``fdgui-cli sweep``) to the clipboard."""
        from PySide6.QtGui import QGuiApplication

        from fdgui.core.report.exporters import export
        from fdgui.core.report.sweep import SweepReport

        result, diagnosis = self.model.result(), self.model.diagnosis()
        if result is not None:
            QGuiApplication.clipboard().setText(export(SweepReport(result, diagnosis), "text"))
            show = getattr(self.context, "show_status", None)
            if show is not None:
                note = " (out of date: it is the last sweep's)" if self.model.is_stale() else ""
                show(f"Copied the sweep summary of {result.label}{note}.")

    def _send(self) -> None:
        if self.model.send_to_calculator(self.context):
            show = getattr(self.context, "show_status", None)
            if show is not None:
                show("The explorer's values at the cursor are in the calculator.")


class _WrapKeeper(QObject):
    """Keeps the recommended-ε line tall enough for its wrapped text at the current width
    (a splitter does not ask wrapped labels for their height, so they would overlap)."""

    def __init__(self, panel: ExplorerPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.refit(event.size().width())
        return False

    def refit(self, width: int | None = None) -> None:
        """Give the label the height its text needs at ``width`` (default: its own width)."""
        label = self.panel.recommended_label
        width = label.width() if width is None else width
        needed = label.heightForWidth(max(50, width))
        if needed > 0 and needed != label.minimumHeight():
            label.setMinimumHeight(needed)


class _CursorKeys(QObject):
    """Keyboard control of the ε cursor while the plots have focus."""

    KEYS: ClassVar[dict[Qt.Key, str]] = {
        Qt.Key.Key_Left: "left",
        Qt.Key.Key_Right: "right",
        Qt.Key.Key_PageUp: "up",
        Qt.Key.Key_PageDown: "down",
        Qt.Key.Key_Up: "up",
        Qt.Key.Key_Down: "down",
        Qt.Key.Key_Home: "home",
    }

    def __init__(self, panel: ExplorerPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.panel.stale_overlay.resize(event.size())
        elif event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            # a visible focus mark, so keyboard users see that the arrows move the cursor
            focused = event.type() == QEvent.Type.FocusIn
            self.panel.plots.setStyleSheet(
                "#explorerPlots { border: 2px solid #0969da; }" if focused else ""
            )
        if event.type() == QEvent.Type.KeyPress:
            key = self.KEYS.get(Qt.Key(event.key()))
            if key is not None:
                self.panel.move_cursor(key)
                return True
        return False


class _LogAxis(pg.AxisItem):
    """A log axis whose labels never collide: whole decades, spaced to fit the width, and
    1-2-5 labels only when a decade is wide enough to hold them."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        span = max(maxVal - minVal, 1e-9)
        spacing = 70 if self.orientation in ("bottom", "top") else 26  # pixels per label
        labels_that_fit = max(2, int(size / spacing))
        step = max(1, math.ceil(span / labels_that_fit))
        first = math.ceil(minVal / step) * step
        majors = [float(v) for v in np.arange(first, maxVal + 1e-9, step)]
        ticks = [(float(step), majors)]
        if step == 1 and size / span > 3.5 * spacing:  # room for 2 and 5 inside each decade
            minors = [
                decade + math.log10(factor)
                for decade in range(math.floor(minVal), math.ceil(maxVal))
                for factor in (2, 5)
            ]
            ticks.append((None, [x for x in minors if minVal < x < maxVal]))
        return ticks


def _set_range(box: pg.ViewBox, axis: int, low: float, high: float, padding: float = 0.0) -> None:
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


class _Plots(pg.QtCore.QObject):
    """The two linked plots and every item on them; redrawn with setData, never rebuilt."""

    cursorMoved = pg.QtCore.Signal(float)
    hovered = pg.QtCore.Signal(str)

    def __init__(self, layout: pg.GraphicsLayoutWidget) -> None:
        super().__init__()
        self.layout = layout
        self.result: Any = None
        top = layout.addPlot(row=0, col=0, axisItems={"bottom": _LogAxis("bottom")})
        bottom = layout.addPlot(
            row=1, col=0, axisItems={"bottom": _LogAxis("bottom"), "left": _LogAxis("left")}
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
            plot.getAxis("bottom").enableAutoSIPrefix(False)  # no "(x0.001)" on a log axis
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
            name: top.plot(
                pen=pg.mkPen(colour, width=2 if name == "central" else 1),
                connect="finite",
            )
            for name, colour in COLOURS.items()
        }
        self.reference_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(REFERENCE_COLOUR, width=1.5, style=Qt.PenStyle.DashLine)
        )
        top.addItem(self.reference_line, ignoreBounds=True)
        # an independent reference (complex step, else Richardson), drawn when it disagrees
        # with the gradient under check: where the curves should have converged to
        self.independent_line = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(INDEPENDENT_COLOUR, width=2, style=Qt.PenStyle.DotLine),
            label="independent reference",
            labelOpts={"position": 0.02, "color": INDEPENDENT_COLOUR, "anchors": [(0, 1), (0, 1)]},
        )
        top.addItem(self.independent_line, ignoreBounds=True)
        self.errors = {
            name: bottom.plot(
                pen=pg.mkPen(colour, width=2 if name == "central" else 1), connect="finite"
            )
            for name, colour in COLOURS.items()
        }
        self.floor = bottom.plot(pen=pg.mkPen(FLOOR_COLOUR, width=1.5, style=Qt.PenStyle.DashLine))
        self.guide_one_sided = bottom.plot(
            pen=pg.mkPen(GUIDE_COLOUR, width=1.2, style=Qt.PenStyle.DotLine)
        )
        self.guide_central = bottom.plot(
            pen=pg.mkPen(GUIDE_COLOUR, width=1.2, style=Qt.PenStyle.DotLine)
        )
        self.best = {
            name: bottom.plot(
                pen=None,
                symbol="o",
                symbolSize=10,
                symbolBrush=colour,
                symbolPen=pg.mkPen("w", width=1.5),
            )
            for name, colour in COLOURS.items()
        }
        self.rules = {
            scheme: pg.InfiniteLine(
                angle=90,
                pen=pg.mkPen(COLOURS[scheme], width=1, style=Qt.PenStyle.DashDotLine),
                label=label,
                # near the top: the best-ε markers sit at the bottom of the V
                labelOpts={
                    "position": 0.97 if scheme == "central" else 0.85,
                    "color": COLOURS[scheme],
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
                pen=pg.mkPen("#444", width=2),
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
    def draw(self, result: Any, diagnosis: Any) -> None:
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
        independent = result.independent_references()
        show = (
            bool(independent)
            and reference is not None
            and (
                abs(independent[0].value - reference.value)
                > 1e-6 * max(abs(reference.value), abs(independent[0].value), 1e-8)
            )
        )
        self.independent_line.setVisible(show)
        if show:
            self.independent_line.setPos(independent[0].value)
            self.independent_line.label.setFormat(f"{independent[0].method}")
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
        _set_range(self.top.getViewBox(), 0, low, high, padding=0.01)
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
        _set_range(self.top.getViewBox(), 1, centre - 1.6 * span, centre + 1.6 * span)
        stacked = np.concatenate(
            [curve.errors for curve in result.curves.values()] + [result.roundoff_floor]
        )
        positive = stacked[np.isfinite(stacked) & (stacked > 0)]
        if positive.size:
            low = max(float(positive.min()), 1e-20)
            high = float(np.max(positive))
            _set_range(self.bottom.getViewBox(), 1, math.log10(low) - 0.5, math.log10(high) + 0.5)
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
        parts = [f"ε ≈ {result.epsilons[index]:.3g}", f"pointer {value:.4g}"]
        for name, curve in result.curves.items():
            estimate = curve.estimates[index]
            error = curve.relative_errors[index]
            text = f"{name} {_fmt(estimate, 7)}"
            if np.isfinite(error):
                text += f" (rel. {error:.1e})"
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
