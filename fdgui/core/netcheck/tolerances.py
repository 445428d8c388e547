"""The agreement a correct gradient reaches: ε and (atol, rtol) per dtype and engine."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fdgui.core.numbers.precision import recommended_epsilon, unit_roundoff

if TYPE_CHECKING:
    from fdgui.core.netcheck.settings import CheckSettings


@dataclass(frozen=True)
class Tolerances:
    """ε and the agreement a correct gradient reaches in a dtype (central differences)."""

    dtype: str
    epsilon: float  # for |w| ≤ 1; scaled by max(1, |w|) per parameter
    atol: float
    rtol: float
    # |n − a| is relative to max(|n|, |a|, this): 1e-8, or (a loss whose round-off was
    # measured at its own scale, 1e-16·Σ sin) the check's atol — a sign flip of a gradient
    # of 3e-16 is then an error of 2, not of 6e-8
    relative_floor: float = 1e-8


def recommended_tolerances(
    dtype: str,
    loss: float = 1.0,
    epsilon: float | None = None,
    roundoff: float = 0.0,
    magnitude: float | None = None,
) -> Tolerances:
    """For a check that subtracts rounded losses at ε = u^(1/3)·max(1,|w|) (the usual tools).

    atol ≈ 10·u·max(1,|L|)/ε, ten times the round-off floor of (L+ − L−)/(2ε); rtol ≈
    10·u^(2/3), ten times where truncation and round-off balance, both rounded up to a power
    of ten (1-2-5 steps): float64 gives rtol 5e-10, float32 2e-4. Capped at 0.3 so that a
    factor-2 mistake still fails; in float16 and bfloat16 the cap is what limits it, i.e.
    those formats cannot confirm a gradient to better than tens of percent.

    atol is absolute, so it does not "pass anything" by itself: the check treats an entry as
    decided only where atol + rtol·|g| is below half of |g| (a sign flip or a factor 2 then
    falls outside it); smaller gradients are undecided, and a tensor made mostly of them
    makes the verdict inconclusive, never a pass. ``epsilon``: a fixed step instead of the
    recommended one (the round-off floor u·|L|/ε grows as ε shrinks, and the truncation
    error ε²·L‴/6 grows as it widens: it is allowed for as ε²·max(1, |L|), the same
    allowance the float64 check makes). ``roundoff``: the round-off of one loss value as
    measured near θ0 (``roundoff.measure_roundoff``), used where it exceeds u·max(1, |L|)
    (a loss made of larger terms that cancel rounds as they do). ``magnitude``: the size
    one loss value rounds at, when known from such a measurement (a loss of 1e-16 rounds at
    1e-32, not at u·1); max(1, |L|) otherwise.
    """
    u = unit_roundoff(dtype)
    scale = max(1.0, abs(loss)) if magnitude is None else max(abs(magnitude), 1e-300)
    truncation = 0.0
    if epsilon is None:
        epsilon = recommended_epsilon(dtype, 0.0, "central")
    else:
        truncation = epsilon**2 * scale
    atol = _round_up_to_power_of_ten(10 * max(u * scale, roundoff) / epsilon + truncation)
    rtol = _round_up_to_power_of_ten(10 * u ** (2.0 / 3.0))
    floor = 1e-8 if magnitude is None else min(1e-8, atol)
    return Tolerances(dtype, epsilon, atol, min(rtol, 0.3), floor)


def check_epsilon(dtype: str) -> float:
    """The check's own ε for |w| ≤ 1 (scaled by max(1, |w|) per parameter).

    In float64 the batched engine forms every loss *difference* directly, so its round-off
    is about u·|ΔL| and does not grow as ε shrinks; only the central difference's
    truncation error ε²·L'''/6 is left, and ε = √u puts that below round-off too. (At the
    calculator's u^(1/3) ≈ 5e-6, truncation alone is ~1e-13 absolute, i.e. above 1e-8
    relative for gradients smaller than ~1e-5.) In the other formats the perturbed losses
    are rounded as that format rounds them, so the usual balance ε = u^(1/3) applies.
    """
    scheme = "forward" if dtype == "float64" else "central"  # u^(1/2) or u^(1/3)
    return recommended_epsilon(dtype, 0.0, scheme)


def forward_epsilon(dtype: str) -> float:
    """The forward engine's ε for |w| ≤ 1: u^(1/3), where the round-off of subtracting two
    rounded losses (u·|L|/ε) and the truncation (ε²·L‴/6) balance."""
    return recommended_epsilon(dtype, 0.0, "central")


def engine_epsilon(engine: str, dtype: str) -> float:
    """The ε an engine uses for |w| ≤ 1 when none is fixed (scaled by max(1, |w|))."""
    return check_epsilon(dtype) if engine == "exact" else forward_epsilon(dtype)


def check_tolerances(settings: CheckSettings, loss: float, largest_weight: float) -> Tolerances:
    """The agreement a correct gradient reaches in this check: it decides 'within tolerance'.

    Float64 full and sampled checks form each loss difference directly, so their error is
    round-off of that difference (measured below 1e-16 absolute on 1e6 parameters; allowed
    1e-14·max(1,|L|)) plus the central difference's truncation, ε² times the loss's third
    derivative over 6, allowed as ε²·max(1,|L|) for the largest ε used; rtol 1e-8. That is
    tight enough to catch a backprop that is off by one part in a million. Projections, the
    other formats and the forward engine subtract rounded losses, so they use
    ``recommended_tolerances``.
    """
    if settings.dtype != "float64" or settings.mode == "projection" or settings.engine != "exact":
        return recommended_tolerances(settings.dtype, loss, settings.epsilon)
    scale = max(1.0, abs(loss))
    epsilon = settings.epsilon if settings.epsilon is not None else check_epsilon("float64")
    widest = epsilon * (1.0 if settings.epsilon is not None else max(1.0, largest_weight))
    atol = _round_up_to_power_of_ten(1e-14 * scale + widest**2 * scale)
    return Tolerances("float64", epsilon, atol, 1e-8)


def step_atol(tolerances: Tolerances, steps) -> np.ndarray:
    """atol per entry for the step each was actually moved by (the forward engine's ε·|w|):
    the round-off of a central difference is that of ΔL over 2·step, so an entry at |w| = 1e8
    moved by ε·1e8 has 1e8 times less of it than the ε the atol was made for (review9h #1).
    Never wider than ``tolerances.atol``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.minimum(1.0, tolerances.epsilon / np.abs(np.asarray(steps, dtype=float)))
    return tolerances.atol * np.where(np.isfinite(share), share, 1.0)


def own_scales(theta, offsets, epsilon: float) -> list[float]:
    """Each tensor's step scale: ε·max(1, |w|) for its entries, but a tensor whose entries
    are all small (parameters at 1e-6 in a loss of θ/1e-6) is moved by ε·max(s, |w|),
    s = ``continuous_scale`` of its largest |w|: a step of five times the parameter itself
    measures the loss's shape, not its slope. Zero tensors keep 1."""
    found = []
    for start, stop in itertools.pairwise(offsets):
        largest = float(np.max(np.abs(theta[start:stop]))) if stop > start else 0.0
        found.append(continuous_scale(largest, epsilon))
    return found


def continuous_scale(largest: float, epsilon: float) -> float:
    """A tensor's step scale from its largest |w| = S: S up to ε (the step ε·S is ε of the
    tensor's own size), 1 from √ε on (the usual ε·max(1, |w|)), and S²/ε between — the step
    is then S², a share S ≤ √ε of the tensor's size, and the scale meets both ends: a tensor
    at 3e-6, just above ε, was moved by ε·1, more than its loss's own scale (review9i C8)."""
    if not largest > 0:
        return 1.0
    if largest <= epsilon:
        return float(largest)
    return float(min(1.0, largest * largest / epsilon))


def _round_up_to_power_of_ten(value: float) -> float:
    """The next of 1, 2, 5 × 10^k at or above value (tolerances people can read)."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        if value <= step * power * (1 + 1e-12):
            return step * power
    return 10 * power
