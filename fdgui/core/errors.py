"""The one error convention of the core: a typed value that cannot be used, and which one."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

#: a value echoed in a message is shortened to this many characters (a pasted page is not
#: repeated back beside a field)
ECHO_LIMIT = 40
_QUOTED = re.compile(r"('|“|\")([^'”\"]{" + str(ECHO_LIMIT + 1) + r",})('|”|\")")
_LONG_WORD = re.compile(r"\S{" + str(4 * ECHO_LIMIT + 1) + ",}")


def shorten_echoes(message: str) -> str:
    """``message`` with every quoted value longer than ECHO_LIMIT (and any unquoted run of
    over 160 characters) cut in the middle with an ellipsis."""

    def cut(text: str) -> str:
        keep = (ECHO_LIMIT - 1) // 2
        return f"{text[:keep]}…{text[-keep:]}"

    message = _QUOTED.sub(lambda m: m.group(1) + cut(m.group(2)) + m.group(3), message)
    return _LONG_WORD.sub(lambda m: cut(m.group(0)), message)


class InputError(ValueError):
    """A typed value that cannot be used; ``field`` names the input, ``message`` says why.

    ``errors`` holds every field that is wrong (field -> message) when a request found more
    than one at once; ``field``/``message`` are then the first of them.
    """

    def __init__(self, field: str, message: str, errors: dict[str, str] | None = None) -> None:
        message = shorten_echoes(message)
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.errors: dict[str, str] = (
            {f: shorten_echoes(m) for f, m in errors.items()} if errors else {field: message}
        )

    @classmethod
    def collected(cls, errors: dict[str, str]) -> InputError:
        """One error carrying several fields' messages (the first one is field/message)."""
        field, message = next(iter(errors.items()))
        return cls(field, message, errors)


class ModelFailure(InputError):
    """A model's own code failed while it was evaluated (a probe process killed, crashed,
    stopped or timed out, or the person's code raised): the run fails with it. Never read as
    "undefined here" (see ``numeric_failures``)."""


@contextlib.contextmanager
def numeric_failures(*kinds: type[BaseException]) -> Iterator[None]:
    """``contextlib.suppress(*kinds)`` for the numbers' own failures (no reference at this
    point), except a ``ModelFailure``, which always goes on up."""
    try:
        yield
    except ModelFailure:
        raise
    except kinds:
        pass
