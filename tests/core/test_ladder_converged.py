"""A reading that the smaller steps refute is not converged (review9k CRITICAL-2, -4): the
netcheck ladder's usable steps (``netcheck.converged``) and the sweep's readings below ε₀
(``sweep.converged``)."""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.converged import converged
from fdgui.core.sweep.converged import RUN, deviates_below, longest_run


def _step(value: float, bar: float, k: int) -> tuple:
    return (value - bar, value + bar, bar, k, False)


def test_a_larger_step_that_a_smaller_one_excludes_is_dropped():
    # steps 4…6 read the smooth part (0.19250 ± 2e-7), 10…12 the derivative (0.19344 ± 1e-5)
    found = [_step(0.192496, 6e-7, 4), _step(0.1924960, 2e-7, 5), _step(0.19249585, 1.5e-7, 6)]
    found += [_step(0.193416, 7e-5, 10), _step(0.193433, 2e-5, 11), _step(0.193437, 1.2e-5, 12)]
    kept = converged(found)
    assert [step[3] for step in kept] == [10, 11, 12]


def test_steps_that_agree_are_all_kept_and_a_bug_stays_excluded_by_each():
    found = [_step(1.0 + 1e-6 * 4.0**-k, 1e-6, k) for k in range(2, 9)]
    kept = converged(found)
    assert [step[3] for step in kept] == list(range(2, 9))
    assert all(not low <= 1.01 <= high for low, high, *_ in kept)


def test_a_run_below_the_reading_refutes_it_and_a_stray_point_does_not():
    epsilons = np.logspace(-10, -3, 71)
    predicted = 1e-16 / epsilons + 0.1 * epsilons**2  # round-off and the truncation left
    usable = np.ones(epsilons.size, dtype=bool)
    smooth = 1.0 + 0.1 * epsilons**2
    assert not deviates_below(epsilons, smooth, usable, predicted, 1.0, 1e-12, 1e-3)
    stray = smooth.copy()
    stray[20] += 1e-3
    assert not deviates_below(epsilons, stray, usable, predicted, 1.0, 1e-12, 1e-3)
    ripple = smooth + 1e-13 * np.sin(1e7 * epsilons) / epsilons
    assert deviates_below(epsilons, ripple, usable, predicted, 1.0, 1e-12, 1e-3)
    assert longest_run(np.array([1, 1, 0, 1, 1, 1], dtype=bool)) == 3
    assert RUN > 1
