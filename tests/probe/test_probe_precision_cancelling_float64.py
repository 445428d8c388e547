"""A float64 loss whose values near θ0 all happen to be float32 numbers is not read as a
float32 loss (review18p M1). Σt³ at linspace(−1, 1, 5) is 0 at θ0 and cancels at the
probe steps: its values are a few multiples of float64's spacing at the terms' size, so
they have few significant bits and lie on float32's grid. Read as float32, ε was 3.9e-3
with float32's tolerances, and a 1e-4 bug passed. A value-based reading the loss's dtype
does not declare must hold at every probe step, the largest too (the loss moves most
there, and a float64 value then needs more bits than float32 has); an undeclared float32
loss near 0 keeps its reading (its values are float32's at every step)."""

from __future__ import annotations

import textwrap

import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe

PROBE = """
import numpy as np
theta0 = np.linspace(-1, 1, {n})
def loss(t):
    return float(np.sum({cast} ** 3))
def grad(t):
    g = 3 * t ** 2
    g[1] *= 1 + {bug}
    return g
"""


def write(tmp_path, **fields):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(PROBE.format(**fields)))
    return str(path)


def check(path):
    model = open_probe(path, timeout=60)
    try:
        precision = model.loss_precision()
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        return precision, report
    finally:
        model.close()


@pytest.mark.parametrize("n", [5, 9])
def test_a_cancelling_float64_loss_is_float64_and_a_1e_4_bug_fails(tmp_path, n):
    precision, report = check(write(tmp_path, n=n, cast="t", bug="1e-4"))
    assert precision == "float64"
    assert not report.passed and not report.inconclusive


def test_an_undeclared_float32_loss_near_zero_keeps_float32_and_passes(tmp_path):
    """The same sum in float32, returned as a Python float (no dtype declared): its
    values are float32 numbers at every step, so the reading holds, and the honest
    gradient passes (read as float64 it would be called wrong)."""
    precision, report = check(write(tmp_path, n=7, cast="t.astype(np.float32)", bug="0"))
    assert precision == "float32"
    assert report.passed
