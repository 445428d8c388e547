"""The correct derivatives a typed gradient may match: a segment, not a ball
(docs/DIAGNOSIS.md, "A typed gradient's claim").

The losses are taken at w rounded to the dtype, with the typed constants rounded to it, and
the exact reference follows them: T_d, the anchor. A derivative worked out from the
constants as typed (0.7 the decimal, π itself), or at the w as typed (0.70000001, not the
float64 0.70000000999999995), is as correct a derivative of the typed expression: T(constants
as typed), T(w as typed), and both. This holds in float64 as in the narrower dtypes: float64
rounds 0.7 and 0.70000001 too, and beside a pole the exact derivative of the expression as
typed is 1e-8 from the float64 one. The correct set is the hull of these ends — the segment
from the smallest to the largest — and a claim is allowed only its distance to that segment
(plus the claim's other roundings), so a claim on the far side of T_d from the typed
constants' derivative, or beyond it, gets no share of their gap. An end whose branch
switches differ from the anchor's (a kink between the two readings) is left out. A switch
exactly at w is read, for the anchor and every end alike, as the analytic reference reads it
(``switch_limit.two_sided``: where its sides meet; no end where they do not), and a reading
at a C¹ switch is no branch difference from one beside it (review13v C4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np

from fdgui.core.sweep.budget import unavailable_then
from fdgui.core.sweep.dtype_exact import Arithmetic

FLOAT64_NAMES = ("exact", "complex128")  # nothing the losses round: no segment


@dataclass(frozen=True)
class AsTyped(Arithmetic):
    """The constants as typed: the decimal a float64 constant was read from (its shortest
    repr, what was typed), π and e themselves for the names."""

    def constant(self, value: float, mp):
        from fdgui.core.models.expression import CONSTANTS

        value = float(value)
        if value == CONSTANTS["pi"]:
            return +mp.pi
        if value == CONSTANTS["e"]:
            return +mp.e
        return mp.mpf(repr(value))


TYPED = AsTyped()


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
    w_text: str | None = None  # the w as typed (its decimal), where it is not w_dtype

    def values(self) -> list[float]:
        return [e for e in (self.typed_constants, self.typed_w, self.typed_both) if e is not None]

    def extent(self, side: float, constants_only: bool = False) -> float:
        """How far the segment reaches from the anchor on ``side`` (> 0 above, else below),
        with the ends' bars; 0 where no end lies that way. ``constants_only``: the end of
        the constants as typed at the dtype's w alone (what a backward computed in the
        dtype from the typed constants, folded in float64, starts from)."""
        ends = self.values()
        if constants_only:
            ends = [] if self.typed_constants is None else [self.typed_constants]
        if side > 0:
            reach = max([e - self.anchor for e in ends] + [0.0])
        else:
            reach = max([self.anchor - e for e in ends] + [0.0])
        return reach + self.bar + self.anchor_bar if reach > 0 else 0.0

    @property
    def radius(self) -> float:
        return max(self.extent(1), self.extent(-1))

    @property
    def constants_radius(self) -> float:
        return max(self.extent(1, True), self.extent(-1, True))

    def anchored(self, value: float, bar: float) -> bool:
        """Whether a reference (``value`` ± ``bar``) stands for the anchor: the segment is
        then read from it; any other reference gets the symmetric allowance."""
        slack = bar + self.anchor_bar + 4 * 2.0**-53 * abs(self.anchor)
        return abs(value - self.anchor) <= slack


@unavailable_then(lambda why: None)
def correct_ends(text: str, w: float, dtype: str, typed_w=None) -> Ends | None:
    """The ends of the correct derivatives of the expression ``text`` at the dtype's ``w``
    (``typed_w``: the w as typed — its text, a Decimal or a float — where the dtype rounded
    it). None where nothing is rounded (exact arithmetic) or the anchor is undefined."""
    if dtype in FLOAT64_NAMES:
        return None
    from fdgui.core.sweep.dtype_exact import FLOAT64
    from fdgui.core.sweep.extended import Undefined, converged_derivative

    held = Arithmetic(dtype)
    try:
        anchor, anchor_bar, anchor_exact = converged_derivative(text, w, 0, held)
    except Undefined:
        return None
    read = _two_sided(text, w, anchor, anchor_bar, anchor_exact, held)
    if read is None:
        return None
    anchor, anchor_bar = read
    point = typed_point(typed_w, w)
    rounds = _constants_round(text, held)
    # (point, arithmetic) of each end, and its twin read in float64 (a derivative worked out
    # in numpy from the constants and w as float64 holds them: as correct, a hair away), in
    # the narrower dtypes; None where it is another end (or the anchor) itself
    twins = dtype != "float64"
    points = [
        ((w, TYPED), (w, FLOAT64)) if rounds else None,
        ((point, held), (float(point), held)) if point is not None else None,
        ((point, TYPED), (float(point), FLOAT64)) if point is not None and rounds else None,
    ]
    ends: list[float | None] = []
    bar = 0.0
    for spec in points:
        end = _end(text, anchor_exact, *spec[0]) if spec is not None else None
        ends.append(None if end is None else end[0])
        if end is None:
            continue
        bar = max(bar, end[1])
        twin = _end(text, anchor_exact, *spec[1]) if twins and spec is not None else None
        if twin is not None:  # its gap to the end widens that end's bar
            bar = max(bar, twin[1] + abs(twin[0] - end[0]))
    return Ends(
        anchor,
        anchor_bar,
        ends[0],
        ends[1],
        ends[2],
        bar,
        float(point) if point is not None else float(w),
        float(w),
        point,
    )


def _end(text: str, anchor_exact, at, arithmetic) -> tuple[float, float] | None:
    """(the derivative, its bar) at ``at`` in ``arithmetic``; None where it is undefined or a
    branch switches between this reading and the anchor's (no such end)."""
    from fdgui.core.sweep.extended import Undefined, converged_derivative

    try:
        value, value_bar, exact = converged_derivative(text, at, 0, arithmetic)
    except Undefined:
        return None
    if _switches_differ(anchor_exact, exact):
        return None
    read = _two_sided(text, at, value, value_bar, exact, arithmetic)
    if read is None or not np.isfinite(read[1]):
        return None
    return read


def _two_sided(text: str, at, value: float, bar: float, exact, arithmetic):
    """(the derivative, its bar) at ``at`` as the analytic reference reads it: at a switch
    exactly at ``at`` whose sides meet, where they meet (``switch_limit.two_sided``: the
    same rule for the anchor and every end, so the typed constants' end is there at a C¹
    switch as beside it); None where the sides differ (no derivative, no end)."""
    from fdgui.core.sweep.extended import KinkAt
    from fdgui.core.sweep.switch_limit import two_sided

    read = two_sided(text, at, value, bar, exact, arithmetic)
    return None if isinstance(read, KinkAt) else read


def typed_point(typed_w, w: float) -> str | None:
    """The w as typed, as the decimal text the exact evaluation reads, where it is not the
    dtype's ``w`` itself (None there, or where nothing was typed)."""
    if typed_w is None:
        return None
    try:
        number = Decimal(str(typed_w).strip().replace("\u2212", "-"))
    except InvalidOperation:
        return None
    if not number.is_finite() or not math.isfinite(float(w)) or number == Decimal(float(w)):
        return None
    return str(number)


def _switches_differ(anchor, other) -> bool:
    """Whether a switch takes the other branch in ``other`` than in the anchor (a kink may lie
    between the readings). A switch at w in one reading or both is no such difference: that
    reading is taken from its sides (``_two_sided``), which exist only where they meet —
    the branch the other reading is on then leads on from the same derivative (a C¹ switch
    whose argument holds a constant the dtype rounds: relu(w − 0.1)² at the float32 0.1)."""
    pairs = zip(anchor.switches, other.switches, strict=False)
    signs = [(np.sign(float(a)), np.sign(float(b))) for (a, _), (b, _) in pairs]
    return any(a * b < 0 for a, b in signs)


def _constants_round(text: str, held) -> bool:
    """Whether some typed constant of the expression is another number as the dtype holds
    it than as typed (0.7 in float64 too; 0.5 in none)."""
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
        with mp.workdps(40):
            if held.constant(value, mp) != TYPED.constant(value, mp):
                return True
    return False
