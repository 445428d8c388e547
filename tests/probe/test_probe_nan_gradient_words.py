"""A gradient entry that is NaN (or masked, which reaches the check as NaN) is a Fail, and
the words never excuse it as float32 rounding (review13p M2: "Every disagreement is within
0.1 units of float32's round-off … this is its rounding rather than a bug" was said of a
NaN entry, whose disagreement the float32 measure skipped as not finite)."""

from __future__ import annotations

import pytest

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import failing, full_check, write_probe

SOURCE = """
import numpy as np
theta0 = np.linspace(-1, 1, 8)

def loss(t):
    return float(np.sum(np.sin(t) * t) + 0.5 * np.sum(t**2))

def true_grad(t):
    return np.cos(t) * t + np.sin(t) + t
"""


@pytest.mark.parametrize("bad", ["np.nan", "np.inf", "-np.inf"])
def test_a_non_finite_gradient_entry_fails_without_the_float32_excuse(tmp_path, bad):
    report = full_check(write_probe(tmp_path, SOURCE, f"g[3] = {bad}"))
    assert report.verdict == "fail", report.worst[:2]
    assert ("theta", 3) in failing(report) or any(e.index == 3 for e in report.worst if e.failing)
    words = verdict_in_words(report)
    assert "float32's round-off" not in words, words
    # the words name what is wrong there (it read "largest relative error ∞ at theta[3]")
    named = {"np.nan": "NaN", "np.inf": "+∞", "-np.inf": "−∞"}[bad]
    assert f"the gradient under check is {named}" in words and "theta[3]" in words, words
    assert "relative error ∞" not in words, words
    from fdgui.core.report.netcheck import NOTE_WORDS

    note = next(e.note for e in report.worst if e.index == 3)
    assert "not a finite number" in NOTE_WORDS[note], note


def test_a_gradient_computed_in_float32_keeps_the_words_that_say_so(tmp_path):
    # the sentence's own case: the float64 differences resolve float32's rounding of a
    # correct gradient (summed beside a term of 16, as a float32 accumulator does), a Fail
    # whose every disagreement is a few units of float32's round-off
    source = SOURCE + (
        "\ndef grad(t):\n    t32 = t.astype(np.float32)\n"
        "    g = np.cos(t32) * t32 + np.sin(t32) + t32\n"
        "    return ((g + np.float32(16)) - np.float32(16)).astype(np.float64)\n"
    )
    report = full_check(write_probe(tmp_path, source))
    assert report.verdict == "fail", report.worst[:2]
    assert "float32's round-off" in verdict_in_words(report)
