"""σ of a loss that may be noisy, measured by the forward engine before its first look
(``ForwardEngine``: ``noise_sigma``, and ``tensor_noise`` where only one tensor's move
shows it): repeats at θ0 and at a point where every entry moved by its step, each σ made
steady by ``noise.steady_sigma``."""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.noise import steady_sigma
from fdgui.core.netcheck.reexamine import NOISE_REPEATS


def measure_noise(engine) -> float:
    """σ of L(θ0) over 1 + NOISE_REPEATS evaluations, and of L at a point where every
    entry has moved by its step over NOISE_REPEATS more (a loss may be noisy only
    where some tensor moved); the larger (0 for a deterministic loss)."""
    signs = np.where(np.random.default_rng(5).random(engine.size) < 0.5, -1.0, 1.0)
    sizes = np.diff(engine.offsets)
    scales = np.repeat(np.asarray(engine.step_scales, dtype=float), sizes)
    steps = engine.epsilon_base * np.maximum(scales, np.abs(engine.theta))
    moved = engine.round(engine.theta + signs * steps)
    points = np.concatenate(
        [np.repeat(engine.theta[None, :], NOISE_REPEATS, axis=0),
         np.repeat(moved[None, :], NOISE_REPEATS, axis=0)]
    )  # fmt: skip
    found = engine._losses(points)
    here = steady_sigma(
        engine._losses,
        engine.theta,
        np.concatenate([[engine.loss], found[:NOISE_REPEATS]]),
        engine.precision,
    )
    there = steady_sigma(engine._losses, moved, found[NOISE_REPEATS:], engine.precision)
    if here == 0 and there > 0 and len(engine.shapes) > 1:  # which tensor's move shows it
        rows = []
        for position in range(len(engine.shapes)):
            point = engine.theta.copy()
            part = slice(engine.offsets[position], engine.offsets[position + 1])
            point[part] = moved[part]
            rows.append(point)
        each = engine._losses(np.repeat(np.array(rows), NOISE_REPEATS, axis=0))
        each = each.reshape(len(engine.shapes), NOISE_REPEATS)
        sigmas = [steady_sigma(engine._losses, point, values, engine.precision)
                  for point, values in zip(rows, each, strict=True)]  # fmt: skip
        if max(sigmas) > 0:
            engine.tensor_noise = sigmas
    return max(here, there)
