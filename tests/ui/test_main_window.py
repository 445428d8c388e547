"""The main window as the registry builds it: tabs, lazy panels, menus, help, state, links."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from fdgui.ui.main_window import MainWindow
from fdgui.ui.panels import PANELS


@pytest.fixture
def fresh(qtbot):
    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    return window


def test_tabs_follow_the_registry(fresh):
    keys = [info.key for info in PANELS]
    assert keys == ["calculator", "explorer", "netcheck"]
    assert fresh.panel_keys() == keys
    for index, info in enumerate(PANELS):
        assert fresh.tabs.tabText(index) == info.title
        assert fresh.tabs.tabToolTip(index) == info.tooltip
    titles = [action.text() for action in fresh.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Calculator", "&View", "&Help"]


def test_only_the_first_panel_is_built_at_start(fresh):
    assert fresh.panel("calculator") is not None
    assert fresh.panel("explorer") is None and fresh.panel("netcheck") is None
    explorer = fresh.open_panel("explorer")
    assert fresh.panel("explorer") is explorer and fresh.tabs.currentWidget() is explorer
    assert explorer.model is fresh.model("explorer")
    assert fresh.panel("netcheck") is None
    assert fresh.open_panel("explorer") is explorer  # built once


def test_startup_imports_no_other_panel():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from fdgui.ui.main_window import MainWindow\n"
        "window = MainWindow(remember=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('fdgui.ui.explorer.',"
        " 'fdgui.ui.netcheck.', 'fdgui.core.netcheck', 'fdgui.core.sweep'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_f1_opens_the_help_page_of_the_tab_in_front(fresh, qtbot, monkeypatch):
    pages: list[str] = []
    monkeypatch.setattr(
        "fdgui.ui.help.HelpDialog.show_page", lambda parent, page: pages.append(page)
    )
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.activateWindow()
    qtbot.waitUntil(fresh.isActiveWindow)
    for info in PANELS:
        fresh.open_panel(info.key)
        qtbot.keyClick(fresh.focusWidget() or fresh, Qt.Key.Key_F1)
    assert pages == [info.help_page for info in PANELS] == ["formulas", "explorer", "netcheck"]


def test_view_shortcuts_bring_each_panel_to_the_front(fresh, qtbot):
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.activateWindow()
    qtbot.waitUntil(fresh.isActiveWindow)
    actions = [a for a in fresh.view_menu.actions() if not a.isSeparator() and a.menu() is None]
    assert [a.shortcut().toString() for a in actions] == ["Alt+1", "Alt+2", "Alt+3"]
    assert [a.text() for a in actions] == [info.title for info in PANELS]
    for number in (3, 2, 1):
        key = Qt.Key(Qt.Key.Key_0 + number)
        qtbot.keyClick(fresh.focusWidget() or fresh, key, Qt.KeyboardModifier.AltModifier)
        assert fresh.tabs.currentIndex() == number - 1
    assert fresh.panel("netcheck") is not None  # Alt+3 built it


def test_a_panel_that_fails_to_build_shows_why_and_the_window_stays_up(fresh, monkeypatch):
    from fdgui.ui.panels import PanelInfo

    original = PanelInfo.create_panel

    def broken(info, context, model):
        if info.key == "netcheck":
            raise RuntimeError("simulated breakage")
        return original(info, context, model)

    monkeypatch.setattr(PanelInfo, "create_panel", broken)
    panel = fresh.open_panel("netcheck")
    assert panel.objectName() == "panelError"
    texts = " ".join(label.text() for label in panel.findChildren(QLabel))
    assert "RuntimeError: simulated breakage" in texts
    assert fresh.open_panel("calculator") is fresh.panel("calculator")


def test_every_panels_state_survives_a_restart(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.model("calculator").set_inputs("0.12", "0.120008", "0.119992", "1e-5", "0.79")
    first.model("calculator").calculate()
    explorer = first.open_panel("explorer").model
    explorer.set_texts({"expression": "exp(w)", "point": "1", "dtype": "float32"})
    explorer.sweep()
    explorer.set_cursor_epsilon(2e-3)
    netcheck = first.open_panel("netcheck").model
    netcheck.set_text("layers", "20,16,10")
    netcheck.set_text("mode", "sample")
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    assert second.model("calculator").text("loss_plus") == "0.120008"
    assert len(second.model("calculator").history_rows()) == 1
    restored = second.open_panel("explorer")
    assert restored.edits["expression"].text() == "exp(w)"
    assert restored.combos["dtype"].currentData() == "float32"
    qtbot.waitUntil(lambda: restored.model.result() is not None, timeout=5000)
    assert restored.model.result().dtype == "float32"
    assert restored.model.cursor_epsilon() == pytest.approx(2e-3)
    checked = second.open_panel("netcheck")
    assert checked.fields["layers"].text() == "20,16,10"
    assert checked.fields["mode"].currentData() == "sample"
    assert checked.fields["samples"].isEnabled()
    second.close()

    third = MainWindow()  # panels not opened in a run keep what the run before saved
    qtbot.addWidget(third)
    third.close()
    fourth = MainWindow()
    qtbot.addWidget(fourth)
    assert fourth.model("netcheck").text("layers") == "20,16,10"
    assert fourth.model("explorer").text("expression") == "exp(w)"


def test_the_network_check_sends_an_entry_to_the_explorer_through_its_model(fresh, qtbot):
    netcheck = fresh.open_panel("netcheck").model
    netcheck.set_text("layers", "8,6,3")
    netcheck.set_text("bug", "softmax-factor")
    with qtbot.waitSignal(netcheck.resultChanged, timeout=20_000) as blocker:
        assert netcheck.run()
    qtbot.waitUntil(lambda: not netcheck.is_busy(), timeout=20_000)
    entry = blocker.args[0].worst[0]
    assert netcheck.explore_worst_entry(0)
    explorer = fresh.model("explorer")
    assert fresh.tabs.currentWidget() is fresh.panel("explorer")
    qtbot.waitUntil(lambda: explorer.result() is not None, timeout=5000)
    result = explorer.result()
    assert result.kind == "network" and explorer.text("bug") == "softmax-factor"
    assert (explorer.text("tensor"), explorer.text("index")) == (entry.tensor, str(entry.index))
    assert explorer.cursor_epsilon() == pytest.approx(entry.epsilon)
    shown = fresh.panel("explorer").readout_labels["epsilon"].text()
    from fdgui.core.numbers.format import epsilon as epsilon_text

    assert shown == epsilon_text(entry.epsilon)  # the one ε format, 3 significant digits
    assert float(shown) == pytest.approx(entry.epsilon, rel=5e-3)


def test_state_is_autosaved_as_a_session_file_per_panel(qtbot):
    from fdgui.core.session import autosave_path, read_session

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_panel("netcheck").model.set_text("seed", "7")
    window.close()
    panels = read_session(autosave_path()).panels
    assert sorted(panels) == ["calculator", "netcheck"]  # the explorer was never made
    assert panels["netcheck"]["texts"]["seed"] == "7"
