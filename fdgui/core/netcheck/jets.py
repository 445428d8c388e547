"""Loss changes as power series in one number: cumulants at the output, jets deeper in.

Both series serve the exact engine (``exact.py``), which needs ΔL for thousands of
perturbations that all move *one* quantity by a small amount d:

* last hidden layer: unit i's activation moves by d, the logits move along the column
  ``W_out[:, i]``, and the cross-entropy along that line is ``ψ(d) = log Σ_k p_k·exp(d·w_k)``,
  evaluated from its cumulant series ``κ1·d + κ2·d²/2 + … + κ5·d⁵/120`` (squared error: exactly
  ``d·r·w + d²·|w|²/2``). The series is used only where ``|d|·range(w)`` is small enough that
  the terms left out add below SERIES_TAIL to the numeric gradient (``series_degree``);
* deeper layers: once hidden unit i of layer l has changed by d, everything downstream is a
  smooth function of d, the same for every weight in row i:
  ``ΔL_b(d) = c1·d + c2·d² + c3·d³ + c4·d⁴ + O(d⁵)``. ``unit_jets`` pushes a 4th-order jet
  (Faà di Bruno) through the deeper layers once per unit to get c1..c4, so a weight then
  costs a handful of operations per example instead of a pass through every deeper layer.

``horner`` evaluates either series for many d at once (into a reused buffer when given).
"""

from __future__ import annotations

import numpy as np

SERIES_TAIL = 1e-20  # bound on what the cumulant terms left out may add to a numeric gradient


def series_degree(spread: float, epsilon: float) -> int | None:
    """Fewest cumulant terms (1..5) whose neglected tail is below SERIES_TAIL, or None.

    With |d|·range(w) = spread, the m-th term is at most spread^m (|κ_m|/m! ≤ range^m), so the
    terms after the M-th add at most about spread^(M+1) to ΔL, i.e. spread^(M+1)/ε to the
    numeric gradient. None: even five terms are not enough, use the direct formula.
    """
    for degree in range(1, 6):
        if spread ** (degree + 1) / epsilon <= SERIES_TAIL:
            return degree
    return None


def horner(d, terms, out=None):
    """d·(t0 + d·(t1 + … + d·t_last)) for the coefficient arrays ``terms`` (lowest first)."""
    work = np.multiply(d, terms[-1], out=out)
    for term in reversed(terms[:-1]):
        work += term
        work *= d
    return work


def cumulant_series(w_out, loss, output, targets):
    """Coefficients of ΔL_b(d) when last-hidden unit i moves by d, per example b and unit i.

    ``output``: the softmax probabilities (cross-entropy) or the residuals (squared error).
    Returns (terms, weight_range): cross-entropy gives κ1 − w_target, κ2/2, κ3/6, κ4/24,
    κ5/120 of the logit column's weights under p (each (B, n)) and each column's range (for
    ``series_degree``); squared error gives its two exact terms and None.
    """
    if loss == "cross-entropy":
        p = output  # (B, K)
        mean = p @ w_out  # κ1 (B, n)
        centred = w_out[None, :, :] - mean[:, None, :]  # (B, K, n)
        squared = centred * centred
        powers = [
            np.sum(p[:, :, None] * term, axis=1)
            for term in (
                squared,
                squared * centred,
                squared * squared,
                squared * squared * centred,
            )
        ]
        m2, m3, m4, m5 = powers
        target_weight = w_out[targets, :]  # (B, n)
        series = (
            mean - target_weight,
            m2 / 2,
            m3 / 6,
            (m4 - 3 * m2 * m2) / 24,
            (m5 - 10 * m3 * m2) / 120,
        )
        return series, w_out.max(axis=0) - w_out.min(axis=0)
    return (output @ w_out, 0.5 * np.sum(w_out**2, axis=0)[None, :]), None


def unit_jets(parameters, pre_activations, activation, loss, output, targets, layer, units):
    """c1..c4 of ΔL_b(d) for a change d of hidden units ``units`` of layer ``layer``, and (relu)
    the smallest |d| at which some deeper unit would switch: (5, B, len(units)).

    ``pre_activations``: Z of every layer at the unperturbed point (float64); ``output``: the
    softmax probabilities (cross-entropy) or the residuals (squared error).
    """
    batch = pre_activations[0].shape[0]
    weight = parameters[2 * (layer + 1)]  # (n_next, n)
    # orders 1..4 of Δz at layer l+1: d·W[:, i] (B, U, n_next)
    first = np.broadcast_to(weight[:, units].T[None], (batch, units.size, weight.shape[0]))
    delta = [first, None, None, None]
    sigmoid = activation == "sigmoid"
    relu = activation == "relu"
    # relu: the smallest |d| at which some deeper unit would switch (Δz is linear in d
    # until then, so the series below is exact up to that point)
    switch = np.full((batch, units.size), np.inf)
    for deeper in range(layer + 1, len(pre_activations) - 1):
        z = pre_activations[deeper][:, None, :]
        if relu:
            on = (z > 0).astype(float)
            zero = np.zeros(np.broadcast_shapes(z.shape, np.shape(delta[0])))
            f = [on, zero, zero, zero]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.abs(z) / np.abs(delta[0])
            switch = np.minimum(
                switch, np.nanmin(np.where(np.isnan(ratio), np.inf, ratio), axis=-1)
            )
        else:
            t = np.tanh(0.5 * z) if sigmoid else np.tanh(z)
            sech = 1.0 - t * t
            f = [sech, -2.0 * t * sech, sech * (6.0 * t * t - 2.0),
                 sech * t * (16.0 - 24 * t * t)]  # fmt: skip
        if sigmoid:  # σ^(k)(z) = tanh^(k)(z/2) / 2^(k+1)
            f = [f[k] / 2.0 ** (k + 2) for k in range(4)]
        d1 = np.asarray(delta[0])
        d2, d3, d4 = (np.zeros(d1.shape) if term is None else term for term in delta[1:])
        a = [
            f[0] * d1,
            f[0] * d2 + 0.5 * f[1] * d1 * d1,
            f[0] * d3 + f[1] * d1 * d2 + f[2] / 6.0 * d1**3,
            f[0] * d4
            + 0.5 * f[1] * (d2 * d2 + 2.0 * d1 * d3)
            + 0.5 * f[2] * d1 * d1 * d2
            + f[3] / 24.0 * d1**4,
        ]
        next_weight = parameters[2 * (deeper + 1)]
        delta = [term @ next_weight.T for term in a]
    o1, o2, o3, o4 = (
        np.zeros(np.shape(delta[0])) if term is None else np.asarray(term) for term in delta
    )
    if loss == "cross-entropy":
        p = output[:, None, :]
        e = [
            o1,
            o2 + 0.5 * o1 * o1,
            o3 + o1 * o2 + o1**3 / 6.0,
            o4 + o1 * o3 + 0.5 * o2 * o2 + 0.5 * o1 * o1 * o2 + o1**4 / 24.0,
        ]
        s1, s2, s3, s4 = (np.sum(p * term, axis=-1) for term in e)
        target = targets
        rows = np.arange(batch)
        picked = [term[rows, :, target] for term in (o1, o2, o3, o4)]
        return np.stack(
            [
                s1 - picked[0],
                s2 - 0.5 * s1 * s1 - picked[1],
                s3 - s1 * s2 + s1**3 / 3.0 - picked[2],
                s4 - s1 * s3 - 0.5 * s2 * s2 + s1 * s1 * s2 - s1**4 / 4.0 - picked[3],
                switch,
            ]
        )
    r = output[:, None, :]
    return np.stack(
        [
            np.sum(r * o1, axis=-1),
            np.sum(r * o2 + 0.5 * o1 * o1, axis=-1),
            np.sum(r * o3 + o1 * o2, axis=-1),
            np.sum(r * o4 + 0.5 * o2 * o2 + o1 * o3, axis=-1),
            switch,
        ]
    )
