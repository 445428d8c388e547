"""The format a table's losses came from, read from the losses themselves.

A loss computed in float32 and written with ``repr(float(loss))`` looks like float64 digits
(0.3466911315917969), but every such value is exactly a float32 number, and its round-off is
float32's: 2^29 times the float64 ± a row would otherwise get. Read as float64, such rows
look far more precise than they are (a false "wrong" is then one coincidence away). When
the person does not say which format the losses came from, ``narrowest_format`` finds the
narrowest binary format that holds every loss exactly — unless the losses look typed (few
digits: 0.25 is a float16 number too), where nothing can be read from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

#: fewer rows than this say nothing about the format (a coincidence is too likely)
MIN_ROWS = 3
#: a value holds this many significant digits or more when it was written from a binary
#: format with repr (float32 widened to float64 prints 8-17); typed decimals hold fewer
WRITTEN_DIGITS = 8


def _significant_digits(value: Decimal) -> int:
    digits = value.normalize().as_tuple().digits
    return len(digits)


def _exact_in(values: np.ndarray, dtype: Any) -> bool:
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(values.astype(dtype).astype(np.float64) == values))


def narrowest_format(rows: Sequence[Any]) -> str | None:
    """float32, float16 or bfloat16 when every loss of ``rows`` (Inputs) is exactly a number
    of that format and most were written with a binary format's digits; None otherwise
    (float64, or typed digits)."""
    losses = [
        value
        for row in rows
        for value in (row.loss_plus, row.loss_minus, row.loss)
        if value is not None and value.is_finite() and value != 0
    ]
    if len(rows) < MIN_ROWS or not losses:
        return None
    written = sum(_significant_digits(value) >= WRITTEN_DIGITS for value in losses)
    if 2 * written < len(losses):
        return None  # typed decimals: a short decimal fits many formats by chance
    values = np.array([float(value) for value in losses])
    if not np.all(np.isfinite(values)) or not _exact_in(values, np.float32):
        return None
    import ml_dtypes

    # bfloat16 first: its numbers (8 bits) are float16 numbers too in float16's range, and
    # of two formats that hold every loss the coarser round-off is the one that may apply
    if _exact_in(values, ml_dtypes.bfloat16):
        return "bfloat16"
    if _exact_in(values, np.float16):
        return "float16"
    return "float32"


def untold_format(rows: Sequence[Any], chosen: str) -> tuple[str | None, str]:
    """The window's import: (the format to read ``rows``' losses as, and a note saying why)
    when the format ``chosen`` is still the untold default float64 and the losses are a
    narrower format's numbers; (None, "") otherwise."""
    found = narrowest_format(rows) if chosen == "float64" else None
    if found is None:
        return None, ""
    return found, (
        f"Every loss in it is exactly a {found} number: read as {found} losses, each ± its "
        "round-off (choose float64 as the losses' format to override)."
    )
