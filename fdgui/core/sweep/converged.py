"""An estimate read at some ε is converged only if the differences at smaller ε agree with it.

A reading of the derivative at a scale ε₀ (Richardson from its steps, the median of a decade
of central differences) carries a bar for what it saw there: the tableau's spread, the
decade's spread plus round-off. Neither says anything about structure finer than ε₀. On a
smooth stretch the central differences below ε₀ only lose truncation (c·ε²), so each stays
within the reading's bar plus its own predicted error (round-off, the rounding of w ± ε,
the truncation guide). A loss with a small fast ripple, sin(w) + A·sin(k·w) with k ≫ 1/ε₀,
breaks that: below ε₀ the differences swing by about A/ε until ε ≲ 1/k, where they settle on
the derivative A·k·cos(k·w) away from the reading (review9k CRITICAL-2: "0.267498827 ±
9.7e-9" from Richardson, 921 bars from the truth the same sweep measured at ε ≈ 1e-8).

``deviates_below``: a run of at least ``RUN`` consecutive usable ε below ε₀ whose
differences lie beyond ``SEPARATION`` times (the reading's bar plus their own predicted
error) — a run, so that one difference a stray rounding throws out refutes nothing. Such a
reading is not converged: it never judges, and an estimate comes from the readings at ε the
smaller ones agree with (``fd_verdict.decade_windows`` keeps only those).
"""

from __future__ import annotations

import numpy as np

SEPARATION = 2.0  # beyond twice (the reading's bar + the difference's predicted error)
RUN = 5  # consecutive usable ε (about a third of a decade on the sweep's grid)


def deviates_below(
    epsilons: np.ndarray,
    estimates: np.ndarray,
    usable: np.ndarray,
    predicted: np.ndarray,
    value: float,
    bar: float,
    below: float,
) -> bool:
    """Whether ``RUN`` consecutive usable ε (in ε order) under ``below`` have central
    differences ``estimates`` beyond SEPARATION·(``bar`` + ``predicted`` there) from
    ``value``."""
    with np.errstate(all="ignore"):
        under = np.flatnonzero(usable & (epsilons < below) & np.isfinite(predicted))
        if under.size < RUN:
            return False
        under = under[np.argsort(epsilons[under])]
        beyond = np.abs(estimates[under] - value) > SEPARATION * (bar + predicted[under])
    return longest_run(beyond) >= RUN


def longest_run(flags: np.ndarray) -> int:
    """The longest run of consecutive True in ``flags``."""
    best = count = 0
    for flag in np.asarray(flags, dtype=bool):
        count = count + 1 if flag else 0
        best = max(best, count)
    return best
