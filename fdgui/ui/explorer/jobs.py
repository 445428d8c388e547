"""The explorer's sweep job (one generator for the GUI thread or the worker) and the small
helpers its model uses on results and saved data."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

from fdgui.core import requests
from fdgui.core.numbers.parsing import InputError


def _positive_number(value: Any) -> float | None:
    """A finite positive float from saved data, else None (bools, text, 10**400 included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number > 0 else None


def _disagreeing_reference(result: Any) -> Any:
    """See ExplorerModel.disagreeing_reference: the tightest trusted reference when it differs
    from the gradient under check by more than twice their error bars together."""
    trusted = result.trusted_references()
    reference = result.reference
    if not trusted or reference is None:
        return None
    from fdgui.core.sweep.claim import error_sides

    first = trusted[0]
    sides = error_sides(reference)  # a typed claim's segment reaches one way only
    own = None if sides is None else sides[0] if first.value < reference.value else sides[1]
    if own is None or not math.isfinite(own):
        own = 1e-6 * max(abs(reference.value), abs(first.value))
    bar = float(first.error or 0.0) + own
    return first if abs(first.value - reference.value) > 2.0 * bar else None


def _words(error: BaseException) -> str:
    if isinstance(error, InputError):
        return error.message
    if isinstance(error, MemoryError):
        return "not enough memory for this sweep; use fewer points or a smaller network"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _sweep_job(
    build: Callable[[], Any],
    settings: Any,
    chunk: int | None,
    automatic: bool | dict[str, str] = False,
    after: Any = None,
) -> Generator[tuple[float, str], None, tuple[Any, Any, Any]]:
    """Build the objective, sweep it and diagnose: one generator for either thread.
    ``automatic``: the range's texts (``min``, ``max``) where one is empty — the smallest
    ε follows the dtype at the objective's w, the largest follows w (True: the smallest).
    ``after``: a threading.Event to wait for first (the cursor's measurement on the same probe: one
    call at a time, and a sweep cancelled meanwhile never calls the probe, which would
    start again a process a new pick just closed)."""
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import sweep_steps

    yield 0.0, "preparing"
    while after is not None and not after.wait(0.05):
        yield 0.0, "waiting for the cursor's measurement"
    objective = build()
    if automatic:
        point = getattr(objective, "point", None)
        texts = automatic if isinstance(automatic, dict) else {"min": "", "max": "1"}
        settings = requests.resolve_sweep_range(settings, texts, point)
    result = yield from sweep_steps(objective, settings, chunk=chunk)
    from fdgui.ui.worker import interruptible

    with interruptible():  # one call, seconds for a long table: Cancel stops it at once
        diagnosis = diagnose(result)
    return objective, result, diagnosis
