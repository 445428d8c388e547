"""A loss that is not a finite number beside θ0 (inf or NaN at θ ± ε) while the gradient
is finite: finite differences estimate nothing there, so the gradient is not judged —
inconclusive in words, never "Fail … Wrong" (review9m MEDIUM-4; `sweep` says "nothing to
estimate" for the same entry). A NaN gradient of a finite loss is still wrong, and a real
bug elsewhere still fails the check. Stored reports keep the count."""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.stored import report_data, report_from_data
from fdgui.core.report.netcheck import verdict_in_words, worst_rows
from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1, 0.2])
def loss(t):
    if {off}:
        return float("inf")
    return float(np.sum(np.sin(t)) + 0.5 * np.sum(t ** 2))
def grad(t):
    g = np.cos(t) + t
    {bug}
    return g
"""


def check(tmp_path, off, bug="pass"):
    return full_check(write_probe(tmp_path, SOURCE.format(off=off, bug=bug)))


def test_a_loss_infinite_beside_theta0_is_not_judged(tmp_path):
    report = check(tmp_path, "np.any(t != theta0)")
    words = verdict_in_words(report)
    assert report.inconclusive and not any(t.failures for t in report.tensors), words
    assert words.startswith("Inconclusive") and "not a finite number" in words
    assert all("Wrong" not in row[4] for row in worst_rows(report))
    assert report.tensors[0].no_estimate == 4
    again = report_from_data(report_data(report)).report
    assert again.tensors[0].no_estimate == 4 and again.inconclusive


def test_one_entry_without_an_estimate_leaves_the_others_judged(tmp_path):
    report = check(tmp_path, "t[2] != theta0[2]")
    assert report.tensors[0].no_estimate == 1 and report.inconclusive
    failed = check(tmp_path, "t[2] != theta0[2]", bug="g[0] *= 1.01")
    assert failed.tensors[0].failures == 1 and not failed.inconclusive


def test_a_nan_gradient_of_a_finite_loss_is_still_wrong(tmp_path):
    report = check(tmp_path, "False", bug="g[1] = np.nan")
    assert report.tensors[0].failures == 1 and report.tensors[0].no_estimate == 0
    assert np.isnan(report.tensors[0].analytic[1])
