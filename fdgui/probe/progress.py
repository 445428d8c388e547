"""Inside the probe process: what the window needs to enforce its timeout per evaluation.

A request may ask for hundreds of losses (a chunk of the check's perturbed points, an ε
sweep). The window's timeout is per loss evaluation, so it must see evaluations finish, not
only the request: ``Progress`` counts the points evaluated in the current request
(``finished``) and a daemon thread sends a ``beat`` message ({"beat": seq, "done": n}) every
``beat`` seconds while that count grows; nothing is written for each evaluation, so a loss
of microseconds costs no more than before. A batched user call (``losses`` of n points, one
call) is announced before it runs (``starting``: {"beat": seq, "done": …, "batch": n}) so
the window allows it the time of n points. When the person's code hangs the count stops and
so do the beats: the window ends the process within the timeout and names the point.

Writes to the protocol stream take ``lock``; ``end`` (under the lock, just before the reply)
stops the beats, so none ever follows a reply. Standard library only.
"""

from __future__ import annotations

import threading
import time
from typing import Any

RECEIVED_BEAT = 1 << 20  # bytes of a request that earn a beat as soon as it is read


class Progress:
    def __init__(self, stream: Any, write) -> None:
        self.stream = stream
        self.write = write  # frames.write_message
        self.lock = threading.Lock()
        self.active = False
        self.seq: Any = None
        self.done = 0
        self.sent = -1
        self.interval = 0.1
        self._thread: threading.Thread | None = None

    def begin(self, header: dict, size: int = 0) -> None:
        """A request came in: count its evaluations; beat if the window asks for beats. A
        request of ``size`` ≥ RECEIVED_BEAT bytes is answered at once with a beat of 0 done:
        the window's clock per evaluation then starts after fdgui's own time reading it
        (96 MB of points at 3 M parameters), not before (review9m MEDIUM-3)."""
        self._begin(header)
        if size >= RECEIVED_BEAT:
            self._send()

    def _begin(self, header: dict) -> None:
        with self.lock:
            self.seq = header.get("seq")
            self.done, self.sent = 0, 0
            beat = header.get("beat")
            self.active = self.seq is not None and isinstance(beat, int | float) and beat > 0
            if self.active:
                self.interval = float(beat)
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._beat, daemon=True, name="fdgui-progress"
                    )
                    self._thread.start()

    def finished(self, points: int) -> None:
        self.done += points

    def starting(self, points: int) -> None:
        """A batched user call of ``points`` points is about to run (one point too: the
        window allows the first batched call of a process its compile)."""
        if self.active and points >= 1:
            self._send({"batch": int(points)})

    def reply(self, header: dict, arrays) -> None:
        """Write the request's reply; no beat follows it."""
        with self.lock:
            self.active = False
            self.write(self.stream, header, arrays)

    def _send(self, extra: dict | None = None) -> None:
        with self.lock:
            if not self.active:
                return
            done = self.done
            self.write(self.stream, {"beat": self.seq, "done": done, **(extra or {})}, ())
            self.sent = done

    def _beat(self) -> None:
        while True:
            time.sleep(self.interval)
            if self.active and self.done != self.sent:
                try:
                    self._send()
                except (OSError, ValueError):  # the window went away: the main loop ends
                    return
