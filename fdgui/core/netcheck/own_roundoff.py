"""One entry's own round-off: what its losses along its own axis scatter about a cubic.

The check measures one loss value's round-off along lines that move whole tensors
(``roundoff``). One entry can see more (a float32 part that it moves through: an activation,
a middle layer) or less (another entry's pole widened the tensor's). Its own is measured
from losses along its own axis at OWN_SPACINGS·ε apart: two fans (θ0 and three steps to
each side), each fan's residual from a cubic through it (``fan_residuals``), ROUNDOFF_SAFETY
times the quieter, at least half the quantum the losses move in (``loss_quantum``). Used by
``wide_window`` (an own round-off far under the check's: the ladder uses it) and by
``own_roundoff_recheck`` / ``loose_verdict`` (one far above it: the windows were too
narrow for that entry). 24 losses per entry.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.roundoff import ROUNDOFF_SAFETY, SHAPE_FLOOR, TELLING, loss_quantum
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.numbers.quadratic import fan_offsets, fan_residuals

OWN_SPACINGS = (0.5, 0.5 * (5**0.5 - 1))  # the own fans' spacings, times the entry's ε
OWN_ABOVE = 2.0  # an own round-off this many times the windows' one: they were too narrow


def own_roundoff(engine, rows_for, epsilon, chosen, plain, untold=False) -> np.ndarray:
    """Each chosen entry's own round-off of one loss value: ROUNDOFF_SAFETY times the
    quieter of its two fans' residual from a cubic (losses along its own axis at
    OWN_SPACINGS·ε apart; only fans whose losses moved TELLING times their residual tell),
    or half the quantum its losses move in, if larger; at least ``plain``; inf where no
    fan tells (``untold``: the quieter fan's residual there too — the losses moved no more
    than their round-off, which is then at least that). The larger over the spacings: a
    loss rounded to a quantum Q whose change over one spacing happens to be a whole number
    of quanta lies on a line exactly there (a residual of 0), not at a spacing that is no
    rational multiple of it."""
    found = [_own_at(engine, rows_for, epsilon, chosen, plain, spacing, untold)
             for spacing in OWN_SPACINGS]  # fmt: skip
    return np.maximum.reduce(found)


def _own_at(engine, rows_for, epsilon, chosen, plain, spacing, untold=False) -> np.ndarray:
    """``_own_roundoff`` at one spacing (times the entry's ε)."""
    total = epsilon.size
    k = fan_offsets()
    offsets = k[k != 0]
    parts = []
    for offset in offsets:
        steps = np.zeros(total)
        steps[chosen] = epsilon[chosen] * spacing * offset
        parts.append(steps)
    points, lost = rows_for(np.concatenate(parts))
    keep = np.concatenate([row * total + chosen for row in range(offsets.size)])
    with np.errstate(invalid="ignore", over="ignore"):
        losses = np.where(lost[keep], engine.loss, engine._losses(points[keep]))
    losses = losses.reshape(offsets.size, chosen.size)
    found = np.full(chosen.size, plain)
    floor = SHAPE_FLOOR * unit_roundoff(engine.precision) * max(1.0, abs(engine.loss))
    for column in range(chosen.size):
        line = np.insert(losses[:, column], int(np.sum(k < 0)), engine.loss)
        half = k.size // 2
        residuals, quiet = [], []
        for fan, value in zip((line[: half + 1], line[half:]), fan_residuals(line), strict=True):
            if value is not None:
                quiet.append(value)
            finite = fan[np.isfinite(fan)]
            size = float(np.ptp(finite)) if finite.size else 0.0
            # a fan tells only where its losses moved well beyond their residual (one
            # on a step of a staircase, or a coarse part's, is flat and tells nothing)
            if value is not None and size > 0 and size >= TELLING * value:
                residuals.append(value)
        if not residuals and untold and quiet:
            residuals = quiet  # (moved within their round-off: it is at least this)
        if not residuals:
            found[column] = np.inf  # nothing measured: the check's round-off stands
            continue
        quantum = loss_quantum(line[None, :], floor)
        own = ROUNDOFF_SAFETY * max(min(residuals), quantum / 2)
        found[column] = max(plain, own)
    return found
