"""A quoted empty cell ("") is an empty cell, never a cell the ones after it move into
(review12t M1): without quotes ``0.03125,0.39,,0.39466`` is a bad row; with quotes (a
spreadsheet's export) the empty cell was dropped and L− read from the L column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table import measure_table
from fdgui.core.jobs import drive
from fdgui.core.models.measured import RowColumns
from fdgui.core.table_job import table_rows_job

GOOD = '"0.125","0.3719018768653145","0.39073145459869163","0.3946647588022506"'


def _all(text: str):
    rows, problems = parse_measurement_table(text)
    measured = drive(measure_table(text))
    assert [r.loss_minus for r in measured.rows] == [r.loss_minus for r in rows]
    assert sorted(measured.problems) == sorted(problems)
    if rows:
        columns, job_problems = drive(table_rows_job(text, "t.csv", chunk=1))
        assert columns == RowColumns.of(rows) and job_problems == problems
    return rows, problems


@pytest.mark.parametrize("separator", [",", ";", "\t", " "])
@pytest.mark.parametrize("empty", [1, 2])
def test_an_empty_quoted_cell_without_a_header_is_a_bad_row(separator, empty):
    cells = ['"0.03125"', '"0.3912"', '"0.3964"', '"0.39466"']
    cells[empty] = '""'
    text = GOOD.replace(",", separator) + "\n" + separator.join(cells) + "\n"
    rows, problems = _all(text)
    assert len(rows) == 1 and rows[0].epsilon == Decimal("0.125")
    assert len(problems) == 1 and problems[0].startswith("line 2:") and "empty" in problems[0]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_under_a_header_an_empty_named_cell_is_a_bad_row(separator):
    header = separator.join(['"eps"', '"L-"', '"L+"', '"L"'])
    row = separator.join(['"0.03125"', '""', '"0.3912"', '"0.39466"'])
    text = f"{header}\n{GOOD.replace(',', separator)}\n{row}\n"
    rows, problems = _all(text)
    assert len(rows) == 1
    assert len(problems) == 1 and "L− is empty" in problems[0]


def test_an_empty_last_quoted_cell_is_no_loss_at_w():
    text = '"0.03125","0.3912","0.3964",""\n"eps_is_not_here","1","2"\n'
    rows, _problems = _all(text)
    assert rows[0].loss is None and rows[0].loss_minus == Decimal("0.3964")
    header = '"eps","L-","L+","L"\n"0.03125","0.3964","0.3912",""\n'
    rows, problems = _all(header)
    assert problems == [] and rows[0].loss is None
    assert rows[0].loss_plus == Decimal("0.3912")
