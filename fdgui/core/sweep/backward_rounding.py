"""What a correct backward pass computed in a dtype may return: the rounding of the derivative
as autograd computes it, relative to the terms it is made of (docs/DIAGNOSIS.md, "A typed
gradient's claim").

A backward pass in float64 (or float32, float16, bfloat16) rounds every forward value, every
derivative factor, product and sum; where those terms cancel (3·w² − 3 at 1.01, the 1 − y²
of tanh where y is near 1) the result is off from the exact derivative by many units of its
own size, though by only a unit or two of the terms. So the allowance for such a gradient
is read from the expression itself: one walk of the checked tree computes the derivative the
way reverse-mode autograd does — a forward pass rounding every value, then the adjoint
carried from the loss down to each use of w, multiplied at every node by that node's local
factor taken from its **rounded** forward output (tanh 1 − y², sigmoid (1 − y)·y, exp y,
sqrt 1/(2y), tan 1 + y²; log 1/x, arctan 1/(1 + x²) from its input; a quotient grad/b and
−grad·((a/b)/b)) — in extended precision, carrying for every value its first-order
sensitivity to each rounding: value·(1 + δ) with |δ| ≤ u (two units for a transcendental
function in float64 and float32, as libraries round those to about one ulp). Each use of w
receives one term; the gradient is their sum, **accumulated in an order the walk does not
know** (torch adds the terms into w's gradient as the graph delivers them). So the bound is
the terms' own first-order error plus the worst any order of summing them may round: every
partial sum is a sum of some of the terms, at most max(Σ positive, Σ |negative|) in size, and
each of the n − 1 additions rounds once (the last one is the result itself): u·((n − 2)·that
+ |T|). Where the terms do not cancel this is a unit or two of T; where they do (a product
rule's (w − c) + (w + c) − 2w), it is a unit of the terms.

The terms' error Σ cᵢ·δᵢ (cᵢ exact, first order): its worst case is u·Σ|cᵢ|; the roundings of
a real backward behave as independent ones, so ``SPREAD`` standard deviations of that sum
(uniform δᵢ) bound it as well, and the smaller of the two is taken (a long sum of equal terms
is not charged its worst case). One walk, no sampling: a few milliseconds.

The constants are the dtype's (they are exact in it) and w the dtype's w; branch switches
take the exact branch. A result within a millionth of a unit of a dtype number, whatever the
roundings before it move it by, is that number (sigmoid of 1e8 is 1, tanh(30) is 1 in
float64, and 1 − 1·1 is 0): its error is then known, and the earlier roundings no longer
reach it — the backward of a saturated tanh is exactly 0, and its error is the whole
derivative. The walk's own working precision rounds too (1 − tanh(40) is 1.4e-35, below 30
digits): every value it computes carries that rounding as one more, never shared out by the
spread, so a cancellation the working precision cannot resolve leaves a bound at its
resolution, never 0; where that share dominates the walk is redone with more digits.
Autograd's formulas round in other places than this walk's (0.5/y·g for g/(2y)): each +, −,
×, ÷ of computed values is charged two roundings. None where the walk cannot be made (a
domain edge, an astronomically large argument, an unknown form).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable

from fdgui.core.sweep.budget import check_time, unavailable_then

SPREAD = 4.0  # standard deviations of the summed roundings taken as their bound
TRANSCENDENTAL = 2.0  # units of u a float64 or float32 library's exp/sin/tanh/… may be off by
# (one ulp); in float16/bfloat16 they are computed in float32 and rounded once: one unit
DIGITS = 30  # the sensitivities need a few digits; the values' cancellations no more
MORE_DIGITS = (120, 480)  # redone with these where the working precision's share dominates
WORKING_SHARE = 0.1  # … that is, exceeds this share of the bound
# a result this share of u·|x| from a dtype number x, spread included, is x whatever formula
# computes it (sigmoid of 1e8 is 1; sqrt(900) is 30); a tenth was not: sqrt(901)'s luck in
# one formula is not another's (torch forms 1/(2y) as 0.5/y)
PINNED = 1e-6
# autograd's formulas differ from this walk's in where they round (0.5/y·g rather than
# g/(2y)): each +, −, ×, ÷ of computed values is charged one rounding more
BASIC = 2.0
HUGE = 1e15  # arguments beyond this (exp of 1e15) are left out: no bound is given
EXACT_SUBSETS = 12  # terms up to this many are checked for an exact accumulation


class _Out(Exception):
    """No bound can be read here."""


class _Value:
    """A value of the walk and its first-order sensitivity to each rounding (absolute: the
    change of the value per unit δᵢ/u, already times u of that rounding)."""

    __slots__ = ("sens", "v")

    def __init__(self, v, sens: dict | None = None) -> None:
        self.v = v
        self.sens = sens or {}


Back = Callable[[_Value], None] | None  # carries an adjoint down to the uses of w


class _Walk:
    def __init__(
        self, mp, unit: float, constant, library: float, held, floor: float, digits: int
    ) -> None:
        self.mp = mp
        self.library = library
        self.unit = mp.mpf(unit)
        self.constant = constant
        self.held = held  # float → the dtype's nearest number (float), or None
        self.floor = mp.mpf(floor)  # half the dtype's smallest subnormal
        self.count = 0
        # the working precision's own rounding of each value (a generous 100 of its units)
        self.working = mp.mpf(10) ** (2 - digits)
        self.working_keys: set[int] = set()
        self.terms: list[_Value] = []  # the adjoint reaching each use of w

    def exact(self, value: _Value) -> bool:
        """Whether ``value`` is known exactly as the dtype computes it (no rounding reaches
        it; the working precision's own may)."""
        return all(key in self.working_keys for key in value.sens)

    def _carried(self, value: _Value):
        return sum(abs(c) for k, c in value.sens.items() if k in self.working_keys)

    def _working(self, value: _Value) -> _Value:
        """The working precision's rounding of ``value.v``, as one more rounding."""
        if value.v != 0:
            self.count += 1
            self.working_keys.add(self.count)
            value.sens[self.count] = self.working * abs(value.v)
        return value

    def _round(self, value: _Value, units: float = 1.0) -> _Value:
        if value.v == 0 and self.exact(value):
            return value
        held = self.held(float(value.v))
        if held is not None:
            gap = abs(self.mp.mpf(held) - value.v)
            spread = sum(abs(c) for c in value.sens.values())
            if gap + spread <= PINNED * self.unit * abs(held):
                # the result rounds to the same dtype number whatever the roundings before it
                # (sigmoid of 1e8 is 1): its error is known — but for what the working
                # precision may have lost of the value — and the earlier ones are gone
                carried = self._carried(value)
                value.sens = {}
                if gap != 0:
                    self.count += 1
                    value.sens[self.count] = gap
                if carried != 0:
                    self.count += 1
                    self.working_keys.add(self.count)
                    value.sens[self.count] = carried
                return value
        self.count += 1
        # below the normal range a rounding is up to half the smallest subnormal, whatever
        # the value's size (sigmoid(−117) is 0 in float32)
        error = max(abs(value.v) * self.unit * units, self.floor)
        value.sens[self.count] = error if value.v >= 0 else -error
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
        return self.exact(a) and a.v != 0 and self.mp.frexp(abs(a.v))[0] == 0.5

    def _zero(self, a: _Value) -> bool:
        return a.v == 0 and not a.sens

    @staticmethod
    def _combine(a: _Value, ka, b: _Value | None = None, kb=0) -> dict:
        sens = {i: ka * c for i, c in a.sens.items()} if ka != 0 else {}
        if b is not None and kb != 0:
            for i, c in b.sens.items():
                sens[i] = sens.get(i, 0) + kb * c
        return sens

    def neg(self, a: _Value) -> _Value:
        return _Value(-a.v, self._combine(a, -1))

    def add(self, a: _Value, b: _Value, sign: int = 1) -> _Value:
        if self._zero(b):
            return a
        if self._zero(a):
            return _Value(sign * b.v, self._combine(b, sign))
        value = self._working(_Value(a.v + sign * b.v, self._combine(a, 1, b, sign)))
        return self._basic(value, self.exact(a) and self.exact(b))

    def mul(self, a: _Value, b: _Value) -> _Value:
        if self._zero(a) or self._zero(b):
            return _Value(self.mp.mpf(0))
        value = self._working(_Value(a.v * b.v, self._combine(a, b.v, b, a.v)))
        if self._scaling(a) or self._scaling(b):
            return value
        return self._basic(value, self.exact(a) and self.exact(b))

    def div(self, a: _Value, b: _Value) -> _Value:
        if b.v == 0:
            raise _Out("division by zero")
        if self._zero(a):
            return _Value(self.mp.mpf(0))
        value = a.v / b.v
        result = self._working(_Value(value, self._combine(a, 1 / b.v, b, -value / b.v)))
        if self._scaling(b):
            return result
        return self._basic(result, self.exact(a) and self.exact(b))

    def function(self, value, slope, x: _Value, units: float | None = None) -> _Value:
        """f(x) rounded (a library function's ``units`` of u, by default), with f'(x) =
        ``slope`` carrying x's sensitivities."""
        units = self.library if units is None else units
        return self._round(self._working(_Value(value, self._combine(x, slope))), units)

    def const(self, value) -> _Value:
        return _Value(self.mp.mpf(value))


def _down(back: Back, local: Callable[[_Value], _Value]) -> Back:
    """The adjoint of a child: ``local`` applied to the node's, carried further down."""
    if back is None:
        return None
    return lambda adjoint: back(local(adjoint))


def _node(walk: _Walk, node: ast.AST, w) -> tuple[_Value, Back]:
    """The value of ``node`` as the dtype computes it, and how its adjoint reaches the uses
    of w below it (None where none is below)."""
    from fdgui.core.models.expression import CONSTANTS, VARIABLE

    check_time()
    if isinstance(node, ast.Constant):
        return walk.const(walk.constant(node.value, walk.mp)), None
    if isinstance(node, ast.Name):
        if node.id == VARIABLE:
            return walk.const(w), walk.terms.append
        return walk.const(walk.constant(CONSTANTS[node.id], walk.mp)), None
    if isinstance(node, ast.UnaryOp):
        value, back = _node(walk, node.operand, w)
        if isinstance(node.op, ast.USub):
            return walk.neg(value), _down(back, walk.neg)
        return value, back
    if isinstance(node, ast.BinOp):
        return _binary(walk, node, w)
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[union-attr]
        arguments = [_node(walk, argument, w) for argument in node.args]
        if name in ("maximum", "minimum"):
            (a, back_a), (b, back_b) = arguments
            first = a.v >= b.v if name == "maximum" else a.v <= b.v
            return (a, back_a) if first else (b, back_b)
        ((x, back),) = arguments
        value, local = _unary(walk, name, x, back is not None)
        return value, _down(back, local)
    raise _Out(type(node).__name__)


def _both(back_a: Back, local_a, back_b: Back, local_b) -> Back:
    if back_a is None and back_b is None:
        return None

    def back(adjoint: _Value) -> None:
        if back_a is not None:
            back_a(local_a(adjoint))
        if back_b is not None:
            back_b(local_b(adjoint))

    return back


def _binary(walk: _Walk, node: ast.BinOp, w) -> tuple[_Value, Back]:
    a, back_a = _node(walk, node.left, w)
    b, back_b = _node(walk, node.right, w)
    if isinstance(node.op, ast.Add | ast.Sub):
        sign = 1 if isinstance(node.op, ast.Add) else -1
        other = (lambda g: g) if sign > 0 else walk.neg
        return walk.add(a, b, sign), _both(back_a, lambda g: g, back_b, other)
    if isinstance(node.op, ast.Mult):
        return walk.mul(a, b), _both(
            back_a, lambda g: walk.mul(g, b), back_b, lambda g: walk.mul(g, a)
        )
    if isinstance(node.op, ast.Div):
        value = walk.div(a, b)
        # autograd: grad/b for the numerator, −grad·((a/b)/b) for the denominator
        return value, _both(
            back_a,
            lambda g: walk.div(g, b),
            back_b,
            lambda g: walk.neg(walk.mul(g, walk.div(value, b))),
        )
    mp = walk.mp
    if not isinstance(node.op, ast.Pow) or (a.v <= 0 and (back_b is not None or b.v != int(b.v))):
        raise _Out("power")
    if a.v == 0:
        raise _Out("power at 0")
    value = walk.function(mp.power(a.v, b.v), b.v * mp.power(a.v, b.v - 1), a)

    def base(g: _Value) -> _Value:
        lower = walk.function(mp.power(a.v, b.v - 1), (b.v - 1) * mp.power(a.v, b.v - 2), a)
        return walk.mul(g, walk.mul(b, lower))

    def exponent(g: _Value) -> _Value:
        log = walk.function(mp.log(a.v), 1 / a.v, a)
        return walk.mul(g, walk.mul(value, log))

    return value, _both(back_a, base, back_b, exponent)


def _unary(walk: _Walk, name: str, x: _Value, needed: bool):
    """(f(x) as the dtype computes it, the adjoint's local step: g ↦ g·f′ as autograd forms
    it from the rounded values)."""
    mp = walk.mp
    one = walk.const(1)
    t = x.v
    if not mp.isfinite(t) or abs(t) > HUGE:
        raise _Out("argument beyond every float")
    if name == "abs":
        sign = 1 if t >= 0 else -1
        value = _Value(abs(t), walk._combine(x, sign))
        return value, (lambda g: g) if sign > 0 else walk.neg
    if name == "relu":
        if t > 0:
            return x, lambda g: g
        return walk.const(0), lambda g: walk.const(0)
    if name == "square":
        return walk.mul(x, x), lambda g: walk.mul(g, walk.mul(walk.const(2), x))
    if name in ("log", "log10", "log2", "log1p"):
        argument = walk.add(x, one) if name == "log1p" else x
        if argument.v <= 0:
            raise _Out("log of a non-positive number")
        scale = {"log": 1, "log1p": 1, "log10": mp.log(10), "log2": mp.log(2)}[name]
        value = walk.function(mp.log(argument.v) / scale, 1 / (argument.v * scale), argument)
        below = argument if scale == 1 or not needed else walk.mul(argument, walk.const(scale))
        return value, lambda g: walk.div(g, below)
    if name == "sqrt":
        if t <= 0:
            raise _Out("square root at or below 0")
        value = walk.function(mp.sqrt(t), 1 / (2 * mp.sqrt(t)), x, 1.0)
        return value, lambda g: walk.div(g, walk.mul(walk.const(2), value))
    if name in ("arcsin", "arccos"):
        if abs(t) >= 1:
            raise _Out("outside (−1, 1)")
        root = mp.sqrt(1 - t * t)
        value = walk.function(mp.asin(t) if name == "arcsin" else mp.acos(t), 1 / root, x)
        inner = walk.add(one, walk.mul(x, x), -1)
        factor = walk.function(mp.sqrt(inner.v), 1 / (2 * mp.sqrt(inner.v)), inner, 1.0)
        if name == "arcsin":
            return value, lambda g: walk.div(g, factor)
        return value, lambda g: walk.neg(walk.div(g, factor))
    if name in ("arctan", "atan", "arcsinh"):
        derivative = 1 / (1 + t * t) if name != "arcsinh" else 1 / mp.sqrt(t * t + 1)
        value = walk.function(mp.atan(t) if name != "arcsinh" else mp.asinh(t), derivative, x)
        inner = walk.add(walk.mul(x, x), one)
        if name != "arcsinh":
            return value, lambda g: walk.div(g, inner)
        root = walk.function(mp.sqrt(inner.v), 1 / (2 * mp.sqrt(inner.v)), inner, 1.0)
        return value, lambda g: walk.div(g, root)
    value, factor = _elementary(walk, name, x)
    return value, lambda g: walk.mul(g, factor)


def _elementary(walk: _Walk, name: str, x: _Value) -> tuple[_Value, _Value]:
    """exp-like and trigonometric functions: (value, the local factor), the factor from the
    rounded output where autograd takes it from there."""
    mp = walk.mp
    one = walk.const(1)
    t = x.v
    if name in ("exp", "expm1"):
        value = walk.function(mp.exp(t) if name == "exp" else mp.expm1(t), mp.exp(t), x)
        return value, value if name == "exp" else walk.add(value, one)
    if name == "sigmoid":
        s = 1 / (1 + mp.exp(-t))
        value = walk.function(s, s * (1 - s), x)
        return value, walk.mul(walk.add(one, value, -1), value)
    if name == "tanh":
        value = walk.function(mp.tanh(t), 1 / mp.cosh(t) ** 2, x)
        return value, walk.add(one, walk.mul(value, value), -1)
    if name == "tan":
        if mp.cos(t) == 0:
            raise _Out("tan's pole")
        value = walk.function(mp.tan(t), 1 / mp.cos(t) ** 2, x)
        return value, walk.add(one, walk.mul(value, value))
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
    return value, factor


def _accumulation(walk: _Walk, terms: list[_Value], total) -> tuple:
    """What summing the terms in any order may round (u per addition, each partial sum at
    most the larger of the positive and the negative terms' sums; the last one the result),
    and whether the result needs no final rounding: 0 and True where every term is exact and
    every sum of some of them a dtype number (w + w, 3·w)."""
    mp = walk.mp
    if all(walk.exact(t) for t in terms) and len(terms) <= EXACT_SUBSETS:
        values = [t.v for t in terms]
        exact = True
        for mask in range(1, 2 ** len(values)):
            part = mp.fsum(v for i, v in enumerate(values) if mask >> i & 1)
            held = walk.held(float(part))
            if held is None or mp.mpf(held) != part:
                exact = False
                break
        if exact:
            return mp.mpf(0), True
    if len(terms) < 2:
        return mp.mpf(0), False
    positive = mp.fsum(t.v for t in terms if t.v > 0)
    negative = -mp.fsum(t.v for t in terms if t.v < 0)
    largest = max(positive, negative)
    return walk.unit * ((len(terms) - 2) * largest + abs(total)), False


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


def _bound(mp, tree: ast.AST, w: float, dtype: str, digits: int):
    """(the bound, the working precision's share of it) at ``digits`` digits."""
    from fdgui.core.numbers.precision import unit_roundoff
    from fdgui.core.sweep.dtype_exact import Arithmetic

    unit = unit_roundoff(dtype)
    arithmetic = Arithmetic(dtype)
    with mp.workdps(digits):
        library = TRANSCENDENTAL if dtype in ("float64", "float32") else 1.0
        held, floor = _nearest(dtype)
        walk = _Walk(mp, unit, arithmetic.constant, library, held, floor, digits)
        _, back = _node(walk, tree, mp.mpf(float(w)))
        if back is not None:
            back(walk.const(1))
        terms = walk.terms
        total = mp.fsum(t.v for t in terms)
        sens: dict = {}
        for term in terms:
            for key, c in term.sens.items():
                sens[key] = sens.get(key, 0) + c
        working = mp.fsum(abs(c) for k, c in sens.items() if k in walk.working_keys)
        rounded = [c for k, c in sens.items() if k not in walk.working_keys]
        worst = mp.fsum(abs(c) for c in rounded)
        spread = mp.sqrt(mp.fsum(c * c for c in rounded) / 3)
        accumulation, exact = _accumulation(walk, terms, total)
        final = 0 if exact else walk.unit * abs(total)
        bound = min(worst, SPREAD * spread) + accumulation + final + working
        return float(bound), float(working)


@unavailable_then(lambda why: None)
def backward_bound(text: str, w: float, dtype: str) -> float | None:
    """How far from the exact derivative (at w, the dtype's constants) a correct backward
    pass computed in ``dtype`` may return the gradient of the expression ``text``: the
    smaller of the worst case and ``SPREAD`` standard deviations of its terms' first-order
    rounding error, plus what accumulating the terms in any order may round and the final
    rounding to the dtype. None where the walk cannot be made."""
    import mpmath as mp

    from fdgui.core.numbers.precision import unit_roundoff

    try:
        unit_roundoff(dtype)
    except ValueError:
        return None
    tree = ast.parse(text, mode="eval").body
    result = math.nan
    for digits in (DIGITS, *MORE_DIGITS):
        try:
            result, working = _bound(mp, tree, w, dtype, digits)
        except (_Out, ZeroDivisionError, ValueError, OverflowError, KeyError):
            return None
        if not working > WORKING_SHARE * result:
            break
    return result if math.isfinite(result) else None
