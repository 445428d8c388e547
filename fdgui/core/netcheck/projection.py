"""Projection mode: directional derivatives along random unit directions, one tensor each."""

from __future__ import annotations

import numpy as np

from fdgui.core.models.mlp import Arithmetic, Network


def direction(shape: tuple[int, ...], seed: int, position: int, k: int) -> np.ndarray:
    """The k-th random unit direction for one tensor (made on demand: K of them for a large
    tensor would not fit in memory together)."""
    vector = np.random.default_rng([seed, 1_000 + position, k]).standard_normal(shape)
    return vector / np.linalg.norm(vector)


def projection_losses(
    net: Network,
    dtype: str,
    position: int,
    unit: np.ndarray,
    epsilon: float,
    with_flags: bool = False,
):
    """L(θ + ε·v) and L(θ − ε·v) for a direction v supported on one tensor, in dtype.

    ``with_flags``: also (kink, vanished): whether either step flips the relu on/off pattern
    of any hidden layer for any example (the loss is not smooth along that segment), and
    whether both steps round back to θ in the dtype (the check saw no step at all).
    """
    ar = Arithmetic(dtype)
    base = net.parameters[position]
    plus = list(net.parameters)
    minus = list(net.parameters)
    plus[position] = base + epsilon * unit
    minus[position] = base - epsilon * unit
    if not with_flags:
        return float(net.loss(plus, dtype)), float(net.loss(minus, dtype))
    reference = net.forward(dtype)
    kink = False
    losses = []
    for parameters in (plus, minus):
        forward = net.run_forward(parameters, ar)
        losses.append(float(forward.loss))
        if net.spec.activation == "relu":
            for layer in range(net.layer_count - 1):
                moved = forward.pre_activations[layer] > 0
                kink |= bool(np.any(moved != (reference.pre_activations[layer] > 0)))
    cast = ar.cast(base)
    vanished = bool(np.all(ar.cast(plus[position]) == cast)) and bool(
        np.all(ar.cast(minus[position]) == cast)
    )
    return losses[0], losses[1], kink, vanished
