"""What a typed gradient claims, and the rounding that claim is known to.

A derivative typed by a person (``--grad``, the explorer's "your derivative") is judged
against the exact derivative of the function the losses compute. Two roundings are part of
the claim itself, not a bug in it:

- **The typed digits.** A number typed with n significant digits says "the derivative is
  this, to n digits": it is known only to half a unit in its last typed digit (0.76484219,
  as numpy prints a float32 gradient with 8 digits, stands for any value within 5e-9 of it).
  A correct derivative typed short is therefore not "wrong"; the words say it differs by X,
  within the rounding of the typed digits. A formula (``cos(w)``) has no typed digits: it
  carries only its float64 evaluation's round-off (``typed.typed_derivative``).
- **The rounding of the loss's constants.** The dtype's losses use the typed constants
  rounded to the dtype, and the exact reference follows them; a derivative worked out from
  the constants as typed is as correct a derivative of the typed expression. Their two
  derivatives differ by a known amount (large near a pole: 1/(w − 0.488) in float32), which
  the claim allows too (``extended.constants_shift``).
- **The dtype's rounding of a computed gradient.** In float32, float16 and bfloat16 the
  gradient a correct backward pass returns is at best the exact derivative rounded to the
  dtype (an error up to u relative), and a chain of operations adds a few such roundings. As
  the network check allows ten times one rounding (``core/netcheck/tolerances.py``: atol is
  10·u·|L|/ε), a typed gradient may differ from the exact derivative by up to
  ``CLAIM_ROUNDINGS``·u·|g| in these dtypes; within that it is correct, "limited by" the
  dtype. Float64 keeps the few u of ``diagnosis._gradient_bar``.

Both are part of the gradient's error bar, which is fixed for a given typed text and dtype,
so the verdict stays monotone in how far the gradient is off: a bug larger than the
allowance (twice the combined bars, as for every reference) is still "wrong".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from fdgui.core.sweep.references import ReferenceValue

CLAIM_ROUNDINGS = 10.0  # roundings of u·|g| a gradient computed in a low dtype may carry
# A typed number whose half unit in the last digit exceeds this share of it cannot show the
# seed's "correct" band (seven digits): an agreement resting on those digits decides nothing
TYPED_DIGITS_RESOLVE = 1e-7
TYPED_PREFIX = "typed: "  # how typed.typed_derivative notes the text of a typed gradient


def _number(text: str) -> Decimal | None:
    """The typed text as a finite decimal number, or None for a formula."""
    try:
        number = Decimal(text.strip().replace("\u2212", "-"))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def half_unit(text: str) -> float:
    """Half a unit in the last digit typed (0.5·10^exponent of the decimal as typed: "0.20"
    → 0.005, "3" → 0.5, "3e2" → 50); 0 for a formula."""
    number = _number(text)
    if number is None:
        return 0.0
    exponent = number.as_tuple().exponent
    return float(Decimal(5) * Decimal(10) ** (int(exponent) - 1))


def dtype_rounding(value: float, dtype: str) -> float:
    """What rounding in ``dtype`` may make a correct computed gradient of size |value| off
    by: ``CLAIM_ROUNDINGS``·u·|value| in float32/float16/bfloat16; 0 in float64 (its few u
    are in every gradient's bar already)."""
    if dtype in ("float64", "exact", "complex128") or not np.isfinite(value):
        return 0.0
    from fdgui.core.numbers.precision import unit_roundoff

    try:
        u = unit_roundoff(dtype)
    except ValueError:
        return 0.0
    return CLAIM_ROUNDINGS * u * abs(value)


@dataclass(frozen=True)
class TypedGradient(ReferenceValue):
    """A typed gradient under check: ``error`` is its whole bar, of which ``claim`` (half a
    unit of the last typed digit plus the dtype's rounding) is the claim's own rounding — a
    hard bound on what the claim allows, so the verdict takes it once, never doubled."""

    claim: float = 0.0
    digits: float = 0.0  # the part of ``claim`` that is half a unit of the last typed digit
    dtype: str = "float64"
    constants: float = 0.0  # the part that is the dtype's rounding of the loss's constants
    # a formula whose float64 evaluation is not finite: the same claim of its exact value,
    # where that is a finite float64 number (``typed.computed_exactly``)
    exactly: TypedGradient | None = None


def typed_gradient(
    text: str, value: float, representation: float | None, dtype: str, constants: float = 0.0
):
    """The typed gradient ``text`` (float64 ``value``, its ``representation`` error or a
    formula's round-off; None where unknown) as a reference with its claim's rounding;
    ``constants``: how far rounding the loss's typed constants to the dtype moves its
    derivative (``extended.constants_shift``)."""
    digits = half_unit(text) if np.isfinite(value) else 0.0
    rounding = dtype_rounding(value, dtype)
    known = representation is not None
    claim = digits + rounding + constants if known else 0.0
    error = None if representation is None else representation + claim
    return TypedGradient(
        "your derivative",
        value,
        error,
        1,
        f"{TYPED_PREFIX}{text.strip()}",
        claim=claim,
        digits=digits if known else 0.0,
        dtype=dtype,
        constants=constants if known else 0.0,
    )


def allowance(checked: Any) -> float:
    """The claim's own rounding inside a gradient's bar (0 for anything but a typed one)."""
    return float(getattr(checked, "claim", 0.0) or 0.0)


def agreement_facts(checked: Any, truth: Any, strict: float) -> dict:
    """Facts for the words when a typed gradient agrees with ``truth`` only thanks to its
    claim's rounding: ``claim_rounding`` "digits" (half a unit of the last typed digit covers
    the difference) or "dtype" (the dtype's rounding of a computed gradient does), with the
    difference and the allowance. ``strict``: both bars without the claim's rounding. Empty
    when they already cover the difference."""
    claim = allowance(checked)
    if claim <= 0 or truth is None:
        return {}
    difference = abs(float(checked.value) - float(truth.value))
    if difference <= strict:
        return {}
    facts: dict[str, Any] = {
        "claim_difference": difference,
        "claim_dtype": checked.dtype,
        "claim_text": checked.note[len(TYPED_PREFIX) :],
        "claim_digits": checked.digits,
    }
    rounding = claim - checked.digits - checked.constants
    # the agreement rests on the typed digits when the claim's other roundings do not cover it
    facts["claim_needs_digits"] = difference > strict + rounding + checked.constants
    facts["claim_other"] = rounding + checked.constants  # the dtype's and constants' share
    if checked.digits > 0 and difference <= strict + checked.digits:
        facts.update(claim_rounding="digits", claim_half_unit=checked.digits)
    elif checked.constants > 0 and difference > strict + checked.digits + rounding:
        facts.update(claim_rounding="constants", claim_allowance=checked.constants)
    else:
        facts.update(claim_rounding="dtype", claim_allowance=claim)
    return facts


def too_few_digits(facts: dict, checked: Any) -> bool:
    """Whether the agreement rests on half a unit of the last typed digit (the bars and the
    dtype's and constants' roundings alone do not cover the difference) and that half unit is
    wider than ``TYPED_DIGITS_RESOLVE``·|gradient|: "1" typed
    for a derivative of 0.765, or a four-decimal print 0.7648 of 0.764842, is then too coarse
    to judge, not correct — a bug as large as those digits' rounding would pass as well. Typing
    more digits decides it."""
    if not facts.get("claim_needs_digits") or checked is None:
        return False
    return checked.digits > TYPED_DIGITS_RESOLVE * abs(float(checked.value))
