"""The calculator's model without any widget."""

from fdgui.ui.calculator.model import CalculatorModel


def test_debounced_edits_compute_once_after_the_pause(qtbot):
    model = CalculatorModel()
    results = []
    model.resultChanged.connect(results.append)
    model.set_text("epsilon", "0.00")
    model.set_text("epsilon", "0.001")
    assert model.is_stale() and results == []
    qtbot.waitUntil(lambda: len(results) == 1, timeout=2000)
    assert str(results[0].central) == "0.05"
    assert not model.is_stale()


def test_errors_are_signalled_per_field_and_cleared(qtbot):
    model = CalculatorModel()
    seen = []
    model.inputErrorChanged.connect(lambda field, message: seen.append((field, message)))
    model.set_text("loss_plus", "abc")
    model.recompute()
    assert seen[-1][0] == "loss_plus" and "not a number" in seen[-1][1]
    assert model.is_stale()
    assert model.report_text() is not None  # the last valid result can still be copied
    model.set_text("loss_plus", "0.85005")
    model.recompute()
    assert seen[-1] == ("loss_plus", "")


def test_set_inputs_fills_every_field_and_computes(qtbot):
    model = CalculatorModel()
    texts = []
    model.textsChanged.connect(texts.append)
    model.set_inputs("0.12", "0.120008", "0.119992", "1e-5", backprop="0.79")
    assert texts[-1]["epsilon"] == "1e-5"
    assert str(model.current_estimate().central) == "0.8"


def test_history_skips_an_identical_repeat_and_deletes_rows(qtbot):
    model = CalculatorModel()
    model.calculate()
    model.calculate()
    assert len(model.history_rows()) == 1
    model.set_inputs("0.85", "0.8505", "0.8495", "0.001")
    model.calculate()
    model.remove_rows([0])
    assert [str(r.epsilon) for r in model.history_rows()] == ["0.001"]
    model.clear_history()
    assert model.history_rows() == []


def test_losses_sent_as_binaries_carry_their_formats_rounding(qtbot):
    from decimal import Decimal

    model = CalculatorModel()
    # exact expansions of float32 values: many digits, but only ~7 of them mean anything
    plus, minus = Decimal(float.fromhex("0x1.5bf0a8p+1")), Decimal(float.fromhex("0x1.5bf09ep+1"))
    model.set_inputs("", str(plus), str(minus), "0.001", loss_roundoff=2.0**-24)
    result = model.current_estimate()
    assert result.significant_digits == 7
    expected = (abs(plus) + abs(minus)) * Decimal(2.0**-24) / Decimal("0.002")
    assert abs(result.uncertainty - expected) <= expected * Decimal("1e-12")
    model.set_text("loss_plus", "2.71829")  # a person types: typed digits count again
    model.recompute()
    assert model.current_estimate().significant_digits == 6


def test_losses_typed_over_the_example_do_not_keep_its_loss(qtbot):
    # rev19c M1: L is optional, so a person typing their own L+, L−, ε over the example and
    # leaving L alone had the example's L = 0.85 judged with their losses and kept in the row
    model = CalculatorModel()
    model.set_text("loss_plus", "2.0003")
    assert model.text("loss") == "0.85"  # one loss typed over: the example may be edited
    model.set_text("loss_minus", "1.9999")
    model.set_text("epsilon", "0.0001")
    assert model.text("loss") == ""
    model.calculate()
    row = model.history_rows()[-1]
    assert row.loss is None and row.forward is None
    assert model.current_estimate().inputs.loss is None


def test_a_typed_loss_is_kept_when_the_losses_change(qtbot):
    model = CalculatorModel()
    model.set_text("loss", "0.8")  # typed by the person, to the same digits as the example
    model.set_text("loss", "0.85")
    model.set_text("loss_plus", "0.85007")
    model.set_text("loss_minus", "0.84993")
    assert model.text("loss") == "0.85"
    model.reset()
    model.set_text("loss", "2")
    model.set_text("loss_plus", "2.0003")
    model.set_text("loss_minus", "1.9999")
    assert model.text("loss") == "2"
