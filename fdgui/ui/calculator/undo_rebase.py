"""Undo steps taken while a saved history was still being read: once it is read, their
snapshots get the read rows too (the read is fdgui's, not a change made after the step)."""

from __future__ import annotations

from typing import Any

import numpy as np


def with_read_rows(pending: Any, rows: list[Any], points: np.ndarray) -> Any:
    """A function taking a calculator snapshot whose unread rows are ``pending`` to the one
    with ``rows`` (and their ``points``) read in front; other snapshots pass unchanged."""

    def change(snapshot: Any) -> Any:
        history, shown, unread, texts, roundoff = snapshot
        if not unread or not (unread is pending or unread == pending):
            return snapshot
        return rows + list(history), np.concatenate([points, shown]), [], texts, roundoff

    return change
