"""Many plain table lines measured at once: the fast path of a long paste.

A pasted table of 100,000 lines is mostly *plain* lines (``schemes.plain_values``): ASCII
numbers, one kind of separator, 3 or 4 cells. Runs of such lines are read here column by
column, with ``map`` over the C functions of ``decimal`` (no Python-level step per number),
which is several times faster than a loop per line. Every value is exactly what the careful
path gives: the same ``Decimal(cell)`` for each cell, the same context operations in the same
order (``schemes.measured_row``), the same rounding to float for the plot; a run that is not
plain after all (an empty cell, a zero, ε ≤ 0, a number at float64's edge) returns None and
is read line by line instead. tests/core/test_batch_rows.py compares the two with hypothesis.
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from itertools import repeat
from typing import Any

from fdgui.core.calculator.schemes import CONTEXT, EXACT, Measurement, _tidy

_SEPARATORS = ("\t", ",", " ")
# per separator: the translation that deletes every character a plain line of it may hold
_NOT_PLAIN = {
    separator: str.maketrans("", "", "0123456789.eE+-" + separator) for separator in _SEPARATORS
}
_LONGEST_LINE = 400  # as schemes.plain_values: a longer line is read carefully
_FIELDS = ("epsilon", "loss", "loss_plus", "loss_minus", "central", "forward", "backward")
_new = object.__new__
_set = object.__setattr__


def separator_of(lines: list[str]) -> str:
    """The separator most plain lines of this piece use: tab, else comma, else space."""
    text = "\n".join(lines[:50])
    return "\t" if "\t" in text else "," if "," in text else " "


def plain_mask(stripped: list[str], separator: str) -> list[int]:
    """For each stripped line: its cell count (3 or 4) when it may be a plain line with this
    separator, else 0 (read line by line)."""
    table = _NOT_PLAIN[separator]
    leftovers = map(str.translate, stripped, repeat(table))
    counts = map(str.count, stripped, repeat(separator))
    return [
        count + 1 if not rest and 2 <= count <= 3 and len(line) <= _LONGEST_LINE else 0
        for line, rest, count in zip(stripped, leftovers, counts, strict=True)
    ]


def measure_run(
    lines: list[str], separator: str, cells: int
) -> tuple[list[Measurement], list[float], list[list[float]]] | None:
    """Rows, ε floats and estimate floats (central, forward, backward columns) of ``lines``
    (stripped, each of ``cells`` cells split by ``separator``), or None when one of them is
    not plain (the caller then reads the run line by line)."""
    count = len(lines)
    flat = separator.join(lines).split(separator) if separator != " " else []
    if separator == " ":
        flat = [cell for line in lines for cell in line.split()]
    if len(flat) != count * cells or max(map(len, flat)) > 200:
        return None
    try:
        values = list(map(Decimal, flat))
    except (ArithmeticError, ValueError):
        return None
    if not all(values) or not all(map(Decimal.is_finite, values)):
        return None
    exponents = list(map(Decimal.adjusted, values))
    if min(exponents) <= -320 or max(exponents) >= 308:
        return None
    epsilons = values[0::cells]
    if any(map(Decimal.is_signed, epsilons)):
        return None
    plus, minus = values[1::cells], values[2::cells]
    losses: list[Any] = values[3::cells] if cells == 4 else [None] * count
    c, x = CONTEXT, EXACT  # exact differences, each quotient rounded once (schemes.EXACT)
    central = _tidied(
        list(map(c.divide, map(x.subtract, plus, minus), map(x.multiply, repeat(2), epsilons)))
    )
    if cells == 4:
        forward = _tidied(list(map(c.divide, map(x.subtract, plus, losses), epsilons)))
        backward = _tidied(list(map(c.divide, map(x.subtract, losses, minus), epsilons)))
        estimates = [
            list(map(float, central)),
            list(map(float, forward)),
            list(map(float, backward)),
        ]
    else:
        forward = backward = [None] * count
        nan = [float("nan")] * count
        estimates = [list(map(float, central)), nan, nan]
    rows = list(map(_new, repeat(Measurement, count)))
    dicts = map(
        dict,
        map(
            zip,
            repeat(_FIELDS),
            zip(epsilons, losses, plus, minus, central, forward, backward, strict=True),
        ),
    )
    deque(map(_set, rows, repeat("__dict__"), dicts), maxlen=0)
    return rows, list(map(float, epsilons)), estimates


def _tidied(values: list[Decimal]) -> list[Decimal]:
    """``schemes._tidy`` of each value: normalised in bulk; zeros and |v| ≥ 10 (where _tidy
    may write an integer without exponent) go through _tidy itself."""
    normal = list(map(Decimal.normalize, values, repeat(CONTEXT)))
    if all(values) and max(map(Decimal.adjusted, normal)) < 1:
        return normal
    return [n if v and n.adjusted() < 1 else _tidy(v) for v, n in zip(values, normal, strict=True)]
