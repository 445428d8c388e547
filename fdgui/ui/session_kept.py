"""Kept copies of replaced work (``autosave-previous`` and ``-1…-5`` in the data folder):
which work is worth keeping, and which files the rotation may touch.

The rules (docs/SESSION-FORMAT.md, "Kept copies"):
- nothing is kept when the work is already in a file: the file it was opened from or saved
  to (unchanged), the file about to be opened, any kept copy, or every panel's example;
- the rotation only moves and deletes the files it made itself, in the data folder, with
  its own names; fdgui never saves into one of those names (Save and Save As refuse them),
  and a kept copy that is opened comes back as untitled work, so Save asks for a name of
  the person's own and the rotation can never replace or delete what the person saved.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from fdgui.core import session as files

_OWN_NAME = re.compile(
    rf"autosave(-previous(-\d+)?|-\d+)?{re.escape(files.SUFFIX)}(\.broken)?", re.ASCII
)


def is_own_file(path: Path) -> bool:
    """Whether ``path`` is one of fdgui's own files in the data folder (the autosave, a
    second window's autosave, a kept copy): never the person's file."""
    if _OWN_NAME.fullmatch(path.name) is None:
        return False
    with contextlib.suppress(OSError):
        return path.resolve().parent == files.data_dir().resolve()
    return path.parent == files.data_dir()


def kept_copies() -> list[Path]:
    """The kept copies that exist, newest first."""
    paths = [files.previous_autosave_path()]
    paths += [files.previous_copy_path(n) for n in range(1, files.PREVIOUS_KEPT + 1)]
    return [path for path in paths if path.is_file()]


def canonical(panels: Any) -> str:
    """``panels`` as JSON with sorted keys: equal for equal work, whatever the key order."""
    return json.dumps(panels, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _panels_json(path: Path) -> str | None:
    try:
        return canonical(files.read_session(path).panels)
    except (files.SessionError, OSError, ValueError):
        return None


def already_kept(panels: dict[str, Any]) -> Path | None:
    """The kept copy that holds exactly the work ``panels``, if any."""
    mine = canonical(panels)
    for path in kept_copies():
        if _panels_json(path) == mine:
            return path
    return None


def is_example(window: Any, panels: dict[str, Any]) -> bool:
    """Whether every panel in ``panels`` is at its example (what File → New gives)."""
    try:
        return all(
            canonical(state) == canonical(window.default_state(key))
            for key, state in panels.items()
        )
    except Exception:  # (cannot tell: keep it, never lose it)
        return False


def worth_keeping(window: Any, panels: dict[str, Any], data: bytes, incoming: Any) -> bool:
    """Whether the work ``panels`` (JSON ``data``) is in no file (see the module's rules);
    ``incoming``: the panels of the file about to replace it (None for File → New)."""
    if data == b"{}" or is_example(window, panels):
        return False
    if incoming is not None and canonical(incoming) == canonical(panels):
        return False
    return already_kept(panels) is None
