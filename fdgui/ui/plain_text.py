"""Text that may come from a session file (tensor names, pin labels, notes, file names) is
never read as markup: Qt's labels and tooltips and pyqtgraph's titles and legends would
otherwise draw ``<h1>``, ``<img src=…>`` and the like.

- ``plain_labels(widget)``: every label of a panel that is not rich on purpose (its text is
  markup when the panel is made, or it asked for RichText) shows its text as is;
- ``markup(text)``: text for a place that always reads HTML (pyqtgraph titles, legends);
- ``tip(text)``: a tooltip that shows ``text`` as is, even if it looks like markup.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QWidget

MAX_SHOWN = 300  # characters of a label from a file drawn in a plot (the rest: …)


def plain_labels(widget: QWidget) -> None:
    """Every QLabel under ``widget`` left at AutoText whose text is not markup now: PlainText
    (an AutoText label would read a tensor name like ``<h1>…</h1>`` as a heading)."""
    for label in widget.findChildren(QLabel):
        if label.textFormat() != Qt.TextFormat.AutoText:
            continue
        if GuiQt.mightBeRichText(label.text()):
            continue  # made with markup on purpose (legends, headings)
        label.setTextFormat(Qt.TextFormat.PlainText)


def markup(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` escaped for an HTML place, cut to ``limit`` characters."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def tip(text: str) -> str:
    """A tooltip that shows ``text`` as it is."""
    if not GuiQt.mightBeRichText(text):
        return text
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
