"""The Richardson tableau over measured rows is bounded: built a column at a time up to a fixed
order, it equals the full Neville tableau wherever that has no more columns, and a table of
hundreds of thousands of distinct ε extrapolates in linear time and memory."""

from __future__ import annotations

import time

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fdgui.core.sweep.references import MAX_COLUMNS, SAFETY, extrapolate


def full_tableau(steps, estimates, noise):
    """The full Neville tableau, entry by entry (the definition the bounded one must follow)."""
    steps, estimates, noise = (np.asarray(a, dtype=np.float64) for a in (steps, estimates, noise))
    order = np.argsort(-steps)
    steps, estimates, noise = steps[order], estimates[order], noise[order]
    count = len(steps)
    table = [[estimates[i]] for i in range(count)]
    carried = [[noise[i]] for i in range(count)]
    best = (np.nan, np.inf, 0, 0)
    finite = np.flatnonzero(np.isfinite(estimates))
    if finite.size:
        best = (float(estimates[finite[0]]), np.inf, int(finite[0]), 0)
    with np.errstate(all="ignore"):
        for i in range(1, count):
            for j in range(1, i + 1):
                ratio = (steps[i - j] / steps[i]) ** 2
                previous, neighbour = table[i][j - 1], table[i - 1][j - 1]
                entry = previous + (previous - neighbour) / (ratio - 1.0)
                table[i].append(entry)
                carried[i].append(
                    (carried[i][j - 1] * ratio + carried[i - 1][j - 1]) / (ratio - 1.0)
                )
                error = SAFETY * max(abs(entry - previous), abs(entry - neighbour)) + carried[i][j]
                if np.isfinite(entry) and np.isfinite(error) and error < best[1]:
                    best = (float(entry), float(error), i, j)
    return best


finite_floats = st.floats(-1e3, 1e3, allow_nan=False)
estimate = st.one_of(finite_floats, st.just(np.inf), st.just(np.nan), st.sampled_from([1.0, 2.0]))


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(st.floats(1e-12, 1.0), min_size=1, max_size=MAX_COLUMNS + 1, unique=True),
    st.data(),
)
def test_the_bounded_tableau_is_the_full_one_up_to_its_cap(steps, data):
    count = len(steps)
    estimates = data.draw(st.lists(estimate, min_size=count, max_size=count))
    noise = data.draw(st.lists(st.floats(0, 1e-3), min_size=count, max_size=count))
    value, error, row, column = full_tableau(steps, estimates, noise)
    if not np.isfinite(value):
        return  # no finite estimate: both refuse (checked below)
    tableau = extrapolate(steps, estimates, noise)
    assert (tableau.row, tableau.column) == (row, column)
    # the same entries up to the last bits: the columns are formed as arrays here and one
    # by one there, and the two orders of the same operations differ by an ulp or two
    # (1.975364649754265 against 1.9753646497542654 on this machine)
    # — and where the entries cancel (ratio − 1 small, estimates of opposite signs) those
    # last bits are amplified: 6.944386431731787 against 6.944386431731779 (8 ulps) once,
    # with an error bar of 13.9. What a reader uses is the value within its bar: a
    # difference of a millionth of the bar changes nothing a verdict reads
    ulps = 4 * np.finfo(np.float64).eps
    slack = 1e-6 * error if np.isfinite(error) else 0.0
    assert abs(tableau.value - value) <= ulps * abs(value) + slack or (
        np.isnan(value) and np.isnan(tableau.value)
    )
    assert tableau.error == error or abs(tableau.error - error) <= ulps * abs(error) + slack


def test_smooth_rows_extrapolate_to_the_derivative_at_any_count():
    h = np.geomspace(0.1, 1e-3, 40)
    estimates = np.cos(0.7) * np.sin(h) / h  # central difference of sin at 0.7
    tableau = extrapolate(h, estimates, np.full(h.size, 1e-15))
    assert abs(tableau.value - np.cos(0.7)) <= tableau.error


def test_three_hundred_thousand_distinct_steps_extrapolate_in_linear_time():
    rng = np.random.default_rng(3)
    h = np.unique(10.0 ** rng.uniform(-8, -1, 300_000))
    estimates = 1.0 + h**2 + rng.normal(0, 1e-9, h.size) / h
    noise = 1e-9 / h
    started = time.perf_counter()
    tableau = extrapolate(h, estimates, noise)
    seconds = time.perf_counter() - started
    # the full tableau would be 4.5e10 entries (hours, and tens of GB in Python lists)
    assert seconds < 20.0, seconds
    assert tableau.column <= MAX_COLUMNS
    assert np.isfinite(tableau.value)
