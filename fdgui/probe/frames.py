"""The probe protocol's frames: a small JSON header and raw array bytes, length-prefixed.

One message on the wire::

    <u4 header length> <header: UTF-8 JSON> <array 0 bytes> <array 1 bytes> ...

The header carries the message's fields plus ``"arrays": [{"dtype": "<f8", "shape": [..]}]``
describing the raw buffers that follow (C order, little-endian numbers as numpy writes them).
Numbers travel as their bytes, never as text, so a float64 arrives with every bit.

This module is shared by both ends: the window's client and the worker that runs in the
probe's own interpreter (the standard library and numpy only).
"""

from __future__ import annotations

import json
import re
import struct
from typing import Any, BinaryIO

import numpy as np

_LENGTH = struct.Struct("<I")
MAX_HEADER = 16 * 2**20  # a header bigger than this is a broken stream, not a message
MAX_ARRAY = 2**40  # nor an array of more than a terabyte (or of a negative size)


def encode(header: dict[str, Any], arrays: tuple[np.ndarray, ...] | list = ()) -> list:
    """The pieces of one message, ready to write in order: the arrays' own bytes (a view of
    each, not a copy: a request of whole points must not cost their size again)."""
    arrays = [np.ascontiguousarray(array) for array in arrays]
    meta = [{"dtype": array.dtype.str, "shape": list(array.shape)} for array in arrays]
    head = json.dumps({**header, "arrays": meta}, allow_nan=True).encode("utf-8")
    return [_LENGTH.pack(len(head)), head, *(raw_bytes(array) for array in arrays)]


def raw_bytes(array: np.ndarray) -> memoryview:
    """The bytes of a C-contiguous array, as a flat view."""
    return memoryview(array.reshape(-1).view(np.uint8))


def write_message(stream: BinaryIO, header: dict[str, Any], arrays=()) -> None:
    for piece in encode(header, arrays):
        stream.write(piece)
    stream.flush()


def header_length(prefix: bytes) -> int:
    (length,) = _LENGTH.unpack(prefix)
    if length > MAX_HEADER:
        raise ValueError(f"a message header of {length:,} bytes: the stream is broken")
    return length


def parse_header(data: bytes) -> dict[str, Any]:
    try:
        header = json.loads(data.decode("utf-8"))
    except RecursionError:  # "[[[[…": nested deeper than the parser goes
        raise ValueError("a message header nested too deeply") from None
    if not isinstance(header, dict):
        raise ValueError("a message header that is not an object")
    return header


def array_sizes(header: dict[str, Any]) -> list[tuple[np.dtype, tuple[int, ...], int]]:
    """(dtype, shape, byte count) of each array the header announces."""
    sizes = []
    for meta in header.get("arrays", []):
        dtype = np.dtype(meta["dtype"])
        shape = tuple(int(n) for n in meta["shape"])
        count = 1
        for n in shape:
            count *= n
        if any(n < 0 for n in shape) or count * dtype.itemsize > MAX_ARRAY:
            raise ValueError(f"an array of shape {shape[:4]} announced: the stream is broken")
        sizes.append((dtype, shape, count * dtype.itemsize))
    return sizes


def read_exactly(stream: BinaryIO, count: int) -> bytearray:
    """``count`` bytes from a blocking stream, read into one buffer (no copy of a 96 MB
    request grown piece by piece); EOFError if it ends first."""
    data = bytearray(count)
    view = memoryview(data)
    done = 0
    while done < count:
        got = stream.readinto(view[done:])
        if not got:
            raise EOFError("the stream ended")
        done += got
    return data


def read_message(stream: BinaryIO) -> tuple[dict[str, Any], list[np.ndarray]]:
    """One message from a blocking stream (the worker's side)."""
    length = header_length(read_exactly(stream, _LENGTH.size))
    header = parse_header(read_exactly(stream, length))
    arrays = []
    for dtype, shape, size in array_sizes(header):
        arrays.append(np.frombuffer(read_exactly(stream, size), dtype=dtype).reshape(shape))
    return header, arrays


PREFIX_SIZE = _LENGTH.size

LINE_KEEP = 2000  # characters of one line of a traceback or message kept
TEXT_KEEP = 64 * 1024  # characters of a whole traceback kept


_LEFT_OUT = re.compile(r" … \[([\d,]+) characters left out\] … ")


def capped(text: str, line: int = LINE_KEEP, total: int = TEXT_KEEP) -> str:
    """``text`` with each line cut to ``line`` characters and the whole to about ``total``
    (its start and its end: a traceback's last lines say most), saying what was left out.
    A user's exception may carry megabytes (``ValueError(f"bad batch {values}")``): shown
    whole it stalls the window, and sent whole it overflows a message header."""
    if len(text) <= line and len(text) <= total:
        return text
    lines = []
    for piece in text.split("\n"):
        if len(piece) > line:
            # a line cut before (in the probe's process) counts what that cut left out too
            length = len(piece) + sum(int(m[1].replace(",", "")) - len(m[0])
                                      for m in _LEFT_OUT.finditer(piece))  # fmt: skip
            left = length - 2 * (line // 2)
            piece = f"{piece[: line // 2]} … [{left:,} characters left out] … {piece[-line // 2 :]}"
        lines.append(piece)
    text = "\n".join(lines)
    if len(text) > total:
        left = len(text) - total
        text = f"{text[: total // 2]}\n… [{left:,} characters left out] …\n{text[-total // 2 :]}"
    return text
