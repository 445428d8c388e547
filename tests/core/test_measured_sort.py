"""Measured rows are ordered by ε exactly as ``sorted(rows, key=ε)`` orders them, though the
sweep sorts the floats with numpy (a sort of Decimals holds the GIL and stalls the window)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core.models.measured import MeasuredRow
from fdgui.core.sweep.measured import _sorted_by_epsilon


def _Row(epsilon: Decimal, tag: int) -> MeasuredRow:
    """A row whose L is its tag: where it lands says whether the sort was stable."""
    return MeasuredRow(epsilon, Decimal(tag), Decimal(1), Decimal(0))


# decimals that differ but round to one float, repeated values, and values far apart
_EPSILONS = st.sampled_from(
    [
        Decimal("0.1"),
        Decimal("0.1000000000000000000001"),
        Decimal("0.09999999999999999999999"),
        Decimal("1e-8"),
        Decimal("3.7e-4"),
        Decimal("2"),
    ]
) | st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("10"), places=14)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_EPSILONS, max_size=40))
def test_rows_are_ordered_as_the_exact_stable_sort_orders_them(epsilons):
    rows = [_Row(epsilon, tag) for tag, epsilon in enumerate(epsilons)]
    assert list(_sorted_by_epsilon(rows)) == sorted(rows, key=lambda row: row.epsilon)


def test_decimals_that_share_a_float_are_still_ordered_exactly():
    big, small = Decimal("0.1000000000000000000001"), Decimal("0.1")
    assert float(big) == float(small)
    rows = [_Row(big, 0), _Row(small, 1)]
    assert [row.loss for row in _sorted_by_epsilon(rows)] == [1, 0]
