"""The correct derivatives a typed gradient may match in a low dtype: a segment, not a ball
(docs/DIAGNOSIS.md, "A typed gradient's claim").

The losses in float32/float16/bfloat16 are taken at w rounded to the dtype, with the typed
constants rounded to it, and the exact reference follows them: T_d, the anchor. A derivative
worked out from the constants as typed (read in float64), or at the w as typed, is as correct
a derivative of the typed expression: T(constants as typed), T(w as typed), and both. The
correct set is the hull of these ends — the segment from the smallest to the largest — and a
claim is allowed only its distance to that segment (plus the claim's other roundings), so a
claim on the far side of T_d from the typed constants' derivative, or beyond it, gets no
share of their gap. An end whose branch switches differ from the anchor's (a kink between
the two readings) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fdgui.core.sweep.budget import unavailable_then

FLOAT64_NAMES = ("float64", "exact", "complex128")


@dataclass(frozen=True)
class Ends:
    """The ends of the correct derivatives' segment (float64 values; None where left out)."""

    anchor: float  # the constants and w as the dtype holds them: what the reference follows
    anchor_bar: float
    typed_constants: float | None  # the constants as typed, at the dtype's w
    typed_w: float | None  # the dtype's constants at the w as typed
    typed_both: float | None  # both as typed
    bar: float  # the largest bar of an end (each bounds its float64 value's error)
    w_typed: float  # the w typed (float64)
    w_dtype: float  # w rounded to the dtype, where the losses are taken

    def values(self) -> list[float]:
        return [e for e in (self.typed_constants, self.typed_w, self.typed_both) if e is not None]

    def extent(self, side: float) -> float:
        """How far the segment reaches from the anchor on ``side`` (> 0 above, else below),
        with the ends' bars; 0 where no end lies that way."""
        ends = self.values()
        if side > 0:
            reach = max([e - self.anchor for e in ends] + [0.0])
        else:
            reach = max([self.anchor - e for e in ends] + [0.0])
        return reach + self.bar + self.anchor_bar if reach > 0 else 0.0

    @property
    def radius(self) -> float:
        return max(self.extent(1), self.extent(-1))

    def anchored(self, value: float, bar: float) -> bool:
        """Whether a reference (``value`` ± ``bar``) stands for the anchor: the segment is
        then read from it; any other reference gets the symmetric allowance."""
        slack = bar + self.anchor_bar + 4 * 2.0**-53 * abs(self.anchor)
        return abs(value - self.anchor) <= slack


@unavailable_then(lambda why: None)
def correct_ends(text: str, w: float, dtype: str, typed_w: float | None = None) -> Ends | None:
    """The ends of the correct derivatives of the expression ``text`` at the dtype's ``w``
    (``typed_w``: the w as typed, where the dtype rounded it). None in float64, where
    nothing is rounded, or where the anchor is undefined."""
    if dtype in FLOAT64_NAMES:
        return None
    from fdgui.core.sweep.dtype_exact import FLOAT64, Arithmetic
    from fdgui.core.sweep.extended import Undefined, converged_derivative

    held = Arithmetic(dtype)
    try:
        anchor, anchor_bar, anchor_exact = converged_derivative(text, w, 0, held)
    except Undefined:
        return None
    moved = typed_w is not None and np.isfinite(typed_w) and float(typed_w) != float(w)
    rounds = _constants_round(text, held)
    # (point, arithmetic) of each end; None where it is another end (or the anchor) itself
    points = [
        (w, FLOAT64) if rounds else None,
        (float(typed_w), held) if moved else None,
        (float(typed_w), FLOAT64) if moved and rounds else None,
    ]
    ends: list[float | None] = []
    bar = 0.0
    for spec in points:
        if spec is None:
            ends.append(None)
            continue
        point, arithmetic = spec
        try:
            value, value_bar, exact = converged_derivative(text, point, 0, arithmetic)
        except Undefined:
            ends.append(None)
            continue
        if _switches_differ(anchor_exact, exact) or not np.isfinite(value_bar):
            ends.append(None)  # a branch switches between the two readings: no such end
            continue
        ends.append(value)
        bar = max(bar, value_bar)
    return Ends(
        anchor,
        anchor_bar,
        ends[0],
        ends[1],
        ends[2],
        bar,
        float(typed_w) if moved else float(w),
        float(w),
    )


def _switches_differ(anchor, other) -> bool:
    pairs = zip(anchor.switches, other.switches, strict=False)
    signs = [(np.sign(float(a)), np.sign(float(b))) for (a, _), (b, _) in pairs]
    return any(a == 0 or b == 0 or a != b for a, b in signs)


def _constants_round(text: str, held) -> bool:
    """Whether some typed constant of the expression changes when the dtype holds it."""
    import ast

    import mpmath as mp

    from fdgui.core.models.expression import CONSTANTS

    for node in ast.walk(ast.parse(text, mode="eval").body):
        if isinstance(node, ast.Constant):
            value = node.value
        elif isinstance(node, ast.Name) and node.id in CONSTANTS:
            value = CONSTANTS[node.id]
        else:
            continue
        if held.constant(value, mp) != mp.mpf(float(value)):
            return True
    return False
