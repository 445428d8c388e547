"""What a probe sweep costs, said before and while it runs (review15w M3: a 3-point sweep of
a 0.5 s loss made 141 loss calls in 69 s, and nothing said so).

A sweep of one entry calls the loss at w ± ε for every ε of the grid (``2·points + 1``
values, fewer where rounding makes two equal) and, the first time an entry is swept, for its
references (noise repeats, round-off fans, Richardson tables, the loss's precision): about
REFERENCE_CALLS more, measured, whatever the grid. The time is the calls left × the probe's
own pace (seconds per loss value, measured by its process), unknown until it has one.

The estimate is a count of loss values, as the probe counts them (``evaluations_made``),
so "done" is read off the probe while the sweep runs, not guessed from the sweep's phases
(its first phase, the references, is one step of the progress bar)."""

from __future__ import annotations

import math
import time
from typing import Any

from fdgui.core.numbers import format as fmt

# loss values the references of a newly swept entry take (measured, ui16w: 137 for a 12-entry
# numpy probe at 3, 5, 20, 100 and 400 points; review15w's slow.py: 128): the grid's own
# values come on top
REFERENCE_CALLS = 135
GRID_EXTRA = 6  # values beyond 2·points + 1 a sweep asks (its w0, a rounding's neighbours)
TICK_MS = 1000  # the words are refreshed this often while the references run (no progress)


def planned_calls(points: int, first: bool) -> int:
    """Loss values a sweep of ``points`` ε asks of the probe (``first``: the entry's
    references are not known yet)."""
    return 2 * int(points) + 1 + GRID_EXTRA + (REFERENCE_CALLS if first else 0)


class SweepCost:
    """One running probe sweep's cost: planned calls, calls done (read off the probe), and
    the time left at the probe's pace."""

    def __init__(self, probe: Any, points: int, first: bool) -> None:
        self.probe = probe
        self.planned = planned_calls(points, first)
        self.start = self._made()
        self.started = time.perf_counter()

    def _made(self) -> int:
        return int(getattr(self.probe, "evaluations_made", 0) or 0)

    @property
    def done(self) -> int:
        return max(0, self._made() - self.start)

    def pace(self) -> float:
        """Seconds per loss value: this sweep's own so far, else the probe process's last
        measured one; nan while neither is known."""
        done = self.done
        if done >= 3:
            return (time.perf_counter() - self.started) / done
        process = getattr(self.probe, "process", None)
        known = getattr(process, "seconds_per_point", math.nan)
        return float(known) if known is not None else math.nan

    def fraction(self) -> float:
        return min(0.99, self.done / max(self.planned, 1))

    def words(self) -> str:
        """``about 990 loss calls, about 8.2 min`` before any, ``120 of about 990 loss calls,
        about 7.1 min left`` while it runs."""
        done, planned = self.done, max(self.planned, self.done)
        pace = self.pace()
        left = (planned - done) * pace
        if not done:
            time_words = f", about {fmt.duration(left)}" if math.isfinite(left) else ""
            return f"about {planned:,} loss calls{time_words}"
        time_words = f", about {fmt.duration(left)} left" if math.isfinite(left) else ", timing…"
        return f"{done:,} of about {planned:,} loss calls{time_words}"


# the sweep job's phases, as said before the cost (the job names one only as it starts)
PHASES = {
    "preparing": "",
    "references": "references, ",
    "evaluating the loss": "the loss at each ε, ",
    "waiting for the cursor's measurement": "waiting for the cursor's measurement, ",
}


class CostTicker:
    """Shows a running probe sweep's cost in the progress words: on each of its progress
    steps and every TICK_MS between them (the references are one long step). Stops itself
    once the model is no longer busy (finished, failed, cancelled, left)."""

    def __init__(self, model: Any, cost: SweepCost) -> None:
        from PySide6.QtCore import QTimer

        self.model, self.cost = model, cost
        self.fraction, self.message = 0.0, "preparing"
        self.active = True  # until stopped (the sweep ended, or Esc)
        self.timer = QTimer(model)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.show)
        self.timer.start()
        self._emit()  # before the job starts (then busy): the plan, before any call

    def progressed(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message or self.message
        self.show()

    def show(self) -> None:
        if not self.active:  # a progress step queued before the stop
            return
        if not self.model.is_busy():  # ended, failed, cancelled or left (a new pick)
            self.stop()
            return
        self._emit()

    def _emit(self) -> None:
        fraction = max(self.fraction, self.cost.fraction())
        phase = PHASES.get(self.message, self.message)
        self.model.progressed.emit(fraction, f"{phase}{self.cost.words()}")
        # the window's status bar too: the progress line may be scrolled out of view (860×600)
        self.model.statusMessage.emit(f"Sweeping the probe: {self.cost.words()} (Esc stops).")

    def stop(self, cancelled: bool = False) -> None:
        """Stop showing; ``cancelled`` (Esc, Cancel): say where the sweep stopped."""
        if self.active and cancelled:
            done, planned = self.cost.done, max(self.cost.planned, self.cost.done)
            self.model.statusMessage.emit(
                f"Stopped after {done:,} of about {planned:,} loss calls; the last finished "
                "sweep stays on screen."
            )
        self.active = False
        self.timer.stop()
