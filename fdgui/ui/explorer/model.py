"""The ε explorer's state: what to sweep, precision, grid, the latest sweep and the cursor.

The view forwards edits here (``set_text``, ``set_source``, ``set_cursor_epsilon``, …). Edits
are debounced; a sweep that is expected to take longer than about 100 ms runs as a worker
job with progress and Cancel, shorter ones run at once so typing feels live. The model never
touches a widget; it also decides what the view only draws (which reference disagrees, when
a correct verdict is limited by the finite differences).

State (``state()``): {"source": "expression" | "network" | "measured", "texts": {field:
text}, "cursor_epsilon": float or None, "pins": [pinned sweeps, see pins.py]}.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fdgui.core import requests
from fdgui.core.jobs import drive
from fdgui.core.numbers.parsing import InputError
from fdgui.ui import gc_guard
from fdgui.ui.explorer.cursor import CursorReadout
from fdgui.ui.explorer.jobs import _disagreeing_reference, _positive_number, _sweep_job, _words
from fdgui.ui.explorer.probe_sweeps import ProbeSweeps
from fdgui.ui.panel_model import PanelModel

DEBOUNCE_MS = 200
# measured rows past this count are swept in the worker (linear work, but about a second per
# 100,000 rows), and a history change waits longer before the re-sweep, so a run of edits
# or pastes costs one sweep
MEASURED_INLINE_ROWS = 1_000
MEASURED_DEBOUNCE_MS = 600
WORKER_THRESHOLD_S = 0.1
# GUI-thread time the extended-precision references of an inline sweep may take
INLINE_REFERENCE_S = WORKER_THRESHOLD_S / 2
# Seconds per (parameter × batch × loss evaluation), measured on the default network sweep
# (9,610 parameters, batch 32, 801 evaluations in about 15 ms); used only to guess whether a
# network sweep needs the worker before it has ever run.
_NETWORK_SECONDS_PER_UNIT = 0.015 / (9_610 * 32 * 801)

SOURCES = ("expression", "network", "measured", "probe")
TEXT_FIELDS = (
    "expression",
    "point",
    "min",
    "max",
    "points",
    "layers",
    "batch",
    "seed",
    "index",
    "measured_backprop",
    "probe_index",
    "probe_timeout",
    "probe_python",
    "grad",
)
CHOICE_FIELDS = ("dtype", "activation", "loss", "tensor", "bug", "probe_tensor", "table_dtype")
# the requests' defaults (the CLI's too), plus the typed backprop for measured rows
DEFAULT_TEXTS = {
    **requests.EXPRESSION_DEFAULTS,
    **requests.SWEEP_DEFAULTS,
    **requests.ENTRY_DEFAULTS,
    "measured_backprop": "",
    **requests.PROBE_ENTRY_DEFAULTS,
    "grad": "",  # your derivative (an expression in w or a number): the gradient under check
    "table_dtype": "float64",  # the format an imported table's losses came from
}


@dataclass(frozen=True)
class _SweepPlan:
    """A checked request: how to build the objective, what it is, the ε grid."""

    build: Callable[[], Any]  # builds the objective (a network is built here: maybe slow)
    key: Any  # what is swept, for the timing memory
    settings: Any  # SweepSettings
    spec: Any = None  # the network's spec, for a first guess of the time
    probe: Any = None  # the probe it sweeps (Cancel stops that one, never a newer pick)


def create_model(context: Any = None, parent: QObject | None = None) -> ExplorerModel:
    """The registry's model factory: the explorer reads the calculator's measured rows."""
    calculator = None if context is None else context.model("calculator")
    return ExplorerModel(calculator, parent)


class ExplorerModel(CursorReadout, ProbeSweeps, PanelModel):
    """Owns the explorer's inputs and results; views connect to its signals (see PanelModel).

    resultChanged carries the SweepResult; ``diagnosis()`` and the decisions about it are set
    before it is emitted. A failed sweep is reported by statusMessage.
    """

    FIELDS = TEXT_FIELDS + CHOICE_FIELDS
    sourceChanged = Signal(str)
    readoutChanged = Signal(object, str)  # PointReadout (or None), sentence about it
    rowsChanged = Signal(int)  # measured rows available
    probeLoaded = Signal(object)  # the ProbeModel the probe source now works on
    probeFailed = Signal(str, str)  # message, the user's traceback (see ui.probe_source)
    probeNote = Signal(str)  # "probe.py changed on disk and was reloaded"

    def __init__(self, calculator: Any | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts = dict(DEFAULT_TEXTS)
        self._source = "expression"
        self._imported: tuple[Any, tuple[str, ...], str] | None = None  # rows, bad rows, name
        self.import_note = ""  # what importing the table read from it (its losses' format)
        self._found_format: str | None = None  # the format an import found (not chosen)
        self._calculator = calculator
        self._objective: Any = None
        self._result: Any = None
        self._diagnosis: Any = None
        self._disagreeing: Any = None
        self._readout: Any = None
        self._cursor_epsilon: float | None = None
        self._wanted_cursor: float | None = None  # where the next result puts the cursor
        self._last_seconds: dict[Any, float] = {}
        self._swept_keys: set = set()  # probe_sweeps: entries whose references are known
        self._stale_reason = ""  # "" while the shown result matches the inputs
        self.force_worker = False  # tests: run every sweep through the worker
        from fdgui.ui.explorer.pins import Pins

        self.pins = Pins(self)  # sweeps pinned to compare with (saved in the session)
        self.pinsChanged = self.pins.pinsChanged
        self._probe_note = ""  # set in the worker when a changed probe file was reloaded
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sweep)
        self._history_debounce = QTimer(self)  # a long measured table's re-sweep
        self._history_debounce.setSingleShot(True)
        self._history_debounce.setInterval(MEASURED_DEBOUNCE_MS)
        self._history_debounce.timeout.connect(self.sweep)
        if calculator is not None and hasattr(calculator, "historyChanged"):
            calculator.historyChanged.connect(self._on_history_changed)
        self._connect_probe()
        from fdgui.ui.explorer.table_import import TableImport

        self.table_import = TableImport(self)  # Import table…: in the worker when long

    # --- reading state ---------------------------------------------------------------------
    def source(self) -> str:
        return self._source

    def result(self) -> Any:
        return self._result

    def diagnosis(self) -> Any:
        return self._diagnosis

    def disagreeing_reference(self) -> Any:
        """The first independent reference (complex step, else Richardson) when it differs
        from the gradient under check by more than 1e-6 relative, else None: where the
        curves should have converged to."""
        return self._disagreeing

    def correct_but_limited(self) -> bool:
        """The verdict is "correct", but the finite differences cannot show it fully."""
        diagnosis = self._diagnosis
        return (
            diagnosis is not None
            and diagnosis.kind == "correct"
            and diagnosis.limited_by is not None
        )

    def readout(self) -> Any:
        return self._readout

    def objective(self) -> Any:
        return self._objective

    def is_stale(self) -> bool:
        """True when the result on screen is out of date (bad input, or a failed sweep)."""
        return bool(self._stale_reason)

    def stale_reason(self) -> str:
        return self._stale_reason

    def _set_stale(self, reason: str) -> None:
        if self._result is None:
            reason = ""  # nothing on screen to be out of date
        if reason != self._stale_reason:
            self._stale_reason = reason
            self.staleChanged.emit(bool(reason), reason)

    def has_calculator(self) -> bool:
        """Whether measured rows can come from a calculator here."""
        return self._calculator is not None

    def measured_row_count(self) -> int:
        if self._calculator is None:
            return 0
        if self._imported is not None:
            return len(self._imported[0])
        return len(self._calculator.history_rows())

    # --- edits -------------------------------------------------------------------------------
    def set_text(self, field: str, text: str) -> None:
        """One input changed; a re-sweep follows after a short pause."""
        if field not in self._texts:
            raise KeyError(field)
        if self._texts[field] == text:
            return
        self._texts[field] = text
        self._wanted_cursor = None
        if field == "table_dtype":
            self._found_format = None  # the person's choice now: kept for the next file
        if field == "probe_timeout":
            self.probe.set_timeout(text)
        self._debounce.start()

    def set_source(self, source: str) -> None:
        if source not in SOURCES:
            raise KeyError(source)
        if source == self._source:
            return
        self._source = source
        self._wanted_cursor = None
        self.sourceChanged.emit(source)
        if source == "measured":
            self.rowsChanged.emit(self.measured_row_count())
        self._debounce.start()

    def set_texts(self, texts: dict[str, str]) -> None:
        """Set several inputs from outside the view (they are shown, then swept)."""
        for field, text in texts.items():
            if field not in self._texts:
                raise KeyError(field)
            self._texts[field] = text
        self.textsChanged.emit(self.texts())
        self._debounce.start()

    def sweep_network_parameter(
        self,
        spec: Any,
        tensor: str,
        index: int,
        dtype: str,
        bug: str | None = None,
        cursor_epsilon: float | None = None,
    ) -> None:
        """Select the built-in network with these settings and sweep now; the cursor then
        goes to ``cursor_epsilon`` when the sweep's range holds it."""
        self._texts.update(
            layers=",".join(str(size) for size in spec.layer_sizes),
            activation=spec.activation,
            loss=spec.loss,
            batch=str(spec.batch_size),
            seed=str(spec.seed),
            tensor=tensor,
            index=str(index),
            dtype=dtype,
            bug=bug or "",
        )
        self.textsChanged.emit(self.texts())
        if self._source != "network":
            self._source = "network"
            self.sourceChanged.emit("network")
        self._wanted_cursor = cursor_epsilon
        self.sweep()
        if not self.is_busy():  # swept at once, or refused: the wish is spent either way
            self._wanted_cursor = None

    # --- sweeping ----------------------------------------------------------------------------
    def _set_errors(self, errors: dict[str, str]) -> None:
        previous, self._errors = self._errors, errors
        for field in set(previous) | set(errors):
            if previous.get(field, "") != errors.get(field, ""):
                self.inputErrorChanged.emit(field, errors.get(field, ""))

    def _plan(self) -> _SweepPlan:
        """What to sweep and how, from the texts: every wrong field in one InputError."""
        from fdgui.core.sweep import objectives
        from fdgui.core.sweep.engine import check_point

        texts = self._texts
        errors: dict[str, str] = {}
        settings = None
        try:
            settings = requests.sweep_request({f: texts[f] for f in requests.SWEEP_DEFAULTS})
        except InputError as error:
            errors.update(error.errors)
        plan = None
        try:
            if self._source == "expression":
                expression_texts = {f: texts[f] for f in requests.EXPRESSION_DEFAULTS}
                if texts["grad"].strip():
                    objective = requests.typed_derivative_request(expression_texts, texts["grad"])
                else:
                    objective = requests.expression_request(expression_texts)
                if settings is not None:
                    check_point(objective.point, settings.dtype)  # w0 must fit the dtype
                plan = _SweepPlan(lambda: objective, objective.cache_key, settings)
            elif self._source == "measured":
                plan = self._measured_plan(settings)
            elif self._source == "probe":
                plan = self._probe_plan(settings)
            else:
                entry = requests.entry_request({f: texts[f] for f in requests.ENTRY_DEFAULTS})
                spec, bug = entry.network.spec, entry.network.bug

                def build() -> Any:  # builds the network: may run in the worker
                    return objectives.network_objective(spec, entry.tensor, entry.index, bug)

                key = ("network", spec, entry.tensor, entry.index, bug)
                plan = _SweepPlan(build, key, settings, spec)
        except InputError as error:
            errors.update(error.errors)
        if errors or plan is None:
            raise InputError.collected(errors or {"source": "nothing to sweep"})
        return plan

    def _measured_plan(self, settings: Any) -> _SweepPlan:
        from fdgui.core.numbers.parsing import parse_number
        from fdgui.core.sweep import objectives

        if self._imported is not None:
            rows = self._imported[0]  # columns (RowColumns): no object per row here
        elif self._calculator is None:
            rows = []
        else:  # a long history's new list of rows is set aside, as its columns are below
            many = self.measured_row_count() > MEASURED_INLINE_ROWS
            if many:
                gc_guard.freeze_long_lived()  # the young garbage is collected first
            rows = self._calculator.history_rows()
            if many:
                gc_guard.freeze_made_in_bulk()
        typed = self._texts["measured_backprop"]
        reference = None
        if typed.strip():
            # kept as typed (a Decimal): its last digit is part of its claim (typed_claim.py)
            reference = parse_number(typed, "measured_backprop")
        if settings is not None:  # rows are measured in the format their losses came from
            settings = dataclasses.replace(settings, dtype=self._texts["table_dtype"])
        if len(rows) > MEASURED_INLINE_ROWS:  # built (and its key hashed) in the worker

            def build() -> Any:
                objective = objectives.measured_objective(rows, reference)
                _ = objective.cache_key  # hashed here, not when the result is shown
                return objective

            return _SweepPlan(build, ("measured rows", len(rows), str(reference)), settings)
        objective = objectives.measured_objective(rows, reference)
        return _SweepPlan(lambda: objective, objective.cache_key, settings)

    def table_format_choice(self) -> tuple[str, str | None]:
        """For Import table…: the losses' format chosen now, and what the import is to take
        as chosen (None: read the format from the losses; the float64 default and a format
        the last import found are no choice of the person's)."""
        chosen = self._texts["table_dtype"]
        return chosen, None if chosen in ("float64", self._found_format) else chosen

    def accept_table(self, table: Any, chosen: str) -> None:
        """An imported table (core.table_job.ImportedTable, read with ``table_format_choice``
        = ``chosen``) becomes the measured rows (instead of the calculator's)."""
        self._imported = (table.rows, table.problems, table.name)
        self.import_note = ""
        # a format the last import found is no choice of the person's: found anew (review10m
        # MEDIUM-3: a float64 file after a float32 one was read as float32 without a word);
        # one the person chose while the file was read stands
        if self._texts["table_dtype"] == chosen and chosen in ("float64", self._found_format):
            found, self.import_note = table.found, table.note
            self._found_format = found
            if (found or "float64") != chosen:
                self.set_texts({"table_dtype": found or "float64"})
                if found is None:
                    self.import_note = (
                        "Its losses are read as float64: they fit no narrower format "
                        f"({chosen} was the last file's)."
                    )
        self.set_source("measured")
        self.rowsChanged.emit(self.measured_row_count())
        self._debounce.start()

    def imported_table(self) -> tuple[int, list[str], str] | None:
        """(rows, bad-row messages, file name) of an imported table, or None."""
        if self._imported is None:
            return None
        rows, problems, name = self._imported
        return len(rows), list(problems), name

    def forget_imported_table(self) -> None:
        """Back to the calculator's rows."""
        if self._imported is not None:
            self._imported = None
            self.rowsChanged.emit(self.measured_row_count())
            self._debounce.start()

    def _expected_seconds(self, timing_key: Any, spec: Any, points: int) -> float:
        """The last measured time for the same sweep, else a guess from the network size."""
        if isinstance(timing_key[0], tuple) and timing_key[0][:1] == ("probe",):
            return math.inf  # the person's code: always off the GUI thread, with Cancel
        if timing_key in self._last_seconds:
            return self._last_seconds[timing_key]
        if spec is None:
            return 0.0
        evaluations = 2 * points + 30
        return spec.parameter_count * spec.batch_size * evaluations * _NETWORK_SECONDS_PER_UNIT

    def sweep(self) -> None:
        """Validate, then sweep now (short) or in the worker (long). Bad input keeps the last
        result on screen and reports the field."""
        self._debounce.stop()
        self._history_debounce.stop()
        try:
            plan = self._plan()
        except InputError as error:
            self._set_errors(error.errors)
            self.cancel()
            names = ", ".join(FIELD_NAMES.get(field, field) for field in sorted(error.errors))
            self._set_stale(f"Out of date: fix {names or 'the input'} to update")
            return
        self._set_errors({})
        build, key, spec, settings = plan.build, plan.key, plan.spec, plan.settings
        # an empty min follows the dtype at w, an empty max follows w: resolved at w
        texts = {field: self._texts[field] for field in ("min", "max")}
        follows = requests.automatic_epsilon_min(texts) or requests.automatic_epsilon_max(texts)
        automatic = texts if follows else False
        self.cancel()
        self._job_probe = plan.probe
        timing_key = (key, settings.points, settings.dtype)
        expected = self._expected_seconds(timing_key, spec, settings.points)
        if self._source == "measured" and self.measured_row_count() > MEASURED_INLINE_ROWS:
            expected = math.inf
        if expected < WORKER_THRESHOLD_S and not self.force_worker:
            from fdgui.core.sweep.budget import OverBudget, budget

            started = time.perf_counter()
            try:
                # the extended-precision references run under a strict budget here: past
                # it the sweep moves to the worker (never unbounded work on the GUI thread)
                with budget(INLINE_REFERENCE_S, strict=True):
                    objective, result, diagnosis = drive(
                        _sweep_job(build, settings, None, automatic)
                    )
            except OverBudget:
                self._last_seconds[timing_key] = float("inf")  # next time straight there
                self._sweep_in_worker(build, settings, automatic, timing_key)
                return
            except InputError as error:
                self._set_errors({error.field: error.message})
                self._set_stale(
                    f"Out of date: fix {FIELD_NAMES.get(error.field, error.field)} to update"
                )
                self._probe_reloaded()
                return
            except Exception as error:  # shown in words, never a traceback
                self.statusMessage.emit(f"The sweep stopped: {_words(error)}")
                self._set_stale("Out of date: the last sweep failed (see the status below)")
                self._probe_reloaded()
                return
            self._last_seconds[timing_key] = time.perf_counter() - started
            self._accept(objective, result, diagnosis, inline=True)
            self._probe_reloaded()
            return
        self._sweep_in_worker(build, settings, automatic, timing_key)

    def _sweep_in_worker(
        self, build: Callable[[], Any], settings: Any, automatic: Any, timing_key: Any
    ) -> None:
        started = time.perf_counter()

        def returned(value: Any) -> None:
            self._last_seconds[timing_key] = time.perf_counter() - started
            self._swept_keys.add(timing_key[0])  # its references are known now
            self._accept(*value)
            if self._source == "probe":
                self.probeFailed.emit("", "")
            self._probe_reloaded()

        def errored(message: str, details: str) -> None:
            if self._source == "probe":
                from fdgui.ui.probe_source import _is_user_details

                self.probeFailed.emit(message, details if _is_user_details(details) else "")
            self.statusMessage.emit(f"The sweep stopped: {message}")
            self._set_stale("Out of date: the last sweep failed (see the status below)")
            self._probe_reloaded()

        after = self._measurement_done()  # the cursor's measurement first (cursor.py)
        progressed = self._probe_cost(timing_key, settings)  # its loss calls, said (M3)
        self.start_job(_sweep_job, build, settings, 64, automatic, after, returned=returned,
                       errored=errored, progressed=progressed)  # fmt: skip

    def cancel_pressed(self) -> None:
        """Cancel (the button, Esc): stop the sweep, and a probe file still opening."""
        self.probe.stop_opening()
        self.table_import.cancel()
        self._stop_measuring()
        if self._cost_ticker is not None:  # where a running probe sweep stopped, in words
            self._cost_ticker.stop(cancelled=self.is_busy())
        self.cancel()

    def cancel(self) -> None:
        """Stop a running sweep at once; the last finished result stays on screen (a probe's
        process is stopped too: the next sweep starts a new one)."""
        if self.is_busy() and self._job_probe is not None:
            self.probe.stop(self._job_probe)  # only the probe this sweep used
        self._detach_job()

    def _accept(self, objective: Any, result: Any, diagnosis: Any, inline: bool = False) -> None:
        """A finished sweep goes on screen; ``inline``: it ran on the GUI thread (its cursor
        readouts may too, see cursor.py)."""
        previous = self._result
        same_question = (
            previous is not None
            and previous.dtype == result.dtype
            and getattr(self._objective, "cache_key", None) == getattr(objective, "cache_key", 0)
        )
        self._objective, self._result, self._diagnosis = objective, result, diagnosis
        self._new_readout_result(inline)
        self._disagreeing = _disagreeing_reference(result)
        self.resultChanged.emit(result)
        self._set_stale("")
        # the cursor stays where the person put it while only the range changes; a new
        # objective or dtype starts it at the recommended ε, unless a caller (another panel,
        # a restored session) asked for an ε in range
        wanted, self._wanted_cursor = self._wanted_cursor, None
        epsilon = wanted if wanted is not None else self._cursor_epsilon if same_question else None
        if epsilon is None or not (result.epsilons[0] <= epsilon <= result.epsilons[-1]):
            epsilon = diagnosis.recommended["central"]
        self._accepting = True  # the sweep's job has made its last call
        try:
            self.set_cursor_epsilon(epsilon)
        finally:
            self._accepting = False

    def _on_history_changed(self) -> None:
        self.rowsChanged.emit(self.measured_row_count())
        if self._source == "measured":
            many = self.measured_row_count() > MEASURED_INLINE_ROWS
            (self._history_debounce if many else self._debounce).start()

    # --- cursor (set_cursor_epsilon, the readout: cursor.py) ---------------------------------
    def cursor_epsilon(self) -> float | None:
        return self._cursor_epsilon

    def sendable(self) -> bool:
        """Whether the cursor's L, L+ and L− are numbers the calculator can take (log(w) at
        0.001 with ε = 0.01: L− is NaN; sending it raised decimal's InvalidOperation)."""
        readout = self._readout
        if readout is None:
            return False
        return all(math.isfinite(v) for v in (readout.loss, readout.loss_plus, readout.loss_minus))

    def send_to_calculator(self, context: Any) -> bool:
        """Fill the calculator with the cursor's L, L+, L−, ε (and the checked gradient)."""
        from fdgui.ui.explorer.send import sent_backprop, sent_origin, sent_steps

        if self._readout is None or context is None or self._result is None or self.is_stale():
            return False
        if self._calculator is None:
            return False
        readout = self._readout
        if not self.sendable():
            self.statusMessage.emit(
                "Not sent: a loss at this ε is not a finite number, and the calculator takes "
                "only numbers. Move the cursor to an ε where L, L+ and L− are finite."
            )
            return False
        steps = sent_steps(self._objective, self._result, readout.epsilon)
        texts = readout.calculator_texts(steps)
        backprop = sent_backprop(self._result.reference)  # its digits as typed
        from fdgui.core.numbers.precision import unit_roundoff

        calculator, dtype = self._calculator, self._result.dtype
        origin = sent_origin(self._result, self._diagnosis)  # beside the calculator's verdict

        def change() -> None:
            calculator.set_inputs(
                texts["loss"],
                texts["loss_plus"],
                texts["loss_minus"],
                texts["epsilon"],
                backprop,
                # the losses are binaries of the sweep's dtype, not decimals with that many
                # digits
                loss_roundoff=unit_roundoff(dtype),
                origin=origin,
                # the steps w ± ε took in the dtype: what the differences divide by
                **({} if steps is None else {"steps": tuple(map(str, steps))}),
            )

        undoable = getattr(calculator, "undoable", None)
        if undoable is None:
            change()
        else:  # what was typed in the calculator comes back with Undo
            undoable("Send to calculator", change)
        context.open_panel("calculator")
        return True

    # --- state -------------------------------------------------------------------------------
    def choices(self, field: str) -> tuple[str, ...] | None:
        from fdgui.core.models.mlp import ACTIVATIONS, BUGS, LOSSES
        from fdgui.core.numbers.precision import DTYPE_NAMES

        return {
            "dtype": tuple(DTYPE_NAMES),
            "activation": tuple(ACTIVATIONS),
            "loss": tuple(LOSSES),
            "bug": ("", *BUGS),
            "table_dtype": requests.TABLE_SOURCE_DTYPES,
        }.get(field)  # probe_tensor: free (a saved name waits for the person to pick a file)

    def state(self) -> dict[str, Any]:
        return {
            "source": self._source,
            "texts": self.texts(),
            # a cursor waiting for its sweep (a restored session's) is the panel's cursor
            # already: a slow first sweep must not make the restored session "changed"
            "cursor_epsilon": self._cursor_epsilon
            if self._wanted_cursor is None
            else self._wanted_cursor,
            "pins": self.pins.state(),
        }

    def _state_keys(self) -> tuple[str, ...]:
        return ("source", "cursor_epsilon", "pins")

    _undoing = False

    def apply_snapshot(self, snapshot: Any) -> None:
        """Undo and redo: ``restore``, but an import still running goes on."""
        self._undoing = True
        try:
            super().apply_snapshot(snapshot)
        finally:
            self._undoing = False

    def _restore(self, texts: dict[str, str], state: dict[str, Any]) -> list[str]:
        """Texts and source now; the cursor once the next sweep (if its range holds it)."""
        if not self._undoing:  # a session opened: an import's rows would replace its source
            self.table_import.cancel()
        problems = []
        source = state.get("source", self._source)
        if source not in SOURCES:
            problems.append("source")
            source = self._source
        cursor = _positive_number(state.get("cursor_epsilon"))
        if state.get("cursor_epsilon") is not None and cursor is None:
            problems.append("cursor_epsilon")
        self._texts.update(texts)
        self.textsChanged.emit(self.texts())
        if source != self._source:
            self._source = source
            self.sourceChanged.emit(source)
        self._wanted_cursor = None if cursor is None else float(cursor)
        problems += self.pins.restore(state.get("pins", []))
        if self._result is not None:  # already swept: sweep the restored inputs
            self._debounce.start()
        return problems


# fmt: off
FIELD_NAMES = {
    "expression": "the expression", "point": "the point w0", "min": "the smallest ε",
    "max": "the largest ε", "points": "the number of points", "dtype": "the dtype",
    "layers": "the layer sizes", "activation": "the activation", "loss": "the loss",
    "batch": "the batch size", "seed": "the seed", "tensor": "the tensor", "index": "the index",
    "bug": "the backprop choice", "measured_backprop": "the backprop value",
    "grad": "your derivative", "table_dtype": "the format of the table's losses",
    "rows": "the measured rows", "probe": "the probe file", "probe_tensor": "the probe's tensor",
    "probe_index": "the probe's entry", "probe_timeout": "the probe's timeout",
}
# fmt: on
