"""Rows a narrow bar leaves out, and laws passed by a tolerance (`sweep --table`, issue 10;
review10h C3, C1). A smooth loss with a small fast ripple, sin(t) + δ·sin(K·t + φ): rows whose
ε span many ripple periods average the ripple out of their central differences, so no bar read
from them can hold the ripple's share δK of the derivative. The rows show the ripple (their
differences leave any law of small ε by far more than their ±) unless they are thinned: a chain
of a few of them (``row_windows``) could pass the law by chance and replace "too coarse" by a
narrow bar beside the truth; four rows could pass it through the law check's tolerance.
Truths are 50-digit mpmath."""

import random

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.row_consistency import (
    drift_fits_scale,
    drift_is_monotone,
    left_out_agree,
)

mp.mp.dps = 50


def _ripple_table(seed: int, count: int) -> tuple[str, mp.mpf]:
    """``count`` random rows of sin(t) + (δK/K)·sin(K·t + φ) with the loss at w, by repr."""
    rng = random.Random(seed)
    k = mp.mpf(10) ** mp.mpf(rng.uniform(3.5, 5))
    dk = mp.mpf(10) ** mp.mpf(rng.uniform(-8.5, -6))
    phase = mp.mpf(rng.uniform(0, 6.28))
    w = mp.mpf(repr(rng.uniform(-1.5, 1.5)))

    def loss(t):
        return mp.sin(t) + dk / k * mp.sin(k * t + phase)

    high = rng.uniform(-3, -2)
    low = high - rng.uniform(0.7, 1.5)
    steps = sorted(10 ** rng.uniform(low, high) for _ in range(count))
    lines = ["eps,L+,L-,L"]
    for e in steps:
        at = mp.mpf(repr(e))
        lines.append(f"{e!r},{float(loss(w + at))!r},{float(loss(w - at))!r},{float(loss(w))!r}")
    return "\n".join(lines) + "\n", mp.cos(w) + dk * mp.cos(k * w + phase)


def _judge(text: str, gradient: str | None):
    objective, _problems, dtype = table_request(text, gradient, "float64")
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    reference = next(r for r in result.references if r.method == "Richardson")
    return reference, diagnose(result)


# seeds whose tables main c72b90c called the truth "wrong" (or whose trusted bar missed it)
# through a chain of 3-7 of the 40 rows
@pytest.mark.parametrize("seed", [0, 2, 3, 7, 22, 25, 29, 30, 34, 37, 38])
def test_a_chain_the_rows_it_leaves_out_contradict_gives_no_bar(seed):
    text, truth = _ripple_table(seed, 40)
    reference, diagnosis = _judge(text, mp.nstr(truth, 17))
    assert diagnosis.kind != "wrong", (diagnosis.case, reference.note)
    if reference.trusted:
        assert abs(mp.mpf(reference.value) - truth) <= reference.error, reference.note


# four rows whose pair coefficients go up and down beyond their round-off (main: "wrong")
@pytest.mark.parametrize("seed", [23, 37])
def test_four_rows_that_pass_the_law_only_by_its_tolerance_give_no_bar(seed):
    text, truth = _ripple_table(seed, 4)
    reference, diagnosis = _judge(text, mp.nstr(truth, 17))
    assert diagnosis.kind != "wrong", (diagnosis.case, reference.note)
    assert not reference.trusted or abs(mp.mpf(reference.value) - truth) <= reference.error


def _smooth(function, w: str, steps) -> tuple[str, mp.mpf]:
    point = mp.mpf(w)
    lines = ["eps,L+,L-,L"]
    for e in steps:
        at = mp.mpf(repr(e))
        plus, minus, centre = (float(function(point + s)) for s in (at, -at, 0))
        lines.append(f"{e!r},{plus!r},{minus!r},{centre!r}")
    return "\n".join(lines) + "\n", mp.diff(function, point)


@pytest.mark.parametrize(
    "function, w",
    [(mp.sin, "0.3"), (mp.exp, "-0.7"), (lambda t: mp.log(1 + t * t), "0.4"), (mp.tanh, "0.2")],
)
def test_smooth_rows_far_into_truncation_still_judge(function, w):
    """Four rows 1e-1 … 1e-4 of a smooth loss: their c's drift by the h⁴ term far beyond
    their round-off, and the law still holds (the drift is the loss's own next order)."""
    text, truth = _smooth(function, w, [1e-1, 1e-2, 1e-3, 1e-4])
    reference, diagnosis = _judge(text, mp.nstr(truth, 17))
    assert reference.trusted and abs(mp.mpf(reference.value) - truth) <= reference.error
    assert diagnosis.kind == "correct", diagnosis.case
    _reference, diagnosis = _judge(text, mp.nstr(truth * (1 + mp.mpf("1e-4")), 17))
    assert diagnosis.kind == "wrong", diagnosis.case


def test_dense_smooth_rows_keep_a_chain_their_other_rows_agree_with():
    steps = [10.0 ** (-1 - 6 * k / 299) for k in range(300)]
    text, truth = _smooth(lambda t: mp.sin(3 * t + 0.4), "0.2", steps)
    reference, diagnosis = _judge(text, mp.nstr(truth, 17))
    assert reference.trusted and "chain" in reference.note
    # the room for a kink is read at the smallest rows that resolve the derivative
    # (row_shape.resolving_room), not the least over every row: ± 1.03e-7 here
    assert abs(mp.mpf(reference.value) - truth) <= reference.error < 2e-7
    assert diagnosis.kind == "correct"


@pytest.mark.parametrize("scale", [1.0, 1e-150, 1e150])
def test_the_checks_work_at_any_scale_of_epsilon(scale):
    """Rows of D = 1 + ε²/σ² (σ the ε scale): agree; one row moved by 1e-9 does not."""
    steps = np.geomspace(1e-4, 1e-2, 12) * scale
    estimates = 1.0 + (steps / scale) ** 2 + 0.3 * (steps / scale) ** 4
    noise = np.full(steps.size, 1e-14)
    chain = np.array([0, 3, 6, 9, 11])
    assert left_out_agree(steps, estimates, noise, chain, chain.size)
    assert drift_is_monotone(steps, estimates, noise)
    assert drift_fits_scale(steps, estimates, noise, 1.0)
    moved = estimates.copy()
    moved[4] += 1e-9
    assert not left_out_agree(steps, moved, noise, chain, chain.size)
    zigzag = estimates + np.where(np.arange(steps.size) % 2 == 0, 1e-9, -1e-9)
    assert not drift_is_monotone(steps, zigzag, noise)


def test_estimate_words_count_the_usable_epsilon():
    """review10h M1: with no bounded reference the words said "fewer than three usable ε"
    whatever the count; they say how many there are and why none bounds the estimate."""
    from fdgui.core.report.sweep import diagnosis_text

    text, _truth = _ripple_table(0, 40)
    reference, diagnosis = _judge(text, None)
    assert not reference.trusted and diagnosis.kind == "estimate"
    words = diagnosis_text(diagnosis)
    assert "fewer than three" not in words
    assert "the 40 usable ε do not follow the h² law" in words
