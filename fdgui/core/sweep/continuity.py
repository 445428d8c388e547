"""Steps or kinks: whether each side of the loss first moves off its line by a jump or by
a slope change (review18x C1).

A part rounded to a grid (a coarser format, a quantiser) and a float64 loss with kinks on
a regular grid (``np.interp`` on a 1e-3 grid, a zigzag) both make the even parts
L+ + L− − 2L leap above some ε and then stay put between leaps, and both make the
one-sided differences leap and not stay apart: the rules that read a coarser part from
those (``inner_format``, ``richardson_trust._staircase``, ``straddle``) took the kinks for
a rounded part, the ε below for a stretch that measures nothing and the Richardson
reference through the kinks for the slope through the steps ("Gradient wrong" for the
exact derivative, the gradient without the kinked part passing).

The two differ in one thing the sweep shows: continuity. Each side's change
y+(h) = L(w + h) − L(w), y−(h) = L(w) − L(w − h), over the steps h that w ± ε really took,
has quotients q = Δy/Δh between neighbouring steps. A kink at distance d on that side
makes q change from one slope a to another b and stay there: the quotient over the step
that contains d is a weighted mean of the two, so it lies between its neighbours. A part
that rounds to a grid first moves by a whole step J of its grid: the quotient over the
step that contains it is J/Δh off the tread's slope, and the one above is back on the
tread (the next grid point is a grid step away, far more than Δh while Δh is a tenth of
the ε it is read at and the first step lies within one grid step of w): it lies off both
neighbours the same way.

The premise: the kinks are at least a few of the sweep's ε steps apart where the loss
first moves (a regular grid's nearest kink lies within one spacing of w, so its ε step,
a tenth of that distance at the default 400 points, is finer). Where neither holds
cleanly (two kinks inside one step, a part's grid finer than the ε steps) nothing is
concluded and the rules read as before.
"""

from __future__ import annotations

import numpy as np

BREAK = 16.0  # a break: the quotient moves this many times its tolerance
NOISE_ULPS = 8.0  # a side's change carries this many u·|L| of round-off
JUMP_SHARE = 0.25  # a jump: its neighbours agree to this share of its offset from them
PERSIST_SHARE = 1e-2  # a kink's new slope holds over the next step to this share
DRIFT = 2.0  # the tolerance: this many times the quotient's change over the steps below


def first_breaks(result, low: float, high: float = np.inf) -> list[tuple[str, float, str]]:
    """(side "+" or "−", the step h where it breaks, "jump", "kink" or "unclear") for the
    first break of each side's quotients (see the module) at a step between ``low`` and
    ``high``; a side with none there is left out."""
    found = []
    base = max(float(result.unit_roundoff or 0.0) * abs(float(result.loss)), 5e-324)
    for side, steps, change in _sides(result):
        read = _quotients(steps, change)
        if read is None:
            continue
        where, widths, quotients = read
        # as arrays (100,000 measured rows), then the first break's kind
        breaking = np.flatnonzero(
            _breaking(quotients, widths, base) & (where >= low) & (where <= high)
        )
        if breaking.size:
            k = int(breaking[0])
            found.append((side, float(where[k]), _break_kind(quotients, widths, k, base)))
    return found


def _tolerances(quotients: np.ndarray, widths: np.ndarray, base: float) -> np.ndarray:
    """Each interval k's tolerance (k ≥ 3, k + 2 within): DRIFT times the quotient's change
    over the two intervals below, and the round-off of the three around it."""
    size = quotients.size
    tolerance = np.full(size, np.nan)
    if size < 6:
        return tolerance
    k = np.arange(3, size - 2)
    with np.errstate(all="ignore"):
        drift = np.abs(quotients[k - 1] - quotients[k - 2]) + np.abs(
            quotients[k - 2] - quotients[k - 3]
        )
        noise = NOISE_ULPS * base * (1.0 / widths[k - 1] + 1.0 / widths[k] + 1.0 / widths[k + 1])
        tolerance[k] = DRIFT * drift + noise
    return tolerance


def _breaking(quotients: np.ndarray, widths: np.ndarray, base: float) -> np.ndarray:
    """Where the quotient over an interval moves off the one below by more than BREAK
    times its tolerance (``_tolerances``; NaN: no break)."""
    tolerance = _tolerances(quotients, widths, base)
    with np.errstate(all="ignore"):
        step = np.abs(quotients - np.roll(quotients, 1))
        ahead = np.roll(quotients, -1), np.roll(quotients, -2)
        finite = np.isfinite(tolerance) & np.isfinite(ahead[0]) & np.isfinite(ahead[1])
        return finite & np.isfinite(step) & (step > BREAK * tolerance)


def moves_continuously(result, low: float) -> bool:
    """Whether each side's first move at a step from ``low`` up is a kink (``first_breaks``:
    a slope change, no jump, nothing unclear), so no part rounded to a grid moves first on
    either side. Both sides must break: kinks on a grid lie on both sides of w, while one
    relu's kink beside a part rounded to a grid (review16x K1) leaves the other side's
    first move the part's step."""
    found = first_breaks(result, low)
    return len(found) == 2 and all(kind == "kink" for _side, _h, kind in found)


def _sides(result):
    """(side, the steps h it took, its change y) for the formed points of a sweep: the
    steps w ± ε really took where w is known (a computed sweep), the rows' ε else."""
    epsilons = np.asarray(result.epsilons, dtype=float)
    plus = np.asarray(result.loss_plus, dtype=float)
    minus = np.asarray(result.loss_minus, dtype=float)
    loss = np.asarray(result.loss_values, dtype=float)
    up = down = epsilons
    point = getattr(result, "point", None)
    if point is not None and getattr(result, "kind", None) not in ("measured", "rows"):
        from fdgui.core.sweep.engine import perturbed_points

        with np.errstate(all="ignore"):
            above, below = perturbed_points(float(point), epsilons, result.dtype)
            up, down = above - float(point), float(point) - below
    formed = formed_rows(result)
    with np.errstate(all="ignore"):
        return (
            ("+", np.where(formed, up, np.nan), plus - loss),
            ("−", np.where(formed, down, np.nan), loss - minus),
        )


def _quotients(steps: np.ndarray, change: np.ndarray):
    """(the upper step of each interval, its width, Δy/Δh) over the distinct steps in
    ascending order; None with fewer than six."""
    with np.errstate(all="ignore"):
        usable = np.flatnonzero(np.isfinite(steps) & (steps > 0) & np.isfinite(change))
    order = usable[np.argsort(steps[usable], kind="stable")]
    if order.size:
        order = order[np.concatenate(([True], np.diff(steps[order]) > 0))]
    if order.size < 6:
        return None
    widths = np.diff(steps[order])
    with np.errstate(all="ignore"):
        quotients = np.diff(change[order]) / widths
    return steps[order][1:], widths, quotients


def _break_kind(quotients: np.ndarray, widths: np.ndarray, k: int, base: float) -> str | None:
    """How the quotient over interval k breaks from the one below: "jump" (off both
    neighbours the same way, they agree), "kink" (between them, the one above holds over
    the next interval), "unclear"; None where it does not break (or cannot be read)."""
    if k < 3 or k + 2 >= quotients.size:
        return None
    below, here, above, next_up = quotients[k - 1], quotients[k], quotients[k + 1], quotients[k + 2]
    tolerance = float(_tolerances(quotients[k - 3 : k + 3], widths[k - 3 : k + 3], base)[3])
    values = (below, here, above, next_up, tolerance)
    if not all(np.isfinite(value) for value in values):
        return None
    if not abs(here - below) > BREAK * tolerance:
        return None
    apart = abs(above - below)
    if np.sign(here - below) == np.sign(here - above) and apart < JUMP_SHARE * min(
        abs(here - below), abs(here - above)
    ):
        return "jump"
    between = (here - below) * (above - here) >= -tolerance * apart
    holds = abs(next_up - above) <= PERSIST_SHARE * apart + 2.0 * tolerance
    if apart > BREAK * tolerance and between and holds:
        return "kink"
    return "unclear"


def formed_rows(result) -> np.ndarray:
    """Where the sweep formed all three losses: w ± ε moved and L, L+, L− are finite."""
    return (
        ~np.asarray(result.vanished, dtype=bool)
        & np.isfinite(np.asarray(result.loss_plus, dtype=float))
        & np.isfinite(np.asarray(result.loss_minus, dtype=float))
        & np.isfinite(np.asarray(result.loss_values, dtype=float))
    )
