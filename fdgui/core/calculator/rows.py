"""Facts about one history row that the table and the plot both show: its ± and whether
every digit cancelled (L+ = L−), so the two views flag the same rows."""

from __future__ import annotations

from decimal import Decimal

from fdgui.core.calculator.schemes import Inputs, Measurement, estimate


def is_cancelled(row: Measurement) -> bool:
    """L+ = L−: the central difference is 0 because every digit cancelled, not because the
    gradient is 0 (a larger ε, or more digits, would show it)."""
    return row.loss_plus == row.loss_minus


def central_uncertainty(row: Measurement) -> Decimal:
    """The ± on the row's central gradient from half a unit in the last typed digit of L+ and
    L− (the same ± the calculator shows for those inputs)."""
    inputs = Inputs(row.loss_plus, row.loss_minus, row.epsilon, row.loss)
    return estimate(inputs).uncertainty


CANCELLED_NOTE = (
    "L+ = L−: every digit cancelled, so the central difference is 0 whatever the gradient is. "
    "Use a larger ε or type more digits of the losses."
)
