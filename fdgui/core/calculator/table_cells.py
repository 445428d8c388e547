"""How one pasted or typed table line splits into cells: spreadsheet tabs and semicolons
(a comma inside is then a decimal comma), spaces, commas, quoted cells as the csv module
reads them, and whether a cell has a number's shape (``schemes`` reads the rows)."""

from __future__ import annotations

import re

from fdgui.core.numbers.parsing import InputError, parse_number

# spaces beside a comma: plain, no-break and figure spaces (not tabs or break-like
# characters, which make a row refused: test_line_breaks)
_SPACED_COMMA = re.compile("[ \u00a0\u2007\u202f]*,[ \u00a0\u2007\u202f]*")


def _split_table_line(line: str) -> tuple[list[str], str]:
    """The cells of one pasted line, or a reason it cannot be read unambiguously.

    Tabs or semicolons separate spreadsheet cells, where a comma is a decimal comma (0,85).
    Otherwise spaces separate cells (a comma right after a number is a separator too), and a
    line without spaces is split at its commas. A comma inside a space-separated number
    (``1,5`` or ``1,000``) could be a decimal comma or a thousands separator, so that line is
    refused rather than guessed.
    """
    if '"' in line:
        return _quoted_cells(line)
    if "\t" in line or ";" in line:
        cells = [cell.strip().replace(",", ".") for cell in re.split(r"[;\t]", line)]
        return _kept(cells)
    # a space beside a comma (a no-break space after a number, "1, 2, 3") separates nothing
    words = _SPACED_COMMA.sub(",", line).split()
    if len(words) == 1:
        return _kept([cell.strip() for cell in words[0].split(",")])
    cells = [word.rstrip(",") for word in words if word.rstrip(",")]
    return _unambiguous(cells)


def _unambiguous(cells: list[str]) -> tuple[list[str], str]:
    """The cells, or why not: a comma inside a cell separated otherwise could be a decimal
    comma or a thousands separator (``1,5``, ``1,000``), which is refused, never guessed."""
    ambiguous = [cell for cell in cells if "," in cell]
    if ambiguous:
        return [], (
            f"“{ambiguous[0]}” could be a decimal comma or a thousands separator; "
            "use a dot for decimals and no thousands separators"
        )
    return cells, ""


def _kept(cells: list[str]) -> tuple[list[str], str]:
    """The cells up to the last one written, or why not: an empty cell before a written
    one would move the cells after it left (``0.1,,0.3,0.4``: 0.3 read as L+); empty cells
    at the end are none (no L)."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    if "" in cells:
        return [], (
            f"value {cells.index('') + 1} of {len(cells)} is empty: the values after it "
            "cannot be told where they belong (leave only the last, L, empty)"
        )
    return cells, ""


def _quoted_cells(line: str, keep: bool = False) -> tuple[list[str], str]:
    """A line with quoted cells ("1e-4","0.85"), read as the csv module does: separated by
    tabs, semicolons (a comma inside is then a decimal comma), commas or spaces. An empty
    cell ("") is one (``_kept``; every cell kept with ``keep``), never dropped: the cells
    after it would move left (review12t M1)."""
    import csv

    # "1e-4" "0.85" "0.84": spaces between when no other separator is there
    delimiter = "\t" if "\t" in line else ";" if ";" in line else "," if "," in line else " "
    try:
        cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True, strict=True))
    except csv.Error:
        return [], "a quote is not closed (or text follows a closing quote)"
    cells = [cell.strip() for cell in cells]
    if not keep:
        cells, problem = _kept(cells)
        if problem:
            return [], problem
    if delimiter in "\t;":
        return [cell.replace(",", ".") for cell in cells], ""
    return _unambiguous(cells)


# a decimal number's shape, however long (a cell parse_number refuses as too long is still
# data, worded as a bad row: never a header dropped without a word, review12t L5)
_NUMBER_SHAPE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _looks_numeric(cell: str) -> bool:
    if _NUMBER_SHAPE.fullmatch(cell):
        return True
    try:
        parse_number(cell, "cell")
    except InputError:
        return False
    return True
