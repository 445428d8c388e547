"""The calculator's state: typed texts, the latest estimate, errors per field, history.

The view forwards every edit here; this model parses, calls the core and emits signals.
It never touches a widget, so it can be tested without any.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fdgui.core.calculator.schemes import (
    DEFAULT_TEXTS,
    FIELD_NAMES,
    FIELDS,
    Estimate,
    Inputs,
    Measurement,
    estimate,
    measurement,
    parse_inputs,
)
from fdgui.core.report.exporters import export
from fdgui.core.session import measurement_texts
from fdgui.ui.calculator.history import HistoryTableModel
from fdgui.ui.panel_model import PanelModel

DEBOUNCE_MS = 150
#: a pasted table or saved history with more lines than this is read off the GUI thread
BACKGROUND_ROWS = 2_000
RESTORE_DELAY_MS = 300  # a long saved history is read this long after the window opens


def create_model(context: Any = None, parent: QObject | None = None) -> CalculatorModel:
    """The registry's model factory (fdgui.ui.panels)."""
    return CalculatorModel(parent)


class CalculatorModel(PanelModel):
    """Owns the calculator panel's state; views connect to its signals (see PanelModel).

    resultChanged carries the latest valid Estimate; staleChanged is True while the shown
    result no longer matches the inputs. State: {"texts": {field: text}, "history": [{
    "epsilon", "loss_plus", "loss_minus", "loss": exact decimal texts ("" = no L)}]}.

    The history is ``self.history``, a Qt table model (fdgui.ui.calculator.history) that
    views show directly; ``historyChanged`` follows every change of it. Long tables (paste,
    restore) are read by a job off the GUI thread; ``tableRead(added, problems)`` then says
    what came of a paste.
    """

    FIELDS = FIELDS
    historyChanged = Signal()
    tableRead = Signal(int, list)  # rows added, problems (worded) of a pasted table

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts = dict(DEFAULT_TEXTS)
        # L still holds the example's value, untyped: it belongs to the example's losses and
        # goes when both are typed over (``_drop_example_loss``, rev19c M1)
        self._example_loss = True
        self._estimate: Estimate | None = None
        self._stale = False
        self.history = HistoryTableModel(self)
        # saved rows still being read, as saved (a text of lines, or a list), kept by state()
        self._pending_history: list[Any] | str = []
        # id(row) → its saved line, and the rows those ids belong to (kept alive, so an id is
        # never another row's): a dict of ints and strings, which the cycle collector does
        # not track (a (row, line) pair per row made 100,000 objects for it to look at)
        self._row_lines: tuple[dict[int, str], list[Measurement]] = ({}, [])
        # (history version, unread saved rows, their JSON): the last autosaved history
        self._encoded_history: tuple[int, Any, Any] | None = None
        self._loss_roundoff: Decimal | None = None  # set while the losses are sent binaries
        # the steps the sent losses were taken at, (h+, h−): w ± ε rounded to their dtype
        self._steps: tuple[Decimal, Decimal] | None = None
        # the explorer's trusted reference and bar for the sent losses' derivative
        self._reference: tuple[Decimal, Decimal] | None = None
        self._allowance: Decimal | None = None  # what it allows a claim beyond its digits
        # what the ε explorer said of the sweep these inputs were sent from ({"kind",
        # "title"}), until a field is typed in
        self._origin: dict[str, str] | None = None
        # the texts the ε explorer sent and what came with them (``_sent_parts``): a field
        # typed back to its sent text gets them back (review15c H1)
        self._sent_record: tuple[dict[str, str], Sent, dict[str, str] | None] | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recompute)
        self._reading = 0  # jobs reading a long table or saved history
        self._reading_jobs: set = set()  # the same jobs, so that Escape can stop them
        self._generation = 0  # counts restores and clears: a late saved history is dropped
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
        return self.history.rows()

    def is_reading(self) -> bool:
        """A saved history or pasted table is still being read off the GUI thread."""
        return bool(self._reading or self._pending_history)

    def cancel_reading(self) -> bool:
        """Stop reading a pasted table (Escape): rows not yet read are not added."""
        jobs = list(self._reading_jobs)
        for job in jobs:
            job.cancel()
        if jobs:
            self.statusMessage.emit("Stopped reading the measurements.")
        return bool(jobs)

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
        self._texts[field] = text
        self._sent_parts(field)
        self._drop_example_loss(field)
        self._set_stale(True)
        self._debounce.start()

    def _drop_example_loss(self, field: str) -> None:
        """A person who types their own L+ and L− over the example and leaves L alone (it is
        optional) would have the example's L = 0.85 judged with their losses, and kept in
        the history row (rev19c M1): once both are typed over, the example's L is cleared
        (a field typed by the person is never touched)."""
        if field == "loss":
            self._example_loss = False
            return
        if not self._example_loss or field not in ("loss_plus", "loss_minus"):
            return
        if any(
            self._texts.get(name) == DEFAULT_TEXTS[name] for name in ("loss_plus", "loss_minus")
        ):
            return
        self._example_loss = False
        if self._texts.get("loss") == DEFAULT_TEXTS["loss"]:
            self._texts["loss"] = ""
            self.textsChanged.emit(self.texts())

    def _shows_example(self) -> bool:
        """L, L+ and L− all hold the example's texts."""
        names = ("loss", "loss_plus", "loss_minus")
        return all(self._texts.get(name) == DEFAULT_TEXTS[name] for name in names)

    def _sent_parts(self, field: str) -> None:
        """What the ε explorer sent applies while the fields it depends on hold the sent
        text: the format while L, L+ and L− do, the steps and the reference while they and ε
        do, its words beside the verdict while every field does. A field typed away drops
        them (a person's own digits, taken at w ± ε as typed); typed back, they return
        (review15c H1: a character typed and deleted turned "Too coarse" into "Wrong")."""
        record = self._sent_record
        losses = ("loss", "loss_plus", "loss_minus")

        def kept(fields: tuple[str, ...]) -> bool:
            return record is not None and all(
                self._texts.get(name, "") == record[0].get(name, "") for name in fields
            )

        def kept_losses() -> bool:
            # L cleared removes L's information only: L+ and L− keep their format, the
            # steps and the reference (review16c H3: a confirmed gradient turned "Wrong")
            cleared = not self._texts.get("loss", "").strip()
            return kept(("loss_plus", "loss_minus")) and (cleared or kept(("loss",)))

        sent = record[1] if record is not None else Sent(None, None)
        self._origin = dict(record[2]) if kept(FIELDS) and record and record[2] else None
        if field in losses:
            self._loss_roundoff = sent.roundoff if kept_losses() else None
        if field in (*losses, "epsilon"):
            row = kept_losses() and kept(("epsilon",))
            self._steps = sent.steps if row else None
            self._reference = sent.reference if row else None
            self._allowance = sent.allowance if row else None

    def sent_note(self) -> str:
        """Words for a row sent by the ε explorer whose fields were edited since: which field
        and what of the sent row no longer applies ("" when nothing was sent or dropped)."""
        record = self._sent_record
        if record is None:
            return ""
        texts, sent, _ = record
        edited = [name for name in FIELDS if self._texts.get(name, "") != texts.get(name, "")]
        dropped = []
        if sent.roundoff is not None and self._loss_roundoff is None:
            dropped.append("the losses are read as typed decimals, not as the binary numbers of "
                           "their format")  # fmt: skip
        if sent.reference is not None and self._reference is None:
            dropped.append("the explorer's reference for this ε no longer applies")
        elif sent.steps is not None and self._steps is None:
            dropped.append("the steps are taken as w ± ε typed, not as the format rounded them")
        if not edited or not dropped:
            return ""
        names = " and ".join(FIELD_NAMES[name] for name in edited)
        return (
            f"Edited since the ε explorer sent this row ({names}): "
            + "; ".join(dropped)
            + ". Type the sent value back to restore it."
        )

    def set_inputs(
        self,
        loss: str,
        loss_plus: str,
        loss_minus: str,
        epsilon: str,
        backprop: str | None = None,
        loss_roundoff: float | None = None,
        origin: dict[str, str] | None = None,
        steps: tuple[str, str] | None = None,
    ) -> None:
        """Fill every field at once (e.g. from the ε explorer) and compute.

        ``loss_roundoff``: when the losses are exact values of binary numbers of a known
        format, its unit round-off u, so their ± is u·|L| instead of their many digits.
        ``origin``: the explorer's diagnosis of their sweep ({"kind", "title"}), worded
        beside the verdict (``origin()``).
        ``steps``: the steps the losses were really taken at, (h+, h−) as exact decimal
        texts (w ± ε rounded to their dtype is not w ± ε): the differences divide by them.
        """
        self._origin = None if origin is None else dict(origin)
        self._loss_roundoff = None if loss_roundoff is None else Decimal(repr(loss_roundoff))
        self._steps = _steps(steps)
        self._reference = _reference(origin)
        self._allowance = _allowance(origin)
        self._texts.update(loss=loss, loss_plus=loss_plus, loss_minus=loss_minus, epsilon=epsilon)
        if backprop is not None:
            self._texts["backprop"] = backprop
        self._sent_record = (self.texts(), self._parts(), self._origin)
        self._example_loss = False
        self.textsChanged.emit(self.texts())
        self.recompute()

    def origin(self) -> dict[str, str] | None:
        """What the ε explorer said of the sweep the current inputs were sent from."""
        return self._origin

    def reset(self) -> None:
        """Restore the default example; the history is kept (Clear history is separate).
        Undoable."""

        def change() -> None:
            self._texts = dict(DEFAULT_TEXTS)
            self._example_loss = True
            self._loss_roundoff = None
            self._steps = self._reference = self._allowance = None
            self._origin = self._sent_record = None
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
        if self._steps is not None or self._reference is not None or self._allowance is not None:
            inputs = replace(
                inputs, steps=self._steps, reference=self._reference, allowance=self._allowance
            )
        self._estimate = estimate(inputs)
        self._set_stale(False)
        self.resultChanged.emit(self._estimate)
        return self._estimate

    def calculate(self) -> Estimate | None:
        """Compute now and, when the inputs are valid, add a row to the history."""
        result = self.recompute()
        if result is not None:
            row = Measurement.from_estimate(result)
            history = self.history
            if not len(history) or history.row(len(history) - 1) != row:
                history.append_rows([row])
                self.historyChanged.emit()
        return result

    def add_measurements(self, rows: list[Inputs]) -> int:
        """Add already-measured rows (e.g. a pasted table) to the history; returns how many."""
        if rows:
            self.history.append_rows([measurement(inputs) for inputs in rows])
            self.historyChanged.emit()
        return len(rows)

    def paste_table(self, text: str) -> None:
        """Add the rows of a pasted table; ``tableRead(added, problems)`` follows, at once for
        a short table, after reading it off the GUI thread for a long one."""
        from fdgui.core.calculator.table import measure_table
        from fdgui.core.jobs import drive
        from fdgui.core.table_file import MAX_TABLE_BYTES

        # the bound every table has (files, --table): past it nothing is read
        if len(text) > MAX_TABLE_BYTES // 4 and len(text.encode("utf-8")) > MAX_TABLE_BYTES:
            self.tableRead.emit(
                0,
                [
                    f"the clipboard's table: it is larger than {MAX_TABLE_BYTES // 2**20} MB "
                    "(about a million rows), so nothing was read; paste it in parts"
                ],
            )
            return
        if text.count("\n") < BACKGROUND_ROWS:
            self._table_read(drive(measure_table(text)))
            return
        self._start_reading(measure_table, text, self._table_read)

    def _table_read(self, measured: Any) -> None:
        if measured.rows:  # undoable, also when a long table arrives later
            self.undoable("Paste table", lambda: self._append_measured(measured))
        self.tableRead.emit(len(measured.rows), list(measured.problems))

    def _append_measured(self, measured: Any) -> None:
        if measured.rows:
            self.history.append_rows(measured.rows, measured.points)
            self.historyChanged.emit()

    def _start_reading(self, job: Any, data: Any, done: Any) -> None:
        def finished() -> None:
            self._reading -= 1
            self._reading_jobs.discard(started)

        def failed(message: str, details: str) -> None:
            self.statusMessage.emit(f"Could not read the measurements: {message}")

        self._reading += 1
        self.statusMessage.emit("Reading the measurements…")
        started = self.start_job(
            job, data, busy=False, returned=done, errored=failed, finished=finished
        )
        self._reading_jobs.add(started)

    def remove_rows(self, rows: list[int]) -> None:
        """Delete history rows by index (undoable)."""

        def change() -> None:
            if self.history.remove_rows(rows):
                self.historyChanged.emit()

        self.undoable("Delete rows", change)

    def clear_history(self) -> None:
        """Remove every row, also a saved history still being read (undoable)."""

        def change() -> None:
            self._pending_history = []
            self._generation += 1
            self.history.clear()
            self.historyChanged.emit()

        self.undoable("Clear history", change)

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.staleChanged.emit(stale, "")

    # --- state ---------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """{"texts": {...}, "history": {"columns": [...], "text": "ε\tL+\tL−\tL" lines}}
        (fdgui.core.session): compact, and each row's line is made once, so a long history
        saves fast. Rows of a saved history still being read stay in it, first."""
        return {"texts": self.texts(), "history": self._history_table()(), **self._roundoff()}

    def _roundoff(self) -> dict[str, str]:
        """The losses' unit round-off when they were sent as binary numbers (their ± and so
        the verdict depend on it): saved so that reopening gives the same verdict."""
        saved = {}
        if self._loss_roundoff is not None:
            saved["loss_roundoff"] = str(self._loss_roundoff)
        if self._steps is not None:  # the steps the sent losses were taken at
            saved["steps"] = [str(step) for step in self._steps]
        if self._reference is not None:  # it measures the sent central difference's error
            saved["reference"] = [str(part) for part in self._reference]
        if self._allowance is not None:
            saved["allowance"] = str(self._allowance)
        return saved

    def autosave_state(self) -> dict[str, Any]:
        """``state()`` with the history as a function to call off the GUI thread (the first
        save after a long paste formats every new row)."""
        return {
            "texts": self.texts(),
            "history": self._history_table(encoded=True),
            **self._roundoff(),
        }

    def _history_table(self, encoded: bool = False) -> Any:
        """A function that makes the saved history (off the GUI thread for the autosave):
        ``encode_table``'s dict, or with ``encoded`` the same already as JSON text, kept
        while neither the rows nor the unread saved rows change (an autosave after another
        panel changed encodes 100,000 rows again otherwise)."""
        from fdgui.core.session import encode_table, encode_table_json, row_line

        pending, rows, cache = self._pending_history, self.history.rows(), self._row_lines
        version = self.history.version
        kept = self._encoded_history
        if encoded and kept is not None and kept[0] == version and kept[1] is pending:
            table = kept[2]
            return lambda: table

        def lines() -> list[str]:
            made_lines: list[str] = []
            if isinstance(pending, str):
                if pending:
                    made_lines.append(pending)
            else:
                made_lines.extend(row_line(row) for row in pending)
            known, _alive = cache
            made: dict[int, str] = {}
            for row in rows:
                line = known.get(id(row))  # the ids in ``known`` are of rows kept alive
                if line is None:
                    line = "\t".join(measurement_texts(row))
                made[id(row)] = line
                made_lines.append(line)
            self._row_lines = (made, rows)
            return made_lines

        if not encoded:
            return lambda: encode_table(lines())

        def table() -> Any:
            made = encode_table_json(lines())
            self._encoded_history = (version, pending, made)
            return made

        return table

    def snapshot(self) -> Any:
        """For undo: the row objects themselves (they never change), not their texts."""
        pending = self._pending_history
        return (
            self.history.rows(),
            self.history.points().copy(),
            pending if isinstance(pending, str) else list(pending),
            self.texts(),
            self._sent(),  # what was sent with the losses
        )

    def snapshot_changed(self, before: Any, after: Any) -> bool:
        """The points (index 1) follow the rows; numpy arrays do not compare to one bool."""
        pairs = enumerate(zip(before, after, strict=True))
        return any(b is not a and b != a for i, (b, a) in pairs if i != 1)

    def snapshot_parts(self, snapshot: Any) -> dict[str, Any]:
        """Undo's parts: each text, the round-off and steps, the history (rows, points,
        unread rows)."""
        rows, points, pending, texts, roundoff = snapshot
        parts = {f"texts.{field}": text for field, text in texts.items()}
        return {**parts, "loss_roundoff": roundoff, "history": (rows, points, pending)}

    def snapshot_from_parts(self, parts: dict[str, Any]) -> Any:
        rows, points, pending = parts["history"]
        texts = {k[6:]: v for k, v in parts.items() if k.startswith("texts.")}
        return rows, points, pending, texts, parts["loss_roundoff"]

    @staticmethod
    def same_part(first: Any, second: Any) -> bool:
        if isinstance(first, tuple) and isinstance(second, tuple):  # the history: not points
            rows = first[0] is second[0] or first[0] == second[0]
            return rows and (first[2] is second[2] or first[2] == second[2])
        return first is second or bool(first == second)

    def apply_snapshot(self, snapshot: Any) -> None:
        rows, points, pending, texts, roundoff = snapshot
        self._generation += 1
        self._pending_history = []
        self.history.set_rows(rows, points)
        if pending:
            self._read_saved_later(pending)
        if dict(texts) != self._texts or roundoff != self._sent():
            self._origin = None  # other inputs than the ones the explorer sent
        self._texts = dict(texts)
        self._example_loss = self._shows_example()
        self._loss_roundoff, self._steps = roundoff.roundoff, roundoff.steps
        self._reference, self._allowance = roundoff.reference, roundoff.allowance
        # what was sent goes with the step (Send A, Send B, Undo: it stayed B's, review15k H1)
        self._sent_record = roundoff.record
        self.historyChanged.emit()
        self.textsChanged.emit(self.texts())
        self.recompute()

    def _parts(self) -> Sent:
        return Sent(self._loss_roundoff, self._steps, self._reference, self._allowance)

    def _sent(self) -> Sent:
        """The sent parts and the record of what was sent: one undo part."""
        return replace(self._parts(), record=self._sent_record)

    def _record_now(self) -> tuple[dict[str, str], Sent, dict[str, str] | None] | None:
        """The texts and sent parts the model holds now as what was sent (``_sent_parts``),
        for a restored session or an undone step: a field edited and typed back keeps them,
        as for a row just sent (review15k H1: after a restore or an Undo a no-op edit turned
        "Too coarse" into "Wrong"). None when nothing sent is held."""
        sent = self._parts()
        if sent == Sent(None, None):
            return None
        return self.texts(), sent, None if self._origin is None else dict(self._origin)

    def _state_keys(self) -> tuple[str, ...]:
        return ("history", "loss_roundoff", "steps", "reference", "allowance")

    def _restore(self, texts: dict[str, str], state: dict[str, Any]) -> list[str]:
        from fdgui.core.jobs import drive
        from fdgui.core.session import SessionError, table_rows

        problems: list[str] = []
        try:
            rows, count = table_rows(state.get("history", []))
        except SessionError:
            rows, count, problems = [], 0, ["history"]
        self.history.clear()
        self._pending_history = []
        self._generation += 1
        if count <= BACKGROUND_ROWS:
            measured = drive(_measure_saved(rows))
            self._append_measured(measured)
            problems += measured.problems
            self.historyChanged.emit()
        else:  # read after the window is up; rows typed meanwhile follow the saved ones
            self._read_saved_later(rows)
        roundoff, bad = _saved_roundoff(state.get("loss_roundoff"))
        problems += bad
        steps, reference = _steps(state.get("steps")), _pair(state.get("reference"))
        allowance = _allowance(state)
        problems += [
            key
            for key, read in (("steps", steps), ("reference", reference), ("allowance", allowance))
            if state.get(key) is not None and read is None
        ]
        if texts or roundoff is not None:
            self._texts.update(texts)
            self._example_loss = self._shows_example()
            self._loss_roundoff = roundoff
            self._steps, self._reference, self._allowance = steps, reference, allowance
            self._origin = None
            self._sent_record = self._record_now()
            self.textsChanged.emit(self.texts())
            self.recompute()
        return problems

    def _read_saved_later(self, rows: list[Any] | str) -> None:
        self._pending_history = rows
        generation = self._generation

        def read(measured: Any) -> None:
            if generation == self._generation:  # not cleared or restored again since
                self._history_read(measured)

        # once the window has painted: reading competes with its first paint for the GIL
        def start() -> None:
            if generation == self._generation:
                self._start_reading(_measure_saved, rows, read)

        QTimer.singleShot(RESTORE_DELAY_MS, self, start)

    def _history_read(self, measured: Any) -> None:
        """A long saved history has been read: its rows go before any added meanwhile."""
        import numpy as np

        pending, self._pending_history = self._pending_history, []
        lines = pending.split("\n") if isinstance(pending, str) and pending else None
        if lines is not None and not measured.problems and len(lines) == len(measured.rows):
            # each row saves again as the line it was read from: a history read in the
            # background is no unsaved change (the session's baseline holds those lines)
            known, alive = self._row_lines
            known = {**known, **dict(zip(map(id, measured.rows), lines, strict=True))}
            self._row_lines = (known, [*alive, *measured.rows])
        if measured.problems:
            named = ", ".join(measured.problems[:5])
            more = f" and {len(measured.problems) - 5:,} more" if len(measured.problems) > 5 else ""
            self.statusMessage.emit(
                f"Could not restore {len(measured.problems):,} saved measurement row(s): "
                f"calculator {named}{more}."
            )
        saved = np.asarray(measured.points, dtype=float).reshape(-1, 4)
        self.history.set_rows(
            measured.rows + self.history.rows(),
            np.concatenate([saved, self.history.points()]),
        )
        if self.undo_stack is not None and pending:  # steps taken meanwhile: rows read too
            from fdgui.ui.calculator.undo_rebase import with_read_rows

            self.undo_stack.rebase(self, with_read_rows(pending, measured.rows, saved))
        self.historyChanged.emit()


@dataclass(frozen=True)
class Sent:
    """What came with losses sent from the ε explorer (None, None for typed ones): their
    format's unit round-off and the steps w ± ε really took in it. One undo part."""

    roundoff: Decimal | None
    steps: tuple[Decimal, Decimal] | None
    reference: tuple[Decimal, Decimal] | None = None
    allowance: Decimal | None = None
    # the record of what was sent (texts, parts, origin: ``CalculatorModel._sent_record``),
    # carried by undo with the parts (review15k H1)
    record: Any = None


def _reference(origin: Any) -> tuple[Decimal, Decimal] | None:
    """The explorer's trusted reference and its bar from its ``origin``, or None."""
    if not isinstance(origin, dict) or "reference" not in origin:
        return None
    return _pair((origin.get("reference"), origin.get("reference_error", "0")))


def _allowance(origin: Any) -> Decimal | None:
    """What the explorer allows a typed claim beyond its digits (``origin["allowance"]`` or a
    saved state's), a finite decimal ≥ 0, or None."""
    text = origin.get("allowance") if isinstance(origin, dict) else None
    if not isinstance(text, str):
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    return value if value.is_finite() and value >= 0 else None


def _pair(texts: Any) -> tuple[Decimal, Decimal] | None:
    """A saved reference: two finite decimals (value, bar ≥ 0), or None."""
    if texts is None:
        return None
    try:
        value, bar = (Decimal(str(text)) for text in texts)
    except (ArithmeticError, TypeError, ValueError):
        return None
    if not (value.is_finite() and bar.is_finite() and bar >= 0):
        return None
    return value, bar


def _steps(texts: Any) -> tuple[Decimal, Decimal] | None:
    """Two steps h+, h− > 0 (decimal texts or Decimals) that a float holds as normal numbers,
    or None when not two such numbers."""
    from fdgui.core.numbers.precision import float_normal

    if texts is None:
        return None
    try:
        plus, minus = (Decimal(str(text)) for text in texts)
    except (ArithmeticError, TypeError, ValueError):
        return None
    if not (float_normal(plus) and float_normal(minus)):  # positive, and a float holds them
        return None
    return plus, minus


def _saved_roundoff(saved: Any) -> tuple[Decimal | None, list[str]]:
    """A saved ``loss_roundoff`` (a decimal text, 0 < u < 1, a float's normal number) and the
    entry's name if bad."""
    from fdgui.core.numbers.precision import usable_roundoff

    if saved is None:
        return None, []
    try:
        value = Decimal(saved) if isinstance(saved, str) else None
    except ArithmeticError:
        value = None
    if value is None or not usable_roundoff(value):  # 1e-400: float() makes it 0
        return None, ["loss_roundoff"]
    return value, []


def _measure_saved(rows: list[Any] | str) -> Any:
    """A job: saved history rows (a text of tab-separated lines, lists or dicts) measured."""
    from fdgui.core.calculator.table import measure_rows, measure_saved_lines
    from fdgui.core.session import row_cells, split_rows

    if isinstance(rows, str):  # the saved text form: plain lines are read in bulk
        return (yield from measure_saved_lines(split_rows(rows), row_cells))
    cells = [row_cells(row) or row for row in split_rows(rows)]
    return (yield from measure_rows(cells))
