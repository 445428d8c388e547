"""The window remembers typed texts and measurements between runs (settings in tmp_path)."""

from PySide6.QtCore import QSettings

from fdgui.ui.main_window import MainWindow


def test_texts_and_history_survive_a_restart(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.calculator_model.set_inputs("0.12", "0.120008", "0.119992", "1e-5", "0.79")
    first.calculator_model.calculate()
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    assert second.calculator_model.text("loss_plus") == "0.120008"
    assert second.calculator.inputs["backprop"].text() == "0.79"
    rows = second.calculator_model.history_rows()
    assert [str(r.central) for r in rows] == ["0.8"]
    assert second.calculator.history_table.rowCount() == 1


def test_damaged_settings_leave_the_defaults(qtbot):
    settings = QSettings()
    settings.setValue("calculator/texts", "{not json")
    settings.setValue("calculator/history", "[1, 2, {}]")
    settings.sync()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.calculator_model.text("epsilon") == "0.0001"
    assert window.calculator_model.history_rows() == []


def test_headless_runs_ignore_the_saved_state(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.calculator_model.set_inputs("1", "2", "0", "1")
    first.close()
    fresh = MainWindow(remember=False)
    qtbot.addWidget(fresh)
    assert fresh.calculator_model.text("loss_plus") == "0.85005"


def test_a_saved_state_with_extreme_numbers_still_opens(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.calculator_model.set_inputs("", "1", "0", "1e-300")
    first.calculator_model.calculate()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.calculator.gradient_label.text() == "5e299"
