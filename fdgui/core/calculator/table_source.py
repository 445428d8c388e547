"""The format a table's losses came from, read from the losses themselves.

A loss computed in float32 and written with ``repr(float(loss))`` looks like float64 digits
(0.3466911315917969), but every such value is exactly a float32 number, and its round-off is
float32's: 2^29 times the float64 ± a row would otherwise get. A bfloat16 loss printed by
ml_dtypes (``1.01562``, six digits), by numpy's shortest repr (``0.8125``) or with ``%.5g``
is no float64 number either: its digits are those of a bfloat16 number, rounded for print.
Read as float64, such rows look far more precise than they are (a false "wrong" is then one
coincidence away: review10m CRITICAL-1).

When the person does not say which format the losses came from, ``read_format`` finds the
coarsest binary format every loss *fits*: some number of that format lies within half a
unit of the loss's last printed digit (whatever the digits: repr, shortest repr, %.Ng,
round(v, N)). A loss of a finer format (or of float64) fits by chance with the probability
2h/spacing (h: half its printed unit; spacing: the format's between neighbours there), so a
table whose losses all fit while that product is below CHANCE is that format's (``sure``).
Short digits fit by chance (0.375 is a bfloat16 number too): the reading then widens to
the coarsest format they fit and says it cannot tell — unless that format's round-off is
below a NEGLIGIBLE share of every loss's printed unit (it would change no ±: 0.85005 fits
float32), when the losses stay float64 digits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: the losses name a format for sure when a finer format's (or float64's) losses would all
#: fit it by chance less often than this
CHANCE = 1e-6
#: a format whose round-off u·|L| stays below this share of every loss's half printed unit
#: adds nothing a reading would notice: the digits' ± already holds it
NEGLIGIBLE = 0.25
#: coarsest first: of two formats that hold every loss the coarser round-off is the one that
#: may apply (bfloat16's numbers are float16 numbers too in float16's range)
CANDIDATES = ("bfloat16", "float16", "float32")
#: (fraction bits, smallest normal exponent) of each candidate
_BITS = {"bfloat16": (7, -126), "float16": (10, -14), "float32": (23, -126)}


@dataclass(frozen=True)
class FormatReading:
    """What the losses say about their format: ``dtype`` (None: float64 digits), ``sure``
    (False: short digits fit it by chance too; read as it to stay safe), ``chance`` (how
    often losses of a finer format would all fit it by chance)."""

    dtype: str | None
    sure: bool = False
    chance: float = 1.0


def _loss_values(rows: Sequence[Any]) -> list:
    return [
        value
        for row in rows
        for value in (row.loss_plus, row.loss_minus, row.loss)
        if value is not None and value.is_finite() and value != 0
    ]


def _half_units(losses: list) -> np.ndarray:
    """Half a unit in each loss's last printed digit (0.8125: 5e-5; 1.0: 0.05)."""
    return np.array([0.5 * 10.0 ** value.as_tuple().exponent for value in losses], dtype=float)


def _fit(values: np.ndarray, halves: np.ndarray, name: str) -> tuple[bool, float, np.ndarray]:
    """(whether every value lies within its half unit of a ``name`` number, the log10 of
    the chance a finer format's values would all do so, each value's nearest such number)."""
    from fdgui.core.numbers.precision import numpy_dtype

    with np.errstate(over="ignore", invalid="ignore"):
        nearest = values.astype(numpy_dtype(name)).astype(np.float64)
    if not np.all(np.isfinite(nearest)):
        return False, 0.0, nearest  # beyond the format's range
    # the decimal → float64 conversion and the difference each round once (a tie printed
    # by round-half-even, 1.01562 for 1.015625, sits exactly half a unit away)
    slack = 4.0 * np.spacing(np.abs(values)) + 1e-9 * halves
    if not np.all(np.abs(nearest - values) <= halves + slack):
        return False, 0.0, nearest
    bits, lowest = _BITS[name]
    magnitude = np.abs(nearest)
    exponent = np.floor(np.log2(np.where(magnitude > 0, magnitude, 1.0)))
    exponent = np.where(magnitude > 0, np.maximum(exponent, lowest), lowest)
    spacing = np.ldexp(1.0, (exponent - bits).astype(int))
    _, index = np.unique(values, return_index=True)  # a repeated loss is one coincidence
    chance = np.minimum(1.0, 2.0 * halves[index] / spacing[index])
    return True, float(np.sum(np.log10(chance))), nearest


def read_format(rows: Sequence[Any]) -> FormatReading:
    """The coarsest of bfloat16, float16, float32 every finite nonzero loss of ``rows``
    (Inputs) fits (``_fit``), sure or not; FormatReading(None) when none does, or when the
    format it is would add nothing to the digits' ± (NEGLIGIBLE)."""
    losses = _loss_values(rows)
    if not losses:
        return FormatReading(None)
    values = np.array([float(value) for value in losses], dtype=float)
    halves = _half_units(losses)
    finite = np.isfinite(values) & np.isfinite(halves) & (halves > 0)
    if not np.any(finite):  # 1e400 fits no format (and is read as no number)
        return FormatReading(None)
    values, halves = values[finite], halves[finite]
    from fdgui.core.numbers.precision import unit_roundoff

    for name in CANDIDATES:
        fits, chance, _ = _fit(values, halves, name)
        if not fits:
            continue
        if chance <= math.log10(CHANCE):
            return FormatReading(name, sure=True, chance=10.0**chance)
        with np.errstate(all="ignore"):
            share = unit_roundoff(name) * np.abs(values) / halves
        if np.max(share) < NEGLIGIBLE:
            return FormatReading(None)  # the digits' ± holds the format's round-off
        return FormatReading(name, sure=False, chance=10.0**chance)
    return FormatReading(None)


def narrowest_format(rows: Sequence[Any]) -> str | None:
    """float32, float16 or bfloat16 when every loss of ``rows`` (Inputs) fits that format's
    numbers (``read_format``); None otherwise (float64 digits)."""
    return read_format(rows).dtype


def format_words(reading: FormatReading) -> str:
    """Why the losses are read as ``reading.dtype`` (empty for float64)."""
    found = reading.dtype
    if found is None:
        return ""
    if reading.sure:
        return (
            f"every loss in it is a {found} number (as written, or rounded to its printed "
            f"digits): read as {found} losses, each ± its round-off"
        )
    return (
        f"every loss in it fits a {found} number within its printed digits, too few digits "
        f"to tell which format the losses came from: read as {found} losses (the coarsest "
        "they fit), each ± its round-off"
    )


def untold_format(rows: Sequence[Any], chosen: str | None) -> tuple[str | None, str]:
    """The window's import: (the format to read ``rows``' losses as, and a note saying why)
    when no format was ``chosen`` (None, or the float64 default) and the losses fit a
    narrower format's numbers; (None, "") otherwise."""
    if chosen not in (None, "float64"):
        return None, ""
    reading = read_format(rows)
    if reading.dtype is None:
        return None, ""
    words = format_words(reading)
    return reading.dtype, (
        words[0].upper() + words[1:] + " (choose float64 as the losses' format to override)."
    )
