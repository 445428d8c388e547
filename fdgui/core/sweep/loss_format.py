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
FLOOR_SHRINK = 16.0  # each further reading's spacing, this many times smaller
FLOOR_LEVELS = 9  # readings at most (the smallest spacing 16^-8 of the first)
FLOOR_ULPS = 64.0  # the smallest spacing read, in ulps of w


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
    spacings (``FLOOR_SPACINGS``) and the largest of the three readings is kept.

    A loss that varies on a scale shorter than the fans (sin(1e3·w), tanh(1e6·w)) strays
    from a cubic by its own Taylor terms, which fall like the spacing⁴; round-off does not
    fall at all. So while the three readings fall at least like the spacing³ and the
    fans read again at a spacing FLOOR_SHRINK times smaller stray FLOOR_SHRINK times less,
    the smaller spacing's reading is kept: a deviation that shrinks so was never round-off
    (read as round-off it made Richardson's bar 5 % of sin(1e3·w)'s derivative, wide
    enough to confirm a 5 % bug)."""
    if getattr(objective, "model", None) is None:
        return 0.0
    import numpy as np

    from fdgui.core.sweep.references import richardson_steps

    base = float(richardson_steps(w, unit_roundoff)[-1]) / 4
    scales = base / FLOOR_SHRINK ** np.arange(FLOOR_LEVELS)
    with np.errstate(all="ignore"):
        gap = float(np.spacing(abs(float(w)))) if np.isfinite(w) else 0.0
    # the fans' points must stay many ulps of w apart, or their rounding is a staircase
    scales = scales[(scales == base) | (scales * min(FLOOR_SPACINGS) >= FLOOR_ULPS * gap)]

    def read(scale: float) -> list[float | None]:
        values = objective.losses(w + _fan_points(scale), "float64")
        return _floor_readings(np.asarray(values, dtype=float))

    larger = read(float(scales[0]))
    found = _largest(larger)
    if found is not None and scales.size > 1 and not _taylor(larger):
        # a staircase whose slope times each spacing is nearly a whole number of its steps
        # keeps to a line over a fan (2.99 quanta a point): a finer spacing shows its steps
        finer = _largest(read(float(scales[1])))
        if finer is not None and finer > found:
            return ROUNDOFF_SAFETY * finer
    for scale in scales[1:]:
        # the fans at the larger spacing strayed by the loss's own Taylor terms: their
        # residuals fell like the spacing⁴ over its three FLOOR_SPACINGS (round-off and a
        # staircase's steps do not), and they fall again at the smaller spacing
        if found is None or not _taylor(larger):
            break
        smaller = read(float(scale))
        reading = _largest(smaller)
        if reading is not None and reading > found:  # steps a coarser fan lined up with
            return ROUNDOFF_SAFETY * reading
        if reading is None or not reading * FLOOR_SHRINK < found:
            break
        found, larger = reading, smaller
    return ROUNDOFF_SAFETY * found if found is not None else 0.0


def _fan_points(scale: float):
    """The fans' offsets at the FLOOR_SPACINGS multiples of ``scale``."""
    import numpy as np

    from fdgui.core.numbers.quadratic import fan_offsets

    offsets = fan_offsets()
    return np.concatenate([offsets * scale * factor for factor in FLOOR_SPACINGS])


def _floor_readings(every) -> list[float | None]:
    """At each of the FLOOR_SPACINGS, the smaller residual of the fans whose losses changed
    (None when neither did: one on a single step of a staircase tells nothing)."""
    import numpy as np

    from fdgui.core.numbers.quadratic import fan_residuals

    readings: list[float | None] = []
    for values in np.split(every, len(FLOOR_SPACINGS)):
        half = values.size // 2
        fans = (values[: half + 1], values[half:])
        found = [
            residual
            for fan, residual in zip(fans, fan_residuals(values), strict=True)
            if residual is not None and np.ptp(fan[np.isfinite(fan)]) > 0
        ]
        readings.append(min(found) if found else None)
    return readings


def _largest(readings: list[float | None]) -> float | None:
    known = [value for value in readings if value is not None]
    return max(known) if known else None


def _taylor(readings: list[float | None]) -> bool:
    """Whether the residuals at the FLOOR_SPACINGS (largest first) fall at least as the
    spacing cubed: a cubic's misfit to a smooth loss falls as its fourth power."""
    if any(value is None for value in readings):
        return False
    return all(
        value <= (factor / FLOOR_SPACINGS[0]) ** 3 * readings[0]  # type: ignore[operator]
        for value, factor in zip(readings[1:], FLOOR_SPACINGS[1:], strict=True)
    )


def crossed(objective: Any, text: str | None, w: float, extrapolated: Any, floor: float) -> str:
    """What Richardson's steps cross near ``w`` ("pole", "kink", "jump" or ""): an
    expression's poles are read from its low Taylor coefficients (one masked by an additive
    term: ``richardson_trust.against_exact``) and its kinks are known (``extended.switched``);
    a probe's are seen in its one-sided differences at span·2^−j: on a smooth stretch their
    spread f(h) − b(h) = L''·h + O(h³) halves with h, across a kink it stays the same over
    three levels, across a jump it doubles (h times it stays). A curvature large against the
    kink's slope change (1e4·x² + |x|: L''·h ≫ the jump at every step) hides the kink in the
    spread itself, so the spread is also read with its L''·h term taken out, 2·s(h/2) − s(h)
    (and a jump's with its L''·h², (4·s(h/2) − s(h))/3): what remains is the kink's (the
    jump's) size, or O(h³) on a smooth stretch."""
    span = getattr(extrapolated, "span", None)
    if text is not None and span is not None and span > 0:
        from fdgui.core.sweep.dtype_exact import pole_distance

        distance = pole_distance(text, w, span)  # its steps reach past a pole (review10i C2)
        if distance is not None and span >= distance:
            return "pole"
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
