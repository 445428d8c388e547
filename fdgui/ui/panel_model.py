"""What every panel model shares: one set of signals, typed texts by field, a state that a
session file can hold, and one way to run a job off the GUI thread.

Signals (the same names and arguments in every panel):

- ``textsChanged(dict)``: every text by field, when the texts changed other than by the
  view's own typing (restore, reset, another panel); views must tolerate repeats.
- ``inputErrorChanged(str, str)``: field, message ("" once the field is fine).
- ``busyChanged(bool)``: a job of this panel started or ended.
- ``progressed(float, str)``: fraction in [0, 1] and what is being done.
- ``resultChanged(object)``: the newest result, as ``result()`` returns it.
- ``staleChanged(bool, str)``: the shown result no longer matches the inputs, and why.
- ``statusMessage(str)``: a sentence for the status line (failures, notes, confirmations).

A model never touches a widget.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Signal


@dataclass
class _Handlers:
    busy: bool
    progressed: Callable[[float, str], None] | None
    returned: Callable[[Any], None] | None
    errored: Callable[[str, str], None] | None
    aborted: Callable[[], None] | None
    finished: Callable[[], None] | None


class PanelModel(QObject):
    """Base of the calculator's, the explorer's and the network check's models."""

    textsChanged = Signal(dict)
    inputErrorChanged = Signal(str, str)
    busyChanged = Signal(bool)
    progressed = Signal(float, str)
    resultChanged = Signal(object)
    staleChanged = Signal(bool, str)
    statusMessage = Signal(str)

    #: the fields ``set_text`` accepts; a subclass lists its own
    FIELDS: ClassVar[tuple[str, ...]] = ()
    #: fields whose text must be one of a few values (combo boxes): field -> the values
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts: dict[str, str] = {}
        self._errors: dict[str, str] = {}
        self._job: Any = None  # the job whose progress and busy state the panel shows
        self._handlers: dict[Any, _Handlers] = {}

    # --- reading state ---------------------------------------------------------------------
    def text(self, field: str) -> str:
        return self._texts[field]

    def texts(self) -> dict[str, str]:
        return dict(self._texts)

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def is_busy(self) -> bool:
        return self._job is not None

    def result(self) -> Any:
        """The newest result (what ``resultChanged`` last carried), or None."""
        raise NotImplementedError

    def set_text(self, field: str, text: str) -> None:
        raise NotImplementedError

    def choices(self, field: str) -> tuple[str, ...] | None:
        """The values ``field`` may take, or None when any text is allowed."""
        return self.CHOICES.get(field)

    # --- state for a session file ----------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Plain data (str, numbers, lists, dicts) that ``restore`` takes back."""
        return {"texts": self.texts()}

    def autosave_state(self) -> dict[str, Any]:
        """``state()`` for the autosave: an entry may be a function without arguments that
        gives its value, called off the GUI thread (for entries that are slow to make)."""
        return self.state()

    def restore(self, state: Any) -> list[str]:
        """Take back what ``state()`` gave; returns the names of the entries it could not
        restore (e.g. ``texts.epsilon``, ``history[2]``) and restores everything else. Never
        raises on a bad entry: a damaged session must never stop the window opening."""
        if not isinstance(state, dict):
            return ["state"]
        problems: list[str] = []
        texts: dict[str, str] = {}
        raw = state.get("texts", {})
        if isinstance(raw, dict):
            for field, text in raw.items():
                allowed = self.choices(field) if isinstance(field, str) else None
                if (
                    field not in self.FIELDS
                    or not isinstance(text, str)
                    or (allowed is not None and text not in allowed)
                ):
                    problems.append(f"texts.{field}")
                else:
                    texts[field] = text
        else:
            problems.append("texts")
        known = {"texts", *self._state_keys()}
        problems += [str(key) for key in state if key not in known]
        try:
            problems += self._restore(texts, state)
        except Exception as error:  # a bug here must not stop the window opening
            print(f"fdgui: could not restore {type(self).__name__}: {error}", file=sys.stderr)
            problems.append("state")
        return problems

    def _state_keys(self) -> tuple[str, ...]:
        """The keys of ``state()`` besides "texts"."""
        return ()

    def _restore(self, texts: dict[str, str], state: dict[str, Any]) -> list[str]:
        """Apply checked ``texts`` and the subclass's own entries of ``state``; returns the
        names of entries it skipped."""
        raise NotImplementedError

    # --- undo ------------------------------------------------------------------------------
    #: the window's undo history (fdgui.ui.undo.UndoStack); None: changes are not undoable
    undo_stack: Any = None

    def snapshot(self) -> Any:
        """What ``apply_snapshot`` needs to bring this model back (default: ``state()``)."""
        return self.state()

    def apply_snapshot(self, snapshot: Any) -> None:
        self.restore(snapshot)

    def undoable(self, label: str, change: Callable[[], Any]) -> Any:
        """Run ``change()`` and, if it changed this model, record it as one undo step named
        ``label`` (Reset, Clear history, …); returns what ``change`` returned."""
        stack = self.undo_stack
        if stack is None:
            return change()
        before = self.snapshot()
        result = change()
        after = self.snapshot()
        if self.snapshot_changed(before, after):
            stack.push(label, self, before, after)
        return result

    def snapshot_changed(self, before: Any, after: Any) -> bool:
        return bool(before != after)

    def snapshot_parts(self, snapshot: Any) -> dict[str, Any]:
        """A snapshot as parts that undo restores independently (fdgui.ui.undo): by
        default every text field ("texts.<field>") and every other entry of ``state()``."""
        parts = {key: value for key, value in snapshot.items() if key != "texts"}
        parts.update({f"texts.{f}": text for f, text in snapshot.get("texts", {}).items()})
        return parts

    def snapshot_from_parts(self, parts: dict[str, Any]) -> Any:
        """The snapshot ``snapshot_parts`` took apart."""
        state = {key: value for key, value in parts.items() if not key.startswith("texts.")}
        state["texts"] = {k[6:]: v for k, v in parts.items() if k.startswith("texts.")}
        return state

    @staticmethod
    def same_part(first: Any, second: Any) -> bool:
        return first is second or bool(first == second)

    # --- jobs ------------------------------------------------------------------------------
    def start_job(
        self,
        function: Callable[..., Generator[Any, None, Any]],
        *args: Any,
        busy: bool = True,
        progressed: Callable[[float, str], None] | None = None,
        returned: Callable[[Any], None] | None = None,
        errored: Callable[[str, str], None] | None = None,
        aborted: Callable[[], None] | None = None,
        finished: Callable[[], None] | None = None,
    ) -> Any:
        """Run ``function(*args)`` (a core generator) in the worker and call the handlers on
        the GUI thread; Qt drops them if this model is deleted first.

        ``busy``: this is the panel's job: busyChanged(True) now and (False) when it ends,
        its progress re-emitted as ``progressed`` unless a ``progressed`` handler is given,
        and ``cancel()`` stops it. A second busy job replaces the first, whose late signals
        are then ignored. ``busy=False``: a background job (no busy state, no progress).
        """
        from fdgui.ui.worker import start_job

        job = start_job(function, *args)
        self._handlers[job] = _Handlers(busy, progressed, returned, errored, aborted, finished)
        if busy:
            self._job = job
            self.busyChanged.emit(True)
        # bound methods of this QObject: Qt drops the connections if the model goes away
        # while a job is still winding down in the pool
        job.progressed.connect(self._job_progressed)
        job.returned.connect(self._job_returned)
        job.errored.connect(self._job_errored)
        job.aborted.connect(self._job_aborted)
        job.finished.connect(self._job_finished)
        return job

    def cancel(self) -> None:
        """Ask the running job to stop; busy turns False once it has stopped."""
        if self._job is not None:
            self._job.cancel()

    def _detach_job(self) -> None:
        """Stop the running job and stop listening to it now: busy turns False at once."""
        if self._job is not None:
            job, self._job = self._job, None
            job.cancel()
            self.busyChanged.emit(False)

    def _live_handlers(self) -> _Handlers | None:
        """The handlers of the job that sent the signal, unless it was detached."""
        job = self.sender()
        handlers = self._handlers.get(job)
        if handlers is None or (handlers.busy and job is not self._job):
            return None
        return handlers

    def _job_progressed(self, fraction: float, message: str) -> None:
        handlers = self._live_handlers()
        if handlers is None:
            return
        if handlers.progressed is not None:
            handlers.progressed(fraction, message)
        elif handlers.busy:
            self.progressed.emit(fraction, message)

    def _job_returned(self, value: Any) -> None:
        handlers = self._live_handlers()
        if handlers is not None and handlers.returned is not None:
            handlers.returned(value)

    def _job_errored(self, message: str, details: str) -> None:
        handlers = self._live_handlers()
        if handlers is not None and handlers.errored is not None:
            handlers.errored(message, details)

    def _job_aborted(self) -> None:
        handlers = self._live_handlers()
        if handlers is not None and handlers.aborted is not None:
            handlers.aborted()

    def _job_finished(self) -> None:
        handlers = self._live_handlers()
        job = self.sender()
        self._handlers.pop(job, None)
        if handlers is None:
            return
        if job is self._job:
            self._job = None
            self.busyChanged.emit(False)
        if handlers.finished is not None:
            handlers.finished()
