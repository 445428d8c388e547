"""A spare probe process, started while a person chooses a probe file (issue 9: from the pick
to the first result).

A probe's process spends about 2 s of CPU before the person's file runs: Python, numpy and,
for a PyTorch probe, ``import torch`` (1.8 s here), then 0.5 s more at its first batched call,
where torch imports its symbolic shapes (sympy, mpmath) lazily. When the window's probe
picker opens, ``SPARE.prepare`` starts a process for the interpreter in the Python field, off
the GUI thread, and asks it for a head start (the worker's ``warm``): where that interpreter
has torch, it imports torch and those pieces. Nothing of the person's runs before the pick
(the pick is the consent); the pick takes the process (``take``) and loads the file in it.
A cancelled picker leaves the spare for a later pick until it has been idle ``idle`` seconds;
it ends at quit; one that died is replaced; there is never more than one.

A head start must not change what the person's file meets, so two guards:
- a file picked while the head start still runs, and whose text does not name torch, never
  waits for it: the process is replaced by a fresh one (``SpareProcess.fit_for``);
- a file that changed the environment or put another torch ahead on the path (what a fresh
  process's ``import torch`` would have read) is loaded again in a fresh process (the worker
  says so in its answer to the load: ``warm_differs``).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from fdgui.probe.client import (
    DEFAULT_TIMEOUT,
    FIRST_CALL_ALLOWANCE,
    ProbeError,
    ProbeProcess,
    default_python,
)
from fdgui.probe.ending import stopped_by_signal

IDLE_SECONDS = 120.0  # a spare nobody picked for this long ends (a cancelled picker)
NAME_SCAN_BYTES = 1 << 20  # the part of a picked file searched for the word "torch"


class SpareProcess(ProbeProcess):
    """A probe process started before the pick; ``warm`` (on its own thread) is its head
    start, ``taken`` once a pick has it (no head start begins after that)."""

    def __init__(self, python: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(python, timeout)
        self.taken = False
        self.warming = False
        self.dropped = False  # the pick needs no head start (``fit_for``)
        self.head_start: dict[str, Any] | None = None  # the worker's answer to ``warm``
        self.load_note = ""  # the file ran twice as it loaded, and why (review18p L1)
        self._warmed: Any = None  # the Popen whose head start imported torch, until a load

    def warm(self) -> None:
        """Start the process and ask for its head start (a pick's load waits for it: a
        torch file needs what it imports); any failure ends the process (a pick then gets a
        fresh one)."""
        with self._lock:
            if self.taken or self.cancelled or self.load_request is not None:
                return
            self.warming = True
            try:
                self.start()
                if self.dropped:  # dropped while the process was being made
                    self.kill()
                    return
                self.head_start = self._call({"op": "warm"}, (), FIRST_CALL_ALLOWANCE)[0]
                if self.head_start.get("failed"):  # a broken torch: nothing half-imported
                    self.kill()
                elif self.head_start.get("torch"):
                    self._warmed = self.process  # the process a first load then meets
            except ProbeError:
                self.kill()
            finally:
                self.warming = False

    def _first_in_warmed(self) -> bool:
        """Whether the load just made went to the process whose head start imported torch
        (once: later loads, after a change on disk or a restart, are in fresh processes)."""
        warmed, self._warmed = self._warmed, None
        return warmed is not None and warmed is self.process

    def fit_for(self, path: str) -> None:
        """Before the picked file loads (off the GUI thread): a head start still running
        for a file that does not name torch is dropped; the file loads in a fresh process
        at once (as it would have without a spare)."""
        if not self.warming:
            return
        try:
            with open(path, "rb") as handle:
                text = handle.read(NAME_SCAN_BYTES)
        except OSError:
            return  # the load says what is wrong with the file
        if b"torch" not in text:
            self.dropped = True
            self.kill()

    def call(
        self, header: dict[str, Any], arrays=(), timeout: float | None = None
    ) -> tuple[dict[str, Any], list]:
        if header.get("op") != "load":
            return super().call(header, arrays, timeout)
        self.load_note = ""
        name = os.path.basename(str(header.get("path", "the file")))
        try:
            reply = super().call(header, arrays, timeout)  # (after the head start)
        except ProbeError as error:
            # a failure where the head start had imported modules first (a sympy.py of its
            # folder met site-packages' sympy) is a fresh process's to say; not a load that
            # hung (a second wait), nor a reload (in a fresh process already: ``_warmed``)
            hung = getattr(getattr(self, "_watch", None), "hung", False)
            if not self._first_in_warmed() or hung or self.cancelled:
                raise
            answered = self.alive  # the file raised; else the process ended (killed −9)
            self.kill()
            reply = super().call(header, arrays, timeout)
            if not answered:  # review18p L2: a fresh process, as promised; said
                self.load_note = f"{name} was loaded in a fresh process: " + error.message.replace(
                    "the probe process", "the one prepared while it was chosen", 1)  # fmt: skip
                return reply
            why = "its load failed where torch had been imported ahead of it"
        else:
            why = reply[0].get("warm_differs") if self._first_in_warmed() else ""
            if not why:
                return reply
            self.kill()  # a fresh process: the file's own environment and path, as always
            reply = super().call(header, arrays, timeout)
            why = why if isinstance(why, str) else "it changed what torch meets as it starts"
        self.load_note = (
            f"{name} ran twice as it loaded (its module-level code too): {why}, so it was "
            "loaded again in a fresh process, as the command line would have loaded it"
        )
        return reply


class Spare:
    """The one spare process (``SPARE``), for the window's probe pickers."""

    def __init__(self, idle: float = IDLE_SECONDS) -> None:
        self.idle = idle
        self.process: SpareProcess | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def prepare(self, python: str | None = None) -> SpareProcess:
        """The picker opens: a spare for ``python`` (None: fdgui's own), started now on a
        thread of its own, or the one already waiting (its idle clock starts again). Returns
        at once."""
        wanted = python or default_python()
        with self._lock:
            process = self.process
            if process is not None and (process.python != wanted or self._dead()):
                process.cancel()  # another interpreter's, or it died: replaced
                process = None
            if process is None:
                process = self.process = SpareProcess(wanted)
                self._thread = threading.Thread(
                    target=process.warm, name="probe-spare", daemon=True
                )
                self._thread.start()
            self._arm(process)
            return process

    def take(self, python: str | None, timeout: float) -> SpareProcess | None:
        """The pick: the spare for ``python`` with the pick's timeout, or None (none is
        waiting, it is another interpreter's, or it died: the pick starts its own)."""
        wanted = python or default_python()
        with self._lock:
            process, dead = self.process, self._dead()
            self.process = None
            self._disarm()
        if process is None:
            return None
        if process.python != wanted or dead:
            process.cancel()
            return None
        process.taken = True
        process.timeout = float(timeout)
        return process

    def end(self) -> None:
        """Quit (or a test's end): the spare ends now."""
        with self._lock:
            process, self.process = self.process, None
            self._disarm()
        if process is not None:
            process.cancel()

    def _dead(self) -> bool:
        """The spare's head start is over and its process is not running (it failed, or was
        killed from outside), or it is stopped by a signal (SIGSTOP from outside, during
        its head start or after: a pick would wait for it, review18p M3)."""
        thread, process = self._thread, self.process
        warming = thread is not None and thread.is_alive()
        if process is not None and stopped_by_signal(process.process):
            return True
        return process is not None and not warming and not process.alive

    def _arm(self, process: SpareProcess) -> None:
        self._disarm()
        self._timer = threading.Timer(self.idle, self._expire, (process,))
        self._timer.daemon = True
        self._timer.start()

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self, process: SpareProcess) -> None:
        with self._lock:
            if self.process is not process:
                return
            if self._thread is not None and self._thread.is_alive():
                self._arm(process)  # idle counts from the end of its head start
                return
            self.process = None
            self._timer = None
        process.cancel()


SPARE = Spare()
