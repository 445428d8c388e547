"""Projections never pass a direction that agrees only loosely (review17p C1).

A numpy two-layer network whose tanh is computed in float32 inside a float64 loss rounds
each loss to ~1e-7, so at the recommended ε = 4.8e-6 a direction's window is about 0.1 —
a quarter of its gradient. Full mode re-checks such entries on wider steps (and fails a 30 %
bug on W1's first column at exactly those entries); directions are not re-checked, and a
"Pass … 27 of 32 directions agree" let that 30 % bug through. A direction that agrees only
within a window of 1 % of |a| or more, or stays undecided, now makes the check inconclusive,
never a pass; the all-float64 twin still passes, and its bug still fails.
"""

from __future__ import annotations

import pytest

from fdgui.core.netcheck import CheckSettings
from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import failing, full_check, write_probe

NET = """
import numpy as np
PART, SEED, BUG = {part!r}, {seed}, {bug}
r = np.random.default_rng(SEED)
x = r.normal(size=(16, 5)); y = r.normal(size=(16, 3))
names = [("W1", (5, 8)), ("b1", (8,)), ("W2", (8, 3)), ("b2", (3,))]
theta0 = np.concatenate([r.normal(size=40) * 0.7, r.normal(size=8) * 0.3,
                         r.normal(size=24) * 0.7, r.normal(size=3) * 0.1])
def split(t):
    return t[:40].reshape(5, 8), t[40:48], t[48:72].reshape(8, 3), t[72:75]
def act(z):
    if PART == "f32": return np.tanh(z.astype(np.float32)).astype(np.float64)
    return np.tanh(z)
def loss(t):
    a, b, c, d = split(t); o = act(x @ a + b) @ c + d
    return float(0.5 * np.mean(np.sum((o - y) ** 2, 1)))
def grad(t):
    a, b, c, d = split(t); z = x @ a + b; h = act(z); o = h @ c + d
    go = (o - y) / x.shape[0]
    gz = (go @ c.T) * (1 - np.tanh(z) ** 2)
    ga = x.T @ gz; ga[:, 0] *= 1 + BUG
    return np.concatenate([ga.ravel(), gz.sum(0), (h.T @ go).ravel(), go.sum(0)])
"""

PROJECTIONS = CheckSettings(None, mode="projection", engine="forward")


def _check(tmp_path, part, bug, seed=0):
    source = NET.format(part=part, seed=seed, bug=bug)
    return full_check(write_probe(tmp_path, source), PROJECTIONS)


@pytest.mark.parametrize("bug", [0.3, 0.05])
def test_a_bug_beside_a_float32_part_never_passes_in_projections(tmp_path, bug):
    report = _check(tmp_path, "f32", bug)
    assert report.verdict != "pass", verdict_in_words(report)
    assert report.inconclusive or failing(report), verdict_in_words(report)


def test_the_float64_twin_passes_and_its_bug_fails(tmp_path):
    honest = _check(tmp_path, "f64", 0.0)
    assert honest.verdict == "pass" and not honest.inconclusive, verdict_in_words(honest)
    buggy = _check(tmp_path, "f64", 0.3)
    assert buggy.verdict == "fail", verdict_in_words(buggy)


def test_the_words_say_why_and_what_to_run(tmp_path):
    report = _check(tmp_path, "f32", 0.3)
    words = verdict_in_words(report)
    if not failing(report):
        assert words.startswith("Inconclusive") and "--mode full" in words, words
