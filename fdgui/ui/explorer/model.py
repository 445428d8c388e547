"""The ε explorer's state: what to sweep, precision, grid, the latest sweep and the cursor.

The view forwards edits here (``set_text``, ``set_source``, ``set_cursor_epsilon``, …). Edits
are debounced; a sweep that is expected to take longer than about 100 ms runs as a worker
job with progress and Cancel, shorter ones run at once so typing feels live. The model never
touches a widget.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fdgui.core.jobs import drive
from fdgui.core.numbers.parsing import InputError

DEBOUNCE_MS = 200
WORKER_THRESHOLD_S = 0.1
# Seconds per (parameter × batch × loss evaluation), measured on the default network sweep
# (9,610 parameters, batch 32, 801 evaluations in about 15 ms); used only to guess whether a
# network sweep needs the worker before it has ever run.
_NETWORK_SECONDS_PER_UNIT = 0.015 / (9_610 * 32 * 801)

SOURCES = ("expression", "network", "measured")
TEXT_FIELDS = (
    "expression",
    "point",
    "min",
    "max",
    "points",
    "layer_sizes",
    "batch_size",
    "seed",
    "index",
    "measured_backprop",
)
CHOICE_FIELDS = ("dtype", "activation", "loss", "tensor", "bug")
DEFAULT_TEXTS = {
    "expression": "sin(w)*exp(-w**2)",
    "point": "0.7",
    "min": "1e-16",
    "max": "1",
    "points": "400",
    "layer_sizes": "64,128,10",
    "batch_size": "32",
    "seed": "0",
    "index": "0",
    "measured_backprop": "",
    "dtype": "float64",
    "activation": "tanh",
    "loss": "cross-entropy",
    "tensor": "W1",
    "bug": "",
}


class ExplorerModel(QObject):
    """Owns the explorer's inputs and results; views connect to its signals."""

    textsChanged = Signal(dict)  # field -> text, when changed from outside the view
    sourceChanged = Signal(str)
    inputErrorChanged = Signal(str, str)  # field, message ("" when fine)
    busyChanged = Signal(bool)
    progressed = Signal(float, str)
    resultChanged = Signal(object, object)  # SweepResult, Diagnosis
    readoutChanged = Signal(object, str)  # PointReadout (or None), sentence about it
    failed = Signal(str)  # a sweep that could not run, in words
    staleChanged = Signal(bool, str)  # the shown result no longer matches the inputs; why
    rowsChanged = Signal(int)  # measured rows available

    def __init__(self, calculator: Any | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts: dict[str, str] = dict(DEFAULT_TEXTS)
        self._source = "expression"
        self._errors: dict[str, str] = {}
        self._calculator = calculator
        self._objective: Any = None
        self._result: Any = None
        self._diagnosis: Any = None
        self._readout: Any = None
        self._cursor_epsilon: float | None = None
        self._job: Any = None
        self._job_info: tuple[Any, Any, float] | None = None
        self._last_seconds: dict[Any, float] = {}
        self._stale_reason = ""  # "" while the shown result matches the inputs
        self.force_worker = False  # tests: run every sweep through the worker
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sweep)
        if calculator is not None and hasattr(calculator, "historyChanged"):
            calculator.historyChanged.connect(self._on_history_changed)

    # --- reading state ---------------------------------------------------------------------
    def text(self, field: str) -> str:
        return self._texts[field]

    def texts(self) -> dict[str, str]:
        return dict(self._texts)

    def source(self) -> str:
        return self._source

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def result(self) -> Any:
        return self._result

    def diagnosis(self) -> Any:
        return self._diagnosis

    def readout(self) -> Any:
        return self._readout

    def objective(self) -> Any:
        return self._objective

    def is_busy(self) -> bool:
        return self._job is not None

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

    def measured_row_count(self) -> int:
        if self._calculator is None:
            return 0
        return len(self._calculator.history_rows())

    # --- edits -------------------------------------------------------------------------------
    def set_text(self, field: str, text: str) -> None:
        """One input changed; a re-sweep follows after a short pause."""
        if field not in self._texts:
            raise KeyError(field)
        if self._texts[field] == text:
            return
        self._texts[field] = text
        self._debounce.start()

    def set_source(self, source: str) -> None:
        if source not in SOURCES:
            raise KeyError(source)
        if source == self._source:
            return
        self._source = source
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
        self, spec: Any, tensor: str, index: int, dtype: str, bug: str | None = None
    ) -> None:
        """Select the built-in network with these settings and sweep now."""
        self._texts.update(
            layer_sizes=",".join(str(size) for size in spec.layer_sizes),
            activation=spec.activation,
            loss=spec.loss,
            batch_size=str(spec.batch_size),
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
        self.sweep()

    # --- sweeping ----------------------------------------------------------------------------
    def _set_errors(self, errors: dict[str, str]) -> None:
        previous, self._errors = self._errors, errors
        for field in set(previous) | set(errors):
            if previous.get(field, "") != errors.get(field, ""):
                self.inputErrorChanged.emit(field, errors.get(field, ""))

    def _settings(self):
        from fdgui.core.numbers.parsing import parse_number
        from fdgui.core.sweep.engine import SweepSettings

        errors: dict[str, str] = {}
        values: dict[str, float] = {}
        for field in ("min", "max"):
            try:
                values[field] = float(parse_number(self._texts[field], field, positive=True))
            except InputError as error:
                errors[field] = error.message
        points = None
        try:
            points = int(self._texts["points"].strip())
        except ValueError:
            errors["points"] = "enter a whole number of points"
        if errors:
            return None, errors
        settings = SweepSettings(self._texts["dtype"], values["min"], values["max"], points)
        try:
            settings.validate()
        except InputError as error:
            return None, {error.field: error.message}
        return settings, {}

    def _builder(self) -> tuple[Callable[[], Any] | None, dict[str, str], Any, Any]:
        """A function that builds the objective (cheap checks done now), errors, cache key."""
        from fdgui.core.sweep import objectives

        texts = self._texts
        if self._source == "expression":
            try:
                objective = objectives.expression_objective(texts["expression"], texts["point"])
            except InputError as error:
                return None, {error.field: error.message}, None, None
            return (lambda: objective), {}, objective.cache_key, None
        if self._source == "measured":
            rows = [] if self._calculator is None else self._calculator.history_rows()
            reference = None
            if texts["measured_backprop"].strip():
                from fdgui.core.numbers.parsing import parse_number

                try:
                    reference = float(parse_number(texts["measured_backprop"], "measured_backprop"))
                except InputError as error:
                    return None, {error.field: error.message}, None, None
            try:
                objective = objectives.measured_objective(rows, reference)
            except InputError as error:
                return None, {error.field: error.message}, None, None
            return (lambda: objective), {}, objective.cache_key, None
        from fdgui.core.models.mlp import NetworkSpec, parse_layer_sizes

        errors: dict[str, str] = {}
        try:
            sizes = parse_layer_sizes(texts["layer_sizes"])  # strict: 20,,10 is refused
        except ValueError as error:
            errors["layer_sizes"] = str(error).removeprefix("layer_sizes: ")
            sizes = ()
        whole: dict[str, int] = {}
        for field in ("batch_size", "seed", "index"):
            try:
                whole[field] = int(texts[field].strip())
            except ValueError:
                errors[field] = "enter a whole number"
        if errors:
            return None, errors, None, None
        spec = NetworkSpec(
            sizes, texts["activation"], texts["loss"], whole["batch_size"], whole["seed"]
        )
        bug = texts["bug"] or None
        try:
            spec.validate()
            from fdgui.core.models.mlp import check_bug

            check_bug(bug, spec)
        except ValueError as error:
            field, _, message = str(error).partition(": ")
            return None, {field: message or str(error)}, None, None
        from fdgui.core.sweep.objectives import (
            _gigabytes,
            memory_allowance_bytes,
            network_memory_bytes,
        )

        needed, allowed = network_memory_bytes(spec), memory_allowance_bytes()
        if needed > allowed:
            batch_heavy = spec.batch_size * sum(spec.layer_sizes) * 8 > 6 * spec.parameter_count
            field = "batch_size" if batch_heavy else "layer_sizes"
            return (
                None,
                {
                    field: f"needs about {_gigabytes(needed)} of memory to sweep; at most "
                    f"{_gigabytes(allowed)} here: use a smaller "
                    f"{'batch' if batch_heavy else 'network'}"
                },
                None,
                None,
            )
        shapes = dict(spec.tensor_shapes)
        tensor = texts["tensor"]
        if tensor not in shapes:
            return None, {"tensor": f"{tensor} is not one of {', '.join(shapes)}"}, None, None
        size = 1
        for extent in shapes[tensor]:
            size *= extent
        if not 0 <= whole["index"] < size:
            return None, {"index": f"choose 0…{size - 1} for {tensor}"}, None, None
        key = ("network", spec, tensor, whole["index"], bug)

        def build():
            return objectives.network_objective(spec, tensor, whole["index"], bug)

        return build, {}, key, spec

    def _expected_seconds(self, timing_key: Any, spec: Any, points: int) -> float:
        """The last measured time for the same sweep, else a guess from the network size."""
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
        build, errors, key, spec = self._builder()
        settings, setting_errors = self._settings()
        errors.update(setting_errors)
        if build is not None and settings is not None and self._source == "expression":
            point_error = _point_error(build, settings)
            if point_error:
                build, errors = None, {"point": point_error}
        self._set_errors(errors)
        if build is None or settings is None:
            self.cancel()
            names = ", ".join(FIELD_NAMES.get(field, field) for field in sorted(errors))
            self._set_stale(f"Out of date: fix {names or 'the input'} to update")
            return
        self.cancel()
        timing_key = (key, settings.points, settings.dtype)
        expected = self._expected_seconds(timing_key, spec, settings.points)
        if expected < WORKER_THRESHOLD_S and not self.force_worker:
            started = time.perf_counter()
            try:
                objective, result, diagnosis = drive(_sweep_job(build, settings, None))
            except InputError as error:
                self._set_errors({error.field: error.message})
                self._set_stale(
                    f"Out of date: fix {FIELD_NAMES.get(error.field, error.field)} to update"
                )
                return
            except Exception as error:  # shown in words, never a traceback
                self.failed.emit(f"The sweep stopped: {_words(error)}")
                self._set_stale("Out of date: the last sweep failed (see the status below)")
                return
            self._last_seconds[timing_key] = time.perf_counter() - started
            self._accept(objective, result, diagnosis)
            return
        from fdgui.ui.worker import start_job

        job = start_job(_sweep_job, build, settings, 64)
        self._job = job
        self._job_info = (job, timing_key, time.perf_counter())
        self.busyChanged.emit(True)
        # bound methods of this QObject: Qt drops the connections if the model goes away
        # while a cancelled job is still winding down in the pool
        job.progressed.connect(self._job_progressed)
        job.returned.connect(self._job_returned)
        job.errored.connect(self._job_errored)
        job.finished.connect(self._job_finished)

    def _current_job(self) -> bool:
        return self._job is not None and self.sender() is self._job

    def _job_progressed(self, fraction: float, message: str) -> None:
        if self._current_job():
            self.progressed.emit(fraction, message)

    def _job_returned(self, value: Any) -> None:
        if not self._current_job():
            return
        _, timing_key, started = self._job_info
        self._last_seconds[timing_key] = time.perf_counter() - started
        self._accept(*value)

    def _job_errored(self, message: str, _details: str) -> None:
        if self._current_job():
            self.failed.emit(f"The sweep stopped: {message}")
            self._set_stale("Out of date: the last sweep failed (see the status below)")

    def _job_finished(self) -> None:
        if self._current_job():
            self._job = None
            self.busyChanged.emit(False)

    def cancel(self) -> None:
        """Stop a running sweep; the last finished result stays on screen."""
        if self._job is not None:
            job, self._job = self._job, None
            job.cancel()
            self.busyChanged.emit(False)

    def _accept(self, objective: Any, result: Any, diagnosis: Any) -> None:
        previous = self._result
        same_question = (
            previous is not None
            and previous.dtype == result.dtype
            and getattr(self._objective, "cache_key", None) == getattr(objective, "cache_key", 0)
        )
        self._objective, self._result, self._diagnosis = objective, result, diagnosis
        self.resultChanged.emit(result, diagnosis)
        self._set_stale("")
        # the cursor stays where the person put it while only the range changes; a new
        # objective or dtype starts it at the recommended ε
        epsilon = self._cursor_epsilon if same_question else None
        if epsilon is None or not (result.epsilons[0] <= epsilon <= result.epsilons[-1]):
            epsilon = diagnosis.recommended["central"]
        self.set_cursor_epsilon(epsilon)

    def _on_history_changed(self) -> None:
        self.rowsChanged.emit(self.measured_row_count())
        if self._source == "measured":
            self._debounce.start()

    # --- cursor ------------------------------------------------------------------------------
    def set_cursor_epsilon(self, epsilon: float) -> None:
        """Values at the chosen ε (evaluated exactly there for a function objective)."""
        from fdgui.core.report.sweep import point_text
        from fdgui.core.sweep.engine import evaluate_at

        if self._result is None or not (epsilon > 0):
            return
        self._cursor_epsilon = float(epsilon)
        try:
            readout = evaluate_at(self._objective, self._result, float(epsilon))
        except (ValueError, MemoryError) as error:
            self.readoutChanged.emit(None, _words(error))
            return
        self._readout = readout
        self.readoutChanged.emit(readout, point_text(self._result, readout))

    def cursor_epsilon(self) -> float | None:
        return self._cursor_epsilon

    def send_to_calculator(self, context: Any) -> bool:
        """Fill the calculator with the cursor's L, L+, L−, ε (and the checked gradient)."""
        from fdgui.core.sweep.engine import exact_decimal_text

        if self._readout is None or context is None or self._result is None or self.is_stale():
            return False
        texts = self._readout.calculator_texts()
        reference = self._result.reference
        backprop = None if reference is None else exact_decimal_text(reference.value)
        from fdgui.core.numbers.precision import unit_roundoff

        context.calculator.set_inputs(
            texts["loss"],
            texts["loss_plus"],
            texts["loss_minus"],
            texts["epsilon"],
            backprop,
            # the losses are binaries of the sweep's dtype, not decimals with that many digits
            loss_roundoff=unit_roundoff(self._result.dtype),
        )
        context.open_panel("calculator")
        return True


FIELD_NAMES = {
    "expression": "the expression",
    "point": "the point w0",
    "min": "the smallest ε",
    "max": "the largest ε",
    "points": "the number of points",
    "dtype": "the dtype",
    "layer_sizes": "the layer sizes",
    "activation": "the activation",
    "loss": "the loss",
    "batch_size": "the batch size",
    "seed": "the seed",
    "tensor": "the tensor",
    "index": "the index",
    "bug": "the backprop choice",
    "measured_backprop": "the backprop value",
    "rows": "the measured rows",
}


def _point_error(build: Callable[[], Any], settings: Any) -> str:
    """'' when w0 fits the dtype, else why not (checked before sweeping, beside the field)."""
    from fdgui.core.sweep.engine import check_point

    try:
        check_point(build().point, settings.dtype)
    except InputError as error:
        return error.message
    return ""


def _words(error: BaseException) -> str:
    if isinstance(error, InputError):
        return error.message
    if isinstance(error, MemoryError):
        return "not enough memory for this sweep; use fewer points or a smaller network"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _sweep_job(
    build: Callable[[], Any], settings: Any, chunk: int | None
) -> Generator[tuple[float, str], None, tuple[Any, Any, Any]]:
    """Build the objective, sweep it and diagnose: one generator for either thread."""
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import sweep_steps

    yield 0.0, "preparing"
    objective = build()
    result = yield from sweep_steps(objective, settings, chunk=chunk)
    return objective, result, diagnose(result)
