"""The explorer's Import table… job reads a file as `fdgui-cli sweep --table` does (the same
rows, bad-row messages and losses' format), a piece of lines at a time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core.calculator.schemes import parse_measurement_table, table_rows
from fdgui.core.calculator.table_source import untold_format
from fdgui.core.errors import InputError
from fdgui.core.jobs import drive
from fdgui.core.models.measured import RowColumns
from fdgui.core.numbers.parsing import text_lines
from fdgui.core.table_job import read_table_file, table_rows_job

TEXTS = [
    "eps,L+,L-\n0.01,0.851,0.849\nbad,1,2\n0.001,0.8501,0.8499\n",
    "\n\n# a comment\n\neps\tL+\tL-\tL\n1e-2\t1.01\t0.99\t1\n\n1e-3\t1.001\t0.999\t1\n",
    "# only\n# comments\n\n",
    "eps,L-,L+\n0.01,0.849,0.851\n0.001,0.8499,0.8501\n",  # the header's order
    "epsilon loss_pos loss_neg\n0.1 1.1 0.9\r\n0.01 1.01 0.99\r0.001 1.001 0.999",
    "a,b,c\nd,e,f\n0.1,1.1,0.9\ng,h,i\n",  # a second header-like line after data is bad
    "x\n\n\n\n\n0.1;1,1;0,9\n0.01;1,01;0,99\n",
    "np.float64(0.1),tensor(1.1),0.9\n0.01,1.01,0.99,1\n0,1,1\n-1,1,1\n",
]


def _both(text: str, chunk: int):
    try:
        expected = table_rows(text, "t.csv")
    except InputError as error:
        with pytest.raises(InputError) as raised:
            drive(table_rows_job(text, "t.csv", chunk=chunk))
        assert raised.value.message == error.message
        return None
    rows, problems = drive(table_rows_job(text, "t.csv", chunk=chunk))
    assert rows == RowColumns.of(expected[0]) and problems == expected[1]
    return rows


@pytest.mark.parametrize("chunk", [1, 2, 3, 5_000])
@pytest.mark.parametrize("text", TEXTS)
def test_in_pieces_the_rows_and_problems_are_the_parsers(text, chunk):
    _both(text, chunk)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "",
                "# c",
                "eps,L+,L-",
                "eps L- L+ L",
                "0.1,1.1,0.9",
                "0.01\t1.01\t0.99\t1",
                "x,y,z",
                "0.001 1.001 0.999",
                "1e-4,1,1",
                "0,1,1",
                "  ",
                "a b c d e",
            ]
        ),
        max_size=12,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.integers(1, 4),
)
def test_any_table_reads_the_same_in_pieces(lines, end, chunk):
    _both(end.join(lines), chunk)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a\r\n\t ", max_size=20))
def test_text_lines_breaks_where_the_regular_expression_did(text):
    expected = re.split(r"\r\n|\r|\n", text)
    if expected and expected[-1] == "":
        expected.pop()
    assert text_lines(text) == expected


def test_the_file_job_reads_rows_problems_and_format_as_the_cli(tmp_path):
    path = tmp_path / "f32.csv"
    path.write_text("eps,L+,L-\n0.5,1.5,0.5\nbad\n0.25,1.25,0.75\n0.125,1.125,0.875\n")
    table = drive(read_table_file(path, None, chunk=2))
    rows, problems = parse_measurement_table(path.read_text())
    assert table.rows == RowColumns.of(rows) and list(table.problems) == problems
    assert (table.found, table.note) == untold_format(rows, None)
    assert table.name == "f32.csv"
    chosen = drive(read_table_file(path, "float16"))
    assert (chosen.found, chosen.note) == (None, "")


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path):
    from fdgui.core.table_file import MAX_TABLE_BYTES

    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(MAX_TABLE_BYTES + 1)
    with pytest.raises(InputError, match="larger than 32 MB"):
        drive(read_table_file(path, None))
