"""A network-check report as session data and back (fdgui.core.netcheck.stored)."""

import base64
import copy
import json
import zlib

import numpy as np
import pytest

from fdgui.core import requests
from fdgui.core.netcheck import run_to_completion
from fdgui.core.netcheck.stored import (
    StoredReportError,
    report_data,
    report_from_data,
    same_report,
    without_arrays,
)
from fdgui.core.report.exporters import export


def _report(**texts):
    return run_to_completion(requests.check_request({**requests.CHECK_DEFAULTS, **texts}))


@pytest.fixture(scope="module")
def failing():
    return _report(layers="6,5,5,3", bug="transpose")


@pytest.mark.parametrize(
    "texts",
    [
        {"layers": "6,5,3"},
        {"layers": "6,5,3", "dtype": "bfloat16"},
        {"layers": "7,4,3", "mode": "projection", "directions": "3", "engine": "forward"},
        {"layers": "9,6,3", "mode": "sample", "samples": "2", "epsilon": "1e-5"},
    ],
)
def test_a_report_comes_back_the_same_through_json(texts):
    report = _report(**texts)
    back = report_from_data(json.loads(json.dumps(report_data(report, "t")))).report
    assert same_report(report, back)
    for fmt in ("text", "markdown", "csv", "json"):
        assert export(back, fmt) == export(report, fmt)
    for first, second in zip(report.tensors, back.tensors, strict=True):
        np.testing.assert_array_equal(first.heat_map, second.heat_map)
        np.testing.assert_array_equal(first.relative_errors, second.relative_errors)
        assert first.heat_map.dtype == second.heat_map.dtype


def _tamper(failing, change):
    data = copy.deepcopy(report_data(failing))
    change(data)
    with pytest.raises(StoredReportError):
        report_from_data(json.loads(json.dumps(data)))


def _bomb(data):
    packed = base64.b64encode(zlib.compress(b"\0" * 50_000_000)).decode()
    data["tensors"][0]["heat_map"] = {"dtype": "float32", "shape": [2, 2], "zlib_base64": packed}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(verdict="pass"),  # beside failing tensors: never shown as a pass
        lambda d: d.update(inconclusive=True),
        lambda d: d.update(worst=[]),
        lambda d: d.update(tensors=[], worst=[], worst_tensor=""),
        lambda d: (
            d["tensors"][0].update(failures=0)
            or d["tensors"][1].update(failures=0)
            or [t.update(failures=0) for t in d["tensors"]]
        ),
        lambda d: d.update(parameters_checked=float("nan")),
        lambda d: d.update(parameters_checked=True),
        lambda d: d["settings"].update(mode="zzz"),
        lambda d: d["settings"].update(epsilon=-1),
        lambda d: d["settings"]["network"].update(layer_sizes=[0, 0]),
        lambda d: d["tensors"][0]["band_counts"].pop("wrong"),
        lambda d: d["tensors"][0]["heat_map"].update(shape=[10**9, 10**9]),
        lambda d: d["tensors"][0]["heat_map"].update(zlib_base64="!!"),
        lambda d: d["tensors"][0]["heat_map"].update(shape=[3]),
        _bomb,
        lambda d: d["worst"][0].update(tensor="nowhere"),
        lambda d: d.update(settings=None),
    ],
)
def test_a_tampered_report_is_refused_in_words(failing, change):
    _tamper(failing, change)


def test_arrays_over_budget_are_omitted_and_said(failing, monkeypatch):
    from fdgui.core.netcheck import stored

    slim = report_from_data(without_arrays(report_data(failing), "too large"))
    assert all(t.heat_map is None for t in slim.report.tensors)
    assert set(slim.omitted.values()) == {"too large"}
    assert export(slim.report, "markdown") == export(failing, "markdown")  # the words stay
    monkeypatch.setattr(stored, "HEAT_BUDGET", 30)
    monkeypatch.setattr(stored, "ERRORS_BUDGET", 30)
    back = report_from_data(report_data(failing))
    assert back.report.tensors[0].heat_map is not None  # W1 (5×6) fits
    w2 = back.report.tensors[2]
    assert w2.heat_map is None and w2.relative_errors is None
    assert "W2 heat map" in back.omitted and "W2 relative errors" in back.omitted


def test_the_restored_note_says_what_differs_and_what_is_missing(failing):
    import dataclasses

    from fdgui.core.report.netcheck_saved import restored_note

    settings = failing.settings
    same, warn = restored_note("2026-11-26T14:05:00+00:00", {}, settings, settings)
    assert same.startswith("Restored report from the session (checked 2026-11-26 14:05 UTC)")
    assert not warn
    other = dataclasses.replace(settings, dtype="float32", mode="sample", samples=3)
    words, warn = restored_note("", {}, other, settings)
    assert warn and "dtype float64 in the report, float32 in the fields" in words
    assert "mode full in the report, sample in the fields" in words
    words, warn = restored_note("", {}, None, settings, probe_not_loaded=True)
    assert warn and "probe file it checked is not loaded" in words
    omitted = {"W2 heat map": "too big", "W2 relative errors": "too big"}
    words, _ = restored_note("", omitted, settings, settings, tensor_names=("W1", "W2"))
    assert "Heat map not kept for W2: too big" in words
    assert "CSV lists the relative errors of W1 only" in words
