"""A numeric gradient without a verdict (a model with no gradient under check) in words,
tables and files: the window, Copy, the exports and the CLI all render it from here.

Nothing was compared, so nothing here says pass, fail or correct: the badge word is
"Estimate", each entry is a value with its error bar, and the rows of interest are the least
certain ones (the largest error bar relative to the value).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np

from fdgui.core.netcheck.numeric import NumericEntry, NumericGradient, NumericTensor
from fdgui.core.numbers import format as numbers
from fdgui.core.report.exporters import register

BADGE = "Estimate"  # the badge's word: no verdict
TENSOR_HEADERS = [
    "tensor", "shape", "estimated", "largest |g|", "median rel. uncertainty",
    "largest rel. uncertainty", "status",
]  # fmt: skip
CSV_COLUMNS = (
    "kind", "tensor", "index", "position", "numeric", "error_bar", "relative_uncertainty",
    "epsilon", "shape", "estimated",
)  # fmt: skip
RELATIVE_UNCERTAINTY = (
    "relative uncertainty = error bar / max(|g|, 1e-8): how many of the estimate's digits "
    "to trust (1e-6: about six)"
)


def _projection(result: NumericGradient) -> bool:
    return result.mode == "projection"


def least_certain_headers(result: NumericGradient) -> list[str]:
    first, value = ("direction", "∇L·v") if _projection(result) else ("entry", "numeric gradient")
    return [first, value, "± error bar", "rel. uncertainty", "h", "L(w+h)", "L(w−h)"]


def entry_label(entry: NumericEntry, projection: bool = False) -> str:
    if projection:
        return f"{entry.tensor} direction {entry.index + 1}"
    if not entry.position:
        return entry.tensor
    return f"{entry.tensor}[{', '.join(str(i) for i in entry.position)}]"


def _ratio(value: float) -> str:
    return numbers.scientific(value, 1) if np.isfinite(value) else "n/a (no estimate)"


def estimate_in_words(result: NumericGradient) -> str:
    """The sentence under the badge: what was estimated, how, and how well."""
    what = (
        "these are its directional derivatives ∇L·v"
        if _projection(result)
        else "this is its numeric gradient"
    )
    relative = np.concatenate([t.relative_uncertainty for t in result.tensors] or [np.zeros(0)])
    finite = relative[np.isfinite(relative)]
    parts = [
        f"No verdict: {result.label} defines no gradient to check, so {what} "
        "(Richardson from central differences at h and h/2) with error bars."
    ]
    if finite.size:
        parts.append(
            f"Relative uncertainty: median {_ratio(float(np.median(finite)))}, largest "
            f"{_ratio(float(finite.max()))}."
        )
    missing = int(relative.size - finite.size)
    if relative.size and not finite.size:
        parts.append(nothing_estimated(result))
    elif missing:
        parts.append(f"{missing:,} had no finite estimate (the loss was not finite near them).")
    return " ".join(parts)


def _count(result: NumericGradient) -> str:
    """'14', or '3 of 14' when some had no finite estimate."""
    checked, estimated = result.parameters_checked, result.estimated
    return f"{checked:,}" if estimated == checked else f"{estimated:,} of {checked:,}"


def nothing_estimated(result: NumericGradient) -> str:
    """The sentence for an estimate where no entry came out finite."""
    unit = "directions" if _projection(result) else "entries"
    return (
        f"None of the {result.parameters_checked:,} {unit} could be estimated: the loss was "
        "not finite at the points beside θ0 (only at θ0 itself)."
    )


def settings_line(result: NumericGradient) -> str:
    mode = result.mode
    what = {
        "full": "every entry",
        "sample": f"{result.settings.samples if result.settings else 16} entries per tensor",
        "projection": f"{result.settings.directions if result.settings else 8} random "
        "directions per tensor",
    }[mode]
    line = (
        f"{result.label}: {what}, {_count(result)} estimated with "
        f"{result.evaluations:,} loss evaluations in {numbers.duration(result.seconds)}; "
        f"L = {numbers.shortest(result.loss)}"
    )
    if result.noise_sigma > 0:
        line += (
            f". The loss is noisy: σ = {numbers.scientific(result.noise_sigma, 2)} over repeated "
            "evaluations at θ0; the error bars include it"
        )
    if result.precision != "float64":
        line += (  # what was measured, not the type the file computes in
            f". The loss's values are all {result.precision} numbers: h and the round-off "
            f"are {result.precision}'s"
        )
    return line


def tensor_status(tensor: NumericTensor) -> str:
    relative = tensor.relative_uncertainty
    missing = int(np.sum(~np.isfinite(relative)))
    return f"estimate ({missing:,} undefined)" if missing else "estimate"


def tensor_rows(result: NumericGradient) -> list[list[str]]:
    rows = []
    for tensor in result.tensors:
        relative = tensor.relative_uncertainty
        finite = relative[np.isfinite(relative)]
        values = np.abs(tensor.values[np.isfinite(tensor.values)])
        rows.append(
            [
                tensor.name,
                "×".join(str(n) for n in tensor.shape) or "scalar",
                f"{tensor.checked:,}",
                numbers.significant(float(values.max()), 3) if values.size else "n/a",
                _ratio(float(np.median(finite))) if finite.size else "n/a",
                _ratio(float(finite.max())) if finite.size else "n/a",
                tensor_status(tensor),
            ]
        )
    return rows


def least_certain_rows(result: NumericGradient, digits: int | None = None) -> list[list[str]]:
    """Rows of the least certain entries (``digits``: significant digits; None: every digit)."""

    def value(number: float) -> str:
        return numbers.shortest(number) if digits is None else numbers.display(number, digits)

    projection = _projection(result)
    return [
        [
            entry_label(entry, projection),
            value(entry.value),
            numbers.scientific(entry.error_bar, 1),
            _ratio(entry.relative_uncertainty),
            numbers.epsilon(entry.epsilon),
            value(entry.loss_plus),
            value(entry.loss_minus),
        ]
        for entry in result.least_certain
    ]


@register(NumericGradient, "text")
def render_text(result: NumericGradient, rows: int = 20, worst_count: int | None = None) -> str:
    rows = worst_count if worst_count is not None else rows
    projection = _projection(result)
    lines = [estimate_in_words(result), settings_line(result) + ".", ""]
    for tensor in result.tensors:
        lines.append(f"{tensor.name} {tensor.shape}: {tensor.indices.size:,} estimated")
        order = np.argsort(-np.abs(np.nan_to_num(tensor.values, nan=np.inf)), kind="stable")
        for k in order[:rows]:
            index = int(tensor.indices[k])
            if projection:
                label = f"{tensor.name} direction {index + 1}"
            elif tensor.shape:
                position = np.unravel_index(index, tensor.shape)
                label = f"{tensor.name}[{', '.join(str(int(p)) for p in position)}]"
            else:
                label = tensor.name
            lines.append(
                f"  {label:<16} {numbers.significant(tensor.values[k], 12):>20} ± "
                f"{numbers.scientific(tensor.error_bars[k], 1)}"
            )
        if tensor.indices.size > rows:
            lines.append(
                f"  … {tensor.indices.size - rows:,} more (the largest |g| shown; --json: all)"
            )
    return "\n".join(lines) + "\n"


def report_dict(result: NumericGradient) -> dict[str, Any]:
    return {
        "verdict": result.verdict,
        "model": result.label,
        "mode": result.mode,
        "parameters_checked": result.parameters_checked,
        "evaluations": result.evaluations,
        "seconds": result.seconds,
        "loss": numbers.json_number(result.loss),
        "noise_sigma": numbers.json_number(result.noise_sigma),
        "loss_precision": result.precision,
        "tensors": [
            {
                "name": t.name,
                "shape": list(t.shape),
                "indices": [int(i) for i in t.indices],
                "numeric": [numbers.json_number(float(v)) for v in t.values],
                "error_bar": [numbers.json_number(float(v)) for v in t.error_bars],
            }
            for t in result.tensors
        ],
        "worst": [],  # nothing was compared
        "least_certain": [
            {
                "tensor": e.tensor,
                "index": e.index,
                "position": list(e.position),
                "numeric": numbers.json_number(e.value),
                "error_bar": numbers.json_number(e.error_bar),
                "relative_uncertainty": numbers.json_number(e.relative_uncertainty),
                "epsilon": numbers.json_number(e.epsilon),
                "loss_plus": numbers.json_number(e.loss_plus),
                "loss_minus": numbers.json_number(e.loss_minus),
            }
            for e in result.least_certain
        ],
    }


@register(NumericGradient, "json")
def render_json(result: NumericGradient, **_options: Any) -> str:
    return json.dumps(report_dict(result), indent=2) + "\n"


@register(NumericGradient, "csv")
def render_csv(result: NumericGradient, **_options: Any) -> str:
    """A 'tensor' row per tensor, then an 'entry' row per estimated entry (every one)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for tensor in result.tensors:
        writer.writerow({"kind": "tensor", "tensor": tensor.name,
                         "shape": "x".join(str(n) for n in tensor.shape),
                         "estimated": tensor.checked})  # fmt: skip
    projection = _projection(result)
    for tensor in result.tensors:
        relative = tensor.relative_uncertainty
        for k, index in enumerate(tensor.indices):
            index = int(index)
            if projection or not tensor.shape:
                position = str(index) if projection else ""
            else:
                position = " ".join(str(int(p)) for p in np.unravel_index(index, tensor.shape))
            h = tensor.epsilons[k] if tensor.epsilons is not None else float("nan")
            writer.writerow(
                {
                    "kind": "direction" if projection else "entry",
                    "tensor": tensor.name,
                    "index": index,
                    "position": position,
                    "numeric": numbers.shortest(float(tensor.values[k])),
                    "error_bar": numbers.shortest(float(tensor.error_bars[k])),
                    "relative_uncertainty": numbers.shortest(float(relative[k])),
                    "epsilon": numbers.shortest(float(h)),
                }
            )
    return buffer.getvalue()


@register(NumericGradient, "markdown")
def render_markdown(result: NumericGradient, **_options: Any) -> str:
    def table(headers: list[str], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        return lines + ["| " + " | ".join(row) + " |" for row in rows]

    lines = [f"# Numeric gradient: {BADGE.lower()}, no verdict", "", estimate_in_words(result),
             "", settings_line(result) + ".", "", "## Per tensor", ""]  # fmt: skip
    lines += table(TENSOR_HEADERS, tensor_rows(result))
    lines += ["", "## Least certain entries", "", RELATIVE_UNCERTAINTY + ".", ""]
    lines += table(least_certain_headers(result), least_certain_rows(result))
    return "\n".join(lines) + "\n"
