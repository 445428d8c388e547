"""A relu's kink inside the stretch where a coarser part beside a float64 path does not move.

Below the part's first move the differences read the float64 path alone; a kink nearer to
w than that move (``inner_format._past_kink``: the even parts grow on a line R·(ε − d)
there) is crossed by every ε that measures, so to them it is a kink at w (or within the
stretch's top), and their central differences read the one-sided slopes' average, never
a derivative's plateau (review16x K1: an honest gradient "wrong" 43 of 52, a backward
dropping the part's derivative passed 18 of 26).
"""

from __future__ import annotations

import numpy as np


def hidden_kink_at(result, blind, kink_reference) -> tuple[float, float] | None:
    """(the top of the blind stretch, the kink's slope change R) where a relu's kink lies
    inside the stretch where a coarser part beside a float64 path does not move
    (``inner_format.inner_kink``): every ε that measures crosses it, so it is a kink at w
    to them (or within that top), and the differences there are no plateau of a
    derivative (review16x K1); None else, and where an expression says the branches."""
    if blind is None or kink_reference is not None or not blind.any():
        return None
    from fdgui.core.sweep.inner_format import inner_kink

    found = inner_kink(result)
    if found is None:
        return None
    return float(np.max(result.epsilons[blind])), found[0]


def hidden_sides(change, result, usable) -> tuple[tuple[float, float], float] | None:
    """The one-sided slopes at a kink inside the blind stretch (``hidden_kink_at``), where
    the one-sided differences do not read them: the central differences above it read
    their average (``fd_verdict.fd_bar``: the decade that spreads least, its bar that
    spread plus the round-off predicted there, the part's rounding over ε included — the
    flattest run's spread alone left a bfloat16 part's rounding out and missed an honest
    gradient by 0.009), the kink's even part R·(ε − d) their difference R."""
    from fdgui.core.sweep.fd_verdict import fd_bar

    found = fd_bar(result, usable)
    if found is None or not np.all(np.isfinite(found)):
        return None
    half = abs(change) / 2.0
    return (found[0] - half, found[0] + half), float(found[1])
