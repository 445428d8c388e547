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
error) and beyond SEPARATION times what each differs from its neighbours by (a round-off
the prediction misses scatters them as far as it moves them; a finer structure moves them
together) — a run, so that one difference a stray rounding throws out refutes nothing. Such a
reading is not converged: it never judges, and an estimate comes from the readings at ε the
smaller ones agree with (``fd_verdict.decade_windows`` keeps only those).
"""

from __future__ import annotations

import numpy as np

SEPARATION = 2.0  # beyond twice (the reading's bar + the difference's predicted error)
RUN = 5  # consecutive usable ε (about a third of a decade on the sweep's grid)


def usable_central(result, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ε, central differences, where they are usable: inside ``mask``, the step not
    vanished, finite, and L+ ≠ L−) — what a reading and the differences below it are."""
    epsilons = np.asarray(result.epsilons, dtype=float)
    estimates = np.asarray(result.central.estimates, dtype=float)
    with np.errstate(all="ignore"):
        usable = (
            np.asarray(mask, dtype=bool)
            & ~np.asarray(result.vanished, dtype=bool)
            & np.isfinite(estimates)
            & (result.loss_plus != result.loss_minus)
        )
    return epsilons, estimates, usable


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
        values = estimates[under]
        off = np.abs(values - value)
        # what neighbouring ε scatter by: round-off the prediction misses (a loss summed
        # in float32 with a cancelling offset, changing in steps it does not show) makes
        # each difference jump from its neighbours as far as from the reading; a finer
        # structure moves them together
        steps = np.abs(np.diff(values))
        after, before = np.concatenate((steps, steps[-1:])), np.concatenate((steps[:1], steps))
        scatter = np.maximum(after, before)
        beyond = (off > SEPARATION * (bar + predicted[under])) & (off > SEPARATION * scatter)
    return longest_run(beyond) >= RUN


def rounds_as_float64(result) -> bool:
    """Whether the loss rounds as float64 does: only then is each difference's predicted
    round-off (u·|L|/ε) a bound to read swings against. A loss computed in a coarser format
    (float32 with a cancelling offset changes in steps of 2.4e-4 that neither |L| nor its
    changes show as a quantum) strays from any reading by Q/ε over whole runs of ε: there
    only a settled decade's own spread refutes."""
    from fdgui.core.numbers.precision import unit_roundoff

    return float(result.unit_roundoff or 0.0) <= unit_roundoff("float64")


def longest_run(flags: np.ndarray) -> int:
    """The longest run of consecutive True in ``flags``."""
    flags = np.asarray(flags, dtype=bool).ravel()
    if not flags.any():
        return 0
    edges = np.diff(np.concatenate(([0], flags.view(np.int8), [0])))
    return int(np.max(np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)))
