"""A model with no gradient under check: its numeric gradient with error bars, no verdict.

For every checked entry (full, or k sampled entries per tensor) the loss is evaluated at
θ0 ± h·e_i and θ0 ± (h/2)·e_i with h = u^(1/3)·max(1, |w|) (projection mode: along K random
unit directions v of each tensor, h = u^(1/3), which estimates the directional derivative
∇L·v). The value given is Richardson's extrapolation of the two central differences,
(4·c(h/2) − c(h))/3, which removes the h² truncation term; its error bar is what is left of
that term, |c(h/2) − c(h)|/3, plus the round-off of the subtraction, 4·r/h (two rounded
losses over h/2, twice over for safety), where r, the round-off of one loss, is
u·max(1, |L|) or, when larger, 3 times the deviation from a quadratic of the loss at 7 points
along a line near θ0, an eighth of a step apart (a loss made of large cancelling terms rounds
like them, not like L). Nothing is compared, so there is no verdict:
the report says "estimate". The loss at θ0 ± (h/``own_scale.FINER``)·e_i too: where the
central difference there leaves that bar, the estimate is not converged (a ripple finer than
h) and the entry is estimated on its own scale (``own_scale.estimates``); where h grew with
|w| that probe is at the step the entry would have at |w| ≤ S instead, and an estimate the
probe disagrees with is kept only where a ladder of much smaller steps agrees with it
(``deep_look``: Σ sin θ at θ ≈ 1e8, review11n C4).

A loss that is noisy (L(θ0) differs between evaluations: dropout, sampling) is measured first
(σ over 1 + NOISE_REPEATS evaluations at θ0) and every bar grows by NOISE_WIDTH times the
standard deviation the noise gives the extrapolated value, √(32.5)/3·σ/h. A loss computed in
a coarser format (``loss_precision``: float32) gets that format's h and round-off.

``NumericEngine`` evaluates one piece (entries of a tensor, or one direction) at a time, the
job ``numeric_gradient`` runs the pieces, and the cost planner times the same pieces.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase, real_numbers
from fdgui.core.netcheck import deep_look, own_scale
from fdgui.core.netcheck.chunks import forward_rows_per_chunk, sample_indices
from fdgui.core.netcheck.noise import NOISE_MORE, steady_sigma
from fdgui.core.netcheck.projection import direction
from fdgui.core.netcheck.reexamine import NOISE_REPEATS, NOISE_WIDTH
from fdgui.core.netcheck.results import heat_map_of
from fdgui.core.netcheck.roundoff import ROUNDOFF_SAFETY, measure_roundoffs
from fdgui.core.netcheck.settings import (
    MAX_DIRECTIONS,
    MAX_SAMPLES,
    MODES,
    CheckSettings,
    check_count,
)
from fdgui.core.netcheck.step_scales import resolved_scales
from fdgui.core.netcheck.tolerances import own_scales
from fdgui.core.numbers.precision import recommended_epsilon, unit_roundoff

# the extrapolated value's noise in units of σ/h: (4·c(h/2) − c(h))/3, c(h/2) with √2·σ/h
# and c(h) with √2·σ/(2h)
NOISE_SPREAD = math.sqrt(32.5) / 3
EVALUATIONS_PER_ENTRY = 6  # L at ±h, ±h/2 and ±h/FINER (``own_scale.estimates``)
DIRECTION_EVALUATIONS = 4  # along a direction: L at ±h and ±h/2
LEAST_CERTAIN_COUNT = 20  # rows of the least certain entries
KINK_KEPT = 0.75  # one-sided slopes still this far apart at h/2 as at h: a kink at w
RELATIVE_FLOOR = 1e-8  # the relative uncertainty is bar / max(|g|, this), as the seed's error


@dataclass(frozen=True)
class NumericEntry:
    """One estimated entry (or direction, in projection mode)."""

    tensor: str
    index: int  # flat index in the tensor (direction number in projection mode)
    position: tuple[int, ...]
    value: float  # the numeric gradient (∇L·v for a direction)
    error_bar: float
    relative_uncertainty: float  # error_bar / max(|value|, 1e-8)
    epsilon: float  # h
    loss_plus: float  # L(w + h)
    loss_minus: float  # L(w − h)


@dataclass(frozen=True)
class NumericTensor:
    name: str
    shape: tuple[int, ...]
    indices: np.ndarray = field(repr=False)  # flat indices checked (directions: 0…K−1)
    values: np.ndarray = field(repr=False)
    error_bars: np.ndarray = field(repr=False)
    epsilons: np.ndarray | None = field(default=None, repr=False)
    # log10 relative uncertainty ready to draw (NaN where not estimated), as a check's map
    heat_map: np.ndarray | None = field(default=None, repr=False)
    heat_levels: tuple[float, float] = (-16.0, 0.0)
    # |value| below this counts as this in the relative uncertainty: RELATIVE_FLOOR, or
    # that share of the gradient's largest entry when the gradient is smaller (a loss of
    # 1e-20 has entries of 1e-20: ± 1e-29 is 1e-9 of them, not 1e-21)
    relative_floor: float = RELATIVE_FLOOR

    @property
    def relative_uncertainty(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.maximum(np.abs(self.values), self.relative_floor)
            relative = self.error_bars / scale
        return np.where(np.isfinite(self.values), relative, np.inf)

    @property
    def checked(self) -> int:
        return int(self.indices.size)


@dataclass(frozen=True)
class NumericGradient:
    label: str
    loss: float
    tensors: tuple[NumericTensor, ...]
    seconds: float
    verdict: str = "none"
    noise_sigma: float = 0.0  # σ of L(θ0) over repeated evaluations (0: deterministic)
    precision: str = "float64"  # the format the loss is computed in
    settings: CheckSettings | None = None
    least_certain: tuple[NumericEntry, ...] = ()
    evaluations: int = 0

    @property
    def parameters_checked(self) -> int:
        return sum(t.indices.size for t in self.tensors)

    @property
    def estimated(self) -> int:
        """Entries (directions) whose estimate is a finite number."""
        return sum(int(np.isfinite(t.values).sum()) for t in self.tensors)

    @property
    def mode(self) -> str:
        return self.settings.mode if self.settings is not None else "full"

    @property
    def worst_tensor(self) -> str:
        """The tensor of the least certain entry (the heat map shows it first)."""
        return self.least_certain[0].tensor if self.least_certain else ""


def validate_numeric(settings: CheckSettings, model: ModelBase) -> None:
    """InputError (naming the field) unless ``model``'s numeric gradient can be estimated."""
    if settings.mode not in MODES:
        raise InputError("mode", f"{settings.mode!r} is not one of {', '.join(MODES)}")
    if settings.dtype != "float64":
        raise InputError("dtype", f"{model.label} evaluates in its own precision: use float64")
    check_count("samples", settings.samples, MAX_SAMPLES)
    check_count("directions", settings.directions, MAX_DIRECTIONS)
    if settings.epsilon is not None and not (0 < settings.epsilon < 1):
        raise InputError("epsilon", f"{settings.epsilon!r} is not a step between 0 and 1")
    if not model.evaluable or model.parameter_count == 0:
        raise InputError("model", f"{model.label} needs parameters and a loss")


COARSE_ROUNDOFF = 16.0  # a tensor's measured round-off this many u·max(1, |L|): coarse
COARSE_REACH = 0.05  # its widest step, times max(S, |w|)


class NumericEngine:
    """Setup (θ0, L, the loss's precision and noise) and the pieces of the estimate."""

    name = "numeric"

    def __init__(self, model: ModelBase, settings: CheckSettings) -> None:
        validate_numeric(settings, model)
        self.model, self.settings = model, settings
        self.theta = real_numbers(model.theta0(), model.parameter_count, f"{model.label}: θ0")
        if not np.all(np.isfinite(self.theta)):
            raise InputError("model", f"{model.label}: θ0 has entries that are not finite")
        self.loss = float(model.loss(self.theta))
        if not math.isfinite(self.loss):
            raise InputError("model", f"{model.label}: the loss at θ0 is {self.loss}")
        self.precision = "float64"
        if callable(getattr(model, "loss_precision", None)):
            self.precision = str(model.loss_precision())
        self.u = unit_roundoff(self.precision)
        repeats = self._losses(np.repeat(self.theta[None, :], NOISE_REPEATS, axis=0))
        first = np.concatenate([[self.loss], repeats])
        # σ from five values may be off by 2× either way: NOISE_MORE more when they differ
        self.noise_sigma = steady_sigma(self._losses, self.theta, first, self.precision)
        # round-off of one loss value: u·max(1, |L|), or what was measured near θ0 when the
        # loss is made of larger terms that cancel (its rounding is then theirs, not L's)
        self.roundoff = self.u * max(1.0, abs(self.loss))
        self.setup_evaluations = 1 + NOISE_REPEATS + (NOISE_MORE if self.noise_sigma else 0)
        self.own_scale_looked = self.own_scale_evaluations = 0  # netcheck.own_scale
        self.deep_looked = 0  # netcheck.deep_look (its losses counted with own_scale's)
        self.offsets = model.offsets()
        base = recommended_epsilon(self.precision, 0.0)
        step = base if settings.epsilon is None else float(settings.epsilon)
        # a tensor whose entries all lie below the step is moved at its own scale
        self.step_scales = own_scales(self.theta, list(self.offsets), step)
        if settings.epsilon is None:  # only where the loss's change there is resolved
            self.step_scales, spent = resolved_scales(
                self._losses, self.theta, list(self.offsets), self.step_scales, step, self.u,
                self.loss,
            )  # fmt: skip
            self.setup_evaluations += spent
        # and per tensor, measured along lines that move that tensor alone (a part of the
        # loss coarse in one tensor rounds only where that tensor moves)
        self.roundoffs = [self.roundoff] * (len(self.offsets) - 1)
        if self.noise_sigma == 0 and self.theta.size:
            found = measure_roundoffs(
                self._losses, self.theta, self.precision, self.settings.epsilon,
                offsets=list(self.offsets),
                step_scales=self.step_scales if settings.epsilon is None else None,
            )  # fmt: skip
            # where measured, the loss rounds at its own size (a loss of 1e-20 at 1e-36,
            # not at u·1): u·max(|L|, its change over a unit move) is the floor then
            floor = self.u * max(1.0, abs(self.loss))
            if found.overall > 0:
                floor = self.u * max(abs(self.loss), found.scale, 1e-300)
            self.roundoff = max(floor, ROUNDOFF_SAFETY * found.overall)
            self.roundoffs = []
            for position in range(len(self.offsets) - 1):
                own = floor
                if found.of(position) > 0:
                    size = max(abs(self.loss), found.scale_of(position), 1e-300)
                    own = self.u * size
                self.roundoffs.append(max(own, ROUNDOFF_SAFETY * found.of(position)))
            self.setup_evaluations += found.evaluations
        self.widen = [self._widening(r) for r in self.roundoffs]
        self.shapes = [tuple(t.shape) for t in model.tensors]
        self.rows = max(1, forward_rows_per_chunk(self.theta.size) // 2)
        self.changes_only = callable(getattr(model, "losses_changed", None))

    def _losses(self, points: np.ndarray) -> np.ndarray:
        label = self.model.label
        return real_numbers(self.model.losses(points), points.shape[0], f"{label}: the losses")

    def _widening(self, roundoff: float) -> float:
        """The step over the precision's recommended one for a tensor whose losses were
        measured to round far coarser than that precision (a penalty computed in float32 in
        a float64 loss: review9m CRITICAL-1): the step that balances truncation and that
        round-off, (r/max(1, |L|))^(1/3), capped at COARSE_REACH; 1 otherwise. At the
        float64 step such a loss's differences carry the part's quantum over ε: bars of
        7 % where the wider step's are 1e-5."""
        if self.settings.epsilon is not None:
            return 1.0
        base = recommended_epsilon(self.precision, 0.0)
        if not roundoff > COARSE_ROUNDOFF * self.u * max(1.0, abs(self.loss)):
            return 1.0
        coarse = (roundoff / max(1.0, abs(self.loss))) ** (1.0 / 3.0) / base
        return float(min(max(1.0, coarse), COARSE_REACH / base))

    def _step(self, scale: np.ndarray, position: int | None = None) -> np.ndarray:
        if self.settings.epsilon is not None:
            return np.full(scale.shape, float(self.settings.epsilon))
        floor = 1.0 if position is None else self.step_scales[position]
        widen = 1.0 if position is None else self.widen[position]
        return recommended_epsilon(self.precision, 0.0) * widen * np.maximum(floor, np.abs(scale))

    def _estimate(self, got: np.ndarray, actual: np.ndarray, h: np.ndarray, position: int):
        n = h.size
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            wide = (got[:n] - got[n : 2 * n]) / (actual[:n] - actual[n : 2 * n])
            narrow = (got[2 * n : 3 * n] - got[3 * n :]) / (actual[2 * n : 3 * n] - actual[3 * n :])
            values = (4 * narrow - wide) / 3
            rounding = 4 * self.roundoffs[position] / h
            bars = (
                np.abs(narrow - wide) / 3
                + rounding
                + NOISE_WIDTH * NOISE_SPREAD * self.noise_sigma / h
            )
            # a kink at w itself (a relu whose input is 0 there): the one-sided slopes differ
            # by as much at h/2 as at h, where a smooth loss's differ half as much; no
            # derivative exists, and the bar reaches both of them
            sides, spreads = [], []
            halves = ((slice(0, n), slice(n, 2 * n)), (slice(2 * n, 3 * n), slice(3 * n, None)))
            for plus, minus in halves:
                right = (got[plus] - self.loss) / actual[plus]
                left = (got[minus] - self.loss) / actual[minus]
                sides += [right, left]
                spreads.append(np.abs(right - left))
            kink = (spreads[1] > KINK_KEPT * spreads[0]) & (spreads[1] > 4 * rounding)
            # each one-sided slope extrapolated to a zero step (from h and h/2), and its
            # change between them as that extrapolation's own error
            reach = rounding + np.max(
                [
                    np.abs(2 * half - whole - values) + np.abs(half - whole)
                    for whole, half in ((sides[0], sides[2]), (sides[1], sides[3]))
                ],
                axis=0,
            )
            bars = np.where(kink, np.maximum(bars, reach), bars)
        return values, bars, got[:n], got[n : 2 * n]

    def evaluate_indices(self, position: int, indices: np.ndarray):
        """(values, bars, h, L+, L−) of entries ``indices`` of tensor ``position``."""
        flat = self.offsets[position] + np.asarray(indices, dtype=np.int64)
        h = self._step(self.theta[flat], position)
        finer = h / own_scale.FINER  # the central difference there: is the estimate converged?
        if self.settings.epsilon is None:  # (below the unit-scale step where h ∝ |w| is above it)
            finer = deep_look.finer_steps(h, self.theta[flat], self.step_scales[position])
        found, made = self._moved_losses(
            flat, np.concatenate([h, -h, h / 2, -h / 2, finer, -finer])
        )
        n = flat.size
        got, actual = found[: 4 * n], made[: 4 * n]
        values, bars, plus, minus = self._estimate(got, actual, h, position)
        if self.settings.epsilon is None:  # steps that measured the loss's shape: own scale
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                central = (found[4 * n : 5 * n] - found[5 * n :]) / (
                    made[4 * n : 5 * n] - made[5 * n :]
                )
            first = (values, bars)
            final = own_scale.estimates(
                self, position, flat, h, got, actual, values, bars, (central, finer)
            )
            # and trusted only where much smaller steps agree (``deep_look``)
            values, bars, h = deep_look.verified(
                self, position, flat, first, final, (central, finer)
            )
        return values, bars, h, plus, minus

    def _moved_losses(self, flat: np.ndarray, steps: np.ndarray):
        """(losses, the steps made) with entry ``flat`` (tiled over ``steps``) moved by each
        of ``steps``."""
        where = np.tile(flat, steps.size // max(flat.size, 1))
        moved = self.theta[where] + steps
        actual = moved - self.theta[where]
        if self.changes_only:
            got = real_numbers(
                self.model.losses_changed(where, moved),  # type: ignore[attr-defined]
                steps.size,
                f"{self.model.label}: the losses",
            )
        else:
            points = np.broadcast_to(self.theta, (steps.size, self.theta.size)).copy()
            points[np.arange(steps.size), where] = moved
            got = self._losses(points)
        return got, actual

    def direction_chunk(self, position: int, k: int):
        """(value, bar, h, L+, L−) of ∇L·v for the k-th random unit direction v of a tensor."""
        start, stop = self.offsets[position], self.offsets[position + 1]
        unit = direction(self.shapes[position], self.settings.sample_seed, position, k).ravel()
        h = self._step(np.zeros(1))
        steps = np.array([h[0], -h[0], h[0] / 2, -h[0] / 2])
        points = np.broadcast_to(self.theta, (4, self.theta.size)).copy()
        points[:, start:stop] = self.theta[start:stop] + steps[:, None] * unit
        got = self._losses(points)
        values, bars, plus, minus = self._estimate(got, steps, h, position)
        return values, bars, h, plus, minus


def numeric_gradient(model: ModelBase, settings: CheckSettings):
    """A generator job: yields (fraction, message), returns a NumericGradient."""
    started = time.perf_counter()
    engine = NumericEngine(model, settings)
    sizes = [math.prod(shape) for shape in engine.shapes]
    if settings.mode == "full":
        chosen = [np.arange(size) for size in sizes]
    elif settings.mode == "sample":
        chosen = [
            sample_indices(size, position, settings.sample_seed, settings.samples)
            for position, size in enumerate(sizes)
        ]
    else:
        chosen = [np.arange(settings.directions if size else 0) for size in sizes]
    total = max(1, sum(c.size for c in chosen))
    done, evaluations = 0, engine.setup_evaluations
    tensors, entries = [], []
    found = []
    for position, info in enumerate(model.tensors):
        indices = chosen[position]
        parts = {key: np.empty(indices.size) for key in ("values", "bars", "h", "plus", "minus")}
        step = 1 if settings.mode == "projection" else engine.rows
        for start in range(0, indices.size, step):
            part = indices[start : start + step]
            if settings.mode == "projection":
                piece = engine.direction_chunk(position, int(part[0]))
            else:
                piece = engine.evaluate_indices(position, part)
            for key, values in zip(parts, piece, strict=True):
                parts[key][start : start + part.size] = values
            done += part.size
            each = DIRECTION_EVALUATIONS if settings.mode == "projection" else EVALUATIONS_PER_ENTRY
            evaluations += each * part.size + engine.own_scale_evaluations
            engine.own_scale_evaluations = 0
            yield done / total, f"{info.name}: {done:,} of {total:,} estimated"
        found.append((info, indices, parts))
    floor = relative_floor([parts["values"] for _, _, parts in found])
    for info, indices, parts in found:
        tensor = NumericTensor(info.name, tuple(info.shape), indices, parts["values"],
                               parts["bars"], parts["h"], relative_floor=floor)  # fmt: skip
        tensor = _with_heat_map(tensor, settings.mode)
        tensors.append(tensor)
        entries += _entries(tensor, parts, settings.mode)
    entries.sort(key=lambda e: -e.relative_uncertainty if not math.isnan(e.relative_uncertainty)
                 else -math.inf)  # fmt: skip
    return NumericGradient(
        model.label,
        engine.loss,
        tuple(tensors),
        time.perf_counter() - started,
        "none",
        engine.noise_sigma,
        engine.precision,
        settings,
        tuple(entries[:LEAST_CERTAIN_COUNT]),
        evaluations,
    )


def relative_floor(values: list[np.ndarray]) -> float:
    """RELATIVE_FLOOR, or that share of the largest finite |value| when it is below 1."""
    finite = [np.abs(v[np.isfinite(v)]) for v in values]
    largest = max((float(v.max()) for v in finite if v.size), default=0.0)
    if largest <= 0:
        return RELATIVE_FLOOR
    return min(RELATIVE_FLOOR, RELATIVE_FLOOR * largest)


def _with_heat_map(tensor: NumericTensor, mode: str) -> NumericTensor:
    """The tensor with its heat map of log10 relative uncertainty (NaN: not estimated)."""
    from dataclasses import replace

    if mode == "projection":
        grid = tensor.relative_uncertainty.reshape(1, -1)
    else:
        grid = np.full(math.prod(tensor.shape), np.nan)
        grid[tensor.indices] = tensor.relative_uncertainty
        grid = grid.reshape(tensor.shape) if tensor.shape else grid
    grid = np.where(np.isinf(grid), 1.0, grid)  # a NaN estimate: drawn at the top
    logs, levels = heat_map_of(grid)
    return replace(tensor, heat_map=logs, heat_levels=levels)


def _entries(tensor: NumericTensor, parts: dict, mode: str) -> list[NumericEntry]:
    """The tensor's least certain entries (at most LEAST_CERTAIN_COUNT)."""
    relative = tensor.relative_uncertainty
    order = np.argsort(-np.nan_to_num(relative, nan=np.inf), kind="stable")[:LEAST_CERTAIN_COUNT]
    out = []
    for k in order:
        index = int(tensor.indices[k])
        if mode == "projection" or not tensor.shape:
            position: tuple[int, ...] = (index,) if mode == "projection" else ()
        else:
            position = tuple(int(p) for p in np.unravel_index(index, tensor.shape))
        out.append(
            NumericEntry(
                tensor.name,
                index,
                position,
                float(tensor.values[k]),
                float(tensor.error_bars[k]),
                float(relative[k]),
                float(parts["h"][k]),
                float(parts["plus"][k]),
                float(parts["minus"][k]),
            )
        )
    return out


def numeric_gradient_report(model: ModelBase, settings: CheckSettings) -> NumericGradient:
    from fdgui.core.jobs import drive

    return drive(numeric_gradient(model, settings))
