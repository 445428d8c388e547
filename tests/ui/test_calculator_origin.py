"""Send to calculator: the calculator's words beside the explorer's diagnosis never contradict
it unexplained (review10i M5: a kink-free sine the explorer calls "Gradient wrong" read
"acceptable if a kink … lies within ε of w" in the calculator)."""

from PySide6.QtWidgets import QLabel


def test_a_wrong_gradient_sent_from_the_explorer_is_not_excused_by_a_kink(window, qtbot):
    explorer = window.model("explorer")
    window.open_panel("explorer")
    explorer.set_texts(
        {"expression": "sin(w)", "point": "0.7", "grad": "cos(w)*(1+1e-4)", "dtype": "float64"}
    )
    explorer.sweep()
    qtbot.waitUntil(
        lambda: explorer.diagnosis() is not None and not explorer.is_stale(), timeout=60000
    )
    assert explorer.diagnosis().kind == "wrong"
    explorer.set_cursor_epsilon(1e-5)
    assert explorer.send_to_calculator(window.context)
    calculator = window.model("calculator")
    qtbot.waitUntil(lambda: calculator.origin() is not None, timeout=5000)
    text = window.panel("calculator").findChild(QLabel, "verdictText").text()
    assert "acceptable if a kink" not in text
    assert "Gradient wrong" in text and "no kink explains" in text
    # typing in a field: the inputs are the person's own, the explorer's words go
    calculator.set_text("backprop", "0.7")
    assert calculator.origin() is None
