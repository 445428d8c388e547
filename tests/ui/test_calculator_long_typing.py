"""A calculator field holds at most FIELD_CHARACTERS characters (review18c L2): typing 6,000
characters key by key took 90 s, each key costing Qt's layout of the whole text, for a text
refused anyway beyond 200 characters. Past the cap a key is ignored, a longer paste is cut to
it and refused with the same words ("too long … enter a plain number"): nothing is judged."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fdgui.ui.calculator.panel import FIELD_CHARACTERS


def test_a_field_stops_at_its_cap_and_a_long_paste_is_refused_in_words(window, qtbot):
    window.open_panel("calculator")
    panel = window.panel("calculator")
    model = window.model("calculator")
    field = panel.inputs["loss_plus"]
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    assert field.maxLength() == FIELD_CHARACTERS and FIELD_CHARACTERS >= 1000
    QApplication.clipboard().setText("7" * 6000)
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(field.text()) == FIELD_CHARACTERS
    start = time.perf_counter()
    QTest.keyClicks(field, "7" * 200)  # past the cap: ignored
    assert len(field.text()) == FIELD_CHARACTERS
    assert time.perf_counter() - start < 20
    model.recompute()
    qtbot.waitUntil(lambda: "too long" in panel.error_labels["loss_plus"].text())
    assert "enter a plain number" in panel.error_labels["loss_plus"].text()
