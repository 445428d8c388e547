"""The ε sweep's summary as files and text: JSON (the same keys in the window and the CLI),
plain text, Markdown and CSV, registered with the exporters registry (report/sweep.py
holds the words; this module lays them out)."""

from __future__ import annotations

import csv
import io
import json

from fdgui.core.numbers.format import epsilon as _eps
from fdgui.core.numbers.format import json_number, shortest, significant
from fdgui.core.numbers.format import ratio as _rel
from fdgui.core.report.exporters import register
from fdgui.core.report.sweep import (
    SweepReport,
    _fmt,
    diagnosis_text,
    diagnosis_title,
    recommendation_text,
    recommended_line,
)
from fdgui.core.report.sweep_claim import reference_bar
from fdgui.core.sweep.claim import error_sides
from fdgui.core.sweep.diagnosis import Diagnosis
from fdgui.core.sweep.engine import SCHEMES, SweepResult


def sweep_json(result: SweepResult, diagnosis: Diagnosis) -> dict:
    """The sweep summary as plain JSON-ready data (used by the CLI and Copy)."""
    reference = result.reference
    return {
        "objective": result.label,
        "kind": result.kind,
        "dtype": result.dtype,
        "point": json_number(result.point),
        "loss": json_number(result.loss),
        "grid": {
            "min": float(result.epsilons[0]),
            "max": float(result.epsilons[-1]),
            "points": int(result.epsilons.size),
        },
        "schemes": {
            name: {
                "best_epsilon": json_number(result.curves[name].best_epsilon),
                "best_estimate": json_number(result.curves[name].best_estimate),
                "best_relative_error": json_number(result.curves[name].best_relative_error),
            }
            for name in SCHEMES
        },
        "recommended_epsilon": {
            "central": json_number(diagnosis.recommended["central"]),
            "forward": json_number(diagnosis.recommended["forward"]),
            "reason": recommendation_text(diagnosis),
        },
        "rule_of_thumb_epsilon": {
            "central": result.rule_of_thumb["central"],
            "forward": result.rule_of_thumb["forward"],
        },
        "reference": {
            "method": None if reference is None else reference.method,
            "value": None if reference is None else json_number(reference.value),
            "note": None if reference is None else reference.note,
        },
        "references": [
            {
                "method": item.method,
                "value": json_number(item.value),
                "error": json_number(item.error),
                # how far below and above the value the measured derivative may lie: the
                # error both ways, but a typed claim's correct derivatives reach one way
                **_sides(item),
                "evaluations": item.evaluations,
                "status": item.shown_status,
                "under_check": number == 0 and result.has_checked,
                # the part of ``error`` that is room for a kink the rows cannot rule out
                **({"kink_room": json_number(item.kink)} if item.kink is not None else {}),
            }
            for number, item in enumerate(result.references)
        ],
        "vanished_below": json_number(
            float(result.epsilons[result.vanished].max()) if result.vanished.any() else None
        ),
        "diagnosis": {
            "kind": diagnosis.kind,
            "title": diagnosis_title(diagnosis),
            "text": diagnosis_text(diagnosis),
            # rows with no loss at w: the verdict assumes at most one kink between w and the
            # smallest ε (the words say so)
            **(
                {"assumes": ONE_KINK_ASSUMED} if diagnosis.facts.get("one_kink") is not None else {}
            ),
            # a loss that varies between calls at w: its σ, which every bar includes
            **(
                {"noise_sigma": diagnosis.facts["noise_sigma"]}
                if diagnosis.facts.get("noise_sigma")
                else {}
            ),
        },
    }


#: what a verdict from rows with no loss at w assumes (the words say it at length)
ONE_KINK_ASSUMED = (
    "at most one kink between w and the smallest epsilon, the loss otherwise smooth on "
    "the scale of the smallest epsilon (the kink's branches straight over it)"
)


def _reference_lines(result: SweepResult) -> list[str]:
    """``reference (complex step): 0.51…  ± 2e-12`` per reference."""
    lines = []
    for number, item in enumerate(result.references):
        bar = reference_bar(item)  # a typed claim's two sides where they differ
        status = item.shown_status  # an infinite bar is "unconverged" (M8)
        if status == "unavailable":  # not computed at all (its budget, not the loss)
            bar = f" ({item.note}; not used to judge)"
        elif status == "unconverged":
            bar = " (unreliable: did not converge; not used to judge)"
        elif status == "undefined":
            bar = " (undefined here; not used to judge)"
        elif status == "kink" and item.sides is not None:
            left, right = item.sides
            bar = f" (kink at w: one-sided {_fmt(left, 6)} left, {_fmt(right, 6)} right)"
        elif status == "kink-nearby":
            bar += f" (its steps cross a {crossing(item.note)}; not used to judge)"
        value = significant(item.value, 17, missing=shortest(item.value))
        role = "under check" if number == 0 and result.has_checked else "reference"
        lines.append(f"{role} ({item.method}): {value}{bar}")
    return lines


def _sides(item) -> dict:
    sides = error_sides(item)
    below, above = (None, None) if sides is None else sides
    return {"error_below": json_number(below), "error_above": json_number(above)}


def crossing(note: str) -> str:
    """What a Richardson reference's steps cross, from its note: "pole", "singularity"
    (a log or root singularity of the expression) or "kink"."""
    for what in ("pole", "singularity"):
        if f"cross a {what}" in (note or ""):
            return what
    return "kink"


def sweep_text(result: SweepResult, diagnosis: Diagnosis) -> str:
    """The sweep summary as lines of text for a terminal or the clipboard."""
    lines = [
        f"ε sweep of {result.label}",
        f"dtype {result.dtype}, {result.epsilons.size} ε from {_eps(result.epsilons[0])} to "
        f"{_eps(result.epsilons[-1])}",
        "",
        f"{'scheme':<10}{'best ε':>12}{'estimate':>22}{'relative error':>16}",
    ]
    for name in SCHEMES:
        curve = result.curves[name]
        lines.append(
            f"{name:<10}{_eps(curve.best_epsilon):>12}{_fmt(curve.best_estimate, 15):>22}"
            f"{_rel(curve.best_relative_error):>16}"
        )
    lines.append("")
    lines += _reference_lines(result)
    lines += [
        recommended_line(diagnosis),
        "",
        f"{diagnosis_title(diagnosis)}: {diagnosis_text(diagnosis)}",
    ]
    return "\n".join(lines) + "\n"


def sweep_markdown(result: SweepResult, diagnosis: Diagnosis) -> str:
    """The sweep summary as Markdown: the diagnosis first, then a table per scheme."""
    lines = [
        f"# ε sweep of {result.label}",
        "",
        f"**{diagnosis_title(diagnosis)}**: {diagnosis_text(diagnosis)}",
        "",
        f"dtype {result.dtype}, {result.epsilons.size} ε from {_eps(result.epsilons[0])} to "
        f"{_eps(result.epsilons[-1])}.",
        "",
        "| scheme | best ε | estimate | relative error |",
        "|---|---|---|---|",
    ]
    for name in SCHEMES:
        curve = result.curves[name]
        lines.append(
            f"| {name} | {_eps(curve.best_epsilon)} | {_fmt(curve.best_estimate, 15)} | "
            f"{_rel(curve.best_relative_error)} |"
        )
    lines.append("")
    lines += [f"- {line}" for line in _reference_lines(result)]
    lines += [f"- {recommended_line(diagnosis)}", ""]
    return "\n".join(lines)


CSV_COLUMNS = (
    "epsilon", "loss", "loss_plus", "loss_minus", "central", "forward", "backward",
    "central_relative_error", "forward_relative_error", "backward_relative_error",
    "roundoff_floor", "vanished", "regime",
)  # fmt: skip


def sweep_csv(result: SweepResult) -> str:
    """One row per ε: losses, the three estimates and their relative errors, regime."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i, epsilon in enumerate(result.epsilons):
        writer.writerow(
            [
                shortest(epsilon),
                shortest(result.loss_values[i]),
                shortest(result.loss_plus[i]),
                shortest(result.loss_minus[i]),
                *(shortest(result.curves[n].estimates[i]) for n in SCHEMES),
                *(shortest(result.curves[n].relative_errors[i]) for n in SCHEMES),
                shortest(result.roundoff_floor[i]),
                int(bool(result.vanished[i])),
                result.regime(i),
            ]
        )
    return buffer.getvalue()


@register(SweepReport, "text")
def _text(report: SweepReport) -> str:
    return sweep_text(report.result, report.diagnosis)


@register(SweepReport, "markdown")
def _markdown(report: SweepReport) -> str:
    return sweep_markdown(report.result, report.diagnosis)


@register(SweepReport, "json")
def _json_text(report: SweepReport) -> str:
    data = sweep_json(report.result, report.diagnosis)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@register(SweepReport, "csv")
def _csv(report: SweepReport) -> str:
    return sweep_csv(report.result)
