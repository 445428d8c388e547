"""The explorer panel's ε cursor: typed ε, keyboard steps, the readout at the cursor (or
"…" while it is measured in the worker, see cursor.py) and the drag on the plots. A mixin of
``ExplorerPanel``, which builds the widgets these methods read."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt

from fdgui.core.numbers import format as numbers
from fdgui.core.numbers.parsing import InputError


class CursorView:
    """The cursor half of ``ExplorerPanel`` (see the module's docstring)."""

    model: Any
    context: Any
    _updating_cursor: bool

    def _cursor_typed(self) -> None:
        from fdgui.core.numbers.parsing import parse_number

        result = self.model.result()
        try:
            epsilon = float(parse_number(self.cursor_edit.text(), "epsilon", positive=True))
        except InputError as error:
            self._show_cursor_error(error.message)
            return
        if result is None:
            return
        low, high = float(result.epsilons[0]), float(result.epsilons[-1])
        if not low <= epsilon <= high:
            self._show_cursor_error(
                f"choose an ε between {numbers.epsilon(low)} and {numbers.epsilon(high)}"
            )
            return
        self._show_cursor_error("")
        self.model.set_cursor_epsilon(epsilon)

    def _show_cursor_error(self, message: str) -> None:
        self.cursor_error.setText(message)
        self.cursor_error.setVisible(bool(message))

    def move_cursor(self, key: str) -> None:
        """Keyboard steps: 'left'/'right' one grid point, 'up'/'down' a decade, 'home' the
        recommended ε."""
        result, diagnosis = self.model.result(), self.model.diagnosis()
        current = self.model.cursor_epsilon()
        if result is None or current is None:
            return
        epsilons = result.epsilons
        if key == "home":
            epsilon = diagnosis.recommended["central"]
        elif key in ("left", "right"):
            index = result.index_of(current)
            nearest = float(epsilons[index])
            if key == "left" and nearest >= current * (1 - 1e-9):
                index -= 1
            elif key == "right" and nearest <= current * (1 + 1e-9):
                index += 1
            epsilon = float(epsilons[max(0, min(index, len(epsilons) - 1))])
        else:
            epsilon = current * (10.0 if key == "up" else 0.1)
        epsilon = float(min(max(epsilon, epsilons[0]), epsilons[-1]))
        self.model.set_cursor_epsilon(epsilon)

    def _show_readout(self, readout: Any, sentence: str) -> None:
        self.point_label.setText(sentence)
        if readout is None:
            self.send_button.setEnabled(False)
            if self.model.measuring():  # the cursor goes there now, its values when measured
                self._show_measuring(self.model.cursor_epsilon())
            return
        labels = self.readout_labels
        labels["epsilon"].setText(numbers.epsilon(readout.epsilon))
        labels["epsilon"].setToolTip(f"ε = {numbers.full(readout.epsilon)}")
        for key in ("loss", "loss_plus", "loss_minus"):
            value = getattr(readout, key)
            labels[key].setText(numbers.display(value))
            labels[key].setToolTip(f"{numbers.full(value)} (every digit)")
        reference = self.model.result().reference if self.model.result() is not None else None
        for scheme in ("central", "forward", "backward"):
            estimate = readout.estimates[scheme]
            relative = readout.relative_errors.get(scheme)
            suffix = ""
            tip = f"{numbers.full(estimate)} (every digit)"
            if reference is not None and relative is not None and np.isfinite(estimate):
                # the same quantity as the error plot's axis and the verdict: relative error
                error = abs(estimate - reference.value)
                suffix = f"  rel. err {numbers.ratio(relative)}"  # the tooltip spells it out
                tip += f"\nrelative error = {numbers.full(relative)}"
                tip += f"\n|estimate − g| = {numbers.full(error)}"
            labels[scheme].setText(numbers.display(estimate) + suffix)
            labels[scheme].setToolTip(tip)
        self.send_button.setEnabled(
            self.context is not None and self.model.sendable() and not self.model.is_stale()
        )
        if not self.cursor_edit.hasFocus():
            self.cursor_edit.setText(numbers.epsilon(readout.epsilon))
        self._updating_cursor = True
        self.view.set_cursor(readout.epsilon)
        self._updating_cursor = False

    def _show_measuring(self, epsilon: float | None) -> None:
        """The cursor at ``epsilon`` while its values are measured in the worker."""
        if epsilon is None:
            return
        for key, label in self.readout_labels.items():
            label.setText(numbers.epsilon(epsilon) if key == "epsilon" else "…")
            label.setToolTip("measuring…" if key != "epsilon" else f"ε = {numbers.full(epsilon)}")
        if not self.cursor_edit.hasFocus():
            self.cursor_edit.setText(numbers.epsilon(epsilon))
        self._updating_cursor = True
        self.view.set_cursor(epsilon)
        self._updating_cursor = False

    def _cursor_dragged(self, epsilon: float) -> None:
        if not self._updating_cursor:
            self.model.set_cursor_epsilon(epsilon)


class _CursorKeys(QObject):
    """Keyboard control of the ε cursor while the plots have focus."""

    KEYS: ClassVar[dict[Qt.Key, str]] = {
        Qt.Key.Key_Left: "left",
        Qt.Key.Key_Right: "right",
        Qt.Key.Key_PageUp: "up",
        Qt.Key.Key_PageDown: "down",
        Qt.Key.Key_Up: "up",
        Qt.Key.Key_Down: "down",
        Qt.Key.Key_Home: "home",
    }

    def __init__(self, panel: Any) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.panel.stale_overlay.resize(event.size())
        elif event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            # a visible focus mark, so keyboard users see that the arrows move the cursor
            focused = event.type() == QEvent.Type.FocusIn
            self.panel.plots.setStyleSheet(
                "#explorerPlots { border: 2px solid #0969da; }" if focused else ""
            )
        if event.type() == QEvent.Type.KeyPress:
            key = self.KEYS.get(Qt.Key(event.key()))
            if key is not None:
                self.panel.move_cursor(key)
                return True
        return False
