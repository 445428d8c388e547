"""A loss that differs between two evaluations at the same point: the sweep read with its noise.

A probe may be non-deterministic (dropout left on, non-deterministic kernels, a random
batch): L(w) is then L(w) + n with n of standard deviation σ at every call. Each central
difference carries (n₊ − n₋)/2ε (σ/(√2·ε)), each one-sided one (n₊ − n₀)/ε, and read as
round-off-free those scatters looked like kinks (a sign flip passed as "Kink inside the ε
range", review9k CRITICAL-1). So before the sweep is read, the loss at w is evaluated
``NOISE_REPEATS`` more times, and at a point one rule-of-thumb step away as many (a loss
noisy only where the entry moved); where they differ, ``NOISE_MORE`` more (the network
check's measure, ``core/numbers/noise.py``). Only a model that says it may be noisy (a
probe: ``may_be_noisy``) is asked; an expression or the built-in network costs nothing.

With σ > 0 (``with_noise``):

- every difference's round-off bar gains ``NOISE_WIDTH``·σ/ε (the network check's window),
  so no reading — kinks, the settled decade, "far" at resolving ε — takes the scatter for
  structure;
- the truncation guides (L'', L''' from five losses) are taken at a step the noise allows,
  (σ/|L|)^(1/5)·max(1, |w|) instead of u^(1/5)·max(1, |w|) (at 6.5e-4 a noise of 1e-9
  made L''' ≈ 4 for tanh);
- Richardson is taken again with steps for the noise (its u is σ/|L|) and a round-off of at
  least NOISE_WIDTH·σ per loss, and its steps are checked for a kink with that floor;
- the rule of thumb's u becomes σ/|L| where that is larger (the V's bottom moves to
  about (σ/|L'''|)^(1/3));
- ``extras["noise_sigma"]`` holds σ for the words and the JSON.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from fdgui.core.numbers.noise import NOISE_REPEATS, NOISE_WIDTH, steady_sigma

GUIDE_POWER = 1.0 / 5.0  # the guides' step is the relative noise to this power (as u's)


def loss_noise(objective: Any, w: float, loss: float, step: float, dtype: str) -> float:
    """σ of the objective's loss at ``w`` (its first value ``loss`` and NOISE_REPEATS more)
    and at ``w + step``, the larger; 0 for a model that is deterministic by construction."""
    model = getattr(objective, "model", None)
    if not getattr(model, "may_be_noisy", False):
        return 0.0
    found = getattr(model, "loss_precision", None)
    precision = str(found()) if callable(found) else dtype

    def losses(points: np.ndarray) -> np.ndarray:
        return np.asarray(objective.losses(np.asarray(points)[:, 0], dtype), dtype=float)

    sigmas = []
    for point, first in ((w, [loss]), (w + step, [])):
        if not np.isfinite(point):
            continue
        values = losses(np.full((NOISE_REPEATS, 1), point))
        sigmas.append(
            steady_sigma(losses, np.array([point]), np.concatenate([first, values]), precision)
        )
    return max(sigmas, default=0.0)


def relative_noise(result: Any, sigma: float) -> float:
    """σ as a share of the loss (at most 1): the u a noisy loss's rule of thumb uses."""
    return float(min(1.0, sigma / max(abs(float(result.loss)), sigma, 5e-324)))


def with_noise(result: Any, objective: Any) -> Any:
    """``result`` read with the noise of its loss (see the module's words); unchanged for a
    deterministic loss."""
    if result.kind == "measured" or result.point is None or not np.isfinite(result.loss):
        return result
    w = float(result.point)
    sigma = loss_noise(
        objective, w, float(result.loss), result.rule_of_thumb["central"], result.dtype
    )
    if sigma <= 0:
        return result
    from fdgui.core.sweep.straddle import _with_references

    epsilons = np.asarray(result.epsilons, dtype=float)
    relative = relative_noise(result, sigma)
    u = max(float(result.unit_roundoff), relative)
    scale = max(1.0, abs(w))
    curvature, third = _noisy_guides(objective, w, u)
    references = tuple(
        _noisy_richardson(objective, w, sigma, u, item)
        if item.method == "Richardson" and (number > 0 or not result.has_checked)
        else item
        for number, item in enumerate(result.references)
    )
    with np.errstate(all="ignore"):
        floor = result.roundoff_floor + NOISE_WIDTH * sigma / epsilons
        guides = {
            "central": None if not third else abs(third) * epsilons**2 / 6.0,
            "forward": None if not curvature else abs(curvature) * epsilons / 2.0,
        }
    guides["backward"] = guides["forward"]
    curves = _with_references(result, references, guides).curves
    rule = {
        "central": max(float(result.rule_of_thumb["central"]), u ** (1 / 3) * scale),
        "forward": max(float(result.rule_of_thumb["forward"]), u ** (1 / 2) * scale),
    }
    rule["backward"] = rule["forward"]
    return replace(
        result,
        roundoff_floor=floor,
        curvature=curvature,
        third_derivative=third,
        references=references,
        curves=curves,
        rule_of_thumb=rule,
        extras={**result.extras, "noise_sigma": sigma, "noise_relative": relative},
    )


def _noisy_guides(objective: Any, w: float, u: float) -> tuple[float | None, float | None]:
    """L'' and L''' at w from five losses a step u^(1/5)·max(1, |w|) apart (u: the noise
    relative to the loss, or the format's)."""
    h = np.float64(u**GUIDE_POWER * max(1.0, abs(w)))
    offsets = np.array([-2.0, -1.0, 0.0, 1.0, 2.0]) * h
    with np.errstate(all="ignore"):
        values = np.asarray(objective.losses(w + offsets, "float64"), dtype=float)
        second = (values[3] - 2 * values[2] + values[1]) / h**2
        third = (values[4] - 2 * values[3] + 2 * values[1] - values[0]) / (2 * h**3)
    return (
        float(second) if np.isfinite(second) else None,
        float(third) if np.isfinite(third) else None,
    )


def _noisy_richardson(objective: Any, w: float, sigma: float, u: float, kept: Any) -> Any:
    """Richardson at w with steps for a loss whose relative rounding is ``u`` (the noise's)
    and a round-off of at least NOISE_WIDTH·σ per loss; kink-nearby where its steps cross a
    kink read with that floor (``loss_format.crossed``). ``kept`` (the sweep's own) where
    no extrapolation can be formed."""
    from fdgui.core.numbers import format as numbers
    from fdgui.core.sweep.engine import SMALLEST
    from fdgui.core.sweep.loss_format import crossed, measured_floor
    from fdgui.core.sweep.references import richardson

    try:
        with np.errstate(all="ignore"):
            floor = max(NOISE_WIDTH * sigma, measured_floor(objective, w, u))
            found = richardson(
                lambda values: objective.losses(values, "float64"), w, floor=floor, unit_roundoff=u
            )
    except (ValueError, OverflowError):
        return kept
    note = f"{found.note}; steps for the loss's noise (σ = {numbers.significant(sigma, 2)})"
    found = replace(found, note=note)
    with np.errstate(all="ignore"):
        if crossed(objective, None, w, found, floor):
            found = replace(
                found,
                status="kink-nearby",
                note=f"{note}; its steps cross a kink of the loss, so it is not used to judge",
            )
    if found.error is not None and np.isfinite(found.error):
        found = replace(found, error=max(found.error, SMALLEST))
    return found


def noise_dominates(result: Any) -> bool:
    """Whether the loss's noise (NOISE_WIDTH·σ a loss) outweighs its rounding (u·|L|) in
    the round-off bar of every difference: the words then name the noise, not the dtype."""
    sigma = float(result.extras.get("noise_sigma", 0.0) or 0.0)
    rounding = float(result.unit_roundoff) * abs(float(result.loss))
    return sigma > 0 and NOISE_WIDTH * sigma > rounding


HIDES = 0.25  # a gradient is resolved where an ε's predicted error is at most this share


def noise_hides(result: Any, checked: float, usable: np.ndarray) -> float | None:
    """With a noisy loss (σ measured) and no reference to judge by: the least error a
    correct gradient's central difference may show over the usable ε (its round-off bar,
    noise included, the rounding of w ± ε and truncation) when even that is more than
    HIDES·|checked| — no ε tells the gradient from twice, half or minus it, so the
    differences are consistent with anything (a sign flip under a noise of 0.4·|L| was
    "Gradient consistent", exit 0); else None."""
    if not result.extras.get("noise_sigma") or not np.isfinite(checked) or not usable.any():
        return None
    predicted = np.asarray(result.predicted_error("central", gradient=checked), dtype=float)
    predicted = predicted[usable & np.isfinite(predicted)]
    if predicted.size == 0:
        return None
    least = float(predicted.min())
    return least if least > HIDES * abs(float(checked)) else None
