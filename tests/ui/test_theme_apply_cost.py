"""Choosing the theme already in use re-polishes nothing (before: every call set the style, the
palette and the style sheet again, each a pass over every live widget: ~0.5 s of the GUI
thread a call with every panel built, and test fixtures call it twice a test); a real switch
still recolours the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from fdgui.ui import theme


class _Restyled(QObject):
    """Counts the style and palette events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.events = 0

    def eventFilter(self, watched, event):
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange, QEvent.Type.Polish):
            self.events += 1
        return False


def test_the_theme_in_use_is_not_applied_again(window, qtbot):
    window.open_panel("explorer")
    theme.apply("light")
    label = theme.set_role(QLabel("a hint"), "hint")
    qtbot.addWidget(label)
    label.show()
    counter = _Restyled()
    label.installEventFilter(counter)
    try:
        for _ in range(3):
            window.set_theme("light")
            qtbot.wait(0)
        assert counter.events == 0
        window.set_theme("dark")  # a real switch: the palette and the role colours change
        qtbot.wait(0)
        assert counter.events > 0
        assert label.palette().color(label.backgroundRole()).lightness() < 128
    finally:
        label.removeEventFilter(counter)
        theme.apply("light")
