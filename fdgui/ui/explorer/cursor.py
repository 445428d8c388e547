"""The ε explorer's cursor readout: L, L+, L− and the estimates at the ε the person chose
(exactly there for a loss that can be evaluated, the nearest row for measured rows).

Which thread (review15w C1: a probe's slow or stuck loss froze the window for every cursor
move, up to the probe's whole timeout):

- measured rows are read from the table: no loss is called;
- an expression is evaluated on the GUI thread: pure numpy on three values, and the parser
  bounds its work (at most ``MAX_NODES`` = 400 parts, each one ufunc call on a 3-array:
  a few milliseconds at most), wherever its sweep ran (its extended-precision references
  may send that sweep to the worker; its loss is never slow);
- any other sweep that ran on the GUI thread (a small built-in network) is evaluated
  there too. It ran there only because its last measured time (or, for a network never
  swept, the guess from its size) was under ``WORKER_THRESHOLD_S`` (100 ms) and its
  extended-precision references fitted a strict 50 ms budget; that sweep evaluated the same
  objective in the same dtype at ≥ 2·points + 30 ε in batches, so the readout's one batch of
  three values costs less than one of its batches: bounded by the sweep just done;
- everything else (every probe: the person's code, never swept on the GUI thread; any sweep
  that went to the worker) is measured in the worker. Meanwhile the readout says
  "measuring…" and there is nothing to send; one measurement is in flight at a time, and
  moves made meanwhile are coalesced (the latest ε is measured next, those between are
  skipped). A failure is said in the readout line and, for a probe, in the probe's error
  panel, as a failed sweep is.

A mixin of ``ExplorerModel``, which owns the state these methods read.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Generator
from typing import Any

from fdgui.ui.explorer.jobs import _words


def _readout_job(
    objective: Any, result: Any, epsilon: float, done: threading.Event
) -> Generator[Any, None, Any]:
    """The readout at ``epsilon`` in the worker: a PointReadout, or the words of a failure
    that is not the probe's (a probe's failure is raised: its own traceback goes along).
    ``done`` is set when it ends, however (a sweep waits for it: one probe call at a time)."""
    from fdgui.core.sweep.readout import evaluate_at

    try:
        yield 0.0, "measuring"
        try:
            return evaluate_at(objective, result, epsilon)
        except (ValueError, MemoryError) as error:
            if getattr(error, "details", None) is not None:
                raise
            return _words(error)
    finally:
        done.set()


class CursorReadout:
    """The cursor half of ``ExplorerModel`` (see the module's docstring)."""

    _readout_inline = True  # whether the result on screen may be evaluated on this thread
    _readout_job: Any = None  # the measurement in flight, or None
    _readout_next: float | None = None  # the ε to measure once it returns (the latest move)
    _readout_serial = 0  # counts results: a measurement of an older one is not shown
    _readout_done: threading.Event | None = None  # set when the one in flight has ended
    _accepting = False  # a finished sweep's result goes on screen (its job is over)

    def set_cursor_epsilon(self, epsilon: float) -> None:
        """Values at the chosen ε: at once when that is cheap, else measured in the worker
        (``readoutChanged(None, "measuring…")`` now, the readout when it arrives)."""
        if not (0 < epsilon < math.inf):
            return
        if self._result is None:  # the first sweep still runs: its result puts the cursor here
            if self.is_busy():
                self._wanted_cursor = float(epsilon)
            return
        self._cursor_epsilon = epsilon = float(epsilon)
        objective, result = self._objective, self._result
        inline = self._readout_inline or getattr(objective, "kind", "") == "expression"
        if inline or objective.rows is not None or result.point is None:
            self._readout_next = None
            self._readout_at_once(epsilon)
            return
        from fdgui.core.numbers import format as numbers

        self._readout = None  # the last ε's values are not this ε's: nothing to send
        self._readout_next = epsilon
        if self.is_busy() and not self._accepting:  # a sweep runs: one probe call at a time
            self.readoutChanged.emit(None, "The cursor's values come with the running sweep.")
            return
        if self._readout_job is None:
            self._measure_next()  # starts on the next turn of the event loop
        self.readoutChanged.emit(None, f"Measuring L, L+ and L− at ε = {numbers.epsilon(epsilon)}…")

    def _measurement_done(self) -> threading.Event | None:
        """What a sweep about to start waits for: the measurement in flight, if any."""
        return self._readout_done if self._readout_job is not None else None

    def measuring(self) -> bool:
        """Whether the readout at the cursor is being measured in the worker."""
        return self._readout_job is not None

    def _readout_at_once(self, epsilon: float) -> None:
        from fdgui.core.sweep.readout import evaluate_at

        try:
            readout = evaluate_at(self._objective, self._result, epsilon)
        except (ValueError, MemoryError) as error:
            self._readout = None
            self.readoutChanged.emit(None, _words(error))
            return
        self._show_point(readout)

    def _show_point(self, readout: Any) -> None:
        from fdgui.core.report.sweep_point import point_text

        self._readout = readout
        self.readoutChanged.emit(readout, point_text(self._result, readout, self._diagnosis))

    def _measure_next(self) -> None:
        epsilon, self._readout_next = self._readout_next, None
        if epsilon is None or self._result is None:
            return
        serial, source, mine = self._readout_serial, self._source, []

        def settled() -> bool:
            """Forget this measurement; True when it is not to be shown (a newer one is
            wanted instead, or it was stopped)."""
            if self._readout_job is not mine[0]:
                return True  # stopped: whatever came after it runs on its own
            self._readout_job = None
            if serial != self._readout_serial or self._readout_next is not None:
                self._measure_next()  # the latest move (or the new result's cursor)
                return True
            return False

        def returned(value: Any) -> None:
            if settled():
                return
            if isinstance(value, str):
                self._readout = None
                self.readoutChanged.emit(None, value)
            else:
                self._show_point(value)

        def errored(message: str, details: str) -> None:
            if settled():
                return
            self._readout = None
            self.readoutChanged.emit(None, f"Not measured at this ε: {message}")
            if source == "probe" and not self.is_busy():  # a sweep running says its own
                from fdgui.ui.probe_source import _is_user_details

                self.probeFailed.emit(message, details if _is_user_details(details) else "")

        def aborted() -> None:
            done.set()  # cancelled before it started: its ``finally`` never ran
            settled()

        self._readout_done = done = threading.Event()
        self._readout_job = job = self.start_job(
            _readout_job,
            self._objective,
            self._result,
            epsilon,
            done,
            busy=False,
            returned=returned,
            errored=errored,
            aborted=aborted,
        )
        mine.append(job)

    def _new_readout_result(self, inline: bool) -> None:
        """A new result is on screen: measurements of the old one are not shown."""
        self._readout_serial += 1
        self._readout_inline = inline
        self._readout_next = None

    def _stop_measuring(self, stop_probe: bool = True) -> None:
        """Cancel (Esc): a measurement stuck in a probe ends now (its process is stopped,
        the next call starts a new one); the readout says so. ``stop_probe=False``: a new
        pick released the probe (closed by its holder): the measurement is only left, and
        never makes its call if it has not yet (a call then would start the closed probe's
        process again)."""
        job = self._readout_job
        if job is None:
            return
        self._readout_serial += 1  # its late answer is not shown
        self._readout_next = None
        self._readout_job = None
        job.cancel()  # before its call: it never makes it
        if self._readout_done is not None:
            self._readout_done.set()  # a sweep waiting for it goes on (this one is left)
        model = getattr(self._objective, "model", None)
        if stop_probe and self._source == "probe" and model is not None:
            self.probe.stop(model)
        self._readout = None
        self.readoutChanged.emit(None, "Stopped measuring at this ε; move the cursor to measure.")
