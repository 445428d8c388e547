"""The round-off of a model's loss when it computes it in a coarser format than float64.

A probe file's loss may be computed in float32 or bfloat16 whatever dtype the sweep studies
(it evaluates in its own precision): the network check learns that format
(``loss_precision``), and the sweep of one of its entries must use the same — its round-off
guide u·|L|/ε and Richardson's steps and bars — or the two panels contradict each other.
"""

from __future__ import annotations

from typing import Any

from fdgui.core.numbers import precision


def loss_roundoff(objective: Any) -> float | None:
    """u of the format the objective's model computes its loss in, when coarser than
    float64 (None otherwise, or for an objective without a model)."""
    found = getattr(getattr(objective, "model", None), "loss_precision", None)
    if not callable(found):
        return None
    u = precision.unit_roundoff(str(found()))
    return u if u > precision.unit_roundoff("float64") else None


ROUNDOFF_SAFETY = 3.0  # the deviation seen, times this, bounds one loss's round-off
KINK_LEVELS = 8  # one-sided differences at Richardson's span / 2^0 … 2^−7 look for a kink
KINK_SHARE = 0.25  # three levels whose spreads agree within this share: a kink or jump


FLOOR_SPACINGS = (1.0, 0.71, 0.37)  # of a quarter of Richardson's smallest step


def measured_floor(objective: Any, w: float, unit_roundoff: float) -> float:
    """The round-off of one loss value of a probe's entry, measured near ``w`` (0 for an
    objective without a model): ROUNDOFF_SAFETY times the smaller deviation from a cubic of
    the two one-sided fans of losses (``numbers.quadratic.fan_residuals``) a quarter of
    Richardson's smallest step apart. A loss made of large terms that cancel (an offset of
    1e10 added and taken away) rounds as they do, not as u·|L|; Richardson's bar must carry
    that round-off or it does not bound. A kink or jump near w (an |·| a few 1e-6 away) lies
    in one fan only, and is no round-off. A quantised loss (float32 with a cancelling offset)
    changes by whole steps: where the fan's spacing times the slope is a whole number of
    them, one fan shows none of its rounding, so the fans are also read at two other
    spacings (``FLOOR_SPACINGS``) and the largest of the three readings is kept."""
    if getattr(objective, "model", None) is None:
        return 0.0
    import numpy as np

    from fdgui.core.numbers.quadratic import fan_offsets, fan_residuals
    from fdgui.core.sweep.references import richardson_steps

    base = float(richardson_steps(w, unit_roundoff)[-1]) / 4
    offsets = fan_offsets()
    points = np.concatenate([w + offsets * base * factor for factor in FLOOR_SPACINGS])
    every = np.asarray(objective.losses(points, "float64"), dtype=float)
    half = offsets.size // 2
    readings = []
    for values in np.split(every, len(FLOOR_SPACINGS)):
        fans = (values[: half + 1], values[half:])
        found = [  # fans whose losses changed (one on a single step of a staircase tells nothing)
            residual
            for fan, residual in zip(fans, fan_residuals(values), strict=True)
            if residual is not None and np.ptp(fan[np.isfinite(fan)]) > 0
        ]
        if found:
            readings.append(min(found))
    return ROUNDOFF_SAFETY * max(readings) if readings else 0.0


def crossed(objective: Any, text: str | None, w: float, extrapolated: Any, floor: float) -> str:
    """What Richardson's steps cross near ``w`` ("kink", "jump" or ""): an expression's
    kinks are known (``extended.switched``); a probe's are seen in its one-sided differences
    at span·2^−j: on a smooth stretch their spread f(h) − b(h) = L''·h + O(h³) halves with h,
    across a kink it stays the same over three levels, across a jump it doubles (h times it
    stays). A curvature large against the kink's slope change (1e4·x² + |x|: L''·h ≫ the
    jump at every step) hides the kink in the spread itself, so the spread is also read with
    its L''·h term taken out, 2·s(h/2) − s(h) (and a jump's with its L''·h², (4·s(h/2) −
    s(h))/3): what remains is the kink's (the jump's) size, or O(h³) on a smooth stretch."""
    span = getattr(extrapolated, "span", None)
    if objective.smooth or span is None or not span > 0:
        return ""
    import numpy as np

    if text is not None:
        from fdgui.core.sweep import extended

        reach = np.array([span])
        return "kink" if extended.switched(text, w, w + reach, w - reach, "float64").any() else ""
    if getattr(objective, "model", None) is None:
        return ""
    steps = span / 2.0 ** np.arange(KINK_LEVELS)
    points = np.concatenate([[w], w + steps, w - steps])
    with np.errstate(all="ignore"):
        values = np.asarray(objective.losses(points, "float64"), dtype=float)
        up, down = values[1 : KINK_LEVELS + 1] - values[0], values[0] - values[KINK_LEVELS + 1 :]
        spread = (up - down) / steps  # f(h) − b(h)
        slack = 4 * max(floor, 2.0**-53 * abs(values[0])) / steps
        size = spread * steps  # a jump's size: up − down
        readings = (
            ("kink", spread, slack),
            ("jump", size, slack * steps),
            # the curvature's term taken out; the round-off of the combination is 3× (5/3×)
            ("kink", 2.0 * spread[1:] - spread[:-1], 3.0 * slack[1:]),
            ("jump", (4.0 * size[1:] - size[:-1]) / 3.0, 5.0 / 3.0 * slack[:-1] * steps[:-1]),
        )
        for name, sizes, noises in readings:
            for j in range(sizes.size - 2):
                three, noise = sizes[j : j + 3], noises[j : j + 3]
                if not np.isfinite(three).all() or np.any(np.abs(three) <= noise):
                    continue
                if np.ptp(three) <= KINK_SHARE * np.min(np.abs(three)) and np.all(
                    three * three[0] > 0
                ):
                    return name
    return ""
