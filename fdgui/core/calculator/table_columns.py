"""Every row under a header is read by the names it can hold, never by a position its header
contradicts (review11t C1, H2).

``arrange_columns`` rewrites a table's text for the readers (schemes.py, table.py): each data
line under a header becomes its cells in the order ε, L+, L−[, L] the header names
(``table_header.header_order``), whatever its number of cells:

- a row with fewer cells than the header names is read when it holds ε, L+ and L− (its L,
  when the header names one, may be missing); otherwise it is a bad row, with the reason;
- a row with one cell more than a header of ε, L+ and L− alone has it read as L, by its
  place (as a table without a header is read; said when the header's order is not the
  readers'); any other row with more cells than its header names is a bad row;
- a named cell left empty is a bad row (the cells after it do not move left);
- a header after rows (a second table in the file, or a first header after rows without one)
  starts its own order, said; one that cannot be matched refuses the table in words, as a
  first header does. A line of words that names no column (``oops``, ``-----``) is left for
  the readers to word as a bad row;
- a comment line (``#``, ``%``, ``//``) whose cells name the columns is a header (numpy's
  ``savetxt(header=...)`` writes ``# eps,L-,L+``: read by position its rows would swap L+
  and L−), said in the notes (review12t C1). One that looks like a header (as many cells as
  the rows after it, one of them a column's name) but cannot be matched refuses the table
  in words, as a header does; so does one that names a column twice, whatever its number
  of cells, and one that contradicts the header of the same rows. Other comment lines stay
  comments.

Headers become comment lines, so every line keeps its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from fdgui.core.calculator.table_header import (
    EPSILON,
    IGNORED,
    MINUS,
    PLUS,
    _header_cells,
    _shown,
    column_role,
    header_order,
    header_roles,
)
from fdgui.core.numbers.parsing import text_lines


class HeaderNote(str):
    """A note on how a header was read (``line N: the comment … read as the header``),
    among the bad rows a reader returns: the line was used, not skipped (review13v L1);
    ``is_header_note`` tells the two apart for the words."""


def is_header_note(problem: str) -> bool:
    """Whether ``problem`` (from a reader's list of bad lines) is a header's note."""
    return isinstance(problem, HeaderNote)


# a line that may hold a word (a letter other than the exponent's e): only such a line may be
# a header; a table of plain numbers is passed through as it is
_WORDY = re.compile(r"[^\W\d_eE]")
_NAMES = {EPSILON: "ε", PLUS: "L+", MINUS: "L−"}


@dataclass
class _Header:
    """The order one header names, and what was read under it."""

    number: int  # its line (1-based)
    line: str
    order: list[int | None] | None = None  # ε, L+, L−, L columns (None: the readers' order)
    width: int = 0
    problem: str = ""
    note: str = ""
    named: int = 0  # how many of its cells name ε, L+, L− or L
    rows: int = 0  # rows read under it
    loss_by_place: list[int] = field(default_factory=list)  # lines whose 4th cell is L by place
    comment: str = ""  # the comment line it was read from ("": a header line)
    footer: bool = False  # written after the rows it names (np.savetxt's footer)

    @property
    def columns(self) -> list[int | None]:
        if self.order is not None:
            return self.order
        return [0, 1, 2, 3]  # the readers' order: a 4th cell, named or not, is L


# a number as float.hex() writes it: 0x1.8000000000000p-3 (exact: a binary fraction)
_HEX_FLOAT = re.compile(
    r"(?<![\w.])([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d{1,4})(?![\w.])"
)


def _hex_decimal(found: re.Match[str]) -> str:
    """The exact decimal of one hex float (every binary fraction ends in decimal)."""
    sign, whole, fraction, exponent = found.groups()
    fraction = fraction or ""
    digits = whole + fraction
    if not digits or len(digits) > 40:
        return found.group(0)  # the readers word it
    mantissa = int(digits, 16)
    power = int(exponent) - 4 * len(fraction)
    if mantissa == 0:
        return sign + "0"
    if power >= 0:
        value = Decimal(mantissa << power)
    else:
        scaled = mantissa * 5**-power  # the value is scaled·10^power
        while power < 0 and scaled % 10 == 0:
            scaled, power = scaled // 10, power + 1  # no trailing zeros
        value = Decimal(f"{scaled}E{power}")  # exact (no context)
    return sign + str(value)


def _hex_floats(line: str) -> str:
    """``line`` with every hex float (``float.hex()``) written as its exact decimal."""
    return _HEX_FLOAT.sub(_hex_decimal, line)


def _wrapped(line: str) -> str:
    from fdgui.core.calculator.schemes import _WRAPPED

    return _WRAPPED.sub(lambda found: found.group(1) or found.group(2), line)


def _cells(line: str) -> list[str] | None:
    """A data line's cells, empty ones kept where separators say so (tabs, semicolons,
    commas): columns are counted. None when the readers refuse the line as it is."""
    from fdgui.core.calculator.table_cells import _quoted_cells, _split_table_line

    if "(" in line:
        line = _wrapped(line)
    if '"' not in line:
        if "\t" in line or ";" in line:
            return [cell.strip().replace(",", ".") for cell in re.split(r"[;\t]", line)]
        if "," in line and " " not in line.strip():
            return [cell.strip() for cell in line.split(",")]
        cells, problem = _split_table_line(line)
    else:  # every quoted cell, an empty one ("") too: it is named
        cells, problem = _quoted_cells(line, keep=True)
    return None if problem else cells


def _header_line(line: str) -> list[str] | None:
    """The cells of ``line`` when it is a header (no cell a number), else None. Split as the
    readers split a line; a header whose names hold spaces beside its commas
    (``eps,loss(w - eps),loss(w + eps)``), which the readers refuse as ambiguous decimal
    commas, at its commas."""
    from fdgui.core.calculator.table_cells import _looks_numeric, _split_table_line

    cells, problem = _split_table_line(line)  # as the readers split it (quotes too)
    if problem:
        cells = [cell.strip() for cell in _header_cells(line)]
    if any(_looks_numeric(cell) for cell in cells):
        return None  # data (or a line the reader words)
    return cells


def _header(number: int, line: str, comment: str = "") -> _Header:
    order, problem, note = header_order(line)
    cells = _header_cells(line)
    named = sum(column_role(cell) not in (None, IGNORED) for cell in cells)
    return _Header(number, line, order, len(cells), problem, note, named, comment=comment)


# a comment's marker: # (numpy, Python, R), % (MATLAB, Octave), // (C-like)
_COMMENT_MARK = re.compile(r"(?:#+|%+|//+)")


def _commented_header(line: str) -> str | None:
    """The header a comment line (``line[0]`` is ``#``, ``%`` or ``/``) may hold: its text
    after the marker when its cells are names (no number) and name a column as a header
    after rows must (``_is_new_header``), else None. A ``#`` right before a separator is
    a cell (an index column's name: ``#,eps,L+,L-``)."""
    mark = _COMMENT_MARK.match(line)
    if mark is None or not _WORDY.search(line):
        return None
    body = line[mark.end() :]
    if line[0] == "#" and body[:1] in (",", ";", "\t"):
        body = line
    body = body.strip()
    words = _header_line(body) if body else None
    if words is None or not _is_new_header(words, None, True):
        return None
    return body


def _names_twice(body: str) -> bool:
    """Whether a comment's cells name one of ε, L+, L−, L twice (``# eps,L-,L+,L-``): a
    header gone wrong, never a title, whatever its number of cells (review13v: above 3-cell
    rows it was left a comment and the rows read by position, against its first names)."""
    roles = [role for role in header_roles(_header_cells(body)) if role not in (None, IGNORED)]
    return len(roles) != len(set(roles))


def _named_order(roles: list[str | None]) -> list[str]:
    """ε, L+, L− in the order ``roles`` first names them."""
    order: list[str] = []
    for role in roles:
        if role in _NAMES and role not in order:
            order.append(role)
    return order


def _without_sentences(
    pending: list[tuple[int, str, str]], own: _Header | None, count: int
) -> list[tuple[int, str, str]]:
    """``pending`` without its sentences that agree with the rows' reading (review15c M1):
    a comment with a word that names no column and another number of cells than the rows
    (``# done eps L+ L-`` after 3-cell rows) is no header of them, it is a note; it is left
    a comment when ε, L+, L− come in it in the order the rows are read in (their named
    header's, else the usable headers' among the comments, else by position). One that names
    them in another order is kept, and refuses the table as before: that is never guessed."""

    def sentence(body: str) -> bool:
        roles = header_roles(_header_cells(body))
        return len(roles) != count and any(role is None for role in roles)

    kept = [item for item in pending if not sentence(item[2])]
    if len(kept) == len(pending):
        return pending
    reading = own
    if reading is None:
        for number, line, body in reversed(kept):
            found = _header(number, body, comment=line)
            if not found.problem:
                reading = found
                break
    columns = reading.columns[:3] if reading is not None else [0, 1, 2]
    if None in columns:
        return pending
    read = [role for _, role in sorted(zip(columns, (EPSILON, PLUS, MINUS), strict=True))]
    agree = []
    for item in pending:
        if item in kept:
            agree.append(item)
            continue
        said = _named_order(header_roles(_header_cells(item[2])))
        if said != [role for role in read if role in said]:
            agree.append(item)  # another order: refused as before
    return agree


def _count(line: str, kind: int) -> int:
    """How many cells a data line has (``kind``: its plain count, 0 when not plain)."""
    if kind:
        return kind
    cells = _cells(line)
    return len(cells) if cells else 0


def _resolve_comments(
    pending: list[tuple[int, str, str]], header: _Header | None, data: bool, count: int
) -> tuple[_Header | None, str]:
    """The header for the rows that start now, given the comment lines since the last rows
    that may be headers (``pending``: number, line, its header text) and the header of
    these rows when one was written (``data`` False) or the one before (``data`` True);
    with a reason to refuse the table, or "" (review12t C1):

    - a comment that cannot be matched as a header, with as many cells as the row (it looks
      like the rows' header), refuses the table unless a header line that names columns is
      the rows' own: reading by position could swap L+ and L−, and that is never guessed;
    - comments that can be matched but name L+ and L− in other columns than each other, or
      than the rows' own header line, refuse the table;
    - else the last that can be matched is the header (a header line of these rows that
      names columns stays theirs)."""
    own = header if (header is not None and not data and header.named) else None
    pending = _without_sentences(pending, own, count)
    usable: list[_Header] = []
    for number, line, body in pending:
        found = _header(number, body, comment=line)
        if not found.problem:
            usable.append(found)
        elif own is None and (found.width == count or _names_twice(body)):
            why = f"({count} cells)" if found.width == count else "(it names a column twice)"
            return header, (
                f"line {number}: the comment {_shown(line)} looks like the header of the rows "
                f"after it {why}: {found.problem}"
            )
    if not usable:
        return header, ""
    chosen = usable[-1]
    for other in [*usable[:-1], *([own] if own else [])]:
        if other.columns[:3] != chosen.columns[:3]:
            first, second = sorted((other, chosen), key=lambda h: h.number)
            return header, (
                f"line {second.number}: {_shown(second.comment or second.line)} and line "
                f"{first.number}, {_shown(first.comment or first.line)}, name the columns "
                "in different orders, so which column is L+ (the loss at w + ε) and which L− "
                "cannot be told: keep the one that is right"
            )
    if own is not None:
        return header, ""
    return chosen, ""


def _row(header: _Header, number: int, cells: list[str]) -> tuple[str | None, str]:
    """(the row's cells in the readers' order, tab-separated; "") or (None, why not), or
    (None, "") for a row of a count of cells the readers refuse in their own words."""
    columns, count, width = header.columns, len(cells), header.width
    if header.order is None:
        width = max(width, 3)  # read by position: a title line of fewer cells names none
    loss = columns[3]
    if count not in (3, 4) and count != width:
        return None, ""  # the readers take no such row: they say so in their words
    if count > width:
        if not (count == 4 and width == 3 and loss in (None, 3)):
            return None, (
                f"{count} values under the header {_shown(header.line)} (line "
                f"{header.number}), which names {width} columns: the values beyond it are "
                "named by nothing, so which is which cannot be told"
            )
        loss = 3
        if header.order is not None:  # said where the header's order is not the readers'
            header.loss_by_place.append(number)
    for role, column in zip((EPSILON, PLUS, MINUS), columns[:3], strict=True):
        assert column is not None
        if column >= count:
            return None, (
                f"{count} value{'' if count == 1 else 's'} under the header "
                f"{_shown(header.line)} (line {header.number}): no {_NAMES[role]} (its "
                f"column {column + 1})"
            )
        if not cells[column]:
            return None, (
                f"{_NAMES[role]} is empty (column {column + 1} of the header "
                f"{_shown(header.line)}, line {header.number})"
            )
    chosen = [cells[column] for column in columns[:3] if column is not None]
    if loss is not None and loss < count and cells[loss]:
        chosen.append(cells[loss])
    return "\t".join(chosen), ""


def _arrange(
    header: _Header, index: int, cells: list[str], arranged: list[str], notes: list[str]
) -> None:
    """Line ``index`` (its ``cells``) in the readers' order, or a bad row with its reason."""
    row, problem = _row(header, index + 1, cells)
    if row is not None:
        header.rows += 1
        arranged[index] = row
    elif problem:
        notes.append(f"line {index + 1}: {problem}")
        arranged[index] = "#"


def _has_words(text: str) -> bool:
    """Whether ``text`` holds a letter other than an exponent's e (a header, a hex float, a
    word in a bad line): bytes deleted in C for ASCII text (a long table of numbers is
    passed in a few milliseconds)."""
    if text.isascii():
        rest = text.encode("ascii").translate(None, b"0123456789.eE+-,;\t \r\n\f\v")
        return re.search(rb"[A-Za-z]", rest) is not None
    return _WORDY.search(text) is not None


def _is_new_header(cells: list[str], header: _Header | None, data: bool) -> bool:
    """Whether a line of words is a header: before the first row any such line is (as the
    readers take it); after rows only one that names columns (two of ε, L+, L−, L, or one
    among three cells or more) — a stray word is a bad row, not a new order."""
    named = sum(column_role(cell) not in (None, IGNORED) for cell in cells)
    if not data:
        # a title before a header: the header that names columns wins
        return header is None or named > 0 or header.named == 0
    return named >= 2 or (named >= 1 and len(cells) >= 3)


def _comment_header(
    pending: list[tuple[int, str, str]],
    header: _Header | None,
    data: bool,
    count: int,
    notes: list[str],
) -> tuple[_Header | None, str]:
    """The header of the row that starts now after comment lines that may be headers
    (``_resolve_comments``; ``pending`` is emptied), the notes said when it is a new one
    after rows; or a reason to refuse the table."""
    found, problem = _resolve_comments(pending, header, data, count)
    pending.clear()
    if problem or found is header:
        return header, problem
    assert found is not None
    if data:
        notes += _notes(header)
        which = "a second header" if header else "a header after rows without one"
        notes.append(
            HeaderNote(
                f"line {found.number}: {which}, {_shown(found.comment)}: the rows after it "
                "are read in the order it names"
            )
        )
    return found, ""


def _is_comment(line: str) -> bool:
    from fdgui.core.calculator.schemes import is_comment

    return is_comment(line)


def _notes(header: _Header | None) -> list[str]:
    """What is said of a header once rows were read under it."""
    if header is None or not header.rows:
        return []
    notes = [f"line {header.number}: {header.note}"] if header.note else []
    if header.footer:
        notes.insert(
            0,
            f"line {header.number}: the comment {_shown(header.comment)} after the last row "
            "names the columns: read as the rows' header (a footer, as np.savetxt writes one)",
        )
    elif header.comment:
        notes.insert(
            0,
            f"line {header.number}: the comment {_shown(header.comment)} names the columns: "
            "read as the header (a header written as a comment, as np.savetxt writes one)",
        )
    if header.loss_by_place:
        lines = header.loss_by_place
        which = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}–{lines[-1]}"
        notes.append(
            f"line {header.number}: the header {_shown(header.line)} names 3 columns; the "
            f"4th value of {len(lines)} row{'' if len(lines) == 1 else 's'} ({which}) is "
            "read as L, the loss at w, by its place (name it in the header to be sure)"
        )
    return [HeaderNote(note) for note in notes]


def arrange_columns(text: str) -> tuple[str, str, list[str]]:
    """``text`` with every data line under a header in the order ε, L+, L−, L the header
    names (tab-separated; a line already so is kept as it is), the headers as comments;
    a reason when a header that rows follow cannot be matched ("" otherwise: the table is
    then not read at all); and the notes and bad rows, worded with their line numbers."""
    if "\ufeff" in text:  # a byte-order mark pasted with the text (review12t L2): no cell's
        text = text.replace("\ufeff", "")
    if not _has_words(text):
        return text, "", []  # numbers only: no header anywhere
    lines = text_lines(text)
    walked = _Walk(lines)
    problem = walked.run(None)
    if problem:
        return text, problem, []
    footer, problem = walked.footer()
    if problem:
        return text, problem, []
    if footer is not None:  # the table's only names come after its rows: read them so
        walked = _Walk(lines)
        problem = walked.run(footer)
        if problem:
            return text, problem, []
    return "\n".join(walked.arranged), "", walked.notes


class _Walk:
    """One pass over a table's lines, from a given header (None: from no header)."""

    def __init__(self, lines: list[str]) -> None:
        from fdgui.core.calculator.batch import plain_mask, separator_of

        self.stripped = list(map(str.strip, lines))
        self.arranged = list(lines)
        self.separator = separator_of(self.stripped)
        self.plain = plain_mask(self.stripped, self.separator)  # 3 or 4 plain cells, else 0
        sep = self.separator
        self.empty = (sep * 2, sep) if sep != " " else ()
        self.notes: list[str] = []
        self.header: _Header | None = None
        self.data = False  # a row was seen since the last header (or since the start)
        self.pending: list[tuple[int, str, str]] = []  # comments since the last row: headers?
        self.count = 0  # the cells of the last row

    def run(self, header: _Header | None) -> str:
        """Every line arranged; a reason to refuse the table, or ""."""
        self.header = header
        arranged, separator, empty = self.arranged, self.separator, self.empty
        for index, line in enumerate(self.stripped):
            kind = self.plain[index]
            if kind:  # numbers only (no header, no word), 3 or 4 cells: the common line
                problem = self._row_starts(kind)
                if problem:
                    return problem
                header = self.header
                if header is None:
                    continue
                if header.problem:
                    return f"line {header.number}: {header.problem}"
                if (
                    header.order is None
                    and kind == max(header.width, 3)
                    and not (empty and (empty[0] in line or empty[1] in (line[0], line[-1])))
                ):
                    header.rows += 1  # as many cells as the header, none empty: as it is
                    continue
                cells = line.split(separator) if separator != " " else line.split()
                _arrange(header, index, cells, arranged, self.notes)
                continue
            if not line:
                continue
            if _is_comment(line):
                body = _commented_header(line)
                if body is not None:
                    self.pending.append((index + 1, line, body))
                arranged[index] = "#"  # a comment to the readers, whatever its marker
                continue
            number = index + 1
            if "0x" in line or "0X" in line:  # values printed by float.hex(): their decimals
                line = arranged[index] = _hex_floats(line)
            words = _header_line(line) if _WORDY.search(line) else None
            if words is not None:
                if _is_new_header(words, self.header, self.data):
                    if self.data:
                        self.notes += _notes(self.header)
                        which = (
                            "a second header" if self.header else "a header after rows without one"
                        )
                        self.notes.append(
                            HeaderNote(
                                f"line {number}: {which}, {_shown(line)}: the rows after it "
                                "are read in the order it names"
                            )
                        )
                    self.header = _header(number, line)
                    arranged[index] = "#"
                    self.data = False
                continue  # a line of words that names no column: the readers word it
            problem = self._row_starts(_count(line, 0))
            if problem:
                return problem
            header = self.header
            if header is None:
                continue  # no header yet: read by position, as a table without one
            if header.problem:
                return f"line {header.number}: {header.problem}"
            cells = _cells(line)
            if cells is None:
                continue  # the readers say why
            if header.order is None and len(cells) == max(header.width, 3) and all(cells[:4]):
                header.rows += 1  # already in the readers' order
                continue
            _arrange(header, index, cells, arranged, self.notes)
        self.notes += _notes(self.header)
        return ""

    def _row_starts(self, count: int) -> str:
        """A row of ``count`` cells: the header a comment before it may be; a reason to
        refuse the table, or ""."""
        self.count = count
        if self.pending:  # a header in a comment before this row?
            self.header, problem = _comment_header(
                self.pending, self.header, self.data, count, self.notes
            )
            if problem:
                return problem
        self.data = True
        return ""

    def footer(self) -> tuple[_Header | None, str]:
        """Comments naming the columns after the last row (np.savetxt's ``footer``; review13v
        C1): with no header anywhere, the header to read the whole table by; one that names
        L+ and L− where the rows' own header does not, or cannot be matched but looks like
        the rows' header, is a reason to refuse; else (None, "")."""
        if not (self.pending and self.data):
            return None, ""
        own = self.header
        found, problem = _resolve_comments(self.pending, own, False, self.count)
        if problem or found is None or found is own:
            return None, problem  # refused, no footer, or one the rows' named header agrees with
        found.footer = True
        return found, ""


def by_line(problems: list[str]) -> list[str]:
    """``problems`` in the order of their lines ("line N: …"; others first), stable."""

    def line(problem: str) -> int:
        found = re.match(r"line (\d+)", problem)
        return int(found.group(1)) if found else 0

    return sorted(problems, key=line)
