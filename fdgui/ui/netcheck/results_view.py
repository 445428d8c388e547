"""The network-check panel's results side: verdict, per-tensor table, heat map, worst entries.

Built here so the panel module keeps to its role (settings, running, showing a report);
the widgets become attributes of the panel under the names the panel and its tests use.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fdgui.ui.netcheck.plots import HeatMap
from fdgui.ui.netcheck.tables import setup_table
from fdgui.ui.theme import badge_style, make_badge, set_role
from fdgui.ui.widgets import vertical_scroll

NOT_RUN_BADGE = "Not run yet"
NOT_RUN_WORDS = "No check has run yet. Choose a network and press Run check."


def build_results(panel: Any) -> QWidget:
    """Make the results side of ``panel`` and return its widget."""
    panel.verdict_badge = QLabel(NOT_RUN_BADGE)
    panel.verdict_badge.setObjectName("verdictBadge")
    panel.verdict_badge.setStyleSheet(badge_style(None))
    make_badge(panel.verdict_badge)
    panel.verdict_label = QLabel(NOT_RUN_WORDS)
    panel.verdict_label.setObjectName("verdictLabel")
    panel.verdict_label.setWordWrap(True)
    panel.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = panel.verdict_label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    panel.verdict_label.setFont(font)
    panel.settings_label = QLabel("")
    panel.settings_label.setObjectName("reportSettingsLabel")
    panel.settings_label.setWordWrap(True)
    panel.restored_label = QLabel("")  # a report from a session, not from a run here
    panel.restored_label.setObjectName("restoredReportLabel")
    panel.restored_label.setWordWrap(True)
    panel.restored_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    panel.restored_label.setVisible(False)
    for label in (panel.verdict_badge, panel.verdict_label, panel.settings_label,
                  panel.restored_label):  # fmt: skip
        label.setTextFormat(Qt.TextFormat.PlainText)  # tensor names come from files too

    from fdgui.core.report.netcheck import (
        BAND_NOTE,
        CHANGE_EXPLANATION,
        TENSOR_HEADERS,
        WORST_HEADERS,
    )

    panel.tensor_table = QTableWidget(0, len(TENSOR_HEADERS))
    panel.tensor_table.setObjectName("tensorTable")
    panel.tensor_table.setHorizontalHeaderLabels(TENSOR_HEADERS)
    panel.tensor_table.setToolTip(
        "Per tensor: largest and median relative error |n − a| / max(|n|, |a|, 1e-8), and "
        "how many entries fall in each verdict band. Click a row to show its heat map.\n\n"
        + BAND_NOTE
    )
    setup_table(panel.tensor_table)
    panel.worst_table = QTableWidget(0, len(WORST_HEADERS))
    panel.worst_table.setObjectName("worstTable")
    panel.worst_table.setHorizontalHeaderLabels(WORST_HEADERS)
    panel.worst_table.setToolTip(
        "The 20 entries that disagree most (failing ones first). Double-click a row or "
        "press Enter to sweep that parameter in the ε explorer.\n\n" + CHANGE_EXPLANATION
    )
    setup_table(panel.worst_table)

    panel.heat_map = HeatMap()
    # its parts under the names the rest of the panel (and its tests) use
    panel.heat_tensor, panel.heat_view = panel.heat_map.tensor_combo, panel.heat_map.view
    panel.heat_plot, panel.heat_image = panel.heat_map.plot, panel.heat_map.image
    panel.color_bar = panel.heat_map.color_bar

    panel.result_tabs = QTabWidget()
    panel.result_tabs.setObjectName("resultTabs")
    panel.result_tabs.addTab(panel.tensor_table, "Per tensor")
    panel.result_tabs.addTab(panel.heat_map, "Heat map")
    panel.result_tabs.setTabToolTip(1, "Relative error of every checked entry, per tensor")

    worst_box = QGroupBox("Worst 20 entries (double-click or Enter: sweep ε)")
    worst_box.setObjectName("worstGroup")
    panel.worst_box = worst_box
    worst_layout = QVBoxLayout(worst_box)
    worst_layout.addWidget(panel.worst_table)

    exports = QHBoxLayout()
    save_caption = QLabel("Save report:")
    exports.addWidget(save_caption)
    panel.export_buttons: dict[str, QPushButton] = {}
    for kind, title in (("json", "&JSON…"), ("csv", "&CSV…"),
                        ("md", "Mark&down…")):  # fmt: skip
        button = QPushButton(title)
        button.setObjectName(f"export{kind.capitalize()}Button")
        button.setToolTip(f"Save the report as {kind.upper()}")
        button.setEnabled(False)
        button.clicked.connect(lambda _=False, kind=kind: panel.export(kind))
        panel.export_buttons[kind] = button
        exports.addWidget(button)
    exports.addStretch(1)
    copies = QHBoxLayout()
    copies.addWidget(QLabel("Copy as code:"))
    panel.copy_torch_button = QPushButton("&torch gradcheck")
    panel.copy_torch_button.setObjectName("copyTorchButton")
    panel.copy_torch_button.setToolTip(
        "Copy a torch.autograd.gradcheck call with the ε, atol and rtol fdgui recommends "
        "for the chosen dtype"
    )
    panel.copy_jax_button = QPushButton("ja&x check_grads")
    panel.copy_jax_button.setObjectName("copyJaxButton")
    panel.copy_jax_button.setToolTip(
        "Copy a jax.test_util.check_grads call with the recommended ε and tolerances"
    )
    copies.addWidget(panel.copy_torch_button)
    copies.addWidget(panel.copy_jax_button)
    copies.addStretch(1)

    results = QWidget()
    results.setObjectName("netcheckResults")
    results_layout = QVBoxLayout(results)
    results_layout.setContentsMargins(6, 0, 0, 0)
    # the verdict, tables and heat map scroll together on a short window (each keeps a
    # readable height); Save and Copy stay below, always in view
    report = QWidget()
    report.setObjectName("netcheckReport")
    report_layout = QVBoxLayout(report)
    report_layout.setContentsMargins(0, 0, 0, 0)
    report_layout.addWidget(panel.verdict_badge)
    report_layout.addWidget(panel.restored_label)
    report_layout.addWidget(panel.verdict_label)
    report_layout.addWidget(panel.settings_label)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setObjectName("netcheckResultSplitter")
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(panel.result_tabs)
    splitter.addWidget(worst_box)
    splitter.setSizes([330, 300])
    panel.result_tabs.setMinimumHeight(250)  # the heat map with its colour bar's labels
    worst_box.setMinimumHeight(150)  # a few worst rows
    report_layout.addWidget(splitter, 1)
    results_layout.addWidget(vertical_scroll(report, "netcheckReportScroll"), 1)
    results_layout.addLayout(exports)
    results_layout.addLayout(copies)
    return results


def show_restored_note(panel: Any) -> None:
    """Above a report restored from a session: that it is one, when it ran, what was not
    kept, and whether the fields still hold its settings (hidden for a report run here)."""
    from fdgui.ui.netcheck.saved_report import restored_note

    note = restored_note(panel.model)
    label = panel.restored_label
    if note is None:
        label.setVisible(False)
        label.setText("")
        return
    text, warn = note
    label.setText(("⚠ " if warn else "") + text)
    set_role(label, "warning" if warn else "hint")
    label.setVisible(True)


def show_no_report(panel: Any) -> None:
    """The results side as before any check (another session without a report was opened)."""
    panel.verdict_badge.setText(NOT_RUN_BADGE)
    panel.verdict_badge.setStyleSheet(badge_style(None))
    panel.verdict_label.setText(NOT_RUN_WORDS)
    panel.settings_label.setText("")
    for table in (panel.tensor_table, panel.worst_table):
        table.clearContents()
        table.setRowCount(0)
    panel.heat_map.clear()
    for button in panel.export_buttons.values():
        button.setEnabled(False)
    show_restored_note(panel)
