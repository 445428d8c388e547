"""review12t LOWs: a pasted table that starts with a UTF-8 BOM (L2), a UTF-32 file with its
BOM (L3), and a first line of one 5,000,000-digit number (L5) are read or worded like any
other table, never refused as "names no ε" or dropped without a word."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table import measure_table
from fdgui.core.jobs import drive
from fdgui.core.table_file import read_table_text

ROWS = "0.1,0.81,1.2,1\n0.01,0.981,1.02,1\n0.001,0.998,1.002,1\n"


@pytest.mark.parametrize("reader", ["paste", "job"])
def test_a_pasted_table_with_a_bom_is_read_by_its_header(reader):
    text = "\ufeffeps,L-,L+,L\n" + ROWS
    if reader == "paste":
        rows, problems = parse_measurement_table(text)
    else:
        measured = drive(measure_table(text))
        rows, problems = measured.rows, measured.problems
    assert problems == []
    assert [r.loss_plus for r in rows] == [Decimal("1.2"), Decimal("1.02"), Decimal("1.002")]


def test_a_pasted_table_of_numbers_with_a_bom():
    rows, problems = parse_measurement_table("\ufeff0.1,1.2,0.8\n0.01,1.02,0.98\n")
    assert problems == [] and len(rows) == 2 and rows[0].epsilon == Decimal("0.1")


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_a_utf32_file_with_its_bom_is_read(tmp_path, encoding):
    path = tmp_path / "t.csv"
    text = "eps,L-,L+,L\n" + ROWS
    data = text.encode(encoding)
    if encoding != "utf-32":  # the explicit forms write no mark: add it
        data = ("\ufeff").encode(encoding) + data
    path.write_bytes(data)
    assert read_table_text(path) == text


@pytest.mark.parametrize("first", ["", "eps,L+,L-,L\n"])
@pytest.mark.parametrize("digits", [300, 5_000_000])
def test_a_very_long_number_line_is_a_bad_row_not_a_header(first, digits):
    text = first + "1" * digits + "\n" + ROWS
    rows, problems = parse_measurement_table(text)
    assert len(rows) == 3
    line = 2 if first else 1
    assert len(problems) == 1 and problems[0].startswith(f"line {line}:"), problems
