"""Measured rows as a Model: no loss function, only the (ε, L, L+, L−) a person typed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase, TensorInfo


class MeasuredRow(NamedTuple):
    """One typed measurement: ε and the losses at w, w + ε, w − ε (L may be missing). A
    tuple: made, hashed and compared in C (100,000 rows as frozen dataclasses took ~0.2 s
    of Python in the sweep's worker, which the window then waited on to paint)."""

    epsilon: Decimal
    loss: Decimal | None
    loss_plus: Decimal
    loss_minus: Decimal


class RowsKey:
    """The rows in a cache key, hashed once: a frozen row hashes in Python, and a key is
    looked up several times per sweep (100,000 rows took 0.3 s per hash)."""

    __slots__ = ("_hash", "rows")

    def __init__(self, rows: tuple[MeasuredRow, ...]) -> None:
        self.rows = rows
        # a piece at a time: one hash of 100,000 rows is one call of ~20 ms in C, which no
        # other thread (the window's) can interrupt
        self._hash = hash(tuple(hash(rows[i : i + _PIECE]) for i in range(0, len(rows), _PIECE)))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RowsKey):
            return NotImplemented
        return self.rows is other.rows or (self._hash == other._hash and self.rows == other.rows)


class MeasuredModel(ModelBase):
    """A table of measurements of one parameter, optionally with a typed backprop value.

    It cannot be evaluated anywhere else (``evaluable`` is False): the sweep uses its rows,
    estimates computed exactly from the typed decimals.
    """

    kind = "measured"
    gradient_method = "backprop"
    gradient_note = "typed"
    gradient_error: float | None = None

    def __init__(self, rows: Sequence[MeasuredRow], reference: float | None = None) -> None:
        self.rows = tuple(rows)
        self.reference = reference
        self._key: RowsKey | None = None

    @property
    def label(self) -> str:
        return f"{len(self.rows)} measured row{'s' if len(self.rows) != 1 else ''}"

    @property
    def tensors(self) -> tuple[TensorInfo, ...]:
        return (TensorInfo("w", ()),)

    @property
    def dtypes(self) -> tuple[str, ...]:
        return ()

    @property
    def evaluable(self) -> bool:
        return False

    @property
    def smooth(self) -> bool:
        return False

    @property
    def has_gradient(self) -> bool:
        return self.reference is not None

    @property
    def cache_key(self) -> Any:
        if self._key is None:
            self._key = RowsKey(self.rows)
        return ("measured", self._key, self.reference)

    def theta0(self) -> np.ndarray:
        return np.array([np.nan])

    def loss(self, theta: np.ndarray, dtype: str = "float64") -> float:
        raise InputError("rows", "measured rows cannot be evaluated at a new point")

    def gradient(self, theta: np.ndarray | None = None) -> np.ndarray:
        if self.reference is None:
            return super().gradient(theta)
        return np.array([float(self.reference)])

    def measurements(self) -> Sequence[MeasuredRow]:
        return self.rows


_PIECE = 4096  # rows per C-level call (see RowsKey)
_FIELDS = attrgetter(*MeasuredRow._fields)
_MAKE = partial(tuple.__new__, MeasuredRow)  # MeasuredRow from a tuple, with no Python call


def measured_model(rows: Sequence[Any], reference: float | None = None) -> MeasuredModel:
    """Rows with fields epsilon, loss, loss_plus, loss_minus (the calculator's Measurement)."""
    made: list[MeasuredRow] = []
    rows = list(rows)
    for start in range(0, len(rows), _PIECE):
        made.extend(map(_MAKE, map(_FIELDS, rows[start : start + _PIECE])))
    kept = tuple(row for row in made if row.epsilon is not None and row.epsilon > 0)
    if not kept:
        raise InputError(
            "rows", "no measured rows yet: calculate in the calculator, each ε adds a row"
        )
    return MeasuredModel(kept, reference)
