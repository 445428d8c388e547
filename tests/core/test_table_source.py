"""The format a table's losses came from, read from the losses when nobody says (review10k
HIGH-5: float32 losses written with repr read as float64 got a ± 2^29 times too small)."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table_source import narrowest_format, untold_format


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


def test_typed_or_short_losses_name_nothing():
    assert narrowest_format(_rows(np.float32, write=lambda v: f"{v:.6g}")) is None
    rows, _ = parse_measurement_table("0.1,0.5,0.25\n0.01,0.375,0.125\n0.001,0.75,0.5\n")
    assert narrowest_format(rows) is None  # short decimals fit every format by chance
    assert narrowest_format(_rows(np.float32, count=2)) is None  # too few rows to tell


def test_the_window_takes_the_format_only_when_none_was_chosen():
    rows = _rows(np.float32)
    found, note = untold_format(rows, "float64")
    assert found == "float32" and "float32 number" in note
    assert untold_format(rows, "float16") == (None, "")  # chosen: kept
