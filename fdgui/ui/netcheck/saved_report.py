"""The network-check model's last report in a session: written into ``state()`` (as
``report_data``, see fdgui.core.netcheck.stored) and taken back by ``restore()``, so that a
restored report is shown in the panel exactly as after a run, marked as restored."""

from __future__ import annotations

import datetime
from typing import Any

KEY = "report_data"


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def state_entries(model: Any, lazy: bool = False) -> dict[str, Any]:
    """{"report_data": …} for the model's report ({} without one); ``lazy``: a function
    that makes it (the autosave calls it off the GUI thread). Made once per report."""
    report = model._report
    # a probe's numeric gradient (no verdict) is not kept: its probe is picked again after a
    # restore anyway, and the estimate is made again in seconds
    if report is None or getattr(report, "verdict", "") == "none":
        return {}
    cached = getattr(model, "_stored_cache", None)
    if cached is not None and cached[0] is report:
        return {KEY: cached[1]}
    finished = model.finished_at

    def make() -> dict[str, Any]:
        from fdgui.core.netcheck.stored import report_data

        data = report_data(report, finished)
        model._stored_cache = (report, data)
        return data

    return {KEY: make if lazy else make()}


def restore_report(model: Any, state: dict[str, Any]) -> list[str]:
    """Take the report a session holds (or clear the shown one when it holds none); a
    check still running for the replaced session is stopped. Returns what was skipped."""
    from fdgui.core.netcheck.stored import StoredReportError, report_from_data

    if model._job is not None:  # its report would belong to the work just replaced
        model.cancel()
        model._detach_job()
        model.statusMessage.emit("The running check was stopped: another session was opened.")
    problems: list[str] = []
    stored = None
    if KEY in state:
        try:
            stored = report_from_data(state[KEY])
        except StoredReportError as error:
            problems.append(f"{KEY} ({error})")
    had = model._report is not None
    model.restored = stored
    model._report = stored.report if stored is not None else None
    model.finished_at = stored.finished_at if stored is not None else ""
    if stored is not None or had:
        model.resultChanged.emit(model._report)
    return problems


def heat_gaps(model: Any) -> dict[str, str]:
    """Tensor name → why its heat map is not there (a restored report that omitted it)."""
    stored = getattr(model, "restored", None)
    if stored is None or stored.report is not model.result():
        return {}
    return {
        name.removesuffix(" heat map"): reason
        for name, reason in stored.omitted.items()
        if name.endswith(" heat map")
    }


def restored_note(model: Any) -> tuple[str, bool] | None:
    """The note the panel shows above a restored report, and whether it warns; None when
    the shown report is not a restored one."""
    stored = getattr(model, "restored", None)
    if stored is None or stored.report is not model.result():
        return None
    from fdgui.core.report.netcheck_saved import restored_note as words

    current = model.settings
    return words(
        stored.finished_at, stored.omitted, current, stored.report.settings,
        fields_wrong=bool(model.errors()),
        tensor_names=tuple(tensor.name for tensor in stored.report.tensors),
        probe_not_loaded=model.text("source") == "probe" and model.probe.model is None,
    )  # fmt: skip
