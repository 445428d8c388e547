"""A probe with no gradient under check: the numeric gradient and its error bars, no verdict.

For every checked entry (full, or k sampled entries per tensor) the loss is evaluated at
θ0 ± h·e_i and θ0 ± (h/2)·e_i with h = u^(1/3)·max(1, |w|). The value given is Richardson's
extrapolation of the two central differences, (4·c(h/2) − c(h))/3, which removes the h²
truncation term; its error bar is what is left of that term, |c(h/2) − c(h)|/3, plus the
round-off of the subtraction, 4·u·max(1, |L|)/h (two rounded losses over h/2, twice over
for safety). Nothing is compared, so there is no verdict.

A loss that is noisy (L(θ0) differs between evaluations: dropout, sampling) is measured first
(σ over 1 + NOISE_REPEATS evaluations at θ0) and every bar grows by NOISE_WIDTH times the
standard deviation the noise gives the extrapolated value, √(32.5)/3·σ/h. A loss computed in
a coarser format (``loss_precision``: float32) gets that format's h and round-off.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase, real_numbers
from fdgui.core.netcheck.chunks import forward_rows_per_chunk, sample_indices
from fdgui.core.netcheck.reexamine import NOISE_REPEATS, NOISE_WIDTH
from fdgui.core.netcheck.settings import CheckSettings
from fdgui.core.numbers import format as numbers
from fdgui.core.numbers.precision import recommended_epsilon, unit_roundoff

# the extrapolated value's noise in units of σ/h: (4·c(h/2) − c(h))/3, c(h/2) with √2·σ/h
# and c(h) with √2·σ/(2h)
NOISE_SPREAD = math.sqrt(32.5) / 3


@dataclass(frozen=True)
class NumericTensor:
    name: str
    shape: tuple[int, ...]
    indices: np.ndarray = field(repr=False)  # flat indices checked
    values: np.ndarray = field(repr=False)
    error_bars: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class NumericGradient:
    label: str
    loss: float
    tensors: tuple[NumericTensor, ...]
    seconds: float
    verdict: str = "none"
    noise_sigma: float = 0.0  # σ of L(θ0) over repeated evaluations (0: deterministic)
    precision: str = "float64"  # the format the loss is computed in

    @property
    def parameters_checked(self) -> int:
        return sum(t.indices.size for t in self.tensors)


def numeric_gradient(model: ModelBase, settings: CheckSettings):
    """A generator job: yields (fraction, message), returns a NumericGradient."""
    if settings.mode == "projection":
        raise InputError(
            "mode", f"{model.label} has no gradient to project: use full or sample mode"
        )
    if settings.dtype != "float64":
        raise InputError("dtype", f"{model.label} evaluates in its own precision: use float64")
    started = time.perf_counter()
    theta = real_numbers(model.theta0(), model.parameter_count, f"{model.label}: θ0")
    loss = float(model.loss(theta))
    if not math.isfinite(loss):
        raise InputError("model", f"{model.label}: the loss at θ0 is {loss}")
    precision = "float64"
    if callable(getattr(model, "loss_precision", None)):
        precision = str(model.loss_precision())
    u = unit_roundoff(precision)
    repeats = real_numbers(
        model.losses(np.repeat(theta[None, :], NOISE_REPEATS, axis=0)),
        NOISE_REPEATS,
        f"{model.label}: the losses",
    )
    sigma = float(np.std(np.concatenate([[loss], repeats]), ddof=1))
    sigma = sigma if math.isfinite(sigma) else 0.0
    rows = max(1, forward_rows_per_chunk(theta.size) // 2)
    tensors = []
    offsets = model.offsets()
    total = max(1, sum(
        t.size if settings.mode == "full" else min(t.size, settings.samples)
        for t in model.tensors
    ))  # fmt: skip
    done = 0
    for position, info in enumerate(model.tensors):
        if settings.mode == "full":
            indices = np.arange(info.size)
        else:
            indices = sample_indices(info.size, position, settings.sample_seed, settings.samples)
        values = np.empty(indices.size)
        bars = np.empty(indices.size)
        for start in range(0, indices.size, rows):
            part = indices[start : start + rows]
            flat = offsets[position] + part
            h = (
                settings.epsilon
                if settings.epsilon is not None
                else recommended_epsilon(precision, 0.0) * np.maximum(1.0, np.abs(theta[flat]))
            )
            h = np.broadcast_to(np.asarray(h, dtype=np.float64), part.shape)
            steps = np.concatenate([h, -h, h / 2, -h / 2])
            where = np.tile(flat, 4)
            points = np.broadcast_to(theta, (steps.size, theta.size)).copy()
            points[np.arange(steps.size), where] = theta[where] + steps
            actual = points[np.arange(steps.size), where] - theta[where]
            got = real_numbers(model.losses(points), steps.size, f"{model.label}: the losses")
            n = part.size
            wide = (got[:n] - got[n : 2 * n]) / (actual[:n] - actual[n : 2 * n])
            narrow = (got[2 * n : 3 * n] - got[3 * n :]) / (actual[2 * n : 3 * n] - actual[3 * n :])
            values[start : start + n] = (4 * narrow - wide) / 3
            bars[start : start + n] = (
                np.abs(narrow - wide) / 3
                + 4 * u * max(1, abs(loss)) / h
                + NOISE_WIDTH * NOISE_SPREAD * sigma / h
            )
            done += n
            yield done / total, f"{info.name}: {done:,} of {total:,} entries"
        tensors.append(NumericTensor(info.name, info.shape, indices, values, bars))
    seconds = time.perf_counter() - started
    return NumericGradient(model.label, loss, tuple(tensors), seconds, "none", sigma, precision)


def numeric_gradient_report(model: ModelBase, settings: CheckSettings) -> NumericGradient:
    from fdgui.core.jobs import drive

    return drive(numeric_gradient(model, settings))


def entry_label(tensor: NumericTensor, index: int) -> str:
    if not tensor.shape:
        return tensor.name
    position = np.unravel_index(int(index), tensor.shape)
    return f"{tensor.name}[{', '.join(str(int(p)) for p in position)}]"


def to_text(result: NumericGradient, rows: int = 20) -> str:
    lines = [
        f"No verdict: {result.label} defines no gradient to check, so this is the numeric "
        "gradient (Richardson from central differences at h and h/2) with its error bars.",
        f"{result.parameters_checked:,} entries, L = {numbers.shortest(result.loss)}, "
        f"{numbers.duration(result.seconds)}",
    ]
    if result.noise_sigma > 0:
        lines.append(
            f"The loss is noisy: σ = {numbers.scientific(result.noise_sigma, 2)} over repeated "
            "evaluations at θ0; the error bars include it."
        )
    if result.precision != "float64":
        lines.append(
            f"The loss is {result.precision}: h and the round-off are {result.precision}'s."
        )
    lines.append("")
    for tensor in result.tensors:
        lines.append(f"{tensor.name} {tensor.shape}: {tensor.indices.size:,} entries")
        order = np.argsort(-np.abs(tensor.values), kind="stable")[:rows]
        for k in order:
            lines.append(
                f"  {entry_label(tensor, tensor.indices[k]):<16} "
                f"{numbers.significant(tensor.values[k], 12):>20} ± "
                f"{numbers.scientific(tensor.error_bars[k], 1)}"
            )
        if tensor.indices.size > rows:
            lines.append(
                f"  … {tensor.indices.size - rows:,} more (the largest |g| shown; --json: all)"
            )
    return "\n".join(lines) + "\n"


def to_json(result: NumericGradient) -> str:
    data = {
        "verdict": result.verdict,
        "model": result.label,
        "parameters_checked": result.parameters_checked,
        "seconds": result.seconds,
        "loss": numbers.json_number(result.loss),
        "noise_sigma": numbers.json_number(result.noise_sigma),
        "loss_precision": result.precision,
        "tensors": [
            {
                "name": t.name,
                "shape": list(t.shape),
                "indices": [int(i) for i in t.indices],
                "numeric": [numbers.json_number(float(v)) for v in t.values],
                "error_bar": [numbers.json_number(float(v)) for v in t.error_bars],
            }
            for t in result.tensors
        ],
        "worst": [],
    }
    return json.dumps(data, indent=2) + "\n"
