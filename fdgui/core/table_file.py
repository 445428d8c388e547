"""Reading a table of measurements (ε, L+, L−[, L]) from a file or a pipe, bounded: at most
``MAX_TABLE_BYTES`` are read whatever the source (a regular file, /dev/zero, an endless
pipe), so a wrong path can never fill the memory; beyond it the table is refused in words.
One reader for `fdgui-cli sweep --table`, the explorer's Import table… and dropped tables."""

from __future__ import annotations

import os
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
    too_large = False
    try:
        if str(source) == "-":
            handle = stdin if stdin is not None else sys.stdin.buffer
            data = handle.read(MAX_TABLE_BYTES + 1)
        else:
            with open(source, "rb") as opened:
                # a regular file's size says it before 32 MB are read (a device's is 0)
                too_large = os.fstat(opened.fileno()).st_size > MAX_TABLE_BYTES
                data = b"" if too_large else opened.read(MAX_TABLE_BYTES + 1)
    except OSError as error:
        raise InputError(field, f"cannot read {name}: {error.strerror or error}") from None
    if too_large or len(data) > MAX_TABLE_BYTES:
        raise InputError(
            field,
            f"{name} is larger than {MAX_TABLE_BYTES // 2**20} MB: not read (a table of "
            "measurements is far smaller; is this the right file?)",
        )
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):  # UTF-32 with its mark
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError:
            pass  # not UTF-32 after all: read on
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else _utf16_unmarked(data)
    if encoding:  # UTF-16 with its mark (Excel's "Unicode Text") or without
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = ""
        # a table's text is mostly ASCII: bytes that only begin like the mark are not one
        ascii_share = len(text.encode("ascii", "ignore")) / max(len(text), 1)
        if text and ascii_share >= 0.5 and _single_byte_text(text.encode("utf-8")):
            return text
    try:
        return data.decode("utf-8-sig", errors="strict" if strict else "replace")
    except UnicodeDecodeError:
        if _single_byte_text(data):  # Latin-1 / Windows-1252: "é" in a comment
            return data.decode("cp1252", errors="replace")
        raise InputError(field, f"cannot read {name}: not a text file (UTF-8)") from None


def _utf16_unmarked(data: bytes) -> str:
    """The encoding ("utf-16-le" or "utf-16-be") of bytes that read as mostly-ASCII UTF-16
    without its mark (every other byte a NUL, none between), else ""."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2 or b"\x00" not in head:
        return ""
    even, odd = head[0::2], head[1::2]
    if even.count(0) == 0 and odd.count(0) >= 0.9 * len(odd):
        return "utf-16-le"
    if odd.count(0) == 0 and even.count(0) >= 0.9 * len(even):
        return "utf-16-be"
    return ""


def _single_byte_text(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 read as a single-byte text: no NUL and no control
    character but tab, newline, carriage return and form feed (a binary file has both)."""
    controls = bytes(range(32)).translate(None, b"\t\n\r\f")
    return not any(controls[i : i + 1] in data for i in range(len(controls)))
