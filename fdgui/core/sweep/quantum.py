"""The round-off floor of a loss that changes only in whole quanta.

A loss rounded to multiples of a quantum Q (round(L/Q)·Q; a float32 loss with a cancelling
offset) is off by up to Q/2 at every point, so a difference quotient of it by up to Q/ε —
not u·|L|/ε, which a quantum of 1e-5 on a loss near 0.2 exceeds 1e11 times. With the
smaller floor, the differences at ε where one quantum is a large share of ε·|L'| (10 at
ε = 1e-6 for slope 0.98) read as resolving the derivative and refuting it (review9i C5:
a correct 0.98 "wrong"). ``flat.loss_resolution`` reads the quantum from the sweep's own
changes (every one a whole multiple of the smallest); the floor becomes that quantum over ε
wherever it is the larger.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

QUANTUM = 4.0  # a step this many times u·|L| (or more) is a quantum, not round-off


FEW = 8  # ε whose loss moved: fewer read no staircase (flat.FEW_CHANGES)


def loss_quantum(result) -> float | None:
    """The quantum a computed sweep's loss changes in (``flat.loss_resolution``), when it
    is well above u·|L|; None otherwise and for measured rows."""
    if result.kind == "measured":
        return None
    from fdgui.core.sweep.flat import loss_resolution

    base = float(result.unit_roundoff or 0.0) * abs(float(result.loss))
    quantum = loss_resolution(result)
    if not quantum > QUANTUM * base:
        return None
    # a staircase is read from enough changes to show one: a loss flat but for a few ε
    # past a kink (max(w − 0.9, 0) at w = 0) has no quantum, its least change is no step
    with np.errstate(all="ignore"):
        moved = (result.loss_plus != result.loss_values) | (result.loss_minus != result.loss_values)
    return quantum if int(np.sum(moved & ~np.asarray(result.vanished, dtype=bool))) >= FEW else None


def with_quantum_floor(result):
    """``result`` with its round-off floor at least the loss's quantum over ε (unchanged
    where the loss shows none)."""
    quantum = loss_quantum(result)
    if quantum is None:
        return result
    with np.errstate(all="ignore"):
        floor = np.maximum(result.roundoff_floor, quantum / np.asarray(result.epsilons))
    return replace(result, roundoff_floor=floor)
