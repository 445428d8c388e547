"""Clearing L of a row sent from the ε explorer removes L's information only (review16c H3):
L+ and L− (not edited) kept their binary format's reading until L was cleared, when the
losses became typed decimals and a gradient the explorer confirmed turned "Wrong … almost
certainly wrong" with a note that the losses are read as typed decimals."""

from tests.ui.test_calculator_sent_edit import _ORIGIN, _SENT, _settled


def test_clearing_l_keeps_the_format_of_l_plus_and_l_minus(window, qtbot):
    window.open_panel("calculator")
    model = window.model("calculator")
    model.set_inputs(**_SENT, loss_roundoff=2.0**-24, origin=dict(_ORIGIN))
    _settled(model, qtbot)
    sent = model.result().inputs
    model.set_text("loss", "")
    cleared = _settled(model, qtbot)
    inputs = model.result().inputs
    assert inputs.loss is None
    assert inputs.loss_roundoff == sent.loss_roundoff is not None
    assert inputs.reference == sent.reference
    assert cleared.verdict.key != "wrong"
    assert "typed decimals" not in model.sent_note()
    # an L of the person's own still makes the losses typed decimals, as before
    model.set_text("loss", "-3.7394")
    _settled(model, qtbot)
    assert model.result().inputs.loss_roundoff is None
    assert "typed decimals" in model.sent_note()
