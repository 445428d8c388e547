"""Quoted cells ("1e-4") are read as the csv module reads them, in files and pastes alike."""

import subprocess
import sys
from decimal import Decimal

import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table import measure_table
from fdgui.core.jobs import drive


@pytest.mark.parametrize(
    "text",
    [
        '"eps","L+","L-"\n"1e-4","0.85005","0.84995"\n',
        '"1e-4"\t"0.85005"\t"0.84995"',
        '"1e-4";"0,85005";"0,84995"',
        '"1e-4" "0.85005" "0.84995"',
        '"1e-4", 0.85005, "0.84995"',
    ],
)
def test_quoted_cells_are_read(text):
    rows, problems = parse_measurement_table(text)
    assert problems == [] and len(rows) == 1
    row = rows[0]
    assert (row.epsilon, row.loss_plus, row.loss_minus) == (
        Decimal("1e-4"),
        Decimal("0.85005"),
        Decimal("0.84995"),
    )


def test_a_quoted_paste_is_read_like_a_file():
    rows = drive(measure_table('"1e-4"\t"1"\t"0"\n"1e-3"\t"1.5"\t"0.5"\n'))
    assert len(rows.rows) == 2 and not rows.problems


def test_an_unclosed_quote_is_a_reason_not_a_guess():
    rows, problems = parse_measurement_table('"1e-4,"1","0"')
    assert rows == [] and "quote" in problems[0]


def test_a_quoted_comma_cell_in_a_comma_table_is_ambiguous():
    rows, problems = parse_measurement_table('"1e-4","1,5","0"')
    assert rows == [] and "decimal comma" in problems[0]


def test_cli_reads_a_quoted_csv(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('"eps","L+","L-"\n"1e-4","0.85005","0.84995"\n"1e-3","0.8505","0.8495"\n')
    done = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--table", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "2 measured rows" in done.stdout
