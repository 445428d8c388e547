"""A sampled check's Pass says it is of a sample (review17p L5: "all 125 entries checked" of a
185-parameter probe at k=40; a one-entry bug outside the sample passes, by design, so the
headline must not read as if every entry had been checked)."""

from __future__ import annotations

from fdgui.core.netcheck import CheckSettings
from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
theta0 = np.linspace(-1, 1, 30)
names = [("W", (5, 5)), ("b", (5,))]
def loss(t):
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return np.cos(t) * t + np.sin(t)
"""


def test_a_sampled_pass_says_how_many_of_all_were_checked(tmp_path):
    settings = CheckSettings(None, engine="forward", mode="sample", samples=4)
    report = full_check(write_probe(tmp_path, SOURCE), settings)
    words = verdict_in_words(report)
    assert report.verdict == "pass", words
    assert "all " not in words.split(";")[0], words
    assert "8 of 30" in words and "sample" in words, words


def test_a_full_pass_still_says_all(tmp_path):
    report = full_check(write_probe(tmp_path, SOURCE))
    assert "all 30 entries checked" in verdict_in_words(report)
