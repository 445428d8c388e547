"""The report's loss evaluations account for every call of the person's loss: the check's
own, and beside them the setup's (the loss's precision, noise and round-off near θ0) as
"(+N to measure round-off and noise)" (review11p/review12p L1: "4 loss evaluations" for a
loss called 60 times)."""

from __future__ import annotations

import textwrap

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.report.netcheck import render_text
from fdgui.probe.model import open_probe

SOURCE = """
import os
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
theta0 = np.linspace(-1.0, 1.0, 50)
def loss(t):
    with open(os.path.join(HERE, "calls.txt"), "a") as handle:
        handle.write("x")
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return np.cos(t) * t + np.sin(t)
"""


def test_every_loss_call_is_counted(tmp_path):
    path = tmp_path / "counted.py"
    path.write_text(textwrap.dedent(SOURCE))
    model = open_probe(str(path))
    try:
        before = (
            len((tmp_path / "calls.txt").read_text()) if (tmp_path / "calls.txt").exists() else 0
        )
        settings = CheckSettings(None, engine="forward", mode="sample", samples=2)
        report = run_to_completion(settings, model=model)
    finally:
        model.close()
    calls = len((tmp_path / "calls.txt").read_text()) - before
    assert report.setup_evaluations > 0
    assert report.evaluations + report.setup_evaluations == calls
    words = render_text(report)
    assert f"(+{report.setup_evaluations:,} to measure round-off and noise)" in words
