"""The calculator driven as a person would: typing, keys, buttons, clipboard."""

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView

from tests.ui.conftest import cut_off_texts

FIELD_NAMES = ("lossInput", "lossPlusInput", "lossMinusInput", "epsilonInput", "backpropInput")


def find(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def retype(qtbot, edit: QLineEdit, text: str) -> None:
    """Select all, delete, type; characters QTest cannot type (− –) are pasted, as people do."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        QGuiApplication.clipboard().setText(text)
        qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == text


def gradient_text(window) -> str:
    return find(window, QLabel, "gradientValue").text()


def test_every_named_widget_exists(window):
    names = (
        *FIELD_NAMES,
        "calculateButton",
        "resetButton",
        "copyButton",
        "gradientValue",
        "differenceValue",
        "denominatorValue",
        "forwardValue",
        "backwardValue",
        "curvatureValue",
        "relativeErrorValue",
        "verdictLabel",
        "historyTable",
        "gradientPlot",
    )
    for name in names:
        assert window.findChild(object, name) is not None, name


def test_defaults_show_seed_example_exactly(window):
    assert "finite-difference" in window.windowTitle().lower()
    assert gradient_text(window) == "0.5"
    assert find(window, QLabel, "differenceValue").text() == "0.0001"
    assert find(window, QLabel, "denominatorValue").text() == "0.0002"
    # L = 0.85 has two decimals: the one-sided differences are only known to ±50
    assert find(window, QLabel, "forwardValue").text() == "0.5 ± 50"
    assert "0.5 ± 0.05" in find(window, QLabel, "cancellationValue").text()


def test_inputs_have_buddies_and_tooltips(window):
    for name in FIELD_NAMES:
        edit = find(window, QLineEdit, name)
        assert edit.toolTip()
        buddies = [label for label in window.findChildren(QLabel) if label.buddy() is edit]
        assert buddies, f"{name} has no label buddy"


def test_typing_updates_live_after_a_pause(window, qtbot):
    retype(qtbot, find(window, QLineEdit, "lossPlusInput"), "0.120008")
    retype(qtbot, find(window, QLineEdit, "lossMinusInput"), "0.119992")
    retype(qtbot, find(window, QLineEdit, "epsilonInput"), "1e-5")
    qtbot.waitUntil(lambda: gradient_text(window) == "0.8", timeout=2000)
    assert find(window, QTableView, "historyTable").model().rowCount() == 0  # typing adds no rows


def test_enter_calculates_and_adds_a_history_row(window, qtbot):
    edit = find(window, QLineEdit, "epsilonInput")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert find(window, QTableView, "historyTable").model().rowCount() == 1


def test_ctrl_return_and_button_calculate(window, qtbot):
    qtbot.keyClick(
        find(window, QLineEdit, "lossInput"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    table = find(window, QTableView, "historyTable")
    assert table.model().rowCount() == 1
    retype(qtbot, find(window, QLineEdit, "epsilonInput"), "0.001")
    qtbot.mouseClick(find(window, QPushButton, "calculateButton"), Qt.MouseButton.LeftButton)
    assert table.model().rowCount() == 2
    assert table.model().index(1, 0).data() == "1e-3"  # the one ε format


def test_backprop_gives_relative_error_and_verdict(window, qtbot):
    retype(qtbot, find(window, QLineEdit, "backpropInput"), "0.2")
    qtbot.keyClick(find(window, QLineEdit, "backpropInput"), Qt.Key.Key_Return)
    assert find(window, QLabel, "relativeErrorValue").text() == "0.6"
    # the example's L = 0.85 stands for ± 0.005: the one-sided differences ± 50 leave room
    # for a kink inside the step (rev21c C1); typed to the last place of L±, it refutes 0.2
    assert find(window, QLabel, "verdictLabel").text().startswith("Too coarse to judge")
    retype(qtbot, find(window, QLineEdit, "lossInput"), "0.85000")
    qtbot.keyClick(find(window, QLineEdit, "lossInput"), Qt.Key.Key_Return)
    assert find(window, QLabel, "verdictLabel").text() == "Wrong"
    retype(qtbot, find(window, QLineEdit, "backpropInput"), "0.5")
    qtbot.keyClick(find(window, QLineEdit, "backpropInput"), Qt.Key.Key_Return)
    # equal, but five typed digits cannot show seven matching ones
    assert find(window, QLabel, "verdictLabel").text() == "Consistent within the typed digits"
    window.model("calculator").set_inputs(
        "0.85", "0.85005000000000000", "0.84995000000000000", "0.0001", "0.5"
    )
    assert find(window, QLabel, "verdictLabel").text() == "Correct"
    window.model("calculator").reset()
    retype(qtbot, find(window, QLineEdit, "backpropInput"), "0.4998")
    qtbot.keyClick(find(window, QLineEdit, "backpropInput"), Qt.Key.Key_Return)
    assert find(window, QLabel, "verdictLabel").text().startswith("Too coarse to judge")
    assert "Suspicious" in find(window, QLabel, "verdictText").text()


def test_reset_restores_defaults_but_keeps_history(window, qtbot):
    qtbot.keyClick(find(window, QLineEdit, "lossInput"), Qt.Key.Key_Return)
    retype(qtbot, find(window, QLineEdit, "lossPlusInput"), "1.5")
    retype(qtbot, find(window, QLineEdit, "epsilonInput"), "abc")
    qtbot.keyClick(
        find(window, QLineEdit, "lossInput"),
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert find(window, QLineEdit, "lossPlusInput").text() == "0.85005"
    assert find(window, QLineEdit, "epsilonInput").text() == "0.0001"
    assert not find(window, QLabel, "epsilonError").isVisible()
    assert gradient_text(window) == "0.5"
    assert find(window, QTableView, "historyTable").model().rowCount() == 1


def test_copy_puts_the_full_report_on_the_clipboard(window, qtbot):
    retype(qtbot, find(window, QLineEdit, "backpropInput"), "0.4998")
    qtbot.mouseClick(find(window, QPushButton, "copyButton"), Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    for expected in (
        "0.85005",
        "0.84995",
        "0.4998",
        "0.5 ± 0.05",
        "(L+ − L−) / (2ε)",
        "relative error",
    ):
        assert expected in text
    assert "copied" in window.statusBar().currentMessage()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(
        find(window, QLineEdit, "lossInput"),
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert "0.85005" in QGuiApplication.clipboard().text()


BAD_INPUTS = [
    ("epsilonInput", "epsilonError", "", "enter a number"),
    ("epsilonInput", "epsilonError", "abc", "not a number"),
    ("epsilonInput", "epsilonError", "nan", "NaN"),
    ("epsilonInput", "epsilonError", "inf", "infinity"),
    ("epsilonInput", "epsilonError", "1e999", "too large"),
    ("epsilonInput", "epsilonError", "0", "greater than zero"),
    ("epsilonInput", "epsilonError", "-1e-4", "greater than zero"),
    ("lossPlusInput", "lossPlusError", "0.8.5", "not a number"),
    ("lossMinusInput", "lossMinusError", "", "enter a number"),
    ("lossInput", "lossError", "x", "not a number"),
    ("backpropInput", "backpropError", "1e999", "too large"),
]


def test_each_bad_input_shows_a_message_beside_its_field(window, qtbot):
    for input_name, error_name, text, fragment in BAD_INPUTS:
        edit = find(window, QLineEdit, input_name)
        retype(qtbot, edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        error = find(window, QLabel, error_name)
        assert error.isVisible() and fragment in error.text(), (input_name, text, error.text())
        assert edit.text() == text  # nothing typed is lost
        assert gradient_text(window) == "0.5"  # the last good result stays, marked stale
        stale = find(window, QLabel, "staleLabel")
        assert stale.isVisible() and "Out of date" in stale.text()
        assert find(window, QTableView, "historyTable").model().rowCount() == 0
        window.model("calculator").reset()
        assert not error.isVisible()


def test_accepted_spellings_compute(window, qtbot):
    for text in (" 1e-4 ", "1E-4", "+0.0001"):
        retype(qtbot, find(window, QLineEdit, "epsilonInput"), text)
        qtbot.keyClick(find(window, QLineEdit, "epsilonInput"), Qt.Key.Key_Return)
        assert gradient_text(window) == "0.5"
    retype(qtbot, find(window, QLineEdit, "lossPlusInput"), "\u22120.84995")
    retype(qtbot, find(window, QLineEdit, "lossMinusInput"), "\u20130.85005")
    qtbot.keyClick(find(window, QLineEdit, "lossMinusInput"), Qt.Key.Key_Return)
    assert gradient_text(window) == "0.5"


def test_equal_losses_give_zero_with_a_cancellation_note(window, qtbot):
    retype(qtbot, find(window, QLineEdit, "lossMinusInput"), "0.85005")
    qtbot.keyClick(find(window, QLineEdit, "lossMinusInput"), Qt.Key.Key_Return)
    assert gradient_text(window) == "0"
    assert "every typed digit" in find(window, QLabel, "cancellationValue").text()


def test_without_loss_one_sided_results_say_so(window, qtbot):
    retype(qtbot, find(window, QLineEdit, "lossInput"), "")
    qtbot.keyClick(find(window, QLineEdit, "lossInput"), Qt.Key.Key_Return)
    assert gradient_text(window) == "0.5"
    assert find(window, QLabel, "forwardValue").text() == "needs L"
    assert find(window, QLabel, "curvatureValue").text() == "needs L"


def test_history_rows_draw_the_curve_and_can_be_deleted(window, qtbot):
    edit = find(window, QLineEdit, "epsilonInput")
    model = window.model("calculator")
    # losses of L(w) = w³ at w = 1 for four steps
    for eps in ("1e-2", "1e-4", "1e-6", "1e-8"):
        e = float(eps)
        model.set_inputs("1", repr((1 + e) ** 3), repr((1 - e) ** 3), eps)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    table = find(window, QTableView, "historyTable")
    assert table.model().rowCount() == 4
    plot = window.panel("calculator").plot
    plot.redraw()  # the plot redraws on the next turn of the event loop
    xs, ys = plot.central.getOriginalDataset()
    assert sorted(xs) == [1e-8, 1e-6, 1e-4, 1e-2]
    assert all(abs(y - 3) < 1e-3 for y in ys)
    table.selectRow(0)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert table.model().rowCount() == 3
    qtbot.mouseClick(find(window, QPushButton, "clearHistoryButton"), Qt.MouseButton.LeftButton)
    assert table.model().rowCount() == 0
    plot.redraw()
    assert len(plot.central.getOriginalDataset()[0] or []) == 0


def test_backprop_line_on_plot(window, qtbot):
    retype(qtbot, find(window, QLineEdit, "backpropInput"), "0.4998")
    qtbot.keyClick(find(window, QLineEdit, "backpropInput"), Qt.Key.Key_Return)
    line = window.panel("calculator").plot.backprop
    assert line.isVisible() and abs(line.value() - 0.4998) < 1e-12


def test_tab_order_follows_the_form(window, qtbot):
    first = find(window, QLineEdit, "lossInput")
    first.setFocus()
    order = [QLineEdit, QLineEdit, QLineEdit, QLineEdit]
    names = []
    for _ in order:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        names.append(window.focusWidget().objectName())
    assert names == ["lossPlusInput", "lossMinusInput", "epsilonInput", "backpropInput"]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert window.focusWidget().objectName() == "calculateButton"


def test_shortcuts_are_shown_in_tooltips_and_menus(window):
    assert "Ctrl+Return" in find(window, QPushButton, "calculateButton").toolTip()
    assert "Ctrl+Shift+R" in find(window, QPushButton, "resetButton").toolTip()
    assert "Ctrl+Shift+C" in find(window, QPushButton, "copyButton").toolTip()
    menu_actions = [a for menu in window.menuBar().actions() for a in menu.menu().actions()]
    shortcuts = {a.text(): a.shortcut().toString() for a in menu_actions}
    assert shortcuts["&Calculate"] == "Ctrl+Return"
    assert shortcuts["&Copy Results"] == "Ctrl+Shift+C"


def test_no_text_cut_off_at_1280x800_and_at_minimum_size(window, qtbot):
    window.model("calculator").set_inputs("0.85", "0.85005", "0.84995", "0.0001", "0.4998")
    window.model("calculator").set_text("epsilon", "not a number at all")
    window.model("calculator").recompute()
    qtbot.wait(50)
    assert cut_off_texts(window) == []
    window.resize(window.minimumSize())
    qtbot.wait(50)
    assert window.width() <= 900
    assert cut_off_texts(window) == []


def test_help_and_about(window, qtbot, monkeypatch):
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)
    from fdgui.ui.help import HelpDialog

    dialog = HelpDialog._open["formulas"]
    assert "Central difference" in dialog.browser.toPlainText()
    dialog.close()
    window.help_actions["faq"].trigger()
    assert "ReLU" in HelpDialog._open["faq"].browser.toPlainText()
    HelpDialog._open["faq"].close()
    for page, phrase in (("explorer", "Complex step"), ("netcheck", "Projections")):
        window.help_actions[page].trigger()
        assert phrase in HelpDialog._open[page].browser.toPlainText()
        HelpDialog._open[page].close()
    shown = []
    monkeypatch.setattr(
        "fdgui.ui.help.QMessageBox.about", lambda parent, title, text: shown.append(text)
    )
    window.help_actions["about"].trigger()
    from fdgui import __version__

    assert __version__ in shown[0]


def test_machine_has_fonts():
    assert len(QFontDatabase.families()) > 3, "no fonts: every glyph would draw as an empty box"


def test_alt_mnemonics_jump_to_each_field(window, qtbot):
    alt = Qt.KeyboardModifier.AltModifier
    for key, name in (
        (Qt.Key.Key_P, "lossPlusInput"),
        (Qt.Key.Key_M, "lossMinusInput"),
        (Qt.Key.Key_E, "epsilonInput"),
        (Qt.Key.Key_B, "backpropInput"),
        (Qt.Key.Key_L, "lossInput"),
    ):
        qtbot.keyClick(window.focusWidget() or window, key, alt)
        assert window.focusWidget().objectName() == name


def test_an_unexpected_error_shows_a_dialog_and_the_window_stays_up(window, qtbot, monkeypatch):
    from fdgui.ui.errors import ExceptionReporter

    shown = []
    monkeypatch.setattr(
        "fdgui.ui.errors.QMessageBox.exec", lambda box: shown.append(box.detailedText())
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        ExceptionReporter.hook(type(error), error, error.__traceback__)
    assert shown and "RuntimeError: boom" in shown[0]
    assert window.isVisible()
    assert gradient_text(window) == "0.5"


def test_paste_a_table_of_measurements(window, qtbot):
    QGuiApplication.clipboard().setText(
        "eps\tL+\tL-\n1e-2\t1.030301\t0.970299\n1e-4\t1.00030003\t0.99970003\nbad\t1\t2\n"
    )
    table = find(window, QTableView, "historyTable")
    table.setFocus()
    qtbot.keyClick(
        table,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert table.model().rowCount() == 2
    assert table.model().index(0, 3).data() == "3.0001"
    message = find(window, QLabel, "historyMessage")
    assert message.isVisible() and "line 4" in message.text()
    assert "Added 2 measurement rows" in window.statusBar().currentMessage()
    window.panel("calculator").plot.redraw()
    xs, _ = window.panel("calculator").plot.central.getOriginalDataset()
    assert sorted(xs) == [1e-4, 1e-2]


def test_huge_results_show_instead_of_crashing(window, qtbot):
    retype(qtbot, find(window, QLineEdit, "lossMinusInput"), "0")
    retype(qtbot, find(window, QLineEdit, "epsilonInput"), "1e-70")
    qtbot.keyClick(find(window, QLineEdit, "epsilonInput"), Qt.Key.Key_Return)
    assert gradient_text(window) == "4.25025e69"
    assert not find(window, QLabel, "staleLabel").isVisible()


def test_calculator_shortcuts_stay_in_the_calculator_tab(window, qtbot):
    from fdgui.ui.panels import available_panels

    others = [info.key for info in available_panels() if info.key != "calculator"]
    assert others, "the explorer and network-check panels ship with the app"
    retype(qtbot, find(window, QLineEdit, "lossPlusInput"), "0.9")
    panel = window.open_panel(others[0])
    target = panel.findChild(QLineEdit) or panel
    target.setFocus()
    shift = Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(target, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | shift)
    qtbot.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.model("calculator").text("loss_plus") == "0.9"  # not reset
    assert window.model("calculator").history_rows() == []  # no row added


def test_log_axis_ticks_never_crowd_or_vanish():
    from fdgui.ui.plotting import log_tick_levels

    # 16 decades over 560 px at 70 px a label: labels at least 70 px apart, 1 among them
    levels = log_tick_levels(-16.0, 0.0, size=560, spacing=70)
    majors = levels[0][1]
    assert len(levels) == 1 and 0.0 in majors  # no 2× / 5× labels when decades are narrow
    gap_px = 560 * (majors[1] - majors[0]) / 16
    assert 2 <= len(majors) <= 9 and gap_px >= 70
    # 4e-3 … 1e-2, less than a decade: 1e-2 and 5e-3 are labelled, never a blank axis
    levels = log_tick_levels(-2.4, -2.0, size=560, spacing=70)
    labelled = sorted(value for _, values in levels for value in values)
    assert labelled == pytest.approx([math.log10(5e-3), -2.0])
    # a degenerate range gives no more than one label
    assert sum(len(values) for _, values in log_tick_levels(1.0, 1.0, 560, 70)) <= 1


def test_the_calculator_plot_uses_the_apps_log_axis(window):
    from fdgui.ui.plotting import LogAxis

    axis = window.panel("calculator").plot.widget.getPlotItem().getAxis("bottom")
    assert isinstance(axis, LogAxis) and not axis.autoSIPrefix
