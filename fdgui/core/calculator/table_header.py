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
_EPSILON_NAMES = {
    "eps", "epsilon", "epsilons", "ε", "h", "step", "steps", "stepsize", "delta", "δ", "dx",
    "dw", "e", "perturbation", "dtheta", "dθ",
}  # fmt: skip
_LOSS_NAMES = {
    "l", "loss", "l0", "lw", "l(w)", "f", "fx", "f(x)", "f(w)", "value", "center", "f0",
    "loss0", "lossw", "l(w0)", "f(w0)", "f(x0)", "y0", "fw", "lossatw", "lcenter", "lc", "mid",
}  # fmt: skip
# L(x), loss(θ), f(w0): the loss at the point
_LOSS_AT_POINT = r"(l|loss|f|y)\((w|x|θ|theta|p|w0|x0|θ0)\)"
_INDEX_NAMES = {"", "index", "idx", "row", "unnamed:0", "#"}
_PLUS_WORDS = ("plus", "+")
_MINUS_WORDS = ("minus", "-")
# a cell's words that name the side of the step without a sign: alone (``left,right``,
# ``neg,pos``, ``L_lo,L_hi``) or after a loss's name (``loss_p``, ``Lfwd``: ``p``, ``m`` and
# the forward/backward words only so, the calculator's export has columns forward, backward
# of differences, not losses)
_PLUS_SIDE = {"pos", "positive", "hi", "high", "up", "upper", "right", "after", "next"}
_MINUS_SIDE = {"neg", "negative", "lo", "low", "down", "lower", "left", "before", "prev"}
_PLUS_AFTER_LOSS = {"p", "fwd", "forward", "fw"}
_MINUS_AFTER_LOSS = {"m", "bwd", "back", "backward", "bw", "bk"}
_LOSS_WORDS = ("loss", "l", "f", "y", "obj", "cost")


def _words(name: str) -> list[str]:
    """``name``'s words: split at what is not a letter or digit and where a lower-case
    letter meets a capital (``lossNeg``), lower-cased."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [word for word in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if word]


def _side(name: str) -> str | None:
    """L+ or L− for a name that says the side of the step in words (``_PLUS_SIDE``), None
    otherwise (no side, both, or a word beside it that is not a loss's: ``eps_lo``)."""
    sides: set[str] = set()  # said by a side word
    after: set[str] = set()  # said by a word that names a side only after a loss's name
    loss = False
    for word in _words(name):
        head = next((w for w in _LOSS_WORDS if word.startswith(w) and word != w), "")
        rest = word[len(head) :] if head else None  # Lfwd, lossp: a loss's name and a side
        if word in _PLUS_SIDE or word in _MINUS_SIDE:
            sides.add(PLUS if word in _PLUS_SIDE else MINUS)
        elif word in _PLUS_AFTER_LOSS or word in _MINUS_AFTER_LOSS:
            after.add(PLUS if word in _PLUS_AFTER_LOSS else MINUS)
        elif word in _LOSS_WORDS:
            loss = True
        elif rest in _PLUS_SIDE or rest in _PLUS_AFTER_LOSS:
            sides.add(PLUS)
            loss = True
        elif rest in _MINUS_SIDE or rest in _MINUS_AFTER_LOSS:
            sides.add(MINUS)
            loss = True
        else:
            return None  # eps_lo, grad_pos: not a loss
    if after and not loss:
        return None  # forward, backward: the calculator's differences
    found = sides | after
    return found.pop() if len(found) == 1 else None


def column_role(name: str) -> str | None:
    """What a header cell names: ε, L+, L−, L, an index to skip (""), or None (unknown)."""
    text = name.strip().strip("\"'").lower().replace("\u2212", "-").replace("\u2013", "-")
    text = re.sub(r"[\s_]", "", text)
    if re.fullmatch(r"[\d.,eE+-]*\d[\d.,eE+-]*", text):
        return None  # a number, however written (a line the readers word as data)
    if text in _INDEX_NAMES:
        return IGNORED
    if text in _EPSILON_NAMES:
        return EPSILON
    if text in _LOSS_NAMES or re.fullmatch(_LOSS_AT_POINT, text):
        return LOSS
    # L+, loss_plus, L(w+eps), f(x+h), Lp; L-, loss_minus, L(w-ε), Lm: the sign of the step
    # (said in words first: loss-plus; an exponent's sign is no step's: L(w+1e-3))
    plus, minus = "plus" in text, "minus" in text
    if plus == minus:
        inside = text.split("(", 1)[1] if "(" in text else text
        inside = re.sub(r"(\d\.?)e[+-]?\d", r"\1", inside)
        plus = any(word in inside for word in _PLUS_WORDS) or text in ("lp", "fp")
        minus = any(word in inside for word in _MINUS_WORDS) or text in ("lm", "fm")
    if plus != minus:
        return PLUS if plus else MINUS
    if plus:
        return None  # L+-
    return _side(name.strip().strip("\"'"))


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


# columns a table may carry beside the losses, worked out from them (the calculator's export
# adds central, forward, backward) or the point itself: left out without a word
_DERIVED = {
    "central", "forward", "backward", "grad", "gradient", "fd", "estimate", "derivative",
    "slope", "diff", "difference", "error", "err", "fdgrad", "w", "x", "θ", "theta", "w0",
    "x0", "point", "param", "parameter",
}  # fmt: skip


def _either(names: list[str]) -> str:
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _shown(line: str) -> str:
    text = line.strip()
    return f"“{text[:80]}{'…' if len(text) > 80 else ''}”"


def header_order(line: str) -> tuple[list[int | None] | None, str, str]:
    """For a header line: for each of ε, L+, L−, L the column it names (None for an absent
    L), or None to keep positions (they are where the readers look, or the header does not
    name ε, L+ and L− and nothing it names is out of place); a reason when the names cannot
    be matched; and a note when the columns are read by position though a header is there
    (it does not name them all), or a column it names in other words is left out."""
    cells = _header_cells(line)
    roles = [column_role(cell) for cell in cells]
    named = [role for role in roles if role]
    missing = [role for role in (EPSILON, PLUS, MINUS) if role not in named]
    doubled = sorted({role for role in named if named.count(role) > 1})
    in_place = all(role in (None, ORDER[column]) for column, role in enumerate(roles[:4]))
    if missing and not doubled and in_place and len(roles) <= len(ORDER):
        # no name the readers know is out of place: the positions are taken, and said (a
        # line of no names at all, "0.0.;.0", is no header to speak of)
        if not re.search(r"[^\W\d_]", line):
            return None, "", ""
        order = ", ".join(ORDER[: max(len(roles), 3)])
        note = (
            f"the header {_shown(line)} does not name {_either(missing)}: its columns "
            f"are read by position as {order} (name them eps,L+,L-,L to be sure)"
        )
        return None, "", note
    if doubled or missing:
        problems = []
        if missing:
            problems.append("it names no " + _either(missing))
        if doubled:
            problems.append("it names " + " and ".join(doubled) + " twice")
        return (
            None,
            (
                f"the header {_shown(line)} cannot be matched to the columns ε, L+, L− "
                f"and optionally L ({'; '.join(problems)}): name them so (for example "
                "eps,L+,L-,L) or remove the header to read the columns in that order"
            ),
            "",
        )
    order = [roles.index(role) if role in roles else None for role in ORDER]
    # columns of other names are left out (the calculator's own export adds central,
    # forward, backward: numbers computed from these; the explorer's export its errors);
    # where no column is L, one that could be it (no such known name) is said
    unknown = [
        cell.strip()
        for cell, role in zip(cells, roles, strict=True)
        if role is None and re.sub(r"[\s_]", "", cell.strip().lower()) not in _DERIVED
    ]
    note = ""
    if unknown and LOSS not in named:
        note = (
            f"the header {_shown(line)} names ε, L+ and L−; its column"
            f"{'s' if len(unknown) > 1 else ''} {', '.join(f'“{u[:20]}”' for u in unknown)} "
            f"{'are' if len(unknown) > 1 else 'is'} left out (name the loss at w L to read it)"
        )
    if order == [0, 1, 2, 3 if len(roles) > 3 else None] and len(roles) <= len(ORDER):
        return None, "", note  # already where the readers look
    return order, "", note


def _cells(line: str) -> list[str] | None:
    from fdgui.core.calculator.schemes import _split_table_line

    if "\t" in line or ";" in line:
        # empty cells keep their place (the readers drop them; here columns are counted)
        return [cell.strip().replace(",", ".") for cell in re.split(r"[;\t]", line)]
    if "," in line and " " not in line.strip():
        return [cell.strip() for cell in line.split(",")]
    cells, problem = _split_table_line(line)
    return None if problem else cells


def _header_line(line: str) -> list[str] | None:
    """The cells of ``line`` when it is a header (no cell a number), else None. Split as the
    readers split a line; a header whose names hold spaces beside its commas
    (``eps,loss(w - eps),loss(w + eps)``), which the readers refuse as ambiguous decimal
    commas, at its commas."""
    from fdgui.core.calculator.schemes import _looks_numeric, _split_table_line

    cells, problem = _split_table_line(line)  # as the readers split it (quotes too)
    if problem:
        cells = [cell.strip() for cell in _header_cells(line)]
    if any(_looks_numeric(cell) for cell in cells):
        return None  # data (or a line the reader words)
    return cells


def arrange_columns(text: str) -> tuple[str, str, str]:
    """``text`` with every data line's cells in the order ε, L+, L−, L its header names
    (tab-separated; unchanged when there is no header, or it names them in that order), a
    reason when the header's names cannot be matched ("" otherwise), and a note when its
    columns are read by position though it does not name them all (``header_order``). Lines
    keep their numbers (the header's as the readers read a header); a line whose cells do
    not fit the header is left for the reader to word."""
    lines = text_lines(text)
    for number, raw in enumerate(lines):
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        cells = _header_line(line)
        if cells is None:
            return text, "", ""  # data first: no header
        order, problem, note = header_order(line)
        where = f"line {number + 1}: "
        if problem:
            return text, where + problem, ""
        arranged = [*lines[:number], "\t".join(cells) or "#"]  # the header, read as one
        data = any(text.strip() and text.strip()[0] != "#" for text in lines[number + 1 :])
        note = where + note if note and data else ""  # no rows, no order to say
        if order is None:
            return "\n".join(arranged + lines[number + 1 :]), "", note
        width = len(_header_cells(line))
        for data in lines[number + 1 :]:
            stripped = data.strip()
            cells = _cells(stripped) if stripped and stripped[0] != "#" else None
            if cells is None or len(cells) != width:
                arranged.append(data)
                continue
            arranged.append("\t".join(cells[index] for index in order if index is not None))
        return "\n".join(arranged), "", note
    return text, "", ""
