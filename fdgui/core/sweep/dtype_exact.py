"""The function a typed expression's losses compute in a dtype, as the exact reference must
follow it (docs/DIAGNOSIS.md, "The function studied"): typed constants rounded as the dtype
rounds them, the branch switches that tie in the dtype's own evaluation at w, and where a
pole lies (what Richardson's float64 steps must not reach past).

``extended`` evaluates the expression exactly with an :class:`Arithmetic`; the helpers here
import it lazily (it imports them).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np

from fdgui.core.sweep.budget import Unbounded, unavailable_then


@dataclass(frozen=True)
class Arithmetic:
    """The arithmetic the losses were computed in, as far as the exact function must follow
    it: every typed constant rounded as ``dtype`` rounds it (0.1 in float32 is
    0.100000001490116…, so relu(w − 0.1) at the float32 w = 0.1 is relu(0)), and the branch
    switches (``ast.unparse`` of the call) that tie in the dtype's own evaluation at w —
    taken as exactly 0 there, so w sits on their kink (judged by the subgradient test)."""

    dtype: str = "float64"
    tied: frozenset[str] = frozenset()

    def constant(self, value: float, mp):
        if self.dtype == "float64":
            return mp.mpf(float(value))
        from fdgui.core.models.expression import _as_dtype

        with np.errstate(over="ignore"):  # a constant beyond the dtype's range is inf there
            rounded = np.asarray(float(value), dtype=np.float64).astype(_as_dtype(self.dtype))
        return mp.mpf(float(rounded))


FLOAT64 = Arithmetic()
SWITCHING = ("abs", "relu", "maximum", "minimum")  # the functions with a branch switch


class Switches(list):
    """The switches met by one walk, with the arithmetic that walk follows."""

    def __init__(self, arithmetic: Arithmetic = FLOAT64) -> None:
        super().__init__()
        self.arithmetic = arithmetic


def arithmetic_of(switches: list) -> Arithmetic:
    return getattr(switches, "arithmetic", FLOAT64)


def dtype_arithmetic(text: str, w: float, dtype: str) -> Arithmetic:
    """The arithmetic of the losses in ``dtype`` at ``w``: constants rounded to it, and the
    switches whose argument (or the gap of maximum/minimum), evaluated in the dtype at w as
    the losses evaluate it, is 0 or of the other sign than in exact arithmetic (with the
    dtype's constants): the dtype cannot tell which branch w is on, so w is on the kink."""
    from fdgui.core.models.expression import parse_expression
    from fdgui.core.sweep.extended import Undefined, evaluate

    arithmetic = Arithmetic(dtype)
    tied: set[str] = set()
    for node in ast.walk(ast.parse(text, mode="eval").body):
        if not (isinstance(node, ast.Call) and node.func.id in SWITCHING):  # type: ignore[union-attr]
            continue
        key = ast.unparse(node)
        arguments = [ast.unparse(a) for a in node.args]
        gap = arguments[0] if len(arguments) == 1 else f"({arguments[0]}) - ({arguments[1]})"
        with np.errstate(all="ignore"):
            parts = [parse_expression(a).evaluate(np.array([w]), dtype) for a in arguments]
            values = [float(np.asarray(p, dtype=np.float64)[0]) for p in parts]
        if not all(np.isfinite(values)):
            continue
        in_dtype = np.sign(values[0] - values[1] if len(values) == 2 else values[0])
        try:
            exact = evaluate(gap, w, arithmetic=arithmetic).value
        except (Undefined, Unbounded):
            continue
        if exact != 0 and (in_dtype == 0 or in_dtype != np.sign(float(exact))):
            tied.add(key)
    return Arithmetic(dtype, frozenset(tied)) if tied or dtype != "float64" else FLOAT64


@unavailable_then(lambda why: None)
def pole_distance(text: str, w: float, reach: float | None = None) -> float | None:
    """The distance from w to a pole of the expression (float64 constants, as Richardson's
    float64 losses have them), where the Taylor scales agree as they do near a simple pole:
    L/L', 2L'/L'' and √(6L'/L''') are each that distance (the same reading as
    ``evidence.pole_within_range``); None where they disagree or cannot be evaluated, or
    (given ``reach``) where L/L' alone puts the pole beyond it."""
    import mpmath as mp

    from fdgui.core.sweep.extended import Undefined, evaluate, higher_derivatives

    try:
        exact = evaluate(text, w)
        if (
            reach is not None
            and exact.derivative != 0
            and abs(exact.value) > reach * abs(exact.derivative)
        ):
            return None  # the scales agree within 2× or not at all: farther than reach
        second, third = higher_derivatives(text, w)
    except (Undefined, ZeroDivisionError, ValueError, OverflowError):
        return None
    if second is None or third is None or not second or not third:
        return None
    with mp.workdps(30):
        value, slope = exact.value, exact.derivative
        if value == 0 or slope == 0:
            return None
        scales = [
            float(abs(value / slope)),
            float(abs(2 * slope / second)),
            float(mp.sqrt(abs(6 * slope / third))),
        ]
    if not all(np.isfinite(scales)) or min(scales) <= 0 or max(scales) > 2 * min(scales):
        return None
    return max(scales)
