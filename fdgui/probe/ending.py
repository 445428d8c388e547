"""Ending a probe process: kill its whole group, wait for its end without reaping it (so
its group id stays its own), and reap a killed process on a thread of its own — never on the
caller's: Cancel runs on the GUI thread (review15w M1)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time

REAP_SECONDS = 600.0  # a killed process is waited for this long, off the caller's thread


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the probe process and every process it started (its own session's group: a
    probe that forked, a data loader's workers), not the worker alone."""
    if process.returncode is not None:
        return  # reaped: its id may belong to someone else now (unreaped, it is still its own)
    with contextlib.suppress(OSError):
        if os.name != "nt":
            os.killpg(process.pid, signal.SIGKILL)  # start_new_session: group = its pid
        else:
            process.kill()


def _wait_exit(process: subprocess.Popen, seconds: float) -> None:
    """Wait up to ``seconds`` for the process to end without reaping it: until it is
    reaped its id, and so its group's, stays its own, and the group (what the probe started)
    can still be killed safely. Without waitid, a plain wait."""
    if not hasattr(os, "waitid") or not hasattr(os, "WNOWAIT"):
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=seconds)
        return
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                return
        except ChildProcessError:  # reaped elsewhere
            return
        time.sleep(0.01)


def _reap_later(process: subprocess.Popen) -> None:
    """Reap a killed process on a thread of its own: a process that takes long to end
    (gigabytes to unmap, a read stuck on a network file system) never holds up the caller —
    Cancel on the GUI thread returns at once (review15w M1: 0.8–4.9 s waits after Esc)."""
    if process.returncode is not None:
        return

    def reap() -> None:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            process.wait(timeout=REAP_SECONDS)

    threading.Thread(target=reap, name="probe-reap", daemon=True).start()


def _end_process(process: subprocess.Popen) -> None:
    """Kill a probe process and close its pipes (a finalizer: no reference to its owner;
    it may run on any thread, the GUI's too, so the process is reaped off it)."""
    _kill_group(process)
    for stream in (process.stdin, process.stdout, process.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.close()
    _reap_later(process)


def stopped_by_signal(process: subprocess.Popen | None) -> bool:
    """Whether the process is stopped, not running (SIGSTOP, Ctrl+Z's SIGTSTP, a debugger's
    stop): its state in /proc is T or t (Linux); elsewhere not known, so False."""
    if process is None or process.returncode is not None:
        return False
    try:
        with open(f"/proc/{process.pid}/stat", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return False
    return text.rpartition(")")[2].split()[:1] in (["T"], ["t"])


class StoppedClock:
    """How long a process has been found stopped by a signal, from the first look that
    found it so (a request's waits look every quarter-second). A stopped process imports
    and compiles nothing, so a first call's allowance for a slow start is not its to use:
    it gets the timeout (review18p M3: a spare SIGSTOPped from outside held the pick 60 s
    whatever the Timeout field said)."""

    def __init__(self) -> None:
        self.since: float | None = None

    def longer_than(self, process: subprocess.Popen | None, seconds: float) -> bool:
        if not stopped_by_signal(process):
            self.since = None
            return False
        now = time.perf_counter()
        if self.since is None:
            self.since = now
        return now - self.since > seconds


def end_words(status: int | None) -> str:
    """How a process with this exit status ended: 'killed by SIGKILL', 'crashed (SIGSEGV: a
    segmentation fault)', 'ended by itself (exit status 7)'."""
    if status is not None and status < 0:
        if -status == signal.SIGSEGV:
            return "crashed (SIGSEGV: a segmentation fault)"
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"ended by itself (exit status {status})"
