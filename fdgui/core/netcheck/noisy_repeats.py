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

from dataclasses import dataclass

import numpy as np

from fdgui.core.numbers.noise import NOISE_WIDTH

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
    of their first evaluation ``first`` (ΔL+, ΔL−) and ``repeats`` − 1 more (``first``
    None: of ``repeats`` new ones)."""
    if at.size == 0:
        return first
    full = np.zeros(total)
    full[at] = steps
    points, lost = rows_for(np.concatenate([full, -full]))
    keep = np.concatenate([at, total + at])
    new = repeats if first is None else repeats - 1
    values = repeated_losses(engine, points[keep], new)
    with np.errstate(invalid="ignore", over="ignore"):
        changes = np.where(lost[keep][None, :], 0.0, values - engine.loss)
        plus, minus = changes[:, : at.size].sum(axis=0), changes[:, at.size :].sum(axis=0)
        if first is not None:
            plus, minus = plus + first[0], minus + first[1]
    return plus / repeats, minus / repeats


@dataclass(frozen=True)
class Lower:
    """The lower pair's estimate: its value, bar, the noise's standard deviation in it and
    the truncation its two steps show (|c(h/4) − c(h/2)|/3)."""

    value: np.ndarray
    bar: np.ndarray
    sd: np.ndarray
    truncation: np.ndarray


LOWER_REPEATS = 4 * REPEATS  # at h/4: the lower pair's estimate as quiet as the upper one's
SPLIT_SIGMAS = 3.0  # the two sides apart by this many σ of their split: a kink


def lower_pair(engine, rows_for, total, at, h, g, half, r, sigma, smooth):
    """Whether entries ``at`` that the averaged estimate at the pair (h/2, h) calls wrong
    stay wrong one pair lower, where a kink the pair crossed (between h/4 and h) is not
    crossed: the estimate from the means at h/4 (``LOWER_REPEATS``) and h/2 (``half``: the
    averaged ΔL+, ΔL− there and the steps made, with ``REPEATS``) must agree with the upper
    one within both bars (the differences converged; checked by the caller with the lower
    estimate returned) and lie more than two of its own bars from g. In a model that may have
    kinks the two sides' slopes, each extrapolated to a zero step from h/4 and h/2 against
    a mean of L(θ0) (``LOWER_REPEATS`` evaluations), must also meet: a kink nearer than h/4
    moves one side alone (a smooth loss's sides meet at its derivative, whatever g).
    Returns (still wrong, the lower pair's estimate)."""
    quarter = h / 4
    values = getattr(rows_for, "values", None)
    with np.errstate(invalid="ignore", over="ignore"):
        if values is None:
            up = down = quarter
        else:
            w = np.asarray(values, dtype=float)[at]
            up, down = engine.round(w + quarter) - w, w - engine.round(w - quarter)
    plus, minus = averaged_changes(engine, rows_for, total, at, quarter, None, LOWER_REPEATS)
    half_plus, half_minus, half_up, half_down = half
    n, m = REPEATS, LOWER_REPEATS
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        narrow = (plus - minus) / (up + down)
        wide = (half_plus - half_minus) / (half_up + half_down)
        value = (4 * narrow - wide) / 3
        spread = np.sqrt(16 * sigma**2 / (2 * quarter**2 * m) + sigma**2 / (2 * (h / 2) ** 2 * n))
        truncation = np.abs(narrow - wide) / 3
        bar = truncation + 4 * r / (h / 2) + NOISE_WIDTH * spread / 3
        wrong = np.isfinite(value) & np.isfinite(bar) & (np.abs(value - g) > 2 * bar)
    lower = Lower(value, bar, spread / 3, truncation)
    if smooth or not wrong.any():
        return wrong, lower
    points, _ = rows_for(np.zeros(total))
    base = float(np.mean(repeated_losses(engine, points[np.array([at[0]])], m)))
    shift = base - engine.loss  # L(θ0) as its mean, for the one-sided slopes
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        right = 2 * (plus - shift) / up - (half_plus - shift) / half_up
        left = -2 * (minus - shift) / down + (half_minus - shift) / half_down
        one = sigma * np.sqrt(4 * (1 / m + 1 / m) / quarter**2 + (1 / n + 1 / m) / (h / 2) ** 2)
        apart = np.abs(right - left) > SPLIT_SIGMAS * np.sqrt(2) * one + 8 * r / quarter
    return wrong & ~apart, lower


def converged(upper_value, upper_sd, upper_truncation, lower: Lower) -> np.ndarray:
    """Whether the upper pair's averaged estimate and the lower pair's agree as a smooth
    loss's do: within NOISE_WIDTH standard deviations of their difference's noise and a
    quarter of the truncation both pairs show (Richardson leaves a residual far below the
    h² term it removed, in the regime where that term is the larger). A kink crossed by the
    upper pair's steps, not all the lower's, moves the two apart by its own share (a relu
    4.6e-3 from w: 2.6e-4 between them, 1.1e-4 of noise); an agreement missed this way only
    leaves a bug uncalled, never a correct entry wrong."""
    with np.errstate(invalid="ignore", over="ignore"):
        noise = NOISE_WIDTH * np.sqrt(upper_sd**2 + lower.sd**2)
        room = noise + (upper_truncation + lower.truncation) / 4
        return np.abs(upper_value - lower.value) <= room
