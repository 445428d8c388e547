"""The measured sweep's rows as arrays, worked out a column at a time (decimal's C operations
over pieces of rows, so a worker does not hold the interpreter for a Python loop per row),
give bit for bit what the row-by-row rule gives."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core.models.measured import MeasuredRow, measured_model
from fdgui.core.sweep import measured


def _digit_unit(value: Decimal | None) -> float:
    if value is None or not value.is_finite():
        return 0.0
    return 0.5 * 10.0 ** int(value.as_tuple().exponent)


def _by_row(rows: list, u: float) -> tuple[np.ndarray, ...]:
    """The rule as first written: one row at a time."""
    epsilons = np.array([float(r.epsilon) for r in rows])
    plus = np.array([float(r.loss_plus) for r in rows])
    minus = np.array([float(r.loss_minus) for r in rows])
    losses = np.array([np.nan if r.loss is None else float(r.loss) for r in rows])
    up = np.array([u * abs(float(r.loss_plus)) + _digit_unit(r.loss_plus) for r in rows])
    um = np.array([u * abs(float(r.loss_minus)) + _digit_unit(r.loss_minus) for r in rows])
    central = np.array([float((r.loss_plus - r.loss_minus) / (2 * r.epsilon)) for r in rows])
    forward = np.array(
        [np.nan if r.loss is None else float((r.loss_plus - r.loss) / r.epsilon) for r in rows]
    )
    backward = np.array(
        [np.nan if r.loss is None else float((r.loss - r.loss_minus) / r.epsilon) for r in rows]
    )
    vanished = np.array(
        [r.loss_plus == r.loss_minus and r.loss in (None, r.loss_plus) for r in rows]
    )
    noise = (up + um) / (2.0 * epsilons) + measured._stored_rounding(central)
    return epsilons, plus, minus, losses, central, forward, backward, vanished, noise


_decimals = st.builds(
    lambda digits, exponent, sign: Decimal(f"{sign}{digits}e{exponent}"),
    st.integers(0, 10**20),
    st.integers(-30, 5),
    st.sampled_from(["", "-"]),
)
_steps = st.builds(
    lambda digits, exponent: Decimal(f"{digits}e{exponent}"),
    st.integers(1, 10**6),
    st.integers(-20, 0),
)


@st.composite
def _rows(draw) -> list[MeasuredRow]:
    count = draw(st.integers(1, 40))
    rows = []
    for _ in range(count):
        plus = draw(_decimals)
        minus = draw(st.one_of(_decimals, st.just(plus)))  # some steps change nothing
        loss = draw(st.one_of(st.none(), _decimals, st.just(plus)))
        rows.append(MeasuredRow(draw(_steps), loss, plus, minus))
    return rows


@settings(max_examples=300, deadline=None)
@given(rows=_rows(), u=st.sampled_from([0.0, 2.0**-53, 2.0**-24, 2.0**-11, 2.0**-8]))
def test_the_columns_are_the_rows_rule_bit_for_bit(rows, u):
    ordered = measured._sorted_by_epsilon(measured_model(rows).rows)
    for got, want in zip(measured._row_arrays(ordered, u)[:9], _by_row(ordered, u), strict=True):
        assert got.dtype == want.dtype or got.dtype.kind == want.dtype.kind
        np.testing.assert_array_equal(got, want)


def test_pieces_join_exactly(monkeypatch):
    """Rows across the borders of the pieces (3 rows per piece here)."""
    monkeypatch.setattr(measured, "_PIECE", 3)
    rows = [
        MeasuredRow(
            Decimal(f"1e-{k % 9 + 1}"),
            None if k % 4 == 0 else Decimal(f"0.{k}5"),
            Decimal(f"0.{k}51"),
            Decimal(f"0.{k}49"),
        )
        for k in range(1, 20)
    ]
    ordered = measured._sorted_by_epsilon(rows)
    u = 2.0**-53
    for got, want in zip(measured._row_arrays(ordered, u)[:9], _by_row(ordered, u), strict=True):
        np.testing.assert_array_equal(got, want)
