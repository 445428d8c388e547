"""The one escaping rule for everything fdgui-cli prints: text that came from outside (a
file's cells, a path, a probe's output) can never move the cursor or clear a terminal.

Every character Python does not call printable — ESC, NUL, BEL, CR, DEL, the C1 controls
(U+009B is a CSI on some terminals), BOM, zero-width and line/paragraph separators — is
written escaped: on stderr as every one-line message shows it (``\\x1b``, ``\\ufeff``:
numbers.parsing's rule), on stdout as a JSON escape (``\\u001b``; surrogate pairs above
U+FFFF), which keeps ``--json`` output valid (such characters occur only inside strings
there). Newlines and tabs pass, so reports keep their layout. The CLI wraps stdout and stderr in it
for the whole run (``escaped_output``), so no print can forget it."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import TextIO

_LAYOUT = re.compile("[\n\t]")


def _escape_character(character: str, json: bool) -> str:
    if character in "\n\t" or character.isprintable():
        return character
    if not json:
        from fdgui.core.numbers.parsing import _visible

        return _visible(character)
    code = ord(character)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape(text: str, json: bool = False) -> str:
    """``text`` with every non-printable character except newline and tab escaped (``json``:
    in the form a JSON string allows)."""
    if all(part.isprintable() for part in _LAYOUT.split(text)):
        return text  # the common case, checked in C
    return "".join(_escape_character(character, json) for character in text)


class EscapingStream:
    """A text stream that writes through ``escape`` to the stream it wraps."""

    def __init__(self, stream: TextIO, json: bool) -> None:
        self._stream, self._json = stream, json

    def write(self, text: str) -> int:
        self._stream.write(escape(text, self._json))
        return len(text)

    def __getattr__(self, name: str):  # flush, encoding, isatty, fileno, …
        return getattr(self._stream, name)


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    """stdout and stderr escaped while the block runs (then put back as they were)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(out, True), EscapingStream(err, False)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
