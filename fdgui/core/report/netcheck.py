"""Every human-readable rendering of a network check: words, text, JSON, CSV, Markdown.

The window, the CLI and the export buttons all take their words from here, so the verdict
reads the same everywhere. The report reads the check's dataclasses; the check never imports
the report. Copy-as-code for torch and jax is in ``fdgui.core.report.code``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from fdgui import __version__
from fdgui.core.netcheck import (
    MODE_TITLES,
    CheckReport,
    Entry,
    TensorReport,
    engine_epsilon,
)
from fdgui.core.netcheck.stored import network_fields
from fdgui.core.numbers.format import epsilon as epsilon_text
from fdgui.core.numbers.format import fixed, json_number, ratio, shortest, significant
from fdgui.core.numbers.precision import recommended_epsilon
from fdgui.core.numbers.verdicts import VERDICTS
from fdgui.core.report.exporters import register
from fdgui.core.report.netcheck_formats import format_sized_words, sampled_of
from fdgui.core.report.netcheck_notes import (
    ENTRY_VERDICT_TITLES,
    LIMIT_WORDS,
    NOTE_WORDS,
    entry_status,
    not_finite,
)
from fdgui.core.report.netcheck_open import loose_directions_words, no_estimate_words, open_in_words
from fdgui.core.report.netcheck_rounding import coarse_open_words, kink_words, resolve_words

BAND_TITLES = {verdict.key: verdict.title for verdict in VERDICTS}


def evaluations_words(report: CheckReport) -> str:
    """'4 loss evaluations (+56 to measure round-off and noise)': the check's own and, where
    the setup evaluated more (a probe's precision, noise and round-off near θ0), those."""
    words = f"{report.evaluations:,} loss evaluations"
    setup = int(getattr(report, "setup_evaluations", 0) or 0)
    if setup > 0:
        words += f" (+{setup:,} to measure round-off and noise)"
    return words


def number(value: float | None, digits: int = 3) -> str:
    """A short number for tables: 3 significant digits, 'n/a' for NaN, 'inf' for ±inf."""
    return significant(value, digits, missing="n/a", infinite="inf")


def exact(value: float | None) -> str:
    """The shortest text that reads back as the same float (so a row can be recomputed)."""
    return shortest(value, missing="n/a")


def entry_label(entry: Entry, projection: bool = False) -> str:
    """'W1[3, 17]' (or 'W1 direction 4' in projection mode)."""
    if projection:
        return f"{entry.tensor} direction {entry.index + 1}"
    if not entry.position:  # a scalar tensor is its own only entry
        return entry.tensor
    return f"{entry.tensor}[{', '.join(str(i) for i in entry.position)}]"


def verdict_in_words(report: CheckReport) -> str:
    """One or two sentences: the verdict, how many disagree, and the worst tensor."""
    settings = report.settings
    projection = settings.mode == "projection"
    unit = "directions" if projection else "entries"
    checked = sum(t.checked for t in report.tensors)
    failing = [t for t in report.tensors if t.failures]
    worst = report.worst[0] if report.worst else None
    where = ""
    if worst is not None and worst.note == "undefined" and not math.isfinite(worst.analytic):
        bad = [e for e in report.worst if e.note == "undefined" and not math.isfinite(e.analytic)]
        more = f" and {len(bad) - 1:,} more of the worst listed" if len(bad) > 1 else ""
        where = (
            f"the gradient under check is {not_finite(worst.analytic)} at "
            f"{entry_label(worst, projection)}{more}"
        )
    elif worst is not None:
        where = (
            f"largest relative error {ratio(worst.relative_error)} at "
            f"{entry_label(worst, projection)}"
        )
    if report.inconclusive and any(t.no_estimate for t in report.tensors):
        return no_estimate_words(report, entry_label)
    if report.inconclusive and any(t.unresolved for t in report.tensors):
        return open_in_words(report, entry_label)
    if report.inconclusive and any(t.loose_directions for t in report.tensors):
        return loose_directions_words(report)
    if report.inconclusive and any(t.coarse_open for t in report.tensors):
        return coarse_open_words(report, entry_label)
    if report.inconclusive:
        undecided = [t for t in report.tensors if t.inconclusive]
        names = ", ".join(t.name for t in undecided)
        share = f"{sum(t.undecided for t in undecided):,} of {sum(t.checked for t in undecided):,}"
        tolerances = report.tolerances
        tried = ""
        if any(t.decided_larger or _limits(report) for t in report.tensors):
            tried = (
                f" Larger ε were tried for them: {_undecided_share(report, unit)}"
                f"{_limit_reasons(report)}."
            )
        estimated = sum(t.decided_estimate for t in report.tensors)
        if estimated:
            tried += (
                " The estimate's bar (Richardson from a step and its half, the measured "
                f"round-off) decided {estimated:,} more; {_undecided_share(report, unit)}."
            )
        same = sum(t.unreproducible for t in report.tensors)
        if same * 2 > checked:
            return (
                f"Inconclusive: ε = {epsilon_text(settings.epsilon)} is below what float64 "
                f"losses show: L+ and L− are the same float64 number for {same:,} of "
                f"{checked:,} {unit}, so the exact engine's loss changes (formed without "
                "cancellation) cannot be reproduced from the losses, and those entries "
                f"confirm nothing. {_how_to_decide(settings, report)}"
            )
        limit = f" for {tolerances.dtype}"
        if _noisy(report):  # the noise widened the tolerance, not the format's rounding
            limit = f", beside the loss's noise (σ = {number(report.noise_sigma)}),"
        return (
            f"Inconclusive: no entry disagrees, but in {names} {share} {unit} are too small"
            f"{limit} to tell a right gradient from a wrong one (atol "
            f"{number(tolerances.atol)}, rtol {number(tolerances.rtol)}: a sign flip or a "
            f"factor 2 would agree as well).{tried} {_how_to_decide(settings, report)}"
        )
    if report.verdict == "pass":
        tolerances = report.tolerances
        resolve = resolve_words(report)
        kinks = sum(t.kinks for t in report.tensors)
        within = sum(t.within_tolerance for t in report.tensors)
        larger = sum(t.decided_larger for t in report.tensors)
        undecided = sum(t.undecided for t in report.tensors)
        kink = kink_words(report, "a relu kink" if report.settings.spec is not None else "a kink")
        ladder = (
            f"{larger:,} of them decided at a larger ε, within a measured error bar of at most "
            "a quarter of the gradient"
        )
        estimated = sum(t.decided_estimate for t in report.tensors)
        by_estimate = (
            f"{estimated:,} of them decided by the estimate's bar (Richardson from a step and "
            "its half, the measured round-off), at most a quarter of the gradient"
        )
        rest = f"{_undecided_share(report, unit)}{_limit_reasons(report)}"
        if report.loose:
            parts = [f"{kinks:,} {kink}"] if kinks else []
            parts += [ladder] if larger else []
            parts += [by_estimate] if estimated else []
            middle = "".join(f"; {part}" for part in parts)
            tail = f" {rest[0].upper()}{rest[1:]}." if undecided else ""
            return (
                f"Pass, but only loosely: {within:,} of {checked:,} {unit}{sampled_of(report)} "
                "agree only within "
                f"{resolve}{middle}, so a small bug could hide there.{tail} "
                f"{_how_to_decide(settings, report)} {where[0].upper()}{where[1:]}."
            )
        parts = [f"{kinks:,} of them {kink}"] if kinks else []
        parts += [f"{within:,} of them agree only within {resolve}"] if within else []
        parts += [ladder] if larger else []
        parts += [by_estimate] if estimated else []
        parts += [rest] if undecided else []
        tail = "".join(f"; {part}" for part in parts)
        every = "all " if not (undecided or sampled_of(report)) else ""
        count = f"{checked:,}" if not undecided else f"{checked - undecided:,} of the {checked:,}"
        return (
            f"Pass: {_gradient_noun(report)} agrees with finite differences for {every}{count} "
            f"{unit} checked{sampled_of(report)}{tail}; {where}."
        )
    failures = sum(t.failures for t in failing)
    worst_tensor = next(t for t in report.tensors if t.name == report.worst_tensor)
    others = [t.name for t in failing if t.name != worst_tensor.name]
    also = f" Also wrong: {', '.join(others)}." if others else ""
    return (
        f"Fail: {failures:,} of {checked:,} {unit} disagree. The worst tensor is "
        f"{worst_tensor.name}: {where}; {worst_tensor.failures:,} of "
        f"{worst_tensor.checked:,} of its {unit} are wrong or suspicious.{also}"
        f"{format_sized_words(report)}"
    )


def _limits(report: CheckReport) -> dict[str, int]:
    """How many of the worst entries each ε-ladder reason left undecided (by note)."""
    found: dict[str, int] = {}
    for entry in report.worst:
        if entry.note in LIMIT_WORDS:
            found[entry.note] = found.get(entry.note, 0) + 1
    return found


def _undecided_share(report: CheckReport, unit: str) -> str:
    checked = sum(t.checked for t in report.tensors)
    undecided = sum(t.undecided for t in report.tensors)
    share = significant(100 * undecided / checked, 2) if checked else "0"
    return f"{undecided:,} of {checked:,} {unit} ({share} %) stay undecided"


def _limit_reasons(report: CheckReport) -> str:
    """' (W1[3, 4], …: below what …)' — the ladder's reasons among the worst entries."""
    reasons = [LIMIT_WORDS[key] for key in LIMIT_WORDS if key in _limits(report)]
    if any(t.unreproducible for t in report.tensors):
        reasons.append("L+ and L− are the same float64 number at this ε")
    if not reasons:
        return ""
    return " (" + "; ".join(reasons) + ")"


def second_look_words(report: CheckReport) -> str:
    """What the forward engine's second look and noise measurement found ('' if nothing)."""
    parts = []
    if _noisy(report):
        parts.append(
            f"The loss is noisy: at or beside the point under check it varies with σ = "
            f"{number(report.noise_sigma)} between evaluations (dropout left on? "
            f"non-deterministic kernels?); the tolerance was widened by about 4σ/ε to atol "
            f"{number(report.tolerances.atol)} instead of failing entries."
        )
    if report.reexamined:
        wrong = report.reexamined - report.settled
        parts.append(
            f"{report.reexamined:,} {'entry' if report.reexamined == 1 else 'entries'} "
            "disagreed at the first ε and were looked at again (a short ε sweep, Richardson, "
            f"one-sided limits): {report.settled:,} agree at other ε (round-off or "
            f"truncation at the first), {wrong:,} do not (a bug, a kink, or undecided)."
        )
    confirmation = confirmation_words(report)
    if confirmation:
        parts.append(confirmation)
    return " ".join(parts)


def confirmation_words(report: CheckReport) -> str:
    """What float64 made of the entries the dtype's differences called wrong ('' if none)."""
    found = report.confirmation
    if found is None or not found.suspects:
        return ""
    dtype = report.settings.dtype
    if report.settings.mode == "projection":  # confirmed along the direction itself
        unit = "direction" if found.suspects == 1 else "directions"
    else:
        unit = "entry" if found.suspects == 1 else "entries"
    words = (
        f"The {dtype} differences called {found.suspects:,} {unit} wrong; float64 "
        f"evaluations of the same loss confirmed {found.confirmed:,} of the "
        f"{found.examined:,} examined"
    )
    unconfirmed = found.examined - found.confirmed
    if unconfirmed:
        words += f" (the other {unconfirmed:,} are undecided: not confirmed)"
    if found.past_limit:
        words += (
            f"; the remaining {found.past_limit:,}, past the {found.limit:,} a check "
            f"examines (the nearest to their tolerance first), keep the {dtype} verdict "
            "without float64 confirmation"
        )
    return words + "."


def _gradient_noun(report: CheckReport) -> str:
    """The built-in network's gradient is its backprop; another model's is its own."""
    return "the backprop gradient" if report.settings.spec is not None else "the gradient"


def _noisy(report: CheckReport) -> bool:
    """Did the loss vary between evaluations by more than its rounding (a noisy loss)?"""
    return report.noise_sigma > 4 * 2.0**-53 * max(1.0, abs(report.loss))


def _how_to_decide(settings, report: CheckReport) -> str:
    if _noisy(report):
        return (
            "Make the loss the same at every evaluation (dropout off, e.g. model.eval(); "
            "fixed seeds) to decide."
        )
    if settings.epsilon is not None:
        return "Leave ε empty (the recommended step per parameter) to decide."
    if settings.dtype != "float64":
        return "Check in float64 to decide."
    what = "network loss" if report.settings.spec is not None else "loss"
    return f"A larger {what} or gradient would be needed to decide."


def _model_parts(report: CheckReport) -> list[str]:
    """What was checked: the built-in network's settings, or the model's own label."""
    spec = report.settings.spec
    if spec is None:
        return [report.model_label or "a model"]
    return [
        f"layers {','.join(str(n) for n in spec.layer_sizes)}",
        spec.activation,
        spec.loss,
        f"batch {spec.batch_size}",
        f"seed {spec.seed}",
    ]


def settings_line(report: CheckReport) -> str:
    settings = report.settings
    tolerances = getattr(report, "tolerances", None)
    precision = getattr(tolerances, "dtype", None) or settings.dtype
    parts = [
        *_model_parts(report),
        settings.dtype,
        MODE_TITLES[settings.mode].split(":")[0].lower(),
        f"{report.engine} engine",
    ]
    if settings.mode == "sample":
        largest = max(math.prod(tensor.shape) for tensor in report.tensors)
        if settings.samples >= largest:
            parts.append(f"k={settings.samples} (every entry: no tensor has more)")
        else:
            parts.append(f"k={settings.samples}")
    if settings.mode == "projection":
        parts.append(f"K={settings.directions}")
    if settings.spec is not None:
        parts.append(f"bug {settings.bug}" if settings.bug else "correct backprop")
    if settings.epsilon is not None:
        epsilon = f"ε={epsilon_text(settings.epsilon)}"
    elif settings.mode == "projection":
        central = recommended_epsilon(settings.dtype, 0.0, "central")
        epsilon = f"ε={epsilon_text(central)} along unit directions"
    else:
        epsilon = f"ε={epsilon_text(engine_epsilon(report.engine, precision))}·max(1,|w|)"
    if precision != settings.dtype:  # a loss computed or rounded in a coarser format
        # what was measured: the values' format (a float64 loss of large cancelling terms
        # can land on float32 numbers too), not the type the file computes in
        parts.append(
            f"the loss's values are all {precision} numbers: ε and tolerances are {precision}'s"
        )
    parts.append(epsilon)
    return ", ".join(parts)


# ---------------------------------------------------------------- structured data


def tensor_dict(tensor: TensorReport) -> dict[str, Any]:
    return {
        "name": tensor.name,
        "shape": list(tensor.shape),
        "checked": tensor.checked,
        "max_relative_error": json_number(tensor.max_relative_error),
        "median_relative_error": json_number(tensor.median_relative_error),
        "band_counts": dict(tensor.band_counts),  # as BAND_NOTE says ("band_note")
        "kinks": tensor.kinks,
        "within_tolerance": tensor.within_tolerance,
        "failures": tensor.failures,
        "undecided": tensor.undecided,
        "decided_at_larger_epsilon": tensor.decided_larger,
        "decided_by_estimate": tensor.decided_estimate,
        "unresolved": tensor.unresolved,
        "coarse_open": tensor.coarse_open,
        "no_estimate": tensor.no_estimate,
    }


def shown_band(entry: Entry) -> str:
    """The band the tensor's counts place an entry in: one within the check's tolerance is
    "correct" there, whatever its error at ε (review11p M3: round-off read "kinks")."""
    return "correct" if entry_status(entry.note, entry.failing) == "correct" else entry.band


def entry_dict(entry: Entry) -> dict[str, Any]:
    status = entry_status(entry.note, entry.failing)
    return {
        "tensor": entry.tensor,
        "index": entry.index,
        "position": list(entry.position),
        "numeric": json_number(entry.numeric),
        "analytic": json_number(entry.analytic),
        "relative_error": json_number(entry.relative_error),
        "epsilon": json_number(entry.epsilon),
        "loss_plus": json_number(entry.loss_plus),
        "loss_minus": json_number(entry.loss_minus),
        "loss_plus_change": json_number(entry.loss_plus_change),
        "loss_minus_change": json_number(entry.loss_minus_change),
        "band": shown_band(entry),
        "status": status,
        "note": entry.note,
        "error_bar": json_number(entry.bar),  # the ε ladder's bar (null: not retried)
    }


def report_dict(report: CheckReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (keys stable: scripts read them)."""
    settings = report.settings
    spec = settings.spec
    return {
        "fdgui_version": __version__,
        # "pass" or "fail"; "inconclusive": true means "fail" because nothing could be
        # confirmed in this dtype (no entry disagreed), exit status 1 like a failure
        "verdict": report.verdict,
        "inconclusive": report.inconclusive,
        "summary": verdict_in_words(report),
        "parameters_checked": report.parameters_checked,
        "evaluations": report.evaluations,
        "setup_evaluations": report.setup_evaluations,  # besides them: round-off, noise
        "seconds": report.seconds,
        "engine": report.engine,  # "exact" or "forward": which engine formed the numbers
        "loss": json_number(report.loss),
        # the built-in network's settings (None when another model was checked: see "model")
        "network": None
        if spec is None
        else {**network_fields(spec), "parameter_count": spec.parameter_count},
        "model": report.model_label or None,
        "noise_sigma": json_number(report.noise_sigma),
        "reexamined": report.reexamined,
        "undecided": sum(t.undecided for t in report.tensors),
        "roundoff": None
        if report.roundoff is None
        else {
            "per_loss_change": json_number(report.roundoff.per_change),
            "measured": report.roundoff.measured,
            "largest_seen": json_number(report.roundoff.largest_seen),
            "samples": report.roundoff.samples,
        },
        "settled_at_other_epsilon": report.settled,
        # float64's confirmation of the entries the dtype called wrong (netcheck.confirm)
        "confirmation": None if report.confirmation is None else report.confirmation.fields(),
        "check": {
            "mode": settings.mode,
            "dtype": settings.dtype,
            "bug": settings.bug,
            "samples": settings.samples if settings.mode == "sample" else None,
            "directions": settings.directions if settings.mode == "projection" else None,
            "epsilon": settings.epsilon,
            "check_epsilon": engine_epsilon(report.engine, settings.dtype),
            "recommended_epsilon": recommended_epsilon(settings.dtype, 0.0, "central"),
            "atol": report.tolerances.atol,
            "rtol": report.tolerances.rtol,
        },
        "band_note": BAND_NOTE,
        "worst_tensor": report.worst_tensor,
        "tensors": [tensor_dict(t) for t in report.tensors],
        "worst": [entry_dict(e) for e in report.worst],
    }


def render_json(report: CheckReport, worst_count: int | None = None) -> str:
    data = report_dict(report)
    data["worst"] = data["worst"][:worst_count]  # --worst N; None: every worst entry kept
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = (
    "kind", "tensor", "index", "position", "numeric", "analytic", "relative_error", "band",
    "note", "epsilon", "loss_plus", "loss_minus", "loss_plus_change", "loss_minus_change",
    "shape", "checked", "max_relative_error",
    "median_relative_error", "correct", "kinks_band", "suspicious", "wrong", "failures",
)  # fmt: skip


def render_csv(report: CheckReport) -> str:
    """One table: a 'tensor' row per tensor, then an 'entry' row per worst entry."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for tensor in report.tensors:
        counts = tensor.band_counts
        writer.writerow(
            {
                "kind": "tensor",
                "tensor": tensor.name,
                "shape": "x".join(str(n) for n in tensor.shape),
                "checked": tensor.checked,
                "max_relative_error": shortest(tensor.max_relative_error),
                "median_relative_error": shortest(tensor.median_relative_error),
                "correct": counts["correct"],
                "kinks_band": counts["kinks"],
                "suspicious": counts["suspicious"],
                "wrong": counts["wrong"],
                "failures": tensor.failures,
            }
        )
    for entry in report.worst:
        writer.writerow(
            {
                "kind": "entry",
                "tensor": entry.tensor,
                "index": entry.index,
                "position": " ".join(str(i) for i in entry.position),
                "numeric": shortest(entry.numeric),
                "analytic": shortest(entry.analytic),
                "relative_error": shortest(entry.relative_error),
                "band": shown_band(entry),
                "note": entry.note,
                "epsilon": shortest(entry.epsilon),
                "loss_plus": shortest(entry.loss_plus),
                "loss_minus": shortest(entry.loss_minus),
                "loss_plus_change": shortest(entry.loss_plus_change),
                "loss_minus_change": shortest(entry.loss_minus_change),
            }
        )
    return buffer.getvalue()


def tensor_rows(report: CheckReport) -> list[list[str]]:
    """Rows of the per-tensor table (same cells in the window, CLI and Markdown)."""
    rows = []
    for tensor in report.tensors:
        counts = tensor.band_counts
        rows.append(
            [
                tensor.name,
                "×".join(str(n) for n in tensor.shape),
                f"{tensor.checked:,}",
                ratio(tensor.max_relative_error),
                ratio(tensor.median_relative_error),
                f"{counts['correct']:,}",
                f"{counts['kinks']:,}",
                f"{counts['suspicious']:,}",
                f"{counts['wrong']:,}",
                tensor_status(tensor),
            ]
        )
    return rows


def tensor_status(tensor: TensorReport) -> str:
    """'ok', 'N failing', or 'undecided' (more than a quarter of the entries too small for
    the dtype: ``TensorReport.inconclusive``)."""
    if tensor.failures:
        return f"{tensor.failures:,} failing"
    if tensor.no_estimate and tensor.inconclusive:
        return f"no estimate ({tensor.no_estimate:,})"
    if tensor.loose_directions and tensor.inconclusive and not tensor.unresolved:
        return f"loose ({tensor.loose_directions:,})"
    if tensor.inconclusive:
        return f"undecided ({tensor.undecided:,})"
    if tensor.undecided:
        return f"ok, {tensor.undecided:,} undecided"
    return "ok"


# the band columns: "correct" and "kinks" also hold the entries the status excuses (a
# tolerated one, an explained kink: netcheck.band_columns), and say so in their header
CORRECT_COLUMN, KINK_COLUMN = "< 1e-7 or tol.", "1e-7..1e-4 or kink"
TENSOR_HEADERS = [
    "tensor", "shape", "checked", "max rel. error", "median rel. error",
    CORRECT_COLUMN, KINK_COLUMN, "1e-4..1e-2", "> 1e-2", "status",
]  # fmt: skip

# what the band columns count (the same numbers colour the heat map)
BAND_NOTE = (
    "Band columns count what the status decides: an entry within the dtype's tolerance "
    "(atol + rtol·|g|, or the measured bar of an entry decided at a larger ε), or one a second "
    "look settled at another ε, is in “< 1e-7 or tol.”; an entry on a kink whose gradient lies "
    "between the one-sided slopes is in “1e-7..1e-4 or kink” (the band “Fine only if the loss "
    "has kinks”), whatever its error at ε; any other entry by its error left beyond atol, "
    "relative to the gradient (a failing one never in “< 1e-7”). Undecided entries are counted "
    "in the status instead."
)

WORST_HEADERS = [
    "entry",
    "numeric",
    "backprop",
    "rel. error",
    "verdict",
    "ε",
    "ΔL+",
    "ΔL−",
    "note",
]


def worst_headers(report: CheckReport) -> list[str]:
    """WORST_HEADERS, the gradient's column named for what it is: "backprop" for the
    built-in network, "gradient" for a model of its own (a probe file)."""
    if report.settings.spec is not None:
        return list(WORST_HEADERS)
    return ["gradient" if h == "backprop" else h for h in WORST_HEADERS]  # fmt: skip


# why the table shows the loss changes rather than L+ and L− (window tooltip, help, exports)
CHANGE_EXPLANATION = (
    "ΔL+ = L(w+ε) − L(w) and ΔL− = L(w−ε) − L(w), as the check formed them; numeric = "
    "(ΔL+ − ΔL−)/(2ε) exactly, with the ε and ΔL± shown (full precision). In float64 the "
    "exact engine computes each change directly from the layer it perturbs, never as a "
    "difference of two rounded losses, so the change keeps about 15 digits even where L+ and "
    "L− print as the same number; the forward engine, and every engine in the other dtypes, "
    "subtracts the losses as they were computed (rounded to the dtype)."
)


def change_explanation(report: CheckReport) -> str:
    """How this report's ΔL± were formed (the engines differ)."""
    if report.engine == "forward":
        return (
            "ΔL+ = L(w+ε) − L(w) and ΔL− = L(w−ε) − L(w), the losses evaluated as the model "
            "runs them and subtracted (the forward engine); numeric = (ΔL+ − ΔL−)/(2ε) "
            "exactly, with the ε and ΔL± shown (full precision). Their round-off is about "
            "u·|L|, so where L+ and L− print alike few digits of the difference are left."
        )
    return CHANGE_EXPLANATION


def entry_verdict(entry: Entry) -> str:
    """The band's title, or what explains an entry outside the 'correct' band."""
    return ENTRY_VERDICT_TITLES.get(entry.note) or BAND_TITLES.get(entry.band, entry.band)


def worst_rows(report: CheckReport) -> list[list[str]]:
    projection = report.settings.mode == "projection"
    return [
        [
            entry_label(entry, projection),
            number(entry.numeric, 6),
            number(entry.analytic, 6),
            ratio(entry.relative_error),
            entry_verdict(entry),
            exact(entry.epsilon),
            exact(entry.loss_plus_change),
            exact(entry.loss_minus_change),
            NOTE_WORDS.get(entry.note, entry.note),
        ]
        for entry in report.worst
    ]


def _markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(report: CheckReport) -> str:
    tolerances = report.tolerances
    return "\n".join(
        [
            "# fdgui network check",
            "",
            f"**{verdict_in_words(report)}**",
            "",
            f"Settings: {settings_line(report)}.",
            f"Loss L = {shortest(report.loss)}; {report.parameters_checked:,} checked with "
            f"{evaluations_words(report)} in {fixed(report.seconds, 3)} s.",
            f"Agreement expected in {tolerances.dtype}: atol {number(tolerances.atol)}, "
            f"rtol {number(tolerances.rtol)}. {second_look_words(report)}".rstrip(),
            "",
            "## Per tensor",
            "",
            _markdown_table(TENSOR_HEADERS, tensor_rows(report)),
            "",
            BAND_NOTE,
            "",
            f"## The {len(report.worst)} worst entries",
            "",
            _markdown_table(worst_headers(report), worst_rows(report)),
            "",
            "Relative error = |numeric − backprop| / max(|numeric|, |backprop|, 1e-8)."
            if report.settings.spec is not None
            else "Relative error = |numeric − gradient| / max(|numeric|, |gradient|, 1e-8).",
            "",
            change_explanation(report),
            "",
        ]
    )


def render_text(report: CheckReport, worst_count: int = 10) -> str:
    """The CLI's plain-text report: verdict, per-tensor table, worst entries."""

    def table(headers: list[str], rows: list[list[str]]) -> list[str]:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
        for row in rows:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        return lines

    rows = worst_rows(report)[:worst_count]
    lines = [
        verdict_in_words(report),
        f"({settings_line(report)}; {report.parameters_checked:,} checked, "
        f"{evaluations_words(report)}, {fixed(report.seconds, 3)} s)",
        *([second_look_words(report)] if second_look_words(report) else []),
        "",
        *table(TENSOR_HEADERS, tensor_rows(report)),
        BAND_NOTE,
    ]
    if rows:
        lines += ["", f"Worst {len(rows)}:", *table(worst_headers(report), rows)]
    return "\n".join(lines) + "\n"


register(CheckReport, "text")(render_text)
register(CheckReport, "json")(render_json)
register(CheckReport, "csv")(render_csv)
register(CheckReport, "markdown")(render_markdown)
