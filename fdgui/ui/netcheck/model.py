"""The Network-check panel's state: typed settings, the cost plan, the running job, the report.

The view forwards edits (``set_text(field, text)``), clicks (``run()``, ``cancel()``) and reads
signals; the model parses, validates in the core, runs the planner and the check as worker
jobs, and keeps the last finished report until a new one replaces it (a failed or cancelled
run never clears it). It also sends a worst entry to the ε explorer's model (through the
app context, never the explorer's widgets). The model never touches a widget.

State (``state()``): {"texts": {field: text}, "report_data": the last report (if any)};
restoring a state shows its report again, marked as restored (``saved_report.py``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Generator
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from fdgui.core import requests
from fdgui.core.errors import InputError
from fdgui.core.numbers import format as numbers
from fdgui.ui.panel_model import PanelModel

PLAN_DEBOUNCE_MS = 300
TEXT_FIELDS = (
    "layers",
    "batch",
    "seed",
    "samples",
    "directions",
    "epsilon",
    "probe_timeout",
    "probe_python",
)
CHOICE_FIELDS = ("activation", "loss", "dtype", "bug", "mode", "engine", "source")
ALL_FIELDS = TEXT_FIELDS + CHOICE_FIELDS
SOURCES = ("network", "probe")  # the built-in network, or a probe file (your own code)
# the request's defaults (the CLI's too)
DEFAULT_TEXTS: dict[str, str] = {
    field: text for field, text in requests.CHECK_DEFAULTS.items() if field in ALL_FIELDS
}


def _plan_job(settings: Any, model: Any = None) -> Generator[float, None, Any]:
    from fdgui.core.netcheck import plan_costs

    yield 0.0
    if model is not None and hasattr(model, "resume"):
        model.resume()  # a probe stopped by Cancel: measuring is a new run
    if model is not None and hasattr(model, "planning"):
        with model.planning():  # Run interrupts it (interrupt_planning): never waits for it
            return plan_costs(settings, model=model)
    return plan_costs(settings, model=model)


def _same_cost(settings: Any, other: Any) -> bool:
    """Whether two check settings have the same cost plan: they differ at most in the mode
    (a plan holds every mode's cost)."""
    if settings is None or other is None:
        return False
    return dataclasses.replace(other, mode=settings.mode) == settings


def _probe_job(holder: Any, probe: Any, settings: Any, weights: Any):
    """A probe's run: a file changed on disk is reloaded first (``holder.note`` says so),
    then the kind of job follows what the file defines now — a check of its gradient, or
    its numeric gradient with error bars (no verdict) when it has none."""
    from fdgui.core.netcheck import run_check
    from fdgui.core.netcheck.numeric import numeric_gradient

    yield 0.0, "reading the probe file"
    holder.note = probe.refresh()
    if not probe.has_gradient:
        return (yield from numeric_gradient(probe, settings))
    if holder.note:
        settings.validate(probe)
        weights = None  # the tensors may have changed: the plan's weights no longer fit
    return (yield from run_check(settings, None, weights, probe))


def _estimated_words(report: Any, done: str) -> str:
    """The status after a numeric gradient (no verdict)."""
    if report.parameters_checked and not report.estimated:
        from fdgui.core.report.numeric import nothing_estimated

        return nothing_estimated(report)
    return f"Estimated {done}: no verdict (no gradient to check)."


def create_model(context: Any = None, parent: QObject | None = None) -> NetcheckModel:
    """The registry's model factory; ``context`` reaches the ε explorer's model."""
    return NetcheckModel(parent, context=context)


class NetcheckModel(PanelModel):
    """Owns the check's inputs and results; the view connects to its signals (see PanelModel).

    textsChanged follows every edit; resultChanged carries the newest finished CheckReport;
    while the check runs, ``eta()`` is the time left as of the last ``progressed``.
    """

    FIELDS = ALL_FIELDS
    settingsChanged = Signal(object)  # CheckSettings, or None while some field is wrong
    planChanged = Signal(object)  # dict[mode, CostPlan], or None while (re)measuring
    probeLoaded = Signal(object)  # the ProbeModel checked when the source is "probe"
    probeFailed = Signal(str, str)  # message, the user's traceback ("", "": clear)
    probeNote = Signal(str)  # "probe.py changed on disk and was reloaded" (on the page)

    def __init__(
        self, parent: QObject | None = None, quitting: Any = None, context: Any = None
    ) -> None:
        """``quitting``: a signal that means the app is closing (default: aboutToQuit).
        ``context``: the app context (``model(key)``, ``open_panel(key)``), for the explorer."""
        super().__init__(parent)
        self._texts = dict(DEFAULT_TEXTS)
        self._context = context
        self._settings: Any = None
        self._plan: Any = None
        #: why the last cost measurement failed (the Cost table says so), None otherwise
        self.plan_error: str | None = None
        self._report: Any = None
        self.restored: Any = None  # a StoredReport: the shown report came from a session
        self.picked_probe = ""  # the last probe file picked here (opening, or failed to)
        self.finished_at = ""  # when the shown report's check finished (ISO 8601, UTC)
        self._eta = math.nan
        self._plan_job: Any = None
        self._plan_pending = False
        self._warmed_up = False  # has a cost measurement run yet in this model?
        self._stopped_on: tuple | None = None  # (model,) whose check last stopped with an error
        self._started = 0.0
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DEBOUNCE_MS)
        self._plan_timer.timeout.connect(self._start_plan)
        if quitting is None and QCoreApplication.instance() is not None:
            quitting = QCoreApplication.instance().aboutToQuit
        if quitting is not None:  # a long check must not keep a closing app waiting
            quitting.connect(self.cancel)
        from fdgui.ui.probe_source import ProbeHolder

        self.probe = ProbeHolder(self)
        self.probe.note = ""
        self.probe.loaded.connect(self._probe_loaded)
        self.probe.failed.connect(self.probeFailed)
        self.probe.released.connect(self._probe_released)
        self.probe.openingChanged.connect(lambda _opening: self._revalidate())
        self._revalidate()

    # ------------------------------------------------------------------ a probe file
    def open_probe(self, path: str) -> bool:
        """Run the probe file a person picked (in its own process); check it next."""
        before, self.picked_probe = self.picked_probe, path  # in force from now on (H1)
        if self.probe.open(path, self._texts["probe_timeout"], self._texts["probe_python"]):
            return True
        self.picked_probe = before
        return False

    def report_out_of_date(self) -> str:
        """Why the shown report is not of the source in force ("" when it is): a session
        then keeps no report (never the new path with the old report, review15w H1)."""
        from fdgui.ui.netcheck.out_of_date import out_of_date

        return out_of_date(self)

    def _probe_loaded(self, model: Any) -> None:
        self.probeLoaded.emit(model)
        self.probeFailed.emit("", "")
        self._settings = None  # another file: measure its cost even if the settings match
        if self._texts["source"] != "probe":
            self._texts["source"] = "probe"
            self.textsChanged.emit(self.texts())
        self._revalidate()

    def _probe_released(self, _model: Any) -> None:
        """A pick replaced the probe in force: its run is left (its report or its stop is
        not the new file's); Run waits for the new file."""
        if self._job is not None and self._texts["source"] == "probe":
            self._detach_job()
            self.statusMessage.emit("Check left: another probe file was chosen.")

    def _kept_words(self) -> str:
        """What a stopped run leaves on screen: the last report, or another source's one,
        marked out of date (review15w H1: never "stays" as if of the file in force)."""
        reason = self.report_out_of_date()
        if not reason:
            return "The last report stays."
        from fdgui.ui.netcheck.out_of_date import of_what

        return f"The report shown is of {of_what(self)}, out of date ({reason})."

    def _model(self) -> Any:
        """The model the check runs on: the probe (source "probe"), else None (built-in)."""
        return self.probe.model if self._texts["source"] == "probe" else None

    # ------------------------------------------------------------------ reading state
    def result(self) -> Any:
        """The newest finished CheckReport, or None."""
        return self._report

    def eta(self) -> float:
        """Seconds the running check still needs, as of its last progress (NaN: unknown)."""
        return self._eta

    @property
    def settings(self) -> Any:
        return self._settings

    @property
    def plan(self) -> Any:
        return self._plan

    # ------------------------------------------------------------------ edits
    def set_text(self, field: str, text: str) -> None:
        if field not in ALL_FIELDS:
            raise KeyError(field)
        if self._texts[field] == text:
            return
        self._texts[field] = text
        self.textsChanged.emit(self.texts())
        if field == "probe_timeout":
            self.probe.set_timeout(text)
        self._revalidate()
        if field == "probe_timeout" and self.plan_error is not None and self._settings:
            self.plan_error = None  # a longer timeout may let the measurement through
            self.planChanged.emit(None)
            self._plan_timer.start()

    def choices(self, field: str) -> tuple[str, ...] | None:
        from fdgui.core.models.mlp import ACTIVATIONS, BUGS, LOSSES
        from fdgui.core.numbers.precision import DTYPE_NAMES

        return {
            "activation": tuple(ACTIVATIONS),
            "loss": tuple(LOSSES),
            "dtype": tuple(DTYPE_NAMES),
            "bug": ("", *BUGS),
            "mode": ("full", "sample", "projection"),
            "engine": ("exact", "forward"),
            "source": SOURCES,
        }.get(field)

    def state(self) -> dict[str, Any]:
        from fdgui.ui.netcheck.saved_report import state_entries

        return {**super().state(), **state_entries(self)}

    def autosave_state(self) -> dict[str, Any]:
        from fdgui.ui.netcheck.saved_report import state_entries

        return {**super().state(), **state_entries(self, lazy=True)}

    def _state_keys(self) -> tuple[str, ...]:
        return ("report_data",)

    def _restore(self, texts: dict[str, str], state: dict[str, Any]) -> list[str]:
        from fdgui.ui.netcheck.saved_report import restore_report

        self._texts.update(texts)
        self.picked_probe = ""  # the session names its probe file (not run until picked)
        self.textsChanged.emit(self.texts())
        self._revalidate()
        return restore_report(self, state)

    def _parse(self) -> tuple[Any, dict[str, str]]:
        """CheckSettings from the texts, or every wrong field's message."""
        if self._texts["source"] == "probe":
            return self._parse_probe()
        try:
            return requests.check_request(self._texts), {}
        except InputError as error:
            return None, dict(error.errors)

    def _parse_probe(self) -> tuple[Any, dict[str, str]]:
        """The check's settings for the probe: mode, k, K, ε, dtype; the forward engine."""
        errors = self.probe.timeout_errors(self._texts["probe_timeout"])
        if self.probe.opening:
            errors["probe"] = "starting the probe file…"
        elif self.probe.model is None:
            errors["probe"] = "choose a probe file (your code runs only once you do)"
        texts = {**self._texts, **requests.NETWORK_DEFAULTS, "engine": "forward"}
        try:
            settings = requests.check_request(texts)
        except InputError as error:
            errors.update(error.errors)
        if errors:
            return None, errors
        settings = dataclasses.replace(settings, spec=None, bug=None)
        try:
            if not self.probe.model.has_gradient:  # its numeric gradient with error bars
                from fdgui.core.netcheck.numeric import validate_numeric

                validate_numeric(settings, self.probe.model)
                return settings, {}
            settings.validate(self.probe.model)
        except InputError as error:
            field = error.field if error.field in ALL_FIELDS else "probe"
            return None, {field: error.message}
        return settings, {}

    def _revalidate(self) -> None:
        settings, errors = self._parse()
        for field in (*ALL_FIELDS, *sorted((set(errors) | set(self._errors)) - set(ALL_FIELDS))):
            old, new = self._errors.get(field, ""), errors.get(field, "")
            if old != new:
                self.inputErrorChanged.emit(field, new)
        self._errors = errors
        changed = settings != self._settings
        same_cost = _same_cost(settings, self._settings)
        self._settings = settings
        if changed and same_cost:
            # only the mode: the plan holds every mode's cost, measured once (review12p M1:
            # 656 loss calls of a probe on every Mode change); shown again for the new mode
            self.settingsChanged.emit(settings)
            self.planChanged.emit(self._plan)
        elif changed:
            self._stopped_on = None  # a cost measured for new settings may say something new
            self.settingsChanged.emit(settings)
            self._plan = None
            self.plan_error = None  # measuring again
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
        settings, planned = self._settings, self._model()

        def returned(plans: Any) -> None:
            if _same_cost(settings, self._settings):
                self._plan, self.plan_error = plans, None
                self.planChanged.emit(plans)

        def errored(message: str, _details: str) -> None:
            if planned is not self._model():
                return  # a pick replaced its probe: that one is measured next
            if _same_cost(settings, self._settings) and self._plan is None:  # the table says it
                self.plan_error = message
                self.planChanged.emit(None)
            if self._job is not None:  # a run interrupted it (the run's status stays)
                return
            stopped, self._stopped_on = self._stopped_on, None
            if stopped is not None and planned is stopped[0]:  # the measurement right after
                return  # a stopped check: "The check stopped: …" already says why
            self.statusMessage.emit(f"Could not measure the cost: {message}")

        def finished() -> None:
            self._plan_job = None
            quick = self._plan is not None and all(
                getattr(plan, "quick", False) for plan in self._plan.values()
            )
            if not self._warmed_up and not quick:
                # the first measurement of a session also pays one-time costs (imports, first
                # BLAS calls, the panel painting beside it): measure once more, warm — not a
                # slow loss's quick plan (the same few calls again, review12p M1)
                self._warmed_up = True
                self._plan_pending = True
            moved = not _same_cost(settings, self._settings)
            if self._plan_pending or (moved and self._plan is None):
                self._plan_pending = False
                self._plan_timer.start()

        self._plan_job = self.start_job(
            _plan_job,
            settings,
            planned,
            busy=False,
            returned=returned,
            errored=errored,
            finished=finished,
        )

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

        settings = self._settings
        self._started = time.perf_counter()
        self._stopped_on = None
        weights = None  # the planner's per-tensor times make the progress bar track time
        if self._plan is not None and settings.mode in self._plan:
            weights = self._plan[settings.mode].progress_weights

        def progressed(fraction: float, message: str) -> None:
            elapsed = time.perf_counter() - self._started
            self._eta = elapsed * (1 - fraction) / fraction if fraction > 0.01 else math.nan
            self.progressed.emit(fraction, message)

        def returned(report: Any) -> None:
            from fdgui.ui.netcheck.saved_report import now

            self._report = _with_heat_maps(report)
            self.restored, self.finished_at = None, now()
            if probe is not None:
                from fdgui.ui.netcheck.saved_report import probe_checked

                probe_checked(self, probe)
            self.resultChanged.emit(self._report)
            note = ""
            if probe is not None:
                from fdgui.probe.restart import take_restarts

                self.probeFailed.emit("", "")
                note, self.probe.note = self.probe.note, ""
                restarts = take_restarts(probe)  # killed from outside, the same computed
                if note:  # reloaded: the tensors, counts and info line follow
                    self._probe_loaded(probe)
                    self.probeNote.emit(note)  # on the page too, as in the explorer
                else:
                    note = f"note: {restarts}" if restarts else ""
            done = f"{report.parameters_checked:,} in {numbers.duration(report.seconds)}"
            self.statusMessage.emit(
                (_estimated_words(report, done) if report.verdict == "none"
                 else f"Checked {done}: {_outcome(report)}.")
                + (f" ({note}.)" if note else "")
            )  # fmt: skip

        def errored(message: str, details: str) -> None:
            if probe is not None:
                from fdgui.ui.probe_source import _is_user_details

                self.probeFailed.emit(message, details if _is_user_details(details) else "")
                if self.probe.note and self.probe.model is not None:  # reloaded, then failed
                    self.probe.note = ""
                    self._probe_loaded(self.probe.model)
                    self.probeFailed.emit(message, "")
            self._stopped_on = (self._model(),)
            self.statusMessage.emit(f"The check stopped: {message}. {self._kept_words()}")

        def aborted() -> None:
            self.statusMessage.emit("Check cancelled; the last report stays on screen.")

        def finished() -> None:
            if self._plan_pending:
                self._plan_pending = False
                self._plan_timer.start()

        self._eta = math.nan
        probe = self._model()
        if probe is not None and self._plan_job is not None:
            probe.interrupt_planning()  # the run goes first; the plan is measured again after
            self._plan_pending = True
        function, arguments = run_check, (settings, None, weights)
        if probe is not None:
            self.probe.use_python(self._texts["probe_python"])  # as typed now (a note if new)
            function, arguments = _probe_job, (self.probe, probe, settings, weights)
        self.start_job(
            function,
            *arguments,
            progressed=progressed,
            returned=returned,
            errored=errored,
            aborted=aborted,
            finished=finished,
        )
        self.progressed.emit(0.0, "starting")
        unit = "directions" if settings.mode == "projection" else "entries"
        # replaces any "Check cancelled…" or error line left by the previous run
        from fdgui.core.netcheck.settings import count_checked, tensor_shapes

        checked = count_checked(settings, tensor_shapes(settings, probe))
        self.statusMessage.emit(f"Checking {checked:,} {unit}…")
        return True

    # ------------------------------------------------------------------ the ε explorer
    def explore_worst_entry(self, row: int) -> bool:
        """Sweep ε in the explorer for the network parameter behind worst-table row ``row``,
        its cursor at the row's ε; True if the explorer took it (else a status says why)."""
        report = self._report
        # a numeric gradient (no verdict) lists its least certain entries instead
        entries = getattr(report, "least_certain", None) or getattr(report, "worst", ())
        if report is None or not 0 <= row < len(entries):
            return False
        if report.settings.mode == "projection":
            self.statusMessage.emit("A projection mixes many parameters; sweep single entries "
                                    "from a full or sampled check.")  # fmt: skip
            return False
        entry = entries[row]
        settings = report.settings
        if settings.spec is None:
            return self._explore_probe_entry(entry)
        try:
            self._context.open_panel("explorer")
            explorer = self._context.model("explorer")
        except Exception as error:  # the explorer failed to open: say so, stay up
            self.statusMessage.emit(f"The ε explorer is not available: {error}")
            return False
        sweep = getattr(explorer, "sweep_network_parameter", None)
        if sweep is None:
            self.statusMessage.emit(
                "The ε explorer could not be opened (see its tab for the reason), so this "
                "entry cannot be swept."
            )
            return False
        sweep(
            settings.spec,
            entry.tensor,
            entry.index,
            settings.dtype,
            settings.bug,
            cursor_epsilon=entry.epsilon,
        )
        self.statusMessage.emit(
            f"Sweeping ε for {entry.tensor}[{entry.index}] in the ε explorer; the cursor goes "
            f"to this row's ε = {numbers.epsilon(entry.epsilon)}."
        )
        return True

    def _explore_probe_entry(self, entry: Any) -> bool:
        probe = self.probe.model
        if probe is None:
            self.statusMessage.emit("The probe is no longer loaded; choose it again.")
            return False
        from fdgui.ui.netcheck.saved_report import other_probe

        other = other_probe(self)
        if other:
            self.statusMessage.emit(
                f"This report is not of the loaded probe file ({other}); Run check to check "
                "it before sweeping its entries."
            )
            return False
        try:
            probe.flat_index(entry.tensor, entry.index)
        except InputError as error:
            self.statusMessage.emit(
                f"{entry.tensor}[{entry.index}] is not an entry of the loaded probe file "
                f"({error.message}); Run check to check it."
            )
            return False
        try:
            self._context.open_panel("explorer")
            explorer = self._context.model("explorer")
        except Exception as error:
            self.statusMessage.emit(f"The ε explorer is not available: {error}")
            return False
        sweep = getattr(explorer, "sweep_probe_entry", None)
        if sweep is None:
            self.statusMessage.emit("The ε explorer cannot sweep a probe here.")
            return False
        sweep(probe, entry.tensor, entry.index, cursor_epsilon=entry.epsilon)
        self.statusMessage.emit(
            f"Sweeping ε for {probe.entry_name(probe.flat_index(entry.tensor, entry.index))} "
            "in the ε explorer."
        )
        return True

    def cancel(self) -> None:
        """Stop the running check (a probe's process too: the next run starts a new one),
        and a probe file still opening."""
        self.probe.stop_opening()
        if self._job is not None and self._model() is not None:
            self.probe.stop()
        super().cancel()


def _with_heat_maps(report: Any) -> Any:
    """The report, with a heat map for every tensor (the worker makes them; a report built
    elsewhere without them gets them here, so the view only draws)."""
    if all(tensor.heat_map is not None for tensor in report.tensors):
        return report
    import numpy as np

    from fdgui.core.netcheck import heat_map_of

    tensors = []
    for tensor in report.tensors:
        if tensor.heat_map is None:
            errors = np.asarray(tensor.relative_errors, dtype=float)
            logs, levels = heat_map_of(errors)
            tensor = dataclasses.replace(tensor, heat_map=logs, heat_levels=levels)
        tensors.append(tensor)
    return dataclasses.replace(report, tensors=tuple(tensors))


def _outcome(report) -> str:
    """The status bar's word for a finished check, as the panel's badge says it."""
    if report.inconclusive:
        return "inconclusive"
    if report.loose:
        return "passed, loosely"  # the badge's "Passed, loosely" (review11p L10)
    return report.verdict
