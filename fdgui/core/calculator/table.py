"""Long tables of measurements as a job: a pasted table or a saved history of any length.

``measure_table`` and ``measure_rows`` are generator jobs (see fdgui.core.jobs): they parse
and compute in chunks, yielding progress between chunks (where Cancel can stop them), and
return a ``MeasuredRows``: the history rows, their float coordinates for a plot, and one
message per line or row that could not be read. The window runs them off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fdgui.core.calculator.batch import measure_run, plain_mask, separator_of
from fdgui.core.calculator.schemes import (
    Measurement,
    is_comment,
    measured_row,
    measurement,
    parse_inputs,
    plain_values,
    read_table_line,
)

CHUNK = 5_000  # lines per piece of work between progress reports
# lines measured in bulk at once: each bulk step is one C loop that holds the GIL (about
# 0.5 ms here); the GUI thread gets the GIL back between steps, not only at the end
SLICE = 256
POINT_FIELDS = ("epsilon", "central", "forward", "backward")


@dataclass
class MeasuredRows:
    """What a job returns: rows in order, their points (float64 array, rows × 4: ε, central,
    forward, backward; nan where absent) and the problems, worded."""

    rows: list[Measurement] = field(default_factory=list)
    points: np.ndarray = field(default_factory=lambda: np.empty((0, len(POINT_FIELDS))))
    problems: list[str] = field(default_factory=list)

    def extend(self, rows: list[Measurement]) -> None:
        self.add(rows, points_of(rows))

    def add(self, rows: list[Measurement], points: np.ndarray) -> None:
        """``rows`` and their points (rows × 4), already computed."""
        self.rows.extend(rows)
        self.points = np.concatenate([self.points, points]) if len(self.points) else points


def points_of(rows: list[Measurement]) -> np.ndarray:
    """The float coordinates of ``rows`` (rows × 4), converted in numpy's loop."""
    if not rows:
        return np.empty((0, len(POINT_FIELDS)))
    nan = float("nan")
    columns = [
        np.array(
            [nan if (value := getattr(row, name)) is None else value for row in rows],
            dtype=float,
        )
        for name in POINT_FIELDS
    ]
    return np.stack(columns, axis=1)


def measure_table(
    text: str, chunk: int = CHUNK
) -> Generator[tuple[float, str], None, MeasuredRows]:
    """A pasted table (``parse_measurement_table``'s rules), read ``chunk`` lines at a time:
    plain lines by ``plain_values`` and ``measured_row`` (exact, the same values), the
    others by the careful reader, which words what it cannot read."""
    from fdgui.core.calculator.table_columns import arrange_columns, by_line
    from fdgui.core.numbers.parsing import text_lines

    result = MeasuredRows()
    text, problem, notes = arrange_columns(text)  # each row in the order its header names
    if problem:
        result.problems.append(problem)
        return result
    result.problems += notes  # the order taken where a header does not name it all
    lines = text_lines(text)
    seen_data = False
    pieces = []
    for start in range(0, len(lines), chunk):
        rows, points, problems, seen_data = _measure_lines(
            lines[start : start + chunk], start + 1, seen_data
        )
        result.rows += rows
        pieces.append(points)
        result.problems.extend(problems)
        done = min(len(lines), start + chunk)
        yield done / max(1, len(lines)), f"read {done:,} of {len(lines):,} lines"
    if pieces:
        result.points = np.concatenate(pieces)
    result.problems = by_line(result.problems)  # a header's notes among the bad lines
    return result


def _measure_lines(
    lines: list[str], first_line: int, seen_data: bool
) -> tuple[list[Measurement], np.ndarray, list[str], bool]:
    """The rows of ``lines`` (numbered from ``first_line``), their points, the problems, and
    whether data has been seen by their end: runs of plain lines in bulk (batch.py), the
    others one by one."""
    stripped = list(map(str.strip, lines))
    separator = separator_of(stripped)
    cells = plain_mask(stripped, separator)
    rows: list[Measurement] = []
    problems: list[str] = []
    epsilons: list[float] = []
    estimates: list[list[float]] = [[], [], []]
    start = 0
    while start < len(stripped):
        count = cells[start]
        end = start + 1
        while end < len(stripped) and cells[end] == count and end - start < SLICE:
            end += 1
        measured = measure_run(stripped[start:end], separator, count) if count else None
        if measured is None:  # one by one, the careful path wording what it cannot read
            seen_data = _one_by_one(
                stripped[start:end], first_line + start, seen_data, rows, problems
            )
            added = rows[len(epsilons) :]
            epsilons += [float(row.epsilon) for row in added]
            for column, name in zip(estimates, ("central", "forward", "backward"), strict=True):
                column += [_float(getattr(row, name)) for row in added]
        else:
            seen_data = True
            rows += measured[0]
            epsilons += measured[1]
            for column, part in zip(estimates, measured[2], strict=True):
                column += part
        start = end
    points = np.empty((len(rows), len(POINT_FIELDS)))
    points[:, 0] = epsilons
    for index, column in enumerate(estimates, start=1):
        points[:, index] = column
    return rows, points, problems, seen_data


def _one_by_one(
    lines: list[str], first_line: int, seen_data: bool, rows: list, problems: list
) -> bool:
    for number, line in enumerate(lines, start=first_line):
        if not line or is_comment(line):
            continue
        values = plain_values(line)
        if values is None:
            inputs, problem, seen_data = read_table_line(line, number, seen_data)
            if problem:
                problems.append(problem)
                continue
            if inputs is None:
                continue  # a header line
            values = [inputs.epsilon, inputs.loss_plus, inputs.loss_minus, inputs.loss]
        seen_data = True
        rows.append(measured_row(*values))
    return seen_data


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def measure_rows(
    rows: Sequence[Any], chunk: int = CHUNK
) -> Generator[tuple[float, str], None, MeasuredRows]:
    """Saved history rows ({"epsilon", "loss_plus", "loss_minus", "loss": texts}); a row that
    is not such a dict or does not parse is named ``history[i]`` in the problems."""
    result = MeasuredRows()
    for start in range(0, len(rows), chunk):
        measured = []
        for number in range(start, min(len(rows), start + chunk)):
            row = rows[number]
            inputs = None
            if isinstance(row, dict) and all(isinstance(v, str) for v in row.values()):
                inputs, _errors = parse_inputs(row)
            if inputs is None:
                result.problems.append(f"history[{number}]")
            else:
                measured.append(measurement(inputs))
        result.extend(measured)
        done = min(len(rows), start + chunk)
        yield done / max(1, len(rows)), f"read {done:,} of {len(rows):,} rows"
    return result


def measure_saved_lines(
    lines: Sequence[Any], cells_of: Any, chunk: int = CHUNK
) -> Generator[tuple[float, str], None, MeasuredRows]:
    """``measure_rows`` of a saved history's rows as saved (tab-separated lines "ε\\tL+\\tL−\\tL",
    L empty when there is none; or anything else a file held): runs of plain lines in bulk
    (batch.py, the same values), the others as ``measure_rows`` reads ``cells_of(row)``."""
    result = MeasuredRows()
    pieces = []
    for start in range(0, len(lines), chunk):
        part = lines[start : start + chunk]
        kinds = [saved_kind(line) for line in part]
        index = 0
        while index < len(part):
            kind = kinds[index]
            end = index + 1
            while end < len(part) and kinds[end] == kind and end - index < SLICE:
                end += 1
            run = [line[:-1] if kind == 3 else line for line in part[index:end]] if kind else []
            measured = measure_run(run, "\t", kind) if kind else None
            if measured is None:
                one = drive_rows([cells_of(row) or row for row in part[index:end]])
                result.rows += one.rows
                pieces.append(one.points)
                result.problems += [
                    f"history[{start + index + int(p[8:-1])}]" for p in one.problems
                ]
            else:
                result.rows += measured[0]
                block = np.empty((len(measured[0]), len(POINT_FIELDS)))
                block[:, 0] = measured[1]
                for column, values in enumerate(measured[2], start=1):
                    block[:, column] = values
                pieces.append(block)
            index = end
        done = min(len(lines), start + chunk)
        yield done / max(1, len(lines)), f"read {done:,} of {len(lines):,} rows"
    if pieces:
        result.points = np.concatenate(pieces)
    return result


def saved_kind(line: Any) -> int:
    """4 for a plain saved line with L, 3 for one whose L is empty (it ends in a tab), else 0."""
    if not isinstance(line, str) or line.count("\t") != 3:
        return 0
    cells = 3 if line.endswith("\t") else 4
    return cells if plain_mask([line[:-1] if cells == 3 else line], "\t")[0] else 0


def drive_rows(rows: Sequence[Any]) -> MeasuredRows:
    """``measure_rows`` run to its end (a few rows the bulk path left)."""
    from fdgui.core.jobs import drive

    return drive(measure_rows(rows, chunk=max(1, len(rows))))
