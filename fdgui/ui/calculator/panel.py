"""The calculator panel: four losses and ε in, gradient, cancellation and verdict out.

A view only: every edit goes to CalculatorModel, every number shown comes from its signals,
every sentence from fdgui.core.report.calculator.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fdgui.core.calculator.schemes import FIELD_NAMES, FIELDS, HISTORY_DIGITS, Estimate
from fdgui.core.numbers import format as fmt
from fdgui.core.report import calculator as report
from fdgui.ui import keys
from fdgui.ui.calculator.model import CalculatorModel
from fdgui.ui.theme import badge_style, make_badge
from fdgui.ui.widgets import ERROR_COLOUR, SpreadColumns, error_label, vertical_scroll

SHORTCUTS = {  # the shared keys (fdgui.ui.keys) and the calculator's own
    "calculate": keys.RUN,
    "reset": keys.RESET,
    "copy": keys.COPY,
    "clear_history": QKeySequence("Ctrl+Shift+Backspace"),
    "paste_table": QKeySequence("Ctrl+Shift+V"),
}

_INPUTS = {
    # field: (objectName, label with mnemonic, tooltip)
    "loss": (
        "lossInput",
        "&Loss L(w)",
        "The loss at the current weights. Optional: the forward and backward differences and "
        "the curvature need it; the central gradient does not.",
    ),
    "loss_plus": (
        "lossPlusInput",
        "&Plus: loss at w+ε, L+",
        "The loss after adding ε to the one parameter you are checking, every other "
        "parameter left as it was.",
    ),
    "loss_minus": (
        "lossMinusInput",
        "&Minus: loss at w−ε, L−",
        "The loss after subtracting ε from that same parameter (put it back to w first).",
    ),
    "epsilon": (
        "epsilonInput",
        "St&ep ε",
        "The step you perturbed the parameter by: a positive number such as 1e-4. "
        "Both perturbed losses must use the same ε.",
    ),
    "backprop": (
        "backpropInput",
        "&Backprop gradient",
        "The gradient your backpropagation code gives for this parameter. Fill it in to get "
        "a relative error and a verdict.",
    ),
}

_RESULTS = [
    # key, objectName, label, help key
    ("difference", "differenceValue", "Difference in loss, L+ − L−", "difference"),
    ("denominator", "denominatorValue", "Denominator, 2ε", "denominator"),
    ("forward", "forwardValue", "Forward difference, (L+ − L)/ε", "forward"),
    ("backward", "backwardValue", "Backward difference, (L − L−)/ε", "backward"),
    ("curvature", "curvatureValue", "Curvature L'' ≈ (L+ − 2L + L−)/ε²", "curvature"),
    ("truncation", "truncationValue", "One-sided truncation error ≈ |L''|·ε/2", "truncation"),
]
# which ± goes with which result (the central one is shown under Cancellation)
_UNCERTAINTY_OF = {
    "forward": "one_sided_uncertainty",
    "backward": "one_sided_uncertainty",
    "curvature": "curvature_uncertainty",
}


_NO_BREAK = "\u00a0"
_WORD_JOINER = "\u2060"  # no line break here (Qt would break after "/" or before "·")


# A field holds at most this many characters (review18c L2): each key typed into a long text
# costs Qt a layout of all of it (6,000 typed key by key took 90 s), and beyond 200 characters
# the text is refused anyway ("too long … enter a plain number", ``numbers.parsing``): a longer
# paste is cut to it and refused in the same words.
FIELD_CHARACTERS = 1000


def _glued(formula: str) -> str:
    """A formula in one piece: no break at a space, a slash or a dot."""
    return _WORD_JOINER.join(formula.replace(" ", _NO_BREAK))


def _unbreakable(label: str) -> str:
    """Let a label wrap only between its words and its formula, never inside the formula."""
    words, comma, formula = label.partition(", ")
    if not comma:
        words, _, formula = label.partition(" ≈ ")
        return f"{words} ≈{_NO_BREAK}{_glued(formula)}" if formula else label
    return f"{words}, {_glued(formula)}"


def _value_label(object_name: str, tooltip: str) -> QLabel:
    label = QLabel("—")
    label.setObjectName(object_name)
    label.setToolTip(tooltip)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    return label


def create_panel(context: Any, model: CalculatorModel | None = None) -> CalculatorPanel:
    """The registry's panel factory (fdgui.ui.panels)."""
    return CalculatorPanel(model or CalculatorModel())


class CalculatorPanel(QWidget):
    """Inputs, results, check and measurement history for one parameter."""

    def __init__(self, model: CalculatorModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calculatorPanel")
        self.model = model
        self.inputs: dict[str, QLineEdit] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.result_labels: dict[str, QLabel] = {}
        self._verdict_colour: str | None = None  # the verdict's colour (None: no verdict)
        self._stale = False  # the shown result no longer matches the inputs

        self.calculate_action = QAction("&Calculate", self)
        self.reset_action = QAction("&Reset to the example", self)
        self.copy_action = QAction("&Copy Results", self)
        self.clear_history_action = QAction("C&lear history", self)
        self.paste_table_action = QAction("&Paste a table of measurements", self)
        for action, key in (
            (self.paste_table_action, "paste_table"),
            (self.calculate_action, "calculate"),
            (self.reset_action, "reset"),
            (self.copy_action, "copy"),
            (self.clear_history_action, "clear_history"),
        ):
            action.setShortcut(SHORTCUTS[key])
            # only while the calculator tab is in front: Ctrl+R in another tab must not
            # silently reset what was typed here
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.calculate_action.setStatusTip("Compute now and add a row to the measurements")
        self.reset_action.setStatusTip("Put the example values back (the history is kept)")
        self.copy_action.setStatusTip("Copy every input, result and formula as plain text")
        self.clear_history_action.setStatusTip("Remove every measurement row")
        self.paste_table_action.setStatusTip("Add rows of ε, L+, L− [, L] from the clipboard")

        self._build()
        self._connect()
        self._full_on_focus = _FullDigitsOnFocus(self)
        for edit in self.inputs.values():
            edit.installEventFilter(self._full_on_focus)
        self._show_texts(model.texts())
        result = model.recompute()
        if result is None:
            for field, message in model.errors().items():
                self._show_error(field, message)

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        # the results get the most width: their rows then fit one line each, and the whole
        # top stays short enough for the history below it at 860×600
        top.addWidget(self._build_inputs(), 4)
        top.addWidget(self._build_results(), 7)
        top.addWidget(self._build_check(), 4)
        top_widget = _FitsItsText()
        top_widget.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        scroll = vertical_scroll(top_widget, "calculatorScroll")
        self._top_scroll = scroll

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("calculatorSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(self._build_history())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _build_inputs(self) -> QGroupBox:
        box = QGroupBox("Measured losses")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        row = 0
        for field in FIELDS:
            object_name, label_text, tooltip = _INPUTS[field]
            edit = QLineEdit()
            edit.setObjectName(object_name)
            edit.setToolTip(tooltip)
            edit.setAccessibleName(label_text.replace("&", ""))
            edit.setClearButtonEnabled(True)
            edit.setMaxLength(FIELD_CHARACTERS)
            edit.setMinimumWidth(110)
            if field in ("loss", "backprop"):
                edit.setPlaceholderText("optional")
            label = QLabel(label_text)
            label.setBuddy(edit)
            label.setToolTip(tooltip)
            error = error_label(object_name.replace("Input", "Error"))
            grid.addWidget(label, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(error, row + 1, 1)
            row += 2
            self.inputs[field] = edit
            self.error_labels[field] = error

        buttons = QHBoxLayout()
        self.calculate_button = QPushButton("Calculate")
        self.calculate_button.setObjectName("calculateButton")
        self.calculate_button.setDefault(True)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setObjectName("resetButton")
        self.copy_button = QPushButton("Copy Results")
        self.copy_button.setObjectName("copyButton")
        for button, action in (
            (self.calculate_button, self.calculate_action),
            (self.reset_button, self.reset_action),
            (self.copy_button, self.copy_action),
        ):
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{action.statusTip()} ({shortcut})")
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        self.calculate_button.setToolTip(self.calculate_button.toolTip().replace(")", " or Enter)"))
        grid.addLayout(buttons, row, 0, 1, 2)
        grid.setRowStretch(row + 1, 1)
        return box

    def _build_results(self) -> QGroupBox:
        box = QGroupBox("Results")
        layout = QVBoxLayout(box)
        caption = QLabel("Gradient ∂L/∂w, central difference (L+ − L−)/(2ε)")
        caption.setWordWrap(True)
        layout.addWidget(caption)
        self.gradient_label = _value_label("gradientValue", report.RESULT_HELP["gradient"])
        font = QFont(self.gradient_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.gradient_label.setFont(font)
        self.gradient_label.setAccessibleName("Gradient")
        self.gradient_uncertainty = _value_label(
            "gradientUncertaintyValue",
            "The ± the typed digits of L+ and L− allow on the gradient: half a unit in the last "
            "digit of each, divided by 2ε.",
        )
        gradient_row = QHBoxLayout()
        gradient_row.addWidget(self.gradient_label)
        gradient_row.addWidget(self.gradient_uncertainty, 1, Qt.AlignmentFlag.AlignBaseline)
        layout.addLayout(gradient_row)
        self.stale_label = QLabel()
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setWordWrap(True)
        self.stale_label.setProperty("role", "warning")
        self.stale_label.setVisible(False)
        layout.addWidget(self.stale_label)

        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        for row, (key, object_name, text, help_key) in enumerate(_RESULTS):
            name = QLabel(_unbreakable(text))
            name.setToolTip(report.RESULT_HELP[help_key])
            name.setWordWrap(True)
            value = _value_label(object_name, report.RESULT_HELP[help_key])
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self.result_labels[key] = value
        layout.addLayout(grid)
        cancellation_title = QLabel("<b>Cancellation</b>")
        cancellation_title.setToolTip(report.RESULT_HELP["cancellation"])
        layout.addWidget(cancellation_title)
        self.cancellation_label = _value_label(
            "cancellationValue", report.RESULT_HELP["cancellation"]
        )
        self.cancellation_label.setWordWrap(True)
        layout.addWidget(self.cancellation_label)
        self.rounding_label = _value_label(
            "roundingValue",
            "Where a result is rounded, and to how many significant digits. Copy Results and "
            "the JSON export give every digit.",
        )
        self.rounding_label.setWordWrap(True)
        self.rounding_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.rounding_label)
        layout.addStretch(1)
        return box

    def _build_check(self) -> QGroupBox:
        box = QGroupBox("Check against backprop")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        caption = QLabel("Relative error")
        caption.setToolTip(report.RESULT_HELP["relative_error"])
        row.addWidget(caption)
        self.relative_error_label = _value_label(
            "relativeErrorValue", report.RESULT_HELP["relative_error"]
        )
        self.relative_error_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        row.addWidget(self.relative_error_label, 1)
        layout.addLayout(row)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdictLabel")
        make_badge(self.verdict_label)
        layout.addWidget(self.verdict_label)
        self.band_label = QLabel()
        self.band_label.setObjectName("bandLabel")
        self.band_label.setWordWrap(True)
        layout.addWidget(self.band_label)
        self.verdict_text = QLabel()
        self.verdict_text.setObjectName("verdictText")
        self.verdict_text.setWordWrap(True)
        self.verdict_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.verdict_text)
        layout.addStretch(1)
        return box

    def _build_history(self) -> QGroupBox:
        box = QGroupBox("Measurements: every Calculate adds a row")
        layout = QHBoxLayout(box)
        left = QVBoxLayout()
        # a view of the model's rows: it asks only for the rows on screen, so a history of
        # 100,000 rows costs what 100 do
        self.history_table = QTableView()
        self.history_table.setObjectName("historyTable")
        self.history_table.setModel(self.model.history)
        self.history_table.setToolTip(
            "One row per Calculate. Compute the same parameter at several ε (1e-2, 1e-4, 1e-6, "
            "1e-8) to see where the estimate is stable. Select rows and press Delete to remove"
            " them. A quotient here that does not end is rounded to "
            f"{HISTORY_DIGITS} significant digits; hover a cell for every digit."
        )
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.history_table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # fit the rows on screen, not all 100,000
        header.setMinimumSectionSize(80)  # an empty table still reads as six columns
        # columns sized to what is on screen, spare width shared (re-spread after changes)
        self.history_table.column_spreader = SpreadColumns(self.history_table)
        self.history_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        rows_header = self.history_table.verticalHeader()
        rows_header.setVisible(False)
        # column widths sample the rows on screen: Qt reads this precision from the vertical
        # header (the default, 1,000 rows, made each Calculate format ~2,000 cells)
        rows_header.setResizeContentsPrecision(0)
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(self.history_table.fontMetrics().height() + 8)
        self.delete_rows_action = QAction("Delete selected rows", self.history_table)
        self.delete_rows_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_rows_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.history_table.addAction(self.delete_rows_action)
        left.addWidget(self.history_table)
        buttons = QHBoxLayout()
        self.delete_rows_button = QPushButton("Delete selected rows")
        self.delete_rows_button.setObjectName("deleteRowsButton")
        self.delete_rows_button.setToolTip("Remove the selected measurements (Delete in the table)")
        self.clear_history_button = QPushButton("Clear history")
        self.clear_history_button.setObjectName("clearHistoryButton")
        shortcut = SHORTCUTS["clear_history"].toString(QKeySequence.SequenceFormat.NativeText)
        self.clear_history_button.setToolTip(f"Remove every measurement row ({shortcut})")
        self.paste_table_button = QPushButton("Paste table")
        self.paste_table_button.setObjectName("pasteTableButton")
        shortcut = SHORTCUTS["paste_table"].toString(QKeySequence.SequenceFormat.NativeText)
        self.paste_table_button.setToolTip(
            "Add rows of ε, L+, L− (and optionally L) from the clipboard: columns separated by "
            f"tabs, commas, semicolons or spaces, one measurement per line ({shortcut})"
        )
        buttons.addWidget(self.paste_table_button)
        buttons.addWidget(self.delete_rows_button)
        buttons.addWidget(self.clear_history_button)
        left.addLayout(buttons)
        self.history_message = QLabel()
        self.history_message.setObjectName("historyMessage")
        self.history_message.setWordWrap(True)
        self.history_message.setProperty("role", "error")
        self.history_message.setVisible(False)
        left.addWidget(self.history_message)
        layout.addLayout(left, 1)
        from fdgui.ui.calculator.plots import HistoryPlot

        self.plot = HistoryPlot()
        self.plot.set_model(self.model.history)
        layout.addWidget(self.plot.container, 1)
        return box

    def menus(self) -> list[tuple[str, list[QAction]]]:
        """The window's menus for this panel: Copy in File, the rest under Calculator."""
        return [
            ("&File", [self.copy_action]),
            (
                "&Calculator",
                [
                    self.calculate_action,
                    self.reset_action,
                    self.paste_table_action,
                    self.clear_history_action,
                ],
            ),
        ]

    # --- wiring --------------------------------------------------------------------------
    def _connect(self) -> None:
        model = self.model
        for field, edit in self.inputs.items():
            edit.textEdited.connect(lambda text, field=field: model.set_text(field, text))
            edit.returnPressed.connect(self.calculate_action.trigger)
        self.calculate_action.triggered.connect(model.calculate)
        # Escape stops what runs in the background, as in every panel (a long pasted table)
        self.cancel_shortcut = keys.panel_shortcut(self, keys.CANCEL, model.cancel_reading)
        self.reset_action.triggered.connect(model.reset)
        self.copy_action.triggered.connect(self.copy_results)
        self.clear_history_action.triggered.connect(model.clear_history)
        self.clear_history_button.clicked.connect(model.clear_history)
        self.paste_table_action.triggered.connect(lambda: self.paste_table())
        self.paste_table_button.clicked.connect(lambda: self.paste_table())
        self.delete_rows_action.triggered.connect(self.delete_selected_rows)
        self.delete_rows_button.clicked.connect(self.delete_selected_rows)
        model.textsChanged.connect(self._show_texts)
        model.resultChanged.connect(self._show_result)
        model.inputErrorChanged.connect(self._show_error)
        model.staleChanged.connect(self._show_stale)
        model.tableRead.connect(self._show_table_read)

    def _show_texts(self, texts: dict) -> None:
        for field, edit in self.inputs.items():
            full = texts.get(field, "")
            shown = full if edit.hasFocus() else short_field_text(full)
            if edit.text() != shown:
                edit.setText(shown)
                if not edit.hasFocus():
                    edit.setCursorPosition(0)  # the start (sign, leading digits) in view
            edit.setToolTip(_INPUTS[field][2] + (f"\n\nValue: {full}" if shown != full else ""))

    def _show_error(self, field: str, message: str) -> None:
        self._show_stale(self.model.is_stale())
        label = self.error_labels[field]
        edit = self.inputs[field]
        label.setText(message)
        label.setVisible(bool(message))
        edit.setStyleSheet(f"border: 2px solid {ERROR_COLOUR};" if message else "")
        edit.setAccessibleDescription(message)

    def _show_stale(self, stale: bool, _reason: str = "") -> None:
        errors = self.model.errors()
        if stale and errors:
            names = [FIELD_NAMES[field] for field in errors]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            self.stale_label.setText(
                f"Out of date: these results are for the last valid inputs. Fix {listed} "
                "to update them."
            )
        else:
            self.stale_label.setText("Out of date: updating…" if stale else "")
        self.stale_label.setVisible(stale)
        for label in [
            self.gradient_label,
            self.gradient_uncertainty,
            *self.result_labels.values(),
            self.cancellation_label,
            self.rounding_label,
            self.relative_error_label,
            self.band_label,
            self.verdict_text,
        ]:
            label.setEnabled(not stale)
        self._stale = stale
        self._paint_verdict()

    def _paint_verdict(self) -> None:
        """The verdict's colour, or grey while the result is out of date."""
        colour = self._verdict_colour
        if colour is not None and self._stale:
            colour = "#8c959f"
        self.verdict_label.setStyleSheet(badge_style(colour))

    def _show_result(self, estimate: Estimate) -> None:
        self.gradient_label.setText(fmt.display(estimate.central))
        self.gradient_label.setToolTip(
            f"{report.every_digit(estimate.central)} (every digit)\n\n"
            + report.RESULT_HELP["gradient"]
        )
        self.gradient_uncertainty.setText(
            f"± {fmt.uncertainty(estimate.uncertainty)}" if estimate.uncertainty else ""
        )
        for key, label in self.result_labels.items():
            value = getattr(estimate, key)
            if value is None:
                label.setText("needs L")
                label.setToolTip("Type the loss L(w) to get this value.")
            else:
                uncertainty = getattr(estimate, _UNCERTAINTY_OF.get(key, ""), None)
                # at most 7 figures and none below the ±; every digit on hover (and in Copy)
                label.setText(fmt.display_with_uncertainty(value, uncertainty))
                every_digit = report.every_digit(value) + (
                    f" ± {report.every_digit(uncertainty)}" if uncertainty else ""
                )
                label.setToolTip(
                    f"{every_digit} (every digit)\n\n"
                    + report.RESULT_HELP[key]
                    + (
                        " The ± is what half a unit in the last typed digit of L, L+ and L− "
                        "allows; type L with as many digits as L+ and L− to shrink it."
                        if uncertainty
                        else ""
                    )
                )
        self.cancellation_label.setText(report.cancellation_text(estimate))
        self.rounding_label.setText(
            f"<b>Rounding.</b> {html.escape(report.rounding_brief(estimate), quote=False)}"
        )
        self.rounding_label.setToolTip(
            report.rounding_text(estimate) + " Values are shown to 7 figures; hover one, or use "
            "Copy Results or the JSON export, for every digit."
        )
        comparison = estimate.comparison
        if comparison is None:
            self.relative_error_label.setText("—")
            self.verdict_label.setText("No backprop gradient given")
            self._verdict_colour = None
            self._paint_verdict()
            self.band_label.setText("")
            self.verdict_text.setText(
                "Type the gradient your backpropagation code computed for this parameter to "
                "compare the two."
            )
        else:
            self.relative_error_label.setText(fmt.ratio(comparison.relative_error))
            self.verdict_label.setText(report.verdict_title(estimate))
            self._verdict_colour = comparison.verdict.colour
            self._paint_verdict()
            self.band_label.setText(report.band_text(comparison))
            self.verdict_text.setText(
                report.verdict_text(
                    comparison,
                    estimate.uncertainty,
                    self.model.origin(),
                    estimate.inputs.loss_roundoff,
                    inputs=estimate.inputs,
                )
            )
        note = self.model.sent_note()  # a sent row edited since: what no longer applies
        if note:
            self.verdict_text.setText(f"{self.verdict_text.text()} {note}")
        self.plot.set_backprop(None if comparison is None else float(comparison.analytic))

    # --- actions -------------------------------------------------------------------------
    def delete_selected_rows(self) -> None:
        rows = sorted({index.row() for index in self.history_table.selectionModel().selectedRows()})
        if rows:
            self.model.remove_rows(rows)

    def paste_table(self, text: str | None = None) -> int:
        """Add the clipboard's (or ``text``'s) measurement rows; skipped lines are reported
        beside the table. Returns the number of rows added by now (a long table's rows arrive
        when it has been read)."""
        from PySide6.QtGui import QGuiApplication

        if text is None:
            text = QGuiApplication.clipboard().text()
        before = len(self.model.history)
        self.model.paste_table(text)  # a long table is read off the GUI thread
        return len(self.model.history) - before

    def _show_table_read(self, added: int, problems: list) -> None:
        """What came of a paste: skipped lines beside the table, a count in the status line."""
        if not added and not problems:
            problems = ["the clipboard holds no rows of ε, L+, L−"]
        from fdgui.core.numbers.parsing import visible

        shown = problems[:3] + ([f"… and {len(problems) - 3} more"] if len(problems) > 3 else [])
        self.history_message.setText(visible("Skipped " + "; ".join(shown)) if problems else "")
        self.history_message.setVisible(bool(problems))
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(
                f"Added {added:,} measurement row{'s' if added != 1 else ''} from the clipboard"
                + (
                    f"; skipped {len(problems):,} line(s), see beside the table."
                    if problems
                    else "."
                ),
                8000,
            )

    def copy_results(self) -> None:
        from PySide6.QtGui import QGuiApplication

        text = self.model.report_text()
        window = self.window()
        status = window.statusBar() if hasattr(window, "statusBar") else None
        if text is None:
            if status is not None:
                status.showMessage("Nothing to copy yet: fix the marked fields first.", 5000)
            return
        QGuiApplication.clipboard().setText(text)
        if status is not None:
            stale = " (the last valid result; the inputs have errors)"
            stale = stale if self.model.is_stale() else ""
            status.showMessage(f"Results copied to the clipboard as plain text{stale}.", 5000)
            if stale:  # a valid result shown next makes those words untrue (rev20c L3)
                once, said = Qt.ConnectionType.SingleShotConnection, status.currentMessage()
                self.model.resultChanged.connect(lambda *_: status.currentMessage() == said
                                                 and status.clearMessage(), once)  # fmt: skip


ABBREVIATE_OVER = 10  # more significant digits than this are shortened while unfocused


def short_field_text(text: str) -> str:
    """A long number (e.g. sent by the explorer with 25 digits) as a person reads it while its
    field is not being edited: 10 significant digits and an ellipsis. Short or unreadable
    text is shown as it is; the field shows every digit again when it gets the focus."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return text
    if not value.is_finite():
        return text
    # significant digits without arithmetic: normalize() rounds in the thread's context and
    # raised decimal.Overflow for an exponent beyond ±999999 (1e1000000, found by the monkey)
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    if len(digits) <= ABBREVIATE_OVER or not -400 < value.adjusted() < 400:
        return text  # short, or refused beside the field anyway
    return fmt.display(value) + "…"  # at most 7 figures: readable in a narrow field


class _FullDigitsOnFocus(QObject):
    """Every digit while a field is edited; the short form again when the focus leaves. And
    Ctrl+Z (Ctrl+Shift+Z) in a field with nothing of its own to undo (redo) is the window's
    Undo (Redo): right after a Reset typed in a field, the field's own Ctrl+Z did nothing
    and the Reset stayed without a word (review18c L1)."""

    def __init__(self, panel: CalculatorPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, QLineEdit):
            # not delivered and not accepted: the window's shortcut takes the key
            if event.matches(QKeySequence.StandardKey.Undo):  # type: ignore[attr-defined]
                return not watched.isUndoAvailable()
            if event.matches(QKeySequence.StandardKey.Redo):  # type: ignore[attr-defined]
                return not watched.isRedoAvailable()
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            for field, edit in self.panel.inputs.items():
                if edit is watched:
                    full = self.panel.model.text(field)
                    focused = event.type() == QEvent.Type.FocusIn
                    shown = full if focused else short_field_text(full)
                    if edit.text() != shown:
                        edit.setText(shown)
                    if not focused:
                        edit.setCursorPosition(0)  # the start in view, not the end
        return False


class _FitsItsText(QWidget):
    """A container whose minimum height follows its width, so wrapped text never gets squeezed:
    inside a scroll area it scrolls instead."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
        elif layout is not None:
            needed = layout.totalMinimumSize().height()
        else:
            return
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)
