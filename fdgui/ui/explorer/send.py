"""What Send to calculator gives the calculator besides the losses: the gradient under check
(a typed number with its digits as typed, so both panels claim the same half unit of its
last digit: "1e2" is not "100") and the explorer's verdict with its tightest reference, so the
calculator's words beside its own verdict are measured, not assumed (review10j M2)."""

from __future__ import annotations

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


def sent_origin(result: Any, diagnosis: Any) -> dict[str, str] | None:
    """The explorer's diagnosis ({"kind", "title"}) and its tightest trusted reference
    ({"reference", "reference_error", "reference_method"}) for the calculator's words."""
    if diagnosis is None:
        return None
    from fdgui.core.report.sweep import diagnosis_title

    origin = {"kind": diagnosis.kind, "title": diagnosis_title(diagnosis)}
    trusted = result.trusted_references()
    if trusted:
        origin.update(
            reference=repr(float(trusted[0].value)),
            reference_error=repr(float(trusted[0].error or 0.0)),
            reference_method=trusted[0].method,
        )
    return origin
