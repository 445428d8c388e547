"""The ε explorer panel driven like a person would: type, choose, drag, read."""

import math
from decimal import Decimal

import numpy as np
import pytest
from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtWidgets import QScrollArea

from fdgui.core.models.mlp import NetworkSpec, default_spec
from fdgui.ui.explorer.panel import ExplorerPanel, create_panel
from tests.ui.conftest import cut_off_texts


class FakeRow:
    def __init__(self, epsilon, loss, plus, minus):
        self.epsilon, self.loss = Decimal(epsilon), Decimal(loss)
        self.loss_plus, self.loss_minus = Decimal(plus), Decimal(minus)


class FakeCalculator(QObject):
    historyChanged = Signal()

    def __init__(self):
        super().__init__()
        self.rows = []
        self.received = None

    def history_rows(self):
        return list(self.rows)

    def set_inputs(
        self,
        loss,
        loss_plus,
        loss_minus,
        epsilon,
        backprop=None,
        loss_roundoff=None,
        origin=None,
        steps=None,
    ):
        self.received = (loss, loss_plus, loss_minus, epsilon, backprop)
        self.origin = origin
        self.loss_roundoff = loss_roundoff
        self.steps = steps


class FakeContext:
    def __init__(self):
        self.calculator = FakeCalculator()
        self.opened = []
        self.messages = []

    def model(self, key):
        return {"calculator": self.calculator}[key]

    def open_panel(self, key):
        self.opened.append(key)

    def show_status(self, message):
        self.messages.append(message)


@pytest.fixture
def context():
    return FakeContext()


@pytest.fixture
def panel(qtbot, context):
    widget = create_panel(context)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.model.result() is not None, timeout=5000)  # deferred sweep
    return widget


def _type(qtbot, panel, field, text):
    edit = panel.edits[field]
    edit.selectAll()
    qtbot.keyClicks(edit, text) if text else edit.clear()
    if not text:
        panel.model.set_text(field, "")


def _choose(panel, field, data):
    combo = panel.combos[field]
    combo.setCurrentIndex(combo.findData(data))
    combo.activated.emit(combo.currentIndex())


def _wait_for_title(qtbot, panel, title):
    qtbot.waitUntil(lambda: panel.diagnosis_title.text() == title, timeout=5000)


def test_opens_with_a_sweep_drawn_and_a_diagnosis(panel):
    assert isinstance(panel, ExplorerPanel)
    assert panel.diagnosis_title.text() == "Gradient correct"
    x, y = panel.view.estimates["central"].getOriginalDataset()
    assert len(x) == 400 and np.isfinite(y).sum() > 300
    x, y = panel.view.errors["central"].getOriginalDataset()
    assert np.nanmin(y) < 1e-9  # the bottom of the V in float64
    assert "complex step" in panel.references_label.text()
    assert "Richardson" in panel.references_label.text() and "±" in panel.references_label.text()


def test_typing_an_expression_resweeps(qtbot, panel):
    _type(qtbot, panel, "expression", "exp(w)")
    _type(qtbot, panel, "point", "1")
    qtbot.waitUntil(lambda: "exp(w)" in panel.model.result().label, timeout=3000)
    reference = panel.model.result().reference.value
    assert reference == pytest.approx(math.e, rel=1e-15)


def test_syntax_error_is_shown_beside_the_field_and_the_text_is_kept(qtbot, panel):
    before = panel.model.result()
    _type(qtbot, panel, "expression", "sin(w")
    label = panel.error_labels["expression"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    assert "never closed" in label.text() and "column" in label.text()
    assert panel.edits["expression"].text() == "sin(w"
    assert panel.model.result() is before  # the last good sweep stays on screen


@pytest.mark.parametrize("text", ["__import__('os')", "().__class__", "[x for x in w]"])
def test_injection_is_refused_with_a_message(qtbot, panel, text):
    _type(qtbot, panel, "expression", text)
    label = panel.error_labels["expression"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    assert label.text()


def test_unknown_names_are_listed(qtbot, panel):
    _type(qtbot, panel, "expression", "foo(w) + bar")
    label = panel.error_labels["expression"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    assert "bar, foo" in label.text()


def test_inverted_range_is_refused_beside_the_field(qtbot, panel):
    _type(qtbot, panel, "min", "1e-2")
    _type(qtbot, panel, "max", "1e-5")
    label = panel.error_labels["max"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    assert "must exceed" in label.text()


def test_float32_marks_the_vanished_region_and_moves_the_best_epsilon(qtbot, panel):
    _type(qtbot, panel, "expression", "exp(w)")
    _type(qtbot, panel, "point", "1")
    _type(qtbot, panel, "min", "1e-16")  # a typed range stays as typed in every dtype
    _choose(panel, "dtype", "float32")
    qtbot.waitUntil(lambda: panel.model.result().dtype == "float32", timeout=3000)
    result = panel.model.result()
    assert result.epsilons[0] == pytest.approx(1e-16)
    assert result.central.best_epsilon > 1e-4
    assert panel.view.vanished[1].isVisible()
    _low, high = panel.view.vanished[1].getRegion()
    assert high == pytest.approx(math.log10(result.epsilons[result.vanished].max()))
    assert "float64 rule" in panel.diagnosis_text.text()


def test_cursor_readout_and_send_to_calculator(qtbot, panel, context):
    _type(qtbot, panel, "expression", "exp(w)")
    _type(qtbot, panel, "point", "1")
    qtbot.waitUntil(lambda: "exp(w)" in panel.model.result().label, timeout=3000)
    panel.view.cursors[1].setValue(math.log10(1e-3))  # drag the lower cursor
    assert panel.view.cursors[0].value() == pytest.approx(-3.0)
    assert panel.readout_labels["epsilon"].text() == "1e-3"  # ε in the one ε format
    expected = (math.exp(1.001) - math.exp(0.999)) / 2e-3
    from fdgui.core.numbers.format import display

    # at most 7 digits in the label, every digit on hover
    assert panel.readout_labels["central"].text().startswith(display(expected))
    assert f"{expected:.12g}"[:12] in panel.readout_labels["central"].toolTip()
    panel.send_button.click()
    loss, plus, minus, epsilon, backprop = context.calculator.received
    assert float(loss) == float(np.exp(np.float64(1.0)))
    assert float(plus) == math.exp(1.001) and float(minus) == math.exp(0.999)
    # readable digits that still reproduce the explorer's central difference exactly
    assert epsilon == "0.001"
    assert float((Decimal(plus) - Decimal(minus)) / (2 * Decimal(epsilon))) == float(
        panel.model.readout().estimates["central"]
    )
    assert float(backprop) == math.e
    assert context.opened == ["calculator"]


def test_hover_shows_a_crosshair_readout(panel):
    plot = panel.view.bottom
    scene_point = plot.getViewBox().mapViewToScene(QPointF(-6.0, -8.0))
    panel.view._mouse_moved((scene_point,))
    text = panel.hover_label.text()
    shown = float(text.split("ε ≈ ")[1].split(" ")[0])
    assert shown == pytest.approx(1e-6, rel=0.1)  # the nearest of the 400 grid points
    assert "central" in panel.hover_label.text()
    assert panel.view.cross[1][0].isVisible()


def test_network_parameter_from_the_netcheck_panel(qtbot, panel):
    panel.model.sweep_network_parameter(default_spec(), "W1", 5, "float64", "softmax-factor")
    _wait_for_title(qtbot, panel, "Gradient wrong")
    assert panel.source_combo.currentData() == "network"
    assert panel.combos["bug"].currentData() == "softmax-factor"
    assert panel.edits["index"].text() == "5"
    assert "complex step" in panel.diagnosis_text.text()


def test_relu_network_is_swept_and_bad_layer_text_is_refused(qtbot, panel):
    panel.model.sweep_network_parameter(NetworkSpec((8, 16, 4), "relu"), "W2", 3, "float64")
    qtbot.waitUntil(lambda: panel.model.result().kind == "network", timeout=5000)
    _type(qtbot, panel, "layers", "8,x")
    label = panel.error_labels["layers"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    assert "not a positive whole number" in label.text()


BIG_NETWORK = NetworkSpec((256, 512, 512, 10), batch_size=256)  # a sweep of about a second


def test_worker_sweep_reports_progress_and_can_be_cancelled(qtbot, panel):
    from fdgui.ui import worker

    model = panel.model
    fractions: list[float] = []
    model.progressed.connect(lambda fraction, _message: fractions.append(fraction))
    bar_values: list[int] = []
    panel.progress.valueChanged.connect(bar_values.append)
    model.set_texts({"points": "1500"})
    with qtbot.waitSignal(model.resultChanged, timeout=30_000):
        model.sweep_network_parameter(BIG_NETWORK, "W1", 0, "float32")
        assert model.is_busy() and panel.progress_row.isVisibleTo(panel)
    assert model.result().dtype == "float32" and model.result().epsilons.size == 1500
    # progress really arrived while it ran: increasing fractions in [0, 1], some in between
    assert all(0.0 <= f <= 1.0 for f in fractions) and fractions == sorted(fractions)
    assert len([f for f in fractions if 0.0 < f < 1.0]) >= 2, fractions
    assert fractions[-1] == 1.0 and 0 < max(bar_values) <= 100

    previous = model.result()
    arrived: list = []
    model.resultChanged.connect(arrived.append)
    fractions.clear()
    model.set_texts({"points": "3000"})
    model.sweep()
    job = model._job
    ends: list[str] = []
    job.returned.connect(lambda _value: ends.append("returned"))
    job.aborted.connect(lambda: ends.append("aborted"))
    assert model.is_busy() and panel.cancel_button.isVisibleTo(panel)
    qtbot.waitUntil(lambda: any(0.0 < f < 1.0 for f in fractions), timeout=10_000)
    panel.cancel_button.click()
    assert not model.is_busy() and not panel.progress_row.isVisibleTo(panel)
    # the worker really stops early (without the cancel this sweep would finish within a few
    # seconds and end "returned"), and nothing it did reaches the model or the screen
    qtbot.waitUntil(lambda: job.done and job not in worker._live_jobs, timeout=10_000)
    assert ends == ["aborted"] and arrived == []
    assert fractions[-1] < 1.0
    assert model.result() is previous  # cancelled: the last finished sweep stays


def test_measured_rows_follow_the_calculator_history(qtbot, panel, context):
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("measured"))
    panel.source_combo.activated.emit(panel.source_combo.currentIndex())
    label = panel.error_labels["rows"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    context.calculator.rows = [
        FakeRow("0.0001", "0.85", "0.85005", "0.84995"),
        FakeRow("0.001", "0.85", "0.8505001", "0.8495001"),
        FakeRow("0.01", "0.85", "0.855010", "0.845010"),
    ]
    context.calculator.historyChanged.emit()
    qtbot.waitUntil(lambda: panel.model.result().kind == "measured", timeout=3000)
    assert "3 rows" in panel.rows_label.text()
    x, _ = panel.view.estimates["central"].getOriginalDataset()
    assert list(x) == [1e-4, 1e-3, 1e-2]


@pytest.mark.parametrize("size", [(1280, 800), (900, 620)])
def test_nothing_is_cut_off(qtbot, panel, size, tmp_path):
    panel.resize(*size)
    qtbot.wait(50)
    assert cut_off_texts(panel) == []
    path = tmp_path / "explorer.png"
    assert panel.grab().save(str(path))
    assert path.stat().st_size > 10_000


def test_widgets_have_names_tooltips_and_buddies(panel):
    from PySide6.QtWidgets import QLabel

    for widget in [*panel.edits.values(), *panel.combos.values()]:
        assert widget.objectName() and widget.toolTip()
    buddies = {label.buddy() for label in panel.findChildren(QLabel) if label.buddy()}
    for widget in [*panel.edits.values(), *panel.combos.values()]:
        assert widget in buddies


def test_in_the_main_window_send_fills_the_real_calculator(qtbot, window):
    explorer = window.open_panel("explorer")
    assert isinstance(explorer, ExplorerPanel)
    qtbot.waitUntil(lambda: explorer.model.result() is not None, timeout=5000)
    explorer.view.cursors[0].setValue(math.log10(1e-4))
    explorer.send_button.click()
    assert window.tabs.currentWidget() is window.panel("calculator")
    texts = window.model("calculator").texts()
    readout = explorer.model.readout()
    assert float(texts["loss_plus"]) == readout.loss_plus
    assert float(texts["epsilon"]) == pytest.approx(1e-4)
    assert float(texts["backprop"]) == explorer.model.result().reference.value


def test_in_the_main_window_measured_rows_come_from_the_calculator(qtbot, window):
    model = window.model("calculator")
    for epsilon, plus, minus in (
        ("0.0001", "0.85005", "0.84995"),
        ("0.001", "0.8505001", "0.8495001"),
        ("0.01", "0.855010", "0.845010"),
    ):
        model.set_inputs("0.85", plus, minus, epsilon)
        model.calculate()
    explorer = window.open_panel("explorer")
    explorer.model.set_source("measured")
    explorer.model.sweep()
    assert explorer.model.result().kind == "measured"
    assert explorer.model.result().epsilons.size == 3


def test_a_big_network_sweeps_off_the_gui_thread_on_its_own(qtbot, panel):
    model = panel.model
    started = model.result()
    model.sweep_network_parameter(
        NetworkSpec((256, 512, 512, 10), batch_size=256), "W1", 0, "float64"
    )
    assert model.is_busy()  # returned at once: the work is in the worker
    assert panel.progress_row.isVisibleTo(panel)
    model.cancel()
    assert not model.is_busy() and model.result() is started


def test_clicking_a_plot_moves_the_cursor(qtbot, panel):
    from PySide6.QtCore import QPoint, Qt

    box = panel.view.bottom.getViewBox()
    scene_point = box.mapViewToScene(QPointF(-3.0, -8.0))
    view_point = panel.plots.mapFromScene(scene_point)
    qtbot.mouseClick(panel.plots.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(view_point))
    qtbot.waitUntil(lambda: abs(panel.view.cursors[0].value() + 3.0) < 0.05, timeout=2000)
    assert float(panel.readout_labels["epsilon"].text()) == pytest.approx(1e-3, rel=0.1)


def test_copy_summary_puts_the_cli_text_on_the_clipboard(panel):
    from PySide6.QtGui import QGuiApplication

    panel.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("ε sweep of") and "Gradient correct" in text
    assert "reference (complex step)" in text


# --- QA fixes ----------------------------------------------------------------------------------


def test_bad_input_marks_the_shown_result_out_of_date(qtbot, panel, context):
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=3000)
    assert panel.send_button.isEnabled() and not panel.stale_label.isVisible()
    _type(qtbot, panel, "expression", "sin(w")
    qtbot.waitUntil(panel.stale_label.isVisible, timeout=3000)
    assert "Out of date" in panel.stale_label.text() and "expression" in panel.stale_label.text()
    assert panel.stale_overlay.isVisible()
    assert not panel.send_button.isEnabled()
    assert panel.model.send_to_calculator(context) is False  # nothing old is sent
    assert context.calculator.received is None
    _type(qtbot, panel, "expression", "sin(w)")
    qtbot.waitUntil(lambda: not panel.stale_label.isVisible(), timeout=3000)
    assert panel.send_button.isEnabled() and not panel.stale_overlay.isVisible()


def test_a_failed_sweep_marks_the_result_out_of_date(qtbot, panel, monkeypatch):
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=3000)

    def broken(*_args, **_kwargs):
        raise RuntimeError("simulated failure")
        yield  # a generator, like the real job

    monkeypatch.setattr("fdgui.ui.explorer.model._sweep_job", broken)
    _type(qtbot, panel, "point", "0.5")
    qtbot.waitUntil(panel.stale_label.isVisible, timeout=3000)
    assert "failed" in panel.stale_label.text()
    assert "simulated failure" in panel.status_label.text()
    assert not panel.send_button.isEnabled()
    monkeypatch.undo()
    _type(qtbot, panel, "min", "x")  # a later field error replaces the failure's status text
    qtbot.waitUntil(lambda: "simulated" not in panel.status_label.text(), timeout=3000)


def test_huge_network_is_refused_beside_the_layers_field(qtbot, panel):
    panel.model.set_source("network")
    _type(qtbot, panel, "layers", "100000,100000,10")
    label = panel.error_labels["layers"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    assert "GB" in label.text()
    assert "MemoryError" not in panel.status_label.text()


def test_point_beyond_float16_is_refused_beside_the_point_field(qtbot, panel):
    _type(qtbot, panel, "expression", "exp(w)")
    _type(qtbot, panel, "point", "1e10")
    _choose(panel, "dtype", "float16")
    label = panel.error_labels["point"]
    qtbot.waitUntil(label.isVisible, timeout=3000)
    assert "65504" in label.text()


def test_bfloat16_at_zero_sweeps(qtbot, panel):
    _type(qtbot, panel, "expression", "w")
    _type(qtbot, panel, "point", "0")
    _choose(panel, "dtype", "bfloat16")
    qtbot.waitUntil(lambda: panel.model.result().dtype == "bfloat16", timeout=3000)
    assert not panel.stale_label.isVisible()


def test_keyboard_moves_the_cursor(qtbot, panel):
    from PySide6.QtCore import Qt

    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=3000)
    epsilons = panel.model.result().epsilons
    recommended = panel.model.diagnosis().recommended["central"]
    panel.plots.setFocus()
    start = panel.model.cursor_epsilon()
    qtbot.keyClick(panel.plots, Qt.Key.Key_Right)
    index = int(np.argmin(np.abs(np.log(epsilons) - np.log(start))))
    assert panel.model.cursor_epsilon() == pytest.approx(epsilons[index + 1], rel=1e-12)
    qtbot.keyClick(panel.plots, Qt.Key.Key_Left)
    qtbot.keyClick(panel.plots, Qt.Key.Key_Left)
    assert panel.model.cursor_epsilon() == pytest.approx(epsilons[index - 1], rel=1e-12)
    before = panel.model.cursor_epsilon()
    qtbot.keyClick(panel.plots, Qt.Key.Key_PageDown)
    assert panel.model.cursor_epsilon() == pytest.approx(before / 10, rel=1e-12)
    qtbot.keyClick(panel.plots, Qt.Key.Key_Home)
    assert panel.model.cursor_epsilon() == pytest.approx(recommended, rel=1e-12)
    assert panel.view.cursors[0].value() == pytest.approx(math.log10(recommended))
    # and by typing an ε
    panel.cursor_edit.setText("1e-3")
    qtbot.keyClick(panel.cursor_edit, Qt.Key.Key_Return)
    assert panel.model.cursor_epsilon() == pytest.approx(1e-3)
    panel.cursor_edit.setText("5")
    qtbot.keyClick(panel.cursor_edit, Qt.Key.Key_Return)
    assert panel.cursor_error.isVisible() and "between" in panel.cursor_error.text()


def test_mnemonics_clash_with_nothing_in_the_window(qtbot, panel):
    from PySide6.QtWidgets import QLabel

    reserved = set("FCVH") | set("LPMEB")  # menus, then the calculator's fields
    for source in ("expression", "network", "measured"):
        panel.model.set_source(source)
        qtbot.wait(20)
        letters = []
        for label in panel.findChildren(QLabel):
            text = label.text()
            if label.isVisibleTo(panel) and "&" in text and "<" not in text:
                letters.append(text[text.index("&") + 1].upper())
        assert len(letters) == len(set(letters)), (source, letters)
        assert not reserved & set(letters), (source, letters)


def test_copy_summary_confirms_in_the_status_bar(qtbot, panel, context):
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=3000)
    panel.copy_button.click()
    assert context.messages and "Copied" in context.messages[-1]


def test_colours_match_the_calculator_plot(qtbot):
    from PySide6.QtGui import QColor

    from fdgui.ui.calculator.plots import HistoryPlot
    from fdgui.ui.plotting import SCHEME_COLOURS as COLOURS

    plot = HistoryPlot()
    qtbot.addWidget(plot.widget)
    for scheme in ("central", "forward", "backward"):
        brush = getattr(plot, scheme).opts["symbolBrush"]
        assert QColor(brush).name() == QColor(COLOURS[scheme]).name(), scheme


def test_log_axes_have_no_si_prefix_and_few_labels(qtbot, panel):
    _type(qtbot, panel, "min", "1e-3")
    qtbot.waitUntil(lambda: panel.model.result().epsilons[0] == pytest.approx(1e-3), timeout=3000)
    qtbot.wait(50)
    axis = panel.view.bottom.getAxis("bottom")
    assert "x0.001" not in axis.labelString() and "(x" not in axis.labelString()
    ticks = axis.tickValues(-3.0, 0.0, 400)
    labelled = [value for _, values in ticks for value in values]
    assert len(labelled) <= 12  # 1, 2, 5 per decade at most: no colliding minor labels


def test_the_first_sweep_runs_after_the_panel_is_shown(qtbot, context):
    widget = create_panel(context)
    qtbot.addWidget(widget)
    assert widget.model.result() is None  # construction did not sweep on the GUI thread
    widget.show()
    qtbot.waitUntil(lambda: widget.model.result() is not None, timeout=3000)


def test_recommended_epsilon_stays_visible_on_a_small_window(qtbot, panel):
    from PySide6.QtWidgets import QScrollArea

    _type(qtbot, panel, "expression", "exp(w)")
    _choose(panel, "dtype", "float16")
    panel.resize(860, 600)
    qtbot.wait(100)
    label = panel.recommended_label
    assert label.isVisible() and label.visibleRegion().boundingRect().height() >= label.height() - 1
    # wrapped onto two lines, it still sits below the explanation instead of over it
    scroll = panel.findChild(QScrollArea, "diagnosisScroll")
    assert label.geometry().top() >= scroll.geometry().bottom()
    assert label.height() >= label.heightForWidth(label.width())


def test_plots_keep_a_usable_height_on_a_wide_short_window(qtbot, panel):
    panel.resize(1600, 600)
    qtbot.wait(100)
    assert panel.plots.height() >= 300


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_calculator_reproduces_the_explorer_estimate_exactly(qtbot, window, dtype):
    explorer = window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.model.result() is not None, timeout=5000)
    explorer.model.set_texts({"expression": "exp(w)", "point": "1", "dtype": dtype})
    explorer.model.sweep()
    qtbot.waitUntil(lambda: explorer.model.result().dtype == dtype, timeout=5000)
    explorer.model.set_cursor_epsilon(3.7e-4)
    readout = explorer.model.readout()
    explorer.send_button.click()
    estimate = window.model("calculator").calculate()
    assert estimate is not None
    central = float(estimate.central)
    # the explorer's cursor divides by ε, the calculator by the steps w ± ε really took in the
    # dtype (issue 10): the same losses, the same quotient up to that ratio
    steps = estimate.inputs.steps
    assert steps is not None and steps != (Decimal.from_float(3.7e-4),) * 2
    nominal = readout.estimates["central"] * (2 * 3.7e-4) / float(steps[0] + steps[1])
    assert central == pytest.approx(nominal, rel=1e-15, abs=0)


def test_network_layer_sizes_are_parsed_strictly(qtbot):
    from fdgui.ui.explorer.model import ExplorerModel

    model = ExplorerModel()
    errors = []
    model.inputErrorChanged.connect(lambda field, message: errors.append((field, message)))
    model.set_source("network")
    model.set_text("layers", "20,,10")
    qtbot.waitUntil(lambda: any(f == "layers" and m for f, m in errors), timeout=3000)
    assert "empty" in [m for f, m in errors if f == "layers" and m][-1]


def test_recommended_line_keeps_its_wrapped_height_after_a_sweep(qtbot):
    from fdgui.ui.main_window import MainWindow

    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    window.resize(860, 600)
    window.show()
    panel = window.open_panel("explorer")
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    label = panel.recommended_label
    assert label.text().startswith("Recommended ε")
    scroll = panel.findChild(QScrollArea, "diagnosisScroll")

    def laid_out() -> None:  # once the layout has run (later on a loaded machine)
        assert label.height() >= label.heightForWidth(label.width())
        assert scroll.geometry().bottom() < label.geometry().top()  # no overlap

    qtbot.waitUntil(laid_out, timeout=5000)


def test_tensor_list_shows_the_shapes_of_the_network_being_swept(qtbot):
    from fdgui.core.models.mlp import NetworkSpec
    from fdgui.ui.main_window import MainWindow

    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    panel = window.open_panel("explorer")
    panel.model.sweep_network_parameter(NetworkSpec((20, 16, 10)), "W1", 1, "float64")
    combo = panel.combos["tensor"]
    assert combo.currentText().startswith("W1") and "16×20" in combo.currentText()
