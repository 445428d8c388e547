"""Whether the network check's shown report still belongs to the source in force
(review15w H1): a report of another probe file, of the built-in network while a probe file
is chosen, or of a probe file while the built-in network is, is out of date. The panel then
says so on the badge, Save report is off, and a session does not save it (never the new
path with the old report). As the ε explorer: "Out of date: another probe file was chosen".
"""

from __future__ import annotations

import os
from typing import Any


def chosen_probe(model: Any) -> str:
    """The probe file in force: the loaded one, else the last pick (opening, or failed to
    open), else the one a session named; "" when none."""
    loaded = getattr(model.probe.model, "path", "")
    if isinstance(loaded, str) and loaded:
        return loaded
    picked = getattr(model, "picked_probe", "")
    if picked:
        return picked
    window = getattr(getattr(model, "_context", None), "window", None)
    named = getattr(window, "_probe_paths", {}).get("netcheck", "") if window else ""
    return named if isinstance(named, str) else ""


def checked_probe(model: Any) -> str:
    """The probe file the shown report checked ("" when unknown)."""
    checked = getattr(model, "checked_probe", None)
    return checked[0] if checked else ""


def out_of_date(model: Any) -> str:
    """Why the shown report is not of the source in force, in words; "" when it is (or
    there is no report)."""
    report = model.result()
    if report is None:
        return ""
    of_probe = report.settings.spec is None
    source = model.text("source")
    if of_probe and source != "probe":
        return "the source is now the built-in network"
    if not of_probe:
        return "the source is now a probe file" if source == "probe" else ""
    checked, chosen = checked_probe(model), chosen_probe(model)
    if checked and chosen and os.path.abspath(checked) != os.path.abspath(chosen):
        return f"another probe file was chosen ({os.path.basename(chosen)})"
    if checked and model.probe.model is not None:
        from fdgui.ui.netcheck.saved_report import other_probe

        if other_probe(model):  # the same path, other contents
            return f"{os.path.basename(checked)} changed since the check"
    return ""


def of_what(model: Any) -> str:
    """What the shown report checked, for the words beside it."""
    report = model.result()
    if report is None:
        return ""
    if report.settings.spec is not None:
        return "the built-in network"
    checked = checked_probe(model)
    return os.path.basename(checked) if checked else "another probe file"


STALE_COLOUR = "#6e7781"  # grey: a verdict kept for reference, not of the source in force


def show_out_of_date(panel: Any, rendered: bool = False) -> None:
    """Mark the shown report out of date (badge, words, greyed tables, Save report off) or
    show it as rendered. ``rendered``: the report was just drawn (its badge and words are
    kept in ``panel._rendered`` to go back to); else the source in force may have moved."""
    from fdgui.ui.theme import badge_style

    model = panel.model
    report = model.result()
    if rendered or getattr(panel, "_rendered", None) is None:
        panel._rendered = (panel.verdict_badge.text(), panel.verdict_badge.styleSheet(),
                           panel.verdict_label.text())  # fmt: skip
        panel._out_of_date_shown = None
    reason = out_of_date(model)
    if panel._out_of_date_shown == (report, reason):
        return
    panel._out_of_date_shown = (report, reason)
    badge, style, words = panel._rendered
    if reason:
        what = of_what(model)
        badge = f"Out of date: {badge} for {what}"
        style = badge_style(STALE_COLOUR)
        words = f"Out of date: {reason}. This report is of {what}. {words}"
    panel.verdict_badge.setText(badge)
    panel.verdict_badge.setStyleSheet(style)
    panel.verdict_label.setText(words)
    for table in (panel.tensor_table, panel.worst_table):
        table.setEnabled(not reason)
    for kind, button in panel.export_buttons.items():
        button.setEnabled(report is not None and not reason)
        button.setToolTip(
            f"Off: the shown report is of {of_what(model)}, out of date ({reason}). Run the "
            "check to save a report of the source in force."
            if reason
            else f"Save the report as {kind.upper()}"
        )
