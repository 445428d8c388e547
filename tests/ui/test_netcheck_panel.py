"""The Network-check panel driven like a person would: type, click, read, export, cancel."""

from __future__ import annotations

import itertools
import json
import os
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit

from fdgui.core.report.netcheck import verdict_in_words
from fdgui.ui.netcheck.panel import create_panel

LONG_LAYERS = "300,300,300,300,10"  # full float32 check: several seconds of deep-path work


class FakeExplorer:
    """Stands in for the explorer's model: records what it was asked to sweep."""

    def __init__(self):
        self.calls = []
        self.cursors = []

    def sweep_network_parameter(self, spec, tensor, index, dtype, bug=None, cursor_epsilon=None):
        self.calls.append((spec, tensor, index, dtype, bug))
        self.cursors.append(cursor_epsilon)


class FakeContext:
    def __init__(self, explorer=None):
        self.messages: list[str] = []
        self.opened: list[str] = []
        self.explorer = explorer if explorer is not None else FakeExplorer()
        self.window = None

    def show_status(self, message, timeout_ms=6000):
        self.messages.append(message)

    def open_panel(self, key):
        self.opened.append(key)

    def model(self, key):
        return {"explorer": self.explorer}[key]


@pytest.fixture
def panel(qtbot):
    context = FakeContext()
    widget = create_panel(context)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_into(qtbot, panel, field, text):
    edit = panel.findChild(QLineEdit, f"{field}Edit")
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def choose(panel, field, value):
    combo = panel.fields[field]
    combo.setCurrentIndex(combo.findData(value))


def run_and_wait(qtbot, panel, timeout=20_000):
    with qtbot.waitSignal(panel.model.resultChanged, timeout=timeout) as blocker:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.model.is_busy(), timeout=timeout)
    return blocker.args[0]


def test_a_correct_network_passes_and_the_tables_fill(qtbot, panel):
    type_into(qtbot, panel, "layers", "20,16,10")
    report = run_and_wait(qtbot, panel)
    assert report.verdict == "pass"
    assert panel.verdict_label.text() == verdict_in_words(report)
    assert panel.verdict_label.text().startswith("Pass")
    assert panel.tensor_table.rowCount() == 4
    assert [panel.tensor_table.item(r, 0).text() for r in range(4)] == ["W1", "b1", "W2", "b2"]
    assert panel.tensor_table.item(0, 2).text() == "320"
    assert panel.worst_table.rowCount() == 20
    assert panel.heat_image.image is not None
    assert panel.heat_image.image.shape == (20, 16)  # transposed for pyqtgraph: (columns, rows)
    assert all(button.isEnabled() for button in panel.export_buttons.values())


def test_a_bug_fails_and_the_verdict_names_the_worst_tensor(qtbot, panel):
    type_into(qtbot, panel, "layers", "12,8,8,4")
    choose(panel, "bug", "transpose")
    assert "untransposed" in panel.bug_description.text()
    report = run_and_wait(qtbot, panel)
    assert report.verdict == "fail"
    text = panel.verdict_label.text()
    assert text.startswith("Fail") and f"worst tensor is {report.worst_tensor}" in text
    statuses = {panel.tensor_table.item(r, 0).text(): panel.tensor_table.item(r, 9).text()
                for r in range(6)}  # fmt: skip
    assert statuses["W2"] == "ok" and "failing" in statuses["W1"]


def test_bad_input_is_shown_beside_the_field_and_nothing_starts(qtbot, panel):
    type_into(qtbot, panel, "layers", "20,0,10")
    error = panel.findChild(QLabel, "layersError")
    assert error.isVisible() and "0 is not a positive" in error.text()
    assert not panel.run_button.isEnabled()
    assert panel.model.run() is False
    assert not panel.model.is_busy()
    assert panel.fields["layers"].text() == "20,0,10"  # nothing typed is lost
    choose(panel, "mode", "sample")
    type_into(qtbot, panel, "samples", "0")
    assert panel.findChild(QLabel, "samplesError").text().startswith("0 is outside 1..")
    type_into(qtbot, panel, "layers", "200000,200000,10")
    message = panel.findChild(QLabel, "layersError").text()
    assert "memory" in message and "40,002,200,010 parameters" in message
    type_into(qtbot, panel, "layers", "20,16,10")
    type_into(qtbot, panel, "samples", "5")
    assert not panel.findChild(QLabel, "layersError").isVisible()
    assert panel.run_button.isEnabled()


def test_cost_planner_shows_evaluations_for_every_mode(qtbot, panel):
    type_into(qtbot, panel, "layers", "30,20,5")
    with qtbot.waitSignal(panel.model.planChanged, timeout=10_000,
                          check_params_cb=lambda plans: plans is not None):  # fmt: skip
        pass
    count = 30 * 20 + 20 + 20 * 5 + 5
    assert panel.plan_table.item(0, 1).text() == f"{2 * count:,}"
    assert panel.plan_table.item(1, 1).text() == f"{2 * (16 + 16 + 16 + 5):,}"
    assert panel.plan_table.item(2, 1).text() == f"{2 * 8 * 4:,}"
    assert panel.plan_table.item(0, 2).text().endswith(("ms", " s"))


def test_double_click_sweeps_the_entry_in_the_explorer(qtbot, panel):
    type_into(qtbot, panel, "layers", "12,8,4")
    choose(panel, "dtype", "float32")
    choose(panel, "bug", "softmax-factor")
    report = run_and_wait(qtbot, panel)
    table = panel.worst_table
    centre = table.visualItemRect(table.item(2, 0)).center()
    # an item view needs the press before the double click, as a real mouse sends it
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    entry = report.worst[2]
    assert panel.context.opened == ["explorer"]
    spec, tensor, index, dtype, bug = panel.context.explorer.calls[0]
    assert (tensor, index, dtype, bug) == (entry.tensor, entry.index, "float32", "softmax-factor")
    assert spec.layer_sizes == (12, 8, 4)


def test_double_click_without_explorer_support_says_so(qtbot):
    context = FakeContext(explorer=object())
    widget = create_panel(context)
    qtbot.addWidget(widget)
    widget.model.set_text("layers", "6,4,3")
    run_and_wait(qtbot, widget)
    widget.sweep_worst_row(0)
    assert "cannot be swept" in context.messages[-1]


def test_export_writes_the_core_renderings(qtbot, panel, tmp_path, monkeypatch):
    from fdgui.core.report.netcheck import render_csv, render_markdown

    type_into(qtbot, panel, "layers", "8,6,3")
    report = run_and_wait(qtbot, panel)
    target = tmp_path / "check.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(panel.export_buttons["json"], Qt.MouseButton.LeftButton)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["verdict"] == "pass" and data["parameters_checked"] == report.parameters_checked
    panel.export("csv", str(tmp_path / "check.csv"))
    panel.export("md", str(tmp_path / "check.md"))
    assert (tmp_path / "check.csv").read_text(encoding="utf-8") == render_csv(report)
    assert (tmp_path / "check.md").read_text(encoding="utf-8") == render_markdown(report)
    panel.export("json", str(tmp_path / "missing" / "x.json"))
    assert "Could not save" in panel.context.messages[-1]


def test_copy_as_code_puts_a_ready_call_on_the_clipboard(qtbot, panel):
    choose(panel, "dtype", "float32")
    qtbot.mouseClick(panel.copy_torch_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert "torch.autograd.gradcheck(" in text and "eps=0.00391" in text
    qtbot.mouseClick(panel.copy_jax_button, Qt.MouseButton.LeftButton)
    assert "check_grads(" in QGuiApplication.clipboard().text()


def test_failed_check_leaves_the_previous_report(qtbot, panel, monkeypatch):
    import fdgui.core.netcheck as netcheck

    type_into(qtbot, panel, "layers", "8,6,3")
    run_and_wait(qtbot, panel)
    before = panel.verdict_label.text()

    def broken(settings, network=None):
        yield 0.1, "working"
        raise MemoryError("out of memory half-way")

    monkeypatch.setattr(netcheck, "run_check", broken)
    type_into(qtbot, panel, "layers", "8,6,4")
    with qtbot.waitSignal(panel.model.busyChanged, timeout=10_000,
                          check_params_cb=lambda running: not running):  # fmt: skip
        panel.model.run()
    assert panel.verdict_label.text() == before
    assert (
        "stopped" in panel.context.messages[-1]
        and "last report stays" in panel.context.messages[-1]
    )


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_window_stays_responsive_and_cancel_stops_within_200_ms(qtbot, panel):
    type_into(qtbot, panel, "layers", "8,6,3")
    run_and_wait(qtbot, panel)
    before = panel.verdict_label.text()
    type_into(qtbot, panel, "layers", LONG_LAYERS)
    choose(panel, "dtype", "float32")  # float64 takes the fast jet path (~2 s)
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(20)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    fractions: list[float] = []
    panel.model.progressed.connect(lambda fraction, _m: fractions.append(fraction))
    assert panel.model.run()
    # checking while the timer ticks, until enough ticks are measured and the progress
    # (with its time estimate) shows
    qtbot.waitUntil(
        lambda: (
            len(ticks) > 120
            and bool(fractions)
            and fractions[-1] > 0.02
            and "left" in panel.findChild(QLabel, "progressLabel").text()
        ),
        timeout=30_000,
    )
    assert panel.model.is_busy(), "the long check finished too early to test cancel"
    assert fractions and 0 < fractions[-1] < 1
    assert "left" in panel.findChild(QLabel, "progressLabel").text()
    clicked = time.perf_counter()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.model.is_busy(), timeout=2000)
    stopped = time.perf_counter() - clicked
    heartbeat.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 100
    assert max(gaps) < 0.1, f"GUI thread blocked for {max(gaps) * 1e3:.0f} ms"
    assert stopped < 0.2, f"cancel took {stopped * 1e3:.0f} ms"
    assert panel.verdict_label.text() == before  # the cancelled check left the old report
    assert "cancelled" in panel.context.messages[-1]


def test_widgets_have_names_buddies_and_tooltips(panel):
    for field, widget in panel.fields.items():
        kind = "Edit" if isinstance(widget, QLineEdit) else "Combo"
        assert widget.objectName() == f"{field}{kind}"
        assert widget.toolTip()
        buddies = [label for label in panel.findChildren(QLabel) if label.buddy() is widget]
        assert buddies, field
    for button in (panel.run_button, panel.cancel_button, panel.copy_torch_button):
        assert button.objectName() and button.toolTip()


def test_nothing_is_cut_off(qtbot, panel, tmp_path):
    from tests.ui.conftest import cut_off_texts

    type_into(qtbot, panel, "layers", "20,16,16,10")
    choose(panel, "bug", "bias-not-summed")
    run_and_wait(qtbot, panel)
    panel.result_tabs.setCurrentIndex(1)
    qtbot.wait(50)
    assert cut_off_texts(panel) == []
    image = panel.grab()
    assert image.save(str(tmp_path / "netcheck.png"))
    assert image.width() == 1280


def _visible_in(panel, widget):
    """The whole widget lies inside the panel and is not scrolled out of its scroll area."""
    from PySide6.QtCore import QRect

    top_left = widget.mapTo(panel, widget.rect().topLeft())
    inside_panel = panel.rect().contains(QRect(top_left, widget.size()))
    region = widget.visibleRegion().boundingRect()
    return inside_panel and region.size() == widget.size()


def test_at_the_minimum_size_run_cancel_and_every_button_stay_visible(qtbot, panel):
    """QA: at 860×600 Run/Cancel scrolled out of view and the export buttons were cut off."""
    from tests.ui.conftest import cut_off_texts

    type_into(qtbot, panel, "layers", "16,16,16,10")
    choose(panel, "bug", "transpose")
    run_and_wait(qtbot, panel)
    panel.resize(860, 600)
    qtbot.wait(100)
    for button in (panel.run_button, panel.cancel_button, *panel.export_buttons.values(),
                   panel.copy_torch_button, panel.copy_jax_button):  # fmt: skip
        assert _visible_in(panel, button), button.objectName()
    problems = [p for p in cut_off_texts(panel) if p.startswith("button")]
    assert problems == []


def test_tab_leaves_the_tables_after_a_run(qtbot, panel):
    """QA: Tab got trapped moving from cell to cell in tensorTable."""
    type_into(qtbot, panel, "layers", "8,6,3")
    run_and_wait(qtbot, panel)
    for table in (panel.tensor_table, panel.worst_table, panel.plan_table):
        assert not table.tabKeyNavigation()
    panel.worst_table.setFocus()
    qtbot.waitUntil(panel.worst_table.hasFocus)
    qtbot.keyClick(panel.worst_table, Qt.Key.Key_Tab)
    assert panel.export_buttons["json"].hasFocus()


def test_enter_on_a_worst_row_sweeps_it_like_double_click(qtbot, panel):
    type_into(qtbot, panel, "layers", "20,16,10")
    report = run_and_wait(qtbot, panel)
    panel.worst_table.setFocus()
    panel.worst_table.setCurrentCell(2, 0)
    qtbot.keyClick(panel.worst_table, Qt.Key.Key_Return)
    entry = report.worst[2]
    assert panel.context.explorer.calls[-1][1:3] == (entry.tensor, entry.index)


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_escape_cancels_a_running_check(qtbot, panel):
    type_into(qtbot, panel, "layers", LONG_LAYERS)
    assert panel.model.run()
    qtbot.wait(300)
    assert panel.model.is_busy()
    qtbot.keyClick(panel.fields["layers"], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not panel.model.is_busy(), timeout=1000)
    assert "cancelled" in panel.context.messages[-1]


def test_a_new_run_shows_the_heat_map_of_its_worst_tensor(qtbot, panel):
    type_into(qtbot, panel, "layers", "9,7,7,4")
    run_and_wait(qtbot, panel)
    panel.heat_tensor.setCurrentIndex(panel.heat_tensor.findText("b3"))
    choose(panel, "bug", "bias-not-summed")
    report = run_and_wait(qtbot, panel)
    assert report.worst_tensor != "b3"
    assert panel.heat_tensor.currentText() == report.worst_tensor


def test_projection_heat_map_is_numbered_one_to_k(qtbot, panel):
    type_into(qtbot, panel, "layers", "20,16,10")
    choose(panel, "mode", "projection")
    type_into(qtbot, panel, "directions", "6")
    run_and_wait(qtbot, panel)
    rect = panel.heat_image.mapRectToParent(panel.heat_image.boundingRect())
    assert (rect.left(), rect.right()) == (pytest.approx(0.5), pytest.approx(6.5))
    ticks = panel.heat_plot.getAxis("bottom")._tickLevels[0]
    assert [value for value, _ in ticks] == [1, 2, 3, 4, 5, 6]
    assert "direction" in panel.heat_plot.getAxis("bottom").labelText


def test_copy_as_code_uses_the_reports_dtype_not_the_edited_field(qtbot, panel):
    type_into(qtbot, panel, "layers", "8,6,3")
    choose(panel, "dtype", "float16")
    run_and_wait(qtbot, panel)
    choose(panel, "dtype", "float64")  # edited after the run
    code = panel.copy_code("torch")
    assert "dtype=torch.float16" in code
    assert "float16" in panel.copy_torch_button.toolTip()


def test_double_click_asks_the_explorer_model_for_the_rows_epsilon(qtbot, panel):
    type_into(qtbot, panel, "layers", "8,6,3")
    report = run_and_wait(qtbot, panel)
    panel.sweep_worst_row(1)
    assert panel.context.explorer.cursors == [report.worst[1].epsilon]
    assert "the cursor goes to this row's ε" in panel.context.messages[-1]


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_a_large_report_arrives_without_blocking_the_window(qtbot, panel):
    """QA: show_report stalled the GUI thread 105-139 ms when a 2M-parameter report replaced
    a 1M one (each setItem re-measured whole columns; the heat map took log10 of 1M cells)."""
    longest = []
    for _attempt in range(2):  # again only when the first read over the bound: the first
        # reports in a process pay their first imports and paints (run alone, a24aed3 read
        # 125, 101 and 60 ms; a stall of the code's making shows in both)
        ticks: list[float] = []
        heartbeat = QTimer()
        heartbeat.setInterval(10)
        heartbeat.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
        for layers in ("700,700,10", "700,700,700"):
            type_into(qtbot, panel, "layers", layers)
            heartbeat.start()
            run_and_wait(qtbot, panel, timeout=60_000)
            qtbot.wait(300)  # the report's paint and the freed arrays of the last one
            heartbeat.stop()
        longest.append(max(b - a for a, b in itertools.pairwise(ticks)))
        if longest[-1] < 0.1:
            break
    gaps = [min(longest)]
    shown = panel.model.result().tensors[panel.heat_tensor.currentIndex()]
    assert max(shown.heat_map.shape) <= 512  # downsampled in the worker
    load = os.getloadavg()[0]
    if load > 1.5 * (os.cpu_count() or 1) and max(gaps) >= 0.1:
        # the heartbeat measures this process's GUI thread; with several times more work
        # than cores running, the operating system's scheduling decides the gaps
        pytest.skip(f"machine overloaded (load average {load:.1f}): timing says nothing")
    assert max(gaps) < 0.1, f"GUI thread blocked for {max(gaps) * 1e3:.0f} ms"


def test_the_engine_choice_says_what_it_means_and_both_engines_agree(qtbot, panel):
    from fdgui.ui.netcheck.panel import ENGINE_NOTES

    type_into(qtbot, panel, "layers", "8,6,6,4")
    choose(panel, "bug", "no-activation-grad")
    assert panel.engine_note.text() == ENGINE_NOTES["exact"]
    exact = run_and_wait(qtbot, panel)
    choose(panel, "engine", "forward")
    assert panel.model.text("engine") == "forward"
    assert panel.engine_note.text() == ENGINE_NOTES["forward"] != ENGINE_NOTES["exact"]
    qtbot.waitUntil(lambda: panel.model.settings is not None, timeout=3000)
    forward = run_and_wait(qtbot, panel)
    assert (exact.engine, forward.engine) == ("exact", "forward")
    assert exact.verdict == forward.verdict == "fail"
    failing = {t.name for t in forward.tensors if t.failures}
    assert failing == {t.name for t in exact.tensors if t.failures}
    assert "forward engine" in panel.settings_label.text()
    assert panel.model.state()["texts"]["engine"] == "forward"


@pytest.mark.parametrize("size", [(1280, 800), (860, 600)])
def test_the_cost_of_every_mode_is_in_view_beside_run_without_scrolling(qtbot, panel, size):
    """At 1280×800 the cost table sat below the fold of the scrolling settings: what Run will
    cost has to be read where Run is pressed."""
    panel.resize(*size)
    qtbot.wait(100)
    qtbot.waitUntil(lambda: panel.plan_table.item(0, 1) is not None, timeout=20000)
    assert _visible_in(panel, panel.plan_table)
    assert _visible_in(panel, panel.run_button)


def test_the_cost_table_shows_every_row_without_scroll_bars_when_nothing_was_measured(qtbot, panel):
    """A probe that failed left "not measured" in the time column: the columns grew wider
    than the table, and a horizontal scroll bar hid the last row (review15w L3)."""

    def measured():
        item = panel.plan_table.item(0, 2)
        return item is not None and item.text().endswith(("ms", " s"))

    qtbot.waitUntil(measured, timeout=20000)
    panel.model.plan_error = "the probe failed"
    panel._on_plan(None)
    qtbot.wait(50)
    table = panel.plan_table
    assert table.item(2, 2).text() == "not measured"
    assert not table.horizontalScrollBar().isVisible()
    assert not table.verticalScrollBar().isVisible()
    bottom = table.visualItemRect(table.item(2, 0)).bottom()
    assert bottom <= table.viewport().height(), (bottom, table.viewport().height())
    width = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert width <= table.viewport().width() + 1
