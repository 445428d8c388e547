"""Compare sweeps: pin the shown sweep and overlay up to four pinned ones (e.g. float32
against bfloat16, or two points w), each with its legend entry; pins live in the session.

``Pins`` is model-side (plain data: ε, the central estimate and its relative error per point);
``PinOverlay`` draws them on the explorer's two plots.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QObject, Signal

from fdgui.ui.plain_text import markup

LIMIT = 4
MAX_POINTS = 100_000
PIN_COLOURS = ("#7f7f7f", "#8c564b", "#17becf", "#bcbd22")


def _numbers(values: Any) -> list[float | None]:
    """Floats for JSON: a NaN or infinity becomes None (JSON has neither)."""
    out: list[float | None] = []
    for value in values:
        number = float(value)
        out.append(number if math.isfinite(number) else None)
    return out


class Pins(QObject):
    """The pinned sweeps, oldest first: dicts of label, dtype, epsilons, central, error."""

    pinsChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pins: list[dict[str, Any]] = []

    def pins(self) -> list[dict[str, Any]]:
        return list(self._pins)

    def pin(self, result: Any) -> str:
        """Pin ``result`` (a SweepResult); returns a sentence saying what happened."""
        if result is None:
            return "Nothing to pin yet: no sweep is shown."
        if len(self._pins) >= LIMIT:
            return f"Up to {LIMIT} sweeps can be pinned; unpin one first."
        central = result.curves["central"]
        label = f"{result.label} · {result.dtype}"
        pin = {
            "label": label,
            "dtype": result.dtype,
            "epsilons": _numbers(result.epsilons),
            "central": _numbers(central.estimates),
            "error": _numbers(getattr(central, "relative_errors", central.estimates)),
        }
        self._pins.append(pin)
        self.pinsChanged.emit()
        return f"Pinned {label} ({len(self._pins)} of {LIMIT})."

    def unpin(self, index: int) -> None:
        if 0 <= index < len(self._pins):
            del self._pins[index]
            self.pinsChanged.emit()

    def clear(self) -> None:
        if self._pins:
            self._pins = []
            self.pinsChanged.emit()

    def state(self) -> list[dict[str, Any]]:
        return [dict(pin) for pin in self._pins]

    def restore(self, saved: Any) -> list[str]:
        """Take back ``state()``; a bad pin is skipped and named (``pins[1]``)."""
        if not isinstance(saved, list):
            self.clear()
            return ["pins"]
        good, problems = [], []
        for number, pin in enumerate(saved):
            if _valid(pin) and len(good) < LIMIT:
                good.append(dict(pin))
            elif len(good) >= LIMIT:
                problems.append(f"pins[{number}] (more than {LIMIT} pins)")
            elif isinstance(pin, dict) and len(str(pin.get("label", ""))) > MAX_LABEL:
                problems.append(f"pins[{number}] (a label longer than {MAX_LABEL} characters)")
            else:
                problems.append(f"pins[{number}] (not a pin, or values it cannot draw)")
        self._pins = good
        self.pinsChanged.emit()
        return problems


MAX_LABEL = 500  # characters of a pin's label (a longer one is not a label fdgui made)
MAX_VALUE = 1e300  # larger magnitudes cannot be drawn (the axes' ranges overflow)


def _valid(pin: Any) -> bool:
    if not isinstance(pin, dict) or not isinstance(pin.get("label"), str):
        return False
    if len(pin["label"]) > MAX_LABEL:
        return False
    if not isinstance(pin.get("dtype"), str):
        return False
    columns = [pin.get(key) for key in ("epsilons", "central", "error")]
    if not all(isinstance(column, list) for column in columns):
        return False
    if len({len(column) for column in columns}) != 1 or len(columns[0]) > MAX_POINTS:
        return False
    for column in columns:
        for value in column:
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                return False
            try:
                if not math.isfinite(float(value)) or abs(float(value)) > MAX_VALUE:
                    return False
            except OverflowError:
                return False
    return all(value is not None and value > 0 for value in pin["epsilons"])


class PinOverlay:
    """The pinned sweeps as dashed curves on the explorer's plots, named in a legend."""

    def __init__(self, top: Any, bottom: Any, pins: Pins) -> None:
        import pyqtgraph as pg

        self._pg = pg
        self.top, self.bottom, self.pins = top, bottom, pins
        self.legend = pg.LegendItem(offset=(10, 10), labelTextColor="#333")
        self.legend.setParentItem(top.getViewBox())
        self.curves: list[Any] = []
        pins.pinsChanged.connect(self.redraw)
        self.redraw()

    def redraw(self) -> None:
        import numpy as np

        pg = self._pg
        for plot, curve in self.curves:
            plot.removeItem(curve)
        self.curves = []
        self.legend.clear()
        for number, pin in enumerate(self.pins.pins()):
            colour = PIN_COLOURS[number % len(PIN_COLOURS)]
            pen = pg.mkPen(colour, width=1.6, style=pg.QtCore.Qt.PenStyle.DashDotLine)
            epsilons = np.array(pin["epsilons"], dtype=float)
            for plot, key in ((self.top, "central"), (self.bottom, "error")):
                values = np.array([np.nan if v is None else v for v in pin[key]], dtype=float)
                if key == "error":
                    values = np.where(values > 0, values, np.nan)
                curve = pg.PlotDataItem(
                    epsilons,
                    values,
                    pen=pen,
                    name=f"pin {number + 1}: {markup(pin['label'])}",
                    connect="finite",
                )
                plot.addItem(curve)
                self.curves.append((plot, curve))
                if plot is self.top:
                    self.legend.addItem(curve, f"pin {number + 1}: {markup(pin['label'])}")
        self.legend.setVisible(bool(self.curves))
