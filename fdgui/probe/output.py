"""What a probe process printed (its standard error, where the person's prints go): kept
as a capped tail, read for the last line of a traceback and for the person's frame in the
stack faulthandler printed for a hung call."""

from __future__ import annotations

import os
import re
import threading
from collections import deque
from typing import Any

OUTPUT_KEEP = 8192  # bytes of the probe's own output kept for the error panel


class _OutputTail:
    """Drains a pipe on a thread, keeping the last OUTPUT_KEEP bytes and the total count."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.chunks: deque[bytes] = deque()
        self.kept = 0
        self.total = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._drain, daemon=True, name="probe-output")
        self.thread.start()

    def _drain(self) -> None:
        fd = self.stream.fileno()
        while True:
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.total += len(data)
                self.chunks.append(data)
                self.kept += len(data)
                while self.kept - len(self.chunks[0]) >= OUTPUT_KEEP:
                    self.kept -= len(self.chunks.popleft())

    def text(self) -> str:
        with self.lock:
            data = b"".join(self.chunks)[-OUTPUT_KEEP:]
            total = self.total
        text = data.decode("utf-8", errors="replace")
        if total > len(data):
            return f"[the probe printed {total:,} bytes; the last {len(data):,}:]\n{text}"
        return text


def _last_error_line(printed: str) -> str:
    """The last line of a traceback in what the probe printed ('' if it ends otherwise)."""
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    if not lines:
        return ""
    name = lines[-1].split(":", 1)[0]
    return lines[-1][:300] if name.endswith(("Error", "Exception", "Interrupt")) else ""


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')
_FDGUI_PROBE = os.path.dirname(os.path.abspath(__file__))
# Python's own library (of whichever interpreter runs the probe), not its installed packages
_STDLIB = re.compile(r"/lib/python3\.\d+/(?!(site|dist)-packages/)")


def _hung_place(printed: str, load_request: dict[str, Any] | None) -> str:
    """' (in loss, probe.py, line 5)': the innermost frame of the person's own code in the
    stack faulthandler printed for a hung call (the thread it interrupted first; files in
    the probe's folder before any other outside fdgui's probe package), or ''."""
    folder = ""
    if load_request is not None:
        folder = os.path.dirname(os.path.abspath(str(load_request.get("path", ""))))
    blocks = re.split(r"\n(?=(?:Current thread|Thread) 0x)", printed)
    blocks.sort(key=lambda block: not block.lstrip().startswith("Current thread"))
    for own in (True, False):
        for block in blocks:
            for line in block.splitlines():
                found = _FRAME.match(line)
                if found is None:
                    continue
                path = os.path.abspath(found["file"])
                if path.startswith(_FDGUI_PROBE + os.sep) or (own and not (
                        folder and path.startswith(folder + os.sep))):  # fmt: skip
                    continue
                if _STDLIB.search(path.replace(os.sep, "/")):  # threading.py of fdgui's own
                    continue  # progress thread is nobody's line (review9m MEDIUM-3)
                name = os.path.basename(path)
                return f" (in {found['function']}, {name}, line {found['line']})"
    return ""


_THREAD = re.compile(r"^(Current thread|Thread) 0x[0-9a-fA-F]+ ")


def user_stack_first(printed: str) -> str:
    """``printed`` with the thread stacks of a faulthandler dump reordered: a thread with a
    frame of the person's own code (not fdgui's probe package, not Python's library) first,
    the interrupted ("Current") thread before others; fdgui's progress thread, nobody's
    code, last (review17p L4). Text before and after the dump is left where it was."""
    lines = printed.split("\n")
    starts = [i for i, line in enumerate(lines) if _THREAD.match(line)]
    if len(starts) < 2:
        return printed
    first = starts[0]
    end = first
    while end < len(lines) and (
        _THREAD.match(lines[end]) or not lines[end].strip() or lines[end].startswith("  ")
    ):
        end += 1
    blocks: list[list[str]] = []
    for line in lines[first:end]:
        if _THREAD.match(line):
            blocks.append([])
        if blocks:
            blocks[-1].append(line)
    for block in blocks:  # each ends with one blank line, the last one as the dump did
        while block and not block[-1].strip():
            block.pop()

    def nobodys(block: list[str]) -> bool:
        for line in block:
            found = _FRAME.match(line)
            if found is None:
                continue
            path = os.path.abspath(found["file"])
            if not path.startswith(_FDGUI_PROBE + os.sep) and not _STDLIB.search(
                path.replace(os.sep, "/")
            ):
                return False
        return True

    blocks.sort(key=lambda block: (nobodys(block), not block[0].startswith("Current")))
    middle = "\n\n".join("\n".join(block) for block in blocks)
    tail = lines[end:]
    blank = "\n" if end > first and not lines[end - 1].strip() else ""
    return "\n".join([*lines[:first], middle]) + blank + ("\n" + "\n".join(tail) if tail else "")
