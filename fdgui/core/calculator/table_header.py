"""A table's header names its columns: rows are read in the order it names.

A table of ε, L+, L−[, L] often starts with a line of column names. When those names say the
columns come in another order (``eps,L-,L+,L``; ``step,loss_minus,loss_plus``; pandas'
``to_csv`` with its index column first: ``,eps,L+,L-``; the calculator's own export, whose
fourth column is the central difference), reading the cells by position would swap L+ and L−
(a correct gradient then looks like its negative), read the index as ε or an estimate as L.
``arrange_columns`` puts every data line's cells in the order ε, L+, L−, L the readers
expect, or says why the header cannot be matched. A header whose names are none of these
(``a,b,c``) leaves the positions as they are, as before.
"""

from __future__ import annotations

import re

from fdgui.core.numbers.parsing import text_lines

EPSILON, PLUS, MINUS, LOSS, IGNORED = "ε", "L+", "L−", "L", ""
ORDER = (EPSILON, PLUS, MINUS, LOSS)
_EPSILON_NAMES = {"eps", "epsilon", "ε", "h", "step", "stepsize", "delta", "δ", "dx", "dw", "e"}
_LOSS_NAMES = {"l", "loss", "l0", "lw", "l(w)", "f", "fx", "f(x)", "f(w)", "value", "center"}
_INDEX_NAMES = {"", "index", "idx", "row", "unnamed:0", "#"}
_PLUS_WORDS = ("plus", "+")
_MINUS_WORDS = ("minus", "-")


def column_role(name: str) -> str | None:
    """What a header cell names: ε, L+, L−, L, an index to skip (""), or None (unknown)."""
    text = name.strip().strip("\"'").lower().replace("\u2212", "-").replace("\u2013", "-")
    text = re.sub(r"[\s_]", "", text)
    if text in _INDEX_NAMES:
        return IGNORED
    if text in _EPSILON_NAMES:
        return EPSILON
    if text in _LOSS_NAMES:
        return LOSS
    # L+, loss_plus, L(w+eps), f(x+h), Lp; L-, loss_minus, L(w-ε), Lm: the sign of the step
    inside = text.split("(", 1)[1] if "(" in text else text
    plus = any(word in inside for word in _PLUS_WORDS) or text in ("lp", "fp")
    minus = any(word in inside for word in _MINUS_WORDS) or text in ("lm", "fm")
    if plus != minus:
        return PLUS if plus else MINUS
    return None


def _header_cells(line: str) -> list[str]:
    """The header's cells, empty ones kept (pandas writes its index column's name empty)."""
    if '"' in line:
        import csv

        delimiter = "\t" if "\t" in line else ";" if ";" in line else "," if "," in line else " "
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    if "\t" in line or ";" in line:
        return re.split(r"[;\t]", line)
    if "," in line:
        return line.split(",")
    return line.split()


def header_order(line: str) -> tuple[list[int | None] | None, str]:
    """For a header line: for each of ε, L+, L−, L the column it names (None for an absent
    L), or None to keep positions (no cell names a role, or they name ε, L+, L−[, L] in that
    order); and a reason when the names cannot be matched."""
    cells = _header_cells(line)
    roles = [column_role(cell) for cell in cells]
    named = [role for role in roles if role]
    if not named:
        return None, ""  # not names of these columns: positions as before
    in_place = all(role in (None, ORDER[column]) for column, role in enumerate(roles[:4]))
    if in_place and len(roles) <= len(ORDER):
        return None, ""  # every name it knows is where the readers look: as before
    doubled = sorted({role for role in named if named.count(role) > 1})
    missing = [role for role in (EPSILON, PLUS, MINUS) if role not in named]
    if doubled or missing:
        problems = []
        if missing:
            problems.append("it names no " + " or ".join(missing))
        if doubled:
            problems.append("it names " + " and ".join(doubled) + " twice")
        return None, (
            f"the header “{line.strip()[:80]}” cannot be matched to the columns ε, L+, L− "
            f"and optionally L ({'; '.join(problems)}): name them so (for example "
            "eps,L+,L-,L) or remove the header to read the columns in that order"
        )
    # columns of other names (the calculator's own export adds central, forward, backward:
    # numbers computed from these) are left out
    return [roles.index(role) if role in roles else None for role in ORDER], ""


def _cells(line: str) -> list[str] | None:
    from fdgui.core.calculator.schemes import _split_table_line

    if "\t" in line or ";" in line:
        # empty cells keep their place (the readers drop them; here columns are counted)
        return [cell.strip().replace(",", ".") for cell in re.split(r"[;\t]", line)]
    if "," in line and " " not in line.strip():
        return [cell.strip() for cell in line.split(",")]
    cells, problem = _split_table_line(line)
    return None if problem else cells


def arrange_columns(text: str) -> tuple[str, str]:
    """``text`` with every data line's cells in the order ε, L+, L−, L its header names
    (tab-separated; unchanged when there is no header, or it names them in that order), and
    a reason when the header's names cannot be matched ("" otherwise). Lines keep their
    numbers; a line whose cells do not fit the header is left for the reader to word."""
    lines = text_lines(text)
    for number, raw in enumerate(lines):
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        from fdgui.core.calculator.schemes import _looks_numeric, _split_table_line

        cells, problem = _split_table_line(line)  # as the readers split it (quotes too)
        if problem or any(_looks_numeric(cell) for cell in cells):
            return text, ""  # data first (or a line the reader words): no header
        order, problem = header_order(line)
        if problem:
            return text, f"line {number + 1}: {problem}"
        if order is None:
            return text, ""
        arranged = lines[: number + 1]
        width = len(_header_cells(line))
        for data in lines[number + 1 :]:
            stripped = data.strip()
            cells = _cells(stripped) if stripped and stripped[0] != "#" else None
            if cells is None or len(cells) != width:
                arranged.append(data)
                continue
            arranged.append("\t".join(cells[index] for index in order if index is not None))
        return "\n".join(arranged), ""
    return text, ""
