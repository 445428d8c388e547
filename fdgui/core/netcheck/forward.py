"""The forward engine: central differences of any model's own loss, exactly as it runs.

For every checked entry w of θ (or random direction v of one tensor) the engine builds the
points θ0 ± ε·e_i, rounds them to the dtype, evaluates them through ``model.losses`` many at
a time (a chunk of points per call; the built-in network runs one batched matrix product per
layer for the whole chunk), and forms

    ΔL± = L(θ0 ± ε·e_i) − L(θ0),   numeric = (ΔL+ − ΔL−)/(2ε),

compared with ``model.gradient()``. ε = u^(1/3)·max(1, |w|) for the dtype (or the fixed ε
asked for). Nothing about the model is assumed beyond the Model protocol, so this is what a
user's own code gets; it costs two full loss evaluations per entry (O(P²·B) for the built-in
network, against the exact engine's O(P·B)).

Tolerances are those of a check that subtracts rounded losses (``recommended_tolerances``):
atol ≈ 10·u·max(1,|L|)/ε and rtol ≈ 10·u^(2/3), with the same verdict rules as the exact
engine (an entry is decided only where a factor 2 or a sign flip would fall outside its
window; a tensor made mostly of undecided entries makes the check inconclusive).

Kinks. A model that is not smooth (``model.smooth`` False: relu, or a model that does not say)
may have a kink inside ±ε, and then the central difference need not match a correct gradient.
The engine cannot see kinks, so for each entry that disagrees it looks again with a step
ε' = ε/16, which avoids any kink that is not within ε' of w:

* the central difference at ε' agrees with the gradient within that step's own window
  (``recommended_tolerances`` at ε': its round-off floor grows as the step shrinks), or
* one of the one-sided slopes, extrapolated to a zero step from ε and ε' (Richardson:
  f(ε') + (f(ε') − f(ε))·ε'/(ε − ε')), agrees with it within that window, as the right or
  left derivative of a correct gradient sitting *on* a kink does,

Then the entry is marked as a kink (explained), provided the refined window is
below half of |g|; where it is not, the entry is undecided (it counts towards an
inconclusive verdict, never towards a pass). Everything else that disagrees stays a failure:
on a smooth stretch a wrong gradient disagrees at ε' just as at ε, so a kink can excuse at
most a disagreement smaller than the refined window, and only at the entries that show one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import Model, real_numbers
from fdgui.core.netcheck import (
    coarse_part,
    coarse_wide,
    estimate_verdict,
    finer_steps,
    kink_evidence,
    loose_verdict,
    own_roundoff_recheck,
    own_scale,
    sides,
    wide_window,
)
from fdgui.core.netcheck.chunks import (
    Chunk,
    forward_rows_per_chunk,
    sample_indices,
)
from fdgui.core.netcheck.converged import change_roundoff
from fdgui.core.netcheck.noise_measure import measure_noise
from fdgui.core.netcheck.projection import direction
from fdgui.core.netcheck.reexamine import (
    CONFIRMED_LIMIT,
    FACTORS,
    JUMP_SHARE,
    KINK,
    KINK_DIRECTION,
    KINK_OUTSIDE,
    NOISE_WIDTH,
    SMALL_STEPS,
    UNDECIDED,
    needs_small_steps,
    reexamine,
)
from fdgui.core.netcheck.roundoff import ROUNDOFF_SAFETY, MeasuredRoundoff, measure_roundoffs
from fdgui.core.netcheck.settings import CheckSettings
from fdgui.core.netcheck.step_scales import resolved_scales
from fdgui.core.netcheck.steps import ForwardSteps
from fdgui.core.netcheck.tolerances import (
    Tolerances,
    forward_epsilon,
    own_scales,
    recommended_tolerances,
    step_atol,
)
from fdgui.core.netcheck.tolerances import _round_up_to_power_of_ten as _round_up
from fdgui.core.numbers.precision import numpy_dtype, unit_roundoff

REFINE = 16  # the kink test's second step is ε/REFINE
TRUSTED_SHARE = 0.25  # a measured round-off above this share of L's range is a jump, not it
CHANGED_CHUNK_ELEMENTS = 1 << 20  # see ForwardEngine.changes_only
CHANGED_MAX_ROWS = 128

# rows_for(steps) -> (points, lost): the points θ0 + step (rounded to the dtype), one per
# step, and where the rounded step left θ0 unchanged
PointMaker = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ChangedPoints:
    """Points that are θ0 with one entry each set to a value (row k: entry ``where[k]`` =
    ``values[k]``), for a model that evaluates such points from the changes alone
    (``losses_changed``: a probe's process is sent these numbers, not whole points)."""

    where: np.ndarray
    values: np.ndarray

    @property
    def shape(self) -> tuple[int]:
        return (self.where.size,)

    def __getitem__(self, keep: np.ndarray) -> ChangedPoints:
        return ChangedPoints(self.where[keep], self.values[keep])


class ForwardEngine(ForwardSteps):
    """Central differences of ``model.losses`` at θ0 ± ε·e_i, chunk by chunk."""

    name = "forward"

    def __init__(self, model: Model, settings: CheckSettings) -> None:
        self.loss_rows = 0  # every loss this engine evaluated (``more_evaluations``)
        self.model = model
        self.settings = settings
        self.dtype = settings.dtype
        self.shapes = [(tensor.name, tuple(tensor.shape)) for tensor in model.tensors]
        starts = [0]
        for _, shape in self.shapes:
            starts.append(starts[-1] + int(np.prod(shape, dtype=np.int64)))
        self.offsets = starts
        self.size = starts[-1]
        # the point under check, as the dtype holds it (float64 numbers)
        theta0 = real_numbers(model.theta0(), self.size, f"{model.label}: θ0")
        self.theta = self.round(theta0)
        self.theta.setflags(write=False)
        gradient = model.gradient() if self.dtype == "float64" else model.gradient(self.theta)
        self.gradient = real_numbers(gradient, self.size, f"{model.label}: the gradient")
        self.loss = float(self._losses(self.theta[None, :])[0])
        if not np.isfinite(self.loss):
            raise InputError(
                "model",
                f"{model.label}: the loss at the point under check is {self.loss}; "
                "finite differences need a finite loss there",
            )
        # the coarser of the dtype and the loss's own precision (a probe whose loss is
        # computed or rounded in float32): ε and every tolerance are that format's
        self.precision = self.dtype
        loss_precision = getattr(model, "loss_precision", None)
        if callable(loss_precision):
            found = str(loss_precision())
            if unit_roundoff(found) > unit_roundoff(self.dtype):
                self.precision = found
        self.epsilon_base = (
            settings.epsilon if settings.epsilon is not None else forward_epsilon(self.precision)
        )
        self.epsilon_scaled = settings.epsilon is None
        self.step_scales = own_scales(self.theta, self.offsets, self.epsilon_base)
        if self.epsilon_scaled:  # own scales only where the loss's change there is resolved
            self.step_scales, _ = resolved_scales(
                lambda points: self._losses(self.round(points)), self.theta, self.offsets,
                self.step_scales, self.epsilon_base, unit_roundoff(self.precision), self.loss,
            )  # fmt: skip
        self.smooth = bool(model.smooth)
        self.rows = forward_rows_per_chunk(self.size)
        # a model that evaluates "θ0 with one entry changed" from the changes alone gets
        # only those (float64: the engine's θ is the model's θ0 exactly)
        self.changes_only = self.dtype == "float64" and callable(
            getattr(model, "losses_changed", None)
        )
        if self.changes_only:  # no dense points here: the model's copies of its largest
            # tensor, one per point, bound the chunk (CHANGED_CHUNK_ELEMENTS numbers); and
            # CHANGED_MAX_ROWS, as a vmapped batch is fastest at a few hundred points
            # (measured on a torch MLP: 67 µs a point at 256, 109 µs at 1,024)
            largest = max((int(np.prod(shape)) for _, shape in self.shapes), default=1)
            self.rows = max(1, min(CHANGED_MAX_ROWS, CHANGED_CHUNK_ELEMENTS // (2 * largest)))
        self.tensor_noise: list[float] | None = None  # σ where only that tensor moved
        self.noise_sigma = measure_noise(self) if getattr(model, "may_be_noisy", False) else 0.0
        # one loss value's round-off as measured near θ0 (0: u·max(1, |L|) stands): a loss
        # made of larger terms that cancel rounds as they do (the no-grad estimate's measure)
        self.measured_roundoff = 0.0
        self.roundoffs = MeasuredRoundoff(0.0)
        if self.noise_sigma == 0 and self.size and getattr(model, "loss_precision", None):
            self.roundoffs = measure_roundoffs(
                self._line_losses(), self.theta, self.precision, settings.epsilon, TRUSTED_SHARE,
                self.offsets, self.step_scales if self.epsilon_scaled else None,
            )  # fmt: skip
            self.measured_roundoff = ROUNDOFF_SAFETY * self.roundoffs.overall
        # a loss whose round-off was measured rounds at its own size (1e-16·Σ sin t: at
        # 1e-32), not at u·max(1, |L|): its value or its change over a unit move along the
        # measuring lines, whichever is larger (a loss that happens to be near 0 still
        # changes at its own scale); tolerances and relative errors follow it
        self.magnitude = None
        if self.roundoffs.overall > 0:
            self.magnitude = max(abs(self.loss), self.roundoffs.scale)
        self._tolerances = recommended_tolerances(
            self.precision, self.loss, settings.epsilon, self.measured_roundoff, self.magnitude
        )
        # each tensor's entries are judged with the round-off measured along that tensor
        # (a part of the loss coarse in one tensor only neither fails the other's correct
        # entries nor widens their tolerance); cleared when the ε ladder sets tolerances
        # position: (tolerances, measured round-off, magnitude, noise σ) of that tensor
        self._tensor_tolerances: dict[int, tuple[Tolerances, float, float | None, float]] = {}
        for position in range(len(self.shapes)):
            own_step = self.epsilon_scaled and self.step_scales[position] != 1.0
            if position >= len(self.roundoffs.tensors) and not own_step:
                continue
            measured = ROUNDOFF_SAFETY * self.roundoffs.of(position)
            magnitude = None  # the size the losses round at, as seen along this tensor
            if measured > 0:
                magnitude = max(abs(self.loss), self.roundoffs.scale_of(position))
            # a tensor moved at its own scale: its window is that step's (own_scales)
            step = self.epsilon_base * self.step_scales[position] if own_step else None
            found = recommended_tolerances(
                self.precision, self.loss, step if own_step else settings.epsilon, measured,
                magnitude,
            )  # fmt: skip
            own = magnitude if magnitude is not None else self.magnitude
            self._tensor_tolerances[position] = (found, measured, own, self.noise_sigma)
        self.quiet_atol: float | None = None  # atol before the noise widened it
        if self.noise_sigma > 0:
            tolerances = self._tolerances
            self.quiet_atol = tolerances.atol
            wider = tolerances.atol + NOISE_WIDTH * self.noise_sigma / self.epsilon_base
            self._tolerances = replace(tolerances, atol=_round_up(wider))
            self._tensor_tolerances = {}
            # noise seen only where some tensor moved, measured per tensor: each tensor's
            # entries get their own tensor's noise (none where it moved alone quietly)
            for position, sigma in enumerate(self.tensor_noise or ()):
                wider = tolerances.atol + NOISE_WIDTH * sigma / self.epsilon_base
                own_tolerances = replace(tolerances, atol=_round_up(wider))
                self._tensor_tolerances[position] = (own_tolerances, 0.0, self.magnitude, sigma)
        self._along_direction = False  # a projection's direction is being evaluated
        self.confirmed = 0  # entries the second look confirmed wrong (reexamine)
        self.reexamined = 0  # entries looked at again
        # losses evaluated beyond the first look's two an entry (kink test, second look,
        # estimates, the loose ladder): the report and the cost plan count them
        self.more_evaluations = 0
        self.own_scale_looked = 0  # ... of which at their own scale (netcheck.own_scale)

    # -- what the check asks of an engine --------------------------------------------

    def tolerances(self) -> Tolerances:
        return self._tolerances

    def tolerances_of(self, position: int) -> Tolerances | None:
        """Tensor ``position``'s own tolerances (its measured round-off); None: the check's."""
        found = self._tensor_tolerances.get(position)
        return None if found is None else found[0]

    def use_tolerances(self, tolerances) -> None:
        """The ε ladder's tolerances (measured round-off) replace every tensor's."""
        self._tolerances = tolerances
        self._tensor_tolerances = {}
        self.quiet_atol = None

    @contextlib.contextmanager
    def _tensor(self, position: int) -> Iterator[None]:
        """The tensor's own tolerances and round-off while its entries are evaluated."""
        found = self._tensor_tolerances.get(position)
        if found is None:
            yield
            return
        kept = self._tolerances, self.measured_roundoff, self.magnitude, self.noise_sigma
        self._tolerances, self.measured_roundoff, self.magnitude, self.noise_sigma = found
        try:
            yield
        finally:
            self._tolerances, self.measured_roundoff, self.magnitude, self.noise_sigma = kept

    def probe_twin(self, position: int) -> int | None:
        """Every entry costs two full loss evaluations whatever its tensor: the planner
        times the largest tensor and uses that for all."""
        largest = max(range(len(self.shapes)), key=lambda p: self.offsets[p + 1] - self.offsets[p])
        return None if position == largest else largest

    def tensor_pieces(self, position: int, full: bool, limit: int | None = None) -> Iterator[Chunk]:
        """Evaluate one tensor's entries chunk by chunk (``limit``: stop after about that many)."""
        size = self.offsets[position + 1] - self.offsets[position]
        if full:
            indices = np.arange(size)
        else:
            indices = sample_indices(
                size, position, self.settings.sample_seed, self.settings.samples
            )
        done = 0
        for start in range(0, indices.size, self.rows):
            yield self.evaluate_indices(position, indices[start : start + self.rows])
            done += min(self.rows, indices.size - start)
            if limit is not None and done >= limit:
                return

    def evaluate_indices(self, position: int, indices: np.ndarray) -> Chunk:
        flat = self.offsets[position] + indices
        epsilon = self.epsilon_for(self.theta[flat], position)
        analytic = self.gradient[flat]
        with self._tensor(position):
            return self._chunk(indices, self.rows_maker(position, indices), epsilon, analytic)

    def rows_maker(self, position: int, indices: np.ndarray) -> PointMaker:
        """rows_for(steps): θ0 with entry ``indices[i]`` moved by steps (cycling over them)."""
        flat = self.offsets[position] + indices

        def rows_for(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            where = np.concatenate([flat] * (steps.size // flat.size))
            if self.changes_only:
                moved = self.theta[where] + steps
                return ChangedPoints(where, moved), moved == self.theta[where]
            points = np.empty((steps.size, self.size))
            points[:] = self.theta
            moved = self.round(self.theta[where] + steps)
            points[np.arange(steps.size), where] = moved
            return points, moved == self.theta[where]

        rows_for.values = self.theta[flat]  # the entries' w (netcheck.own_scale)
        return rows_for

    def direction_chunk(self, position: int, k: int) -> Chunk:
        """Projection mode: the k-th random unit direction of tensor ``position``."""
        start, stop = self.offsets[position], self.offsets[position + 1]
        unit = direction(self.shapes[position][1], self.settings.sample_seed, position, k).ravel()
        epsilon = np.array([self.epsilon_base])

        def rows_for(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            points = np.empty((steps.size, self.size))
            points[:] = self.theta
            points[:, start:stop] = self.round(self.theta[start:stop] + steps[:, None] * unit)
            return points, np.all(points[:, start:stop] == self.theta[start:stop], axis=1)

        analytic = np.array([float(np.sum(self.gradient[start:stop] * unit))])
        self._along_direction = True
        try:
            with self._tensor(position):
                chunk = self._chunk(np.array([k]), rows_for, epsilon, analytic)
        finally:
            self._along_direction = False
        reason = chunk.reason
        return Chunk(
            k,
            float(chunk.numeric[0]),
            float(analytic[0]),
            float(epsilon[0]),
            float(chunk.plus[0]),
            float(chunk.minus[0]),
            bool(chunk.kink[0]),
            bool(chunk.vanished[0]),
            bool(chunk.undecided[0]),
            None if reason is None else int(reason[0]),
            None if chunk.bar is None else float(chunk.bar[0]),
        )

    # -- the arithmetic ---------------------------------------------------------------

    def epsilon_for(self, values: np.ndarray, position: int | None = None) -> np.ndarray:
        """ε·max(1, |w|), or ε·max(S, |w|) in a tensor of entries all below ε (own_scales)."""
        if not self.epsilon_scaled:
            return np.full(values.shape, self.epsilon_base)
        floor = 1.0 if position is None else self.step_scales[position]
        return self.epsilon_base * np.maximum(floor, np.abs(values))

    def round(self, values: np.ndarray) -> np.ndarray:
        """The values the dtype holds nearest to ``values`` (as float64)."""
        if self.dtype == "float64":
            return np.asarray(values, dtype=np.float64)
        with np.errstate(over="ignore"):
            return np.asarray(values).astype(numpy_dtype(self.dtype)).astype(np.float64)

    def _line_losses(self):
        """``_losses``, and for a model that evaluates lines through θ0 itself (a probe:
        ``losses_on_lines``) ``along_lines`` too: the round-off measurement's whole-θ points
        are then built one at a time in the probe's process (review12p H1)."""
        along = getattr(self.model, "losses_on_lines", None)
        if self.dtype != "float64" or not callable(along):
            return self._losses
        engine = self

        class Losses:
            def __call__(self, points):
                return engine._losses(points)

            def along_lines(self, directions, steps):
                with np.errstate(all="ignore"):
                    values = along(directions, steps)
                engine.loss_rows += int(np.size(steps))
                return real_numbers(
                    values, int(np.size(steps)), f"{engine.model.label}: the losses"
                )

        return Losses()

    def _losses(self, points: np.ndarray | ChangedPoints) -> np.ndarray:
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            if isinstance(points, ChangedPoints):
                values = self.model.losses_changed(points.where, points.values)  # type: ignore[attr-defined]
            else:
                values = self.model.losses(points, self.dtype)
        self.loss_rows += int(points.shape[0])
        return real_numbers(values, points.shape[0], f"{self.model.label}: the losses")

    def _changes(
        self, rows_for: PointMaker, epsilon: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ΔL+ and ΔL− at steps ±epsilon, and where both steps were lost to rounding.

        A step the dtype rounds away leaves the point at θ0, whose loss is L by definition:
        its change is set to 0 (what a person's finite difference sees), not re-evaluated.
        """
        count = epsilon.size
        points, lost = rows_for(np.concatenate([epsilon, -epsilon]))
        losses = self._losses(points)
        with np.errstate(invalid="ignore", over="ignore"):
            changes = np.where(lost, 0.0, losses - self.loss)
        return changes[:count], changes[count:], lost[:count] & lost[count:]

    def _chunk(
        self, indices: np.ndarray, rows_for: PointMaker, epsilon: np.ndarray, analytic: np.ndarray
    ) -> Chunk:
        started = self.loss_rows
        try:
            return self._looked_at(indices, rows_for, epsilon, analytic)
        finally:  # what the looks after the first cost (``more_evaluations``)
            self.more_evaluations += max(0, self.loss_rows - started - 2 * int(indices.size))

    def _looked_at(self, indices, rows_for, epsilon, analytic) -> Chunk:
        plus, minus, vanished = self._changes(rows_for, epsilon)
        first_steps = epsilon.copy()  # (the own-scale look sets its narrowest step in place)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            first = (plus - minus) / (2 * epsilon)  # (the first look's, kept: coarse_part)
        numeric = first.copy()
        kink = np.zeros(indices.size, dtype=bool)
        undecided = np.zeros(indices.size, dtype=bool)
        weak = None  # kinks the refined step explained with a window wider than the miss
        if not self.smooth:
            weak = self._find_kinks(rows_for, epsilon, analytic, plus, minus, numeric,
                                    vanished, kink, undecided)  # fmt: skip
        bar = np.full(indices.size, np.nan)  # an own-scale look's bars (netcheck.own_scale)
        reason = self._look_again(rows_for, epsilon, analytic, plus, minus, numeric,
                                  vanished, kink, undecided, bar)  # fmt: skip
        bar = None if np.isnan(bar).all() else bar
        decider = None  # a coarse loss: the estimate's bar decides more; in float64 it
        if estimate_verdict.applies(self):  # decides "wrong" where the second look could not
            decider = estimate_verdict.decide
        elif estimate_verdict.resolves_undecided(self):
            decider = estimate_verdict.decide_undecided
        if decider is not None:
            numeric, found, reason = decider(
                self, rows_for, epsilon, analytic, plus, minus, numeric, kink, undecided, reason
            )
            if found is not None:
                bar = found if bar is None else np.where(np.isnan(found), bar, found)
        if weak is not None and weak.any() and estimate_verdict.resolves_undecided(self):
            numeric, found, reason = estimate_verdict.decide_weak_kinks(
                self, rows_for, epsilon, analytic, plus, minus, numeric, kink, undecided,
                reason, np.flatnonzero(weak),
            )  # fmt: skip
            if found is not None:
                bar = found if bar is None else np.where(np.isnan(found), bar, found)
        if loose_verdict.applies(self):  # a coarse or noisy loss's loose agreement, wider
            numeric, found, reason = loose_verdict.decide(
                self, rows_for, epsilon, analytic, plus, minus, numeric, kink, undecided, reason,
                weak,
            )  # fmt: skip
            if found is not None:
                bar = found if bar is None else np.where(np.isnan(found), bar, found)
        if wide_window.applies(self):  # a window a large share of |a|: wider steps decide
            numeric, found, reason = wide_window.decide(
                self, rows_for, epsilon, analytic, numeric, plus, minus, kink, undecided,
                reason, bar,
            )  # fmt: skip
            if found is not None:
                bar = found
        self.coarse_rough = np.zeros(0, dtype=np.intp)  # (set by coarse_part, read by sides)
        if own_roundoff_recheck.applies(self):  # "wrong" windowed narrower than its own
            # round-off decided again; a coarse part's staircase or a fine ripple told apart
            numeric, bar, reason = coarse_part.rechecked(self, rows_for, first_steps, first,
                                                         epsilon, analytic, numeric, kink,
                                                         undecided, reason, bar)  # fmt: skip
        if sides.applies(self):  # excuses and huge steps, judged by each side (kinks)
            numeric, bar, reason = sides.judge(self, rows_for, first_steps, analytic, numeric, kink,
                                               undecided, reason, bar)  # fmt: skip
        if coarse_part.applies(self):  # last: a coarser part's tread that no step moved
            numeric, bar, reason = coarse_wide.reopened(self, rows_for, first_steps, epsilon,
                                                        analytic, numeric, kink, undecided,
                                                        reason, bar)  # fmt: skip
        if reason is not None:  # counted once every look had its say (rev21n C1: 256 opened)
            self.confirmed += int(np.sum(np.isin(reason, coarse_wide.CALLED_WRONG) & ~undecided))
        return Chunk(indices, numeric, analytic, epsilon, plus, minus, kink, vanished, undecided,
                     reason, bar)  # fmt: skip

    def _look_again(self, rows_for, epsilon, analytic, plus, minus, numeric, vanished,
                    kink, undecided, bar) -> np.ndarray | None:  # fmt: skip
        """Reason codes (``reexamine``) for the entries that still disagree; marks (in place)
        those it finds on a kink or undecided, and sets the numbers of those it looked at on
        their own scale (``own_scale``; ``bar``). None when nothing disagrees."""
        if self.confirmed >= CONFIRMED_LIMIT:
            return None
        tolerances = self._tolerances
        window = step_atol(tolerances, epsilon) + tolerances.rtol * np.abs(analytic)
        with np.errstate(invalid="ignore", over="ignore"):
            disagree = np.abs(numeric - analytic) > window
        chosen = np.flatnonzero(
            disagree & ~vanished & ~kink & ~undecided & np.isfinite(numeric) & np.isfinite(analytic)
        )
        if chosen.size == 0:
            return None
        total = epsilon.size
        steps = np.zeros((len(FACTORS), total))
        for row, factor in enumerate(FACTORS):
            steps[row, chosen] = epsilon[chosen] * factor
        points, lost = rows_for(np.concatenate([steps.ravel(), -steps.ravel()]))
        half = len(FACTORS) * total
        keep = np.concatenate(
            [row * total + chosen for row in range(len(FACTORS))]
            + [half + row * total + chosen for row in range(len(FACTORS))]
        )
        losses = self._losses(points[keep])
        with np.errstate(invalid="ignore", over="ignore"):
            changes = np.where(lost[keep], 0.0, losses - self.loss)
        n = chosen.size
        more = {
            factor: (changes[row * n : (row + 1) * n], changes[(len(FACTORS) + row) * n :][:n])
            for row, factor in enumerate(FACTORS)
        }
        arguments = (more, chosen, epsilon, plus, minus, analytic, self.loss, self.precision,
                     tolerances.rtol, self.noise_sigma, self.smooth)  # fmt: skip
        measured = self.measured_roundoff
        units = epsilon / self.epsilon_base if self.epsilon_scaled else None
        codes = reexamine(
            *arguments, measured=measured, magnitude=self.magnitude, units=units
        )  # fmt: skip
        suspects = needs_small_steps(codes, self.smooth)
        if suspects.size:  # kinks nearer than ε/4, jumps: smaller steps decide
            small = self._small_steps(rows_for, chosen[suspects], epsilon, total)
            spread = {}
            for factor, found in small.items():
                spread[factor] = tuple(np.full(n, np.nan) for _ in found)
                for full, part in zip(spread[factor], found, strict=True):
                    full[suspects] = part
            bound = tolerances.atol * tolerances.epsilon  # ≥ the measured N (ladder)
            if self.quiet_atol is not None:  # the noise is windowed on its own (σ/step):
                # an atol widened by it (and rounded up) would count it twice, and leave a
                # clear disagreement undecided whenever σ was measured a little high
                bound = self.quiet_atol * tolerances.epsilon
            options = dict(roundoff=bound, measured=measured, magnitude=self.magnitude,
                           units=units)  # fmt: skip
            codes = reexamine(*arguments, small=spread, **options)
            deeper = finer_steps.still_suspect(codes, self.smooth)
            if deeper.size:  # a kink nearer than the smallest small step (finer_steps)
                first = np.abs(numeric[chosen[deeper]] - analytic[chosen[deeper]])
                scale = max(1.0, abs(self.loss)) if self.magnitude is None else self.magnitude
                own = change_roundoff(  # (what refutes there: review11n C2)
                    bound, measured, unit_roundoff(self.precision), max(scale, 1e-300)
                )
                wanted = finer_steps.worth_taking(
                    first, epsilon[chosen[deeper]], own, self.noise_sigma
                )
                picked = {factor: chosen[deeper[where]] for factor, where in wanted.items()}
                finer = self._small_steps(rows_for, picked, epsilon, total, tuple(wanted))
                for factor, found in finer.items():
                    spread[factor] = tuple(np.full(n, np.nan) for _ in found)
                    for full, part in zip(spread[factor], found, strict=True):
                        full[deeper[wanted[factor]]] = part
                if wanted:
                    codes = reexamine(*arguments, small=spread, **options)
        if not self._along_direction:  # a step that measured the loss's shape, not its slope
            floor = own_scale.loss_change_rounding(self)
            codes = own_scale.look(self, rows_for, chosen, codes, more, epsilon, analytic, plus,
                                   minus, numeric, bar, floor)  # fmt: skip
        if self._along_direction:  # a direction through kinks at θ0 (every unit it moves
            # there at once): its one-sided slopes do not bound g·v of a correct gradient,
            # whose kinks each take any value between their own sides — undecided
            codes = np.where(np.isin(codes, (KINK, KINK_OUTSIDE)), KINK_DIRECTION, codes)
        self.reexamined += n
        left = (UNDECIDED, KINK_DIRECTION)
        kink[chosen] = codes == KINK
        undecided[chosen[np.isin(codes, left)]] = True
        reason = np.zeros(total, dtype=np.int8)
        reason[chosen] = codes
        return reason

    def _small_steps(self, rows_for, chosen, epsilon, total, factors=SMALL_STEPS) -> dict:
        """ΔL+, ΔL− and the steps the dtype made (0: rounded away) of the ``chosen`` entries
        (of a chunk of ``total``) at each of ``factors`` times their ε (``chosen``: one
        array for every factor, or a dict of them per factor), in one call of the loss."""
        parts, lost, sizes = [], [], []
        for factor in factors:
            mine = chosen[factor] if isinstance(chosen, dict) else chosen
            steps = np.zeros(total)
            steps[mine] = epsilon[mine] * factor
            points, gone = rows_for(np.concatenate([steps, -steps]))
            keep = np.concatenate([mine, total + mine])
            parts.append(points[keep])
            lost.append(gone[keep])
            sizes.append(mine.size)
        if not parts:
            return {}
        if isinstance(parts[0], ChangedPoints):
            points = ChangedPoints(np.concatenate([p.where for p in parts]),
                                   np.concatenate([p.values for p in parts]))  # fmt: skip
            where = points.values - self.theta[points.where]
        else:  # one entry, or a tensor along a unit direction: the step is the length
            points = np.concatenate(parts)
            where = np.linalg.norm(points - self.theta, axis=1)
        gone = np.concatenate(lost)
        with np.errstate(invalid="ignore", over="ignore"):
            changes = np.where(gone, 0.0, self._losses(points) - self.loss)
        made = np.where(gone, 0.0, np.abs(where))
        found, start = {}, 0
        for factor, k in zip(factors, sizes, strict=True):
            part = slice(start, start + 2 * k)
            start += 2 * k
            change, step = changes[part], made[part]
            found[factor] = (change[:k], change[k:], step[:k], step[k:])
        return found

    def _find_kinks(self, rows_for, epsilon, analytic, plus, minus, numeric, vanished,
                    kink, undecided) -> np.ndarray | None:  # fmt: skip
        """Mark (in place) the disagreeing entries a kink inside ±ε explains (module doc);
        returns where the refined window explaining one is not below its disagreement."""
        tolerances = self._tolerances
        window = step_atol(tolerances, epsilon) + tolerances.rtol * np.abs(analytic)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            chosen = np.flatnonzero((np.abs(numeric - analytic) > window) & ~vanished)
        if chosen.size == 0:
            return None
        small = epsilon[chosen] / REFINE
        plus2, minus2 = self._refined_changes(rows_for, chosen, small, epsilon.size)
        a = analytic[chosen]
        # the refined step's own window: its round-off floor is REFINE times higher, its
        # truncation REFINE² times lower
        refined = recommended_tolerances(
            self.precision, self.loss, self.epsilon_base / REFINE, self.measured_roundoff,
            self.magnitude,
        )  # fmt: skip
        wide = step_atol(refined, small * self.epsilon_base / tolerances.epsilon)
        wide = wide + refined.rtol * np.abs(a)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            central = (plus2 - minus2) / (2 * small)
            right, left = plus[chosen] / epsilon[chosen], -minus[chosen] / epsilon[chosen]
            right2, left2 = plus2 / small, -minus2 / small
            share = small / (epsilon[chosen] - small)
            right0 = right2 + (right2 - right) * share  # one-sided slopes, extrapolated to 0
            left0 = left2 + (left2 - left) * share
            agrees = np.abs(central - a) <= wide
            agrees |= np.minimum(np.abs(right0 - a), np.abs(left0 - a)) <= wide
            # a one-sided ΔL that keeps half of itself over a 16× smaller step does not
            # shrink like a slope times the step: a jump, which no gradient explains (the
            # second look, ``reexamine``, decides it with more steps)
            floor = 10 * unit_roundoff(self.precision) * max(1.0, abs(self.loss))
            floor = max(floor, 10 * self.measured_roundoff)
            floor += NOISE_WIDTH * self.noise_sigma
            jump = np.zeros(chosen.size, dtype=bool)
            for wide_change, small_change in ((plus[chosen], plus2), (minus[chosen], minus2)):
                kept = np.abs(small_change)
                jump |= (kept > floor) & (kept >= JUMP_SHARE * np.abs(wide_change))
        agrees &= ~jump
        # and, for a loss coarser than the float64 check or measured to round coarser (a
        # float32 part: review14p C4), agreeing at ε/16 may be chance: a kink must show,
        # one-sided slopes whose difference does not shrink with the step (review9k HIGH-5)
        plain = unit_roundoff(self.precision) * max(1.0, abs(self.loss))
        coarse_part = self.measured_roundoff > plain
        if (self.dtype == "float64" and self.precision != "float64") or coarse_part:
            roundoff = max(plain, self.measured_roundoff)
            agrees &= kink_evidence.evidenced(
                plus[chosen], minus[chosen], epsilon[chosen], plus2, minus2, small, roundoff,
                NOISE_WIDTH * self.noise_sigma,
            )  # fmt: skip
        # with a measured round-off above u·|L| (large terms that cancel), a refined window
        # over half the disagreement the first ε saw explains nothing (that round-off, not
        # a kink): the second look (``reexamine``) decides those entries
        if coarse_part:
            with np.errstate(invalid="ignore"):
                agrees &= 2 * wide < np.abs(numeric[chosen] - a)
        decided = wide < 0.5 * np.abs(a)
        kink[chosen] = agrees & decided
        undecided[chosen] = agrees & ~decided
        weak = np.zeros(epsilon.size, dtype=bool)
        with np.errstate(invalid="ignore"):
            weak[chosen] = agrees & decided & (wide >= np.abs(numeric[chosen] - a))
        return weak

    def _refined_changes(self, rows_for, chosen, small, total):
        """ΔL± of the ``chosen`` entries (of a chunk of ``total``) at the steps ±small."""
        steps = np.zeros(total)
        steps[chosen] = small
        points, lost = rows_for(np.concatenate([steps, -steps]))
        keep = np.concatenate([chosen, total + chosen])
        points, lost = points[keep], lost[keep]
        losses = self._losses(points)
        with np.errstate(invalid="ignore", over="ignore"):
            changes = np.where(lost, 0.0, losses - self.loss)
        return changes[: chosen.size], changes[chosen.size :]
