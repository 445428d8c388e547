"""The window remembers typed texts and measurements between runs (settings in tmp_path)."""

from PySide6.QtCore import QSettings

from fdgui.ui.main_window import MainWindow


def test_texts_and_history_survive_a_restart(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.model("calculator").set_inputs("0.12", "0.120008", "0.119992", "1e-5", "0.79")
    first.model("calculator").calculate()
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    assert second.model("calculator").text("loss_plus") == "0.120008"
    assert second.panel("calculator").inputs["backprop"].text() == "0.79"
    rows = second.model("calculator").history_rows()
    assert [str(r.central) for r in rows] == ["0.8"]
    assert second.panel("calculator").history_table.model().rowCount() == 1


def test_damaged_settings_leave_the_defaults(qtbot):
    settings = QSettings()
    settings.setValue("calculator/texts", "{not json")
    settings.setValue("calculator/history", "[1, 2, {}]")
    settings.sync()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.model("calculator").text("epsilon") == "0.0001"
    assert window.model("calculator").history_rows() == []


def test_headless_runs_ignore_the_saved_state(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.model("calculator").set_inputs("1", "2", "0", "1")
    first.close()
    fresh = MainWindow(remember=False)
    qtbot.addWidget(fresh)
    assert fresh.model("calculator").text("loss_plus") == "0.85005"


def test_a_saved_state_with_extreme_numbers_still_opens(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.model("calculator").set_inputs("", "1", "0", "1e-300")
    first.model("calculator").calculate()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.panel("calculator").gradient_label.text() == "5e299"


def test_a_damaged_panel_state_restores_the_rest_and_names_what_it_skipped(qtbot, capsys):
    settings = QSettings()
    settings.setValue(
        "panels/explorer",
        '{"source": 5, "texts": {"point": "2", "dtype": "float128"}, "cursor_epsilon": 1e-3}',
    )
    settings.setValue("panels/netcheck", "{not json")
    settings.setValue("panels/calculator", '{"texts": {"epsilon": "0.5"}, "history": [{}, "x"]}')
    settings.sync()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.model("calculator").text("epsilon") == "0.5"
    assert window.model("calculator").text("loss_plus") == "0.85005"  # not in the state
    assert window.model("calculator").history_rows() == []
    explorer = window.model("explorer")
    assert explorer.text("point") == "2" and explorer.text("dtype") == "float64"
    assert explorer.source() == "expression"
    assert window.model("netcheck").text("layers") == "64,128,10"  # the defaults
    window.open_panel("netcheck")  # and the panels open
    window.open_panel("explorer")
    said = capsys.readouterr().err
    assert "netcheck panel is not readable" in said
    assert "history[0], history[1]" in said
    assert "texts.dtype, source of the explorer panel" in said
