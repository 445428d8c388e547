"""A probe entry's sweep: Richardson's floor is round-off only, and a kink or jump its steps
cross makes it untrusted (``loss_format``); the estimate is shown to the digits its ±
resolves."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fdgui.core.sweep.loss_format import crossed, measured_floor


def objective(function):
    return SimpleNamespace(
        smooth=False,
        model=object(),
        losses=lambda values, dtype: function(np.asarray(values, dtype=float)),
    )


W = 0.3


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (lambda x: np.cos(x) + 2 * np.abs(x - W - 0.004), "kink"),
        (lambda x: np.cos(x) + 0.5 * np.maximum(0.0, W - 0.005 - x), "kink"),
        (lambda x: np.cos(x) + 0.3 * (x > W + 0.002), "jump"),
        (lambda x: np.cos(x) + np.exp(3 * x), ""),
        (lambda x: np.sin(40 * x), ""),
        # a curvature whose L''·h dwarfs the kink at every step (review9f: "Gradient wrong"
        # for a correct subgradient, judged by a Richardson whose steps straddle the kink)
        (lambda x: 1e4 * (x - W) ** 2 + np.abs(x - W), "kink"),
        (lambda x: -1e4 * (x - W) ** 2 + np.abs(x - W), "kink"),
        (lambda x: 1e6 * (x - W) ** 2 + 0.5 * np.abs(x - W), "kink"),
        (lambda x: np.cos(30 * (x - W)) + np.abs(x - W), "kink"),
        (lambda x: 1e4 * (x - W) ** 2 + np.abs(x - W - 1e-8), "kink"),
        (lambda x: 1e4 * (x - W) ** 2 + np.cos(x), ""),
        (lambda x: np.cos(30 * (x - W)) + x, ""),
        (lambda x: 1e6 * (x - W) ** 3 + np.exp(x), ""),
    ],
)
def test_a_kink_or_jump_inside_richardsons_steps_is_seen(function, expected):
    extrapolated = SimpleNamespace(span=0.0625)
    assert crossed(objective(function), None, W, extrapolated, 0.0) == expected


def test_a_kink_beside_the_entry_is_not_round_off():
    # 3e-6 from w: inside one fan of the floor's losses, not the other
    kinked = measured_floor(objective(lambda x: np.cos(x) + 2 * np.abs(x - W - 3e-6)), W, 2.0**-53)
    smooth = measured_floor(objective(np.cos), W, 2.0**-53)
    assert kinked <= 10 * max(smooth, 1e-15)


def test_an_offset_that_cancels_is_still_measured():
    found = measured_floor(objective(lambda x: (1e10 + np.sin(x)) - 1e10), W, 2.0**-53)
    assert 1e-7 <= found <= 1e-4


def test_the_estimate_is_shown_to_the_digits_its_bar_resolves():
    from fdgui.core.report.sweep_cases import _estimate

    facts = {"estimate": -1.049442469594089, "estimate_error": 1.5e-12, "source": "probe"}
    words = _estimate(SimpleNamespace(), facts)
    assert "-1.0494424695941 ± 1.5e-12" in words or "−1.0494424695941 ± 1.5e-12" in words
