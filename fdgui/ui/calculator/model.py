"""The calculator's state: typed texts, the latest estimate, errors per field, history.

The view forwards every edit here; this model parses, calls the core and emits signals.
It never touches a widget, so it can be tested without any.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fdgui.core.calculator.schemes import (
    DEFAULT_TEXTS,
    FIELDS,
    Estimate,
    Inputs,
    Measurement,
    estimate,
    parse_inputs,
)
from fdgui.core.numbers.format import decimal_exact as format_exact
from fdgui.core.report.exporters import export
from fdgui.ui.panel_model import PanelModel

DEBOUNCE_MS = 150


def create_model(context: Any = None, parent: QObject | None = None) -> CalculatorModel:
    """The registry's model factory (fdgui.ui.panels)."""
    return CalculatorModel(parent)


class CalculatorModel(PanelModel):
    """Owns the calculator panel's state; views connect to its signals (see PanelModel).

    resultChanged carries the latest valid Estimate; staleChanged is True while the shown
    result no longer matches the inputs. State: {"texts": {field: text}, "history": [{
    "epsilon", "loss_plus", "loss_minus", "loss": exact decimal texts ("" = no L)}]}.
    """

    FIELDS = FIELDS
    historyChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts = dict(DEFAULT_TEXTS)
        self._estimate: Estimate | None = None
        self._stale = False
        self._history: list[Measurement] = []
        self._loss_roundoff: Decimal | None = None  # set while the losses are sent binaries
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recompute)
        self.recompute()

    # --- reading state -------------------------------------------------------------------
    def text(self, field: str) -> str:
        return self._texts.get(field, "")

    def texts(self) -> dict[str, str]:
        return dict(self._texts)

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def result(self) -> Estimate | None:
        return self._estimate

    def current_estimate(self) -> Estimate | None:
        return self._estimate

    def is_stale(self) -> bool:
        return self._stale

    def history_rows(self) -> list[Measurement]:
        return list(self._history)

    def report_text(self) -> str | None:
        """The plain-text report of the current inputs (edits still waiting are computed first),
        or of the last valid result when the inputs have errors, or None when there is none."""
        if self._debounce.isActive():
            self.recompute()
        return None if self._estimate is None else export(self._estimate, "text")

    # --- edits ---------------------------------------------------------------------------
    def set_text(self, field: str, text: str) -> None:
        """One field changed in the view; results follow after a short pause in typing."""
        if field not in FIELDS:
            raise KeyError(field)
        if self._texts.get(field) == text:
            return
        if field in ("loss", "loss_plus", "loss_minus"):
            self._loss_roundoff = None  # typed by a person now: its digits are what count
        self._texts[field] = text
        self._set_stale(True)
        self._debounce.start()

    def set_inputs(
        self,
        loss: str,
        loss_plus: str,
        loss_minus: str,
        epsilon: str,
        backprop: str | None = None,
        loss_roundoff: float | None = None,
    ) -> None:
        """Fill every field at once (e.g. from the ε explorer) and compute.

        ``loss_roundoff``: when the losses are exact values of binary numbers of a known
        format, its unit round-off u, so their ± is u·|L| instead of their many digits.
        """
        self._loss_roundoff = None if loss_roundoff is None else Decimal(repr(loss_roundoff))
        self._texts.update(loss=loss, loss_plus=loss_plus, loss_minus=loss_minus, epsilon=epsilon)
        if backprop is not None:
            self._texts["backprop"] = backprop
        self.textsChanged.emit(self.texts())
        self.recompute()

    def reset(self) -> None:
        """Restore the default example; the history is kept (Clear history is separate)."""
        self._texts = dict(DEFAULT_TEXTS)
        self._loss_roundoff = None
        self.textsChanged.emit(self.texts())
        self.recompute()

    # --- computing -----------------------------------------------------------------------
    def recompute(self) -> Estimate | None:
        """Parse and compute now; on bad input keep the last result and mark it stale."""
        self._debounce.stop()
        inputs, errors = parse_inputs(self._texts)
        previous, self._errors = self._errors, errors
        for field in FIELDS:
            message = errors.get(field, "")
            if previous.get(field, "") != message:
                self.inputErrorChanged.emit(field, message)
        if inputs is None:
            self._set_stale(self._estimate is not None)
            return None
        if self._loss_roundoff is not None:
            inputs = replace(inputs, loss_roundoff=self._loss_roundoff)
        self._estimate = estimate(inputs)
        self._set_stale(False)
        self.resultChanged.emit(self._estimate)
        return self._estimate

    def calculate(self) -> Estimate | None:
        """Compute now and, when the inputs are valid, add a row to the history."""
        result = self.recompute()
        if result is not None:
            row = Measurement.from_estimate(result)
            if not self._history or self._history[-1] != row:
                self._history.append(row)
                self.historyChanged.emit()
        return result

    def add_measurements(self, rows: list[Inputs]) -> int:
        """Add already-measured rows (e.g. a pasted table) to the history; returns how many."""
        for inputs in rows:
            self._history.append(Measurement.from_estimate(estimate(inputs)))
        if rows:
            self.historyChanged.emit()
        return len(rows)

    def remove_rows(self, rows: list[int]) -> None:
        for index in sorted(set(rows), reverse=True):
            if 0 <= index < len(self._history):
                del self._history[index]
        self.historyChanged.emit()

    def clear_history(self) -> None:
        self._history.clear()
        self.historyChanged.emit()

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.staleChanged.emit(stale, "")

    # --- state ---------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        rows = [
            {
                "epsilon": format_exact(row.epsilon),
                "loss_plus": format_exact(row.loss_plus),
                "loss_minus": format_exact(row.loss_minus),
                "loss": "" if row.loss is None else format_exact(row.loss),
            }
            for row in self._history
        ]
        return {"texts": self.texts(), "history": rows}

    def _state_keys(self) -> tuple[str, ...]:
        return ("history",)

    def _restore(self, texts: dict[str, str], state: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        parsed: list[Inputs] = []
        rows = state.get("history", [])
        if not isinstance(rows, list):
            rows, problems = [], ["history"]
        for number, row in enumerate(rows):
            inputs = None
            if isinstance(row, dict) and all(isinstance(v, str) for v in row.values()):
                inputs, _errors = parse_inputs(row)
            if inputs is None:
                problems.append(f"history[{number}]")
            else:
                parsed.append(inputs)
        self._history.clear()
        self.add_measurements(parsed)
        if not parsed:
            self.historyChanged.emit()
        if texts:
            self._texts.update(texts)
            self._loss_roundoff = None
            self.textsChanged.emit(self.texts())
            self.recompute()
        return problems
