"""A derivative typed by a person (``--grad``, the explorer's "your derivative"), evaluated at
w as the gradient under check (``typed_derivative``), and what its exact value says where its
float64 evaluation is not finite (``computed_exactly``).

A typed formula is evaluated in float64, as a program computing it would be; its bar is that
evaluation's round-off, measured against extended precision (``core/sweep/extended.py``).
Where the float64 evaluation is not finite — an intermediate result overflows
(exp(w)/(1 + exp(w))**2 at 800 is inf/inf) — while the formula's exact value is a finite
float64 number, the formula is not wrong on that ground: its exact value is what it claims.
The diagnosis compares that value with the reference: beyond twice both bars the formula is
wrong; otherwise nothing is judged (docs/DIAGNOSIS.md, case ``checked-overflows``): the
formula is right, its float64 evaluation is not (review10i M9).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np

from fdgui.core.sweep.budget import Unbounded
from fdgui.core.sweep.extended import START_DIGITS, Undefined, _mp, _ulp_bar, _up, evaluate
from fdgui.core.sweep.references import ReferenceValue


def typed_derivative(
    text: str,
    w: float,
    dtype: str = "float64",
    loss: str | None = None,
    typed_w: float | str | None = None,
) -> ReferenceValue:
    """A derivative typed by a person (an expression in w or a number), at ``w`` (the dtype's;
    ``typed_w`` the w as typed, its decimal text where known): its float64 value and what
    that value may be off from what was claimed (``core/sweep/claim.py``): for a plain
    number its float64 representation error plus half a unit of its last typed digit; for a
    formula the float64 evaluation's round-off, measured against extended precision; for the
    expression ``loss``, what computing its derivative in the dtype may round
    (``backward_rounding``; without it, in float32/float16/bfloat16, the dtype's rounding of
    a computed gradient) and the segment of its correct derivatives (``claim_ends``: its
    constants and w as typed or as the dtype holds them). A formula whose float64 value is
    not finite keeps, where its exact value is finite, the same claim of that value
    (``exactly``)."""
    from fdgui.core.models.expression import parse_expression
    from fdgui.core.sweep.backward_rounding import backward_bound
    from fdgui.core.sweep.claim import typed_gradient
    from fdgui.core.sweep.claim_ends import correct_ends

    expression = parse_expression(text, "grad")
    value = float(expression.evaluate(np.array([w]), "float64")[0])
    ends = correct_ends(loss, w, dtype, typed_w) if loss is not None else None
    computed = backward_bound(loss, w, dtype) if loss is not None else None
    claim = {"ends": ends, "backward": computed}
    digits = _typed_number_resolution(text, value)
    if digits is not None:
        return typed_gradient(text, value, digits, dtype, **claim)
    error: float | None
    exact: tuple[float, float] | None = None
    try:
        exact_value = evaluate(expression.text, w, 2 * START_DIGITS)
        mp = _mp()
        with mp.workdps(2 * START_DIGITS):
            error = _up(mp, abs(exact_value.value - mp.mpf(value))) + _ulp_bar(value)
        if not np.isfinite(value):
            error = None
            exact = _exact_value(expression.text, w)
    except (Undefined, Unbounded, MemoryError):
        error = None
    gradient = typed_gradient(expression.text, value, error, dtype, **claim)
    if exact is not None:  # the same claim, of the exact value
        gradient = replace(
            gradient, exactly=typed_gradient(expression.text, exact[0], exact[1], dtype, **claim)
        )
    return gradient


def _exact_value(text: str, w: float) -> tuple[float, float] | None:
    """The formula's value at ``w`` to float64 with a bar that bounds it (two precisions'
    difference, four times, plus the rounding to float64), or None where it is not a finite
    float64 number (beyond 1.8e308 too: nothing float64 could hold)."""
    mp = _mp()
    low = evaluate(text, w, 2 * START_DIGITS)
    high = evaluate(text, w, 4 * START_DIGITS)
    with mp.workdps(4 * START_DIGITS):
        if not mp.isfinite(high.value):
            return None
        value = float(high.value)
        if not np.isfinite(value):
            return None
        bar = abs(high.value - mp.mpf(value)) + 4 * abs(high.value - low.value)
        return value, _up(mp, bar)


def computed_exactly(checked: ReferenceValue | None) -> ReferenceValue | None:
    """The typed gradient ``checked`` as its exact value, with that value's bar and the same
    claim, where its float64 evaluation is not finite but its exact value is; else None."""
    return getattr(checked, "exactly", None)


def _typed_number_resolution(text: str, value: float) -> float | None:
    """What the float64 ``value`` of a plain typed number is off from the digits typed (its
    representation error; half a unit of the last digit is added by the claim); None for an
    expression."""
    from fdgui.core.numbers.typed_claim import typed_number

    number = typed_number(text)
    if number is None or not np.isfinite(value):
        return None
    difference = abs(Decimal(value) - number)
    bar = float(difference)
    if Decimal(bar) < difference:  # round up: the bar bounds the representation error
        bar = float(np.nextafter(bar, np.inf))
    return bar
