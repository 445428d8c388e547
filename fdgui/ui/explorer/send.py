"""What Send to calculator gives the calculator besides the losses: the gradient under check
(a typed number with its digits as typed, so both panels claim the same half unit of its
last digit: "1e2" is not "100") and the explorer's verdict with its tightest reference, so the
calculator's words beside its own verdict are measured, not assumed (review10j M2); and the
steps the losses were really taken at, w ± ε rounded to the dtype (issue 10: divided by the
nominal ε, a correct gradient read "Wrong")."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def sent_backprop(reference: Any) -> str | None:
    """The gradient under check as the calculator's backprop text (None without one)."""
    if reference is None:
        return None
    from fdgui.core.numbers.format import full
    from fdgui.core.numbers.parsing import InputError, parse_number
    from fdgui.core.sweep.claim import TYPED_PREFIX

    note = getattr(reference, "note", "") or ""
    if note.startswith(TYPED_PREFIX):
        text = note[len(TYPED_PREFIX) :].strip()
        try:
            parse_number(text, "backprop")
        except InputError:  # a formula: its value's shortest digits
            pass
        else:
            return text
    return full(reference.value)


def sent_steps(objective: Any, result: Any, epsilon: float) -> tuple[Decimal, Decimal] | None:
    """The steps a function objective's losses at the cursor ε were really taken at:
    (h+, h−) = ((w+ε)_dtype − w, w − (w−ε)_dtype), exact (differences of binary numbers),
    as the sweep forms w ± ε (``engine.perturbed_points``, w rounded to the dtype first).
    None where there is nothing to correct (ε itself, both sides), for measured rows (their ε
    is the step the table gives) and where a side is no step (w ± ε rounded to w: there the
    one-sided difference has no step to divide by; ε is kept, as before)."""
    if getattr(objective, "rows", None) is not None or result.point is None:
        return None
    import numpy as np

    from fdgui.core.calculator.rounding import EXACT
    from fdgui.core.numbers.precision import numpy_dtype
    from fdgui.core.sweep.engine import perturbed_points

    plus, minus = perturbed_points(objective.point, np.array([epsilon]), result.dtype)
    point = float(np.asarray(objective.point, dtype=np.float64).astype(numpy_dtype(result.dtype)))
    values = (float(plus[0]), float(minus[0]), point)
    if not all(np.isfinite(values)):
        return None
    at_plus, at_minus, at_point = (Decimal(value) for value in values)
    steps = (EXACT.subtract(at_plus, at_point), EXACT.subtract(at_point, at_minus))
    if min(steps) <= 0 or steps == (Decimal(epsilon), Decimal(epsilon)):
        return None
    return steps


def sent_origin(result: Any, diagnosis: Any) -> dict[str, str] | None:
    """The explorer's diagnosis ({"kind", "title"}) and its tightest trusted reference
    ({"reference", "reference_error", "reference_method"}) for the calculator's words and its
    "at this ε" verdict; for a typed claim, what the explorer allows it beyond its typed
    digits ({"allowance"}: the expression's backward rounding in the dtype, the correct
    derivatives' reach), which the calculator takes in place of its blanket 10·u·|g|."""
    if diagnosis is None:
        return None
    from fdgui.core.report.sweep import diagnosis_title

    origin = {"kind": diagnosis.kind, "title": diagnosis_title(diagnosis)}
    trusted = list(result.trusted_references())
    checked = result.reference
    if getattr(checked, "method", "") == "analytic" and getattr(checked, "trusted", False):
        # an expression's own derivative (no gradient typed): the exact derivative, worked
        # out in extended precision with its bar — a reference for the truth as good as any
        trusted = sorted([*trusted, checked], key=lambda r: float(r.error or 0.0))
    if trusted:
        origin.update(
            reference=repr(float(trusted[0].value)),
            reference_error=repr(float(trusted[0].error or 0.0)),
            reference_method=trusted[0].method,
        )
        if getattr(checked, "claim", None) is not None:  # a typed claim: what it allows
            from fdgui.core.sweep.claim import cover

            allowed = float(cover(checked, trusted[0]))
            if math.isfinite(allowed):
                origin["allowance"] = repr(allowed)
    return origin
