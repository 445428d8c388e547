"""A no-grad estimate is trusted only where much smaller steps agree with it (review11n C4).

The no-grad estimate (``numeric``) takes Richardson from h and h/2, h ∝ max(1, |w|) (wider
where the loss was measured to round coarsely), and, where the central difference at
h/``own_scale.FINER`` leaves its bar, the entry's own-scale ladder (``own_scale.estimates``:
halvings of h, at least 16). Both read the loss on the scale of h: Σ sin θ at θ ≈ 1e8 has
h ≈ 480 (or 2e5 widened), many periods of the sine; every step of both ladders averages
over periods, they agree with each other, and the estimate was ≈ 0 ± 1e-4 for a derivative
of size 1 (10 of 10 bars missed at 1e7 … 1e9).

So an entry whose central difference at h/FINER disagrees with its estimate (before or after
the own-scale look) is looked at on a ladder going down by ``QUOTIENT`` a level from
s₀ = min(h/FINER, the estimate's step), until the round-off of a central difference,
ρ(s) = r/s (r: one loss change's round-off and noise, as the own-scale look counts it),
exceeds 1/``RESOLVE`` of it (no smaller step resolves anything), the steps are no longer
made equally on both sides (the dtype's spacing at w), or ``MOST_LEVELS``. Each level k ≥ 2
where truncation falls (|c(s_{k−1}) − c(s_k)| at most a ``LAW_FALL``-th of the level above,
past round-off) gives an interval c(s_k) ± (|c(s_{k−1}) − c(s_k)| + 2·(ρ_{k−1} + ρ_k)); the
estimate's own interval joins them as the widest step, and ``converged.converged`` drops every
interval a smaller one's excludes. Then:

* the estimate stands where its interval survives (every smaller step agrees with it);
* else the narrowest surviving level gives the value, its half-width the bar, its step ε;
* else (no level usable) the estimate stays with a bar that reaches every central
  difference that still resolved (never a tight bar around a smoothed slope).

Only float64 losses with the check's own steps (no ε given); at most ``DEEP_LIMIT`` entries a
check (the others get a bar that reaches the probe's central difference). The losses are
counted with the own-scale look's (``engine.own_scale_evaluations``).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.converged import converged
from fdgui.core.netcheck.own_scale import FINER
from fdgui.core.netcheck.reexamine import NOISE_WIDTH

QUOTIENT = 16.0  # each level's step over the next
MOST_LEVELS = 20  # 16^20 ≈ 1e24: from any step to below any dtype's resolution
RESOLVE = 4.0  # a step resolves while its round-off is under 1/RESOLVE of its difference
LAW_FALL = 4.0  # truncation falls (256× per level in the h² law) by at least this much
DEEP_LIMIT = 256  # entries looked at this way per check
EQUAL_SIDES = 1e-3  # steps made on both sides within this share of each other
SPACINGS = 1024.0  # the probe's step at least this many spacings of w


def finer_steps(h: np.ndarray, w: np.ndarray, scale: float) -> np.ndarray:
    """The step of the convergence probe: h/FINER, or where h grew with |w| beyond FINER
    times the tensor's scale S, the step the entry would have at |w| ≤ S (h·S/|w|: the loss
    may vary on the scale of 1 whatever w is), at least ``SPACINGS`` of w's spacing."""
    unit = h * scale / np.maximum(scale, np.abs(w))
    least = SPACINGS * np.spacing(np.abs(w))
    return np.minimum(h / FINER, np.maximum(unit, least))


def rounding(engine, position: int) -> float:
    """One loss change's round-off and noise (``own_scale.estimates``' floor)."""
    one = max(engine.u * max(1.0, abs(engine.loss)), engine.roundoffs[position])
    return 10 * one + NOISE_WIDTH * engine.noise_sigma


def disagrees(values, bars, central, step, floor) -> np.ndarray:
    """Entries whose central difference ``central`` at ``step`` lies outside the estimate's
    bar by more than its own round-off (twice, as ``own_scale`` reads it)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        gap = np.abs(central - values)
        return np.isfinite(central) & (gap > 2 * (bars + floor / step))


def verified(engine, position, flat, first, final, finer):
    """(values, bars, h) of a piece after the deep look (module doc): ``first`` the
    (values, bars) of Richardson, ``final`` the (values, bars, h) after the own-scale look,
    ``finer`` the (central differences, steps) at h/FINER."""
    values, bars, h = final
    if engine.precision != "float64" or engine.settings.epsilon is not None:
        return values, bars, h
    central, step = finer
    floor = rounding(engine, position)
    picked = disagrees(first[0], first[1], central, step, floor)
    picked |= disagrees(values, bars, central, step, floor)
    picked &= np.isfinite(values)
    room = max(0, DEEP_LIMIT - engine.deep_looked)
    pick, left = np.flatnonzero(picked)[:room], np.flatnonzero(picked)[room:]
    if pick.size == 0 and left.size == 0:
        return values, bars, h
    engine.deep_looked += pick.size
    values, bars, h = values.copy(), bars.copy(), h.copy()
    # past the limit: a bar that reaches the probe's central difference
    reach = np.abs(central[left] - values[left]) + 2 * floor / step[left]
    bars[left] = np.maximum(bars[left], reach)
    start = np.minimum(step[pick], h[pick])
    starts = np.where(step[pick] <= h[pick], central[pick], values[pick])
    ladders = _ladders(engine, flat[pick], start, starts, floor)
    for e, (made, centrals) in zip(pick, ladders, strict=True):
        values[e], bars[e], h[e] = _judged(values[e], bars[e], h[e], made, centrals, floor)
    return values, bars, h


def _ladders(engine, flat, start, first, floor):
    """(steps made, central differences) of each entry's ladder: level 0 the known
    ``first`` at ``start``, then ``start``/QUOTIENT^k while the step resolves (module doc)."""
    n = flat.size
    made = np.full((n, MOST_LEVELS + 1), np.nan)
    centrals = np.full_like(made, np.nan)
    made[:, 0], centrals[:, 0] = start, first
    open_ = np.ones(n, dtype=bool)
    for level in range(1, MOST_LEVELS + 1):
        rows = np.flatnonzero(open_)
        if rows.size == 0:
            break
        s = start[rows] / QUOTIENT**level
        got, actual = engine._moved_losses(flat[rows], np.concatenate([s, -s]))
        engine.own_scale_evaluations += 2 * rows.size
        m = rows.size
        up, down = actual[:m], -actual[m:]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            size = (up + down) / 2
            equal = (np.abs(up - down) <= EQUAL_SIDES * size) & (size > 0)
            c = (got[:m] - got[m:]) / (up + down)
            resolves = np.isfinite(c) & (floor / size * RESOLVE < np.abs(c))
        keep = equal & np.isfinite(c)
        made[rows[keep], level] = size[keep]
        centrals[rows[keep], level] = c[keep]
        open_[rows[~(keep & resolves)]] = False
    return list(zip(made, centrals, strict=True))


def _judged(value, bar, step, made, centrals, floor):
    """(value, bar, step) of one entry from its ladder and its estimate (module doc)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = floor / made
    found = [(value - bar, value + bar, bar, -1, False)]
    for k in range(1, made.size):
        if not np.isfinite(centrals[k - 1 : k + 1]).all():
            continue
        here, noise_here = abs(centrals[k - 1] - centrals[k]), 2 * (rho[k - 1] + rho[k])
        if k >= 2 and np.isfinite(centrals[k - 2]):  # truncation falls, past round-off
            above, noise_above = (
                abs(centrals[k - 2] - centrals[k - 1]),
                2 * (rho[k - 2] + rho[k - 1]),
            )
            if here > above / LAW_FALL + noise_above + noise_here:
                continue
        width = here + noise_here
        found.append((centrals[k] - width, centrals[k] + width, width, k, False))
    kept = converged(found)
    if any(item[3] == -1 for item in kept):
        return value, bar, step
    deep = [item for item in kept if item[3] >= 0]
    if deep:
        _low, _high, width, k, _ = min(deep, key=lambda item: (item[2], -item[3]))
        return float(centrals[k]), float(width), float(made[k])
    # nothing usable: a bar that reaches every central difference that still resolved
    with np.errstate(invalid="ignore"):
        resolved = np.isfinite(centrals) & (rho * RESOLVE < np.abs(centrals))
    if not resolved.any():
        return value, np.inf, step
    reach = np.max(np.abs(centrals[resolved] - value) + 2 * rho[resolved])
    return value, float(max(bar, reach)), step
