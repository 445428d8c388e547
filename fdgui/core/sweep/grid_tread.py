"""A claim of the tread's slope where a coarser part's grid has w on it (review16x K6).

Where both sides of w step at the same ε (``inner_format._grid_start``: a quantiser with
k·w whole, w a number of a coarser format, or a float64 staircase of soft steps with w
midway between two), the loss has two readings: the ε below the first step read the flat
tread between the steps (the steps' almost-everywhere derivative; for soft steps the
exact derivative at w), the larger ε the steps' envelope, which the explorer judges
(DIAGNOSIS, "A staircase's gradient"). A claim of the tread's slope is then not refuted by
the envelope: the numbers cannot tell which slope the gradient is meant to be, so it is
left open ("Too coarse to judge (the loss steps on both sides of w)", exit 2) — never
"wrong" (a smooth soft staircase's exact derivative was "Gradient wrong", 8 of 8) and
never a pass (the a.e. derivative beside a quantiser was "correct", 3 of 3).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

TREAD_MARGIN = 2.0  # the claim within this many of the tread reading's bars


def tread_claim(result, diagnosis):
    """``diagnosis``, or where it calls a claim wrong that the tread's differences read
    (within TREAD_MARGIN bars: their spread over the tread's top decade plus round-off)
    beside a grid w lies on, the same left open (case "unresolved", limit "tread")."""
    checked = diagnosis.facts.get("checked")
    if diagnosis.kind != "wrong" or result.kind == "measured" or checked is None:
        return diagnosis
    from fdgui.core.sweep.inner_format import inner_on_grid, inner_reading

    if not inner_on_grid(result):
        return diagnosis
    top = inner_reading(result)[0]
    epsilons = np.asarray(result.epsilons, dtype=float)
    central = np.asarray(result.central.estimates, dtype=float)
    with np.errstate(all="ignore"):
        moved = (
            ~np.asarray(result.vanished, dtype=bool)
            & np.isfinite(central)
            & (np.asarray(result.loss_plus) != np.asarray(result.loss_minus))
            & (epsilons <= top)
            & (epsilons >= top / 10.0)
        )
    window = np.flatnonzero(moved)
    if window.size < 3:
        return diagnosis
    slopes, steps = _tread_slopes(result, window, central)
    tread = float(np.median(slopes))
    # the tread's own round-off, u·|L|/ε a few times over (not the part's rounding over ε,
    # which the floor carries: the part does not move there)
    roundoff = 4.0 * float(result.unit_roundoff) * abs(float(result.loss)) / steps
    bar = float(np.ptp(slopes) + np.max(roundoff))
    if not abs(float(checked) - tread) <= TREAD_MARGIN * bar:
        return diagnosis
    facts = {**diagnosis.facts, "tread": tread, "tread_error": bar, "tread_top": top}
    facts["limit"] = "tread"
    return replace(diagnosis, kind="estimate", case="unresolved", facts=facts)


def _tread_slopes(result, window: np.ndarray, central: np.ndarray):
    """The tread's slopes over the window and the half-steps they are taken over: the
    differences over the steps w ± ε really took (w ± ε rounded to the dtype, as the loss
    was evaluated there), where w is known. The tread lies at ε a few dozen ulps of w or
    less (below a float64 part's first step: 1 + w² at w = 0.05 steps every 2e-15), where
    the ε typed is off the realised step by up to half an ulp of w: 9 % there, a scatter
    that made the tread's bar cover a 1 % bug of the envelope (review18x H1)."""
    epsilons = np.asarray(result.epsilons, dtype=float)[window]
    if result.point is None:
        return central[window], epsilons
    from fdgui.core.sweep.engine import perturbed_points

    point = float(result.point)
    plus, minus = perturbed_points(point, epsilons, result.dtype)
    with np.errstate(all="ignore"):
        steps = 0.5 * ((plus - point) + (point - minus))
        odd = np.asarray(result.loss_plus)[window] - np.asarray(result.loss_minus)[window]
        slopes = odd / (2.0 * steps)
    if not (np.all(np.isfinite(slopes)) and np.all(steps > 0)):
        return central[window], epsilons
    return slopes, steps
