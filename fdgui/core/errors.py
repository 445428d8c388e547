"""The one error convention of the core: a typed value that cannot be used, and which one."""

from __future__ import annotations


class InputError(ValueError):
    """A typed value that cannot be used; ``field`` names the input, ``message`` says why.

    ``errors`` holds every field that is wrong (field -> message) when a request found more
    than one at once; ``field``/``message`` are then the first of them.
    """

    def __init__(self, field: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.errors: dict[str, str] = dict(errors) if errors else {field: message}

    @classmethod
    def collected(cls, errors: dict[str, str]) -> InputError:
        """One error carrying several fields' messages (the first one is field/message)."""
        field, message = next(iter(errors.items()))
        return cls(field, message, errors)
