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

A cubic's residual is round-off only where the loss is a cubic over the fans: one that
curves hard there (sin(3000·w)/3000², its fans 0.04 rad long) leaves its higher terms, 1e-15
against float64's 1e-16 — read as round-off, it widened the bars of a 0.01 % bug's entries
until they were "Undecided" instead of wrong. So for the callers that widen windows with it
(``above``), an entry whose own round-off is above that and the floor is measured again at
a spacing NARROWER times closer (12 losses): round-off does not depend on the spacing, a
shape's residual after the cubic falls as its fourth power. One that fell SHAPE_FALL times
or more, or to the floor (u times the size the loss rounds at: all the round-off the
windows assume), and still tells, was the loss's shape: the narrower measure replaces it,
narrowed again while it stays above ``above`` (up to SHAPE_NARROWINGS times) and taken
wherever it falls further (the shape's share still falling: 1e-15, 1e-17, 6e-20, 1e-20 for
a loss rounding at 8e-21).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.roundoff import (
    NARROWER,
    ROUNDOFF_SAFETY,
    SHAPE_FALL,
    SHAPE_FLOOR,
    TELLING,
    loss_quantum,
)
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.numbers.quadratic import fan_offsets, fan_residuals

OWN_SPACINGS = (0.5, 0.5 * (5**0.5 - 1))  # the own fans' spacings, times the entry's ε
OWN_ABOVE = 2.0  # an own round-off this many times the windows' one: they were too narrow
SHAPE_NARROWINGS = 3  # an own round-off that falls like a shape is narrowed this often at most
SHAPE_SPACING = OWN_SPACINGS[1]  # ... at this spacing (times ε over NARROWER^n): no rational
# multiple of ε, where a loss rounded to a quantum would lie on a line only by chance


def own_roundoff(engine, rows_for, epsilon, chosen, plain, untold=False, above=None) -> np.ndarray:
    """Each chosen entry's own round-off of one loss value: ROUNDOFF_SAFETY times the
    quieter of its two fans' residual from a cubic (losses along its own axis at
    OWN_SPACINGS·ε apart; only fans whose losses moved TELLING times their residual tell),
    or half the quantum its losses move in, if larger; at least ``plain``; inf where no
    fan tells (``untold``: the quieter fan's residual there too — the losses moved no more
    than their round-off, which is then at least that). The larger over the spacings: a
    loss rounded to a quantum Q whose change over one spacing happens to be a whole number
    of quanta lies on a line exactly there (a residual of 0), not at a spacing that is no
    rational multiple of it. ``above`` (a number, or one per chosen entry): those whose own
    round-off is above it are narrowed where it may be the loss's shape (module doc)."""
    found = [_own_at(engine, rows_for, epsilon, chosen, plain, spacing, untold)
             for spacing in OWN_SPACINGS]  # fmt: skip
    own = np.maximum.reduce(found)
    if above is not None:
        limit = np.broadcast_to(np.asarray(above, dtype=float), own.shape)
        own = _without_shape(engine, rows_for, epsilon, chosen, plain, own, limit)
    return own


def _without_shape(engine, rows_for, epsilon, chosen, plain, own, above) -> np.ndarray:
    """``own`` with each entry's value above ``above`` (and ``plain``, the measure's floor)
    replaced by its measure NARROWER times closer where that fell SHAPE_FALL times or more,
    or to the floor — the loss's shape, not round-off — and again while it falls (module
    doc)."""
    own = own.copy()
    going = np.flatnonzero(np.isfinite(own) & (own > above) & (own > plain))
    for narrowing in range(1, SHAPE_NARROWINGS + 1):
        if going.size == 0:
            break
        shrink = NARROWER**-narrowing
        found = _own_at(engine, rows_for, epsilon, chosen[going], plain, SHAPE_SPACING * shrink)
        with np.errstate(invalid="ignore"):
            if narrowing == 1:  # a shape, or round-off no wider than the floor
                fell = (found * SHAPE_FALL <= own[going]) | (found <= plain)
            else:  # a shape seen falling: what is left after it is nearer the round-off
                fell = found < own[going]
            fell &= np.isfinite(found)
        own[going[fell]] = found[fell]
        fell = going[fell]
        going = fell[(own[fell] > above[fell]) & (own[fell] > plain)]
    return own


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
