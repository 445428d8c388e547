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
- **The correct derivatives' segment.** The dtype's losses use the typed constants rounded
  to the dtype at w rounded to it, and the exact reference follows them; a derivative worked
  out from the constants (or the w) as typed is as correct a derivative of the typed
  expression. The claim is allowed its distance to the segment those ends span, never the
  mirror of it (``claim_ends``).
- **What computing it in the dtype may round.** Where the derivative's terms cancel, a
  correct backward pass is off by many u of the gradient (``backward_rounding``).
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

# CLAIM_ROUNDINGS: roundings of u·|g| a gradient computed in a low dtype may carry (the one
# rule with the calculator's, ``format_rounding``; the report's words read it from here)
from fdgui.core.numbers.typed_claim import CLAIM_ROUNDINGS as CLAIM_ROUNDINGS
from fdgui.core.numbers.typed_claim import TYPED_DIGITS_RESOLVE, format_rounding
from fdgui.core.sweep.references import ReferenceValue

# What computing the derivative in the dtype may round confirms nothing beyond this share of
# the derivative (a confirmed gradient stays within 3/8 of the truth, as diagnosis._resolves)
COMPUTATION_RESOLVES = 0.375
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
    → 0.005, "3" → 0.5, "3e2" → 50); 0 for a typed zero (an exact claim) and a formula.
    The rule itself: ``numbers.typed_claim.claim_half_unit`` (the calculator's too)."""
    from fdgui.core.numbers.typed_claim import claim_half_unit

    number = _number(text)
    return 0.0 if number is None else float(claim_half_unit(number))


def dtype_rounding(value: float, dtype: str) -> float:
    """What rounding in ``dtype`` may make a correct computed gradient of size |value| off
    by: ``CLAIM_ROUNDINGS``·u·|value| in float32/float16/bfloat16; 0 in float64 (its few u
    are in every gradient's bar already). A value below the dtype's smallest normal number
    (a typed 0 among them) may be off by that number too: a correct backward's result, or a
    factor of it, underflows there (exp(−25) is 0 in float16, so is its derivative)."""
    rounding = format_rounding(dtype)  # the calculator's rule too
    if rounding is None or not np.isfinite(value):
        return 0.0
    return rounding[0] * abs(value) + underflow(value, dtype)


def underflow(value: float, dtype: str) -> float:
    """The dtype's smallest normal number where |value| is below it (else 0): what underflow
    in a correct backward pass computed in ``dtype`` may leave of a gradient that small."""
    from fdgui.core.numbers.precision import DTYPE_NAMES, smallest_normal

    if dtype not in DTYPE_NAMES:  # "exact" (digits worked out by hand): nothing underflows
        return 0.0
    tiny = smallest_normal(dtype)
    return tiny if abs(value) < tiny else 0.0


@dataclass(frozen=True)
class TypedGradient(ReferenceValue):
    """A typed gradient under check: ``error`` is its whole bar, of which ``claim`` (half a
    unit of the last typed digit, the dtype's or its computation's rounding, and the reach of
    the correct derivatives' segment) is the claim's own rounding — a hard bound on what the
    claim allows, so the verdict takes it once, never doubled. ``claim`` holds the segment's
    larger reach (symmetric, for a reference that does not stand for the segment's anchor);
    ``allowance(checked, reference)`` takes only its reach towards the claim."""

    claim: float = 0.0
    digits: float = 0.0  # the part of ``claim`` that is half a unit of the last typed digit
    dtype: str = "float64"
    constants: float = 0.0  # the segment's larger reach (``claim_ends``), with its bars
    rounding: float = 0.0  # the dtype's / its computation's rounding share
    backward: float = 0.0  # what a backward pass computed in the dtype may round (its share)
    ends: Any = None  # claim_ends.Ends, or None
    representation: float | None = None  # the bar without the claim's rounding
    # a formula whose float64 evaluation is not finite: the same claim of its exact value,
    # where that is a finite float64 number (``typed.computed_exactly``)
    exactly: TypedGradient | None = None


def typed_gradient(
    text: str,
    value: float,
    representation: float | None,
    dtype: str,
    constants: float = 0.0,
    ends: Any = None,
    backward: float | None = None,
):
    """The typed gradient ``text`` (float64 ``value``, its ``representation`` error or a
    formula's round-off; None where unknown) as a reference with its claim's rounding;
    ``ends``: the correct derivatives' segment (``claim_ends.correct_ends``; ``constants``
    a symmetric reach where there is none), ``backward``: what a backward pass computed in
    the dtype may round (``backward_rounding.backward_bound``)."""
    digits = half_unit(text) if np.isfinite(value) else 0.0
    computed = float(backward) if backward is not None and np.isfinite(backward) else 0.0
    rounding = max(dtype_rounding(value, dtype), computed)
    reach = ends.radius if ends is not None else constants
    known = representation is not None
    claim = digits + rounding + reach if known else 0.0
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
        constants=reach if known else 0.0,
        rounding=rounding if known else 0.0,
        backward=computed if known else 0.0,
        ends=ends if known else None,
        representation=representation,
    )


def typed_backprop(reference: Any, dtype: str) -> ReferenceValue:
    """A measured table's backprop gradient (``MeasuredModel.reference``) as the gradient
    under check: a Decimal as typed is a typed claim by the one rule (half a unit of its last
    digit as written; in a float32/float16/bfloat16 source format the rounding it leaves in a
    computed gradient), as ``calc`` and ``--grad`` read the same number; a float (no digits
    known) keeps its value alone."""
    from dataclasses import replace

    value = float(reference)
    if not isinstance(reference, Decimal) or not reference.is_finite() or not np.isfinite(value):
        return ReferenceValue("backprop", value, 0.0, 0, "typed", status="ok")
    difference = abs(Decimal(value) - reference)  # float64's representation error, rounded up
    representation = float(difference)
    if Decimal(representation) < difference:
        representation = float(np.nextafter(representation, np.inf))
    typed = typed_gradient(str(reference), value, representation, dtype)
    return replace(typed, method="backprop", evaluations=0)


def toward(checked: Any, reference: Any) -> float:
    """How far the correct derivatives reach from ``reference`` towards the claim: the
    segment's reach on the claim's side where the reference stands for its anchor (the
    exact derivative of the dtype's function), else its larger reach."""
    reach = float(getattr(checked, "constants", 0.0) or 0.0)
    ends = getattr(checked, "ends", None)
    if ends is None or reach <= 0 or reference is None:
        return reach
    if not ends.anchored(float(reference.value), float(reference.error or 0.0)):
        return reach
    return ends.extent(float(checked.value) - float(reference.value))


def allowance(checked: Any, reference: Any = None) -> float:
    """The claim's own rounding inside a gradient's bar (0 for anything but a typed one);
    against ``reference``, with only the segment's reach towards the claim."""
    claim = float(getattr(checked, "claim", 0.0) or 0.0)
    if reference is None or claim <= 0:
        return claim
    # summed, not claim − reach: a reach of 1e23 (the typed w beside a pole) would absorb
    return float(checked.digits) + float(checked.rounding) + toward(checked, reference)


def error_sides(checked: Any) -> tuple[float, float] | None:
    """(below, above): how far below and above a gradient's value the exact derivative the
    references measure may lie for it to hold — for a typed claim with a segment of correct
    derivatives, its bar with the segment's reach on each side (a claim above the segment's
    anchor is allowed the reach above it, so the anchor may lie that far below the claim;
    the verdict reads it so: ``allowance``); its symmetric bar for anything else; None
    without a bar."""
    error = getattr(checked, "error", None)
    if error is None:
        return None
    ends = getattr(checked, "ends", None)
    if ends is None:
        return float(error), float(error)
    base = float(error) - float(checked.constants)  # the bar without the segment's reach
    return base + ends.extent(1), base + ends.extent(-1)


def own_error(checked: Any) -> float:
    """The gradient's bar without the claim's own rounding: its representation error or a
    formula's round-off (for a typed one), else its whole bar."""
    representation = getattr(checked, "representation", None)
    if representation is not None:
        return float(representation)
    return float(checked.error) - allowance(checked)


def agreement_facts(checked: Any, truth: Any, strict: float) -> dict:
    """Facts for the words when a typed gradient agrees with ``truth`` only thanks to its
    claim's rounding: ``claim_rounding`` "digits" (half a unit of the last typed digit covers
    the difference), "dtype" (the dtype's rounding of a computed gradient does), "backward"
    (what computing the derivative in the dtype may round, beyond that) or "constants" (the
    segment of correct derivatives: ``claim_end`` names the end it matches), with the
    difference and the allowance. ``strict``: both bars without the claim's rounding. Empty
    when they already cover the difference."""
    claim = allowance(checked, truth)
    if claim <= 0 or truth is None:
        return {}
    difference = abs(float(checked.value) - float(truth.value))
    if difference <= strict:
        return {}
    reach = toward(checked, truth)
    rounding = checked.rounding
    facts: dict[str, Any] = {
        "claim_difference": difference,
        "claim_dtype": checked.dtype,
        "claim_text": checked.note[len(TYPED_PREFIX) :],
        "claim_digits": checked.digits,
        "claim_strict": strict,
    }
    # the agreement rests on the typed digits when the claim's other roundings do not cover it
    facts["claim_needs_digits"] = difference > strict + rounding + reach
    facts["claim_other"] = rounding + reach  # the dtype's and constants' share
    # the segment covers it without the typed digits: its end is named (2·(w − 1) at the
    # typed w = 1.0001 typed "0.0002"), else the digits, then the segment with them
    on_segment = reach > 0 and strict + rounding < difference <= strict + rounding + reach
    if on_segment:
        facts.update(claim_rounding="constants", claim_allowance=reach)
        facts.update(_end_facts(checked, strict + checked.digits + rounding))
    elif checked.digits > 0 and difference <= strict + checked.digits:
        facts.update(claim_rounding="digits", claim_half_unit=checked.digits)
    elif reach > 0 and difference > strict + checked.digits + rounding:
        facts.update(claim_rounding="constants", claim_allowance=reach)
        facts.update(_end_facts(checked, strict + checked.digits + rounding))
    elif checked.backward > dtype_rounding(float(checked.value), checked.dtype) and (
        difference > strict + checked.digits + dtype_rounding(float(checked.value), checked.dtype)
    ):
        facts.update(claim_rounding="backward", claim_allowance=checked.backward)
    else:
        facts.update(claim_rounding="dtype", claim_allowance=claim)
    return facts


def _end_facts(checked: Any, slack: float) -> dict:
    """Which end of the segment the claim matches (within ``slack`` and the end's bar):
    "constants" (the constants as typed), "w" (the w as typed), "both", or "between"."""
    ends = checked.ends
    if ends is None:
        return {"claim_end": "constants"}
    value = float(checked.value)
    near = {
        name: end
        for name, end in (
            ("constants", ends.typed_constants),
            ("w", ends.typed_w),
            ("both", ends.typed_both),
        )
        if end is not None and abs(value - end) <= slack + ends.bar
    }
    facts: dict[str, Any] = {"claim_w_typed": ends.w_typed, "claim_w_dtype": ends.w_dtype}
    for name in ("constants", "w", "both"):
        if name in near:
            return {**facts, "claim_end": name, "claim_end_value": near[name]}
    far = max(ends.values(), key=lambda e: abs(e - ends.anchor), default=ends.anchor)
    return {**facts, "claim_end": "between", "claim_end_value": far}


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


def computation_too_coarse(facts: dict, checked: Any, truth: Any) -> str | None:
    """Whether the agreement needs an allowance wider than ``COMPUTATION_RESOLVES`` of the
    derivative, so that a bug that size would agree as well: "computation" where it needs
    what computing the derivative in the dtype may round (float16 tanh(10·w) near
    saturation; a float64 1 − tanh² that is 0 for 1e-70), "segment" where it needs the reach
    of the correct derivatives beyond the derivative's own size (w typed as 28641.19, held
    by float16 as 28640); None otherwise. Neither confirmed nor called wrong."""
    if not facts.get("claim_rounding") or checked is None or truth is None:
        return None
    difference = facts["claim_difference"]
    base = facts["claim_strict"] + checked.digits
    size = COMPUTATION_RESOLVES * abs(float(truth.value))
    # the segment's ends are each a correct derivative: too coarse only where they span
    # more than the derivative itself (its sign or scale undetermined: w typed 28641.19 is
    # 28640 in float16, and cos there is another number)
    if toward(checked, truth) > abs(float(truth.value)) and difference > base + checked.rounding:
        return "segment"
    # underflow below the dtype's smallest normal number is part of what the computation
    # may round: relied on beyond the derivative's share, it confirms nothing either
    tiny = underflow(float(checked.value), checked.dtype)
    ten = dtype_rounding(float(checked.value), checked.dtype) - tiny
    if max(checked.backward, tiny) > size and difference > base + ten:
        return "computation"
    return None
