"""The explorer's probe source: opening the file a person picked, sweeping one of its
entries (its own or another panel's probe), the notes of a reload, and what a new pick does
to the probe in force (``ProbeHolder.released``: its sweep is left, its result marked out
of date). A mixin of ``ExplorerModel``, which owns the state these methods read."""

from __future__ import annotations

from typing import Any

from fdgui.core.numbers.parsing import InputError


class ProbeSweeps:
    """The probe half of ``ExplorerModel`` (see the module's docstring)."""

    _job_probe: Any = None  # the probe the running sweep works on (Cancel stops that one)
    _cost_ticker: Any = None  # the running probe sweep's cost in words (sweep_cost)
    _swept_keys: set  # entries swept to the end here: their references are known (cached)

    def _probe_cost(self, timing_key: Any, settings: Any) -> Any:
        """A progress handler that says the sweep's loss calls and time left (a probe's
        sweep only; None for the others: their progress is shown as it comes)."""
        if self._cost_ticker is not None:
            self._cost_ticker.stop()
            self._cost_ticker = None
        if self._source != "probe" or self._job_probe is None:
            return None
        from fdgui.ui.explorer.sweep_cost import CostTicker, SweepCost

        first = timing_key[0] not in self._swept_keys
        cost = SweepCost(self._job_probe, settings.points, first)
        self._cost_ticker = CostTicker(self, cost)
        return self._cost_ticker.progressed

    def _connect_probe(self) -> None:
        from fdgui.ui.probe_source import ProbeHolder

        self.probe = ProbeHolder(self)
        self.probe.loaded.connect(self._probe_loaded)
        self.probe.failed.connect(self.probeFailed)
        self.probe.released.connect(self._probe_released)

    def _probe_released(self, _model: Any) -> None:
        """A pick replaced the probe in force: the sweep on it is left (its result or its
        stop is not the new file's), and the result on screen is not of the file in force."""
        if self._source != "probe":
            return
        if self.is_busy():
            self._detach_job()
        self._stop_measuring(stop_probe=False)  # the cursor's measurement on it too
        self._set_stale("Out of date: another probe file was chosen")

    def open_probe(self, path: str) -> bool:
        """Run the probe file a person picked (in its own process) and sweep it."""
        return self.probe.open(path, self._texts["probe_timeout"], self._texts["probe_python"])

    def _probe_loaded(self, model: Any) -> None:
        names = [tensor.name for tensor in model.tensors]
        if self._texts["probe_tensor"] not in names:
            self._texts["probe_tensor"] = names[0] if names else ""
            from fdgui.probe.model import parse_entry

            try:  # an index typed while the file opened stays if it fits (review9j MED-5)
                parse_entry(model, self._texts["probe_tensor"], self._texts["probe_index"])
            except (InputError, ValueError, KeyError):
                self._texts["probe_index"] = "0"
        self.probeLoaded.emit(model)
        self.textsChanged.emit(self.texts())
        if self._source != "probe":
            self._source = "probe"
            self.sourceChanged.emit("probe")
        self.sweep()

    def sweep_probe_entry(
        self, model: Any, tensor: str, index: int, cursor_epsilon: float | None = None
    ) -> None:
        """Sweep entry ``index`` of ``tensor`` of a probe another panel opened (shared)."""
        self._texts.update(probe_tensor=tensor, probe_index=str(index), dtype="float64")
        self._wanted_cursor = cursor_epsilon
        if model is not self.probe.model:
            self.probe.adopt(model)  # emits loaded → _probe_loaded → sweep
        else:
            self.textsChanged.emit(self.texts())
            if self._source != "probe":
                self._source = "probe"
                self.sourceChanged.emit("probe")
            self.sweep()

    def _probe_plan(self, settings: Any) -> Any:
        """The checked request (``model._SweepPlan``) for the probe's entry."""
        from fdgui.core.sweep.objectives import EntryObjective
        from fdgui.probe.model import parse_entry
        from fdgui.ui.explorer.model import _SweepPlan

        probe = self.probe.model
        wrong = self.probe.timeout_errors(self._texts["probe_timeout"])
        if wrong:  # refused until fixed, in words beside the field
            raise InputError.collected(wrong)
        if self.probe.opening:
            raise InputError("probe", "starting the probe file…")
        if probe is None:
            raise InputError("probe", "choose a probe file (your code runs only once you do)")
        self.probe.use_python(self._texts["probe_python"])  # as typed now (a note if new)
        if settings is not None and settings.dtype != "float64":
            raise InputError("dtype", f"{probe.label} evaluates its loss in its own precision")
        tensor, index = self._texts["probe_tensor"], self._texts["probe_index"]
        try:  # a typo shows at once, before any call, beside the probe's Index field
            flat = parse_entry(probe, tensor, index)
        except InputError as error:
            if error.field != "index":
                raise
            raise InputError("probe_index", error.message) from None
        named = probe.entry_of(flat)[0]
        if named != tensor:  # the index named another tensor (W1[3, 7]): the picker follows
            self._texts["probe_tensor"] = tensor = named
            self.textsChanged.emit(self.texts())

        def build() -> Any:  # in the worker: a changed file is reloaded first
            note = probe.refresh()
            if note:
                self._probe_note = note
            return EntryObjective(probe, parse_entry(probe, tensor, index) if note else flat)

        return _SweepPlan(build, ("probe", probe.cache_key, flat), settings, probe=probe)

    def _probe_reloaded(self) -> None:
        """After a probe reload: say so; the pickers follow (a vanished tensor: the first)."""
        note, self._probe_note = self._probe_note, ""
        model = self.probe.model
        if model is not None:
            from fdgui.probe.restart import take_restarts

            restarts = take_restarts(model)  # killed from outside, the same computed
            if restarts and not note:
                self.statusMessage.emit(f"Note: {restarts}.")
        failure = getattr(model, "failure_note", "") if model is not None else ""
        if failure:  # the loss raised at some w ± ε: those ε were left out (review12p M5)
            self.statusMessage.emit(f"Note: {failure} (lower Maximum ε to sweep only where "
                                    "the loss is defined).")  # fmt: skip
        if not note or model is None:
            return
        self.probeLoaded.emit(model)  # the page shows the file first, then the note beside it
        self.probeNote.emit(note)
        self.statusMessage.emit(f"{note}.")
        names = [tensor.name for tensor in model.tensors]
        if self._texts["probe_tensor"] not in names and names:
            self._texts["probe_tensor"], self._texts["probe_index"] = names[0], "0"
            self.textsChanged.emit(self.texts())
            self.sweep()
