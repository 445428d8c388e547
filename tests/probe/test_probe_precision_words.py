"""A float64 loss of large cancelling terms lands on float32 numbers (multiples of 2⁻¹⁵ at
|L| ≈ 5): the report says what was measured, that its values are all float32 numbers, and
does not call the loss float32 (it did)."""

from __future__ import annotations

import textwrap

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.netcheck.numeric import numeric_gradient_report
from fdgui.core.report.netcheck import render_text
from fdgui.core.report.numeric import render_text as render_numeric_text
from fdgui.probe.model import open_probe

SOURCE = """
import numpy as np
rng = np.random.default_rng(7)
theta0 = rng.uniform(-1.2, 1.2, size=8)

def loss(t):
    return float(1e10 * np.sum(np.cos(t)) - 1e10 * np.sum(np.cos(t) - t**3 / 1e10))

def grad(t):
    return 3 * t**2
"""


def test_the_words_say_what_was_measured(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(SOURCE))
    model = open_probe(str(path))
    try:
        assert model.loss_precision() == "float32"  # its values are float32 numbers
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        text = render_text(report)
        assert "values are all float32 numbers" in text and "the loss is float32" not in text
        estimate = numeric_gradient_report(model, CheckSettings(None, engine="forward"))
        words = render_numeric_text(estimate)
        assert "values are all float32 numbers" in words and "The loss is float32" not in words
    finally:
        model.close()
