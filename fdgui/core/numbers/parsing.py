"""Typed text to exact numbers, with errors a person can read.

Numbers stay ``decimal.Decimal`` so that 0.85005 − 0.84995 is exactly 0.0001: the calculator
reports what the typed digits say, not what binary floating point makes of them.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from fdgui.core.errors import InputError

# Characters people paste as a minus sign: Unicode minus, en dash, figure dash, small and
# full-width hyphen-minus.
_MINUS_SIGNS = str.maketrans(
    {"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-", "\uff0b": "+"}
)

MINUS_SIGNS = _MINUS_SIGNS  # the same signs in an expression (models/expression.py)

_MAX_CHARACTERS = 200
_FLOAT_MAX = Decimal("1.7976931348623157e308")
_FLOAT_TINY = Decimal("4.9406564584124654e-324")  # smallest (subnormal) float64
_MAX_EXPONENT = 400  # a zero's typed last place beyond 1e±400 says nothing about a float

# Exact enough for every operation the calculator does on typed decimals.
CONTEXT = decimal.Context(prec=60, Emax=999_999, Emin=-999_999, traps=[decimal.InvalidOperation])


def normalise_text(text: str) -> str:
    """Strip spaces and map the minus signs people paste (−, –) to ASCII."""
    if text.isascii() and " " not in text:  # the common case, fast for long pasted tables
        return text.strip()
    return text.strip().translate(_MINUS_SIGNS).replace(" ", "").replace("\u00a0", "")


def parse_number(
    text: str | None,
    field: str,
    *,
    positive: bool = False,
    required: bool = True,
) -> Decimal | None:
    """Parse one typed number exactly.

    Accepts ``1e-4``, ``1E-4``, ``+0.5``, surrounding spaces and Unicode minus signs.
    Refuses empty text (unless ``required`` is False, then returns None), words, ``nan``,
    ``inf``, numbers beyond float64's range, and, with ``positive``, anything ≤ 0.
    Raises only InputError.
    """
    if text is None or not text.strip():
        if required:
            raise InputError(field, "enter a number")
        return None
    cleaned = normalise_text(text)
    if len(cleaned) > _MAX_CHARACTERS:
        raise InputError(field, f"too long ({len(cleaned)} characters); enter a plain number")
    try:
        value = Decimal(cleaned)
    except (decimal.InvalidOperation, ValueError):
        raise InputError(field, f"“{shorten(text.strip())}” is not a number") from None
    if value.is_nan():
        raise InputError(field, "NaN is not a value a loss or step can take")
    if value.is_infinite():
        raise InputError(field, "infinity cannot be used; enter a finite number")
    # compared without any arithmetic: abs() would round in the thread's decimal context and
    # raise decimal.Overflow for an exponent beyond ±999999 (1e1000000)
    magnitude = value.copy_abs()
    if magnitude > _FLOAT_MAX:
        raise InputError(
            field,
            f"“{shorten(cleaned)}” is too large: beyond the range of 64-bit floating point "
            "(≈1.8e308)",
        )
    if value != 0 and magnitude < _FLOAT_TINY:
        raise InputError(
            field,
            f"“{shorten(cleaned)}” is too small: below the smallest 64-bit float (≈4.9e-324)",
        )
    if value == 0:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent > _MAX_EXPONENT:
            # 0e1000000: a zero whose last typed place is far beyond any float
            raise InputError(field, f"“{shorten(cleaned)}”: enter zero as 0")
        value = Decimal(0) if exponent < -_MAX_EXPONENT else value
    if positive and value <= 0:
        raise InputError(field, f"“{shorten(cleaned)}” must be greater than zero")
    return value


def typed_precision(value: Decimal) -> tuple[int, Decimal]:
    """Significant digits typed and half a unit in the last typed place.

    ``0.85005`` has 5 significant digits; its last typed place is 1e-5, so the typed value
    stands for anything within ±5e-6.
    """
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    stripped = list(digits)
    while len(stripped) > 1 and stripped[0] == 0:
        stripped.pop(0)
    significant = len(stripped)
    half_unit = CONTEXT.multiply(Decimal(5), Decimal(1).scaleb(exponent - 1, CONTEXT))
    return significant, half_unit


def shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


LONGEST_MESSAGE = 300  # characters of one error line: a pasted page is not echoed back


def _visible(character: str) -> str:
    if character.isprintable():
        return character
    code = ord(character)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def visible(message: str) -> str:
    """``message`` with control and invisible characters (ESC, a BOM) shown escaped; line
    breaks kept: for the window's labels and status line."""
    return "\n".join(
        "".join(_visible(c) if c != "\t" else " " for c in line) for line in message.split("\n")
    )


def one_line(message: str, limit: int = LONGEST_MESSAGE) -> str:
    """A message on one line, shortened in the middle when a long value was echoed in it;
    control and invisible characters echoed from input (ESC, a BOM) are shown escaped, so a
    typed value can never move the cursor or clear a terminal."""
    text = "".join(_visible(character) for character in " ".join(message.split()))
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-keep:]}"


def text_lines(text: str) -> list[str]:
    """``text``'s lines, broken only at \\n, \\r\\n and \\r, the line ends files and clipboards
    use (``str.splitlines`` also breaks at \\v, \\f, \\x1c–\\x1e, \\x85, U+2028 and U+2029,
    which would number lines unlike the file and split a row in two: those characters stay
    in the line, where a cell holding one is refused). A final line end ends the last line.

    str's own loops, not a regular expression: ``re.split`` over a 12 MB table held the
    interpreter 0.7 s in one call, which a window waiting for it could not interrupt."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
