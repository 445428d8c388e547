"""A finished network check as plain data for a session file, and back (no Qt).

``report_data(report)`` gives JSON-ready data from which ``report_from_data`` rebuilds the
same ``CheckReport``: settings, tolerances, verdict, every per-tensor number, the worst
entries, and per tensor the heat map (log10, as drawn: float32) and the relative errors
(float64, what the heat-map CSV lists), as zlib-compressed base64 arrays. Non-finite
numbers are the strings "nan", "inf", "-inf" (JSON has no such numbers).

A session has a size limit (``core.session.MAX_BYTES``), so the arrays have budgets: the
relative errors are kept for tensors while their entries add up to at most
``ERRORS_BUDGET``, the heat maps while their cells add up to at most ``HEAT_BUDGET``. What
is not kept is written as ``{"omitted": reason}`` and comes back as None with the reason in
``StoredReport.omitted`` (the window says so rather than drawing nothing). The backprop and
finite-difference values of every entry (``TensorReport.numeric``/``analytic``) are not
kept: nothing shows them but the worst entries, which are kept whole.
"""

from __future__ import annotations

import base64
import math
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.netcheck.confirm import Confirmation
from fdgui.core.netcheck.ladder import Roundoff
from fdgui.core.netcheck.results import CheckReport, Entry, TensorReport
from fdgui.core.netcheck.settings import CheckSettings
from fdgui.core.netcheck.stored_check import (  # noqa: F401  (re-exported)
    ERRORS_BUDGET,
    HEAT_BUDGET,
    MAX_TENSORS,
    StoredReportError,
    check_budget,
    check_report,
)
from fdgui.core.netcheck.tolerances import Tolerances

MAX_ARRAY_ELEMENTS = HEAT_BUDGET  # a stored array claiming more is refused unread


@dataclass(frozen=True)
class StoredReport:
    """A report rebuilt from a session, and what of it was not kept."""

    report: CheckReport
    finished_at: str = ""  # when the check finished (ISO 8601, UTC), "" if unknown
    omitted: dict[str, str] = field(default_factory=dict)  # "<tensor> heat map": why


# --- numbers and arrays ----------------------------------------------------------------------
def _number(value: float) -> Any:
    value = float(value)
    if math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def network_fields(spec: NetworkSpec) -> dict[str, Any]:
    """The built-in network's settings as JSON fields (stored reports and the report's JSON)."""
    return {
        "layer_sizes": list(spec.layer_sizes),
        "activation": spec.activation,
        "loss": spec.loss,
        "batch_size": spec.batch_size,
        "seed": spec.seed,
    }


def _float(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise StoredReportError(f"{name} is not a number")
    if isinstance(value, int | float):
        return float(value)
    if value in ("nan", "inf", "-inf"):
        return float(value)
    raise StoredReportError(f"{name} is not a number")


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StoredReportError(f"{name} is not a whole number")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise StoredReportError(f"{name} is not a text")
    return value


def _shape(value: Any, name: str) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) > 32:
        raise StoredReportError(f"{name} is not a shape")
    return tuple(_int(n, name) for n in value)


_DTYPES = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8")}


def encode_array(array: np.ndarray, dtype: str) -> dict[str, Any]:
    """``array`` as {"dtype", "shape", "zlib_base64"} (little-endian ``dtype``)."""
    values = np.ascontiguousarray(np.asarray(array, dtype=_DTYPES[dtype]))
    packed = base64.b64encode(zlib.compress(values.tobytes(), 6)).decode("ascii")
    return {"dtype": dtype, "shape": list(values.shape), "zlib_base64": packed}


def decode_array(data: Any, name: str) -> np.ndarray:
    if not isinstance(data, dict) or data.get("dtype") not in ("float32", "float64"):
        raise StoredReportError(f"{name} is not a stored array")
    shape = _shape(data.get("shape"), f"{name} shape")
    count = math.prod(shape)
    if count > MAX_ARRAY_ELEMENTS:
        raise StoredReportError(f"{name} is larger than a session's report can be")
    dtype = _DTYPES[data["dtype"]]
    try:
        raw = base64.b64decode(_text(data.get("zlib_base64"), name), validate=True)
        decompressor = zlib.decompressobj()
        plain = decompressor.decompress(raw, count * dtype.itemsize + 1)
    except (ValueError, zlib.error):
        raise StoredReportError(f"{name} is damaged") from None
    if (
        len(plain) != count * dtype.itemsize
        or decompressor.unconsumed_tail
        or decompressor.unused_data
        or not decompressor.eof
    ):
        raise StoredReportError(f"{name} does not hold exactly {count:,} numbers")
    array = np.frombuffer(plain, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    array.setflags(write=False)
    return array


# --- writing ---------------------------------------------------------------------------------
def report_data(report: CheckReport, finished_at: str = "") -> dict[str, Any]:
    """``report`` as JSON-ready data (see the module's note on what is kept)."""
    settings = report.settings
    spec = settings.spec
    errors_left, heat_left = ERRORS_BUDGET, HEAT_BUDGET
    tensors = []
    for tensor in report.tensors:
        item: dict[str, Any] = {
            "name": tensor.name,
            "shape": list(tensor.shape),
            "checked": tensor.checked,
            "max_relative_error": _number(tensor.max_relative_error),
            "median_relative_error": _number(tensor.median_relative_error),
            "band_counts": {k: int(v) for k, v in tensor.band_counts.items()},
            "kinks": tensor.kinks,
            "within_tolerance": tensor.within_tolerance,
            "failures": tensor.failures,
            "undecided": tensor.undecided,
            "decided_at_larger_epsilon": tensor.decided_larger,  # the ε ladder (netcheck)
            "unreproducible": tensor.unreproducible,
            "decided_by_estimate": tensor.decided_estimate,  # netcheck.estimate_verdict
            "unresolved": tensor.unresolved,  # clear disagreements left undecided
            "coarse_open": tensor.coarse_open,  # a coarse loss's unbounded undecided entries
            "no_estimate": tensor.no_estimate,  # the loss not finite at θ ± ε
            "heat_levels": [_number(v) for v in tensor.heat_levels],
        }
        heat = tensor.heat_map
        if heat is None:
            item["heat_map"] = {"omitted": "the check made no heat map of it"}
        elif np.size(heat) <= heat_left:
            heat_left -= int(np.size(heat))
            item["heat_map"] = encode_array(heat, "float32")
        else:
            item["heat_map"] = {
                "omitted": f"the heat maps of this report have more than {HEAT_BUDGET:,} "
                "cells together, more than a session keeps"
            }
        errors = tensor.relative_errors
        if errors is None:
            item["relative_errors"] = {"omitted": "not kept in the session it came from"}
        elif np.size(errors) <= errors_left:
            errors_left -= int(np.size(errors))
            item["relative_errors"] = encode_array(errors, "float64")
        else:
            item["relative_errors"] = {
                "omitted": f"this report's tensors have more than {ERRORS_BUDGET:,} entries "
                "together, more than a session keeps"
            }
        tensors.append(item)
    return {
        "finished_at": finished_at,
        "settings": {
            "network": None if spec is None else network_fields(spec),
            "mode": settings.mode,
            "bug": settings.bug,
            "dtype": settings.dtype,
            "samples": settings.samples,
            "directions": settings.directions,
            "epsilon": None if settings.epsilon is None else _number(settings.epsilon),
            "sample_seed": settings.sample_seed,
            "engine": settings.engine,
        },
        "loss": _number(report.loss),
        "tolerances": {
            "dtype": report.tolerances.dtype,
            "epsilon": _number(report.tolerances.epsilon),
            "atol": _number(report.tolerances.atol),
            "rtol": _number(report.tolerances.rtol),
        },
        "verdict": report.verdict,
        "worst_tensor": report.worst_tensor,
        "parameters_checked": report.parameters_checked,
        "evaluations": report.evaluations,
        "setup_evaluations": report.setup_evaluations,
        "seconds": _number(report.seconds),
        "inconclusive": report.inconclusive,
        "engine": report.engine,
        "model_label": report.model_label,
        "noise_sigma": _number(report.noise_sigma),
        "reexamined": report.reexamined,
        "settled": report.settled,
        "roundoff": None
        if report.roundoff is None
        else {
            "per_change": _number(report.roundoff.per_change),
            "measured": report.roundoff.measured,
            "largest_seen": _number(report.roundoff.largest_seen),
            "samples": report.roundoff.samples,
            "typical": _number(report.roundoff.typical),
        },
        "confirmation": None if report.confirmation is None else report.confirmation.fields(),
        "tensors": tensors,
        "worst": [_entry_data(entry) for entry in report.worst],
    }


_ENTRY_FLOATS = ("numeric", "analytic", "relative_error", "epsilon", "loss_plus",
                 "loss_minus", "loss_plus_change", "loss_minus_change")  # fmt: skip


def _entry_data(entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "tensor": entry.tensor,
        "index": entry.index,
        "position": list(entry.position),
        "band": entry.band,
        "note": entry.note,
        "failing": entry.failing,
        "bar": _number(entry.bar),  # the ε ladder's error bar ("nan": not retried)
    }
    data.update({name: _number(getattr(entry, name)) for name in _ENTRY_FLOATS})
    return data


def without_arrays(data: dict[str, Any], reason: str) -> dict[str, Any]:
    """``data`` with every stored array replaced by ``{"omitted": reason}`` (a session
    that would otherwise be too large to be read back)."""
    tensors = []
    for tensor in data.get("tensors", []):
        tensor = dict(tensor)
        for key in ("heat_map", "relative_errors"):
            if isinstance(tensor.get(key), dict) and "omitted" not in tensor[key]:
                tensor[key] = {"omitted": reason}
        tensors.append(tensor)
    return {**data, "tensors": tensors}


# --- reading ---------------------------------------------------------------------------------
def report_from_data(data: Any) -> StoredReport:
    """The report ``report_data`` wrote; StoredReportError (one phrase) when ``data`` is
    not one (a damaged or hand-edited file): the caller names it and keeps the rest."""
    if not isinstance(data, dict):
        raise StoredReportError("the report is not an object")
    try:
        return _read(data)
    except StoredReportError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as error:
        raise StoredReportError(f"the report is malformed ({type(error).__name__})") from None


def _read(data: dict[str, Any]) -> StoredReport:
    raw = data["settings"]
    network = raw["network"]
    spec = None
    if network is not None:
        spec = NetworkSpec(
            layer_sizes=_shape(network["layer_sizes"], "layer sizes"),
            activation=_text(network["activation"], "activation"),
            loss=_text(network["loss"], "loss"),
            batch_size=_int(network["batch_size"], "batch size"),
            seed=_int(network["seed"], "seed"),
        )
    bug = raw["bug"]
    if bug is not None:
        bug = _text(bug, "bug")
    epsilon = raw["epsilon"]
    settings = CheckSettings(
        spec=spec,
        mode=_text(raw["mode"], "mode"),
        bug=bug,
        dtype=_text(raw["dtype"], "dtype"),
        samples=_int(raw["samples"], "samples"),
        directions=_int(raw["directions"], "directions"),
        epsilon=None if epsilon is None else _float(epsilon, "epsilon"),
        sample_seed=_int(raw["sample_seed"], "sample seed"),
        engine=_text(raw["engine"], "engine"),
    )
    from fdgui.core.netcheck.settings import ENGINES, MODES
    from fdgui.core.numbers.precision import DTYPE_NAMES

    if settings.mode not in MODES or settings.engine not in ENGINES:
        raise StoredReportError("the report's mode or engine is unknown")
    if settings.dtype not in DTYPE_NAMES:
        raise StoredReportError(f"the report's dtype {settings.dtype!r} is unknown")
    tol = data["tolerances"]
    tolerances = Tolerances(
        dtype=_text(tol["dtype"], "tolerance dtype"),
        epsilon=_float(tol["epsilon"], "tolerance ε"),
        atol=_float(tol["atol"], "atol"),
        rtol=_float(tol["rtol"], "rtol"),
    )
    if tolerances.dtype not in DTYPE_NAMES:
        raise StoredReportError(f"the report's dtype {tolerances.dtype!r} is unknown")
    check_budget(data, settings.mode)  # before anything is decoded
    omitted: dict[str, str] = {}
    tensors = tuple(_tensor(item, omitted) for item in data["tensors"])
    names = {tensor.name for tensor in tensors}
    worst = tuple(_entry(item, names) for item in data["worst"])
    verdict = _text(data["verdict"], "verdict")
    if verdict not in ("pass", "fail"):
        raise StoredReportError("the report's verdict is neither pass nor fail")
    worst_tensor = _text(data["worst_tensor"], "worst tensor")
    if worst_tensor and worst_tensor not in names:
        raise StoredReportError("the report's worst tensor is not one of its tensors")
    inconclusive = data["inconclusive"]
    if not isinstance(inconclusive, bool):
        raise StoredReportError("inconclusive is not true or false")
    report = CheckReport(
        settings=settings,
        loss=_float(data["loss"], "loss"),
        tolerances=tolerances,
        tensors=tensors,
        worst=worst,
        verdict=verdict,
        worst_tensor=worst_tensor,
        parameters_checked=_int(data["parameters_checked"], "parameters checked"),
        evaluations=_int(data["evaluations"], "evaluations"),
        setup_evaluations=_int(data.get("setup_evaluations", 0), "setup evaluations"),
        seconds=_float(data["seconds"], "seconds"),
        inconclusive=inconclusive,
        engine=settings.engine if data["engine"] is None else _text(data["engine"], "engine"),
        model_label=_text(data["model_label"], "model"),
        noise_sigma=_float(data["noise_sigma"], "noise"),
        reexamined=_int(data["reexamined"], "reexamined"),
        settled=_int(data["settled"], "settled"),
        roundoff=_roundoff(data.get("roundoff")),  # sessions before the ε ladder: none
        confirmation=_confirmation(data.get("confirmation")),  # older sessions: none
    )
    _check_consistent(report)
    finished = data.get("finished_at", "")
    return StoredReport(report, finished if isinstance(finished, str) else "", omitted)


def _check_consistent(report: CheckReport) -> None:
    """The verdict must follow from the tensors as ``build_report`` decides it (a file that
    says "pass" beside failing tensors is refused, never shown as a pass)."""
    from fdgui.core.errors import InputError

    if not report.tensors:
        raise StoredReportError("the report has no tensors")
    if report.settings.spec is not None:
        try:
            report.settings.spec.validate()
        except InputError as error:
            raise StoredReportError(f"the report's network is not one ({error.message})") from None
    epsilon = report.settings.epsilon
    if epsilon is not None and not (math.isfinite(epsilon) and 0 < epsilon < 1):
        raise StoredReportError("the report's ε is not a positive number below 1")
    failures = sum(tensor.failures for tensor in report.tensors)
    nothing = sum(tensor.checked for tensor in report.tensors) == 0
    inconclusive = failures == 0 and (nothing or any(t.inconclusive for t in report.tensors))
    verdict = "pass" if failures == 0 and not inconclusive else "fail"
    if report.verdict != verdict or report.inconclusive != inconclusive:
        raise StoredReportError("the report's verdict does not follow from its tensors")
    if failures and (not report.worst or not report.worst[0].failing):
        raise StoredReportError("the report's worst entries do not show its failures")
    check_report(report)


def _tensor(item: dict[str, Any], omitted: dict[str, str]) -> TensorReport:
    name = _text(item["name"], "tensor name")
    shape = _shape(item["shape"], f"{name} shape")
    counts = item["band_counts"]
    if not isinstance(counts, dict):
        raise StoredReportError(f"{name} band counts are not an object")
    from fdgui.core.numbers.verdicts import VERDICTS

    band_counts = {v.key: _int(counts[v.key], f"{name} band count") for v in VERDICTS}
    arrays: dict[str, np.ndarray | None] = {}
    for key, words in (("heat_map", "heat map"), ("relative_errors", "relative errors")):
        stored = item[key]
        if isinstance(stored, dict) and "omitted" in stored:
            arrays[key] = None
            omitted[f"{name} {words}"] = _text(stored["omitted"], f"{name} {words}")
        else:
            arrays[key] = decode_array(stored, f"{name} {words}")
    errors = arrays["relative_errors"]
    heat = arrays["heat_map"]
    if heat is not None and heat.ndim != 2:
        raise StoredReportError(f"{name} heat map is not a picture")
    low, high = (_float(v, f"{name} heat levels") for v in item["heat_levels"])
    empty = np.zeros(0)
    empty.setflags(write=False)
    return TensorReport(
        name=name,
        shape=shape,
        checked=_int(item["checked"], f"{name} checked"),
        max_relative_error=_float(item["max_relative_error"], f"{name} max"),
        median_relative_error=_float(item["median_relative_error"], f"{name} median"),
        band_counts=band_counts,
        kinks=_int(item["kinks"], f"{name} kinks"),
        within_tolerance=_int(item["within_tolerance"], f"{name} within tolerance"),
        failures=_int(item["failures"], f"{name} failures"),
        relative_errors=errors,  # type: ignore[arg-type]  # None: not kept (see omitted)
        numeric=empty,
        analytic=empty,
        undecided=_int(item["undecided"], f"{name} undecided"),
        decided_larger=_int(item.get("decided_at_larger_epsilon", 0), f"{name} larger ε"),
        unreproducible=_int(item.get("unreproducible", 0), f"{name} unreproducible"),
        decided_estimate=_int(item.get("decided_by_estimate", 0), f"{name} by estimate"),
        unresolved=_int(item.get("unresolved", 0), f"{name} unresolved"),
        coarse_open=_int(item.get("coarse_open", 0), f"{name} coarse open"),
        no_estimate=_int(item.get("no_estimate", 0), f"{name} no estimate"),
        heat_map=heat,
        heat_levels=(low, high),
    )


def _entry(item: dict[str, Any], names: set[str]) -> Entry:
    tensor = _text(item["tensor"], "entry tensor")
    if tensor not in names:
        raise StoredReportError(f"a worst entry names {tensor!r}, not one of the tensors")
    failing = item["failing"]
    if not isinstance(failing, bool):
        raise StoredReportError("a worst entry's failing is not true or false")
    values = {name: _float(item[name], f"entry {name}") for name in _ENTRY_FLOATS}
    return Entry(
        tensor=tensor,
        index=_int(item["index"], "entry index"),
        position=_shape(item["position"], "entry position"),
        band=_text(item["band"], "entry band"),
        note=_text(item["note"], "entry note"),
        failing=failing,
        bar=_float(item.get("bar", "nan"), "entry bar"),
        **values,
    )


def _roundoff(item: Any) -> Roundoff | None:
    """The measured round-off of the losses (netcheck.ladder), when the report has one."""
    if item is None:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("measured"), bool):
        raise StoredReportError("the report's round-off is malformed")
    return Roundoff(
        per_change=_float(item["per_change"], "round-off"),
        measured=item["measured"],
        largest_seen=_float(item["largest_seen"], "round-off seen"),
        samples=_int(item["samples"], "round-off samples"),
        typical=_float(item.get("typical", "nan"), "round-off typical"),
    )


def _confirmation(item: Any) -> Confirmation | None:
    """The float64 confirmation's counts (netcheck.confirm), when the report has them."""
    if item is None:
        return None
    if not isinstance(item, dict):
        raise StoredReportError("the report's confirmation is malformed")
    found = Confirmation(
        suspects=_int(item.get("suspects"), "confirmation suspects"),
        examined=_int(item.get("examined"), "confirmation examined"),
        confirmed=_int(item.get("confirmed"), "confirmation confirmed"),
        limit=_int(item.get("limit"), "confirmation limit"),
    )
    if not found.confirmed <= found.examined <= min(found.suspects, found.limit):
        raise StoredReportError("the report's confirmation counts do not add up")
    return found


def same_report(first: CheckReport, second: CheckReport) -> bool:
    """Whether two reports say the same (every field but the per-entry values that are not
    kept: ``numeric``/``analytic``); for tests and for the window's "unchanged" check."""

    return report_data(first) == report_data(second)
