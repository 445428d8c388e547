"""Ctrl+Z in a calculator field with nothing of its own to undo is the window's Undo
(review18c L1): after Ctrl+Shift+R (Reset) typed in a field, the field has no edit to undo
(Reset set its text), so its own Ctrl+Z did nothing and the Reset stayed, without a word. A
field with its own edits keeps its own Ctrl+Z."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

ROW = {
    "loss": "0.2955202066613396",
    "loss_plus": "0.29647539523115142",
    "loss_minus": "0.29456472257134569",
    "epsilon": "0.001",
    "backprop": "0.955336489125606",
}


def _type_row(panel, qtbot):
    for field, text in ROW.items():
        edit = panel.inputs[field]
        edit.setFocus()
        QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(edit, Qt.Key.Key_Delete)
        QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    qtbot.wait(50)


def test_ctrl_z_in_a_field_right_after_reset_restores_the_row(window, qtbot):
    window.open_panel("calculator")
    panel = window.panel("calculator")
    model = window.model("calculator")
    _type_row(panel, qtbot)
    typed = model.texts()
    assert typed["loss_plus"] == ROW["loss_plus"]
    field = panel.inputs["backprop"]
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    QTest.keyClick(
        field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: model.texts()["loss_plus"] != ROW["loss_plus"])
    assert not field.isUndoAvailable()
    QTest.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.texts() == typed)
    # and Ctrl+Shift+Z in the field redoes the Reset, the field having nothing to redo
    QTest.keyClick(
        field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: model.texts()["loss_plus"] != ROW["loss_plus"])


def test_a_field_with_its_own_edits_keeps_its_own_ctrl_z(window, qtbot):
    window.open_panel("calculator")
    panel = window.panel("calculator")
    model = window.model("calculator")
    _type_row(panel, qtbot)
    field = panel.inputs["backprop"]
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    field.end(False)
    QTest.keyClicks(field, "7")
    assert field.text() == ROW["backprop"] + "7"
    QTest.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # the field's own undo (Qt's: it takes back the typing in one step), not the window's,
    # which would have undone a whole field's edit elsewhere
    assert field.text() != ROW["backprop"] + "7"
    assert model.texts()["loss_plus"] == ROW["loss_plus"]
    assert model.texts()["epsilon"] == ROW["epsilon"]
