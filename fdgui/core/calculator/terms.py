"""What a loss computed in a binary format may carry beyond its own rounding: its terms'.

A loss computed in float16 is not its exact value rounded once: exp(w) − 1 − w at 0.3 rounds
exp(w) ≈ 1.35 and keeps that rounding, 27 units of |L| (review11c C1); log(1 + x²) for a
small x rounds 1 + x², a unit of 1 where L is x²; 3·sin(w) − 2·w near −1.5 rounds two terms
near 3 to a loss of 0.06. One row cannot measure this (a table of rows can:
``sweep.row_scatter``), so the calculator allows each such loss TERM_ROUNDINGS roundings of
the larger of its own size and 1 (terms of order one: a probability, 1 + x, a logit). A loss
whose terms are larger still, and cancel, can still mislead the one row. The allowance only
keeps a disagreement from being called wrong (``verdicts.compare``'s refutation, which asks
twice the losses' ± and this): it never confirms anything. (The grid the losses lie on,
``sweep.row_quantum``, is no guide with three values: 2.25 and 0.75 lie on 0.5 by chance.)
"""

from __future__ import annotations

from decimal import Decimal

from fdgui.core.calculator.rounding import EXACT

TERM_ROUNDINGS = 2  # roundings of a term of the loss's own size (or 1) each loss may carry


def term_rounding(
    roundoff: Decimal | None, plus: Decimal, minus: Decimal, loss: Decimal | None
) -> Decimal:
    """What each loss may be off by from its terms' rounding (0 for typed decimals):
    TERM_ROUNDINGS·u·max(|L+|, |L−|, |L|, 1)."""
    if roundoff is None:
        return Decimal(0)
    sizes = [value.copy_abs() for value in (plus, minus, loss) if value is not None]
    return EXACT.multiply(EXACT.multiply(TERM_ROUNDINGS, roundoff), max([*sizes, Decimal(1)]))
