"""Window messages show control and invisible characters from pasted text escaped, never raw
(an ESC or a BOM in a skipped line's message)."""

from fdgui.core.numbers.parsing import visible


def test_visible_escapes_controls_and_keeps_line_breaks():
    assert visible("a\x1b[2J\ufeffb\nc") == "a\\x1b[2J\\ufeffb\nc"


def test_a_paste_with_escape_and_bom_shows_them_escaped(qtbot):
    from fdgui.ui.calculator.model import CalculatorModel
    from fdgui.ui.calculator.panel import CalculatorPanel

    model = CalculatorModel()
    panel = CalculatorPanel(model)
    qtbot.addWidget(panel)
    panel.show()
    panel.paste_table("1e-3\t0.5\t0.4\n1e-3\t1\x1b[2J\t0\n\ufeffx\t\ufeff1\t2\n")
    qtbot.waitUntil(panel.history_message.isVisible, timeout=5000)
    text = panel.history_message.text()
    assert "Skipped" in text
    assert "\x1b" not in text and "\ufeff" not in text
    assert "\\x1b" in text
