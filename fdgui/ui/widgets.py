"""Small widget helpers every panel shares."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# One colour per scheme in every plot of the app.
SCHEME_COLOURS = {"central": "#0969da", "forward": "#1b873f", "backward": "#8250df"}


def vertical_scroll(content: QWidget, object_name: str) -> QScrollArea:
    """``content`` in a frameless area that scrolls up and down, never sideways, and is not a
    tab stop of its own: a panel squeezed below its natural height scrolls instead of
    cutting text."""
    scroll = QScrollArea()
    scroll.setObjectName(object_name)
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return scroll
