"""The calculator's Rounding line keeps its markup when the panel is made while the inputs
are invalid (a restored session whose ε reads "abc"): the window makes every label that
holds no markup then plain text, and the line, holding "—" at that moment, showed
"<b>Rounding.</b>" with its tags once the inputs were fixed (rev20c L1)."""

from PySide6.QtCore import Qt


def test_the_rounding_line_is_markup_after_a_panel_made_with_invalid_inputs(window, qtbot):
    model = window.model("calculator")
    model.set_text("epsilon", "abc")
    panel = window.open_panel("calculator")
    model.set_text("epsilon", "1e-4")
    qtbot.waitUntil(lambda: panel.rounding_label.text().startswith("<b>Rounding.</b>"),
                    timeout=5_000)  # fmt: skip
    assert panel.rounding_label.textFormat() == Qt.TextFormat.RichText
