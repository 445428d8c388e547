"""Lines of a pasted table or a --table file break only at \\n, \\r\\n and \\r: the line numbers
of problems are the file's, and a row holding another break-like character (form feed,
U+2028, …) is one refused row, never two rows."""

from __future__ import annotations

import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table import measure_table
from fdgui.core.jobs import drive
from fdgui.core.numbers.parsing import text_lines

ODD = ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_numbers_are_the_file_s(odd, end):
    lines = ["1e-4,0.85005,0.84995", "1e-3,0.8505,0.8495", f"2e-3,0.851{odd},0.849",
             "5e-3,0.8525,0.8475", "x,1,2"]  # fmt: skip
    text = end.join(lines) + end
    rows, problems = parse_measurement_table(text)
    assert [problem.split(":")[0] for problem in problems] == ["line 3", "line 5"]
    assert len(rows) == 3
    measured = drive(measure_table(text))
    assert measured.problems == problems and len(measured.rows) == 3


@pytest.mark.parametrize("odd", ODD)
def test_a_break_like_character_joins_no_two_rows(odd):
    text = f"1e-4 0.85005 0.84995\n1e-3 0.8505 0.8495{odd}2e-3 0.851 0.849\n5e-3 0.8525 0.8475\n"
    rows, problems = parse_measurement_table(text)
    assert len(rows) == 2 and len(problems) == 1 and problems[0].startswith("line 2")


def test_text_lines_is_splitlines_for_the_three_line_ends():
    for text in ["", "a", "a\n", "a\n\n", "a\r\nb\rc\nd", "\n", "a\r\n\r\n"]:
        assert text_lines(text) == text.splitlines()
    assert text_lines("a\fb\u2028c") == ["a\fb\u2028c"]
