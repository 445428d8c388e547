"""The panel keys work with focus on the main tab bar, where it rests at start and after
switching tabs by keyboard (review11p L3: Ctrl+Return did nothing there), and only for the
panel in front."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_ctrl_return_from_the_tab_bar_runs_the_panel_in_front(qtbot, window):
    calculator = window.model("calculator")
    window.open_panel("calculator")
    bar = window.tabs.tabBar()
    bar.setFocus()
    qtbot.waitUntil(bar.hasFocus, timeout=2000)
    qtbot.keyClick(bar, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(calculator.history_rows()) == 1  # calculated, once: no other panel answered
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "6,5,3")
    bar.setFocus()
    qtbot.waitUntil(bar.hasFocus, timeout=2000)
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        qtbot.keyClick(bar, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not netcheck.model.is_busy(), timeout=20_000)
    assert len(calculator.history_rows()) == 1  # the calculator, behind, did not run
