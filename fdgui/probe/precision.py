"""The precision a probe's loss is computed in, learned from what it returns.

A probe may round its loss to float32 (``np.float32(...)``, a torch module in float32, a
``float()`` of a float32 tensor): its values then carry float32's round-off, and a check
that assumed float64 (ε ≈ 6e-6, tolerances of 1e-16·L) would call an honest gradient wrong.
The worker reports the dtype of what the loss returned where it has one; a Python ``float``
has none, so the values themselves are looked at too: float64 numbers that are all exactly
float32 (or float16, bfloat16) numbers — at several points where the loss is not a whole
number — came from that format (a float64 computation lands on a float32 number with
probability 2⁻²⁹ per value).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.numbers.precision import (
    COARSE_FORMATS,
    TELLING_VALUES,
    numpy_dtype,
    recommended_epsilon,
    unit_roundoff,
    values_format,
)

# looked for in this order, fewest significand bits first: every bfloat16 number within
# float16's range is also a float16 number, so float16 first would hide a bfloat16 loss
COARSE = COARSE_FORMATS
MIN_VALUES = TELLING_VALUES
# a loss that did not change at any probe point is judged from its one value: a non-integer
# that is exactly a coarse format's number with at least this many significant bits came
# from that format (0.5 or 2.25 could be float64 arithmetic on simple numbers: undecided)
MIN_BITS = 4
# the probe points' steps relative to max(1, |w|): the float64 check's own step first (the
# check evaluates there anyway), larger ones only while the loss has not changed enough to
# tell, up to float32's step (a bfloat16 loss may not change even there)
# (and, for a loss that has not changed at all yet, bfloat16's: a whole-number bfloat16 loss
# changes there, a float64 plateau either steps off it or stays the same and says nothing)
PROBE_SCALES = (
    recommended_epsilon("float64", 0.0),
    6e-5,
    6e-4,
    recommended_epsilon("float32", 0.0),
    recommended_epsilon("bfloat16", 0.0),
)
PROBE_TENSORS = 4  # tensors moved on their own (besides all of θ at once)


def coarser(first: str, second: str | None) -> str:
    """The one of two precisions with the larger unit round-off."""
    if not second:
        return first
    return second if unit_roundoff(second) > unit_roundoff(first) else first


def precision_of_values(values: np.ndarray) -> str:
    """'float16', 'bfloat16' or 'float32' when every value is exactly one of that format's
    numbers (and enough of them are not whole numbers to tell); else 'float64'."""
    return values_format(values)


def significant_bits(value: float) -> int:
    """How many significand bits a finite float64 number uses (0 for 0)."""
    if value == 0 or not np.isfinite(value):
        return 0
    mantissa, _ = np.frexp(abs(value))
    bits = round(float(mantissa) * 2.0**53)
    return 53 - ((bits & -bits).bit_length() - 1)


def precision_of_one(value: float) -> str | None:
    """The coarsest format a single non-integer loss value is exactly a number of (with at
    least MIN_BITS significant bits), else None (undecided)."""
    if not np.isfinite(value) or value == round(value) or significant_bits(value) < MIN_BITS:
        return None
    for name in COARSE:
        with np.errstate(over="ignore", invalid="ignore"):
            rounded = float(np.float64(value).astype(numpy_dtype(name)))
        if rounded == value:
            return name
    return None


def precision_of_all(values: list[float]) -> str | None:
    """The coarsest format every finite value is exactly a number of (integers included),
    else None. For a loss the probe steps never told (every value a whole number): a
    float16 or bfloat16 loss of a few hundred is a whole number at every point, and a ΔL
    of 0 or of whole numbers at every step must not be read as float64's. Only values that
    differ vote: a loss that does not change at all near θ0 (a hinge loss whose margins
    are all met, L = 0 exactly; a plateau at 7) cannot show its format, and is float64
    (None) — a coarse format would give it steps that leave the plateau and bars that miss
    its exact zero derivative."""
    array = np.asarray(values, dtype=np.float64)
    array = array[np.isfinite(array)]
    if array.size < MIN_VALUES + 2 or np.unique(array).size < 2:
        return None  # too few values, or the loss did not change: nothing to tell
    for name in COARSE:
        with np.errstate(over="ignore", invalid="ignore"):
            rounded = array.astype(numpy_dtype(name)).astype(np.float64)
        if np.array_equal(rounded, array):
            return name
    return None


def probe_points(theta: np.ndarray, offsets: list[int], scale: float) -> np.ndarray:
    """Points around θ: all of θ moved by ±scale·max(1, |w|) with fixed random signs, and
    up to PROBE_TENSORS tensors (spread over the list) moved alone. Moving every entry of a
    tensor changes the loss whenever any entry it uses is in it (an embedding table whose
    batch uses three rows), where a single entry may be one it never reads."""
    signs = np.where(np.random.default_rng(7).random(theta.size) < 0.5, -1.0, 1.0)
    move = scale * np.maximum(1.0, np.abs(theta)) * signs
    points = [theta + move, theta - move]
    count = len(offsets) - 1
    if count > 1:
        for position in sorted(set(np.linspace(0, count - 1, PROBE_TENSORS).astype(int))):
            point = theta.copy()
            start, stop = offsets[position], offsets[position + 1]
            point[start:stop] += move[start:stop]
            points.append(point)
    return np.array(points)


def decided(values: list[float]) -> str | None:
    """The precision the values tell, or None while too few distinct non-integers."""
    array = np.asarray(values, dtype=np.float64)
    array = array[np.isfinite(array)]
    telling = np.unique(array[array != np.round(array)])
    return precision_of_values(telling) if telling.size >= MIN_VALUES else None


# A reading coarser than float32 (or than the dtype the loss declared) from a few values is
# not trusted at once: near 0, where a float32 sum cancels, its values are small multiples of
# float32's spacing at the terms' size, so they have few significant bits and lie on the
# float16 and bfloat16 grids as well (review9j HIGH-2: L(θ0) = 0 by symmetry read as float16,
# ε 0.08, a 5 % bug passed). Such a reading must hold at every probe step, the largest too
# (the loss moves most there: a float32 value then needs more bits than float16 has), and
# FULL_VALUES distinct values must fill the coarse format's significand but for its last bit
# (a coarse format's own values mostly do; values near 0 from a finer format's cancellation
# mostly do not); against a declared dtype, one more. (A bfloat16 loss of about 3 read at
# every step gave 3 distinct values, 2 of them full: it must stay bfloat16.)
FULL_VALUES = 2


def _declared(reported: str | None) -> str | None:
    """The dtype a loss's results declared (the worker's ``loss_dtype``), None for float64
    or none: a float64 array may hold a float32 computation, its values then tell."""
    return reported if reported and reported != "float64" else None


def tentative(found: str | None, reported: str | None) -> bool:
    """Whether a value-based reading ``found`` needs the larger probe steps before it is
    trusted: coarser than float32, or than the dtype the loss declared."""
    if found is None:
        return False
    declared = _declared(reported)
    limit = unit_roundoff(declared) if declared else unit_roundoff("float32")
    return unit_roundoff(found) > limit


def held_to_the_end(found: str | None, reported: str | None) -> bool:
    """Whether a value-based reading ``found`` must hold at every probe step, the largest
    too, before it is trusted: any format coarser than float64 the loss's dtype does not
    declare. A float64 loss that is 0 at θ0 and cancels near it (Σt³ at a symmetric point)
    gives values that are a few multiples of float64's spacing at its terms' size: they
    have few significant bits and lie on float32's grid (review18p M1: read as float32, a
    1e-4 bug passed). At the largest step such a loss moves enough for a float64 value to
    need more bits than float32 has; a float32 loss's values stay float32's there."""
    if found is None or found == "float64":
        return False
    declared = _declared(reported)
    return declared is None or unit_roundoff(found) > unit_roundoff(declared)


def significand_bits(name: str) -> int:
    """Bits of a format's significand, the implicit one included (bfloat16 8, float16 11)."""
    return round(-float(np.log2(unit_roundoff(name))))


def confirmed(found: str, values: list[float], reported: str | None) -> str:
    """``found`` (a reading of ``values``) where the evidence is strong (see FULL_VALUES);
    else the declared dtype, or the finer format all those values are numbers of."""
    if not tentative(found, reported):
        return found
    array = np.asarray(values, dtype=np.float64)
    array = array[np.isfinite(array)]
    telling = np.unique(array[array != np.round(array)])
    reading = precision_of_values(telling) if telling.size >= MIN_VALUES else "float64"
    declared = _declared(reported)
    full = sum(significant_bits(float(v)) >= significand_bits(found) - 1 for v in telling)
    if reading == found and full >= FULL_VALUES + (1 if declared else 0):
        return found
    if declared:
        return declared
    for name in COARSE[COARSE.index(found) + 1 :] if found in COARSE else ():
        with np.errstate(over="ignore", invalid="ignore"):
            if np.array_equal(telling.astype(numpy_dtype(name)).astype(np.float64), telling):
                return name
    return "float64"
