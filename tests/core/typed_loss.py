"""L typed to the last place of L+ and L− at least: the calculator reads a typed L as any
value within half a unit of its own last digit, so an L typed shorter than L+ and L− (a
print's dropped zeros, or a rounded print) leaves the forward and backward differences that
±, and refutes only beyond it (rev21c C1). Tests that mean an exact L type it so."""

from __future__ import annotations

from decimal import Context, Decimal


def loss_text(value, *others: str) -> str:
    """``value`` (an mpmath or Decimal number, or its text) as text with at least as many
    decimals as every text in ``others``."""
    exact = Decimal(str(value)) if not isinstance(value, Decimal) else value
    places = max(-Decimal(text).as_tuple().exponent for text in others)
    if -exact.as_tuple().exponent >= places:
        return str(value)
    return str(exact.quantize(Decimal(1).scaleb(-places), context=Context(prec=200)))
