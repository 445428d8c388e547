"""A stored network-check report is checked in full before it is shown: the budget before
anything is decoded, then every derived field against the per-tensor and per-entry data
(fdgui.core.netcheck.stored_check). Review 11 round 2, findings 1, 2, 6 and 7."""

import base64
import copy
import json
import time
import zlib

import numpy as np
import pytest

from fdgui.core import requests
from fdgui.core.netcheck import run_to_completion
from fdgui.core.netcheck import stored as stored_module
from fdgui.core.netcheck.stored import (
    HEAT_BUDGET,
    StoredReportError,
    encode_array,
    report_data,
    report_from_data,
)


def _report(**texts):
    return run_to_completion(requests.check_request({**requests.CHECK_DEFAULTS, **texts}))


@pytest.fixture(scope="module")
def failing():
    return _report(layers="6,5,5,3", bug="transpose")


@pytest.fixture(scope="module")
def passing():
    return _report(layers="6,5,3")


def _refused(report, change, words=""):
    data = json.loads(json.dumps(report_data(report)))
    change(data)
    with pytest.raises(StoredReportError) as caught:
        report_from_data(data)
    assert words in str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize(
    "texts",
    [
        {"layers": "6,5,3"},
        {"layers": "6,5,5,3", "bug": "transpose"},
        {"layers": "6,5,5,3", "bug": "transpose", "dtype": "float32"},
        {"layers": "6,5,3", "dtype": "float16"},
        {"layers": "6,5,5,3", "dtype": "bfloat16", "bug": "transpose"},
        {"layers": "7,4,3", "mode": "projection", "directions": "3", "dtype": "float16"},
        {"layers": "9,6,3", "mode": "sample", "samples": "2", "activation": "relu"},
        {"layers": "30,20,5", "activation": "relu", "dtype": "float32"},
        {"layers": "8,6,4", "engine": "forward", "dtype": "float32"},
        {"layers": "6,5,3", "dtype": "float32", "epsilon": "1e-4"},
    ],
)
def test_every_report_a_run_makes_is_accepted(texts):
    report = _report(**texts)
    report_from_data(json.loads(json.dumps(report_data(report))))


def _worst_tensor_empty(data):
    data["worst_tensor"] = ""


def _loose_pass_no_worst(data):
    for tensor in data["tensors"]:
        tensor["within_tolerance"] = tensor["checked"]
    data["worst"] = []


def _scalar_shapes(data):
    data["settings"]["mode"] = "sample"
    for tensor in data["tensors"]:
        tensor["shape"] = []


def _pass_with_failing_worst(data):
    data["verdict"] = "pass"
    for tensor in data["tensors"]:
        tensor["failures"] = 0


def _pass_counts_lie(data):
    _pass_with_failing_worst(data)
    for entry in data["worst"]:
        entry["failing"] = False


def _heat_wrong_shape(data):
    data["tensors"][0]["heat_map"] = encode_array(np.zeros((1, 1000)), "float32")


def _empty_heat(data):
    data["tensors"][0]["heat_map"] = encode_array(np.zeros((0, 0)), "float32")


def _errors_wrong_len(data):
    data["tensors"][0]["relative_errors"] = encode_array(np.zeros(7), "float64")


def _trailing(data):
    stored = data["tensors"][0]["heat_map"]
    raw = base64.b64decode(stored["zlib_base64"]) + b"extra"
    stored["zlib_base64"] = base64.b64encode(raw).decode()


def _worst_out_of_order(data):
    data["worst"].reverse()


def _band_of_entry(data):
    data["worst"][0]["band"] = "correct"


def _html_name(data):
    old = data["tensors"][1]["name"]
    data["tensors"][1]["name"] = "<h1>PASSED</h1>"
    for entry in data["worst"]:
        if entry["tensor"] == old:
            entry["tensor"] = "<h1>PASSED</h1>"


def _long_note(data):
    data["worst"][0]["note"] = "x" * 100_000


@pytest.mark.parametrize(
    "change",
    [
        _worst_tensor_empty,
        _scalar_shapes,
        _pass_with_failing_worst,
        _pass_counts_lie,
        _heat_wrong_shape,
        _empty_heat,
        _errors_wrong_len,
        _trailing,
        _worst_out_of_order,
        _band_of_entry,
        _html_name,
        _long_note,
    ],
)
def test_a_failing_report_that_does_not_follow_from_its_data_is_refused(failing, change):
    _refused(failing, change)


def test_a_pass_without_worst_entries_is_refused(passing):
    _refused(passing, _loose_pass_no_worst, "worst entries")


def test_counts_that_disagree_with_the_stored_errors_are_refused(failing):
    def move(data):  # the counts still add up, but not to what the errors give
        counts = data["tensors"][2]["band_counts"]
        counts["correct"] -= 1
        counts["kinks"] += 1
        data["tensors"][2]["within_tolerance"] += 1

    _refused(failing, move, "follow from its relative errors")


def _bomb_tensor(side):
    zeros = np.zeros((side, side))
    return {
        "name": "Z0",
        "shape": [side, side],
        "checked": 0,
        "max_relative_error": "nan",
        "median_relative_error": "nan",
        "band_counts": {"correct": 0, "kinks": 0, "suspicious": 0, "wrong": 0},
        "kinks": 0,
        "within_tolerance": 0,
        "failures": 0,
        "undecided": 0,
        "heat_levels": [-16, 0],
        "heat_map": encode_array(zeros[:512, :512], "float32"),
        "relative_errors": encode_array(zeros, "float64"),
    }


def test_a_report_over_the_budget_is_refused_before_anything_is_decoded(failing, monkeypatch):
    decoded = []
    real = stored_module.decode_array
    monkeypatch.setattr(stored_module, "decode_array", lambda *a: decoded.append(a[1]) or real(*a))
    side = 2048  # 4 M errors of zeros: 32 MB decoded from about 33 kB
    monkeypatch.setattr(stored_module, "check_report", lambda report: None)

    def bomb(data):
        data["settings"]["network"] = None
        data["tensors"].append(_bomb_tensor(side))

    start = time.process_time()  # CPU: decoding 32 MB costs it, a loaded machine does not
    message = _refused(failing, bomb, "more than a session keeps")
    assert time.process_time() - start < 0.5
    assert decoded == []  # refused from the declared shapes alone
    assert "relative errors have 4,19" in message


def test_heat_maps_over_the_total_budget_are_refused(failing):
    def many(data):
        data["settings"]["network"] = None
        for k in range(HEAT_BUDGET // (512 * 512) + 1):
            tensor = _bomb_tensor(512)
            tensor["name"] = f"Z{k}"
            tensor["relative_errors"] = {"omitted": "x"}
            tensor["heat_map"] = encode_array(np.zeros((512, 512)), "float32")
            data["tensors"].append(tensor)

    _refused(failing, many, "heat maps have")


def test_too_many_tensors_are_refused_before_they_are_read(failing):
    def many(data):
        data["tensors"] = [copy.deepcopy(data["tensors"][0]) for _ in range(5000)]

    _refused(failing, many, "5,000 tensors")


def test_zlib_data_after_the_stream_is_refused():
    values = np.arange(6.0)
    stored = encode_array(values, "float64")
    packed = zlib.compress(values.astype("<f8").tobytes()) + zlib.compress(b"more")
    stored["zlib_base64"] = base64.b64encode(packed).decode()
    with pytest.raises(StoredReportError):
        stored_module.decode_array(stored, "x")
