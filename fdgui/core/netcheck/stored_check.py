"""Checks of a stored network-check report (no Qt): the budget before anything is decoded,
and afterwards that every derived field follows from the stored per-tensor and per-entry
data the way ``results.build_report`` derives it. A file that fails is refused with one
phrase (``StoredReportError``); fdgui never shows a report its own run could not have made.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fdgui.core.netcheck.reexamine import REASON_KEYS
from fdgui.core.netcheck.results import (
    HEAT_MAP_SIDE,
    WORST_COUNT,
    CheckReport,
    band_counts_of,
    heat_map_of,
)
from fdgui.core.numbers.verdicts import VERDICTS, verdict_for

ERRORS_BUDGET = 131_072  # relative errors kept (float64, 1 MB): decoded on the GUI thread
HEAT_BUDGET = 524_288  # heat-map cells kept (float32, 2 MB): together < 100 ms to decode
MAX_TENSORS = 1024  # a report with more tensors is not kept in a session
MAX_NAME = 1000  # characters of a tensor name
MAX_LABEL = 10_000  # characters of the model label
NOTES = frozenset(
    {
        "",
        "undefined",
        "no-loss",
        "kink",
        "flat",
        "undecided",
        "round-off",
        "some-ε",
        "larger-ε",
        "larger-ε-wrong",
        "kink-unexamined",
        *REASON_KEYS.values(),
    }
)  # fmt: skip  (every note build_report writes)


class StoredReportError(ValueError):
    """Data that is not a report this fdgui wrote; ``str()`` says what is wrong."""


def matrix_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """The 2-D picture of a tensor of this shape (see ``results.as_matrix``)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) < 2:
        return 1, math.prod(shape)
    return shape[0], math.prod(shape[1:])


def heat_shape(rows: int, columns: int) -> tuple[int, int]:
    """The shape ``heat_map_of`` gives a ``rows`` × ``columns`` picture (block maxima)."""
    row_step = -(-rows // HEAT_MAP_SIDE)
    column_step = -(-columns // HEAT_MAP_SIDE)
    return -(-rows // row_step), -(-columns // column_step)


def _declared(stored: Any, name: str) -> tuple[int, ...] | None:
    """The shape a stored array declares (None: omitted), read without decoding it."""
    if not isinstance(stored, dict):
        raise StoredReportError(f"{name} is not a stored array")
    if "omitted" in stored:
        if not isinstance(stored["omitted"], str) or len(stored["omitted"]) > MAX_LABEL:
            raise StoredReportError(f"{name}: the reason it was omitted is not a short text")
        return None
    shape = stored.get("shape")
    if not isinstance(shape, list) or len(shape) > 32:
        raise StoredReportError(f"{name} is not a stored array")
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in shape):
        raise StoredReportError(f"{name} shape is not a shape")
    itemsize = 4 if stored.get("dtype") == "float32" else 8
    text = stored.get("zlib_base64")
    bound = 4 * ((math.prod(shape) * itemsize * 1.01 + 64) // 3 + 2)
    if isinstance(text, str) and len(text) > bound:
        raise StoredReportError(f"{name} holds more bytes than its {math.prod(shape):,} numbers")
    return tuple(shape)


def check_budget(data: dict[str, Any], mode: str) -> None:
    """Before decoding: at most MAX_TENSORS tensors and WORST_COUNT worst entries, every
    array the shape its tensor gives it, and all arrays together within the writer's
    budgets (HEAT_BUDGET cells, ERRORS_BUDGET errors), so a small file cannot make fdgui
    allocate more than a report it wrote."""
    tensors, worst = data["tensors"], data["worst"]
    if not isinstance(tensors, list) or not isinstance(worst, list):
        raise StoredReportError("the report's tensors or worst entries are not lists")
    if len(tensors) > MAX_TENSORS:
        raise StoredReportError(
            f"the report has {len(tensors):,} tensors, more than a session keeps ({MAX_TENSORS:,})"
        )
    if len(worst) > WORST_COUNT:
        raise StoredReportError(f"the report has more than {WORST_COUNT} worst entries")
    label = data.get("model_label")
    if isinstance(label, str) and len(label) > MAX_LABEL:
        raise StoredReportError("the report's model label is too long")
    heat_total = errors_total = 0
    for item in tensors:
        if not isinstance(item, dict):
            raise StoredReportError("a tensor of the report is not an object")
        name = item["name"]
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
            raise StoredReportError(f"a tensor name is empty or longer than {MAX_NAME}")
        shape = item["shape"]
        if (
            not isinstance(shape, list)
            or len(shape) > 32
            or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in shape)
        ):
            raise StoredReportError(f"{name} shape is not a shape of a tensor with entries")
        errors = _declared(item["relative_errors"], f"{name} relative errors")
        heat = _declared(item["heat_map"], f"{name} heat map")
        if mode == "projection":
            picture = errors if errors is not None else None
            if errors is not None and (len(errors) != 2 or errors[0] != 1 or errors[1] < 1):
                raise StoredReportError(f"{name} relative errors are not one per direction")
        else:
            picture = matrix_shape(tuple(shape))
            if errors is not None and errors != tuple(shape):
                raise StoredReportError(
                    f"{name} relative errors have shape {list(errors)}, not the tensor's "
                    f"{list(shape)}"
                )
        if heat is not None:
            if picture is not None:
                expected = heat_shape(*picture)
                if heat != expected:
                    raise StoredReportError(
                        f"{name} heat map is {list(heat)}, not the {list(expected)} its "
                        "tensor gives"
                    )
            elif len(heat) != 2 or heat[0] != 1 or not 1 <= heat[1] <= HEAT_MAP_SIDE:
                raise StoredReportError(f"{name} heat map is not one row of directions")
            heat_total += math.prod(heat)
        if errors is not None:
            errors_total += math.prod(errors)
    if heat_total > HEAT_BUDGET:
        raise StoredReportError(
            f"its heat maps have {heat_total:,} cells together, more than a session keeps "
            f"({HEAT_BUDGET:,})"
        )
    if errors_total > ERRORS_BUDGET:
        raise StoredReportError(
            f"its relative errors have {errors_total:,} entries together, more than a session "
            f"keeps ({ERRORS_BUDGET:,})"
        )


def _fail(message: str) -> None:
    raise StoredReportError(message)


def check_report(report: CheckReport) -> None:
    """After decoding: every derived field as ``build_report`` would derive it from the
    stored per-tensor and per-entry data (the words, tables and heat map rely on this)."""
    if report.settings.spec is not None:
        own = report.settings.spec.tensor_shapes
        stored = [(t.name, t.shape) for t in report.tensors]
        if stored != own:
            _fail("its tensors are not the built-in network's own (names and shapes)")
    names = [t.name for t in report.tensors]
    if len(set(names)) != len(names):
        _fail("two of its tensors have the same name")
    projection = report.settings.mode == "projection"
    for tensor in report.tensors:
        _check_tensor(tensor, projection, report.settled)
    _check_worst(report, projection)


def _check_tensor(tensor: Any, projection: bool, settled: int) -> None:
    name = tensor.name
    counts = tensor.band_counts
    checked = tensor.checked
    # entries with no estimate (the loss not finite beside θ) are in no band, as undecided
    undecided = tensor.undecided + getattr(tensor, "no_estimate", 0)
    size = math.prod(tensor.shape)
    errors = tensor.relative_errors
    limit = size if not projection else (checked if errors is None else errors.shape[1])
    if checked > limit:
        _fail(f"{name} has more entries checked than it has")
    if tensor.failures + tensor.within_tolerance + undecided > checked:
        _fail(
            f"{name}: its failing, within-tolerance and undecided entries outnumber those checked"
        )
    if sum(counts.values()) != checked - undecided:
        _fail(f"{name}: its band counts do not add up to the entries decided")
    # a failing entry is never in the "correct" band; an entry outside it is failing,
    # on a kink, within the dtype's tolerance or settled by a second look
    beyond = checked - undecided - counts[VERDICTS[0].key]
    if beyond < tensor.failures:
        _fail(f"{name}: it has more failures than entries outside the correct band")
    if beyond > tensor.failures + tensor.kinks + tensor.within_tolerance + settled:
        _fail(f"{name}: entries outside the correct band are neither failures nor explained")
    largest, median = tensor.max_relative_error, tensor.median_relative_error
    if checked == 0:
        if not (math.isnan(largest) and math.isnan(median)):
            _fail(f"{name}: errors are given for a tensor with nothing checked")
    elif math.isnan(largest) or math.isnan(median) or median > largest or median < 0:
        _fail(f"{name}: its largest and median relative errors do not fit together")
    low, high = tensor.heat_levels
    if not (math.isfinite(low) and math.isfinite(high) and low < high and low == int(low)
            and high == int(high)):  # fmt: skip
        _fail(f"{name}: its heat-map levels are not whole decades")
    if errors is None:
        return
    if np.isnan(errors).all() and checked - undecided:
        _fail(f"{name}: its relative errors are blank where entries were decided")
    decided = errors[~np.isnan(errors)]
    if decided.size != checked - undecided or (decided < 0).any():
        _fail(f"{name}: its relative errors do not match the entries decided")
    if band_counts_of(decided) != counts:
        _fail(f"{name}: its band counts do not follow from its relative errors")
    heat, levels = heat_map_of(errors)
    if tensor.heat_map is not None and not np.array_equal(heat, tensor.heat_map, equal_nan=True):
        _fail(f"{name}: its heat map does not follow from its relative errors")
    if tuple(levels) != tuple(tensor.heat_levels):
        _fail(f"{name}: its heat-map levels do not follow from its relative errors")


def _check_worst(report: CheckReport, projection: bool) -> None:
    tensors = {t.name: t for t in report.tensors}
    worst = report.worst
    failures = sum(t.failures for t in report.tensors)
    expected = min(WORST_COUNT, sum(min(WORST_COUNT, t.checked) for t in report.tensors))
    if len(worst) != expected:
        _fail(f"it lists {len(worst)} worst entries where its tensors give {expected}")
    if sum(entry.failing for entry in worst) != min(WORST_COUNT, failures):
        _fail("its worst entries do not show its failures")
    keys = [(not entry.failing, -entry.relative_error) for entry in worst]
    if keys != sorted(keys):
        _fail("its worst entries are not in order (failing first, then by error)")
    seen = set()
    for entry in worst:
        tensor = tensors[entry.tensor]
        label = f"the worst entry {entry.tensor}[{entry.index}]"
        if (entry.tensor, entry.index) in seen:
            _fail(f"{label} is listed twice")
        seen.add((entry.tensor, entry.index))
        if projection:
            errors = tensor.relative_errors
            count = errors.shape[1] if errors is not None else tensor.checked
            if entry.position != (entry.index,) or entry.index >= max(count, tensor.checked):
                _fail(f"{label} is not one of its directions")
        else:
            size = math.prod(tensor.shape)
            if entry.index >= size or entry.position != tuple(
                int(v) for v in np.unravel_index(entry.index, tensor.shape)
            ):
                _fail(f"{label} is not an entry of its tensor")
        value = entry.relative_error
        if math.isnan(value) or value < 0 or value > tensor.max_relative_error:
            _fail(f"{label} has an error its tensor's largest does not allow")
        if entry.band != verdict_for(value).key:
            _fail(f"{label} is in the wrong band")
        if entry.note not in NOTES:
            _fail(f"{label} has an unknown note")
        if entry.failing and (value <= VERDICTS[0].upper or tensor.failures == 0):
            _fail(f"{label} is failing in a tensor without failures")
    for name, tensor in tensors.items():
        if sum(e.failing for e in worst if e.tensor == name) > tensor.failures:
            _fail(f"{name} has more failing worst entries than failures")
    if report.worst_tensor != (worst[0].tensor if worst else ""):
        _fail("its worst tensor is not the one holding the worst entry")
