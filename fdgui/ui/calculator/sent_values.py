"""What the calculator reads back from the ε explorer's sent rows and from saved states:
its trusted reference and bar, the allowance for a typed claim, the realised steps w ± ε
and the losses' unit round-off, each checked (a bad entry is None, never a guess). No Qt."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _reference(origin: Any) -> tuple[Decimal, Decimal] | None:
    """The explorer's trusted reference and its bar from its ``origin``, or None."""
    if not isinstance(origin, dict) or "reference" not in origin:
        return None
    return _pair((origin.get("reference"), origin.get("reference_error", "0")))


def _allowance(origin: Any) -> Decimal | None:
    """What the explorer allows a typed claim beyond its digits (``origin["allowance"]`` or a
    saved state's), a finite decimal ≥ 0, or None."""
    text = origin.get("allowance") if isinstance(origin, dict) else None
    if not isinstance(text, str):
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    return value if value.is_finite() and value >= 0 else None


def _pair(texts: Any) -> tuple[Decimal, Decimal] | None:
    """A saved reference: two finite decimals (value, bar ≥ 0), or None."""
    if texts is None:
        return None
    try:
        value, bar = (Decimal(str(text)) for text in texts)
    except (ArithmeticError, TypeError, ValueError):
        return None
    if not (value.is_finite() and bar.is_finite() and bar >= 0):
        return None
    return value, bar


def _steps(texts: Any) -> tuple[Decimal, Decimal] | None:
    """Two steps h+, h− > 0 (decimal texts or Decimals) that a float holds as normal numbers,
    or None when not two such numbers."""
    from fdgui.core.numbers.precision import float_normal

    if texts is None:
        return None
    try:
        plus, minus = (Decimal(str(text)) for text in texts)
    except (ArithmeticError, TypeError, ValueError):
        return None
    if not (float_normal(plus) and float_normal(minus)):  # positive, and a float holds them
        return None
    return plus, minus


def _saved_roundoff(saved: Any) -> tuple[Decimal | None, list[str]]:
    """A saved ``loss_roundoff`` (a decimal text, 0 < u < 1, a float's normal number) and the
    entry's name if bad."""
    from fdgui.core.numbers.precision import usable_roundoff

    if saved is None:
        return None, []
    try:
        value = Decimal(saved) if isinstance(saved, str) else None
    except ArithmeticError:
        value = None
    if value is None or not usable_roundoff(value):  # 1e-400: float() makes it 0
        return None, ["loss_roundoff"]
    return value, []
