"""The format a table's losses came from, read from the losses when nobody says (review10k
HIGH-5: float32 losses written with repr read as float64 got a ± 2^29 times too small)."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table_source import (
    format_words,
    narrowest_format,
    read_format,
    untold_format,
)


def _rows(dtype, write=repr, count: int = 9, point: float = 0.41):
    lines = []
    for epsilon in np.logspace(-1, -2.5, count):
        w = np.asarray(point, dtype=dtype)
        plus = w + np.asarray(epsilon, dtype=dtype)
        minus = w - np.asarray(epsilon, dtype=dtype)
        step = float(plus) - float(w)
        if step == 0 or float(w) - float(minus) != step:
            continue  # the step vanished in the dtype, or the two steps differ
        losses = [np.tanh(x * np.asarray(3, dtype=dtype)) for x in (plus, minus)]
        lines.append(",".join([repr(step)] + [write(float(value)) for value in losses]))
    rows, problems = parse_measurement_table("\n".join(lines))
    assert not problems and len(rows) >= min(3, count)
    return rows


@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float64, None), (np.float32, "float32"), (np.float16, "float16"),
     (ml_dtypes.bfloat16, "bfloat16")],
)  # fmt: skip
def test_losses_written_from_a_binary_format_name_it(dtype, expected):
    assert narrowest_format(_rows(dtype)) == expected


def test_typed_losses_whose_digits_hold_any_format_name_nothing():
    """A format whose round-off is a small share of the printed digits' ± changes nothing:
    the seed's typed losses stay float64 digits (no note)."""
    rows, _ = parse_measurement_table("0.0001,0.85005,0.84995\n0.001,0.8505,0.8495\n")
    assert narrowest_format(rows) is None
    rows, _ = parse_measurement_table("0.1,3,2\n0.01,2,2\n0.001,2,2\n")
    assert narrowest_format(rows) is None  # whole numbers: ± 0.5 holds every format


def test_short_decimals_that_fit_a_format_by_chance_widen_and_say_so():
    """0.375 and 0.125 are bfloat16 numbers too, and bfloat16's round-off (u·|L| = 0.0015 at
    0.375) is three times the ± 0.0005 of their last digit: read as float64 they could claim
    a precision they do not have, so the reading widens and says it cannot tell."""
    rows, _ = parse_measurement_table("0.1,0.5,0.25\n0.01,0.375,0.125\n0.001,0.75,0.5\n")
    reading = read_format(rows)
    assert reading.dtype == "bfloat16" and not reading.sure
    words = format_words(reading)
    assert "too few digits" in words and "read as bfloat16" in words


def test_a_few_rows_of_losses_written_by_repr_name_their_format():
    assert narrowest_format(_rows(np.float32, count=2)) == "float32"  # no coincidence


def _short(dtype):
    return lambda value: str(dtype(value))  # numpy's shortest repr, ml_dtypes' %.6g


_WRITERS = {
    "repr": repr,
    "short": None,  # str of the format's own number
    "g6": lambda v: f"{v:.6g}",
    "g5": lambda v: f"{v:.5g}",
    "g4": lambda v: f"{v:.4g}",
    "round5": lambda v: repr(round(v, 5)),
}
_COARSENESS = {"bfloat16": 3, "float16": 2, "float32": 1, None: 0}


@pytest.mark.parametrize(
    "dtype, style",
    [(dtype, style) for dtype in (np.float16, ml_dtypes.bfloat16) for style in _WRITERS]
    + [(np.float32, "repr"), (np.float32, "short")],
)
@pytest.mark.parametrize("point", [0.83, -0.37, 0.05])
def test_losses_printed_short_still_name_a_format_at_least_as_coarse(dtype, style, point):
    """review10m CRITICAL-1: bfloat16/float16 losses printed by ml_dtypes/numpy str (1.01562,
    0.8125) or to a few digits were read as float64, and their scatter thrown away as a
    structure of the loss. Whatever the digits, the losses fit their format's numbers: the
    reading is that format or a coarser one (never float64's narrower ±)."""
    writer = _WRITERS[style] or (lambda value: str(dtype(value)))
    rows = _rows(dtype, write=writer, count=12, point=point)
    own = {np.float16: "float16", ml_dtypes.bfloat16: "bfloat16", np.float32: "float32"}[dtype]
    assert _COARSENESS[narrowest_format(rows)] >= _COARSENESS[own]


def test_float64_losses_never_fit_a_narrower_format():
    rng = np.random.default_rng(5)
    for _ in range(20):
        values = rng.normal(size=12)
        pairs = enumerate(values.reshape(6, 2))
        text = "\n".join(f"{10.0**-k!r},{a!r},{b!r}" for k, (a, b) in pairs)
        rows, _ = parse_measurement_table(text)
        assert narrowest_format(rows) is None


def test_the_window_takes_the_format_only_when_none_was_chosen():
    rows = _rows(np.float32)
    found, note = untold_format(rows, "float64")
    assert found == "float32" and "float32 number" in note
    assert untold_format(rows, None) == (found, note)  # untold
    assert untold_format(rows, "float16") == (None, "")  # chosen: kept
