"""The one number formatter: how numbers become text.

Every report, the CLI, Copy, the window's labels and the engines' messages take their number
formats from here, so one value reads the same everywhere (it sits with the numbers, at the
bottom of the core, so that every layer may use it). Floats come from the engines
(binary64), decimals from the calculator's typed text (exact):

- ``shortest``: the shortest text that reads back as the same float (round trip, ``repr``).
- ``significant``: ``digits`` significant figures (``%g``), for tables and sentences.
- ``scientific``: always with an exponent (``2.1e-06``), for error bars.
- ``decimal_display`` / ``decimal_full`` / ``decimal_exact``: a typed decimal rounded for the
  window, to 20 figures for Copy and JSON, or every typed digit.
- ``ratio``: a relative error or other ratio (``4.0e-4``, ``0.6``).
- ``with_uncertainty``: ``0.5 ± 0.05``; ``uncertainty``: every ± (``0.052``, ``5e-5``,
  ``2e13``), by the window's rule with two figures; ``display_with_uncertainty``: a value
  with no more digits than its ± warrants (``−0.131 ± 0.052``), at most TABLE_DIGITS.
- ``byte_size`` / ``duration``: memory and time for people.
- ``json_number``: a float for JSON, None where JSON has no number (NaN, ±inf, missing).

The window's rule (one for every panel): tables and labels show ``display`` (the shortest
digits that identify the value, at most ``TABLE_DIGITS`` significant), hover and Copy show
``full`` (every digit needed to get the same number back), and every ε is written by
``epsilon`` (``1e-4``, ``2.2e-6``, ``0.05``).
"""

from __future__ import annotations

import math
from decimal import Decimal

from fdgui.core.numbers.parsing import CONTEXT

DISPLAY_DIGITS = 10  # significant digits of the calculator's exact decimals in sentences
TABLE_DIGITS = 7  # at most this many significant digits in the window's tables and labels
EPSILON_DIGITS = 3  # an ε is a step size: three figures say all there is to say
FULL_DIGITS = 20  # significant digits in Copy, CLI and JSON (exact whenever the value is shorter)
MISSING = "—"  # a value that is not there (or not a finite number) in sentences and labels
_PLAIN_LOW, _PLAIN_HIGH = Decimal("1e-6"), Decimal("1e12")  # plain notation in between
_TABLE_PLAIN = (Decimal("1e-4"), Decimal("1e7"))  # in tables and labels: short plain numbers


def shortest(value: float | None, missing: str = "nan") -> str:
    """The shortest text that reads back as the same float: ``0.1``, ``1e-08``, ``inf``.

    ``missing`` for None and NaN (``"nan"`` by default, as ``repr`` writes it).
    """
    if value is None or math.isnan(value):
        return missing
    return repr(float(value))


def significant(
    value: float | None, digits: int = 3, *, missing: str = MISSING, infinite: str | None = None
) -> str:
    """``value`` to ``digits`` significant figures (``%g``): ``0.333``, ``1.5e-08``.

    ``missing`` for None and NaN, and for ±inf unless ``infinite`` names them.
    """
    if value is None or math.isnan(value):
        return missing
    if math.isinf(value):
        return missing if infinite is None else infinite
    return f"{value:.{digits}g}"


def scientific(value: float | None, digits: int = 2, *, missing: str = MISSING) -> str:
    """``value`` in scientific notation with ``digits`` significant figures: ``2.1e-06``."""
    if value is None or math.isnan(value):
        return missing
    return f"{value:.{max(digits, 1) - 1}e}"


def fixed(value: float | None, decimals: int = 1, *, missing: str = MISSING) -> str:
    """``value`` with ``decimals`` digits after the point: ``15.9``, ``42%`` (decimals 0)."""
    if value is None or math.isnan(value):
        return missing
    return f"{value:.{decimals}f}"


def decimal_display(
    value: Decimal | None,
    digits: int = DISPLAY_DIGITS,
    plain: tuple[Decimal, Decimal] = (_PLAIN_LOW, _PLAIN_HIGH),
) -> str:
    """A decimal as a person reads it: exact when short, else rounded to ``digits`` figures.

    Plain notation between 1e-6 and 1e12, scientific outside; ``—`` for a missing value.
    """
    if value is None:
        return MISSING
    if value == 0:
        return "0"
    rounded = value
    if len(value.normalize(CONTEXT).as_tuple().digits) > digits:
        exponent = value.adjusted() - digits + 1
        rounded = value.quantize(Decimal(1).scaleb(exponent), context=CONTEXT)
    rounded = rounded.normalize(CONTEXT)
    if plain[0] <= abs(rounded) < plain[1]:
        return f"{rounded:f}"
    mantissa, _, exponent_text = f"{rounded:e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent_text)}"


def decimal_full(value: Decimal | None) -> str:
    """Up to 20 significant digits: exact for every value the calculator gets from typed text."""
    return decimal_display(value, FULL_DIGITS)


def decimal_exact(value: Decimal | None) -> str:
    """Every digit of a value as typed, trailing zeros included (they say how precise the
    number is); never rounded. For echoing inputs and saving them."""
    if value is None:
        return MISSING
    if value == 0 or _PLAIN_LOW <= abs(value) < _PLAIN_HIGH:
        return f"{value:f}"
    mantissa, _, exponent = f"{value:e}".partition("e")
    return f"{mantissa}e{int(exponent)}"


def ratio(value: float | Decimal | None, digits: int = 2) -> str:
    """A relative error or other ratio: ``4.0e-4``, ``0.6``, ``2``."""
    if value is None:
        return MISSING
    value = float(value)
    if value == 0:
        return "0"
    if not math.isfinite(value):  # no exponent to write
        return MISSING if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if 0.01 <= abs(value) < 100:
        return f"{value:.{digits}g}"
    mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
    return f"{mantissa}e{int(exponent)}"


def with_uncertainty(value: Decimal | None, error: Decimal | None) -> str:
    """``0.5 ± 0.05``; just the value when there is no ± to show."""
    if value is None:
        return MISSING
    if error is None or error == 0:
        return decimal_display(value)
    return f"{decimal_display(value)} ± {uncertainty(error)}"


def uncertainty(value: float | Decimal | None) -> str:
    """Every ± the same way: two figures by the window's rule (``0.052``, ``5e-5``, ``2e13``)."""
    return display(value, 2)


def display_with_uncertainty(value: float | Decimal | None, error: float | Decimal | None) -> str:
    """``−0.131 ± 0.052``: the value to the ±'s second figure (never more than
    ``TABLE_DIGITS``, at least one), the ± by ``uncertainty``; just ``display`` without a ±."""
    if value is None:
        return MISSING
    if error is None or error == 0 or not math.isfinite(float(error)):
        return display(value)
    value_d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not value_d.is_finite():
        return display(value)
    error_d = error if isinstance(error, Decimal) else Decimal(repr(float(error)))
    digits = TABLE_DIGITS
    if value_d != 0:
        digits = min(TABLE_DIGITS, max(1, value_d.adjusted() - abs(error_d).adjusted() + 2))
    return f"{display(value_d, digits)} ± {uncertainty(error)}"


def display(value: float | Decimal | None, digits: int = TABLE_DIGITS) -> str:
    """A number in a table or label: the shortest digits that identify it, rounded to at
    most ``digits`` significant figures; plain between 1e-6 and 1e12, else ``1.5e-8``."""
    if value is None:
        return MISSING
    if isinstance(value, Decimal):
        return decimal_display(value, digits, _TABLE_PLAIN)
    value = float(value)
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return decimal_display(Decimal(repr(value)), digits, _TABLE_PLAIN)


def full(value: float | Decimal | None) -> str:
    """Every digit needed to read the same number back: for hover texts and Copy."""
    if value is None:
        return MISSING
    if isinstance(value, Decimal):
        return decimal_full(value)
    value = float(value)
    if not math.isfinite(value):
        return shortest(value, MISSING)
    return decimal_display(Decimal(repr(value)), FULL_DIGITS)


def epsilon(value: float | Decimal | None) -> str:
    """An ε, the same way everywhere: ``1e-4``, ``2.22e-6``, ``0.05``, ``1``.

    A float (a grid point, a recommendation) gets three figures; a typed decimal keeps the
    digits that identify it, up to TABLE_DIGITS (``1.000001e-3``, never a rounded ``1e-3``).
    """
    if value is None:
        return MISSING
    digits = EPSILON_DIGITS
    if isinstance(value, Decimal) and value.is_finite() and value != 0:
        typed = len(value.normalize(CONTEXT).as_tuple().digits)
        digits = min(TABLE_DIGITS, max(EPSILON_DIGITS, typed))
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        return significant(value, digits)
    text = f"{value:.{digits}g}"
    if 1e-2 <= abs(value) < 1e4 and "e" not in text:
        return text
    mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def power_of_ten(value: float) -> str:
    """``1e-4`` for 0.0001: band limits read the same everywhere."""
    return f"1e{round(math.log10(value))}"


def byte_size(count: float) -> str:
    """``512 bytes``, ``1.5 KB``, ``3.2 GB`` (powers of 1024)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if count < 1024 or unit == "PB":
            return f"{count:,.0f} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1024
    return f"{count:.1f} PB"  # pragma: no cover - the loop always returns


def duration(seconds: float) -> str:
    """``< 1 ms``, ``250 ms``, ``4.2 s``, ``3.5 min``, ``5.0 h``, ``47 days``; ``…`` while
    unknown (not finite). A plan of a huge θ0 reads in days, not "67285.3 min"."""
    if not math.isfinite(seconds):
        return "…"
    if seconds < 1e-3:
        return "< 1 ms"
    if seconds < 1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.1f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def json_number(value: float | None) -> float | None:
    """A float JSON can hold: None for missing, NaN and ±inf (strict JSON has neither)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
