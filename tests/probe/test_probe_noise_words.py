"""A loss so noisy that no entry can be decided (dropout left on) is inconclusive because of
its noise, and the summary says so and how to decide (review9k MED-2): it never blames
float64's rounding, which a deterministic twin of the same loss does not suffer from."""

from __future__ import annotations

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
rng = np.random.default_rng()
theta0 = np.linspace(-1.0, 1.0, 10)
def loss(t):
    return float(np.sum(np.tanh(t) * t) + {sigma} * rng.normal())
def grad(t):
    return np.tanh(t) + t * (1 - np.tanh(t) ** 2)
"""


def check(tmp_path, sigma):
    return full_check(write_probe(tmp_path, SOURCE.format(sigma=sigma), name=f"noisy_{sigma}.py"))


def test_an_undecidable_noisy_loss_names_its_noise_not_float64(tmp_path):
    report = check(tmp_path, 1e-2)
    words = verdict_in_words(report)
    assert report.inconclusive and report.noise_sigma > 1e-3, words
    assert "noise" in words and "too small for float64" not in words, words
    assert "dropout" in words  # how to decide: make the loss deterministic


def test_the_deterministic_twin_passes(tmp_path):
    report = check(tmp_path, 0.0)
    assert report.passed and report.noise_sigma == 0.0
    assert "noise" not in verdict_in_words(report)
