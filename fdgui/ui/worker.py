"""The one way long work leaves the GUI thread.

A job is a generator function from the core: each ``yield`` reports progress (a fraction in
[0, 1], or a ``(fraction, message)`` pair) and is a point where Cancel can stop it; its
``return`` value is the result. ``start_job`` runs it on Qt's global thread pool, starting
on the next turn of the event loop (so connect first), and the ``Job`` emits ``progressed``,
``returned``, ``errored`` or ``aborted`` on the GUI thread, then ``finished``. The core never
knows Qt.

A long stretch between two yields that only computes (a sweep's diagnosis of 200,000 rows, one
call of many seconds) can be marked ``with interruptible():`` inside the job: Cancel then stops
it at once, raising ``JobCancelled`` in the worker's thread (the job ends ``aborted``), rather
than letting it run on in the pool for every later job to wait behind.
"""

from __future__ import annotations

import ctypes
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from fdgui.core.errors import InputError

_live_jobs: set[Job] = set()  # keeps each Job alive until it has finished
_running = threading.local()  # .job: the Job this worker thread is running


class JobCancelled(BaseException):
    """Raised in a worker's thread inside ``interruptible()`` when its job is cancelled (a
    BaseException, so no ``except Exception`` of the job's own swallows it)."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Have ``thread_id`` raise ``exception`` at its next Python instruction (None: withdraw
    one not raised yet)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), None if exception is None else ctypes.py_object(exception)
    )


@contextmanager
def interruptible() -> Iterator[None]:
    """Inside a job: Cancel may stop what runs in this block at any Python instruction, so it
    must only compute (no files written, no probe process spoken to, no lock of its own held).
    Outside a job (the same generator driven on the GUI thread) it does nothing."""
    job: Job | None = getattr(_running, "job", None)
    if job is None:
        yield
        return
    with job._lock:
        if job._cancel.is_set():
            raise JobCancelled
        job._interruptible = threading.get_ident()
    try:
        yield
    finally:
        with job._lock:
            if job._interrupted:  # sent: withdraw it if it has not been raised yet
                _raise_in(job._interruptible or threading.get_ident(), None)
            job._interruptible = None


class Job(QObject):
    """A running generator job. Signals arrive on the thread that created the Job."""

    progressed = Signal(float, str)
    returned = Signal(object)
    errored = Signal(str, str)  # message, details (traceback text)
    aborted = Signal()
    finished = Signal()

    def __init__(self, min_interval_s: float = 0.05) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self._min_interval_s = min_interval_s
        self.done = False
        self._lock = threading.Lock()
        self._interruptible: int | None = None  # the thread inside ``interruptible()``
        self._interrupted = False

    def _forget(self) -> None:
        _live_jobs.discard(self)

    def cancel(self) -> None:
        """Ask the job to stop at its next ``yield``, or at once inside ``interruptible()``."""
        with self._lock:
            self._cancel.set()
            if self._interruptible is not None and not self._interrupted:
                self._interrupted = True
                _raise_in(self._interruptible, JobCancelled)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _emit(self, signal: str, *args: Any) -> None:
        """Emit from the worker thread; if Qt has already deleted this Job (the app is
        closing), stop the job quietly instead of raising in a thread nobody watches."""
        try:
            getattr(self, signal).emit(*args)
        except RuntimeError:
            self._cancel.set()

    def _run(self, factory: Callable[[], Generator[Any, None, Any]]) -> None:
        last_emit = 0.0
        _running.job = self
        try:
            generator = factory()
            try:
                while True:
                    if self._cancel.is_set():
                        generator.close()
                        self._emit("aborted")
                        return
                    item = next(generator)
                    now = time.perf_counter()
                    if now - last_emit >= self._min_interval_s:
                        last_emit = now
                        fraction, message = (item, "") if not isinstance(item, tuple) else item
                        self._emit("progressed", float(fraction), str(message))
            except StopIteration as stop:
                if self._cancel.is_set():
                    self._emit("aborted")
                else:
                    self._emit("progressed", 1.0, "")
                    self._emit("returned", stop.value)
        except JobCancelled:  # stopped inside ``interruptible()``
            self._emit("aborted")
        except MemoryError:
            self._emit(
                "errored",
                "out of memory: the machine could not give this job the memory it needs "
                "(make it smaller: fewer units, points or samples)",
                traceback.format_exc(),
            )
        except Exception as error:  # reported in the window, never a traceback on stderr
            user = getattr(error, "details", None)  # a probe's failure: the user's own traceback
            if user is not None:
                self._emit("errored", getattr(error, "message", str(error)), user)
            elif isinstance(error, InputError):  # the person's input: its words, no class name
                self._emit("errored", error.message, traceback.format_exc())
            else:
                self._emit("errored", f"{type(error).__name__}: {error}", traceback.format_exc())
        finally:
            _running.job = None
            self.done = True
            self._emit("finished")


class _Runnable(QRunnable):
    def __init__(self, job: Job, factory: Callable[[], Generator[Any, None, Any]]) -> None:
        super().__init__()
        self._job = job
        self._factory = factory

    def run(self) -> None:
        self._job._run(self._factory)


#: how long a thread holds the interpreter before another waiting for it may take it
#: (CPython's default is 5 ms). With a worker (a sweep, a paste, the autosave) running
#: Python, each turn of the window's event loop waited up to this long per hand-over: a
#: 100,000-row measured sweep gapped a 20 ms heartbeat 74-126 ms at 5 ms, 60-66 ms at 1 ms
SWITCH_INTERVAL_S = 0.001


def share_interpreter() -> None:
    """Let the GUI thread take the interpreter back from workers within a millisecond."""
    import sys

    sys.setswitchinterval(SWITCH_INTERVAL_S)


def start_job(
    function: Callable[..., Generator[Any, None, Any]], /, *args: Any, **kwargs: Any
) -> Job:
    """Run ``function(*args, **kwargs)`` (a generator function) off the GUI thread."""
    job = Job()
    _live_jobs.add(job)
    job.finished.connect(job._forget)
    runnable = _Runnable(job, lambda: function(*args, **kwargs))
    # Start on the next turn of the event loop, so the caller connects its slots first.
    QTimer.singleShot(0, job, lambda: QThreadPool.globalInstance().start(runnable))
    return job


def shutdown_jobs(timeout_ms: int = 2000) -> bool:
    """Cancel every running job and wait for the pool; True if all stopped in time."""
    for job in list(_live_jobs):
        job.cancel()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
