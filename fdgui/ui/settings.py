"""What earlier versions remembered between runs, read once; and restoring one panel.

The window now keeps its state in an autosaved session file (fdgui.ui.session). Versions
before it stored one JSON string per panel in QSettings under ``panels/<key>``; that is read
when there is no autosave yet (never written again), so an upgrade loses nothing. Reading
never fails: a damaged entry is skipped, named on stderr, and the panel keeps its defaults.
A settings file larger than ``MAX_LEGACY_BYTES`` is not read at all (it is not ours).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from PySide6.QtCore import QSettings

_PREFIX = "panels/"
MAX_LEGACY_BYTES = 8 * 1024 * 1024
# what versions before the panel registry stored: the calculator only, in two entries
_OLD_CALCULATOR_KEYS = {"texts": "calculator/texts", "history": "calculator/history"}


def load_states(settings: QSettings | None = None) -> dict[str, Any]:
    """The saved state of every panel by key, as plain data (not yet checked: each model's
    ``restore`` checks its own)."""
    settings = settings or QSettings()
    states: dict[str, Any] = {}
    try:
        name = settings.fileName()
        if name and os.path.isfile(name) and os.path.getsize(name) > MAX_LEGACY_BYTES:
            _say(f"ignored the settings file {name}: it is too large to be fdgui's")
            return states
        keys = [key for key in settings.allKeys() if key.startswith(_PREFIX)]
        for key in keys:
            panel = key.removeprefix(_PREFIX)
            try:
                states[panel] = json.loads(str(settings.value(key, "null")))
            except (TypeError, ValueError):
                _say(f"the saved state of the {panel} panel is not readable")
        if "calculator" not in states:
            old = _old_calculator_state(settings)
            if old:
                states["calculator"] = old
    except Exception as error:  # whatever is in the file, the window opens
        _say(f"could not read the last session ({error}); starting fresh")
    return states


def _old_calculator_state(settings: QSettings) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for name, key in _OLD_CALCULATOR_KEYS.items():
        if settings.contains(key):
            try:
                state[name] = json.loads(str(settings.value(key)))
            except (TypeError, ValueError):
                _say(f"the saved calculator {name} are not readable")
    return state


def restore_model(key: str, model: Any, state: Any, session: Any = None) -> None:
    """``model.restore(state)``, saying on stderr (and in the window, through ``session``)
    what could not be restored."""
    try:
        problems = model.restore(state)
    except Exception as error:  # restore never raises by contract; if it does, stay up
        problems = [f"everything ({type(error).__name__}: {error})"]
    if problems:
        text = (
            f"could not restore {', '.join(problems)} of the {key} panel from the last "
            "session; kept the defaults there"
        )
        _say(text)
        if session is not None:
            session._say(f"Restored the {key} panel, but {text}.")


def _say(message: str) -> None:
    print(f"fdgui: {message}", file=sys.stderr)
