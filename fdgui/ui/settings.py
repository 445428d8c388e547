"""What the window remembers between runs: the calculator's typed texts and its measurements.

Stored with QSettings as one JSON string per item (QSettings turns a one-item list into a
plain string and numbers into strings; JSON avoids both).
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QSettings

from fdgui.core.calculator.schemes import FIELDS, parse_inputs
from fdgui.core.report.format import decimal_exact as format_exact
from fdgui.ui.calculator.model import CalculatorModel

_TEXTS_KEY = "calculator/texts"
_HISTORY_KEY = "calculator/history"


def save_calculator(model: CalculatorModel, settings: QSettings | None = None) -> None:
    settings = settings or QSettings()
    settings.setValue(_TEXTS_KEY, json.dumps(model.texts()))
    rows = [
        {
            "epsilon": format_exact(row.epsilon),
            "loss_plus": format_exact(row.loss_plus),
            "loss_minus": format_exact(row.loss_minus),
            "loss": "" if row.loss is None else format_exact(row.loss),
        }
        for row in model.history_rows()
    ]
    settings.setValue(_HISTORY_KEY, json.dumps(rows))
    settings.sync()


def restore_calculator(model: CalculatorModel, settings: QSettings | None = None) -> None:
    """Bring back the last run's texts and rows; anything unreadable is skipped silently
    (the defaults stay), since a damaged settings file must never stop the app starting."""
    settings = settings or QSettings()
    try:
        _restore(model, settings)
    except Exception as error:  # whatever is in the file, the window opens with the defaults
        print(
            f"fdgui: could not restore the last session ({error}); starting fresh", file=sys.stderr
        )
        model.reset()
        model.clear_history()


def _restore(model: CalculatorModel, settings: QSettings) -> None:
    try:
        texts = json.loads(str(settings.value(_TEXTS_KEY, "{}")))
        rows = json.loads(str(settings.value(_HISTORY_KEY, "[]")))
    except (TypeError, ValueError):
        return
    if (
        isinstance(texts, dict)
        and any(f in texts for f in FIELDS)
        and all(isinstance(texts.get(f, ""), str) for f in FIELDS)
    ):
        model.set_inputs(
            texts.get("loss", ""),
            texts.get("loss_plus", ""),
            texts.get("loss_minus", ""),
            texts.get("epsilon", ""),
            texts.get("backprop", ""),
        )
    if isinstance(rows, list):
        parsed = []
        for row in rows:
            if not isinstance(row, dict):
                continue
            inputs, _errors = parse_inputs({key: str(value) for key, value in row.items()})
            if inputs is not None:
                parsed.append(inputs)
        model.add_measurements(parsed)
