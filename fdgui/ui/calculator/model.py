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
from fdgui.core.report.exporters import export
from fdgui.core.session import measurement_texts as _row_texts
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
        # saved rows still being read in the background (a long history), kept as saved so
        # that a save meanwhile loses none of them; they go before the rows added since
        self._pending: list[Any] | str | None = None
        self._restore_generation = 0
        self._row_texts: dict[int, tuple[Measurement, str]] = {}  # id(row) → its saved line
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
        """Restore the default example; the history is kept (Clear history is separate).
        Undoable."""

        def change() -> None:
            self._texts = dict(DEFAULT_TEXTS)
            self._loss_roundoff = None
            self.textsChanged.emit(self.texts())
            self.recompute()

        self.undoable("Reset", change)

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
        """Delete history rows by index (undoable)."""

        def change() -> None:
            wanted = {index for index in rows if 0 <= index < len(self._history)}
            if wanted:
                self._history = [r for i, r in enumerate(self._history) if i not in wanted]
            self.historyChanged.emit()

        self.undoable("Delete rows", change)

    def clear_history(self) -> None:
        """Remove every row, also rows still being restored (undoable)."""

        def change() -> None:
            self._history = []
            self._pending = None
            self._restore_generation += 1
            self.historyChanged.emit()

        self.undoable("Clear history", change)

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.staleChanged.emit(stale, "")

    # --- state ---------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """{"texts": {...}, "history": {"columns": [...], "text": "ε\tL+\tL−\tL" lines}}:
        compact, and each row's line is made once (a long history saves fast)."""
        from fdgui.core.session import encode_table, row_line

        cache, made = self._row_texts, {}
        lines: list[str] = []
        pending = self._pending
        if isinstance(pending, str):
            if pending:
                lines.append(pending)
        elif pending:
            lines.extend(row_line(row) for row in pending)
        for row in self._history:
            hit = cache.get(id(row))
            if hit is None or hit[0] is not row:
                hit = (row, "\t".join(_row_texts(row)))
            made[id(row)] = hit
            lines.append(hit[1])
        self._row_texts = made
        return {"texts": self.texts(), "history": encode_table(lines)}

    def snapshot(self) -> Any:
        """Cheap: the row objects themselves (they never change), not their texts."""
        pending = self._pending if not isinstance(self._pending, list) else list(self._pending)
        return (list(self._history), pending, self.texts(), self._loss_roundoff)

    def apply_snapshot(self, snapshot: Any) -> None:
        history, pending, texts, roundoff = snapshot
        self._history, self._pending = list(history), pending
        self._restore_generation += 1
        if pending:
            from fdgui.core.session import split_rows

            self._load_in_background(pending, len(split_rows(pending)))
        self._texts, self._loss_roundoff = dict(texts), roundoff
        self.historyChanged.emit()
        self.textsChanged.emit(self.texts())
        self.recompute()

    def is_restoring(self) -> bool:
        """Whether saved rows are still being read in the background."""
        return self._pending is not None

    def _state_keys(self) -> tuple[str, ...]:
        return ("history",)

    def _restore(self, texts: dict[str, str], state: dict[str, Any]) -> list[str]:
        """Texts now; the history now when short, else in the background (its rows go before
        any row added meanwhile; state() keeps the unread ones)."""
        from fdgui.core.session import SessionError, table_rows

        problems: list[str] = []
        try:
            rows, count = table_rows(state.get("history", []))
        except SessionError:
            rows, count, problems = [], 0, ["history"]
        self._restore_generation += 1
        self._pending = None
        self._history = []
        if count > SYNC_RESTORE_ROWS:
            self._load_in_background(rows, count)
        else:
            measurements, bad = _parse_rows(rows, 0)
            self._history = measurements
            problems += bad
        self.historyChanged.emit()
        if texts:
            self._texts.update(texts)
            self._loss_roundoff = None
            self.textsChanged.emit(self.texts())
            self.recompute()
        return problems

    def _load_in_background(self, rows: list[Any] | str, count: int) -> None:
        self._pending = rows
        generation = self._restore_generation
        self.statusMessage.emit(f"Reading {count:,} saved measurements…")

        def returned(value: Any) -> None:
            if generation != self._restore_generation:
                return  # cleared, undone or restored again meanwhile
            measurements, bad = value
            self._pending = None
            self._history[0:0] = measurements
            self.historyChanged.emit()
            message = f"Restored {len(measurements):,} saved measurements"
            if bad:
                shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
                message += f"; could not restore {shown}"
            self.statusMessage.emit(message + ".")

        def errored(message: str, _details: str) -> None:
            if generation == self._restore_generation:
                self.statusMessage.emit(f"The saved measurements could not be read: {message}")

        def start() -> None:
            if generation == self._restore_generation:
                self.start_job(
                    _parse_rows_job, rows, busy=False, returned=returned, errored=errored
                )

        # after the window's first paint: reading competes with the GUI thread for Python
        QTimer.singleShot(BACKGROUND_DELAY_MS, self, start)


# a history longer than this is read in the background after the window is up
SYNC_RESTORE_ROWS = 2000
BACKGROUND_DELAY_MS = 300


def _parse_rows(rows: list[Any] | str, first: int) -> tuple[list[Measurement], list[str]]:
    """Saved rows (lines, lists or dicts) → measurements, and the names of the bad ones."""
    from fdgui.core.session import row_cells, split_rows

    measurements: list[Measurement] = []
    problems: list[str] = []
    for number, row in enumerate(split_rows(rows), start=first):
        cells = row_cells(row)
        try:  # one row that cannot be read must never cost the others
            inputs = None if cells is None else parse_inputs(cells)[0]
            if inputs is not None:
                measurements.append(Measurement.from_estimate(estimate(inputs)))
        except (ArithmeticError, ValueError):
            inputs = None
        if inputs is None:
            problems.append(f"history[{number}]")
    return measurements, problems


def _parse_rows_job(rows: list[Any] | str) -> Any:
    """_parse_rows as a job (progress every 5,000 rows)."""
    from fdgui.core.session import split_rows

    rows = split_rows(rows)
    measurements: list[Measurement] = []
    problems: list[str] = []
    for first in range(0, len(rows), 5000):
        done, bad = _parse_rows(rows[first : first + 5000], first)
        measurements += done
        problems += bad
        yield min(1.0, (first + 5000) / len(rows)), "reading saved measurements"
    return measurements, problems
