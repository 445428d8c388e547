"""What a correct backward pass computed in a dtype may return: the rounding of the derivative
as autograd computes it, relative to the terms it is made of (docs/DIAGNOSIS.md, "A typed
gradient's claim").

A backward pass in float64 (or float32, float16, bfloat16) rounds every forward value, every
derivative factor, product and sum; where those terms cancel (3·w² − 3 at 1.01, the 1 − y²
of tanh where y is near 1) the result is off from the exact derivative by many units of its
own size, though by only a unit or two of the terms. So the allowance for such a gradient
is read from the expression itself: one walk of the checked tree computes the derivative the
way autograd does — each primitive's factor from its **rounded** forward output (tanh
1 − y², sigmoid y·(1 − y), exp y, sqrt 1/(2y), tan 1 + y²; log 1/x, arctan 1/(1 + x²) from
its input) — in extended precision, carrying for every value its first-order sensitivity to
each rounding: value·(1 + δ) with |δ| ≤ u (two units for a transcendental function, as
libraries round those to about one ulp). The derivative's error is then Σ cᵢ·δᵢ, with cᵢ
exact (first order). Its worst case is u·Σ|cᵢ|; the roundings of a real backward behave as
independent ones, so ``SPREAD`` standard deviations of that sum (uniform δᵢ) bound it as
well, and the smaller of the two is taken (a long sum of equal terms is not charged its
worst case). One walk, no sampling: a few milliseconds.

The constants are the dtype's (they are exact in it) and w the dtype's w; branch switches
take the exact branch. A result within a millionth of a unit of a dtype number, whatever the
roundings before it move it by, is that number (sigmoid of 1e8 is 1, and 1 − 1 is 0): its
error is then known, and the earlier roundings no longer reach it. Autograd's formulas round
in other places than this walk's (0.5/y·g for g/(2y)): each +, −, ×, ÷ of computed values
is charged two roundings. None where the walk cannot be made (a domain edge, an astronomically
large argument, an unknown form).
"""

from __future__ import annotations

import ast
import math

from fdgui.core.sweep.budget import check_time, unavailable_then

SPREAD = 4.0  # standard deviations of the summed roundings taken as their bound
TRANSCENDENTAL = 2.0  # units of u a float64 library's exp/sin/tanh/… may be off by (one ulp);
# in float32/float16/bfloat16 they are computed wider and rounded once: one unit
DIGITS = 30  # the sensitivities need a few digits; the values' cancellations no more
# a result this share of u·|x| from a dtype number x, spread included, is x whatever formula
# computes it (sigmoid of 1e8 is 1; sqrt(900) is 30); a tenth was not: sqrt(901)'s luck in
# one formula is not another's (torch forms 1/(2y) as 0.5/y)
PINNED = 1e-6
# autograd's formulas differ from this walk's in where they round (0.5/y·g rather than
# g/(2y)): each +, −, ×, ÷ of computed values is charged one rounding more
BASIC = 2.0
HUGE = 1e15  # arguments beyond this (exp of 1e15) are left out: no bound is given


class _Out(Exception):
    """No bound can be read here."""


class _Value:
    """A value of the walk and its first-order sensitivity to each rounding (absolute: the
    change of the value per unit δᵢ/u, already times u of that rounding)."""

    __slots__ = ("sens", "v")

    def __init__(self, v, sens: dict | None = None) -> None:
        self.v = v
        self.sens = sens or {}


class _Walk:
    def __init__(self, mp, unit: float, constant, library: float, held, floor: float) -> None:
        self.mp = mp
        self.library = library
        self.unit = mp.mpf(unit)
        self.constant = constant
        self.held = held  # float → the dtype's nearest number (float), or None
        self.floor = mp.mpf(floor)  # half the dtype's smallest subnormal
        self.count = 0

    def _round(self, value: _Value, units: float = 1.0) -> _Value:
        if value.v == 0:
            return value
        held = self.held(float(value.v))
        if held is not None:
            gap = abs(self.mp.mpf(held) - value.v)
            spread = sum(abs(c) for c in value.sens.values())
            if gap + spread <= PINNED * self.unit * abs(held):
                # the result rounds to the same dtype number whatever the roundings before it
                # (sigmoid of 1e8 is 1): its error is known, the earlier ones are gone
                value.sens = {}
                if gap != 0:
                    self.count += 1
                    value.sens[self.count] = gap
                return value
        self.count += 1
        # below the normal range a rounding is up to half the smallest subnormal, whatever
        # the value's size (sigmoid(−117) is 0 in float32)
        error = max(abs(value.v) * self.unit * units, self.floor)
        value.sens[self.count] = error if value.v > 0 else -error
        return value

    def _basic(self, value: _Value, exact_inputs: bool) -> _Value:
        """A +, −, ×, ÷ (correctly rounded): from exact inputs (w, constants) its rounding is
        known — the distance to the dtype's nearest number, 0 where the result is one (w − 1
        at 1.0001, −1·w, 2·w)."""
        if not exact_inputs or value.v == 0:
            return self._round(value, BASIC)
        held = self.held(float(value.v))
        if held is None:
            return self._round(value, BASIC)
        error = abs(self.mp.mpf(held) - value.v)
        if error != 0:
            self.count += 1
            value.sens[self.count] = error
        return value

    def _scaling(self, a: _Value) -> bool:
        """Whether multiplying or dividing by ``a`` is exact: an exact ± power of two."""
        return not a.sens and a.v != 0 and self.mp.frexp(abs(a.v))[0] == 0.5

    @staticmethod
    def _combine(a: _Value, ka, b: _Value | None = None, kb=0) -> dict:
        sens = {i: ka * c for i, c in a.sens.items()} if ka != 0 else {}
        if b is not None and kb != 0:
            for i, c in b.sens.items():
                sens[i] = sens.get(i, 0) + kb * c
        return sens

    def add(self, a: _Value, b: _Value, sign: int = 1) -> _Value:
        if b.v == 0 and not b.sens:
            return a
        if a.v == 0 and not a.sens:
            return _Value(sign * b.v, self._combine(b, sign))
        value = _Value(a.v + sign * b.v, self._combine(a, 1, b, sign))
        return self._basic(value, not a.sens and not b.sens)

    def mul(self, a: _Value, b: _Value) -> _Value:
        if (a.v == 0 and not a.sens) or (b.v == 0 and not b.sens):
            return _Value(self.mp.mpf(0))
        value = _Value(a.v * b.v, self._combine(a, b.v, b, a.v))
        if self._scaling(a) or self._scaling(b):
            return value
        return self._basic(value, not a.sens and not b.sens)

    def div(self, a: _Value, b: _Value) -> _Value:
        if b.v == 0:
            raise _Out("division by zero")
        if a.v == 0 and not a.sens:
            return _Value(self.mp.mpf(0))
        value = a.v / b.v
        result = _Value(value, self._combine(a, 1 / b.v, b, -value / b.v))
        if self._scaling(b):
            return result
        return self._basic(result, not a.sens and not b.sens)

    def function(self, value, slope, x: _Value, units: float | None = None) -> _Value:
        """f(x) rounded (a library function's ``units`` of u, by default), with f'(x) =
        ``slope`` carrying x's sensitivities."""
        units = self.library if units is None else units
        return self._round(_Value(value, self._combine(x, slope)), units)

    def const(self, value) -> _Value:
        return _Value(self.mp.mpf(value))


def _node(walk: _Walk, node: ast.AST, w) -> tuple[_Value, _Value]:
    """(value, derivative) of ``node`` as a backward pass in the dtype computes them."""
    from fdgui.core.models.expression import CONSTANTS, VARIABLE

    check_time()
    mp = walk.mp
    if isinstance(node, ast.Constant):
        return walk.const(walk.constant(node.value, mp)), walk.const(0)
    if isinstance(node, ast.Name):
        if node.id == VARIABLE:
            return walk.const(w), walk.const(1)
        return walk.const(walk.constant(CONSTANTS[node.id], mp)), walk.const(0)
    if isinstance(node, ast.UnaryOp):
        value, slope = _node(walk, node.operand, w)
        if isinstance(node.op, ast.USub):
            return walk.add(walk.const(0), value, -1), walk.add(walk.const(0), slope, -1)
        return value, slope
    if isinstance(node, ast.BinOp):
        return _binary(walk, node, w)
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[union-attr]
        arguments = [_node(walk, argument, w) for argument in node.args]
        if name in ("maximum", "minimum"):
            (a, da), (b, db) = arguments
            first = a.v >= b.v if name == "maximum" else a.v <= b.v
            return (a, da) if first else (b, db)
        ((x, dx),) = arguments
        return _unary(walk, name, x, dx)
    raise _Out(type(node).__name__)


def _binary(walk: _Walk, node: ast.BinOp, w) -> tuple[_Value, _Value]:
    a, da = _node(walk, node.left, w)
    b, db = _node(walk, node.right, w)
    if isinstance(node.op, ast.Add | ast.Sub):
        sign = 1 if isinstance(node.op, ast.Add) else -1
        return walk.add(a, b, sign), walk.add(da, db, sign)
    if isinstance(node.op, ast.Mult):
        return walk.mul(a, b), walk.add(walk.mul(da, b), walk.mul(a, db))
    if isinstance(node.op, ast.Div):
        value = walk.div(a, b)
        # autograd: grad/b for the numerator, −grad·(a/b)/b for the denominator
        return value, walk.add(walk.div(da, b), walk.div(walk.mul(db, value), b), -1)
    mp = walk.mp
    if not isinstance(node.op, ast.Pow) or (a.v <= 0 and (db.v != 0 or b.v != int(b.v))):
        raise _Out("power")
    if a.v == 0:
        raise _Out("power at 0")
    value = walk.function(mp.power(a.v, b.v), b.v * mp.power(a.v, b.v - 1), a)
    slope = walk.const(0)
    if da.v != 0 or da.sens:
        lower = walk.function(mp.power(a.v, b.v - 1), (b.v - 1) * mp.power(a.v, b.v - 2), a)
        slope = walk.mul(walk.mul(b, lower), da)
    if db.v != 0 or db.sens:
        log = walk.function(mp.log(a.v), 1 / a.v, a)
        slope = walk.add(slope, walk.mul(walk.mul(value, log), db))
    return value, slope


def _unary(walk: _Walk, name: str, x: _Value, dx: _Value) -> tuple[_Value, _Value]:
    mp = walk.mp
    one = walk.const(1)
    t = x.v
    if not mp.isfinite(t) or abs(t) > HUGE:
        raise _Out("argument beyond every float")
    if name == "abs":
        sign = 1 if t >= 0 else -1
        return _Value(abs(t), walk._combine(x, sign)), _Value(sign * dx.v, walk._combine(dx, sign))
    if name == "relu":
        if t > 0:
            return x, dx
        return walk.const(0), walk.const(0)
    if name == "square":
        value = walk.mul(x, x)
        return value, walk.mul(walk.mul(walk.const(2), x), dx)
    if name in ("log", "log10", "log2", "log1p"):
        argument = walk.add(x, one) if name == "log1p" else x
        if argument.v <= 0:
            raise _Out("log of a non-positive number")
        scale = {"log": 1, "log1p": 1, "log10": mp.log(10), "log2": mp.log(2)}[name]
        value = walk.function(mp.log(argument.v) / scale, 1 / (argument.v * scale), argument)
        below = argument if scale == 1 else walk.mul(argument, walk.const(scale))
        return value, walk.div(dx, below)
    if name == "sqrt":
        if t <= 0:
            raise _Out("square root at or below 0")
        value = walk.function(mp.sqrt(t), 1 / (2 * mp.sqrt(t)), x, 1.0)
        return value, walk.div(dx, walk.mul(walk.const(2), value))
    if name in ("arcsin", "arccos"):
        if abs(t) >= 1:
            raise _Out("outside (−1, 1)")
        root = mp.sqrt(1 - t * t)
        value = walk.function(mp.asin(t) if name == "arcsin" else mp.acos(t), 1 / root, x)
        inner = walk.add(one, walk.mul(x, x), -1)
        factor = walk.function(mp.sqrt(inner.v), 1 / (2 * mp.sqrt(inner.v)), inner, 1.0)
        slope = walk.div(dx, factor)
        return value, slope if name == "arcsin" else walk.add(walk.const(0), slope, -1)
    if name in ("arctan", "atan", "arcsinh"):
        derivative = 1 / (1 + t * t) if name != "arcsinh" else 1 / mp.sqrt(t * t + 1)
        value = walk.function(mp.atan(t) if name != "arcsinh" else mp.asinh(t), derivative, x)
        inner = walk.add(walk.mul(x, x), one)
        if name != "arcsinh":
            return value, walk.div(dx, inner)
        root = walk.function(mp.sqrt(inner.v), 1 / (2 * mp.sqrt(inner.v)), inner, 1.0)
        return value, walk.div(dx, root)
    return _elementary(walk, name, x, dx)


def _elementary(walk: _Walk, name: str, x: _Value, dx: _Value) -> tuple[_Value, _Value]:
    """exp-like and trigonometric functions: the factor from the rounded output where
    autograd takes it from there."""
    mp = walk.mp
    one = walk.const(1)
    t = x.v
    if name in ("exp", "expm1"):
        value = walk.function(mp.exp(t) if name == "exp" else mp.expm1(t), mp.exp(t), x)
        factor = value if name == "exp" else walk.add(value, one)
        return value, walk.mul(factor, dx)
    if name == "sigmoid":
        s = 1 / (1 + mp.exp(-t))
        value = walk.function(s, s * (1 - s), x)
        factor = walk.mul(value, walk.add(one, value, -1))
        return value, walk.mul(factor, dx)
    if name == "tanh":
        value = walk.function(mp.tanh(t), 1 / mp.cosh(t) ** 2, x)
        return value, walk.mul(walk.add(one, walk.mul(value, value), -1), dx)
    if name == "tan":
        if mp.cos(t) == 0:
            raise _Out("tan's pole")
        value = walk.function(mp.tan(t), 1 / mp.cos(t) ** 2, x)
        return value, walk.mul(walk.add(one, walk.mul(value, value)), dx)
    pairs = {
        "sin": (mp.sin, mp.cos, 1),
        "cos": (mp.cos, mp.sin, -1),
        "sinh": (mp.sinh, mp.cosh, 1),
        "cosh": (mp.cosh, mp.sinh, 1),
    }
    if name not in pairs:
        raise _Out(name)
    function, other, sign = pairs[name]
    value = walk.function(function(t), sign * other(t), x)
    factor = walk.function(sign * other(t), function(t) * (-1 if name in ("sin", "cos") else 1), x)
    return value, walk.mul(factor, dx)


def _nearest(dtype: str):
    """(float → the dtype's nearest number as a float, None beyond its range; half the
    dtype's smallest subnormal)."""
    import ml_dtypes
    import numpy as np

    from fdgui.core.numbers.precision import numpy_dtype

    kind = numpy_dtype(dtype)
    floor = float(ml_dtypes.finfo(kind).smallest_subnormal) / 2

    def held(value: float) -> float | None:
        if not math.isfinite(value):
            return None
        with np.errstate(all="ignore"):
            result = float(np.asarray(value).astype(kind))
        return result if math.isfinite(result) and (result != 0 or value == 0) else None

    return held, floor


@unavailable_then(lambda why: None)
def backward_bound(text: str, w: float, dtype: str) -> float | None:
    """How far from the exact derivative (at w, the dtype's constants) a correct backward
    pass computed in ``dtype`` may return the gradient of the expression ``text``: the
    smaller of the worst case and ``SPREAD`` standard deviations of its first-order rounding
    error, plus the final rounding to the dtype. None where the walk cannot be made."""
    import mpmath as mp

    from fdgui.core.numbers.precision import unit_roundoff
    from fdgui.core.sweep.dtype_exact import Arithmetic

    try:
        unit = unit_roundoff(dtype)
    except ValueError:
        return None
    arithmetic = Arithmetic(dtype)
    with mp.workdps(DIGITS):
        library = TRANSCENDENTAL if dtype == "float64" else 1.0
        held, floor = _nearest(dtype)
        walk = _Walk(mp, unit, arithmetic.constant, library, held, floor)
        try:
            _, slope = _node(walk, ast.parse(text, mode="eval").body, mp.mpf(float(w)))
        except (_Out, ZeroDivisionError, ValueError, OverflowError, KeyError):
            return None
        worst = sum(abs(c) for c in slope.sens.values())
        spread = mp.sqrt(sum(c * c for c in slope.sens.values()) / 3)
        bound = min(worst, SPREAD * spread) + walk.unit * abs(slope.v)
        result = float(bound)
    return result if math.isfinite(result) else None
