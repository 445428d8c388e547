"""Long jobs as generators: the one convention every engine follows, and the one driver.

A job is a generator that yields ``(fraction, message)`` after each piece of work (each yield
is a point where the caller may stop it by closing the generator) and *returns* its result.
The window runs jobs on a worker thread (``fdgui.ui.worker``), which forwards the yields as
progress signals and closes the generator on Cancel; scripts, the CLI and tests run them to
the end on their own thread with :func:`drive`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

Result = TypeVar("Result")
Progress = tuple[float, str]
Job = Generator[Any, None, Result]


def drive(
    job: Generator[Any, None, Result],
    progress: Callable[[float, str], None] | None = None,
) -> Result:
    """Run ``job`` to the end on this thread and return what it returns.

    ``progress`` receives each ``(fraction, message)`` the job yields (a bare number is
    passed with an empty message).
    """
    while True:
        try:
            step = next(job)
        except StopIteration as stop:
            return stop.value
        if progress is not None:
            if isinstance(step, tuple):
                progress(float(step[0]), str(step[1]) if len(step) > 1 else "")
            else:
                progress(float(step), "")
