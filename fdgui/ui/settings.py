"""What the window remembers between runs: every panel's ``state()``.

Stored with QSettings as one JSON string per panel under ``panels/<key>`` (QSettings turns a
one-item list into a plain string and numbers into strings; JSON avoids both). Reading never
fails: a damaged entry is skipped, named on stderr, and the panel keeps its defaults.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QSettings

_PREFIX = "panels/"
# what versions before the panel registry stored: the calculator only, in two entries
_OLD_CALCULATOR_KEYS = {"texts": "calculator/texts", "history": "calculator/history"}


def load_states(settings: QSettings | None = None) -> dict[str, Any]:
    """The saved state of every panel by key, as plain data (not yet checked: each model's
    ``restore`` checks its own)."""
    settings = settings or QSettings()
    states: dict[str, Any] = {}
    try:
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


def save_states(states: dict[str, Any], settings: QSettings | None = None) -> None:
    settings = settings or QSettings()
    for panel, state in states.items():
        settings.setValue(_PREFIX + panel, json.dumps(state))
    for key in _OLD_CALCULATOR_KEYS.values():
        settings.remove(key)
    settings.sync()


def restore_model(key: str, model: Any, state: Any) -> None:
    """``model.restore(state)``, saying on stderr what could not be restored."""
    try:
        problems = model.restore(state)
    except Exception as error:  # restore never raises by contract; if it does, stay up
        problems = [f"everything ({type(error).__name__}: {error})"]
    if problems:
        _say(
            f"could not restore {', '.join(problems)} of the {key} panel from the last "
            "session; kept the defaults there"
        )


def _say(message: str) -> None:
    print(f"fdgui: {message}", file=sys.stderr)
