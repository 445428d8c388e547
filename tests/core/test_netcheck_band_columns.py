"""The per-band columns and the heat map agree with each tensor's status (review10i H3): an
entry the status excuses (on a kink with the gradient between its one-sided slopes, within
the dtype's tolerance, or settled by a second look) is counted as such — a kink in the kinks
column, a tolerated entry in "< 1e-7 or within tolerance" — never among "> 1e-2" errors
beside "ok"; failing entries stay outside "< 1e-7"."""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.netcheck.stored_check import check_report
from fdgui.core.numbers.verdicts import VERDICTS
from fdgui.core.report.netcheck import report_dict, tensor_status

KINKS_UPPER = VERDICTS[1].upper  # the band "Fine only if the loss has kinks" ends here


def _ok_tensors_agree(report) -> int:
    check_report(report)  # a stored report with these counts reads back
    seen = 0
    data = {t["name"]: t for t in report_dict(report)["tensors"]}
    for tensor in report.tensors:
        counts = tensor.band_counts
        assert sum(counts.values()) == tensor.checked - tensor.undecided, tensor.name
        assert counts["kinks"] >= tensor.kinks, (tensor.name, counts, tensor.kinks)
        assert data[tensor.name]["band_counts"] == counts
        errors = tensor.relative_errors
        decided = errors[~np.isnan(errors)]
        if tensor.failures:
            assert counts["correct"] <= tensor.checked - tensor.undecided - tensor.failures
            continue
        assert tensor_status(tensor).startswith(("ok", "undecided")), tensor_status(tensor)
        # nothing the status excuses is painted or counted beyond the kinks band
        assert counts["suspicious"] == 0 and counts["wrong"] == 0, (tensor.name, counts)
        assert (decided <= KINKS_UPPER).all(), tensor.name
        seen += tensor.kinks
    return seen


@pytest.mark.parametrize("loss", ["mse", "cross-entropy"])
def test_relu_float32_kinks_are_counted_as_kinks(loss):
    spec = NetworkSpec((6, 10, 10, 10, 10, 3), "relu", loss, batch_size=32, seed=3)
    report = run_to_completion(CheckSettings(spec, dtype="float32"))
    assert report.passed
    assert _ok_tensors_agree(report) > 0  # the case has explained kinks


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_entries_within_a_coarse_dtypes_tolerance_are_not_wrong_beside_ok(dtype):
    spec = NetworkSpec((8, 16, 4), "tanh", "mse", batch_size=16, seed=1)
    report = run_to_completion(CheckSettings(spec, dtype=dtype))
    _ok_tensors_agree(report)


def test_forward_engine_relu_float32_columns_agree():
    spec = NetworkSpec((6, 10, 10, 3), "relu", "mse", batch_size=16, seed=2)
    report = run_to_completion(CheckSettings(spec, dtype="float32", engine="forward"))
    _ok_tensors_agree(report)


def test_a_real_bug_stays_outside_the_correct_column():
    spec = NetworkSpec((6, 10, 10, 3), "relu", "mse", batch_size=16, seed=2)
    report = run_to_completion(CheckSettings(spec, dtype="float32", bug="no-batch-mean"))
    assert not report.passed
    for tensor in report.tensors:
        counts = tensor.band_counts
        outside = tensor.checked - tensor.undecided - counts["correct"]
        assert outside >= tensor.failures
