"""A table of measurements read from a file as a job (fdgui.core.jobs): the explorer's Import
table…, run in the worker so the window keeps answering (review11t H3: 200,000 rows parsed
on the GUI thread froze it 21 s).

The file is read by the bounded reader (table_file), its lines by the parser's own rules
(``schemes.parse_measurement_table``: the header's order from ``arrange_columns``, then the
lines a piece at a time, each piece a point where Cancel stops it), the rows kept as columns
(``RowColumns``: no object per row for the cycle collector, which runs on the GUI thread) and
the losses' format read from them when nobody chose one (``table_source.untold_format``).
The rows, bad-row messages and format are what ``fdgui-cli sweep --table`` reads.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

# imported with this module (when the explorer's panel is made), not in the worker's first
# step: a module compiled there holds the interpreter the window is waiting for
from fdgui.core.calculator.schemes import (
    parse_measurement_table,
    read_one_line,
    unreadable_table,
)
from fdgui.core.calculator.table_columns import arrange_columns, by_line
from fdgui.core.calculator.table_source import untold_format
from fdgui.core.errors import InputError
from fdgui.core.models.measured import RowColumns
from fdgui.core.numbers.parsing import text_lines
from fdgui.core.table_file import read_table_text

CHUNK = 5_000  # lines per piece of work between progress reports
#: the share of the progress bar the rows take (the losses' format the rest)
ROWS_SHARE = 0.75


@dataclass(frozen=True)
class ImportedTable:
    """What the job returns: the rows (columns), one message per bad line, the file's name,
    and the losses' format read from them (None: float64 digits or a format was chosen)
    with the note that says why."""

    rows: Any  # models.measured.RowColumns
    problems: tuple[str, ...]
    name: str
    found: str | None
    note: str


def read_table_file(
    path: str | Path, chosen: str | None, field: str = "rows", chunk: int = CHUNK
) -> Generator[tuple[float, str], None, ImportedTable]:
    """Read the table at ``path``; ``chosen``: the losses' format the person chose (None:
    none, read it from the losses). Raises InputError(field) when the file cannot be read
    or holds no row."""
    name = Path(path).name
    yield 0.0, f"reading {name}"
    text = read_table_text(path, field)  # bounded: never more than the size cap
    rows, problems = yield from table_rows_job(text, name, field, chunk)
    del text
    yield ROWS_SHARE, "reading the losses' format"
    found, note = untold_format(rows, chosen)
    return ImportedTable(rows, tuple(problems), name, found, note)


def table_rows_job(
    text: str, source: str, field: str = "rows", chunk: int = CHUNK
) -> Generator[tuple[float, str], None, tuple[Any, list[str]]]:
    """``schemes.table_rows(text, source, field)`` as a job: the same rows (as RowColumns)
    and problems, read ``chunk`` lines at a time."""
    text, problem, notes = arrange_columns(text)  # each row in the order its header names
    if problem:
        raise InputError(field, unreadable_table([problem], source))
    problems = list(notes)  # the order taken where a header does not name it all
    lines = text_lines(text)
    del text
    columns: tuple[list, ...] = ([], [], [], [])
    seen_data = False
    for start in range(0, len(lines), chunk):
        rows, bad, seen_data = _read_lines(lines[start : start + chunk], start + 1, seen_data)
        _extend(columns, rows)
        problems += bad
        done = min(len(lines), start + chunk)
        yield ROWS_SHARE * done / len(lines), f"read {done:,} of {len(lines):,} lines"
    problems = by_line(problems)  # a header's notes among the bad lines, in line order
    if not columns[0]:
        raise InputError(field, unreadable_table(problems, source))
    return RowColumns(*columns), problems


def _read_lines(lines: list[str], first_line: int, seen_data: bool) -> tuple[list, list, bool]:
    """The rows and problems of ``lines`` (numbered from ``first_line``) and whether data has
    been seen by their end: ``parse_measurement_table``'s loop. Once data has been seen the
    parser itself reads them (no header can follow); before it, line by line as it does."""
    rows: list = []
    problems: list[str] = []
    for index, raw in enumerate(lines):
        if seen_data:
            more, bad = parse_measurement_table(
                "\n".join(lines[index:]), first_line=first_line + index, header=False
            )
            return rows + more, problems + bad, True
        inputs, problem, seen_data = read_one_line(raw, first_line + index, seen_data)
        if problem:
            problems.append(problem)
        elif inputs is not None:
            rows.append(inputs)
    return rows, problems, seen_data


def _extend(columns: tuple[list, ...], rows: list) -> None:
    """Append ``rows``' ε, L, L+, L− to ``columns`` (the rows themselves are then dropped)."""
    for column, name in zip(columns, ("epsilon", "loss", "loss_plus", "loss_minus"), strict=True):
        column.extend(map(attrgetter(name), rows))
