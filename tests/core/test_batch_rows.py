"""The fast paste path gives exactly what the careful path gives, for every input.

The careful path reads each line with ``read_table_line`` (split, header rule, ``parse_inputs``
with ``parse_number`` per cell) and computes the row with ``measurement``; the plot's points
are ``float()`` of each stored Decimal. That is the calculator's definition of a pasted row.
The fast path (``plain_values`` per line, ``batch.measure_run`` for runs of plain lines) must
give the same rows (every Decimal equal *and* written the same: ``str`` compared), the same
points bit for bit, the same problems, whatever the table and however it is cut in chunks.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fdgui.core.calculator import schemes
from fdgui.core.calculator.table import measure_table, points_of
from fdgui.core.jobs import drive
from tests.fuzz.strategies import EDGE_TEXTS, number_texts

# drawn examples, not fdgui, were most of this file's time (cProfile: 265 of 360 s in drawing
# ``pasted()``, suite20): 300 examples each took 33 s of the suite's phase 2; the hand-picked
# @example cases of each test are all still run
BULK_EXAMPLES = 120

FIELDS = ("epsilon", "loss", "loss_plus", "loss_minus", "central", "forward", "backward")


def careful(text: str) -> tuple[list, list[str]]:
    """Every line the careful way (no fast path at all), as ``arrange_columns`` leaves the
    text (each row under a header in the order it names; headers as comments); its notes
    and bad rows (a header that does not name the columns says the order taken) among the
    readers' bad lines, in line order."""
    from fdgui.core.calculator.table_columns import arrange_columns, by_line

    rows, problems = [], []
    text, problem, notes = arrange_columns(text)
    if problem:
        return [], [problem]
    problems += notes
    seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        inputs, problem, seen = schemes.read_table_line(line, number, seen)
        if problem:
            problems.append(problem)
        elif inputs is not None:
            rows.append(schemes.measurement(inputs))
    return rows, by_line(problems)


def _same_rows(fast: list, slow: list) -> None:
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert type(a) is schemes.Measurement
        assert a == b
        for name in FIELDS:
            x, y = getattr(a, name), getattr(b, name)
            assert (x is None) == (y is None)
            if x is not None:
                assert str(x) == str(y), name  # the same digits and exponent, not only value


def _same_points(fast: np.ndarray, rows: list) -> None:
    expected = points_of(rows)
    assert fast.shape == expected.shape
    assert np.array_equal(fast, expected, equal_nan=True)  # bit for bit, nan where no L


plain_numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(min_value=1e-12, max_value=10.0).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-99_999, 99_999), st.integers(-330, 330)),
    st.sampled_from([*EDGE_TEXTS, "1.", ".5", "+1", "-0.0", "0", "1E+5", "1e-0005", "9" * 250]),
)
separators = st.sampled_from(["\t", ",", " ", "  ", "\t ", ";", ", "])


# The strategies a composite draws from are made once, here: made afresh at each draw, their
# making and checking took most of these tests' time (the examples drawn are the same).
_LINE_COUNT, _KIND, _COIN = st.integers(0, 40), st.integers(0, 9), st.booleans()
_DATA_CELLS = st.lists(plain_numbers, min_size=3, max_size=4)
_EPSILONS = st.sampled_from(["1e-4", "0.001", "3.5e-7", "1e-300"])
_OTHER_LINES = st.sampled_from(["", "# note", "eps\tL+\tL-", "  ", "ε,L+,L−"])
_ANY_CELLS = st.lists(st.one_of(number_texts, plain_numbers), max_size=5)


@st.composite
def pasted(draw) -> str:
    lines = []
    for _ in range(draw(_LINE_COUNT)):
        kind = draw(_KIND)
        if kind <= 6:  # mostly data lines of 3 or 4 cells, one separator
            cells = draw(_DATA_CELLS)
            if draw(_COIN):  # a positive ε most of the time
                cells[0] = draw(_EPSILONS)
            lines.append(draw(separators).join(cells))
        elif kind == 7:
            lines.append(draw(_OTHER_LINES))
        else:
            cells = draw(_ANY_CELLS)
            lines.append(draw(separators).join(cells))
    return "\n".join(lines)


@settings(max_examples=BULK_EXAMPLES, deadline=None, database=None, derandomize=True)
@given(pasted(), st.integers(1, 50))
@example("eps\tL+\tL-\tL\n1e-4\t0.85005\t0.84995\t0.85", 1)
@example("1e-4\t1\t1\n1e-4\t0\t1\n1e-4\t1e308\t1\n-1e-4\t1\t2", 3)
@example("1e-4,1,2\n1e-4,,2\n1e-4,1,2,3", 5)
@example("1e-4 100 90 95\n1e-4 1e-319 1e-319 0\n1e-4 " + "9" * 250 + " 1 2", 2)
def test_the_fast_path_gives_the_careful_paths_rows(text, chunk):
    slow_rows, slow_problems = careful(text)
    measured = drive(measure_table(text, chunk=chunk))
    _same_rows(measured.rows, slow_rows)
    assert measured.problems == slow_problems
    _same_points(measured.points, slow_rows)
    rows, problems = schemes.parse_measurement_table(text)  # the CLI's reader
    assert [schemes.measurement(r) for r in rows] == slow_rows and problems == slow_problems


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.lists(plain_numbers, min_size=3, max_size=4), st.sampled_from(["\t", ",", " "]))
def test_a_plain_line_is_read_as_parse_number_reads_each_cell(cells, separator):
    line = separator.join(cells)
    values = schemes.plain_values(line)
    if values is None:
        return
    typed = [schemes.parse_number(cell, "x") for cell in cells]
    assert values[: len(cells)] == typed
    assert [str(v) for v in values[: len(cells)]] == [str(v) for v in typed]


def test_long_tables_of_typical_rows_are_the_same_in_bulk():
    lines = []
    for number in range(3000):
        eps = 10.0 ** (-1 - 7 * number / 3000)
        loss = "" if number % 3 else f"\t{1 + number / 7!r}"
        lines.append(f"{eps!r}\t{(1 + eps) ** 3!r}\t{(1 - eps) ** 3!r}{loss}")
    text = "eps\tL+\tL-\tL\n" + "\n".join(lines)
    slow_rows, _ = careful(text)
    measured = drive(measure_table(text))
    _same_rows(measured.rows, slow_rows)
    _same_points(measured.points, slow_rows)


def test_the_fast_constructor_makes_the_dataclass():
    """measured_row skips the frozen dataclass's __init__: it must set exactly its fields."""
    from dataclasses import fields

    one = Decimal("0.85")
    row = schemes.measured_row(Decimal("1e-4"), Decimal("0.85005"), Decimal("0.84995"), one)
    assert set(vars(row)) == {f.name for f in fields(schemes.Measurement)}
    inputs = schemes.Inputs(Decimal("0.85005"), Decimal("0.84995"), Decimal("1e-4"), one)
    assert row == schemes.Measurement.from_estimate(schemes.estimate(inputs))
    assert hash(row) == hash(schemes.Measurement.from_estimate(schemes.estimate(inputs)))
    assert row.central == Decimal("0.5") and str(row.central) == "0.5"


saved_cells = st.one_of(plain_numbers, st.just(""), st.sampled_from([" 1", "1e-4", "x"]))


_SAVED_COUNT = st.integers(0, 30)
_SAVED_EPSILONS = st.sampled_from(["1e-4", "0.001", "2.5e-9"])
_TWO_NUMBERS = st.lists(plain_numbers, min_size=2, max_size=2)
_NUMBER_OR_EMPTY = st.one_of(plain_numbers, st.just(""))
_SAVED_CELLS = st.lists(saved_cells, max_size=5)
_SAVED_OTHER = st.sampled_from(['{"epsilon": "1e-4"}', "", "1e-4\t1\t0"])


@st.composite
def saved_lines(draw) -> list:
    lines: list = []
    for _ in range(draw(_SAVED_COUNT)):
        kind = draw(_KIND)
        if kind <= 6:
            cells = [draw(_SAVED_EPSILONS), *draw(_TWO_NUMBERS), draw(_NUMBER_OR_EMPTY)]
            if kind == 0:
                cells[0] = draw(saved_cells)
            lines.append("\t".join(cells))
        elif kind == 7:
            lines.append("\t".join(draw(_SAVED_CELLS)))
        else:
            lines.append(draw(_SAVED_OTHER))
    return lines


@settings(max_examples=BULK_EXAMPLES, deadline=None, database=None, derandomize=True)
@given(saved_lines(), st.integers(1, 40))
@example(["1e-4\t0.85005\t0.84995\t0.85", "1e-4\t0.85005\t0.84995\t", "1e-4\t0\t1\t"], 2)
def test_saved_lines_in_bulk_are_read_as_saved_rows_are(lines, chunk):
    """A saved history's text lines in bulk give what measure_rows gives for their cells."""
    from fdgui.core.calculator.table import measure_rows, measure_saved_lines
    from fdgui.core.session import row_cells

    slow = drive(measure_rows([row_cells(line) or line for line in lines], chunk=7))
    fast = drive(measure_saved_lines(lines, row_cells, chunk=chunk))
    _same_rows(fast.rows, slow.rows)
    assert fast.problems == slow.problems
    assert np.array_equal(fast.points, slow.points, equal_nan=True)
