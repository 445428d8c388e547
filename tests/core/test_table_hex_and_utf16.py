"""Tables as some programs write them (review11t L4): values printed by ``float.hex()``
(``0x1.0000000000000p-3``) were taken for header lines ("no data lines (only blank, # or
header lines)"); a UTF-16 file without its mark was shown as ``e\\x00p\\x00s…``. Hex floats
are read as the exact numbers they write; UTF-16 without a mark is read as text."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from fdgui.core.calculator.schemes import measurement, parse_measurement_table
from fdgui.core.calculator.table import measure_table
from fdgui.core.jobs import drive
from fdgui.core.table_file import read_table_text


def _rows(count: int = 6):
    epsilons = [2.0**-k for k in range(3, 3 + 2 * count, 2)]
    f = lambda x: float(np.sin(x) * np.exp(-x * x))  # noqa: E731
    return [(e, f(0.7 + e), f(0.7 - e), f(0.7)) for e in epsilons]


def _exact(value: float) -> Decimal:
    exact = Decimal(value)  # the binary number's exact decimal
    assert Fraction(exact) == Fraction(value)
    return exact


@pytest.mark.parametrize("header", ["eps,L+,L-,L\n", "", "eps,L-,L+,L\n"])
def test_hex_floats_are_read_as_the_numbers_they_write(header):
    swap = "L-,L+" in header
    lines = [
        ",".join(float.hex(v) for v in ((e, m, p, c) if swap else (e, p, m, c)))
        for e, p, m, c in _rows()
    ]
    text = header + "\n".join(lines) + "\n"
    rows, problems = parse_measurement_table(text)
    assert problems == []
    assert [(r.epsilon, r.loss_plus, r.loss_minus, r.loss) for r in rows] == [
        tuple(_exact(v) for v in row) for row in _rows()
    ]
    measured = drive(measure_table(text))
    assert measured.problems == [] and measured.rows == [measurement(r) for r in rows]


def test_a_hex_float_beyond_float64_or_malformed_is_a_bad_row_in_words():
    rows, problems = parse_measurement_table("0x1.8p-3,0x1.2p-1,0x1.1p-1\n0x1.zp-3,1,2\n")
    assert len(rows) == 1
    assert len(problems) == 1 and problems[0].startswith("line 2")
    assert "no data lines" not in problems[0]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_is_read(tmp_path, encoding):
    path = tmp_path / "table.csv"
    text = "eps,L+,L-\n" + "".join(f"{e!r},{p!r},{m!r}\n" for e, p, m, _ in _rows())
    path.write_bytes(text.encode(encoding))
    read = read_table_text(path)
    assert read == text
    rows, problems = parse_measurement_table(read)
    assert len(rows) == 6 and problems == []
