"""A float64 loss whose only path to w goes through a coarser format (review13p C2).

``np.tanh(z.astype(np.float32)).astype(np.float64)`` or ``tanh(h.float()).to(h.dtype)``
inside a float64 loss: while w ± ε does not move the float32 input, the loss does not move
at all — L+ = L = L− exactly — though float64 would show a slope of the size the larger ε
show by many ulps. Read as a measurement, that stretch was a derivative of 0 that "settled"
(an honest gradient "wrong", 7 of 14 torch entries), or the first ε where the loss moves
read as a kink. Neither is a measurement: the loss is resolved only to its inner format's
rounding, which (a sum of many inner values' quanta times their weights) is no whole
multiple of one quantum, so ``quantum.part_quantum`` does not see it.

``inner_quantum`` reads it from the sweep itself: a leading run of the smallest formed ε
with L+ = L = L− exactly, above which the loss moves on both sides (no dead side, as past a
relu's kink) with a slope S such that S times the run's largest ε is far above u·|L|, and
whose even parts L+ + L− − 2L less L''·ε², from the run up to where L''·ε² dominates them,
scatter about their middle (−2·L's own rounding at w) with sign changes again and again far
above u·|L| (the inner values' rounding; past kinks a flat stretch's even part is piecewise
linear in ε: a change or two). The
quantum is the larger of what the run hides (S·ε) and those even parts: over ε it is the
round-off floor (``quantum.with_quantum_floor``), so the run neither settles nor reads as a
kink, while the larger ε, which resolve the derivative, still judge it.
"""

from __future__ import annotations

import numpy as np

FLAT_POINTS = 3  # formed ε at the bottom of the sweep with the loss exactly unchanged
HIDDEN_ULPS = 64.0  # the change the run hides: at least this many u·|L|
SLOPE_DECADES = 3.0  # the slope S read from the central differences over this many decades
SIDES_DECADES = 3.0  # both sides move within this many decades above the run
SIGN_CHANGES = 4  # the even parts far above u·|L| change sign at least this often


def inner_quantum(result) -> float | None:
    """The rounding of a loss computed through a coarser inner format, read from a computed
    sweep (see the module); None where the sweep shows none, and for measured rows."""
    found = inner_reading(result)
    return None if found is None else found[1]


def inner_reading(result) -> tuple[float, float] | None:
    """(the largest ε of the run where the loss does not change, the inner rounding) of a
    computed sweep whose loss shows a coarser inner format (``inner_quantum``); None else."""
    if result.kind == "measured":
        return None
    epsilons = np.asarray(result.epsilons, dtype=float)
    loss = np.asarray(result.loss_values, dtype=float)
    plus = np.asarray(result.loss_plus, dtype=float)
    minus = np.asarray(result.loss_minus, dtype=float)
    with np.errstate(all="ignore"):
        formed = (
            ~np.asarray(result.vanished, dtype=bool)
            & np.isfinite(plus)
            & np.isfinite(minus)
            & np.isfinite(loss)
        )
    order = np.argsort(epsilons, kind="stable")
    order = order[formed[order]]
    if order.size <= FLAT_POINTS:
        return None
    epsilons, loss, plus, minus = epsilons[order], loss[order], plus[order], minus[order]
    unchanged = (plus == loss) & (minus == loss)
    moved = np.flatnonzero(~unchanged)
    if moved.size == 0 or moved[0] < FLAT_POINTS:
        return None  # never moves (unchanged.py), or no run at the bottom
    top = float(epsilons[moved[0] - 1])  # the largest ε of the run
    base = float(result.unit_roundoff or 0.0) * abs(float(result.loss))
    above = slice(int(moved[0]), None)
    with np.errstate(all="ignore"):
        central = (plus - minus) / (2.0 * epsilons)
        reach = epsilons[above] <= top * 10.0**SLOPE_DECADES
        slope = float(np.median(np.abs(central[above][reach]))) if reach.any() else 0.0
    hidden = slope * top
    if not (np.isfinite(hidden) and hidden > HIDDEN_ULPS * max(base, np.finfo(float).tiny)):
        return None  # float64 itself could hide that change
    # both sides move soon above the run: no dead side, as a relu's past its kink
    near = epsilons[above] <= top * 10.0**SIDES_DECADES
    if not (np.any((plus != loss)[above][near]) and np.any((minus != loss)[above][near])):
        return None
    with np.errstate(all="ignore"):
        even = (plus + minus - 2.0 * loss)[above]
        curvature, read_at = _curvature(even, epsilons[above], hidden)
        # up to where L''·ε² is read (the rounding a thousandth of the even part there)
        stretch = epsilons[above] < read_at
        residual = (even - curvature * epsilons[above] ** 2)[stretch]
    # about their middle: every even part carries −2·(L's own rounding at w), one offset
    scatter = residual - np.median(residual) if residual.size else residual
    signs = np.sign(scatter[np.abs(scatter) > HIDDEN_ULPS * base])
    if int(np.sum(signs[1:] != signs[:-1])) < SIGN_CHANGES:
        return None  # one sign, or a change or two: kinks' edges, not rounding
    return top, float(max(hidden, np.max(np.abs(residual))))


CURVATURE_SHARE = 1e3  # even parts this many hidden changes large read L''


def _curvature(even: np.ndarray, epsilons: np.ndarray, hidden: float) -> tuple[float, float]:
    """L'' from the even parts at the smallest ε where they are CURVATURE_SHARE times the
    hidden change or more (the inner rounding a thousandth of them), and the smallest such
    ε; (0, inf) where none is."""
    large = np.flatnonzero(np.abs(even) >= CURVATURE_SHARE * hidden)[:3]
    if large.size == 0:
        return 0.0, float("inf")
    return float(np.median(even[large] / epsilons[large] ** 2)), float(epsilons[large[0]])
