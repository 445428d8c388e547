"""Facts about floating-point formats that decide how small ε can usefully be.

Every number here follows from the unit round-off u of a format (half the gap between 1 and
the next representable number): round-off in a loss of size |L| is about u·|L|, so a
difference quotient over ε carries round-off error about u·|L|/ε, while truncation error
grows like ε (one-sided) or ε² (central). Balancing the two gives the recommended ε.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

DtypeName = Literal["float64", "float32", "float16", "bfloat16"]
DTYPE_NAMES: tuple[DtypeName, ...] = ("float64", "float32", "float16", "bfloat16")
Scheme = Literal["central", "forward", "backward"]


@dataclass(frozen=True)
class FormatFacts:
    """What a floating-point format can resolve."""

    name: DtypeName
    mantissa_bits: int  # stored fraction bits + the implicit leading bit
    unit_roundoff: float  # u = 2^-mantissa_bits
    significant_digits: float  # about -log10(u)


_BITS: dict[str, int] = {"float64": 53, "float32": 24, "float16": 11, "bfloat16": 8}


def check_dtype_name(name: str) -> DtypeName:
    """Return ``name`` if it is a supported format, else raise ValueError naming the choices."""
    if name not in _BITS:
        raise ValueError(f"unknown dtype {name!r}; choose one of {', '.join(DTYPE_NAMES)}")
    return name  # type: ignore[return-value]


def facts(name: str) -> FormatFacts:
    """The unit round-off and resolvable digits of a format."""
    name = check_dtype_name(name)
    bits = _BITS[name]
    u = 2.0**-bits
    return FormatFacts(name, bits, u, -math.log10(u))


def unit_roundoff(name: str) -> float:
    """u for the format: 2^-53 (float64), 2^-24 (float32), 2^-11 (float16), 2^-8 (bfloat16)."""
    return facts(name).unit_roundoff


def numpy_dtype(name: str) -> np.dtype:
    """The numpy dtype for a format; bfloat16 comes from ml_dtypes, imported only when asked."""
    name = check_dtype_name(name)
    if name == "bfloat16":
        import ml_dtypes  # a numpy extension dtype; lazy so the calculator never pays for it

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def recommended_epsilon(name: str, w: float = 0.0, scheme: Scheme = "central") -> float:
    """Rule-of-thumb ε: u^(1/3)·max(1,|w|) for central, u^(1/2)·max(1,|w|) one-sided."""
    u = unit_roundoff(name)
    scale = max(1.0, abs(float(w)))
    power = 1.0 / 3.0 if scheme == "central" else 0.5
    return u**power * scale


def roundoff_floor(name: str, loss: float, epsilon: float | np.ndarray) -> float | np.ndarray:
    """Round-off error of a difference quotient: about u·|L|/ε."""
    return unit_roundoff(name) * abs(float(loss)) / np.asarray(epsilon, dtype=float)


def subnormal_gap(name: str, unit: float = 1.0) -> float:
    """The format's smallest subnormal: a loss below the smallest normal number rounds to a
    multiple of it, so it is off by up to half of it (float64 cannot hold that half), not by
    u·|L|; 0 for a source that is not one of the four formats, or exact digits (``unit`` 0)."""
    if not unit or name not in DTYPE_NAMES:
        return 0.0
    import ml_dtypes  # its finfo knows all four formats

    return float(ml_dtypes.finfo(numpy_dtype(name)).smallest_subnormal)


def smallest_normal(name: str) -> float:
    """The smallest positive normal number of the format (float16 6.1e-5)."""
    import ml_dtypes  # its finfo knows all four formats

    return float(ml_dtypes.finfo(numpy_dtype(name)).smallest_normal)


def perturbation_vanishes(w: float, epsilon: float | np.ndarray, name: str) -> bool | np.ndarray:
    """True where w+ε and w−ε, formed in the format, both round back to w itself."""
    dtype = numpy_dtype(name)
    w_cast = np.asarray(w, dtype=np.float64).astype(dtype)
    eps_cast = np.asarray(epsilon, dtype=np.float64).astype(dtype)
    plus = (w_cast + eps_cast).astype(dtype)
    minus = (w_cast - eps_cast).astype(dtype)
    result = (plus == w_cast) & (minus == w_cast)
    return bool(result) if np.ndim(result) == 0 else result


def spacing_at(w: float, name: str) -> float:
    """The gap between w and the next representable number of the format (one ulp)."""
    dtype = numpy_dtype(name)
    w_cast = np.asarray(abs(w), dtype=np.float64).astype(dtype)
    if name == "bfloat16":
        import ml_dtypes  # np.finfo refuses the extension dtype; ml_dtypes has its own

        # ml_dtypes has no nextafter: the gap is 2^(exponent - 8) for normal numbers (8
        # significant bits) and the smallest subnormal below the smallest normal number
        smallest_subnormal = float(ml_dtypes.finfo(dtype).smallest_subnormal)
        value = float(w_cast)
        if value == 0.0:
            return smallest_subnormal
        return max(2.0 ** (math.frexp(value)[1] - 8), smallest_subnormal)
    with np.errstate(over="ignore"):  # the largest finite number's spacing is inf
        return float(np.spacing(w_cast))


def largest_finite(name: str) -> float:
    """The largest finite number of the format (65504 for float16, about 3.4e38 for bfloat16)."""
    name = check_dtype_name(name)
    if name == "bfloat16":
        import ml_dtypes

        return float(ml_dtypes.finfo(numpy_dtype(name)).max)
    return float(np.finfo(numpy_dtype(name)).max)


SMALLEST_EPSILON = 1e-307  # a sweep's smallest ε may not go below this (about the smallest normal)
LARGEST_EPSILON = 1e6  # ... nor its largest above this


def default_epsilon_min(name: str, w: float | None = None, epsilon_max: float = 1.0) -> float:
    """The smallest ε of a sweep nobody set a range for: the power of ten just below the ε
    where w ± ε rounds back to w in the format (half the gap between numbers at w), so the
    plot spends at most a decade on the vanished region in every format.

    For w = 0 (or an unknown w) the gap at 1 is used: at 0 the step itself never vanishes,
    but below u the loss's own round-off hides every change. 1e-17 in float64, 1e-3 in
    bfloat16 at |w| ≈ 1, 1e-4 in float16. Always at least three decades below ``epsilon_max``
    and never below ``SMALLEST_EPSILON``.
    """
    scale = 1.0 if w is None or not math.isfinite(w) or w == 0 else abs(float(w))
    with np.errstate(all="ignore"):
        above = spacing_at(scale, name)
        # just below a power of two the numbers are twice as dense: w − ε keeps moving there
        below = spacing_at(scale - above / 2, name) if math.isfinite(above) else above
        edge = min(above, below) / 2
    if not (math.isfinite(edge) and edge > 0):  # w beyond the format: its own check says so
        edge = spacing_at(1.0, name) / 2
    low = 10.0 ** math.floor(math.log10(edge) - 0.01)
    # never below the smallest ε a sweep accepts (w = 1e-300: the gap there is 1e-316)
    return max(min(low, epsilon_max / 1e3), SMALLEST_EPSILON)


_NORMAL = (Decimal(sys.float_info.min), Decimal(sys.float_info.max))  # exact binary values


def float_normal(value: Decimal) -> bool:
    """Whether a saved positive number (a unit round-off, a realised step) is one a float
    holds as a normal number: finite and in [2^-1022, the largest float]. A decimal text
    such as 1e-400 is a positive decimal, but float() makes it 0 and log10 of it raises."""
    return value.is_finite() and _NORMAL[0] <= value <= _NORMAL[1]


def usable_roundoff(value: Decimal) -> bool:
    """A saved unit round-off the calculator can use: a float's normal number below 1."""
    return float_normal(value) and value < 1


_SUBNORMAL_EXPONENT = {"float64": -1074, "float32": -149, "float16": -24, "bfloat16": -133}


def binary_rounding(value: Decimal, roundoff: Decimal) -> Decimal:
    """What a binary loss of the format with unit round-off u may be off by from rounding
    once: u·|L|, and at least half the format's smallest subnormal, the spacing every loss
    below the smallest normal number rounds to (float16 2^-25: up to 50 times u·|L| there,
    review12c C3; a zero loss too). Exact; u·|L| alone for a round-off that is no format's."""
    own = abs(value) * roundoff if value.is_finite() else Decimal(0)
    name = format_of_roundoff(float(roundoff)) if usable_roundoff(roundoff) else None
    if name is None:
        return own
    return max(own, _half_subnormal(name))


def _half_subnormal(name: str) -> Decimal:
    """Half the smallest subnormal of a format, exactly (2^-25 for float16)."""
    import decimal

    exact = decimal.Context(prec=decimal.MAX_PREC)
    return exact.power(Decimal(2), _SUBNORMAL_EXPONENT[name] - 1)


def format_of_roundoff(u: float) -> DtypeName | None:
    """The format whose unit round-off is ``u`` (2^-24: float32), or None for any other
    number: how the calculator knows which format its sent losses are binaries of."""
    for name in DTYPE_NAMES:
        if unit_roundoff(name) == u:
            return name
    return None


COARSE_FORMATS = ("bfloat16", "float16", "float32")  # fewest significand bits first
TELLING_VALUES = 3  # distinct non-integer values needed before values tell their format


def values_format(values: np.ndarray) -> str:
    """'bfloat16', 'float16' or 'float32' when every finite value is exactly one of that
    format's numbers (and enough of them are not whole numbers to tell); else 'float64'."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    telling = np.unique(values[values != np.round(values)])
    if telling.size < TELLING_VALUES:
        return "float64"
    for name in COARSE_FORMATS:
        with np.errstate(over="ignore", invalid="ignore"):
            rounded = telling.astype(numpy_dtype(name)).astype(np.float64)
        if np.array_equal(rounded, telling):
            return name
    return "float64"
