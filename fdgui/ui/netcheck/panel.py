"""The Network-check panel: settings, cost planner, Run/Cancel, verdict, tables, heat map.

A view only: every edit goes to ``NetcheckModel``; every number shown comes from a core
result (``CheckReport``, ``CostPlan``) through ``fdgui.core.report.netcheck`` so the window,
exports and the CLI say the same thing.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fdgui.core.models.mlp import ACTIVATIONS, BUGS, LOSSES
from fdgui.core.numbers import format as fmt
from fdgui.core.numbers.precision import DTYPE_NAMES
from fdgui.core.numbers.verdicts import VERDICTS
from fdgui.core.report.exporters import export
from fdgui.core.report.netcheck import verdict_in_words
from fdgui.core.report.netcheck_open import open_tensor_words
from fdgui.ui import keys
from fdgui.ui.netcheck.model import NetcheckModel, create_model
from fdgui.ui.netcheck.results_view import build_results, show_no_report, show_restored_note
from fdgui.ui.netcheck.tables import exact_tensor_numbers, fill, shorten_worst_numbers
from fdgui.ui.theme import badge_style, readable
from fdgui.ui.widgets import ERROR_COLOUR, Fields, vertical_scroll

PANEL_KEY = "netcheck"
PANEL_TITLE = "Network check"
_COLOURS = {verdict.key: verdict.colour for verdict in VERDICTS}
_FIELD_TIPS = {
    "layers": "Layer sizes from input to output, separated by commas, e.g. 20,16,10. "
    "Up to about a million parameters check in seconds.",
    "activation": "The hidden layers' activation. relu has a kink at 0: entries whose ±ε step "
    "crosses it are reported as kinks, not as failures.",
    "loss": "cross-entropy: softmax over the outputs, mean −log p of the target class. "
    "mse: mean over the batch of half the squared error.",
    "batch": "Examples in the fixed synthetic batch the loss averages over.",
    "seed": "Seed of the weights and of the synthetic data; the same seed gives the same network.",
    "dtype": "Format the perturbed losses are evaluated in. Lower precision shows what a "
    "gradient check in that format can and cannot see.",
    "bug": "Swap the backprop for one with a classic mistake and watch the check catch it.",
    "mode": "Full checks every parameter; sampled checks k entries of every tensor (biases "
    "included); projections compare K random directional derivatives per tensor with g·v.",
    "samples": "k: entries checked in every tensor in sampled mode.",
    "directions": "K: random unit directions per tensor in projection mode.",
    "engine": "How the perturbed losses are formed: the exact engine uses the built-in "
    "network's structure; the forward engine runs the loss as it is, as for any model.",
    "source": "What to check: the built-in network, or a probe file: your own code "
    "(numpy, PyTorch, JAX) run in its own process once you choose it.",
    "epsilon": "Leave empty for the recommended ε per parameter (√u·max(1,|w|) in float64, "
    "u^(1/3)·max(1,|w|) otherwise), or type a fixed step.",
}
_ENGINE_TITLES = {"exact": "Exact (built-in network)", "forward": "Forward (loss as it runs)"}
# one sentence on what each engine means, shown under the choice
ENGINE_NOTES = {
    "exact": "Forms each loss change directly from the built-in network's structure, so no "
    "digits cancel: fast, and agrees with a correct backprop to about 1e-10.",
    "forward": "Evaluates the loss itself at w ± ε for every entry and subtracts, exactly as a "
    "check of your own code does: slower, with the usual round-off u·|L|/ε.",
}
_MODE_TITLES = {
    "full": "Full (every parameter)",
    "sample": "Sampled (k per tensor)",
    "projection": "Projections (K per tensor)",
}


def create_panel(context: Any, model: NetcheckModel | None = None) -> NetcheckPanel:
    """The registry's panel factory (fdgui.ui.panels); without a model, one of its own."""
    return NetcheckPanel(context, model)


class NetcheckPanel(QWidget):
    """View of one NetcheckModel."""

    def __init__(self, context: Any, model: NetcheckModel | None = None) -> None:
        super().__init__()
        self.setObjectName("netcheckPanel")
        self.context = context
        self.model = model if model is not None else create_model(context, self)
        self._fields = Fields()
        self.fields, self.error_labels = self._fields.widgets, self._fields.error_labels
        self._build()
        self._connect()
        self._show_texts(self.model.texts())
        for field, message in self.model.errors().items():
            self._on_input_error(field, message)
        self._on_settings(self.model.settings)
        if self.model.result() is not None:  # checked before this view existed
            self.show_report(self.model.result())
        self.model.measure_now()
        from fdgui.ui import theme
        from fdgui.ui.plotting import owner_slot

        # verdict colours in the tables are drawn for a theme: redraw the report in a new one
        theme.notifier().changed.connect(owner_slot(self, self._retheme))

    def _retheme(self, _theme: Any) -> None:
        if self.model.result() is not None:
            self.show_report(self.model.result())

    # ------------------------------------------------------------------ building
    def _line(self, field: str, placeholder: str) -> None:
        edit = self._fields.line(field, f"{field}Edit", _FIELD_TIPS[field], placeholder)
        edit.textEdited.connect(lambda text, field=field: self.model.set_text(field, text))

    def _combo(self, field: str, items: list[tuple[str, str]]) -> None:
        combo = self._fields.combo(field, f"{field}Combo", _FIELD_TIPS[field], items)
        combo.currentIndexChanged.connect(
            lambda _i, field=field, combo=combo: self.model.set_text(field, combo.currentData())
        )

    def _build_source(self) -> QGroupBox:
        """The source choice and the probe file's page (hidden for the built-in network)."""
        from fdgui.ui.probe_source import ProbePage

        box = QGroupBox("Source")
        box.setObjectName("sourceGroup")
        form = QFormLayout(box)
        self._combo(
            "source", [("Built-in network", "network"), ("Probe file (your code)", "probe")]
        )
        self._fields.form_row(form, "&Source:", "source")
        self.probe_page = ProbePage(self._fields, field_names=True)
        for field in ("probe_timeout", "probe_python"):
            edit = self._fields.edits[field]
            edit.textEdited.connect(lambda text, field=field: self.model.set_text(field, text))
        self.probe_error = self._fields.error_labels.setdefault("probe", QLabel(""))
        self.probe_error.setObjectName("probeError")
        self.probe_error.setWordWrap(True)
        form.addRow(self.probe_page)
        form.addRow(self.probe_error)
        return box

    def _build(self) -> None:
        source = self._build_source()
        network = QGroupBox("Network")
        network.setObjectName("networkGroup")
        form = QFormLayout(network)
        self._line("layers", "e.g. 20,16,10")
        self._combo("activation", [(a, a) for a in ACTIVATIONS])
        self._combo("loss", [(name, name) for name in LOSSES])
        self._line("batch", "e.g. 32")
        self._line("seed", "e.g. 0")
        self._combo("dtype", [(d, d) for d in DTYPE_NAMES])
        for caption, field in (("&Layer sizes:", "layers"), ("&Activation:", "activation"),
                               ("L&oss:", "loss"), ("&Batch size:", "batch"),
                               ("S&eed:", "seed"), ("&Dtype:", "dtype")):  # fmt: skip
            self._fields.form_row(form, caption, field)
        self.parameter_count = QLabel("")
        self.parameter_count.setObjectName("parameterCountLabel")
        form.addRow("Parameters:", self.parameter_count)

        backprop = QGroupBox("Backprop under test")
        backprop.setObjectName("backpropGroup")
        backprop_form = QFormLayout(backprop)
        bug_items = [("Correct backprop", "")] + [(name, name) for name in BUGS]
        self._combo("bug", bug_items)
        self._fields.form_row(backprop_form, "B&ug:", "bug")
        self.bug_description = QLabel("")
        self.bug_description.setObjectName("bugDescriptionLabel")
        self.bug_description.setWordWrap(True)
        backprop_form.addRow(self.bug_description)

        mode = QGroupBox("What to check")
        mode.setObjectName("modeGroup")
        mode_form = QFormLayout(mode)
        mode_items = [(_MODE_TITLES[key], key) for key in ("full", "sample", "projection")]
        self._combo("mode", mode_items)
        self._line("samples", "e.g. 16")
        self._line("directions", "e.g. 8")
        self._line("epsilon", "recommended")
        self._combo("engine", [(_ENGINE_TITLES[key], key) for key in ("exact", "forward")])
        for caption, field in (("&Mode:", "mode"), ("&k per tensor:", "samples"),
                               ("K &directions:", "directions"), ("&ε:", "epsilon"),
                               ("En&gine:", "engine")):  # fmt: skip
            self._fields.form_row(mode_form, caption, field)
        self.engine_note = QLabel("")
        self.engine_note.setObjectName("engineNoteLabel")
        self.engine_note.setWordWrap(True)
        mode_form.addRow(self.engine_note)

        cost = QGroupBox("Cost before running")
        cost.setObjectName("costGroup")
        cost_layout = QVBoxLayout(cost)
        self.plan_table = QTableWidget(3, 4)
        self.plan_table.setObjectName("planTable")
        self.plan_table.setToolTip(
            "Loss evaluations (two per entry or direction) and the time each mode should take, "
            "from a short timed run of the real check on this network."
        )
        self.plan_table.setHorizontalHeaderLabels(["mode", "evaluations", "time", "memory"])
        self.plan_table.verticalHeader().setVisible(False)
        self.plan_table.setTabKeyNavigation(False)
        self.plan_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # the columns share the width (no scroll bars: "not measured" made the columns wider
        # than the table, and the horizontal bar then hid the last row)
        header = self.plan_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for policy in (self.plan_table.setHorizontalScrollBarPolicy,
                       self.plan_table.setVerticalScrollBarPolicy):  # fmt: skip
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plan_table.setFixedHeight(
            self.plan_table.horizontalHeader().sizeHint().height()
            + 3 * self.plan_table.verticalHeader().defaultSectionSize()
            + 4
        )
        cost_layout.addWidget(self.plan_table)
        self.plan_note = QLabel("")  # what entries that disagree add (tables.recheck_words)
        self.plan_note.setObjectName("planNoteLabel")
        self.plan_note.setWordWrap(True)
        self.plan_note.setProperty("role", "hint")
        cost_layout.addWidget(self.plan_note)

        self.run_button = QPushButton("&Run check")
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip(
            "Check the backprop gradient with these settings "
            f"({keys.native(keys.RUN)}, or Enter in a field)"
        )
        self.cancel_button = QPushButton("Ca&ncel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Stop the running check; the last report stays")
        self.cancel_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        self.progress = QProgressBar()
        self.progress.setObjectName("checkProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        self.progress.setVisible(False)  # shown while a check runs
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("progressLabel")
        self.progress_label.setWordWrap(True)

        controls = QWidget()
        controls.setObjectName("netcheckControls")
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 6, 0)
        self.network_group, self.backprop_group = network, backprop
        for widget in (source, network, backprop, mode):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = vertical_scroll(controls, "netcheckControlsScroll")
        # the cost, Run, Cancel and the progress stay below the scrolling settings, always in
        # view: what a check will cost is read where it is started (in the scroll area it sat
        # below the fold at 1280×800)
        left = QWidget()
        left.setObjectName("netcheckLeft")
        left.setMinimumWidth(340)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(scroll, 1)
        left_column.addWidget(cost)
        left_column.addLayout(buttons)
        left_column.addWidget(self.progress)
        left_column.addWidget(self.progress_label)

        results = build_results(self)

        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.setObjectName("netcheckSplitter")
        outer.setChildrenCollapsible(False)
        outer.addWidget(left)
        outer.addWidget(results)
        outer.setStretchFactor(1, 1)
        outer.setSizes([380, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(outer)

        order = [self.fields[f] for f in ("layers", "activation", "loss", "batch", "seed",
                                          "dtype", "bug", "mode", "samples", "directions",
                                          "epsilon", "engine")] + [self.plan_table]  # fmt: skip
        order += [self.run_button, self.cancel_button, self.result_tabs, self.worst_table]
        order += [*self.export_buttons.values(), self.copy_torch_button, self.copy_jax_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        model = self.model
        model.textsChanged.connect(self._show_texts)
        model.inputErrorChanged.connect(self._on_input_error)
        model.settingsChanged.connect(self._on_settings)
        model.planChanged.connect(self._on_plan)
        model.busyChanged.connect(self._on_running)
        model.progressed.connect(self._on_progress)
        model.resultChanged.connect(self.show_report)
        model.statusMessage.connect(self._status)
        self.run_button.clicked.connect(self.run_check)
        self.cancel_button.clicked.connect(model.cancel)
        model.probe.openingChanged.connect(self._on_opening)  # Cancel stops the opening
        self.worst_table.cellDoubleClicked.connect(self.sweep_worst_row)
        self._enter_keys = _EnterKeys(self.worst_table, self._sweep_current_row)
        self.worst_table.installEventFilter(self._enter_keys)
        self.cancel_shortcut = keys.panel_shortcut(self, keys.CANCEL, self._escape)
        self.run_shortcut = keys.panel_shortcut(self, keys.RUN, self._run_if_ready)
        self.copy_shortcut = keys.panel_shortcut(self, keys.COPY, self.copy_report)
        keys.enter_runs(list(self._fields.edits.values()), self._run_if_ready)
        self.tensor_table.cellClicked.connect(
            lambda row, _column: self.heat_tensor.setCurrentIndex(row)
        )
        self.copy_torch_button.clicked.connect(lambda: self.copy_code("torch"))
        self.copy_jax_button.clicked.connect(lambda: self.copy_code("jax"))
        self.probe_page.choose_button.clicked.connect(self._choose_probe)
        model.probeLoaded.connect(self.probe_page.show_loaded)
        model.probeFailed.connect(self.probe_page.show_failure)
        model.probeNote.connect(self.probe_page.show_note)  # a reload, said on the page
        for signal in (model.textsChanged, model.probeLoaded, model.probeFailed,
                       model.probe.openingChanged, model.probe.released):  # fmt: skip
            signal.connect(self._show_out_of_date)  # the source in force moved

    def _choose_probe(self) -> None:
        self.model.probe.prepare_pick()  # a spare process starts while the person chooses
        path = self.probe_page.pick(self)
        if path and self.model.open_probe(path):  # the person picked it: only now it runs
            self.probe_page.show_opening(path)

    def _show_source(self, source: str) -> None:
        probe = source == "probe"
        self.probe_page.setVisible(probe)
        self.network_group.setVisible(not probe)
        self.backprop_group.setVisible(not probe)
        engine = self.fields["engine"]
        engine.setEnabled(not probe)  # a probe: the forward engine, whatever the choice
        shown = "forward" if probe else self.model.text("engine")
        engine.blockSignals(True)
        engine.setCurrentIndex(max(engine.findData(shown), 0))
        engine.blockSignals(False)
        self.engine_note.setText(ENGINE_NOTES.get(shown, ""))

    # ------------------------------------------------------------------ model → view
    def _show_texts(self, texts: dict[str, str]) -> None:
        for field, text in texts.items():
            widget = self.fields[field]
            if isinstance(widget, QLineEdit):
                if widget.text() != text:
                    widget.setText(text)
            else:
                index = widget.findData(text)
                if index >= 0 and index != widget.currentIndex():
                    widget.setCurrentIndex(index)
        self.bug_description.setText(BUGS.get(texts["bug"], "The network's own, correct backprop."))
        self._show_source(texts.get("source", "network"))
        self.fields["samples"].setEnabled(texts["mode"] == "sample")
        self.fields["directions"].setEnabled(texts["mode"] == "projection")

    def _on_input_error(self, field: str, message: str) -> None:
        if field == "probe" or field not in self.fields:
            self.probe_error.setText(message)
            self.probe_error.setVisible(bool(message))
            return
        self._fields.show_error(field, message, explain_in_tooltip=True)

    def _on_settings(self, settings: Any) -> None:
        self.run_button.setEnabled(settings is not None and not self.model.is_busy())
        if settings is None:
            self.parameter_count.setText("—")
        else:
            probe = self.model.probe.model if settings.spec is None else None
            count = settings.spec.parameter_count if probe is None else probe.parameter_count
            self.parameter_count.setText(f"{count:,}")
        self._refresh_code_buttons()
        show_restored_note(self)

    def _on_plan(self, plans: Any) -> None:
        from fdgui.core.numbers.format import byte_size as format_bytes

        for row, mode in enumerate(("full", "sample", "projection")):
            cells = [_MODE_TITLES[mode].split(" (")[0], "…", "measuring…", ""]
            failed = plans is None and self.model.plan_error
            if failed:  # said where it was expected, the reason in its tooltip
                cells = [cells[0], "—", "not measured", "—"]
            if plans is not None:
                plan = plans[mode]
                cells = [
                    cells[0],
                    f"{plan.evaluations:,}",
                    fmt.duration(plan.expected_seconds),
                    format_bytes(plan.memory_bytes),
                ]
            if self.model.settings is None:
                cells = [cells[0], "—", "—", "—"]
            if mode == self.model.text("mode"):
                from fdgui.ui.netcheck.tables import recheck_words

                chosen = plans[mode] if plans is not None and cells[1] != "—" else None
                self.plan_note.setText(recheck_words(chosen))
                self.plan_note.setVisible(bool(self.plan_note.text()))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if failed:
                    item.setToolTip(f"Could not measure the cost: {self.model.plan_error}")
                if mode == self.model.text("mode"):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.plan_table.setItem(row, column, item)

    def _on_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.run_button.setEnabled(not running and self.model.settings is not None)
        self.cancel_button.setEnabled(running or self.model.probe.opening)
        if not running:
            self.progress.setValue(0)
            self.progress_label.setText("")
            self._on_plan(self.model.plan)

    def _on_progress(self, fraction: float, message: str) -> None:
        eta = self.model.eta()
        self.progress.setValue(round(1000 * fraction))
        left = f"about {fmt.duration(eta)} left" if math.isfinite(eta) else "estimating time…"
        self.progress_label.setText(f"{fmt.fixed(100 * fraction, 0)}%: {message}; {left}")

    def _status(self, message: str) -> None:
        show = getattr(self.context, "show_status", None)
        if show is not None:
            show(message)

    # ------------------------------------------------------------------ the report
    def show_report(self, report: Any) -> None:
        from fdgui.ui.netcheck.out_of_date import show_out_of_date

        self._render_report(report)
        show_out_of_date(self, rendered=True)  # another source in force: said on the badge

    def _show_out_of_date(self, *_args: Any) -> None:
        from fdgui.ui.netcheck.out_of_date import show_out_of_date

        show_out_of_date(self)

    def _render_report(self, report: Any) -> None:
        from fdgui.core.report.netcheck import worst_headers
        from fdgui.ui.netcheck import numeric_view

        if numeric_view.is_numeric(report):  # a probe without gradient: no verdict
            numeric_view.show_numeric(self, report)
            return
        numeric_view.restore_check_tables(self)

        if report is None:  # a session without a report replaced the shown one
            show_no_report(self)
            return
        headers = worst_headers(report)
        table = self.worst_table
        for column, header in enumerate(headers):  # only a changed title is set (no relayout)
            item = table.horizontalHeaderItem(column)
            if item is not None and item.text() != header:
                item.setText(header)
        self._show_report(report)

    def _show_report(self, report: Any) -> None:
        from fdgui.core.report.netcheck import (
            change_explanation,
            settings_line,
            tensor_rows,
            worst_rows,
        )

        if report.inconclusive or report.loose:
            colour = _COLOURS["kinks"]  # amber: nothing failed, but nothing was confirmed
            badge = "Inconclusive" if report.inconclusive else "Passed, loosely"
        else:
            colour = "#1b873f" if report.passed else ERROR_COLOUR
            badge = "Passed" if report.passed else "Failed"
        self.verdict_badge.setText(badge)
        self.verdict_badge.setStyleSheet(badge_style(colour))
        self.verdict_label.setText(verdict_in_words(report))
        from fdgui.core.report.netcheck import evaluations_words, second_look_words

        self.settings_label.setText(
            f"{settings_line(report)}. {report.parameters_checked:,} checked with "
            f"{evaluations_words(report)} in {report.seconds:.3f} s. "
            f"{second_look_words(report)}".rstrip()
        )
        fill(self.tensor_table, tensor_rows(report))
        exact_tensor_numbers(self.tensor_table, report)
        for row, tensor in enumerate(report.tensors):
            status = self.tensor_table.item(row, self.tensor_table.columnCount() - 1)
            if tensor.failures:
                status.setForeground(QColor(readable(ERROR_COLOUR)))
            elif tensor.inconclusive:
                status.setForeground(QColor(readable(_COLOURS["kinks"])))
                status.setToolTip(
                    f"the loss is not a finite number at θ ± ε for {tensor.no_estimate:,} of "
                    f"{tensor.checked:,} entries: nothing estimates their gradient"
                    if tensor.no_estimate
                    else open_tensor_words(tensor)
                    if tensor.unresolved
                    else f"{tensor.loose_directions:,} of {tensor.checked:,} directions agree "
                    "only within a window of 1 % of their gradient or more, or stay undecided: "
                    "a bug of that size is not ruled out (the full check looks closer)"
                    if tensor.loose_directions
                    else f"{tensor.undecided:,} of {tensor.checked:,} entries agree only within "
                    "a tolerance of half their gradient or more: a sign flip or a factor 2 "
                    "would agree too, so this dtype cannot decide"
                )
            else:
                status.setForeground(QColor(readable("#1b873f")))
        fill(self.worst_table, worst_rows(report), spread=False)
        shorten_worst_numbers(self.worst_table, report)
        for row, entry in enumerate(report.worst):
            item = self.worst_table.item(row, 4)
            colour = _COLOURS["kinks"] if entry.note else _COLOURS.get(entry.band, "#000000")
            item.setForeground(QColor(readable(colour)))
            for column, value in ((1, entry.numeric), (2, entry.analytic)):
                self.worst_table.item(row, column).setToolTip(repr(value))
            sides = ((6, "L(w+ε)", entry.loss_plus, entry.loss_plus_change),
                     (7, "L(w−ε)", entry.loss_minus, entry.loss_minus_change))  # fmt: skip
            for column, name, value, change in sides:
                self.worst_table.item(row, column).setToolTip(
                    f"{name} − L = {change!r}\n{name} = {value!r} (L = {report.loss!r})\n\n"
                    + change_explanation(report)
                )
        from fdgui.ui.netcheck.saved_report import heat_gaps

        self.heat_map.show_report(report, heat_gaps(self.model))
        show_restored_note(self)
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self._refresh_code_buttons()

    # ------------------------------------------------------------------ actions
    def run_check(self) -> None:
        self.model.run()

    def _run_if_ready(self) -> None:
        """Ctrl+Return or Enter: run unless a check is running or the settings are wrong."""
        if self.run_button.isEnabled():
            self.run_check()

    def _on_opening(self, opening: bool) -> None:
        self.cancel_button.setEnabled(opening or self.model.is_busy())

    def _escape(self) -> None:
        if self.model.is_busy() or self.model.probe.opening:
            self.model.cancel()

    def _sweep_current_row(self) -> None:
        row = self.worst_table.currentRow()
        if row >= 0:
            self.sweep_worst_row(row)

    def sweep_worst_row(self, row: int, _column: int = 0) -> None:
        """Open the ε explorer on the network parameter behind a worst-table row."""
        self.model.explore_worst_entry(row)

    def export(self, kind: str, path: str | None = None) -> None:
        from fdgui.ui.netcheck.out_of_date import out_of_date

        if self.model.result() is None or out_of_date(self.model):
            return  # the buttons are off then (their tooltip says why)
        suffix = {"json": ".json", "csv": ".csv", "md": ".md"}[kind]
        if path is None:
            parent = getattr(self.context, "window", None) or self
            path, _ = QFileDialog.getSaveFileName(
                parent,
                "Export network check",
                str(Path.home() / f"netcheck{suffix}"),
                {"json": "JSON (*.json)", "csv": "CSV (*.csv)", "md": "Markdown (*.md)"}[kind],
            )
        if not path:
            return
        fmt_name = {"json": "json", "csv": "csv", "md": "markdown"}[kind]
        try:
            Path(path).write_text(export(self.model.result(), fmt_name), encoding="utf-8")
        except OSError as error:
            self._status(f"Could not save {path}: {error.strerror or error}")
            return
        self._status(f"Saved the report to {path}")

    def copy_report(self) -> None:
        """Ctrl+Shift+C, as in every panel: the report as plain text on the clipboard."""
        from fdgui.ui.netcheck.out_of_date import of_what, out_of_date

        reason = out_of_date(self.model)
        if reason:  # never another source's report as if of the one in force
            self._status(f"Not copied: the shown report is of {of_what(self.model)}, out of "
                         f"date ({reason}). Run the check first.")  # fmt: skip
            return
        if self.model.result() is not None:
            QGuiApplication.clipboard().setText(export(self.model.result(), "text"))
            self._status("Copied the report as text.")

    def _code_dtype(self) -> str:
        """The shown report's dtype (the code goes with those results), else the field's."""
        if self.model.result() is not None:
            return self.model.result().settings.dtype
        return self.model.text("dtype")

    def _tolerances(self) -> Any:
        from fdgui.core.netcheck import recommended_tolerances

        loss = self.model.result().loss if self.model.result() is not None else 1.0
        return recommended_tolerances(self._code_dtype(), loss)

    def _refresh_code_buttons(self) -> None:
        dtype = self._code_dtype()
        self.copy_torch_button.setToolTip(
            f"Copy a torch.autograd.gradcheck call with the ε, atol and rtol fdgui recommends "
            f"for {dtype} (the shown report's dtype)"
        )
        self.copy_jax_button.setToolTip(
            f"Copy a jax.test_util.check_grads call with the ε and tolerances fdgui recommends "
            f"for {dtype} (the shown report's dtype)"
        )

    def copy_code(self, kind: str) -> str:
        from fdgui.core.report.code import jax_check_grads_code, torch_gradcheck_code

        tolerances = self._tolerances()
        code = (
            torch_gradcheck_code(tolerances)
            if kind == "torch"
            else jax_check_grads_code(tolerances)
        )
        QGuiApplication.clipboard().setText(code)
        self._status(
            f"Copied a {'torch gradcheck' if kind == 'torch' else 'jax check_grads'} call for "
            f"{tolerances.dtype} (eps={fmt.epsilon(tolerances.epsilon)}, "
            f"atol={fmt.significant(tolerances.atol, 3)}, "
            f"rtol={fmt.significant(tolerances.rtol, 3)})."
        )
        return code


class _EnterKeys(QObject):
    """Enter or Return on a worst-table row does what a double-click does."""

    def __init__(self, parent: QObject, action: Any) -> None:
        super().__init__(parent)
        self._action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self._action()
            return True
        return False
