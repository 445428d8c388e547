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

EPSILON, PLUS, MINUS, LOSS, IGNORED = "ε", "L+", "L−", "L", ""
ORDER = (EPSILON, PLUS, MINUS, LOSS)
_EPSILON_NAMES = {
    "eps", "epsilon", "epsilons", "ε", "h", "step", "steps", "stepsize", "delta", "δ", "dx",
    "dw", "e", "perturbation", "dtheta", "dθ",
}  # fmt: skip
_LOSS_NAMES = {
    "l", "loss", "l0", "lw", "l(w)", "f", "fx", "f(x)", "f(w)", "value", "center", "f0",
    "loss0", "lossw", "l(w0)", "f(w0)", "f(x0)", "y0", "fw", "lossatw", "lcenter", "lc", "mid",
    "cost", "j", "obj", "objective", "zero", "centre", "middle", "nominal", "base",
}  # fmt: skip
# L(x), loss(θ), J[w], f(w0): the loss at the point
_LOSS_AT_POINT = r"(l|loss|f|y|j|cost|obj)[(\[](w|x|θ|theta|p|w0|x0|θ0)[)\]]"
# f(x−h) written without signs: fxmh, fxph, fmh, Lph (the loss, the point, m or p, the step)
_SIDE_CODE = re.compile(
    r"(?:(?:f|l|loss|y|j|cost|obj)(?:x|w|θ|theta|x0|w0)?|x|w|θ|theta)(m|p)(?:h|e|eps|ε|δ|delta|dx|dw)"
)
# the signs as people type them: superscript, subscript, full-width, typographic
_SIGNS = str.maketrans({"\u207a": "+", "\u208a": "+", "\uff0b": "+", "\ufe62": "+",
                        "\u207b": "-", "\u208b": "-", "\uff0d": "-", "\ufe63": "-",
                        "\u2212": "-", "\u2013": "-"})  # fmt: skip
# the point's name before the step's sign inside L(…): w+(-eps) is a step down
_POINT_SIGNS = re.compile(r"(?:w|x|θ|theta|p|w0|x0|θ0)([-+()]+)")
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
    text = name.strip().strip("\"'").lower().translate(_SIGNS)
    text = re.sub(r"[\s_]", "", text)
    if re.fullmatch(r"[\d.,eE+-]*\d[\d.,eE+-]*", text):
        return None  # a number, however written (a line the readers word as data)
    if re.fullmatch(r"[-=+*~.]{2,}", text):
        return None  # a rule drawn under a header or between tables: ----, ====
    code = _SIDE_CODE.fullmatch(text)
    if code:
        return PLUS if code.group(1) == "p" else MINUS
    if text in _INDEX_NAMES:
        return IGNORED
    if text in _EPSILON_NAMES:
        return EPSILON
    if text in _LOSS_NAMES or re.fullmatch(_LOSS_AT_POINT, text):
        return LOSS
    # L+, loss_plus, L(w+eps), f(x+h), Lp; L-, loss_minus, L(w-ε), Lm: the sign of the step
    # (said in words first: loss-plus; an exponent's sign is no step's: L(w+1e-3))
    plus, minus = "plus" in text, "minus" in text
    if plus == minus and _hyphenated(text):
        return None  # hand-made, so-called: a word's hyphen, no step's sign (review18x M1)
    if plus == minus:
        inside = re.split(r"[(\[]", text, maxsplit=1)[1] if re.search(r"[(\[]", text) else text
        inside = re.sub(r"(\d\.?)e[+-]?\d", r"\1", inside)
        plus = any(word in inside for word in _PLUS_WORDS) or text in ("lp", "fp")
        minus = any(word in inside for word in _MINUS_WORDS) or text in ("lm", "fm")
        signs = _POINT_SIGNS.match(inside) if plus and minus and inside != text else None
        if signs:  # L(w+(-eps)), L(w-(-eps)): the signs multiply
            plus = signs.group(1).count("-") % 2 == 0
            minus = not plus
    if plus != minus:
        return PLUS if plus else MINUS
    if plus:
        return None  # L+-
    return _side(name.strip().strip("\"'"))


def _hyphenated(text: str) -> bool:
    """Whether ``text`` is two words of letters joined by a sign, neither a loss's, a
    point's or a step's name (``hand-made``; not ``loss-h``, ``lw-eps``)."""
    found = re.fullmatch(r"([a-z]{2,})[-+]([a-z]{2,})", text)
    if not found:
        return False
    names = _EPSILON_NAMES | _LOSS_NAMES | set(_LOSS_WORDS) | {"theta", "w0", "x0"}
    return not (found.group(1) in names or found.group(2) in names)


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


# words that name the two sides only as a pair, in a header that names them no other way:
# ``eps,backward,forward,loss`` (the calculator's export has forward, backward columns of
# differences beside L+ and L−: there they are no losses), ``eps,m,p``
_SIDE_PAIRS = (
    ({"forward", "fwd", "fw"}, {"backward", "bwd", "bw", "back"}),
    ({"p"}, {"m"}),
)
_SIDE_WORDS = _PLUS_SIDE | _MINUS_SIDE | _PLUS_AFTER_LOSS | _MINUS_AFTER_LOSS | {"plus", "minus"}


def _name(cell: str) -> str:
    return re.sub(r"[\s_]", "", cell.strip().strip("\"'").lower())


def _stem(cell: str) -> str:
    """A side's name without its side: ``y_minus`` → ``y``, ``J(w+eps)`` → ``j``."""
    head = re.split(r"[(\[]", cell.strip().strip("\"'"), maxsplit=1)[0]
    return "".join(word for word in _words(head) if word not in _SIDE_WORDS)


def header_roles(cells: list[str]) -> list[str | None]:
    """What each header cell names (``column_role``), read with the others: a pair of side
    words (forward/backward, m/p) where nothing else names a side; the loss at w by the
    sides' own name (``y`` beside ``y_minus``, ``y_plus``)."""
    roles = [column_role(cell) for cell in cells]
    names = [_name(cell) for cell in cells]
    unknown = [i for i, role in enumerate(roles) if role is None]
    if PLUS not in roles and MINUS not in roles:
        estimates = any(names[i] in _DERIVED - {"forward", "backward"} for i in unknown)
        for plus_words, minus_words in _SIDE_PAIRS:
            plus = [i for i in unknown if names[i] in plus_words]
            minus = [i for i in unknown if names[i] in minus_words]
            if len(plus) == 1 and len(minus) == 1 and not (estimates and "p" not in plus_words):
                roles[plus[0]], roles[minus[0]] = PLUS, MINUS
                break
    if LOSS not in roles and PLUS in roles and MINUS in roles:
        stem = _stem(cells[roles.index(PLUS)])
        same = [i for i, role in enumerate(roles) if role is None and names[i] == stem]
        if stem and stem == _stem(cells[roles.index(MINUS)]) and len(same) == 1:
            roles[same[0]] = LOSS
    return roles


def _enumerates(first: str, second: str) -> bool:
    """Whether two names only count columns (``a,b``; ``f1,f2``; ``lossA,lossB``; ``v0,v1``)
    and so say nothing of which is L+ and which L−."""
    a, b = _name(first), _name(second)
    digits_a, digits_b = re.fullmatch(r"(.*?)(\d+)", a), re.fullmatch(r"(.*?)(\d+)", b)
    if digits_a and digits_b:
        same = digits_a.group(1) == digits_b.group(1)
        return same and int(digits_a.group(2)) < int(digits_b.group(2))
    return (
        len(a) == len(b) > 0
        and a[:-1] == b[:-1]
        and a[-1].isalpha()
        and b[-1].isalpha()
        and ord(b[-1]) == ord(a[-1]) + 1
    )


def _says_no_side(line: str, cells: list[str], roles: list[str | None]) -> bool:
    """Whether a header that names neither L+ nor L− says nothing of them: the columns where
    the readers look for them are absent or only counted (``a,b,c``; ``h,f1,f2``), or the
    line names nothing at all and is no list of columns (a title: ``My run``)."""
    if len(cells) < 3 or _enumerates(cells[1], cells[2]):
        return True
    return not any(roles) and not re.search(r"[,;\t]", line)


def _unsaid_side(line: str, cells: list[str], roles: list[str | None], missing: list[str]) -> str:
    """Why a header does not say which column is L+ and which L− (never guessed: a swap
    makes a correct gradient look wrong), or "": it names both; or names neither and says
    nothing of them (``_says_no_side``); or names one, and one column of unknown name is
    left for the other."""
    sides = [role for role in (PLUS, MINUS) if role in missing]
    unknown = [
        cell.strip()[:20]
        for cell, role in zip(cells, roles, strict=True)
        if role is None and _name(cell) not in _DERIVED
    ]
    if not sides or (len(sides) == 1 and len(unknown) <= 1):
        return ""
    if len(sides) == 2 and _says_no_side(line, cells, roles):
        return ""
    which = (
        "which column is L+ (the loss at w + ε) and which L− (the loss at w − ε)"
        if len(sides) == 2
        else f"which column is {sides[0]}"
    )
    shown = ", ".join(f"“{cell}”" for cell in unknown) or "its columns"
    return (
        f"the header {_shown(line)} does not say {which}: {shown} "
        f"{'are' if len(unknown) > 1 else 'is'} no name the reader knows, and guessing "
        "could swap them (a correct gradient would look wrong). Name them (for example "
        "eps,L+,L-,L) or remove the header to read the columns by position as ε, L+, L−, L"
    )


def header_order(line: str) -> tuple[list[int | None] | None, str, str]:
    """For a header line: for each of ε, L+, L−, L the column it names (None for an absent
    L), or None to keep positions (they are where the readers look, or the header does not
    name ε, L+ and L− and nothing it names is out of place); a reason when the names cannot
    be matched (or do not say which column is L+ and which L−: that is never guessed); and
    a note when the columns are read by position though a header is there (it does not name
    them all), or one it names in other words is left out."""
    cells = _header_cells(line)
    roles = header_roles(cells)
    named = [role for role in roles if role]
    missing = [role for role in (EPSILON, PLUS, MINUS) if role not in named]
    doubled = sorted({role for role in named if named.count(role) > 1})
    in_place = all(role in (None, ORDER[column]) for column, role in enumerate(roles[:4]))
    problem = "" if doubled else _unsaid_side(line, cells, roles, missing)
    if problem:
        return None, problem, ""
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
        if role is None and _name(cell) not in _DERIVED
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
