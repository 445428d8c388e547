"""What the rows of a reference's run read of the derivative one by one, for the bar without
the room for a kink (``kink_room.resting_on_the_room``; review13v H2).

The Richardson reference over measured rows extrapolates through every row of its run,
round-off-dominated ones included, so its bar without the room for a kink can be wider
than what a single row of the run reads: float16 rows of 1/(1 + 25w²) gave −0.46906 ± 0.029
(± 0.0497 with the room) while the rows at ε = 0.031 and 0.0078 read −0.4639 ± 0.004 and
−0.4687 ± 0.016 — a 10 % bug, 0.039 from the reference, was "Gradient correct (confirmed
…)" through the room alone.

A row of the run reads the derivative within its own ± where that ± resolves it (within
``row_scatter.READING_SHARE`` of the value) and the run's law V + c·ε² (c through its
largest row) puts its truncation within that ± (``row_scatter._reading_rows``, the rule
that keeps such rows inside a widened bar). The bar about the reference's value V that
holds such a row is |D − V| + its ±: the narrowest of those whose row another such row
agrees with (within both ±) — one row alone may carry round-off beyond its format that the
rows did not show; another at a different ε, agreeing with it, reads the same. Only the bar
without the room narrows: a claim beyond twice it is not confirmed (nor called wrong:
the room, a kink between w and the smallest ε, still could reconcile it)."""

from __future__ import annotations

import numpy as np

from fdgui.core.sweep.references import FLOAT64_ROUNDOFF
from fdgui.core.sweep.row_scatter import _reading_rows

READING_ROWS = 2  # rows reading the derivative that agree: the row itself and another


def rows_rest(result, reference) -> float | None:
    """The narrowest bar about ``reference``'s value that holds a row of its run reading the
    derivative within its own ± which another such row agrees with (module doc), or None."""
    noise = result.extras.get("loss_noise")
    if noise is None or reference.largest is None or not np.isfinite(reference.value):
        return None
    steps = np.asarray(result.epsilons, dtype=float)
    central = np.asarray(result.central.estimates, dtype=float)
    usable = ~np.asarray(result.vanished, dtype=bool) & np.isfinite(central)
    _values, first = np.unique(steps[usable], return_index=True)  # one row per ε, ascending
    rows = np.flatnonzero(usable)[first]
    with np.errstate(all="ignore"):
        # each loss's doubled ± (format, digits, round-off shown, grid) over 2ε, as the
        # central differences' bars are, and their float64 rounding
        own = (np.asarray(noise[0], dtype=float) + np.asarray(noise[1], dtype=float)) / (
            2.0 * steps
        ) + 4.0 * FLOAT64_ROUNDOFF * np.abs(central)
    readings = _reading_rows(reference, steps[rows], central[rows], own[rows])
    if not readings:
        return None
    values, bars = (np.array(column, dtype=float) for column in zip(*readings, strict=True))
    # rows whose intervals value ± bar meet (|v − v'| ≤ bar + bar', to an ulp): all rows less
    # those wholly above and those wholly below, read from the sorted ends (a sum over every
    # pair of rows took 170 CPU-s at 10,000 rows; review19x M1)
    low, high = values - bars, values + bars
    above = values.size - np.searchsorted(np.sort(low), high, side="right")
    below = np.searchsorted(np.sort(high), low, side="left")
    reading = values.size - above - below >= READING_ROWS  # the row itself and another
    held = np.abs(values - float(reference.value))[reading] + bars[reading]
    return float(np.min(held)) if held.size else None
