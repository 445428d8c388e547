"""The Network-check panel's state: typed settings, the cost plan, the running job, the report.

The view forwards edits (``set_text(field, text)``), clicks (``run()``, ``cancel()``) and reads
signals; the model parses, validates in the core, runs the planner and the check as worker
jobs, and keeps the last finished report until a new one replaces it (a failed or cancelled
run never clears it). The model never touches a widget.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from shiboken6 import isValid

PLAN_DEBOUNCE_MS = 300
TEXT_FIELDS = ("layers", "batch", "seed", "samples", "directions", "epsilon")
CHOICE_FIELDS = ("activation", "loss", "dtype", "bug", "mode")
ALL_FIELDS = TEXT_FIELDS + CHOICE_FIELDS
DEFAULT_TEXTS: dict[str, str] = {
    "layers": "64,128,10",
    "batch": "32",
    "seed": "0",
    "samples": "16",
    "directions": "8",
    "epsilon": "",
    "activation": "tanh",
    "loss": "cross-entropy",
    "dtype": "float64",
    "bug": "",
    "mode": "full",
}
# core field name (as in ValueError messages) -> the panel field that shows it
_FIELD_FOR_CORE = {
    "layer_sizes": "layers",
    "batch_size": "batch",
    "seed": "seed",
    "samples": "samples",
    "directions": "directions",
    "epsilon": "epsilon",
    "activation": "activation",
    "loss": "loss",
    "dtype": "dtype",
    "bug": "bug",
    "mode": "mode",
}


def _plan_job(settings: Any) -> Generator[float, None, Any]:
    from fdgui.core.netcheck import plan_costs

    yield 0.0
    return plan_costs(settings)


class NetcheckModel(QObject):
    """Owns the check's inputs and results; the view connects to these signals."""

    textChanged = Signal(str, str)  # field, text
    inputErrorChanged = Signal(str, str)  # field, message ("" = fine)
    settingsChanged = Signal(object)  # CheckSettings, or None while some field is wrong
    planChanged = Signal(object)  # dict[mode, CostPlan], or None while (re)measuring
    runningChanged = Signal(bool)
    progressed = Signal(float, str, float)  # fraction, message, ETA seconds (NaN: unknown)
    reportChanged = Signal(object)  # the newest finished CheckReport
    statusMessage = Signal(str)

    def __init__(self, parent: QObject | None = None, quitting: Any = None) -> None:
        """``quitting``: a signal that means the app is closing (default: aboutToQuit)."""
        super().__init__(parent)
        self._texts = dict(DEFAULT_TEXTS)
        self._errors: dict[str, str] = {}
        self._settings: Any = None
        self._plan: Any = None
        self._report: Any = None
        self._job: Any = None
        self._plan_job: Any = None
        self._plan_pending = False
        self._warmed_up = False  # has a cost measurement run yet in this model?
        self._started = 0.0
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DEBOUNCE_MS)
        self._plan_timer.timeout.connect(self._start_plan)
        if quitting is None and QCoreApplication.instance() is not None:
            quitting = QCoreApplication.instance().aboutToQuit
        if quitting is not None:  # a long check must not keep a closing app waiting
            quitting.connect(self.cancel)
        self._revalidate()

    # ------------------------------------------------------------------ reading state
    def text(self, field: str) -> str:
        return self._texts[field]

    def texts(self) -> dict[str, str]:
        return dict(self._texts)

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    @property
    def settings(self) -> Any:
        return self._settings

    @property
    def plan(self) -> Any:
        return self._plan

    @property
    def report(self) -> Any:
        return self._report

    @property
    def running(self) -> bool:
        return self._job is not None

    # ------------------------------------------------------------------ edits
    def set_text(self, field: str, text: str) -> None:
        if field not in ALL_FIELDS:
            raise KeyError(field)
        if self._texts[field] == text:
            return
        self._texts[field] = text
        self.textChanged.emit(field, text)
        self._revalidate()

    def _parse(self) -> tuple[Any, dict[str, str]]:
        """CheckSettings from the texts, or the errors by panel field."""
        from fdgui.core.models.mlp import NetworkSpec, parse_layer_sizes
        from fdgui.core.netcheck import CheckSettings

        texts = self._texts
        errors: dict[str, str] = {}

        def whole(field: str) -> int:
            text = texts[field].strip()
            try:
                return int(text)
            except ValueError:
                errors[field] = f"{text!r} is not a whole number" if text else "type a number"
                return 1

        try:
            layers = parse_layer_sizes(texts["layers"])
        except ValueError as error:
            errors["layers"] = str(error).partition(": ")[2]
            layers = (1, 2)
        batch, seed = whole("batch"), whole("seed")
        samples, directions = whole("samples"), whole("directions")
        epsilon = None
        if texts["epsilon"].strip():
            try:
                epsilon = float(texts["epsilon"])
            except ValueError:
                errors["epsilon"] = f"{texts['epsilon'].strip()!r} is not a number"
        from fdgui.core.netcheck import MAX_DIRECTIONS, MAX_SAMPLES, check_count

        for field, value, upper in (
            ("samples", samples, MAX_SAMPLES),
            ("directions", directions, MAX_DIRECTIONS),
        ):
            if field not in errors:
                try:
                    check_count(field, value, upper)
                except ValueError as error:
                    errors[field] = str(error).partition(": ")[2]
        # validate the rest even when a field is wrong, so every message shows at once
        settings = CheckSettings(
            spec=NetworkSpec(layers, texts["activation"], texts["loss"], batch, seed),
            mode=texts["mode"],
            bug=texts["bug"] or None,
            dtype=texts["dtype"],
            samples=1 if "samples" in errors else samples,
            directions=1 if "directions" in errors else directions,
            epsilon=None if "epsilon" in errors else epsilon,
        )
        if "layers" not in errors:
            try:
                settings.validate()
            except ValueError as error:
                field, _, message = str(error).partition(": ")
                errors.setdefault(_FIELD_FOR_CORE.get(field, "layers"), message)
        return (None if errors else settings), errors

    def _revalidate(self) -> None:
        settings, errors = self._parse()
        for field in ALL_FIELDS:
            old, new = self._errors.get(field, ""), errors.get(field, "")
            if old != new:
                self.inputErrorChanged.emit(field, new)
        self._errors = errors
        changed = settings != self._settings
        self._settings = settings
        if changed:
            self.settingsChanged.emit(settings)
            self._plan = None
            self.planChanged.emit(None)
            if settings is not None:
                self._plan_timer.start()

    # ------------------------------------------------------------------ cost planner
    def _start_plan(self) -> None:
        if self._settings is None:
            return
        if self._plan_job is not None or self._job is not None:
            self._plan_pending = True  # measure again once the current job is done
            return
        from fdgui.ui.worker import start_job

        settings = self._settings
        job = start_job(_plan_job, settings)
        self._plan_job = job

        def returned(plans: Any) -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            if settings == self._settings:
                self._plan = plans
                self.planChanged.emit(plans)

        def errored(message: str, _details: str) -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            self.statusMessage.emit(f"Could not measure the cost: {message}")

        def finished() -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            self._plan_job = None
            if not self._warmed_up:
                # the first measurement of a session also pays one-time costs (imports, first
                # BLAS calls, the panel painting beside it): measure once more, warm
                self._warmed_up = True
                self._plan_pending = True
            if self._plan_pending or (settings != self._settings and self._plan is None):
                self._plan_pending = False
                self._plan_timer.start()

        job.returned.connect(returned)
        job.errored.connect(errored)
        job.finished.connect(finished)

    def measure_now(self) -> None:
        """Skip the debounce (tests, and the view when it first appears)."""
        self._plan_timer.stop()
        self._start_plan()

    # ------------------------------------------------------------------ the check
    def run(self) -> bool:
        """Start the check; False (and nothing started) while a field is wrong or one runs."""
        if self._job is not None:
            return False
        if self._settings is None:
            field = next(iter(self._errors), "layers")
            self.statusMessage.emit(f"Fix {field} first: {self._errors.get(field, '')}")
            return False
        from fdgui.core.netcheck import run_check
        from fdgui.ui.worker import start_job

        settings = self._settings
        self._started = time.perf_counter()
        weights = None  # the planner's per-tensor times make the progress bar track time
        if self._plan is not None and settings.mode in self._plan:
            weights = self._plan[settings.mode].tensor_seconds or None
        job = start_job(run_check, settings, None, weights)
        self._job = job
        self.runningChanged.emit(True)
        self.progressed.emit(0.0, "starting", float("nan"))
        unit = "directions" if settings.mode == "projection" else "entries"
        # replaces any "Check cancelled…" or error line left by the previous run
        self.statusMessage.emit(f"Checking {settings.parameters_checked:,} {unit}…")

        def progressed(fraction: float, message: str) -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            elapsed = time.perf_counter() - self._started
            eta = elapsed * (1 - fraction) / fraction if fraction > 0.01 else float("nan")
            self.progressed.emit(fraction, message, eta)

        def returned(report: Any) -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            self._report = report
            self.reportChanged.emit(report)
            self.statusMessage.emit(
                f"Checked {report.parameters_checked:,} in {report.seconds:.3g} s: "
                f"{report.verdict}."
            )

        def errored(message: str, _details: str) -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            self.statusMessage.emit(f"The check stopped: {message}. The last report stays.")

        def aborted() -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            self.statusMessage.emit("Check cancelled; the last report stays on screen.")

        def finished() -> None:
            if not isValid(self):  # the panel went away while the job ran
                return
            self._job = None
            self.runningChanged.emit(False)
            if self._plan_pending:
                self._plan_pending = False
                self._plan_timer.start()

        job.progressed.connect(progressed)
        job.returned.connect(returned)
        job.errored.connect(errored)
        job.aborted.connect(aborted)
        job.finished.connect(finished)
        return True

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
