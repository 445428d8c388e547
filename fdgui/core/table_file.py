"""Reading a table of measurements (ε, L+, L−[, L]) from a file or a pipe, bounded: at most
``MAX_TABLE_BYTES`` are read whatever the source (a regular file, /dev/zero, an endless
pipe), so a wrong path can never fill the memory; beyond it the table is refused in words.
One reader for `fdgui-cli sweep --table`, the explorer's Import table… and dropped tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from fdgui.core.errors import InputError

MAX_TABLE_BYTES = 32 * 2**20  # about a million rows: far beyond any table measured by hand


def read_table_text(
    source: str | Path, field: str = "table", *, stdin: BinaryIO | None = None, strict: bool = True
) -> str:
    """The text of the table at ``source`` ("-": standard input); raises InputError(field)
    when it cannot be read, is larger than ``MAX_TABLE_BYTES`` or (``strict``) is not UTF-8
    text (otherwise undecodable bytes become U+FFFD)."""
    name = "standard input" if str(source) == "-" else str(source)
    try:
        if str(source) == "-":
            handle = stdin if stdin is not None else sys.stdin.buffer
            data = handle.read(MAX_TABLE_BYTES + 1)
        else:
            with open(source, "rb") as opened:
                data = opened.read(MAX_TABLE_BYTES + 1)
    except OSError as error:
        raise InputError(field, f"cannot read {name}: {error.strerror or error}") from None
    if len(data) > MAX_TABLE_BYTES:
        raise InputError(
            field,
            f"{name} is larger than {MAX_TABLE_BYTES // 2**20} MB: not read (a table of "
            "measurements is far smaller; is this the right file?)",
        )
    try:
        return data.decode("utf-8-sig", errors="strict" if strict else "replace")
    except UnicodeDecodeError:
        raise InputError(field, f"cannot read {name}: not a text file (UTF-8)") from None
