"""Words for a network-check report that came back from a session rather than from a run:
that it is restored, when it ran, what of it was not kept, and how the settings in the
fields differ from the ones it was made with."""

from __future__ import annotations

from typing import Any

from fdgui.core.numbers.format import epsilon as epsilon_text


def _settings_parts(settings: Any) -> dict[str, str]:
    """What a person chose, by name, as the fields show it."""
    parts: dict[str, str] = {}
    spec = settings.spec
    if spec is None:
        parts["source"] = "a probe file"
    else:
        parts.update(
            {
                "layers": ",".join(str(n) for n in spec.layer_sizes),
                "activation": spec.activation,
                "loss": spec.loss,
                "batch": str(spec.batch_size),
                "seed": str(spec.seed),
                "bug": settings.bug or "none (correct backprop)",
            }
        )
    parts["dtype"] = settings.dtype
    parts["mode"] = settings.mode
    if settings.mode == "sample":
        parts["k"] = str(settings.samples)
    if settings.mode == "projection":
        parts["K"] = str(settings.directions)
    parts["ε"] = "recommended" if settings.epsilon is None else epsilon_text(settings.epsilon)
    parts["engine"] = settings.engine
    return parts


def settings_differences(report_settings: Any, current: Any) -> list[str]:
    """ "dtype: float32 in the report, float64 in the fields", … ([] when they agree)."""
    old = _settings_parts(report_settings)
    new = _settings_parts(current)
    return [
        f"{name} {old.get(name, '—')} in the report, {new.get(name, '—')} in the fields"
        for name in dict.fromkeys([*old, *new])
        if old.get(name) != new.get(name)
    ]


def restored_note(
    finished_at: str,
    omitted: dict[str, str],
    current: Any,
    report_settings: Any,
    fields_wrong: bool = False,
    tensor_names: tuple[str, ...] = (),
    probe_not_loaded: bool = False,
    probe_other: str = "",
) -> tuple[str, bool]:
    """The note above a restored report and whether it warns (the fields differ).
    ``current``: the settings the fields give now (None when a field is wrong)."""
    when = f" (checked {_when(finished_at)})" if finished_at else ""
    words = f"Restored report from the session{when}; not run again in this window."
    warn = False
    if current is None and probe_not_loaded:
        warn = True
        words += (
            " The probe file it checked is not loaded (a session never runs it): choose it "
            "to check again."
        )
    elif probe_other:
        warn = True
        words += (
            f" The probe file loaded now is not the one this report checked: {probe_other}. "
            "Run check to check the loaded file."
        )
    elif current is None:
        warn = True
        words += (
            " The fields do not hold a complete setting now"
            + (" (a field is wrong)" if fields_wrong else "")
            + ", so this report may not be of what they show."
        )
    else:
        differences = settings_differences(report_settings, current)
        if differences:
            warn = True
            words += (
                " The fields no longer match this report's settings ("
                + "; ".join(differences)
                + "): Run check for the fields' settings."
            )
    lacking = [n.removesuffix(" relative errors") for n in omitted if n.endswith(" errors")]
    if lacking:
        kept = [name for name in tensor_names if name not in lacking]
        reason = omitted[f"{lacking[0]} relative errors"]
        words += (
            f" The heat map's CSV lists the relative errors of {', '.join(kept)} only"
            if kept
            else " The heat map's CSV lists no relative errors"
        ) + f" (those of {', '.join(lacking)} were not kept: {reason})."
    heat = [name for name in omitted if name.endswith(" heat map")]
    if heat:
        reason = omitted[heat[0]]
        tensors = ", ".join(name.removesuffix(" heat map") for name in heat)
        words += f" Heat map not kept for {tensors}: {reason}."
    return words, warn


def _when(iso: str) -> str:
    """'2026-11-26 14:05 UTC' from an ISO 8601 time (as written), else the text as is."""
    text = iso.strip()
    if len(text) >= 16 and text[10] == "T":
        zone = " UTC" if text.endswith(("+00:00", "Z")) else ""
        return f"{text[:10]} {text[11:16]}{zone}"
    return text[:40]


def word_everything(report: Any) -> None:
    """Word ``report`` every way the window and the exports do (raises what they would
    raise): a restored report is refused at the boundary rather than breaking the panel."""
    from fdgui.core.report import netcheck as words

    words.verdict_in_words(report)
    words.second_look_words(report)
    words.settings_line(report)
    words.change_explanation(report)
    words.tensor_rows(report)
    words.worst_headers(report)
    words.worst_rows(report)
    for tensor in report.tensors:
        words.tensor_status(tensor)
    words.render_text(report)
    words.render_markdown(report)
    words.render_csv(report)
    words.render_json(report)
