"""A sent row keeps its verdict through a no-op edit after a session restore and after Undo
(review15k H1): restoring a session (the autosave, a reopened file) gave back the format and
reference but no record of what was sent, so typing a character and deleting it dropped
them and "Too coarse to judge at this ε" became "Wrong" with nothing said; after Send A,
Send B and Undo the record was still B's, and the same no-op edit did the same, naming four
fields as edited. The window keeps the verdict of the numbers it has when nothing changed."""

from tests.ui.test_calculator_sent_edit import _ORIGIN, _SENT, _settled

# the same row scaled by 2 (exact in float32): another sent row, B
_B = {key: (value if key == "epsilon" else "-" + str(2 * float(value[1:])))
      for key, value in _SENT.items()}  # fmt: skip
_B_ORIGIN = dict(_ORIGIN, reference="-2.7563", reference_error="0.00004")


def _noop(model, qtbot, field):
    text = model.text(field)
    model.set_text(field, text + "7")
    _settled(model, qtbot)
    model.set_text(field, text)
    return _settled(model, qtbot)


def _seen(comparison):
    return comparison.verdict.key, comparison.too_few


def test_a_no_op_edit_after_a_session_restore_keeps_the_verdict(window, qtbot):
    window.open_panel("calculator")
    model = window.model("calculator")
    model.set_inputs(**_SENT, loss_roundoff=2.0**-24, origin=dict(_ORIGIN))
    sent = _seen(_settled(model, qtbot))
    assert sent == ("inconclusive", "this ε")
    saved = model.state()
    model.reset()
    _settled(model, qtbot)
    model.restore(saved)
    assert _seen(_settled(model, qtbot)) == sent
    for field in ("loss_plus", "epsilon", "loss"):
        assert _seen(_noop(model, qtbot, field)) == sent, field
        assert model.result().inputs.reference is not None
        assert model.sent_note() == ""
    # a real edit is worded, as for a row just sent
    model.set_text("loss_plus", "-3.7407875")
    _settled(model, qtbot)
    assert "typed decimals" in model.sent_note()


def test_a_no_op_edit_after_undo_of_a_second_send_keeps_the_first_rows_verdict(window, qtbot):
    window.open_panel("calculator")
    model = window.model("calculator")
    model.set_inputs(**_SENT, loss_roundoff=2.0**-24, origin=dict(_ORIGIN))
    first = _seen(_settled(model, qtbot))
    snapshot = model.snapshot()
    model.set_inputs(**_B, loss_roundoff=2.0**-24, origin=dict(_B_ORIGIN))
    _settled(model, qtbot)
    model.apply_snapshot(snapshot)  # what Undo does
    assert _seen(_settled(model, qtbot)) == first
    assert model.result().inputs.reference is not None
    for field in ("loss_plus", "backprop"):
        assert _seen(_noop(model, qtbot, field)) == first, field
        assert model.result().inputs.reference is not None
        assert model.sent_note() == ""


def test_undo_of_a_send_leaves_no_record_of_it(window, qtbot):
    window.open_panel("calculator")
    model = window.model("calculator")
    before = model.snapshot()
    model.set_inputs(**_SENT, loss_roundoff=2.0**-24, origin=dict(_ORIGIN))
    _settled(model, qtbot)
    model.apply_snapshot(before)  # Undo of the send: the row before it, nothing sent
    _settled(model, qtbot)
    assert model.result().inputs.loss_roundoff is None
    _noop(model, qtbot, "loss_plus")
    assert model.sent_note() == ""  # no "edited since the explorer sent this row"
