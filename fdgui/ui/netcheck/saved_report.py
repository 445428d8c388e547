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
    if model.report_out_of_date():  # another source in force: never its path with this report
        return {}
    cached = getattr(model, "_stored_cache", None)
    if cached is not None and cached[0] is report:
        return {KEY: cached[1]}
    finished = model.finished_at

    checked_probe = getattr(model, "checked_probe", None)
    restored = getattr(model, "restored", None)
    omitted = restored.omitted if restored is not None and restored.report is report else {}

    def make() -> dict[str, Any]:
        from fdgui.core.netcheck.stored import report_data

        data = report_data(report, finished)
        for item in data["tensors"]:  # what a restored report lacked: the reason it had
            for key, words in (("heat_map", "heat map"), ("relative_errors", "relative errors")):
                reason = omitted.get(f"{item['name']} {words}")
                if reason and "omitted" in item[key]:
                    item[key] = {"omitted": reason}
        if report.settings.spec is None and checked_probe is not None:
            data["probe_file"] = {"path": checked_probe[0], "sha256": checked_probe[1]}
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
            from fdgui.core.report.netcheck_saved import word_everything

            word_everything(stored.report)
        except StoredReportError as error:
            stored = None
            problems.append(f"{KEY} ({error})")
        except Exception as error:
            stored = None
            problems.append(f"{KEY} (it cannot be shown: {type(error).__name__})")
    had = model._report is not None
    model.checked_probe = _probe_file(state.get(KEY)) if stored is not None else None
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
        probe_other=other_probe(model),
    )  # fmt: skip


def _probe_file(data: Any) -> tuple[str, str] | None:
    """(path, sha256) of the probe file a stored report checked, None when not stored."""
    probe = data.get("probe_file") if isinstance(data, dict) else None
    if not isinstance(probe, dict):
        return None
    path, digest = probe.get("path"), probe.get("sha256")
    if not isinstance(path, str) or not isinstance(digest, str) or len(path) > 4096:
        return None
    return path, digest[:64]


def probe_checked(model: Any, probe: Any) -> None:
    """Remember which probe file (path and content) the report just made checked."""
    signature = getattr(probe, "signature", None)
    path = getattr(probe, "path", "")
    digest = getattr(signature, "digest", "") if signature is not None else ""
    model.checked_probe = (path, digest) if isinstance(path, str) and path else None


def other_probe(model: Any) -> str:
    """The loaded probe file when the shown report is a probe's and checked another file
    (another path, or the same path with other contents); "" when it is the same or unknown."""
    report = model.result()
    loaded = model.probe.model
    checked = getattr(model, "checked_probe", None)
    if checked is None and getattr(model, "restored", None) is not None:
        # a session written before the report kept its probe file: the panel's probe path
        window = getattr(getattr(model, "_context", None), "window", None)
        named = window._probe_paths.get("netcheck", "") if window is not None else ""
        checked = (named, "") if isinstance(named, str) and named else None
    if report is None or report.settings.spec is not None or loaded is None or checked is None:
        return ""
    import os

    # the version last loaded, or whose reload failed (review18p L4: its digest, never read
    # before, as "sha256": a failed reload of a changed file left the old badge as it was)
    signature = getattr(loaded, "signature", None) or getattr(loaded, "tried", None)
    digest = getattr(signature, "digest", "") if signature is not None else ""
    same_path = os.path.abspath(checked[0]) == os.path.abspath(loaded.path)
    if same_path and (not checked[1] or not digest or checked[1] == digest):
        return ""
    if same_path:
        return f"{loaded.path} (changed since the check)"
    return f"{loaded.path} (the report checked {checked[0]})"
