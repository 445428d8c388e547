"""Measured rows as a Model: no loss function, only the (ε, L, L+, L−) a person typed."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, overload

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


_NAMES = MeasuredRow._fields
_MAKE = partial(tuple.__new__, MeasuredRow)  # a row from a tuple, with no Python call


class RowColumns(Sequence[MeasuredRow]):
    """Measured rows kept as four columns (tuples of ε, L, L+, L−), read as a sequence of
    ``MeasuredRow``. A table of 100,000 rows is then four objects, not 100,000 rows for the
    cycle collector to look at: made in a worker, a row object each cost the window 40-80 ms
    of collection on its own thread (the collector runs there, see ``fdgui.ui.gc_guard``)."""

    __slots__ = ("epsilon", "loss", "loss_minus", "loss_plus")

    def __init__(
        self,
        epsilon: Sequence[Decimal],
        loss: Sequence[Decimal | None],
        loss_plus: Sequence[Decimal],
        loss_minus: Sequence[Decimal],
    ) -> None:
        self.epsilon = tuple(epsilon)
        self.loss = tuple(loss)
        self.loss_plus = tuple(loss_plus)
        self.loss_minus = tuple(loss_minus)
        if not len(self.epsilon) == len(self.loss) == len(self.loss_plus) == len(self.loss_minus):
            raise ValueError("the columns of measured rows differ in length")
        if len(self.epsilon) >= BULK_ROWS:
            # four new containers of a reference per row: while young, every pass of the
            # collector over the youngest generation walks each reference (the GUI thread's
            # passes, fdgui.ui.gc_guard: 80-180 ms for the eight of a 100,000-row sweep).
            # Set aside at once (gc.freeze: no pass, any thread), as long-lived objects are
            gc.freeze()

    @classmethod
    def of(cls, rows: Sequence[Any]) -> RowColumns:
        """From rows with fields epsilon, loss, loss_plus, loss_minus (a piece at a time:
        each C-level call short, so the window's thread gets the interpreter between)."""
        if isinstance(rows, RowColumns):
            return rows
        rows = rows if isinstance(rows, (list, tuple)) else list(rows)
        columns: tuple[list, ...] = ([], [], [], [])
        for start in range(0, len(rows), _PIECE):
            piece = rows[start : start + _PIECE]
            for column, name in zip(columns, _NAMES, strict=True):
                column.extend(map(attrgetter(name), piece))
        return cls(*columns)

    def columns(self) -> tuple[tuple, ...]:
        return (self.epsilon, self.loss, self.loss_plus, self.loss_minus)

    def column(self, name: str) -> tuple:
        """One field of every row, in order."""
        if name not in _NAMES:
            raise KeyError(name)
        return getattr(self, name)  # type: ignore[no-any-return]

    def take(self, order: Sequence[int]) -> RowColumns:
        """The rows at ``order``, in that order."""
        if len(order) == 0:
            return RowColumns((), (), (), ())
        if len(order) == 1:
            return RowColumns(*((column[int(order[0])],) for column in self.columns()))
        pick = itemgetter(*(int(index) for index in order))
        return RowColumns(*(pick(column) for column in self.columns()))

    def __len__(self) -> int:
        return len(self.epsilon)

    @overload
    def __getitem__(self, index: int) -> MeasuredRow: ...

    @overload
    def __getitem__(self, index: slice) -> RowColumns: ...

    def __getitem__(self, index: int | slice) -> MeasuredRow | RowColumns:
        if isinstance(index, slice):
            return RowColumns(*(column[index] for column in self.columns()))
        return _MAKE(tuple(column[index] for column in self.columns()))

    def __iter__(self) -> Iterator[MeasuredRow]:
        return map(_MAKE, zip(*self.columns(), strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowColumns):
            return self.columns() == other.columns()
        if isinstance(other, (list, tuple)):
            return len(other) == len(self) and all(
                tuple(mine) == tuple(theirs) for mine, theirs in zip(self, other, strict=True)
            )
        return NotImplemented

    def __hash__(self) -> int:
        # a piece at a time: one hash of 100,000 values is one call of ~20 ms in C, which no
        # other thread (the window's) can interrupt
        return hash(
            tuple(
                hash(column[start : start + _PIECE])
                for column in self.columns()
                for start in range(0, len(column), _PIECE)
            )
        )

    def __repr__(self) -> str:
        return f"RowColumns({len(self)} rows)"


class RowsKey:
    """The rows in a cache key, hashed once: a key is looked up several times per sweep
    (100,000 frozen rows hashed in Python took 0.3 s per hash)."""

    __slots__ = ("_hash", "rows")

    def __init__(self, rows: RowColumns) -> None:
        self.rows = rows
        self._hash = hash(rows)

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

    def __init__(self, rows: Sequence[MeasuredRow], reference: Any = None) -> None:
        self.rows = RowColumns.of(rows)
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
        # the reference as typed: "0.7648" and "0.76480" claim different digits
        return ("measured", self._key, None if self.reference is None else str(self.reference))

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


_PIECE = 4096  # values per C-level call (see RowColumns)
BULK_ROWS = 10_000  # rows from which RowColumns sets its columns aside from the collector


def _usable_step(epsilon: Decimal | None) -> bool:
    return epsilon is not None and epsilon > 0


def measured_model(rows: Sequence[Any], reference: Any = None) -> MeasuredModel:
    """Rows with fields epsilon, loss, loss_plus, loss_minus (the calculator's Measurement);
    rows without a positive ε are left out. ``reference``: the backprop gradient (a Decimal
    as typed, whose last digit is part of its claim, or a float)."""
    made = RowColumns.of(rows)
    steps = made.epsilon
    # the usual case in C: every ε present and positive
    if None in steps or (steps and min(steps) <= 0):
        made = made.take([i for i, ok in enumerate(map(_usable_step, steps)) if ok])
    kept = made
    if not kept:
        raise InputError(
            "rows", "no measured rows yet: calculate in the calculator, each ε adds a row"
        )
    return MeasuredModel(kept, reference)
