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

from fdgui.core.calculator.schemes import (
    Measurement,
    measurement,
    parse_inputs,
    parse_measurement_table,
)

CHUNK = 5_000  # lines per piece of work between progress reports
POINT_FIELDS = ("epsilon", "central", "forward", "backward")


@dataclass
class MeasuredRows:
    """What a job returns: rows in order, their points (float64 array, rows × 4: ε, central,
    forward, backward; nan where absent) and the problems, worded."""

    rows: list[Measurement] = field(default_factory=list)
    points: np.ndarray = field(default_factory=lambda: np.empty((0, len(POINT_FIELDS))))
    problems: list[str] = field(default_factory=list)

    def extend(self, rows: list[Measurement]) -> None:
        self.rows.extend(rows)
        self.points = np.concatenate([self.points, points_of(rows)])


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
    """A pasted table (``parse_measurement_table``'s rules), parsed ``chunk`` lines at a time."""
    lines = text.splitlines()
    result = MeasuredRows()
    seen_data = False
    for start in range(0, len(lines), chunk):
        part = lines[start : start + chunk]
        inputs, problems = parse_measurement_table(
            "\n".join(part), first_line=start + 1, header=not seen_data
        )
        seen_data = seen_data or bool(inputs) or bool(problems)
        result.extend([measurement(row) for row in inputs])
        result.problems.extend(problems)
        done = min(len(lines), start + chunk)
        yield done / max(1, len(lines)), f"read {done:,} of {len(lines):,} lines"
    return result


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
