"""The words beside a float64 Fail about the format the gradient was computed in (review17p
L2): a gradient whose values carry float64 digits, of a loss that rounds as float64 does, is
not float32's rounding — the "if yours is computed so, this is its rounding" hedge was said of
an all-float64 probe's bug; a gradient whose values are all float16 numbers is named so (it
failed 8 of 8 without a word of why). The verdicts stay Fail."""

from __future__ import annotations

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
theta0 = np.linspace(-1, 1, 8)

def loss(t):
    return float(np.sum(np.sin(t) * t) + 0.5 * np.sum(t**2))

def true_grad(t):
    return np.cos(t) * t + np.sin(t) + t
"""


def test_an_all_float64_probes_small_bug_gets_no_float32_hedge(tmp_path):
    report = full_check(write_probe(tmp_path, SOURCE, "g[2] *= 1 + 2e-6"))
    words = verdict_in_words(report)
    assert report.verdict == "fail" and not report.inconclusive, words
    assert "float32" not in words, words


def test_a_float16_gradient_is_named(tmp_path):
    report = full_check(write_probe(tmp_path, SOURCE, "g = g.astype(np.float16)"))
    words = verdict_in_words(report)
    assert report.verdict == "fail" and not report.inconclusive, words
    assert "float16" in words, words
