"""Which of the measured rows a Richardson reference over them is read from
(``measured._rows_richardson``): every row, and the rows thinned to chains whose ε stand at
least a ratio apart, the narrowest honest bar of them kept.

Dense rows (2,000 rows over seven decades, ε a factor 1.008 apart) are no worse evidence
than forty of them, but the bounds read from the smallest rows are: the room for a kink
(``kink_room``: the sums' odd part over the ten smallest rows, the law room from the
first row twice the smallest's ε) is read over ε a few per cent apart, where each row's
round-off u·|L|/ε is far larger than the change the law makes, so the bar grew with the
rows (± 2e-7 at 40 rows, ± 2e-4 at 2,000, ± 0.02 at 20,000 of (1 + ε)³). Each chain is a
table a person could have measured, its reference judged by every rule a table of those
rows is, so the bar kept is never wider than the one fewer rows give. docs/DIAGNOSIS.md
says why."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# consecutive ε of a chain stand at least this far apart (the rows' own spacing when wider)
THIN_RATIOS = (1.1, 1.25, 1.5, 2.0)
MIN_CHAIN = 3


def chains(steps: np.ndarray) -> list[np.ndarray]:
    """Positions into ``steps`` (distinct, any order) of each chain: from the smallest ε,
    every next row the first at least a THIN_RATIOS ratio beyond the last; only chains that
    leave rows out and keep at least MIN_CHAIN, each once."""
    order = np.argsort(steps)
    ordered = np.asarray(steps, dtype=float)[order]
    found: list[np.ndarray] = []
    for ratio in THIN_RATIOS:
        picked = [0]
        while True:
            after = np.searchsorted(ordered, ordered[picked[-1]] * ratio, side="left")
            if after >= ordered.size:
                break
            picked.append(int(after))
        if MIN_CHAIN <= len(picked) < ordered.size:
            chain = order[np.array(picked)]
            if not any(np.array_equal(chain, other) for other in found):
                found.append(chain)
    return found


def narrowest(
    read: Callable[[np.ndarray | None], object],
    steps: np.ndarray,
    trusted: Callable[[object], bool],
    width: Callable[[object], float],
):
    """``read(None)`` (every row) unless a chain's ``read(positions)`` is trusted with a
    narrower ``width``; a reference over every row that says its rows break a law
    (``limit`` "kink") is kept: its rows show what a chain may step over."""
    best = read(None)
    if best is None or getattr(best, "limit", None) == "kink":
        return best
    for chain in chains(steps):
        candidate = read(chain)
        if candidate is None or not trusted(candidate):
            continue
        if best is None or not trusted(best) or width(candidate) < width(best):
            best = candidate
    return best
