"""Copy Results with invalid inputs says it copied the last valid result; once a valid
result is shown again those words are no longer true and leave the status bar (rev20c L3:
they stayed beside the new case for their whole five seconds)."""


def test_the_stale_copy_words_leave_when_a_valid_result_is_shown(window, qtbot):
    panel = window.open_panel("calculator")
    model = window.model("calculator")
    for field, text in (("loss_plus", "1.0002"), ("loss_minus", "0.9998"), ("epsilon", "1e-4")):
        model.set_text(field, text)
    qtbot.waitUntil(lambda: not model.is_stale() and model.result() is not None, timeout=5_000)
    model.set_text("epsilon", "abc")
    qtbot.waitUntil(model.is_stale, timeout=5_000)
    panel.copy_results()
    status = window.statusBar()
    assert "the inputs have errors" in status.currentMessage()
    model.set_text("epsilon", "2e-4")
    qtbot.waitUntil(lambda: not model.is_stale(), timeout=5_000)
    assert "the inputs have errors" not in status.currentMessage()
    panel.copy_results()  # a fresh copy of a valid result says so, and stays
    assert status.currentMessage() == "Results copied to the clipboard as plain text."
    with qtbot.waitSignal(model.resultChanged, timeout=5_000):
        model.set_text("epsilon", "3e-4")
    assert status.currentMessage() == "Results copied to the clipboard as plain text."


def test_a_later_message_is_not_cleared_by_an_old_copy(window, qtbot):
    """rev21c L1: the stale copy's words timed out, another message came, and the next valid
    result cleared that other message."""
    panel = window.open_panel("calculator")
    model = window.model("calculator")
    model.set_text("epsilon", "-1")
    qtbot.waitUntil(model.is_stale, timeout=5_000)
    panel.copy_results()
    status = window.statusBar()
    status.showMessage("OTHER MESSAGE")  # as if the copy's words had timed out meanwhile
    model.set_text("epsilon", "0.001")
    qtbot.waitUntil(lambda: not model.is_stale(), timeout=5_000)
    assert status.currentMessage() == "OTHER MESSAGE"
