"""The ε explorer panel: choose what to sweep, see the V-curve, pick an ε, read the diagnosis.

Top plot: central, forward and backward estimates against ε (log x) with the gradient under
check as a horizontal line. Bottom plot: relative error against ε (log-log) with the theory guides
(truncation ∝ ε and ∝ ε², round-off floor u·|L|/ε), the best ε of each scheme, the rule-of-
thumb ε, the region where the perturbation vanishes and the seed's float64 band. A vertical
cursor (drag it, or click a plot) picks an ε; its values can be sent to the calculator.
"""

from __future__ import annotations

import html
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fdgui.core.numbers import format as numbers
from fdgui.core.report import sweep as words
from fdgui.ui import theme as themes
from fdgui.ui.explorer import table_import
from fdgui.ui.explorer.cursor_view import CursorView, _CursorKeys
from fdgui.ui.explorer.inputs import ExplorerInputs
from fdgui.ui.explorer.model import ExplorerModel, create_model
from fdgui.ui.explorer.plots import SweepPlots, legend_html
from fdgui.ui.theme import badge_style, make_badge
from fdgui.ui.widgets import PaintWhenSettled, error_label, selectable, vertical_scroll

STALE_COLOUR = "#6e7781"
LIMITED_COLOUR = "#9a6700"  # a correct verdict the finite differences cannot fully show
FIRST_SWEEP_DELAY_MS = 60
PLOTS_MINIMUM_HEIGHT = 240  # each plot keeps about 90 px of data area
KIND_COLOURS = {
    "correct": "#1b873f",
    "wrong": "#cf222e",
    "kink": "#9a6700",
    "vanished": "#c75000",
    "undefined": "#6e7781",
    "estimate": "#0a5ea8",
}


def split_title(title: str) -> tuple[str, str]:
    """ "Gradient correct (confirmed by …; limited by float16)" → the badge's few words and
    the qualification, which starts the explanation instead of crowding the badge."""
    head, bracket, rest = title.partition(" (")
    if not bracket or not rest.endswith(")"):
        return title, ""
    qualifier = rest[:-1]
    return head, qualifier[:1].upper() + qualifier[1:]


def create_panel(context: Any, model: ExplorerModel | None = None) -> ExplorerPanel:
    """The registry's panel factory (fdgui.ui.panels); without a model, one of its own."""
    return ExplorerPanel(context, model)


class ExplorerPanel(CursorView, QWidget):
    """View of an ExplorerModel: inputs on the left, plots, cursor readout and diagnosis."""

    def __init__(
        self, context: Any = None, model: ExplorerModel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("explorerPanel")
        self.context = context
        self.model = model if model is not None else create_model(context, self)
        self._wrap_keeper = _WrapKeeper(self)
        self._updating_cursor = False
        self._build()
        self._connect()
        self._show_texts(self.model.texts())
        self.inputs.fit_page(self.inputs.pages.currentIndex())
        for field, message in self.model.errors().items():
            self._show_error(field, message)
        if self.model.result() is not None:  # the model swept before this view existed
            self._show_result(self.model.result())
            self._show_readout(self.model.readout(), "")
        # the first sweep runs once the panel is on screen and painted, so opening the tab
        # never waits for it (a zero timeout would still run before the first paint)
        QTimer.singleShot(FIRST_SWEEP_DELAY_MS, self._first_sweep)

    def _first_sweep(self) -> None:
        if self.model.result() is None and not self.model.is_busy():
            self.model.sweep()

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.inputs = inputs = ExplorerInputs()
        # the inputs' widgets by field, and the ones the panel updates, under short names
        self.edits, self.combos = inputs.fields.edits, inputs.fields.combos
        self.error_labels = inputs.fields.error_labels
        self.source_combo, self.rows_label = inputs.source_combo, inputs.rows_label
        self.progress, self.progress_row = inputs.progress, inputs.progress_row
        self.cancel_button, self.status_label = inputs.cancel_button, inputs.status_label
        self.references_label, self.dtype_facts = inputs.references_label, inputs.dtype_facts
        scroll = vertical_scroll(inputs, "explorerControlsScroll")
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
        right.setSizes([80, 640, 120])  # the plots get what the texts do not need
        self.right_splitter = right
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

    def _build_plots(self) -> QWidget:
        container = QWidget()
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.hover_label = QLabel(
            "Hover to read values · click or drag to pick ε · keys: ← → PgUp PgDn Home"
        )
        self.hover_label.setObjectName("hoverLabel")
        self.hover_label.setProperty("role", "hint")
        self.hover_label.setMinimumWidth(10)
        self.hover_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.hover_label)
        self.legend_label = QLabel(legend_html())
        self.legend_label.setObjectName("plotLegend")
        self.legend_label.setWordWrap(True)
        self.legend_label.setToolTip(
            "Top: estimates against ε, with the gradient under check g as a dashed line. "
            "Bottom: the relative error |estimate − g| / max(|estimate|, |g|, 1e-8), log-log, "
            "with the theory guides (divided by |g| likewise): "
            "truncation ∝ ε (one-sided) and ε² (central) dashed, round-off u·|L|/ε dotted. "
            "Independent reference: complex step or Richardson, drawn when it differs from g. "
            "Shaded: where w ± ε == w (vanished) and the 1e-7…1e-4 band, a float64 rule."
        )
        column.addWidget(self.legend_label)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setObjectName("explorerPlots")
        self.plots.setAccessibleName("ε sweep plots")
        self.plots.setAccessibleDescription(
            "Top: gradient estimates against ε. Bottom: their relative error against ε, log-log. "
            "The diagnosis above the plots says what they show in words."
        )
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
        self.stale_overlay.hide()
        column.addWidget(self.plots, 1)
        self.view = SweepPlots(self.plots)
        self._plots_settle = PaintWhenSettled(self.plots, before_paint=self.view.prepare_for_paint)
        from fdgui.ui.plotting import follow_theme

        follow_theme(self.legend_label, self._retheme_legend)
        return container

    def _retheme_legend(self, _theme: Any = None) -> None:
        view = self.view
        band = getattr(view, "band_in_legend", "float64")
        self.legend_label.setText(legend_html(band, getattr(view, "checked_in_legend", True)))

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
            label = selectable(QLabel("—"))
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
        self.cursor_error = error_label("cursorEpsilonError")
        cursor_title = QLabel("Move to ε:")
        cursor_title.setBuddy(self.cursor_edit)
        cursor_row = QHBoxLayout()
        cursor_row.addWidget(cursor_title)
        cursor_row.addWidget(self.cursor_edit)
        cursor_row.addStretch(1)  # the field stays beside its label at any width
        grid.addLayout(cursor_row, 3, 2, 1, 2)
        grid.addWidget(self.cursor_error, 5, 0, 1, 5)
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
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 0, 4, 4, 1)
        self.point_label = QLabel("")
        self.point_label.setObjectName("readoutRegime")
        self.point_label.setWordWrap(True)
        grid.addWidget(self.point_label, 4, 0, 1, 5)
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
        # the badge beside the explanation, not above it: on a short window the words keep
        # the height
        column = QHBoxLayout(box)
        column.setContentsMargins(8, 4, 8, 4)
        column.setSpacing(8)
        self.diagnosis_title = QLabel("—")
        self.diagnosis_title.setObjectName("diagnosisTitle")
        make_badge(self.diagnosis_title)
        self.diagnosis_title.setToolTip("What the sweep shows, in words")
        # a long title takes two lines, not the width
        self.diagnosis_text = selectable(QLabel(""))
        self.diagnosis_text.setObjectName("diagnosisText")
        self.diagnosis_text.setWordWrap(True)
        self.diagnosis_text.setTextFormat(Qt.TextFormat.RichText)  # its words are escaped
        self.diagnosis_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.recommended_label = selectable(QLabel(""))
        self.recommended_label.setObjectName("recommendedLabel")
        self.recommended_label.setWordWrap(True)
        self.recommended_label.setToolTip("The ε to use for this objective and dtype, and why")
        self.stale_label = QLabel("")
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet(f"color: {STALE_COLOUR}; font-weight: bold;")
        self.stale_label.setVisible(False)
        column.addWidget(self.diagnosis_title, 0, Qt.AlignmentFlag.AlignTop)
        words_column = QVBoxLayout()
        words_column.setSpacing(2)
        words_column.addWidget(self.stale_label)
        words_column.addWidget(self.diagnosis_text)
        words_column.addStretch(1)
        column.addLayout(words_column, 1)
        scroll = vertical_scroll(box, "diagnosisScroll")
        scroll.setMinimumHeight(60)  # a two-line badge; the rest scrolls
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
        self.cancel_button.clicked.connect(model.cancel_pressed)
        self.inputs.import_button.clicked.connect(self._import_table)
        self.cursor_edit.returnPressed.connect(self._cursor_typed)
        from fdgui.ui import keys

        self.run_shortcut = keys.panel_shortcut(self, keys.RUN, model.sweep)
        self.cancel_shortcut = keys.panel_shortcut(self, keys.CANCEL, model.cancel_pressed)
        self.copy_shortcut = keys.panel_shortcut(self, keys.COPY, self.copy_summary)
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
        model.statusMessage.connect(self._show_failure)
        model.rowsChanged.connect(self._show_rows)
        page = self.inputs.probe_page
        page.choose_button.clicked.connect(self._choose_probe)
        model.probeLoaded.connect(self._show_probe)
        model.probeFailed.connect(page.show_failure)
        model.probeNote.connect(page.show_note)
        self.view.cursorMoved.connect(self._cursor_dragged)
        self.view.hovered.connect(self.hover_label.setText)
        self._show_rows(model.measured_row_count())
        self.import_view = table_import.ImportView(self)

    def _choose_probe(self) -> None:
        self.model.probe.prepare_pick()  # a spare process starts while the person chooses
        path = self.inputs.probe_page.pick(self)
        if path and self.model.open_probe(path):  # the person picked it: only now it runs
            self.inputs.probe_page.show_opening(path)

    def _show_probe(self, probe: Any) -> None:
        self.inputs.probe_page.show_loaded(probe)
        self.inputs.show_probe_tensors(probe, self.model.text("probe_tensor"))

    def _show_texts(self, texts: dict) -> None:
        self.inputs.show_texts(texts, self.model.source())

    def _show_source(self, source: str) -> None:
        self.inputs.show_source(source)

    def _show_rows(self, count: int) -> None:
        imported = self.model.imported_table()
        if imported is None:
            self.inputs.show_rows(count if self.model.has_calculator() else None)
            return
        rows, problems, name = imported
        text = f"{rows} row{'s' if rows != 1 else ''} imported from {name}."
        if self.model.import_note:
            text += " " + self.model.import_note
        if problems:
            text += f" Skipped {len(problems)} bad row(s): " + "; ".join(problems[:5])
            if len(problems) > 5:
                text += f"; … and {len(problems) - 5} more"
        self.rows_label.setText(text)

    def _import_table(self) -> None:
        """Import table…: pick a CSV/TSV file; its rows become the measured rows."""
        table_import.pick_table(self)

    def import_table_file(self, path: str) -> bool:
        """Read ``path`` into the model's measured rows (a long file in the worker, with
        progress and Cancel); a failure is shown in words."""
        return table_import.import_table_file(self, path)

    def _show_error(self, field: str, message: str) -> None:
        if not self.inputs.fields.show_error(field, message):  # no widget of its own
            self.status_label.setText(message)
            self.status_label.setVisible(bool(message))

    def _show_busy(self, busy: bool) -> None:
        self.progress_row.setVisible(busy or self.model.table_import.running())
        if busy:
            self.progress.setValue(0)
            self.status_label.setText("Sweeping…")
        elif self.status_label.text().startswith("Sweeping"):  # a failure's words stay
            self.status_label.setText("")
            self.status_label.setVisible(False)

    def _show_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(100 * fraction))
        if message:  # the line may be hidden by an empty field error (_show_error)
            self.status_label.setText(f"Sweeping: {message}…")
            self.status_label.setVisible(True)

    def _show_failure(self, message: str) -> None:
        self.status_label.setText(message)

    def _show_stale(self, stale: bool, reason: str) -> None:
        """Grey the diagnosis and the plots while they no longer match the inputs."""
        self.stale_label.setText(reason)
        self.stale_label.setVisible(stale)
        if stale:
            self.diagnosis_title.setStyleSheet(badge_style(STALE_COLOUR))
            self.diagnosis_text.setStyleSheet(f"color: {STALE_COLOUR};")
            self.recommended_label.setStyleSheet(f"color: {STALE_COLOUR};")
            self.diagnosis_box.setStyleSheet(
                f"#diagnosisBox {{ border-left: 4px solid {STALE_COLOUR}; }}"
            )
            self.stale_overlay.setStyleSheet(
                f"background: {themes.current().overlay}; color: {STALE_COLOUR}; font-weight: bold;"
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
            self.send_button.setEnabled(self.context is not None and self.model.sendable())

    def _show_result(self, result: Any) -> None:
        self._plots_settle.hold()  # painted once, at the size the new words leave them
        diagnosis = self.model.diagnosis()
        self.view.draw(result, diagnosis, self.model.disagreeing_reference())
        self._retheme_legend()  # the band is named only while it is drawn
        self.inputs.show_sweep_facts(result)
        colour = KIND_COLOURS.get(diagnosis.kind, "#000")
        if self.model.correct_but_limited():
            colour = LIMITED_COLOUR
        title = words.diagnosis_title(diagnosis)
        badge, qualifier = split_title(title)
        self.diagnosis_title.setText(badge)
        self.diagnosis_title.setToolTip(title)
        self._size_badge()
        self.diagnosis_title.setStyleSheet(badge_style(colour))
        self.diagnosis_box.setStyleSheet(f"#diagnosisBox {{ border-left: 4px solid {colour}; }}")
        explanation = words.diagnosis_text(diagnosis)
        if qualifier:  # the title's qualification leads the words beside the badge
            explanation = f"<b>{html.escape(qualifier)}.</b> {html.escape(explanation)}"
        self.diagnosis_text.setText(explanation)
        self.recommended_label.setText(
            f"Recommended ε: central {numbers.epsilon(diagnosis.recommended['central'])}, "
            f"forward {numbers.epsilon(diagnosis.recommended['forward'])}: "
            f"{words.recommendation_text(diagnosis)}."
        )
        self._wrap_keeper.refit()  # the new text may wrap to more lines at this width
        self.fit_diagnosis()
        self.status_label.setText(
            f"{result.epsilons.size} ε in {result.dtype}, swept in "
            f"{numbers.duration(result.seconds)}"
        )
        self.copy_button.setEnabled(True)

    BADGE_MAX_WIDTH = 230

    def _size_badge(self) -> None:
        """The badge as wide as its title, at most BADGE_MAX_WIDTH (then on two lines)."""
        label = self.diagnosis_title
        natural = label.fontMetrics().horizontalAdvance(label.text()) + 24  # padding, border
        label.setFixedWidth(min(natural, self.BADGE_MAX_WIDTH))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self.fit_diagnosis)  # once the layout has the new width

    def fit_diagnosis(self) -> None:
        """Give the diagnosis the height its words need (up to a third of the right side),
        taken from the plots while they keep their minimum: on a tall window the whole
        explanation is in view; on a short one it scrolls."""
        splitter = self.right_splitter
        sizes = splitter.sizes()
        total = sum(sizes)
        width = self.diagnosis_box.width()
        layout = self.diagnosis_box.layout()
        if total <= 0 or width <= 0 or layout is None:
            return
        frame = self.diagnosis_box.frameWidth() * 2
        needed = layout.totalHeightForWidth(width) + frame + 4
        needed += self.recommended_label.heightForWidth(max(50, self.recommended_label.width()))
        target = min(needed, total // 3)
        if sizes[0] >= target:
            return
        spare = sizes[1] - self.plots.minimumHeight() - 80  # the legend and hover lines
        grow = min(target - sizes[0], max(0, spare))
        if grow > 0:
            splitter.setSizes([sizes[0] + grow, sizes[1] - grow, *sizes[2:]])

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
