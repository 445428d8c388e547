"""A row sent from the ε explorer keeps what came with it while its fields hold the sent text
(review15c H1): typing one character into ε or L+ and deleting it dropped the explorer's
reference (and, for L+, the losses' format), and the same numbers went from "Too coarse to
judge at this ε" to "Wrong" with nothing said. A real edit drops them and the verdict's words
say so."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from tests.ui.test_calculator import find

# 1000·(atan(w) − atan(1.0078125·w)) in float32 at 0.75, w ± 2^-10 exact (review15c C3): one
# row of these losses cannot see their terms of 640; the explorer's reference can
_SENT = {
    "loss": "-3.739476203918457031250",
    "loss_plus": "-3.740787506103515625",
    "loss_minus": "-3.738164901733398437500",
    "epsilon": "0.0009765625",
    "backprop": "-1.3781550958576204",
}
_ORIGIN = {
    "kind": "limited",
    "title": "Gradient correct (limited by float32)",
    "reference": "-1.37815",
    "reference_error": "0.00002",
}


def _send(model):
    model.set_inputs(**_SENT, loss_roundoff=2.0**-24, origin=dict(_ORIGIN))
    return model.result().comparison


def _settled(model, qtbot):
    qtbot.waitUntil(lambda: not model.is_stale(), timeout=5000)
    return model.result().comparison


def test_a_field_typed_back_to_its_sent_text_keeps_the_sent_row(window, qtbot):
    window.open_panel("calculator")
    model = window.model("calculator")
    sent = _send(model)
    assert (sent.verdict.key, sent.too_few) == ("inconclusive", "this ε")
    for name, field in (("epsilonInput", "epsilon"), ("lossPlusInput", "loss_plus")):
        edit = find(window, QLineEdit, name)
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_End)
        qtbot.keyClicks(edit, "7")  # a real number for a moment: computed without the sent row
        _settled(model, qtbot)
        assert model.result().inputs.reference is None
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        again = _settled(model, qtbot)
        assert model.text(field) == _SENT[field]
        assert (again.verdict.key, again.too_few) == ("inconclusive", "this ε"), field
        assert model.result().inputs.loss_roundoff is not None
        assert model.origin() == _ORIGIN
        assert model.sent_note() == ""


def test_a_real_edit_says_the_sent_row_no_longer_applies(window, qtbot):
    window.open_panel("calculator")
    model = window.model("calculator")
    _send(model)
    model.set_text("loss_plus", "-3.7407875")
    comparison = _settled(model, qtbot)
    assert model.result().inputs.loss_roundoff is None
    note = model.sent_note()
    assert "L(w+ε)" in note and "typed decimals" in note and "reference" in note
    text = find(window, QLabel, "verdictText").text()
    assert note in text, text
    assert comparison is not None
    # typed back: the sent row again, and nothing to say
    model.set_text("loss_plus", _SENT["loss_plus"])
    again = _settled(model, qtbot)
    assert (again.verdict.key, again.too_few) == ("inconclusive", "this ε")
    assert model.sent_note() == ""
    # ε edited: the reference goes, the format stays
    model.set_text("epsilon", "0.001")
    _settled(model, qtbot)
    note = model.sent_note()
    assert "ε" in note and "reference" in note and "typed decimals" not in note
