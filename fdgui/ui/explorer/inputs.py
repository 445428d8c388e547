"""The ε explorer's input column: what to sweep (an expression, the built-in network or the
calculator's measured rows), precision and ε grid, the reference values, and the progress
of a long sweep. Widgets only: the panel connects them to the model.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fdgui.core.numbers import format as numbers
from fdgui.core.report.sweep_claim import reference_bar
from fdgui.core.report.sweep_export import crossing
from fdgui.ui.widgets import ERROR_COLOUR, Fields, error_label, selectable

SOURCE_TITLES = {
    "expression": "Expression in w",
    "network": "Built-in network",
    "measured": "Measured rows (calculator or table)",
    "probe": "Probe file (your own code)",
}
DTYPE_TIPS = {
    "float64": "double precision, u = 2^-53 ≈ 1.1e-16",
    "float32": "single precision, u = 2^-24 ≈ 6.0e-8 (typical training)",
    "float16": "half precision, u = 2^-11 ≈ 4.9e-4",
    "bfloat16": "brain float, u = 2^-8 ≈ 3.9e-3 (8 exponent bits like float32)",
}


DTYPE_TIP = "The format the loss is computed in; w ± ε is formed in it too"
MEASURED_DTYPE_TIP = (
    "Not used for measured rows: their losses were computed already, and the format they "
    "came from is “Losses from” on the Measured page (its round-off is part of each row's ±)"
)


class ExplorerInputs(QWidget):
    """The left column of the explorer; ``fields`` holds its inputs by model field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explorerControls")
        self.fields = Fields()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(self._build_objective())
        column.addWidget(self._build_grid())
        column.addWidget(self._build_references())
        column.addWidget(self._build_progress())
        column.addStretch(1)

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
        self.fields.line(
            "expression",
            "expressionEdit",
            "A formula in w: numbers, + − * / **, and sin cos tan exp log sqrt tanh abs "
            "sigmoid relu maximum minimum …",
        )
        self.fields.line("point", "pointEdit", "The point w0 where the derivative is taken")
        self.fields.line(
            "grad",
            "gradEdit",
            "Optional: your derivative of L, an expression in w or a number. It becomes the "
            "gradient under check; the exact derivative of L is then an independent reference",
            placeholder="your derivative (optional)",
        )
        # mnemonics avoid the menus (F, C, V, H) and the calculator's (L, P, M, E, B)
        row = self.fields.grid_row(grid, 0, "L(&w) =", "expression")
        row = self.fields.grid_row(grid, row, "&at w =", "point")
        self.fields.grid_row(grid, row, "dL/dw (&yours) =", "grad")
        self.pages.addWidget(page)
        # network
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.fields.line("layers", "layersEdit", "Layer sizes from input to output, e.g. 64,128,10")
        self.fields.combo(
            "activation",
            "activationCombo",
            "Hidden-layer activation; relu has kinks, tanh and sigmoid are smooth",
            [(name, name) for name in ACTIVATIONS],
        )
        self.fields.combo(
            "loss", "lossCombo", "Loss over the batch", [(name, name) for name in LOSSES]
        )
        self.fields.line("batch", "batchEdit", "Examples in the fixed synthetic batch")
        self.fields.line("seed", "seedEdit", "Seed for the weights and the synthetic data")
        self.fields.combo("tensor", "tensorCombo", "Which weight or bias tensor", [])
        self.fields.line("index", "indexEdit", "Flat index of the parameter inside the tensor")
        bug = self.fields.combo(
            "bug",
            "bugCombo",
            "Check a deliberately wrong backprop to see what a bug looks like",
            [("none (honest backprop)", "")] + [(name, name) for name in BUGS],
        )
        for position in range(1, bug.count()):
            bug.setItemData(position, BUGS[bug.itemData(position)], Qt.ItemDataRole.ToolTipRole)
        row = 0
        for text, field in (
            ("La&yers:", "layers"),
            ("Ac&tivation:", "activation"),
            ("L&oss:", "loss"),
            ("B&atch:", "batch"),
            ("&Random seed:", "seed"),
            ("Te&nsor:", "tensor"),
            ("Inde&x:", "index"),
            ("Backprop bu&g:", "bug"),
        ):
            row = self.fields.grid_row(grid, row, text, field)
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
        self.fields.line(
            "measured_backprop",
            "measuredBackpropEdit",
            "Optional: the backprop gradient to check the measured rows against",
        )
        self.fields.grid_row(grid, 1, "Bac&kprop:", "measured_backprop")
        self.fields.error_labels["rows"] = error_label("measuredRowsError")
        grid.addWidget(self.fields.error_labels["rows"], 3, 0, 1, 2)
        self.import_button = QPushButton("Import &table…")
        self.import_button.setObjectName("importTableButton")
        self.import_button.setToolTip(
            "Read rows of ε, L+, L− [, L] from a CSV or TSV file (a header and # comments are "
            "optional; bad rows are listed, good ones kept)"
        )
        grid.addWidget(self.import_button, 4, 0, 1, 2)
        self.fields.combo(
            "table_dtype",
            "tableDtypeCombo",
            "The format the losses were computed in: its round-off is part of each row's ± "
            "(exact: digits worked out by hand). Import table… reads it from each file's "
            "losses (and says so) unless you chose one here",
            [(name, name) for name in ("float64", "float32", "float16", "bfloat16", "exact")],
        )
        self.fields.grid_row(grid, 5, "L&osses from:", "table_dtype")
        self.pages.addWidget(page)
        self.pages.addWidget(self._build_probe_page())
        layout.addWidget(self.pages)
        for number in range(self.pages.count()):
            layout_of_page = self.pages.widget(number).layout()
            if isinstance(layout_of_page, QGridLayout):
                layout_of_page.setRowStretch(99, 1)
        self.pages.currentChanged.connect(self.fit_page)
        return box

    def _build_probe_page(self) -> QWidget:
        from fdgui.ui.probe_source import ProbePage

        page = ProbePage(self.fields)
        self.probe_page = page
        self.fields.combo("probe_tensor", "probeTensorCombo", "Which of the probe's tensors", [])
        self.fields.line(
            "probe_index",
            "probeIndexEdit",
            "The entry: a flat index (37) or a multi-index (3, 7), or W1[3, 7]",
        )
        row = self.fields.grid_row(page.extra_grid, 0, "Te&nsor:", "probe_tensor")
        self.fields.grid_row(page.extra_grid, row, "Inde&x:", "probe_index")
        return page

    def show_probe_tensors(self, model: object, current: str) -> None:
        """The loaded probe's tensors in the tensor picker (with their shapes)."""
        combo = self.fields.combos["probe_tensor"]
        combo.blockSignals(True)
        combo.clear()
        for tensor in getattr(model, "tensors", ()):
            shape = "×".join(str(n) for n in tensor.shape) or "scalar"
            combo.addItem(f"{tensor.name}  ({shape})", tensor.name)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def fit_page(self, current: int) -> None:
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
        dtype = self.fields.combo(
            "dtype", "dtypeCombo", DTYPE_TIP, [(name, name) for name in DTYPE_NAMES]
        )
        for position, name in enumerate(DTYPE_NAMES):
            dtype.setItemData(position, DTYPE_TIPS[name], Qt.ItemDataRole.ToolTipRole)
        self.fields.line(
            "min",
            "minEdit",
            "Smallest ε of the log grid (> 0). Leave empty to follow the dtype: the power of "
            "ten just below where w ± ε rounds back to w.",
            placeholder="follows the dtype",
        )
        self.fields.line(
            "max",
            "maxEdit",
            "Largest ε of the log grid. Leave empty to follow w: ε up to max(1, |w|), as "
            "fdgui-cli sweep without --max (the rule-of-thumb ε grows with |w|).",
            placeholder="max(1, |w|)",
        )
        self.fields.line("points", "pointsEdit", "Number of ε values (3 to 5000)")
        row = 0
        for text, field in (
            ("&Dtype:", "dtype"),
            ("M&inimum ε:", "min"),
            ("Maxim&um ε:", "max"),
            ("Grid si&ze:", "points"),
        ):
            row = self.fields.grid_row(grid, row, text, field)
        self.dtype_facts = QLabel("")
        self.dtype_facts.setObjectName("dtypeFactsLabel")
        self.dtype_facts.setWordWrap(True)
        self.dtype_facts.setProperty("role", "hint")
        grid.addWidget(self.dtype_facts, row, 0, 1, 2)
        return box

    def _build_references(self) -> QGroupBox:
        box = QGroupBox("Reference values")
        layout = QVBoxLayout(box)
        self.references_label = selectable(QLabel("—"))
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
        self.status_label.setProperty("role", "hint")
        outer = QWidget()
        column = QVBoxLayout(outer)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(self.status_label)
        self.progress_row = widget
        widget.setVisible(False)
        return outer

    def show_texts(self, texts: dict, source: str) -> None:
        for field, edit in self.fields.edits.items():
            if edit.text() != texts[field]:
                edit.setText(texts[field])
        self._refresh_tensors(texts)
        for field, combo in self.fields.combos.items():
            index = combo.findData(texts[field])
            if index >= 0:
                combo.setCurrentIndex(index)
        self.show_source(source)

    def _refresh_tensors(self, texts: dict) -> None:
        combo = self.fields.combos["tensor"]
        from fdgui.core.models.mlp import parse_layer_sizes

        try:
            sizes = list(parse_layer_sizes(texts["layers"]))
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

    def show_source(self, source: str) -> None:
        index = self.source_combo.findData(source)
        if self.source_combo.currentIndex() != index:
            self.source_combo.setCurrentIndex(index)
        self.pages.setCurrentIndex(index)
        # measured rows were computed already: the format they came from ("Losses from")
        # is what counts, not a dtype to compute in
        measured = source == "measured"
        dtype = self.fields.combos["dtype"]
        dtype.setEnabled(not measured)
        dtype.setToolTip(MEASURED_DTYPE_TIP if measured else DTYPE_TIP)

    def show_rows(self, count: int | None) -> None:
        """How many measured rows the calculator has; None: no calculator here."""
        if count is None:
            self.rows_label.setText("The calculator is not available here.")
            return
        self.rows_label.setText(
            f"{count} row{'s' if count != 1 else ''} in the calculator's history. Each "
            "Calculate there at a new ε adds a point here."
        )

    def show_sweep_facts(self, result: Any) -> None:
        """The dtype's facts and the reference values of a finished sweep."""
        from fdgui.core.numbers.precision import facts

        info = facts(result.dtype)
        spacing = (
            ""
            if result.spacing is None
            else f"; gap between numbers at w: {numbers.significant(result.spacing, 3)}"
        )
        self.dtype_facts.setText(
            f"{result.dtype}: u = {numbers.significant(info.unit_roundoff, 3)} "
            f"(≈{numbers.fixed(info.significant_digits, 1)} "
            f"digits){spacing}"
        )
        lines, every_digit = [], []
        for number, reference in enumerate(result.references):
            status = reference.shown_status  # an infinite bar is "unconverged"
            bar = ""
            if reference.error is not None and math.isfinite(reference.error):
                # a typed claim's two sides where they differ; kept on the value's line
                bar = reference_bar(reference).replace(" ", "\u00a0")
            if status != "ok":
                words = {
                    "undefined": "undefined here",
                    "kink": "kink at w: no two-sided derivative",
                    "kink-nearby": f"its steps cross a {crossing(reference.note)}",
                    "unavailable": "unavailable",
                }.get(status, "unreliable: did not converge")
                bar += f" <span style='color:{ERROR_COLOUR}'>({words}; not used to judge)</span>"
            role = " (under check)" if number == 0 and result.has_checked else ""
            # the window's rule: seven digits here, every digit on hover and in Copy summary
            lines.append(
                f"<b>{reference.method}</b>{role}: {numbers.display(reference.value)}{bar}"
                f"<br><i>{reference.note}</i>"
            )
            every_digit.append(f"{reference.method}: {numbers.full(reference.value)}")
        self.references_label.setText("<br>".join(lines) or "none for these rows")
        self.references_label.setToolTip("\n".join(every_digit))
