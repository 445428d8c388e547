"""An expression's derivative in extended precision (mpmath), with an error bar that bounds it.

The float64 forward-mode derivative of :mod:`fdgui.core.models.expression` is exact as a
formula but rounded at every step, so where the formula cancels (tanh at 20, 1 − cos w at
1e-8) its last digits — or all of them — are wrong. Here the same checked tree is
evaluated with mpmath, first at ``START_DIGITS`` decimal digits, then again with twice as
many; the two must agree, else the precision is raised further (up to ``MAX_DIGITS``). The
error bar of the float64 value handed out is the difference between the last two
precisions plus the rounding to float64 (half an ulp), so it bounds the true error of the
value that is reported.

The same walk records every *branch switch* of the expression — the argument of ``abs`` and
``relu``, the difference of the two arguments of ``maximum``/``minimum`` — so the sweep can
tell a kink exactly at w (a switch argument is zero there and the two one-sided derivatives
differ) from a kink the ε range crosses (a switch argument changes sign between w and
w ± ε, evaluated in the dtype the losses use).

mpmath is imported lazily: only when a reference of an expression is asked for.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

import numpy as np

from fdgui.core.sweep.budget import EXPONENT_CAP_BITS, Unbounded, check_time, unavailable_then
from fdgui.core.sweep.dtype_exact import (
    FLOAT64,
    SWITCHING,
    Arithmetic,
    dtype_arithmetic,
)
from fdgui.core.sweep.dtype_exact import Switches as _Switches
from fdgui.core.sweep.dtype_exact import arithmetic_of as _arithmetic
from fdgui.core.sweep.references import ReferenceValue

START_DIGITS = 40
MAX_DIGITS = 640
AGREEMENT = 1e-25  # relative agreement of two precisions that ends the search
UNIT = 2.0**-53  # float64 unit round-off (half an ulp, relative)

_SWITCHING = SWITCHING


class Undefined(Exception):
    """The expression (or its derivative) has no real value at this point."""


def _unavailable_reference(why: Exception) -> ReferenceValue:
    return ReferenceValue(
        "analytic",
        float("nan"),
        None,
        1,
        f"unavailable: {why}",
        status="unavailable",
    )


def _power(mp, a, b):
    """a**b in extended precision, refusing exponents beyond ``EXPONENT_CAP_BITS``."""
    if a != 0 and abs(a) != 1 and b != 0 and mp.isfinite(a) and mp.isfinite(b):
        with mp.workdps(15):
            bits = abs(b) * abs(mp.log(abs(a), 2))
        if not mp.isfinite(bits) or bits > EXPONENT_CAP_BITS:
            raise Unbounded("a power's exponent is beyond what extended precision can hold")
    return mp.power(a, b)


@dataclass(frozen=True)
class Exact:
    """The expression at one point in extended precision: value, derivative and the branch
    switches (argument value and its derivative, one pair per abs/relu/maximum/minimum)."""

    value: Any
    derivative: Any
    switches: tuple[tuple[Any, Any], ...]


def _mp():
    import mpmath

    return mpmath


def _tree(text: str) -> ast.AST:
    """The expression's syntax tree (the text was checked by ``parse_expression``)."""
    return ast.parse(text, mode="eval").body


EXACT_SUM_BITS = 20_000


def _add(mp, a, b):
    """a + b without absorption: exact (1 + 1e-400 stays above 1, which log(1 + w²) at a tiny
    w needs) unless the magnitudes are too far apart for that to be cheap."""
    if a == 0 or b == 0 or not (mp.isfinite(a) and mp.isfinite(b)):
        return a + b
    if abs(mp.mag(a) - mp.mag(b)) < EXACT_SUM_BITS:
        return mp.fadd(a, b, exact=True)
    return a + b


def _real(mp, value):
    if isinstance(value, mp.mpc):
        if value.imag != 0:
            raise Undefined("complex value")
        value = value.real
    if not mp.isfinite(value):
        raise Undefined("not finite")
    return value


def _dual(node: ast.AST, w, mp, switches: list, side: int):
    """(value, d value/dw) at ``w`` for the checked tree; ``side`` = ±1 breaks ties at a kink
    as seen from w ± 0 (0: the float64 derivative's own conventions). Constants and ties
    follow the arithmetic ``switches`` carries (float64 for a plain list)."""
    from fdgui.core.models.expression import CONSTANTS, VARIABLE

    check_time()
    if isinstance(node, ast.Constant):
        return _arithmetic(switches).constant(node.value, mp), mp.mpf(0)
    if isinstance(node, ast.Name):
        if node.id == VARIABLE:
            return w, mp.mpf(1)
        return _arithmetic(switches).constant(CONSTANTS[node.id], mp), mp.mpf(0)
    if isinstance(node, ast.UnaryOp):
        value, slope = _dual(node.operand, w, mp, switches, side)
        return (-value, -slope) if isinstance(node.op, ast.USub) else (value, slope)
    if isinstance(node, ast.BinOp):
        a, da = _dual(node.left, w, mp, switches, side)
        b, db = _dual(node.right, w, mp, switches, side)
        try:
            if isinstance(node.op, ast.Add):
                return _add(mp, a, b), _add(mp, da, db)
            if isinstance(node.op, ast.Sub):
                return _add(mp, a, -b), _add(mp, da, -db)
            if isinstance(node.op, ast.Mult):
                return a * b, da * b + a * db
            if isinstance(node.op, ast.Div):
                if b == 0:
                    raise Undefined("division by zero")
                return a / b, (da * b - a * db) / (b * b)
            if a == 0 and b < 1 and db == 0 and b != 0:
                raise Undefined("a power below 1 has no derivative at 0")
            value = _real(mp, _power(mp, a, b))
            slope = mp.mpf(0)
            if da != 0:
                slope += b * _real(mp, _power(mp, a, b - 1)) * da
            if db != 0:
                if a <= 0:
                    raise Undefined("log of a non-positive base")
                slope += value * mp.log(a) * db
            return value, _real(mp, slope)
        except ZeroDivisionError:
            raise Undefined("division by zero") from None
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[union-attr]
        arguments = [_dual(argument, w, mp, switches, side) for argument in node.args]
        tied = name in _SWITCHING and ast.unparse(node) in _arithmetic(switches).tied
        if name in ("maximum", "minimum"):
            (a, da), (b, db) = arguments
            gap, gap_slope = a - b, da - db
            switches.append((mp.mpf(0) if tied else gap, gap_slope))
            if (gap == 0 or tied) and side != 0:
                # at a tie the branch taken just beside w is the one whose argument moves
                # the right way
                first = (gap_slope * side >= 0) if name == "maximum" else (gap_slope * side <= 0)
            else:
                first = gap >= 0 if name == "maximum" else gap <= 0
            return (a, da) if first else (b, db)
        ((x, dx),) = arguments
        try:
            return _unary(name, x, dx, mp, switches, side, tied)
        except ZeroDivisionError:
            raise Undefined(f"{name} is undefined here") from None
    raise Undefined(type(node).__name__)


def _unary(name: str, x, dx, mp, switches: list, side: int, tied: bool = False):
    if name in ("abs", "relu"):
        switches.append((mp.mpf(0) if tied else x, dx))
        sign = mp.sign(x)
        if (sign == 0 or tied) and side != 0:
            sign = mp.sign(dx * side)
        if name == "abs":
            return abs(x), sign * dx
        return (x if x > 0 else mp.mpf(0)), (dx if sign > 0 else mp.mpf(0))
    one = mp.mpf(1)
    if mp.isfinite(x) and mp.mag(x) > ASTRONOMICAL_BITS:
        return _astronomical(name, x, dx, mp)
    if name in ("log", "log10", "log2", "log1p"):
        argument = x + 1 if name == "log1p" else x
        if argument <= 0:
            raise Undefined("log of a non-positive number")
        scale = {"log": one, "log1p": one, "log10": mp.log(10), "log2": mp.log(2)}[name]
        return mp.log(argument) / scale, dx / (argument * scale)
    if name == "sqrt":
        if x < 0:
            raise Undefined("square root of a negative number")
        value = mp.sqrt(x)
        if value == 0:
            raise Undefined("the square root has no derivative at 0")
        return value, dx / (2 * value)
    if name in ("arcsin", "arccos"):
        if abs(x) > 1:
            raise Undefined(f"{name} outside [−1, 1]")
        if abs(x) == 1:
            raise Undefined(f"{name} has no derivative at ±1")
        value = mp.asin(x) if name == "arcsin" else mp.acos(x)
        slope = dx / mp.sqrt(1 - x * x)
        return value, slope if name == "arcsin" else -slope
    table = {
        "sin": (mp.sin, lambda: mp.cos(x)),
        "cos": (mp.cos, lambda: -mp.sin(x)),
        "tan": (mp.tan, lambda: 1 / mp.cos(x) ** 2),
        "exp": (mp.exp, lambda: mp.exp(x)),
        "expm1": (mp.expm1, lambda: mp.exp(x)),
        "sinh": (mp.sinh, lambda: mp.cosh(x)),
        "cosh": (mp.cosh, lambda: mp.sinh(x)),
        "tanh": (mp.tanh, lambda: 1 / mp.cosh(x) ** 2),
        "arctan": (mp.atan, lambda: 1 / (1 + x * x)),
        "atan": (mp.atan, lambda: 1 / (1 + x * x)),
        "arcsinh": (mp.asinh, lambda: 1 / mp.sqrt(x * x + 1)),
        "sigmoid": (lambda t: 1 / (1 + mp.exp(-t)), lambda: mp.exp(-x) / (1 + mp.exp(-x)) ** 2),
        "square": (lambda t: t * t, lambda: 2 * x),
    }
    function, derivative = table[name]
    if name in ("exp", "expm1", "sinh", "cosh", "sigmoid") and abs(x) > HUGE_ARGUMENT:
        return _huge_exponential(name, x, dx, mp)
    if name == "tan" and mp.cos(x) == 0:
        raise Undefined("tan has a pole here")
    return function(x), derivative() * dx


# exp beyond this has an exponent of more than 1e15 bits: mpmath would spend ages on it, and
# every float format under/overflows by far more than any error bar
HUGE_ARGUMENT = 1e15


def _huge_exponential(name: str, x, dx, mp):
    """exp-like functions where e^|x| has more than 1e14 decades: an underflowing
    exp is 0 (its true size is far under any error bar); an overflowing
    one leaves the loss undefined in every format. The slope: ``_vanishing``."""
    if name == "sigmoid":
        one, zero = mp.mpf(1), mp.mpf(0)
        return (one if x > 0 else zero), _vanishing(mp, x, dx)
    if x > 0 or name in ("sinh", "cosh"):
        raise Undefined(f"{name} overflows")
    if name == "expm1":
        return mp.mpf(-1), _vanishing(mp, x, dx)
    return mp.mpf(0), _vanishing(mp, x, dx)


def _vanishing(mp, x, dx, factor: int = 0):
    """A stand-in for a slope |dx|·e^(−|x|)·(≤ 2^factor) no float holds (|x| > 1e15):
    2^(factor − ⌊|x|⌋)·dx, of its sign and no smaller, below 2^-1e15 through any chain rule a
    float loss allows. The float64 derivative rounds to 0 with the smallest subnormal as its
    bar, never "0 ± 0" (review10i M10: sigmoid at 1e150, derivative 6e-434294481903251819)."""
    if dx == 0:
        return mp.mpf(0)
    return mp.ldexp(dx, factor - int(mp.floor(abs(x))))


ASTRONOMICAL_BITS = 4096  # |x| > 2^4096: beyond every float format by far


def _astronomical(name: str, x, dx, mp):
    """A function of an argument far beyond any float (e^(1e8) inside a sigmoid): the
    saturating ones take their limit with a slope no float holds (``_vanishing``; arctan's
    exactly), the rest are undefined (the loss overflows in every format, and mpmath would
    spend ages reducing such an argument)."""
    zero = mp.mpf(0)
    positive = x > 0
    if name in ("arctan", "atan"):  # its slope is a plain power of x: no exponent to reduce
        return (mp.pi / 2) * (1 if positive else -1), dx / (1 + x * x)
    limits = {
        "sigmoid": mp.mpf(1) if positive else zero,
        "tanh": mp.mpf(1) if positive else mp.mpf(-1),
        "exp": None if positive else zero,
        "expm1": None if positive else mp.mpf(-1),
    }
    limit = limits.get(name)
    if limit is None:
        raise Undefined(f"{name} of a number beyond every float format")
    # tanh' = sech² ≤ 4·e^(−2|x|); σ' and exp's ≤ e^(−|x|): a slope no float holds
    return limit, _vanishing(mp, x, dx, 2 if name == "tanh" else 0)


def evaluate(
    text: str,
    w: float,
    digits: int = START_DIGITS,
    side: int = 0,
    arithmetic: Arithmetic = FLOAT64,
    beside: bool = True,
) -> Exact:
    """The expression, its derivative and its branch switches at ``w`` with ``digits``
    decimal digits (constants and ties as ``arithmetic`` has them); raises Undefined where
    it has no real value or derivative. ``side`` = ±1 takes every switch at w on that side's
    branch, just beside w (10^-30 away) or, with ``beside`` False, at w itself (the branch
    formula's derivative there: the one-sided limit, with no offset to move it)."""
    mp = _mp()
    with mp.workdps(digits):
        switches: list = _Switches(arithmetic)
        # a decimal text is read exactly (the w as typed: ``claim_ends``)
        point = mp.mpf(w) if isinstance(w, str) else mp.mpf(float(w))
        # just beside w: far below float64's resolution, far above this precision's
        if side and beside:
            point += side * mp.mpf(10) ** (-(START_DIGITS * 3 // 4)) * max(1, abs(point))
        value, slope = _dual(_tree(text), point, mp, switches, side)
        value, slope = _real(mp, value), _real(mp, slope)
        return Exact(+value, +slope, tuple((+a, +b) for a, b in switches))


def converged_derivative(
    text: str, w: float, side: int = 0, arithmetic: Arithmetic = FLOAT64, beside: bool = True
) -> tuple[float, float, Exact]:
    """(float64 derivative, an error bar bounding its true error, the Exact at the last
    precision); raises Undefined. ``side``, ``beside``: as ``evaluate``."""
    mp = _mp()
    digits = START_DIGITS
    previous = evaluate(text, w, digits, side, arithmetic, beside)
    while True:
        check_time()
        digits *= 2
        current = evaluate(text, w, digits, side, arithmetic, beside)
        with mp.workdps(digits):
            difference = abs(current.derivative - previous.derivative)
            scale = abs(current.derivative)
            settled = difference <= AGREEMENT * scale or (scale == 0 and difference == 0)
        if settled or digits >= MAX_DIGITS:
            break
        previous = current
    with mp.workdps(digits):
        value = float(current.derivative)
        if not np.isfinite(value):
            raise Undefined(TOO_LARGE)
        rounding = abs(current.derivative - mp.mpf(value))
        error = _up(mp, rounding + 4 * difference)
        if not settled:
            error = max(error, _up(mp, abs(current.derivative)))
    return value, error, current


TOO_LARGE = "the derivative does not fit in float64"  # it exists: |L'| beyond 1.8e308


def _up(mp, value) -> float:
    """``value`` (an mpmath number ≥ 0) as a float64 no smaller than it."""
    result = float(value)
    if mp.mpf(result) < value:
        result = float(np.nextafter(result, np.inf))
    return result


def _value_finite(text: str, w: float) -> bool:
    from fdgui.core.models.expression import parse_expression

    with np.errstate(all="ignore"):
        return bool(np.isfinite(parse_expression(text).evaluate(np.array([w]), "float64")[0]))


def _ulp_bar(value: float) -> float:
    return float(np.spacing(abs(value))) if value != 0 else 0.0


@dataclass(frozen=True)
class KinkAt:
    """A branch switch exactly at w: the one-sided derivatives (None where undefined)."""

    left: float | None
    right: float | None
    removable: bool  # both sides agree: the derivative exists despite the switch
    infinite: bool = False  # a one-sided derivative grows without bound (a vertical tangent)
    # the slopes much closer to w (1e-90 rather than 1e-30): where the two sides meet
    closer: tuple[Any, Any] | None = None


def _slope_closer(text: str, w: float, side: int, arithmetic: Arithmetic = FLOAT64):
    """The slope much closer to w than where the one-sided derivative is taken (1e-90 rather
    than 1e-30, relative to max(1, |w|)), or None where it keeps growing towards w: a finite
    one-sided derivative moves by only |L''|·1e-30 between the two; sqrt(abs(w)) at 0 grows
    like 1/sqrt(δ) (a vertical tangent)."""
    mp = _mp()
    try:
        beside = evaluate(text, w, 2 * START_DIGITS, side, arithmetic).derivative
        with mp.workdps(4 * START_DIGITS):  # digits enough to see w ± 1e-90·max(1, |w|)
            at = mp.mpf(w) if isinstance(w, str) else mp.mpf(float(w))  # a typed decimal too
            point = at + side * mp.mpf(10) ** -90 * max(1, abs(at))
            closer = _real(mp, _dual(_tree(text), point, mp, _Switches(arithmetic), side)[1])
            if abs(closer) > 1.5 * abs(beside) + mp.mpf(10) ** -20:
                return None
            return +closer
    except (Undefined, ZeroDivisionError, ValueError, OverflowError):
        return None


def kink_at(
    text: str, w: float, exact: Exact | None = None, arithmetic: Arithmetic = FLOAT64
) -> KinkAt | None:
    """A switch argument that is exactly zero at w (in extended precision, or tied in the
    dtype's own evaluation: ``arithmetic``), with the one-sided derivatives just left and
    right of w; None when no branch switches at w."""
    try:
        exact = exact or evaluate(text, w, arithmetic=arithmetic)
    except Undefined:
        exact = None
    if exact is not None and not any(argument == 0 for argument, _ in exact.switches):
        return None
    if exact is None and not _value_finite(text, w):
        return None  # no value at w: undefined, not a kink (abs(w)/w at 0, log(abs(w)) at 0)
    sides: list[float | None] = []
    closer: list = []
    for side in (-1, 1):
        try:
            sides.append(converged_derivative(text, w, side, arithmetic)[0])
        except Undefined:
            sides.append(None)
            continue
        closer.append(_slope_closer(text, w, side, arithmetic))
    left, right = sides
    if any(c is None for c in closer):
        return KinkAt(left, right, False, infinite=True)
    if exact is None and (left is None or right is None):
        return None
    removable = (
        left is not None
        and right is not None
        # beside w at ±1e-30·max(1,|w|): a smooth derivative moves by |L''|·2e-30 there
        and (
            abs(left - right)
            <= 8 * UNIT * max(abs(left), abs(right)) + 1e-20 * max(1, abs(float(w)))
            # or the two slopes close in on each other towards w (abs(w)**1.5 at 0: ±1.5e-15
            # at 1e-30, ±1.5e-45 at 1e-90): they meet at w, the derivative exists
            or abs(closer[1] - closer[0]) <= 1e-6 * abs(left - right)
        )
    )
    return KinkAt(left, right, removable, closer=(closer[0], closer[1]) if closer else None)


@unavailable_then(_unavailable_reference)
def analytic_reference(text: str, w: float, dtype: str = "float64") -> ReferenceValue:
    """The derivative of the expression at ``w`` (already rounded to the dtype studied), to
    float64 with an error bar that bounds it; status 'undefined' or 'kink' where there is no
    two-sided derivative (the value is then the float64 conventions' one-sided choice).

    It studies the function the losses compute in ``dtype``: typed constants rounded as the
    dtype rounds them, and a branch switch that ties in the dtype's own evaluation at w (the
    two arguments of a maximum equal there, or on the other side than exactly) a kink at w."""
    arithmetic = dtype_arithmetic(text, w, dtype)
    try:
        value, error, exact = converged_derivative(text, w, 0, arithmetic)
    except Undefined as why:
        kink = kink_at(text, w, arithmetic=arithmetic)
        if kink is not None and kink.infinite:
            return _vertical_tangent()
        if kink is not None and not kink.removable:
            return _kink_reference(kink)
        return ReferenceValue(
            "analytic", float("nan"), None, 1, f"undefined at w ({why})", status="undefined"
        )
    # a branch switch at w whose sides meet: the derivative is where they meet, not what
    # the float64 conventions pick at the tie (maximum(w, 1)**2 - 2*relu(w - 1))
    from fdgui.core.sweep.switch_limit import two_sided

    read = two_sided(text, w, value, error, exact, arithmetic)
    if isinstance(read, KinkAt):
        return _vertical_tangent() if read.infinite else _kink_reference(read, value)
    value, error = read
    return ReferenceValue(
        "analytic",
        value,
        max(error, 0.0),
        1,
        f"exact derivative evaluated with mpmath to {START_DIGITS}+ digits",
    )


def _vertical_tangent() -> ReferenceValue:
    return ReferenceValue(
        "analytic",
        float("nan"),
        None,
        1,
        "a one-sided derivative is infinite: a vertical tangent",
        status="undefined",
    )


def _kink_reference(kink: KinkAt, value: float | None = None) -> ReferenceValue:
    sides = [x for x in (kink.left, kink.right) if x is not None]
    if value is None:
        value = float(np.mean(sides)) if sides else float("nan")
    return ReferenceValue(
        "analytic",
        float(value),
        None,
        1,
        f"kink at w: one-sided derivatives {kink.left!r} (left) and {kink.right!r} (right)",
        status="kink",
        sides=(kink.left, kink.right),
    )


def _exactly_zero_at(arguments: list[str], w: float) -> bool:
    """Whether a switch's argument (or the gap of maximum/minimum) is exactly 0 at w."""
    gap = arguments[0] if len(arguments) == 1 else f"({arguments[0]}) - ({arguments[1]})"
    try:
        return bool(evaluate(gap, w).value == 0)
    except Undefined:
        return False


def switch_arguments(text: str) -> list[tuple[str, list[str]]]:
    """(function, [argument texts]) for every abs/relu/maximum/minimum in the expression."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(_tree(text)):
        if isinstance(node, ast.Call) and node.func.id in _SWITCHING:  # type: ignore[union-attr]
            found.append((node.func.id, [ast.unparse(a) for a in node.args]))  # type: ignore[union-attr]
    return found


def switched(
    text: str,
    w0: float,
    plus: np.ndarray,
    minus: np.ndarray,
    dtype: str,
    skip_removable: bool = False,
) -> np.ndarray:
    """Per ε: whether some branch of the expression differs at w0 + ε or w0 − ε from the one
    taken at w0, each side evaluated in ``dtype`` as the losses were. ``skip_removable``: a
    switch exactly at w0 whose one-sided derivatives agree (w*abs(w) at 0) is no kink and is
    not counted."""
    from fdgui.core.models.expression import parse_expression

    result = np.zeros(plus.shape, dtype=bool)
    removable = False
    if skip_removable:
        kink = kink_at(text, w0)
        removable = kink is not None and kink.removable
    for _name, arguments in switch_arguments(text):
        if removable and _exactly_zero_at(arguments, w0):
            continue
        parts = [parse_expression(argument) for argument in arguments]

        def sign(values: np.ndarray, parts: list = parts) -> np.ndarray:
            evaluated = [p.evaluate(values, dtype).astype(np.float64) for p in parts]
            gap = evaluated[0] - evaluated[1] if len(evaluated) == 2 else evaluated[0]
            with np.errstate(invalid="ignore"):
                return np.sign(gap)

        at = sign(np.array([w0]))[0]
        with np.errstate(invalid="ignore"):
            result |= (sign(plus) != at) | (sign(minus) != at)
    return result


@unavailable_then(lambda why: (None, None))
def higher_derivatives(text: str, w: float) -> tuple[float | None, float | None]:
    """The second and third derivatives at ``w`` (for the truncation guides), from mpmath's
    numerical differentiation of the extended-precision function; None where not finite."""
    mp = _mp()
    tree = _tree(text)

    def function(x):
        return _dual(tree, x, mp, [], 0)[0]

    results: list[float | None] = []
    try:
        if any(a == 0 for a, _ in evaluate(text, w).switches):
            return None, None  # a branch switches at w: no derivatives beyond the first
    except Undefined:
        return None, None
    with mp.workdps(START_DIGITS):
        for order in (2, 3):
            try:
                value = float(_real(mp, mp.diff(function, mp.mpf(float(w)), order)))
            except (Undefined, ZeroDivisionError, ValueError):
                value = None
            results.append(value if value is not None and np.isfinite(value) else None)
    return results[0], results[1]


@unavailable_then(lambda why: None)
def value_magnitude(text: str, w: float) -> float | None:
    """The size of the terms the expression's value is made of (1 for log(1 + x) at a tiny
    x, whose value is tiny): a float64 evaluation's round-off is a few u times this."""
    mp = _mp()
    try:
        with mp.workdps(30):
            _, _, size, _ = _magnitudes(_tree(text), mp.mpf(float(w)), mp)
            return _up(mp, size) if mp.isfinite(size) else None
    except (Undefined, ZeroDivisionError, ValueError, OverflowError):
        return None


@unavailable_then(lambda why: None)
def derivative_magnitude(text: str, w: float) -> float | None:
    """The derivative with every chain-rule term taken in absolute value (and every value by
    the magnitudes it is made of): what a float64 evaluation of the derivative (a complex
    step) loses accuracy against where terms cancel — its round-off is a few u times this,
    not u times the derivative. None where it cannot be evaluated."""
    mp = _mp()
    tree = _tree(text)
    try:
        with mp.workdps(30):
            _, _, _, magnitude = _magnitudes(tree, mp.mpf(float(w)), mp)
            return _up(mp, magnitude) if mp.isfinite(magnitude) else None
    except (Undefined, ZeroDivisionError, ValueError, OverflowError):
        return None


def _magnitudes(node: ast.AST, w, mp):
    """(value, slope, |value| bound, |slope| bound) with absolute values along every term."""
    if isinstance(node, ast.Constant | ast.Name):
        value, slope = _dual(node, w, mp, [], 0)
        return value, slope, abs(value), abs(slope)
    if isinstance(node, ast.UnaryOp):
        value, slope, size, slope_size = _magnitudes(node.operand, w, mp)
        negate = isinstance(node.op, ast.USub)
        return (-value if negate else value), (-slope if negate else slope), size, slope_size
    if isinstance(node, ast.BinOp):
        _, _, sa, sda = _magnitudes(node.left, w, mp)
        b, db, sb, sdb = _magnitudes(node.right, w, mp)
        value, slope = _dual(node, w, mp, [], 0)
        if isinstance(node.op, ast.Add | ast.Sub):
            return value, slope, sa + sb, sda + sdb
        if isinstance(node.op, ast.Mult):
            return value, slope, sa * sb, sda * sb + sa * sdb
        if isinstance(node.op, ast.Div):
            return value, slope, sa / abs(b), (sda * abs(b) + sa * sdb) / (b * b)
        if db == 0 and b >= 1:  # a constant power: b·a^(b−1)·da, every factor in size
            return value, slope, sa**b, abs(b) * sa ** (b - 1) * sda
        return value, slope, max(abs(value), sa), abs(slope) + sda
    name = node.func.id  # type: ignore[attr-defined]
    inner = [_magnitudes(argument, w, mp) for argument in node.args]  # type: ignore[attr-defined]
    value, slope = _dual(node, w, mp, [], 0)
    if len(inner) == 2:  # maximum, minimum: one of the two
        return value, slope, max(inner[0][2], inner[1][2]), max(inner[0][3], inner[1][3])
    x, _, sx, sdx = inner[0]
    outer_value, outer_slope = _unary(name, x, mp.mpf(1), mp, [], 0)
    return value, slope, max(abs(outer_value), abs(outer_slope) * sx), abs(outer_slope) * sdx
