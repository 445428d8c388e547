"""The Richardson reference over measured rows (``measured._rows_richardson``): read over
every row and over chains of them a ratio apart (``row_windows``), the narrowest trusted bar
kept, but only from a chain the rows it steps over agree with (``row_consistency``): rows a
chain leaves out that show a structure it cannot see (a ripple below the rows' ε, a kink
near w) veto it, so thinning never replaces what every row says ("too coarse") by a narrow
bar beside the truth (review10h C3); nor does a chain whose run checks the law only once
where every row breaks it beyond round-off. The law checks run in units of the largest ε
(``step_unit``), so ε of any size is judged (review10h H1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from operator import attrgetter

import numpy as np

from fdgui.core.numbers import format as numbers
from fdgui.core.sweep.references import ReferenceValue, h2_run
from fdgui.core.sweep.row_consistency import left_out_agree
from fdgui.core.sweep.row_windows import narrowest

# a run of three rows checks the h² law once (one pair of c's), and can pass it by chance
ONE_CHECK = 3


def _broken_by_truncation(full: ReferenceValue | None) -> bool:
    """Whether the reference over every row found their smallest ε breaking the h² law by
    more than round-off: then a chain whose run checks the law once does not replace it
    (review10h C3e: a kink just off w, three of a hundred rows passing the law by chance)."""
    return full is not None and not full.trusted and full.limit == "truncation"


# a run whose largest rows break what its smaller ones show is read again without them,
# its largest ε this factor smaller each time, down to SHORTEST_RUN rows (see shorter_runs)
SHRINK = 1.5
SHORTEST_RUN = 4
MOST_RUNS = 8


def shorter_runs(ordered: np.ndarray, count: int):
    """The run lengths a reference over rows (``ordered``: their ε ascending) is read at:
    the ``count`` rows the pairs' check passed, then fewer, each largest ε at most 1/SHRINK
    of the last's, while at least SHORTEST_RUN rows stay (MOST_RUNS in all). The pairs'
    check lets c's differ by an eighth, so rows past the loss's scale join a run whose
    smaller rows follow the law (tanh(5.7x) to ε = 0.3 on a 1-3-10 grid: its largest pair's
    c turns back, and every row was "ε too large", review_final19 HIGH-3). Each shorter run
    is a table of the smallest rows a person could have measured, judged by every rule;
    three rows (one check of the law, passed by chance by a ripple) are never a shorter run."""
    yield count
    size, runs = count, 1
    while runs < MOST_RUNS:
        size = min(size - 1, int(np.searchsorted(ordered, ordered[size - 1] / SHRINK, "right")))
        if size < SHORTEST_RUN:
            return
        runs += 1
        yield size


def step_unit(steps: np.ndarray) -> float:
    """The power of two nearest the largest finite ε (1.0 when there is none): ε over it
    keeps every digit and c = ΔD/Δ(ε²) within float64 for ε of any size."""
    finite = steps[np.isfinite(steps) & (steps > 0.0)]
    return float(2.0 ** np.round(np.log2(np.max(finite)))) if finite.size else 1.0


def rows_richardson(
    over: Callable[..., ReferenceValue | None],
    epsilons: np.ndarray,
    central: np.ndarray,
    noise: np.ndarray,
    curvature: Callable | None = None,
    sums: Callable | None = None,
) -> ReferenceValue | None:
    """``over`` (``measured._richardson_over``) read over every row and over each chain
    whose left-out rows agree with it; the narrowest trusted of them."""

    every: list[ReferenceValue | None] = []

    def read(chain: np.ndarray | None) -> ReferenceValue | None:
        if chain is None:
            every.append(over(epsilons, central, noise, curvature, sums))
            return every[0]
        count = h2_run(epsilons[chain] / step_unit(epsilons), central[chain], noise[chain])[0]
        if count <= ONE_CHECK and _broken_by_truncation(every[0]):
            return None  # one check of the law does not overrule every row's break of it
        found = over(
            epsilons[chain],
            central[chain],
            noise[chain],
            None if curvature is None else lambda at: curvature(chain[at]),
            None if sums is None else lambda at: sums(chain[at]),
        )
        if found is None:
            return None
        if found.trusted and not left_out_agree(epsilons, central, noise, chain, count):
            return None  # the rows it steps over show what it cannot
        steps = np.sort(epsilons[chain])
        apart = numbers.significant(float(np.min(steps[1:] / steps[:-1])), 3)
        return replace(
            found,
            note=f"{found.note}; read from a chain of {chain.size} of the {epsilons.size} rows, "
            f"each ε at least {apart} times the last",
        )

    return narrowest(read, epsilons, attrgetter("trusted"), attrgetter("error"))
