"""A noisy loss's wider steps evaluated again and averaged, where the noise decides (issue 9).

The loose look (``loose_verdict``) estimates an entry again at a wider step h: Richardson
from the central differences at h/2 and h, with the bar

    B = |c(h/2) − c(h)|/3 + 4·r/h + NOISE_WIDTH·NOISE_SPREAD·σ/h,

and calls it wrong beyond two bars. On a noisy loss the last term is most of B: a bug of
four to eight standard deviations of the estimate (1.9·σ/h each) lies within two bars and
passes, or stays undecided, at every step the truncation allows (a 1e-4 bug at σ = 1e-9
passed in 10 of 20 nets). Averaging n evaluations of the same four points divides the
noise by √n while the truncation stays what it is, so where the noise is at least half of
the bar (``NOISE_SHARE``) and the estimate is off by more than ``FROM_SHARE`` of its bar
(a correct entry is, by chance, about one time in twenty: a bug more often), the four
losses are evaluated ``REPEATS`` − 1 more times and the estimate and its bar are formed
again from the means, with the noise's term over √REPEATS. Nothing else changes: the same
rules (two bars for "wrong", the scatter of the steps between h/2 and h, itself averaged
as often) decide.

The cost is 4·(REPEATS − 1) losses per such entry (and 6·REPEATS for the scatter of one
then called wrong), counted with the look's others (the engine's ``more_evaluations``).
"""

from __future__ import annotations

import numpy as np

REPEATS = 16  # evaluations averaged per point (the noise falls fourfold)
NOISE_SHARE = 0.5  # averaged only where the noise is at least this share of the bar …
FROM_SHARE = 0.5  # … and the estimate is off by more than this share of it


def worth_averaging(off: np.ndarray, bar: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Where averaging pays: the noise's term is at least NOISE_SHARE of the bar and the
    disagreement ``off`` more than FROM_SHARE of it (finite)."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(bar) & (noise >= NOISE_SHARE * bar) & (off > FROM_SHARE * bar)


def repeated_losses(engine, points, repeats: int) -> np.ndarray:
    """The losses at ``points`` (rows, or ``ChangedPoints``), each evaluated ``repeats``
    times: shape (repeats, rows). Several repeats go in one call where the chunk allows."""
    rows = int(points.shape[0])
    if rows == 0 or repeats <= 0:
        return np.zeros((max(repeats, 0), rows))
    together = max(1, min(repeats, int(getattr(engine, "rows", rows)) // max(rows, 1)))
    found = []
    done = 0
    while done < repeats:
        count = min(together, repeats - done)
        if hasattr(points, "where"):  # ChangedPoints: the changes alone
            batch = type(points)(np.tile(points.where, count), np.tile(points.values, count))
        else:
            batch = np.tile(points, (count, 1))
        found.append(np.asarray(engine._losses(batch), dtype=float).reshape(count, rows))
        done += count
    return np.concatenate(found)


def averaged_changes(engine, rows_for, total, at, steps, first, repeats=REPEATS):
    """ΔL+ and ΔL− of the entries ``at`` (of a chunk of ``total``) at ±``steps``, the mean
    of their first evaluation ``first`` (ΔL+, ΔL−) and ``repeats`` − 1 more."""
    if at.size == 0:
        return first
    full = np.zeros(total)
    full[at] = steps
    points, lost = rows_for(np.concatenate([full, -full]))
    keep = np.concatenate([at, total + at])
    values = repeated_losses(engine, points[keep], repeats - 1)
    with np.errstate(invalid="ignore", over="ignore"):
        changes = np.where(lost[keep][None, :], 0.0, values - engine.loss)
        plus = (first[0] + changes[:, : at.size].sum(axis=0)) / repeats
        minus = (first[1] + changes[:, at.size :].sum(axis=0)) / repeats
    return plus, minus
