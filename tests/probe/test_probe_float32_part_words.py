"""A correct float64 loss with a float32 part inside (review13p M3): the check passes, and its
words say the agreement is limited by the loss's own coarse rounding, not by "what float64 can
resolve", and that what reads as a kink may be that rounding. An all-float64 loss keeps the
float64 words. Words only: the verdicts are unchanged."""

from __future__ import annotations

from fdgui.core.report.netcheck import verdict_in_words
from fdgui.core.report.netcheck_notes import NOTE_WORDS
from tests.probe.probe_checks import full_check, write_probe

NET = """
import numpy as np
r = np.random.default_rng(0)
x = r.normal(size=(16, 5)); y = r.normal(size=(16, 3))
W1 = r.normal(size=(5, 8)) * 0.7; b1 = r.normal(size=8) * 0.3
W2 = r.normal(size=(8, 3)) * 0.7; b2 = r.normal(size=3) * 0.1
names = [("W1", (5, 8)), ("b1", (8,)), ("W2", (8, 3)), ("b2", (3,))]
theta0 = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])

def split(t):
    return t[:40].reshape(5, 8), t[40:48], t[48:72].reshape(8, 3), t[72:75]

def act(z):
    return {act}

def loss(t):
    a, b, c, d = split(t); h = act(x @ a + b); o = h @ c + d
    return float(0.5 * np.mean(np.sum((o - y) ** 2, 1)))

def grad(t):
    a, b, c, d = split(t); z = x @ a + b; h = act(z); o = h @ c + d
    go = (o - y) / x.shape[0]; gz = (go @ c.T) * (1 - h * h)
    return np.concatenate([(x.T @ gz).ravel(), gz.sum(0), (h.T @ go).ravel(), go.sum(0)])
"""


def test_a_float32_part_is_worded_as_the_loss_rounding(tmp_path):
    source = NET.replace("{act}", "np.tanh(z.astype(np.float32)).astype(np.float64)")
    report = full_check(write_probe(tmp_path, source))
    words = verdict_in_words(report)
    assert report.passed, words
    assert "what float64 can resolve" not in words, words
    assert "the loss's own rounding" in words and "float32" in words, words
    assert "sit on a kink" not in words, words


def test_an_all_float64_loss_keeps_the_float64_words(tmp_path):
    report = full_check(write_probe(tmp_path, NET.replace("{act}", "np.tanh(z)")))
    words = verdict_in_words(report)
    assert report.passed, words
    assert "own rounding" not in words and "read as" not in words, words


def test_the_own_scale_note_does_not_claim_a_short_length_scale():
    for key in ("own-scale", "own-scale-wrong"):
        assert "far larger than the scale the loss varies on" not in NOTE_WORDS[key]
        assert "round" in NOTE_WORDS[key]
