"""Entries of one tensor at very different scales, in a loss that varies on each entry's own
scale (review9h #6, #7): log1p((v/s − c)²) with s from 1e-9 to 1e2 in one tensor "gain",
beside an ordinary tensor w. The first step ε·max(1, |v|) moves the tiny entries hundreds
of times their own size: the check must look at them on their own scale before calling
them wrong (failed before: "Fail … Wrong at every ε … a bug" on the correct gradient), a
bug there or in a normal entry of the same tensor must fail at that entry (the tiny
entries' curvature, read as round-off of the whole tensor, hid them), and a no-grad
estimate's bars must bound the analytic truth."""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings
from fdgui.core.report.exporters import export
from fdgui.probe.model import open_probe
from tests.probe.probe_checks import failing, full_check, write_probe

SCALED = """
import numpy as np
rng = np.random.default_rng({seed})
SC = np.array([3e-9, 1.0, 4e-7, 2.0, 1e-6, 1e2, 2e-8, 0.5])
C = rng.normal(size=8)
V0 = SC * rng.uniform(0.5, 2, 8)
W0 = rng.normal(size=5)
theta0 = np.concatenate([V0, W0])
names = [("gain", (8,)), ("w", (5,))]

def loss(t):
    t = np.asarray(t, float)
    v, w = t[:8], t[8:]
    u = v / SC - C
    return float(np.sum(np.log1p(u * u)) + np.sum(np.sin(w) * w))

def true_grad(t):
    t = np.asarray(t, float)
    v, w = t[:8], t[8:]
    u = v / SC - C
    return np.concatenate([2 * u / (1 + u * u) / SC, np.cos(w) * w + np.sin(w)])
"""


def write(tmp_path, seed, bug=None):
    return write_probe(tmp_path, SCALED.format(seed=seed), bug, f"scaled_{seed}.py")


run = full_check


@pytest.mark.parametrize("seed", [12, 31])
def test_the_correct_gradient_of_entries_at_their_own_scales_passes(tmp_path, seed):
    report = run(write(tmp_path, seed, "pass"))
    text = export(report, "text")
    assert report.verdict == "pass" and not report.inconclusive, text[:1500]
    kinks = sum(t.kinks for t in report.tensors)
    assert kinks == 0, text[:1500]  # a smooth loss: no entry explained by a kink


@pytest.mark.parametrize(
    ("bug", "index"),
    [("g[6] *= 1.01", 6), ("g[0] = -g[0]", 0), ("g[2] *= 1.01", 2), ("g[5] = -g[5]", 5),
     ("g[3] *= 1.01", 3)],
    ids=["tiny-p1", "tiny-sign", "small-p1", "wide-sign", "normal-p1"],
)  # fmt: skip
def test_a_bug_in_that_tensor_fails_at_the_entry(tmp_path, bug, index):
    report = run(write(tmp_path, 12, bug))
    text = export(report, "text")
    assert report.verdict == "fail" and not report.inconclusive, text[:1500]
    assert failing(report) == {("gain", index)}, text[:1500]


def test_the_no_grad_bars_bound_the_truth(tmp_path):
    import runpy

    from fdgui.core.jobs import drive
    from fdgui.core.netcheck.numeric import numeric_gradient

    path = write(tmp_path, 12)
    model = open_probe(str(path))
    try:
        found = drive(numeric_gradient(model, CheckSettings(None, engine="forward")))
    finally:
        model.close()
    namespace = runpy.run_path(str(path))
    truth = namespace["true_grad"](namespace["theta0"])
    values = np.concatenate([t.values for t in found.tensors])
    bars = np.concatenate([t.error_bars for t in found.tensors])
    outside = np.flatnonzero(~(np.abs(values - truth) <= bars))
    assert outside.size == 0, [(i, values[i], bars[i], truth[i]) for i in outside]
    # and they measure something: every bar below a tenth of the value
    assert np.all(bars < 0.1 * np.abs(truth)), bars / np.abs(truth)
