"""The window's end of a probe: a long-lived process running ``worker.py``, called with a
timeout, killed on Cancel, restarted after it died.

Requests go down the process's standard input and replies come up its standard output as
``frames`` messages (a JSON header and raw array bytes). Its standard error — where the user's
own prints go — is drained by a thread that keeps only the last ``OUTPUT_KEEP`` bytes and
counts the rest, so a print storm costs memory only once.

Every failure is a ``ProbeError`` (a ``ModelFailure``: an ``InputError`` on the field "probe"
that no engine reads as "undefined here"): its ``message`` is one line a person can act on,
``details`` the user's traceback and what the probe printed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from typing import Any

import numpy as np

from fdgui.core.errors import ModelFailure
from fdgui.core.requests import PROBE_DEFAULTS
from fdgui.probe import frames
from fdgui.probe.ending import (
    StoppedClock,
    _end_process,
    _kill_group,
    _reap_later,
    _wait_exit,
    end_words,
    stopped_by_signal,
)
from fdgui.probe.output import (
    OUTPUT_KEEP,
    _hung_place,
    _last_error_line,
    _OutputTail,
    user_stack_first,
)
from fdgui.probe.progress import RECEIVED_BEAT
from fdgui.probe.reply_size import _reply_too_large

__all__ = ["DEFAULT_TIMEOUT", "OUTPUT_KEEP", "ProbeError", "ProbeProcess", "_hung_place"]

# seconds per call (the CLI's --timeout, the window's setting), from the one default
DEFAULT_TIMEOUT = float(PROBE_DEFAULTS["probe_timeout"])
SELECT_ON_PIPES = os.name != "nt"  # Windows' select() takes sockets only
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")


def default_python() -> str:
    """The interpreter running fdgui; in a bundled app (no Python of its own to run a file
    with) the first ``python3`` on the PATH."""
    if getattr(sys, "frozen", False):
        return shutil.which("python3") or shutil.which("python") or "python3"
    return sys.executable


class ProbeError(ModelFailure):
    """The probe failed: its code raised, it returned something unusable, it timed out,
    it crashed. ``details``: the user's traceback and the tail of what it printed."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__("probe", message)
        self.details = details


_LIVE: weakref.WeakSet = weakref.WeakSet()  # processes to end when fdgui exits


@atexit.register
def _end_all() -> None:
    for process in list(_LIVE):
        process.kill()


# glibc hands a freed block above 128 KiB back to the system at once, so each batch of
# perturbed points (a vmapped torch batch: megabytes of activations) faults its pages in
# anew. Keeping freed memory in the process (blocks up to 32 MiB from the heap, trimmed
# above 256 MiB) measured on a 9,738-parameter torch MLP: the probe's CPU for a full check
# 2.3 s → 1.3 s; on 1,498 parameters 135-140 ms → 88-100 ms. Other C libraries ignore
# these names; a person's own values in the environment win.
KEEP_FREED_MEMORY = {
    "MALLOC_MMAP_THRESHOLD_": str(32 << 20),
    "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
}


def _evaluations(header: dict[str, Any], arrays) -> int:
    """How many loss evaluations a request asks for."""
    if header.get("op") in ("changed", "points"):
        return max(1, int(header.get("count", 1)))
    if header.get("op") == "lines" and len(arrays) == 2:
        return max(1, int(np.size(arrays[1])))
    if header.get("op") == "losses" and len(arrays):
        return max(1, int(np.shape(arrays[0])[0]))
    return 1


# loading the file (its imports: torch, JAX), a process's first gradient and its first batch
# of losses (a JIT compiles them, vmap traces the loss) may take this long until their first
# point is done, or the timeout if that is longer: the timeout is per evaluation. A single
# ``loss`` (where the first call at θ0 finds an endless loop) has none.
FIRST_CALL_ALLOWANCE = 60.0
FIRST_CALLS = ("load", "gradient", "losses", "changed", "points", "lines")
EVALUATIONS = ("loss", "losses", "changed", "points", "lines")  # requests of loss values
CLOSE_WAIT = 2.0  # seconds an idle worker may take to exit at end of input before a kill
# a request's bytes move at no less than this many a second (a busy 2-core machine moved
# 96 MB in 3.7 s) until the worker says it has read it (review9m MEDIUM-3)
TRANSFER_RATE = 8e6
BEAT = 0.1  # the worker reports evaluations done this often while they go on (at most)
BATCH_MARGIN = 8  # a batched call of n points may take n × this × the pace measured so far
PACE_KEEP = 16  # evaluation requests whose seconds per point the pace is the largest of


class _Watch:
    """The deadline of one request, enforcing the timeout per loss evaluation: the worker's
    beats (``probe.progress``) say how many points are done; a request fails when no point
    finished within ``each`` seconds (plus the beats' own period), or, while one batched call
    of n points runs, within ``each`` plus n × BATCH_MARGIN × the seconds per point measured
    on this process so far (n × ``each`` before anything was measured)."""

    def __init__(
        self, header, arrays, each: float, pace: float | None, first: bool = False
    ) -> None:
        """``first``: the process's first request of its kind (``FIRST_CALL_ALLOWANCE``)."""
        self.op = str(header.get("op"))
        self.arrays = arrays
        self.count = _evaluations(header, arrays)
        self.first = first and self.op in FIRST_CALLS
        self.each = each
        self.pace = pace
        self.beat = min(BEAT, each / 4)
        self.done = 0
        self.batch = 0
        self.batched = False  # a batched user call was announced (its first may compile)
        self.since = time.perf_counter()
        # fdgui's own time moving a large request (the worker beats once it has read one
        # of RECEIVED_BEAT bytes or more): allowed at TRANSFER_RATE until that beat
        size = sum(np.asarray(array).nbytes for array in arrays)
        self.transfer = size / TRANSFER_RATE if size >= RECEIVED_BEAT else 0.0
        self.stopped = StoppedClock()  # a stopped process gets the timeout, no allowance
        self.hung = False  # it did not answer in time (or stayed stopped): ended for that

    @property
    def starting(self) -> bool:
        """A first request of its kind, before its first point is done: a load, a
        gradient, or a batched user call (announced: a loop over ``loss`` compiles nothing)."""
        return self.first and self.done == 0 and (self.op in ("load", "gradient") or self.batched)

    @property
    def allowed(self) -> float:
        if self.batch > 1:
            if self.pace is None:
                allowed = self.each * self.batch
            else:
                allowed = self.each + self.batch * BATCH_MARGIN * self.pace
        else:
            allowed = self.each + self.beat
        allowed += self.transfer
        return max(allowed, FIRST_CALL_ALLOWANCE) if self.starting else allowed

    def deadline(self) -> float:
        return self.since + self.allowed

    def heard(self) -> None:
        """Bytes came: the worker is making progress (beats come only when it does)."""
        self.since = time.perf_counter()

    def beat_came(self, header: dict[str, Any]) -> None:
        self.transfer = 0.0  # the worker has the request: the clock is the person's now
        self.done = int(header.get("done", self.done))
        self.batch = int(header.get("batch", 0))
        self.batched = self.batched or "batch" in header

    def message(self, place: str = "", stopped: bool = False) -> str:
        """Why the request was stopped; ``place``: ' (in loss, probe.py, line 5)', where
        the person's code was when it hung (``_hung_place``); ``stopped``: the process was
        found stopped by a signal, not running (review17p L3)."""
        each = f"{self.each:g} s"
        if stopped:
            return (
                f"the probe did not answer within {each}{place}: its process was "
                "stopped by a signal (SIGSTOP, Ctrl+Z's SIGTSTP or a debugger), not running, "
                "so it could not answer; it was ended"
            )
        if self.starting:
            what = {
                "load": "loading the file (its imports and module-level code)",
                "gradient": "its first gradient (where a JIT compiles it)",
            }.get(self.op, "its first batch of losses (where a JIT compiles or vmap traces it)")
            return (
                f"the probe: {what}{place} took longer than {self.allowed:g} s, the time allowed "
                f"for it (the larger of {FIRST_CALL_ALLOWANCE:g} s and the timeout): a very "
                "slow start, or code that never ends; its process was stopped"
            )
        if self.batch > 1:
            what = (
                f"the probe: its batched losses did not return within {self.allowed:.3g} s for "
                f"a batch of {self.batch:,} points ({each} plus {BATCH_MARGIN} times the "
                "time per point measured so far)"
            )
        elif self.op == "gradient":
            what = f"the probe did not answer within {each} computing its gradient"
        elif self.count == 1:
            what = f"the probe did not answer within {each} (its loss at one point)"
        else:
            what = (
                f"the probe did not answer within {each} at point {self.done + 1:,} of "
                f"{self.count:,} of one request{self._which()} ({self.done:,} answered)"
            )
        return (
            f"{what}{place}: an endless loop, or a loss slower than {each} an evaluation (raise "
            "--timeout or the window's Probe timeout); its process was stopped"
        )

    def during(self) -> str:
        """'while computing its gradient': the call a process was in when it ended."""
        if self.op == "load":
            return "while loading the file"
        if self.op == "gradient":
            return "while computing its gradient"
        if self.count == 1:
            return "while computing its loss at one point"
        return f"while computing its losses (point {self.done + 1:,} of {self.count:,})"

    def _which(self) -> str:
        """' (θ0 with entry 150 set to 0.3)' for the point that hung, where known."""
        if self.op == "points" and len(self.arrays) == 5:
            base_of = np.asarray(self.arrays[1])
            if self.done < base_of.size and base_of[self.done] >= 0:
                return " (a point far from θ0)"
            arrays = self.arrays[2:]
        elif self.op == "changed" and len(self.arrays) == 3:
            arrays = self.arrays
        else:
            return ""
        rows, columns, values = (np.asarray(a) for a in arrays)
        mask = rows == self.done
        if not mask.any():
            return " (θ0 itself)"
        if int(mask.sum()) > 3:
            return f" (θ0 with {int(mask.sum()):,} entries changed)"
        parts = [
            f"entry {int(c)} set to {float(v)!r}"
            for c, v in zip(columns[mask], values[mask], strict=True)
        ]
        return " (θ0 with " + ", ".join(parts) + ")"


PIPE_BYTES = 1 << 20  # the request pipe's buffer where the system allows (Linux: 64 KiB)


def _wider_pipe(stream) -> None:
    """Widen the request pipe (fewer wake-ups moving whole points: 64 KiB a write was
    5,000 waits for 39 points at 1e6 parameters); the system's default where it refuses."""
    setting = getattr(__import__("fcntl"), "F_SETPIPE_SZ", None) if os.name != "nt" else None
    if setting is None or stream is None:
        return
    import fcntl

    with contextlib.suppress(OSError, ValueError):
        fcntl.fcntl(stream.fileno(), setting, PIPE_BYTES)


class _WriteTimeout(Exception):
    """A request not taken by the process within its deadline (``ProbeProcess._send``)."""

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.message, self.details = message, details


class ProbeProcess:
    """One probe process for one file. ``call`` sends a request and waits for the reply."""

    def __init__(self, python: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.python = python or default_python()
        self.timeout = float(timeout)
        self.process: subprocess.Popen | None = None
        self.output: _OutputTail | None = None
        self.user_seconds = 0.0  # time inside the user's code, summed over calls
        self.call_seconds = 0.0  # wall time of calls, summed (the process boundary included)
        self.evaluations = 0  # loss values its processes gave, summed (the report's setup)
        self.worker_cpu_seconds = 0.0  # the current process's CPU time, as of its last reply
        self._killed = False
        self._lock = threading.Lock()
        self.load_request: dict[str, Any] | None = None  # sent again after a restart
        self.reloaded: tuple | None = None  # the reply of that reload, until the owner looks
        # the person's module files the current process loaded: path → (mtime_ns, size)
        self.modules: dict[str, tuple[int, int]] = {}
        self._peek = None
        self._seq = 0
        self.cancelled = False  # see cancel()
        self.switched = ""  # the interpreter use_python() moved to, until reported
        self.ended: list[str] = []  # how processes that ended between calls ended (L3)
        self._pace: deque[float] = deque(maxlen=PACE_KEEP)  # seconds per point, per request
        self._seen: set[Any] = set()

    # ---------------------------------------------------------------- the process
    def start(self) -> None:
        if self.cancelled:  # Cancel while the file was opening: no process starts again
            raise ProbeError("the probe was stopped")
        if self.process is not None and self.process.poll() is None and not self._killed:
            return
        if self.process is not None:  # it died (or was killed and is ending): its pipes go
            _end_process(self.process)  # before a new one starts; it is reaped meanwhile
        env = dict(os.environ)
        env.pop("QT_QPA_PLATFORM", None)
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("JAX_ENABLE_X64", "1")  # a JAX probe's arrays are float64 from the start
        env.update({k: v for k, v in KEEP_FREED_MEMORY.items() if k not in env})
        try:
            self.process = subprocess.Popen(
                [self.python, "-u", WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as error:
            raise ProbeError(
                f"cannot start the probe's Python {self.python!r}: {error.strerror or error}"
            ) from None
        if self.cancelled:  # cancel() came while the process was being made
            _kill_group(self.process)
        self._killed = self.cancelled
        self._user_base = 0.0
        self.modules = {}
        self._pace = deque(maxlen=PACE_KEEP)  # a new process: its pace is measured anew
        self._seen: set[Any] = set()  # kinds of request it answered (FIRST_CALL_ALLOWANCE)
        self._peek = None  # (box, event) of a pending one-byte read (no select on pipes)
        self.output = _OutputTail(self.process.stderr)
        _wider_pipe(self.process.stdin)
        _LIVE.add(self)
        # forgotten without close() (a load that failed, a panel replaced): end it anyway
        weakref.finalize(self, _end_process, self.process)

    @property
    def seconds_per_point(self) -> float:
        """Seconds inside the person's code per loss value, over the last requests (nan
        before any): what a sweep's time left is foreseen from."""
        return float(sum(self._pace) / len(self._pace)) if self._pace else float("nan")

    @property
    def alive(self) -> bool:
        """A process that answers calls: not one killed and still ending."""
        return self.process is not None and not self._killed and self.process.poll() is None

    def kill(self) -> None:
        """End the process now (Cancel, a timeout, closing the window). Safe to call twice,
        from any thread; a call waiting on it returns with 'stopped'. Returns at once: the
        killed process is reaped on a thread of its own, and the next call starts a new one."""
        process = self.process
        if process is None:
            return
        self._killed = True
        _kill_group(process)
        _reap_later(process)

    def use_python(self, python: str | None) -> bool:
        """Run in ``python`` (None: the default) from the next call on; True when that is
        another interpreter: the current process ends now (the next call starts one in it
        and loads the file again; ``switched`` names it until the owner says so)."""
        wanted = python or default_python()
        if wanted == self.python:
            return False
        self.python, self.switched = wanted, wanted
        self.kill()
        return True

    def cancel(self) -> None:
        """Cancel for good (a file still opening): end the process, and never start one
        again, even if this comes before the opening job started it."""
        self.cancelled = True
        self.kill()

    def close(self) -> None:
        """End the process: at end of input when it is idle (the worker then exits at
        once), killed at once while a call runs (a hung loss holds up no one; that call
        ends "stopped"). Its group goes too, then its pipes."""
        process = self.process
        if process is None:
            return
        idle = self._lock.acquire(blocking=False)
        try:
            if idle and process.returncode is None and process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()  # the worker ends at end of input
                    _wait_exit(process, CLOSE_WAIT)
            self.kill()  # its group too: processes the probe started do not outlive it
            if not idle:  # the call ends within its next quarter-second poll
                idle = self._lock.acquire(timeout=5)
            for stream in (process.stdin, process.stdout, process.stderr):
                with contextlib.suppress(OSError, ValueError):
                    if stream is not None:
                        stream.close()
            if self.process is process:
                self.process = None
        finally:
            if idle:
                self._lock.release()

    def changed_modules(self) -> list[str]:
        """The person's module files (``watch.ModuleFiles``) that changed on disk (or went)
        since the current process loaded them: its answers come from their old code."""
        changed = []
        for path, (mtime_ns, size) in self.modules.items():
            try:
                stat = os.stat(path)
            except OSError:
                changed.append(path)
                continue
            if (stat.st_mtime_ns, stat.st_size) != (mtime_ns, size):
                changed.append(path)
        return changed

    def printed(self) -> str:
        return self.output.text() if self.output is not None else ""

    # ---------------------------------------------------------------- calls
    def call(
        self, header: dict[str, Any], arrays=(), timeout: float | None = None
    ) -> tuple[dict[str, Any], list[np.ndarray]]:
        """Send one request, return the reply (header, arrays); ProbeError on any failure."""
        with self._lock:
            fresh = not self.alive
            if fresh and self.process is not None and not self._killed and self.load_request:
                # it ended between two calls (killed from outside): said, not only redone
                self.ended.append(end_words(self.process.wait()))
            self.start()
            if fresh and self.load_request is not None and header.get("op") != "load":
                # a new process: load the file again; its reply is kept for the owner to
                # compare (a probe without a seed gives another θ0 each time it loads)
                self.reloaded = self._call(self.load_request, (), timeout)
            return self._call(header, arrays, timeout)

    def _call(self, header, arrays, timeout):
        # the timeout is per loss evaluation, enforced as evaluations finish (``_Watch``)
        each = self.timeout if timeout is None else timeout
        op = header.get("op")
        first = op == "load" or op not in self._seen
        watch = _Watch(header, arrays, each, max(self._pace) if self._pace else None, first)
        self._watch = watch  # what the process was doing, should it end (``_died``)
        self._seen.add(op)
        self._seq += 1
        started = time.perf_counter()
        try:
            self._send({**header, "seq": self._seq, "beat": watch.beat}, arrays, watch)
            # the clock runs from here: a large request's own time on the pipe (12–24 MB at
            # 1.5–3 M parameters) is fdgui's, not the person's (review9m MEDIUM-3)
            watch.heard()
            while True:
                reply, out = self._receive(watch)
                if "beat" not in reply or "ok" in reply:
                    break
                if reply["beat"] == self._seq:
                    watch.beat_came(reply)
        finally:
            self.call_seconds += time.perf_counter() - started
        if reply.get("seq", self._seq) != self._seq:
            self.kill()  # two processes on one pipe (a fork), or a broken stream
            raise ProbeError(
                "the probe process answered out of turn (a reply to another request: a copy "
                "of the process, forked by the probe, talking on the pipe?); it was stopped "
                "and the next run starts a new one",
                self._printed_details(),
            )
        self.worker_cpu_seconds = float(reply.get("cpu_seconds", 0.0))
        for path, mtime_ns, size in reply.get("modules", ()):
            self.modules[str(path)] = (int(mtime_ns), int(size))
        seconds = float(reply.get("user_seconds", 0.0))
        if reply.get("ok") and watch.op in EVALUATIONS:
            self.evaluations += watch.count
            # the pace: seconds inside the person's code per point (the wire's own latency,
            # large on a busy machine, is in ``each``, which every allowance adds)
            self._pace.append(max(seconds - self._user_base, 0.0) / watch.count)
        self.user_seconds += seconds - self._user_base
        self._user_base = seconds
        if not reply.get("ok"):
            details = reply.get("traceback", "")
            printed = self.printed()
            if printed.strip():
                details += ("\n" if details else "") + "What the probe printed:\n" + printed
            message = frames.capped(str(reply.get("message", "the probe failed")), 500)
            raise ProbeError(message, frames.capped(details))
        return reply, out

    def _send(self, header, arrays, watch: _Watch | None = None) -> None:
        """Write one request, within the request's deadline while the pipe is full: a
        process that stops reading (stopped, or its main thread never runs) is timed out
        as one that stops answering (review12p M2). The clock restarts whenever bytes
        move (a slow pipe is fdgui's time, not the person's)."""
        assert self.process is not None and self.process.stdin is not None
        if watch is None:
            watch = _Watch(header, arrays, self.timeout, None)
        try:
            if not SELECT_ON_PIPES:  # Windows: select() takes sockets only; a plain write
                for piece in frames.encode(header, arrays):
                    self.process.stdin.write(piece)
                self.process.stdin.flush()
                return
            self.process.stdin.flush()
            fd = self.process.stdin.fileno()
            os.set_blocking(fd, False)
            try:
                for piece in frames.encode(header, arrays):
                    self._write_all(fd, memoryview(piece).cast("B"), watch)
            finally:
                with contextlib.suppress(OSError, ValueError):
                    os.set_blocking(fd, True)
        except _WriteTimeout as error:
            raise ProbeError(error.message, error.details) from None
        except (BrokenPipeError, OSError, ValueError):
            raise self._died() from None

    def _write_all(self, fd: int, data: memoryview, watch: _Watch) -> None:
        done = 0
        while done < len(data):
            try:
                written = os.write(fd, data[done : done + (1 << 20)])
            except BlockingIOError:
                written = 0
            if written:
                done += written
                watch.heard()
                continue
            left = watch.deadline() - time.perf_counter()
            if left <= 0:
                stopped, watch.hung = stopped_by_signal(self.process), True
                self.kill()
                raise _WriteTimeout(
                    watch.message(stopped=stopped)
                    + ("" if stopped else " (it stopped reading the request: a stopped "
                       "process, or one whose main thread cannot run)"),
                    self._printed_details(),
                )  # fmt: skip
            select.select([], [fd], [], min(left, 0.25))
            if self._killed:
                raise self._died()

    def _receive(self, watch: _Watch):
        prefix = self._read(frames.PREFIX_SIZE, watch)
        try:
            header = frames.parse_header(self._read(frames.header_length(prefix), watch))
            sizes = frames.array_sizes(header)
            refused = _reply_too_large(sizes, watch.op)
            if refused:
                self.kill()  # its bytes stay unread: this process can answer nothing more
                raise ProbeError(refused)
            arrays = []
            for dtype, shape, size in sizes:
                data = self._read(size, watch)
                arrays.append(np.frombuffer(data, dtype=dtype).reshape(shape))
        except (ValueError, KeyError, TypeError) as error:
            self.kill()
            raise ProbeError(f"the probe process sent a broken reply ({error})") from None
        return header, arrays

    def _read(self, count: int, watch: _Watch) -> bytes:
        assert self.process is not None and self.process.stdout is not None
        fd = self.process.stdout.fileno()
        data = bytearray()
        while len(data) < count:
            left = watch.deadline() - time.perf_counter()
            if left <= 0 and not self._ready_now(fd):  # bytes waiting: not hung (this
                self._hung(watch, stopped_by_signal(self.process))  # process woke late)
            try:
                ready = self._wait_readable(fd, min(max(left, 0.0), 0.25))
            except (OSError, ValueError):
                raise self._died() from None
            if not ready:
                if self._killed:
                    raise self._died()
                if watch.stopped.longer_than(self.process, min(self.timeout, watch.each)):
                    self._hung(watch, True)
                continue
            try:
                if self._peek is not None:  # the byte the helper thread read
                    piece, self._peek = self._peek[0].get("data", b""), None
                else:
                    piece = os.read(fd, min(count - len(data), 1 << 22))
            except OSError:
                raise self._died() from None
            if not piece:
                raise self._died()
            data += piece
            watch.heard()
        return bytes(data)

    def _hung(self, watch: _Watch, stopped: bool) -> None:
        """End a process that did not answer in time (or stayed stopped by a signal for the
        timeout), raising the ProbeError that says so (a stopped one prints no stack)."""
        watch.hung = True
        if not stopped:
            self._where_it_hangs()
        self.kill()
        place = _hung_place(self.printed(), self.load_request)
        raise ProbeError(watch.message(place, stopped), self._printed_details())

    def _where_it_hangs(self) -> None:
        """Ask the hung worker for its Python stack (faulthandler on SIGUSR1: the person's
        file and line land in what it printed, the error's details), briefly."""
        process, output = self.process, self.output
        if process is None or output is None or not hasattr(signal, "SIGUSR1"):
            return
        before = output.total
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGUSR1)
            ends = time.perf_counter() + 0.5
            while time.perf_counter() < ends and output.total == before:
                time.sleep(0.02)
            time.sleep(0.05)  # the rest of the dump

    def _ready_now(self, fd: int) -> bool:
        """Whether bytes of the reply are already waiting (a peek that does not block)."""
        if self._peek is not None:
            return self._peek[1].is_set()
        try:
            return SELECT_ON_PIPES and bool(select.select([fd], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    def _wait_readable(self, fd: int, seconds: float) -> bool:
        """Whether the reply pipe has bytes (or its end) within ``seconds``. select() where
        it works on pipes; elsewhere (Windows) a helper thread's blocking read of one byte,
        kept for the next read."""
        if SELECT_ON_PIPES:
            return bool(select.select([fd], [], [], seconds)[0])
        if self._peek is None:
            box: dict[str, bytes] = {}
            done = threading.Event()

            def read_one() -> None:
                try:
                    box["data"] = os.read(fd, 1)
                except OSError:
                    box["data"] = b""
                done.set()

            threading.Thread(target=read_one, daemon=True, name="probe-reply").start()
            self._peek = (box, done)
        box, done = self._peek
        return done.wait(seconds)

    def _printed_details(self) -> str:
        printed = user_stack_first(self.printed())  # the person's own stack first
        return "What the probe printed:\n" + printed if printed.strip() else ""

    def _died(self) -> ProbeError:
        process = self.process
        status = None
        if process is not None:
            _wait_exit(process, 2)
            _kill_group(process)  # before it is reaped: what it started goes with it
            status = process.wait()
        if self.output is not None:
            self.output.thread.join(timeout=1)
        if self._killed:
            return ProbeError("the probe was stopped", self._printed_details())
        what = "the probe process " + end_words(status).replace("killed", "was killed", 1)
        if status is None or status >= 0:
            watch = getattr(self, "_watch", None)
            during = f" {watch.during()}" if watch is not None else ""
            last = _last_error_line(self.printed())
            if last:  # e.g. the chosen Python has no numpy: say so in the message itself
                what += f": {last}" + (f" ({during.strip()})" if during else "")
            else:  # os._exit in the person's code: which call it was in (review11p L7)
                what += during
        self._killed = True  # said here: the next call restarts it without a second word
        return ProbeError(what, self._printed_details())
