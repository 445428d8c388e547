"""A budget for extended-precision work (core/sweep/extended.py): an exponent cap, a wall-time
deadline and mpmath's MemoryError turn a reference into 'unavailable' rather than a frozen
window or a false 'out of memory'; a strict budget (a sweep on the GUI thread) raises
OverBudget so the caller moves the work to the worker."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator
from contextvars import ContextVar


class Unbounded(Exception):
    """The extended-precision evaluation would cost too much (an intermediate exponent beyond
    ``EXPONENT_CAP_BITS``, mpmath out of memory, or the time budget spent): the reference is
    unavailable, which says nothing about the expression's derivative."""


class OverBudget(Exception):
    """A strict budget (a sweep run on the GUI thread) was spent: run the work elsewhere."""


# 2^(1e15): far beyond every float format, still a small exponent integer for mpmath;
# a power beyond it (w**w**w**w**w at 10) would build exponents of gigabytes
EXPONENT_CAP_BITS = 1e15
BUDGET_S = 2.0  # wall time one reference (or magnitude) may take before it is given up
# (generous: under load an ordinary reference must never lose it; the exponent cap is what
# stops the explosive cases)
# (deadline from time.monotonic(), strict: raise OverBudget instead of Unbounded)
_deadline: ContextVar[tuple[float, bool] | None] = ContextVar("extended_deadline", default=None)


@contextlib.contextmanager
def budget(seconds: float, strict: bool = False) -> Iterator[None]:
    """Bound the extended-precision work inside: past ``seconds`` it raises Unbounded (the
    reference is unavailable) or, when ``strict``, OverBudget (the caller moves the work)."""
    token = _deadline.set((time.monotonic() + seconds, strict))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time() -> None:
    limit = _deadline.get()
    if limit is not None and time.monotonic() > limit[0]:
        if limit[1]:
            raise OverBudget("the extended-precision reference takes too long here")
        raise Unbounded("it takes too long to evaluate in extended precision")


def unavailable_then(unavailable):
    """Run the function under the default budget unless one is already set; when the work
    is Unbounded (mpmath out of memory included: never 'out of memory' for the whole run) it
    returns ``unavailable(why)`` instead."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with contextlib.ExitStack() as stack:
                if _deadline.get() is None:
                    stack.enter_context(budget(BUDGET_S))
                try:
                    try:
                        return function(*args, **kwargs)
                    except MemoryError:
                        raise Unbounded("its intermediate values do not fit in memory") from None
                except Unbounded as why:
                    return unavailable(why)

        return wrapper

    return decorate
