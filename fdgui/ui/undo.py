"""Undo and redo for the destructive actions (Reset, Clear history, Delete rows, Paste table,
Send to calculator): one history for the window, of model snapshots.

A model records a step with ``PanelModel.undoable(label, change)``: its ``snapshot()`` before
and after. A snapshot is seen as parts (``PanelModel.snapshot_parts``: each text field, the
history, the pins, …); a step changed some of them. Undo puts back only those parts, and
only while each is still as the step left it: a field typed or a row added elsewhere since
stays as it is. Once one of the step's own parts has changed since, applying it would throw
that change away: the step and the model's older steps are dropped and this is said
(``refused``) instead. Redo mirrors it; a new step forgets what was undone.
Snapshots are the models' own (cheap) data, never widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

LIMIT = 100


@dataclass
class _Step:
    label: str
    model: Any
    before: Any
    after: Any


class UndoStack(QObject):
    """The window's undo history. ``changed`` fires after every push, undo and redo."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done: list[_Step] = []
        self._undone: list[_Step] = []
        #: why the last undo or redo did nothing ("" when it did something)
        self.refused = ""

    def push(self, label: str, model: Any, before: Any, after: Any) -> None:
        self._done.append(_Step(label, model, before, after))
        del self._done[:-LIMIT]
        self._undone.clear()
        self.changed.emit()

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_text(self) -> str:
        return self._done[-1].label if self._done else ""

    def redo_text(self) -> str:
        return self._undone[-1].label if self._undone else ""

    def undo(self) -> str:
        """Undo the last step; returns its label ("" when there was none)."""
        self.refused = ""
        if not self._done:
            return ""
        step = self._done.pop()
        if not _apply(step.model, step.after, step.before):
            self._forget(step, "undo")
            return ""
        self._undone.append(step)
        self.changed.emit()
        return step.label

    def redo(self) -> str:
        self.refused = ""
        if not self._undone:
            return ""
        step = self._undone.pop()
        if not _apply(step.model, step.before, step.after):
            self._forget(step, "redo")
            return ""
        self._done.append(step)
        self.changed.emit()
        return step.label

    def _forget(self, step: _Step, doing: str) -> None:
        """A part ``step`` changed has changed again since: drop ``step`` and the steps of
        that model that change one of the same parts (each would bring back a state that
        throws the later change away); steps of its other parts stay. Says so."""
        parts = _touched(step.model, step.before, step.after)

        def keeps(other: _Step) -> bool:
            if other.model is not step.model:
                return True
            mine = _touched(other.model, other.before, other.after)
            return parts is not None and mine is not None and not parts & mine

        self._done = [s for s in self._done if keeps(s)]
        self._undone = [s for s in self._undone if keeps(s)]
        kept = any(s.model is step.model for s in (*self._done, *self._undone))
        self.refused = (
            f"Cannot {doing} {step.label}: what it changed has changed since, and it would "
            "undo that too. "
            + (
                "That step was dropped; the panel's other steps stay."
                if kept
                else "Its undo history was cleared."
            )
        )
        self.changed.emit()

    def rebase(self, model: Any, change: Any) -> None:
        """Every step of ``model`` with its snapshots passed through ``change`` (fdgui's own
        change of a part, e.g. a saved history read in the background, is not a change made
        after the steps: they then compare with it included)."""
        for step in (*self._done, *self._undone):
            if step.model is model:
                step.before, step.after = change(step.before), change(step.after)

    def clear(self) -> None:
        """Forget every step (a session was opened or a new one started)."""
        self._done.clear()
        self._undone.clear()
        self.changed.emit()


def _touched(model: Any, source: Any, target: Any) -> set[str] | None:
    """The parts that differ between two snapshots (None: they cannot be compared)."""
    try:
        old, new = model.snapshot_parts(source), model.snapshot_parts(target)
        same = model.same_part
        return {k for k in {**old, **new} if k not in old or k not in new
                or not same(old[k], new[k])}  # fmt: skip
    except Exception:
        return None


def _apply(model: Any, source: Any, target: Any) -> bool:
    """Take ``model`` from ``source`` to ``target`` in the parts where those differ, keeping
    every other part as it is now; False (nothing changed) when one of those parts is no
    longer as in ``source``."""
    try:
        old, new = model.snapshot_parts(source), model.snapshot_parts(target)
        now = model.snapshot_parts(model.snapshot())
        same = model.same_part
        touched = [k for k in {**old, **new} if k not in old or k not in new
                   or not same(old[k], new[k])]  # fmt: skip
        if any(k not in now and k in old for k in touched) or any(
            k in now and (k not in old or not same(now[k], old[k])) for k in touched
        ):
            return False
        merged = dict(now)
        for key in touched:
            if key in new:
                merged[key] = new[key]
            else:
                merged.pop(key, None)
        snapshot = model.snapshot_from_parts(merged)
    except Exception:  # a snapshot that cannot be compared: never risk the later changes
        return False
    model.apply_snapshot(snapshot)
    return True
