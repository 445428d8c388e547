"""The ε sweep: every scheme's estimate and error at many ε, in the dtype being studied.

For a function objective, w0 and each ε are rounded to the dtype and w0 ± ε is formed there,
so a perturbation below the dtype's resolution really vanishes (w0 + ε == w0) and the loss
at that point is the loss at w0. The losses are evaluated in the dtype; the difference
quotients are then taken in float64 with the nominal ε, as a person dividing the losses
their framework printed would do. The result also carries the theory guides (truncation
≈ |L''|·ε/2 one-sided, |L'''|·ε²/6 central; round-off ≈ u·|L|/ε), the empirical best ε of
each scheme, the rule-of-thumb ε and the independent references.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from fdgui.core.errors import numeric_failures
from fdgui.core.numbers import format as numbers
from fdgui.core.numbers import precision
from fdgui.core.numbers.parsing import InputError
from fdgui.core.sweep.loss_format import loss_roundoff, measured_floor
from fdgui.core.sweep.objectives import EntryObjective, MeasuredObjective
from fdgui.core.sweep.references import (
    FLOAT64_ROUNDOFF,
    ReferenceValue,
    complex_step,
    richardson,
    richardson_steps,
)

SCHEMES: tuple[str, ...] = ("central", "forward", "backward")
DEFAULT_MIN = 1e-16
DEFAULT_MAX = 1.0
DEFAULT_POINTS = 400
MAX_POINTS = 5000
RELATIVE_FLOOR = 1e-8  # the seed's max(|n|, |a|, 1e-8) in the relative error
FLOAT64_SEED_BAND = (1e-7, 1e-4)  # the seed's "1e-4 to 1e-7": a float64 rule of thumb

FunctionObjective = EntryObjective
COMPLEX_TERM_ULPS = 64.0  # a complex step's round-off, in u times the derivative's terms
SMALLEST = 5e-324  # the smallest float64 above 0: no bar below it is honest for a float
VALUE_TERM_ULPS = 16.0  # a float64 value's round-off, in u times the size of its terms


@dataclass(frozen=True)
class SweepSettings:
    """What to sweep over: dtype and the log-spaced ε grid."""

    dtype: str = "float64"
    epsilon_min: float = DEFAULT_MIN
    epsilon_max: float = DEFAULT_MAX
    points: int = DEFAULT_POINTS

    def validate(self) -> None:
        """Raise InputError naming the field: dtype, min, max or points."""
        try:
            precision.check_dtype_name(self.dtype)
        except ValueError as error:
            raise InputError("dtype", str(error)) from None
        low, high = self.epsilon_min, self.epsilon_max
        if not (np.isfinite(low) and low > 0):
            raise InputError("min", "the smallest ε must be a positive number")
        if not (np.isfinite(high) and high > 0):
            raise InputError("max", "the largest ε must be a positive number")
        if high <= low:
            raise InputError(
                "max",
                f"the largest ε ({numbers.significant(high, 6)}) must exceed the smallest "
                f"({numbers.significant(low, 6)})",
            )
        if high > precision.LARGEST_EPSILON:
            raise InputError("max", "the largest ε is at most 1e6")
        largest = precision.largest_finite(self.dtype)
        if high > largest:  # it would become inf in the dtype
            raise InputError(
                "max",
                f"the largest ε ({numbers.significant(high, 6)}) is beyond {self.dtype}'s "
                f"largest number ({numbers.significant(largest, 6)})",
            )
        if low < precision.SMALLEST_EPSILON:
            raise InputError("min", f"the smallest ε is at least {precision.SMALLEST_EPSILON:g}")
        if isinstance(self.points, bool) or not isinstance(self.points, int | np.integer):
            raise InputError("points", "enter a whole number of points")
        if not 3 <= self.points <= MAX_POINTS:
            raise InputError("points", f"choose between 3 and {MAX_POINTS} points")

    def grid(self) -> np.ndarray:
        return np.logspace(np.log10(self.epsilon_min), np.log10(self.epsilon_max), self.points)


@dataclass(frozen=True)
class SchemeCurve:
    """One scheme across the grid, with its empirical best ε."""

    name: str
    epsilons: np.ndarray
    estimates: np.ndarray  # nan where a loss was not finite (a gap, not a crash)
    errors: np.ndarray  # |estimate − reference|, nan without a reference
    relative_errors: np.ndarray  # |n − a| / max(|n|, |a|, 1e-8)
    best_index: int | None
    truncation_guide: np.ndarray | None  # theory: |L''|ε/2 or |L'''|ε²/6

    @property
    def best_epsilon(self) -> float | None:
        return None if self.best_index is None else float(self.epsilons[self.best_index])

    @property
    def best_estimate(self) -> float | None:
        return None if self.best_index is None else float(self.estimates[self.best_index])

    @property
    def best_relative_error(self) -> float | None:
        return None if self.best_index is None else float(self.relative_errors[self.best_index])

    @property
    def best_error(self) -> float | None:
        return None if self.best_index is None else float(self.errors[self.best_index])


@dataclass(frozen=True)
class SweepResult:
    """Everything the plots, the readout, the CLI and the diagnosis need."""

    label: str
    kind: str  # "expression", "network", "measured"
    dtype: str
    point: float | None  # w0 as rounded to the dtype (None for measured rows)
    epsilons: np.ndarray
    loss: float  # L at w0 in the dtype (median of typed L for measured rows)
    loss_values: np.ndarray  # L per ε (constant for a function)
    loss_plus: np.ndarray
    loss_minus: np.ndarray
    vanished: np.ndarray  # w0 ± ε rounded back to w0 (function) / L+ == L− == L (measured)
    curves: dict[str, SchemeCurve]
    reference: ReferenceValue | None  # the gradient under check; errors are against it
    references: tuple[ReferenceValue, ...]  # everything known, including independent ones
    unit_roundoff: float
    roundoff_floor: np.ndarray  # u·|L|/ε
    curvature: float | None  # L'' estimate (float64), for the one-sided guide
    third_derivative: float | None  # L''' estimate, for the central guide
    rule_of_thumb: dict[str, float]  # u^(1/3)·max(1,|w|) central, u^(1/2)·max(1,|w|) one-sided
    spacing: float | None  # the dtype's gap at w0
    smooth: bool = True  # no kinks possible (analytic expression, tanh/sigmoid network)
    seconds: float = 0.0
    # per ε: a branch of the expression (abs, relu, maximum, minimum) differs at w ± ε from
    # the one at w; None when the model cannot tell (not an expression)
    switched: np.ndarray | None = None
    has_checked: bool = True  # references[0] is the gradient under check
    source_note: str = ""  # measured rows: the format their losses came from
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def central(self) -> SchemeCurve:
        return self.curves["central"]

    @property
    def forward(self) -> SchemeCurve:
        return self.curves["forward"]

    @property
    def backward(self) -> SchemeCurve:
        return self.curves["backward"]

    def best_epsilon(self, scheme: str) -> float | None:
        curve = self.curves[scheme]
        return None if curve.best_index is None else float(self.epsilons[curve.best_index])

    def independent_references(self) -> tuple[ReferenceValue, ...]:
        """Every reference that is not the gradient under check (whatever its status)."""
        return self.references[1:] if self.has_checked else self.references

    def trusted_references(self) -> tuple[ReferenceValue, ...]:
        """Independent references with a finite error bar that bounds them, tightest first."""
        trusted = [r for r in self.independent_references() if r.trusted]
        return tuple(sorted(trusted, key=lambda r: float(r.error or 0.0)))

    def predicted_error(self, scheme: str = "central", gradient: float | None = None) -> np.ndarray:
        """What a correct gradient's finite difference may be off by at each ε (absolute).

        Round-off in the losses (u·|L|/ε), the rounding of w ± ε to the dtype (the step taken
        differs from ε by up to one gap at w, which shifts the quotient by |L'|·gap/ε, plus the
        rounding of ε itself, |L'|·u) and truncation (the theory guide).
        """
        if gradient is None:
            gradient = 0.0 if self.reference is None else self.reference.value
        slope = abs(float(gradient))
        gap = self.spacing or 0.0
        guide = self.curves[scheme].truncation_guide
        with np.errstate(all="ignore"):
            predicted = self.roundoff_floor + slope * (gap / self.epsilons + self.unit_roundoff)
            if guide is not None:
                predicted = predicted + np.where(np.isfinite(guide), guide, 0.0)
            if scheme == "central" and "measured_truncation" in self.extras:  # guides.py
                predicted = predicted + self.extras["measured_truncation"]
        return predicted

    def regime(self, index: int, scheme: str = "central") -> str:
        """Which error dominates at grid point ``index``: 'vanished', 'round-off',
        'truncation', 'balanced' (near the best ε) or 'unknown'."""
        if self.vanished[index]:
            return "vanished"
        curve = self.curves[scheme]
        if not np.isfinite(curve.estimates[index]):
            return "unknown"
        if curve.best_index is not None and not self.best_at_edge(scheme):
            ratio = self.epsilons[index] / self.epsilons[curve.best_index]
            if 1 / 3 <= ratio <= 3:  # the measured bottom of the V wins over the guides
                return "balanced"
        floor = float(self.roundoff_floor[index])
        guide = None if curve.truncation_guide is None else float(curve.truncation_guide[index])
        if guide is not None and np.isfinite(guide) and guide > 0:
            if floor > 10.0 * guide:
                return "round-off"
            if guide > 10.0 * floor:
                return "truncation"
            return "balanced"
        if curve.best_index is None:
            return "unknown"
        ratio = self.epsilons[index] / self.epsilons[curve.best_index]
        if ratio < 1 / 3:
            return "round-off"
        if ratio > 3:
            return "truncation"
        return "balanced"

    def best_at_edge(self, scheme: str = "central") -> str | None:
        """'low' or 'high' when the best ε is at an end of the usable range (the V's bottom
        may lie outside it), else None."""
        curve = self.curves[scheme]
        usable = np.flatnonzero(~self.vanished & np.isfinite(curve.estimates))
        if curve.best_index is None or usable.size == 0:
            return None
        margin = max(1, round(0.03 * usable.size))
        if curve.best_index <= usable[0] + margin:
            return "low"
        if curve.best_index >= usable[-1] - margin:
            return "high"
        return None

    def index_of(self, epsilon: float) -> int:
        """The grid point nearest to ``epsilon`` on the log scale."""
        return int(np.argmin(np.abs(np.log(self.epsilons) - np.log(epsilon))))


def relative_error(numeric: np.ndarray, analytic: float) -> np.ndarray:
    """|n − a| / max(|n|, |a|, 1e-8), elementwise; nan stays nan."""
    numeric = np.asarray(numeric, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        scale = np.maximum(np.maximum(np.abs(numeric), abs(analytic)), RELATIVE_FLOOR)
        return np.abs(numeric - analytic) / scale


def _scale(values: np.ndarray, reference: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.maximum(np.maximum(np.abs(values), abs(reference)), 1e-300)


SMOOTHING_WINDOW = 7  # grid points in the running median that finds the bottom of the V


def _best_index(relative: np.ndarray, usable: np.ndarray) -> int | None:
    """The bottom of the V: the smallest running median of log error (window of 7 points), so
    a single lucky cancellation deep in the round-off region is not called the best ε."""
    valid = usable & np.isfinite(relative)
    if not valid.any():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(valid, np.log10(np.maximum(relative, 1e-300)), np.inf)
    if logs.size >= SMOOTHING_WINDOW:
        half = SMOOTHING_WINDOW // 2
        padded = np.pad(logs, half, constant_values=np.inf)  # unusable neighbours count as bad
        windows = np.lib.stride_tricks.sliding_window_view(padded, SMOOTHING_WINDOW)
        smoothed = np.partition(windows, half, axis=1)[:, half]
        smoothed = np.where(valid, smoothed, np.inf)
        if not np.isfinite(smoothed).any():  # too few usable points for a running median
            smoothed = logs
    else:
        smoothed = logs
    centre = int(np.argmin(smoothed))
    low, high = max(0, centre - SMOOTHING_WINDOW // 2), centre + SMOOTHING_WINDOW // 2 + 1
    nearby = np.where(valid[low:high], relative[low:high], np.inf)
    return low + int(np.argmin(nearby))  # the best actual point at the bottom of the V


def _curves(
    epsilons: np.ndarray,
    loss_values: np.ndarray,
    loss_plus: np.ndarray,
    loss_minus: np.ndarray,
    estimates: dict[str, np.ndarray] | None,
    reference: float | None,
    usable: np.ndarray,
    guides: dict[str, np.ndarray | None],
    best_by: float | None = None,
) -> dict[str, SchemeCurve]:
    """Each scheme's estimates and their errors against ``reference`` (the gradient under
    check); the best ε is the bottom of the V against ``best_by`` (a trusted independent
    reference) when there is one: never chosen by closeness to the claim under check."""
    target = reference if best_by is None else best_by
    with np.errstate(all="ignore"):
        if estimates is None:
            estimates = {
                "central": (loss_plus - loss_minus) / (2.0 * epsilons),
                "forward": (loss_plus - loss_values) / epsilons,
                "backward": (loss_values - loss_minus) / epsilons,
            }
        moved = (loss_plus != loss_values) | (loss_minus != loss_values)
        changes = {  # for a gradient of 0, L+ == L− ≠ L (a symmetric loss) still measures
            "central": (loss_plus != loss_minus) if target else moved,
            "forward": loss_plus != loss_values,
            "backward": loss_values != loss_minus,
        }
        curves: dict[str, SchemeCurve] = {}
        for name in SCHEMES:
            values = np.where(np.isfinite(estimates[name]), estimates[name], np.nan)
            if reference is None:
                errors = np.full_like(values, np.nan)
                relative = np.full_like(values, np.nan)
            else:
                errors = np.abs(values - reference)
                relative = relative_error(values, reference)
            curves[name] = SchemeCurve(
                name,
                epsilons,
                values,
                errors,
                relative,
                # a point where the loss did not change (w ± ε rounded to w, or the change
                # lost in round-off) measures nothing: no candidate for the best ε (unless
                # none changed); the V's bottom by the error relative to the gradient itself
                # (the seed's 1e-8 floor would make every estimate of a tiny one look equal)
                _best_index(
                    relative
                    if target is None
                    else np.abs(values - target) / _scale(values, target),
                    usable & changes[name] if target or (usable & changes[name]).any() else usable,
                ),
                guides.get(name),
            )
    return curves


def _best_by(references: tuple[ReferenceValue, ...], has_checked: bool) -> float | None:
    """The tightest trusted independent reference's value (what the best ε is judged by)."""
    independent = references[1:] if has_checked else references
    trusted = [r for r in independent if r.trusted]
    if not trusted:
        return None
    return min(trusted, key=lambda r: float(r.error or 0.0)).value


def check_point(w: float, dtype: str) -> None:
    """Raise InputError('point') when w0 does not fit in the dtype (it would become inf)."""
    largest = precision.largest_finite(dtype)
    if not np.isfinite(w) or abs(w) > largest:
        raise InputError(
            "point",
            f"w0 = {numbers.significant(w, 6)} does not fit in {dtype}: its largest number is "
            f"{numbers.significant(largest, 6)}",
        )


def check_dtype(objective: FunctionObjective, dtype: str) -> None:
    """Raise InputError('dtype') when the model cannot evaluate its loss in ``dtype``."""
    dtypes = objective.model.dtypes
    if dtype not in dtypes:
        raise InputError(
            "dtype", f"{objective.model.label} evaluates in {', '.join(dtypes)}, not {dtype}"
        )


def _round_point(w: float, dtype: str) -> float:
    return float(np.asarray(w, dtype=np.float64).astype(precision.numpy_dtype(dtype)))


def perturbed_points(w: float, epsilons: np.ndarray, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """w ± ε formed in ``dtype`` (both operands rounded to it first), returned as float64."""
    numpy_dtype = precision.numpy_dtype(dtype)
    with np.errstate(over="ignore"):  # w ± ε beyond the dtype is inf: a non-finite point
        w_cast = np.asarray(w, dtype=np.float64).astype(numpy_dtype)
        eps_cast = np.asarray(epsilons, dtype=np.float64).astype(numpy_dtype)
        plus = (w_cast + eps_cast).astype(numpy_dtype).astype(np.float64)
        minus = (w_cast - eps_cast).astype(numpy_dtype).astype(np.float64)
    return plus, minus


def _expression_text(objective: FunctionObjective) -> str | None:
    """The expression's text when the objective is a typed expression in w, else None."""
    model = getattr(objective, "model", None)
    if getattr(model, "kind", None) == "expression" and hasattr(model, "expression"):
        return model.expression.text
    return None


def function_references(
    objective: FunctionObjective, w: float | None = None, dtype: str = "float64"
) -> tuple[ReferenceValue, ...]:
    """The checked gradient first, then every reference at w (default w0; the sweep passes
    w0 rounded to the dtype studied, the point the finite differences really see).

    An expression's analytic derivative is evaluated in extended precision with an error bar
    (core/sweep/extended.py); a derivative typed by a person is then the checked gradient and
    the analytic one an independent reference. Complex step (where it applies) and
    Richardson (float64) follow. References that are undefined or unconverged are kept with
    their status: shown as such, never used to judge.
    """
    w = objective.point if w is None else float(w)
    text = _expression_text(objective)
    references: list[ReferenceValue] = []
    if text is not None:
        from fdgui.core.sweep import extended, typed

        analytic = extended.analytic_reference(text, w, dtype)  # the dtype's constants, ties
        typed_text = getattr(objective.model, "typed_gradient", None)
        if typed_text is not None:  # the checked gradient first
            typed_w = getattr(objective.model, "typed_point", None) or objective.point
            references.append(typed.typed_derivative(typed_text, w, dtype, text, typed_w))
        references.append(analytic)
    elif objective.model.has_gradient:  # without one: estimates only (has_checked False)
        references.append(objective.checked_gradient())
    # overflow and 0/0 near w make non-finite values (kept with their status): no warnings
    if objective.supports_complex_step:
        with (
            np.errstate(all="ignore"),
            numeric_failures(ValueError, FloatingPointError, OverflowError),
        ):
            stepped = complex_step(objective.losses_complex, w)
            if text is not None:  # where terms cancel, round-off follows their magnitude
                from fdgui.core.sweep import extended

                magnitude = extended.derivative_magnitude(text, w)
                if magnitude is not None and stepped.error is not None:
                    floor = COMPLEX_TERM_ULPS * 2.0**-53 * magnitude
                    # the rounding of intermediate arguments (c + w at |w| = 700) moves the
                    # point the derivative is taken at: |L''| times their size times u
                    size = extended.value_magnitude(text, w)
                    second, _ = extended.higher_derivatives(text, w)
                    if size is not None and second is not None:
                        floor += 4.0 * 2.0**-53 * abs(second) * max(size, abs(w))
                    stepped = replace(stepped, error=max(stepped.error, floor, SMALLEST))
            references.append(stepped)
    with np.errstate(all="ignore"), numeric_failures(ValueError, OverflowError):  # a probe's
        floor = 0.0  # failure (killed, timed out, its code raised) is the sweep's, not 'none here'
        if text is not None:  # round-off follows the size of the terms, not of the value
            from fdgui.core.sweep import extended

            # the size of the terms at w and at the farthest points Richardson evaluates
            reach = float(richardson_steps(w)[0])
            sizes = [extended.value_magnitude(text, x) for x in (w, w - reach, w + reach)]
            known = [x for x in sizes if x is not None]
            floor = VALUE_TERM_ULPS * 2.0**-53 * max(known) if known else 0.0
        coarse = loss_roundoff(objective)  # a probe's loss in float32: its round-off
        floor = max(floor, measured_floor(objective, w, coarse or FLOAT64_ROUNDOFF))
        extrapolated = richardson(
            lambda values: objective.losses(values, "float64"), w, floor=floor,
            unit_roundoff=coarse or FLOAT64_ROUNDOFF,
        )  # fmt: skip
        from fdgui.core.sweep.richardson_trust import checked_richardson

        # a kink, jump or pole in its steps; a bar that misses the exact derivative
        extrapolated = checked_richardson(objective, text, w, extrapolated, floor)
        if extrapolated.error is not None and np.isfinite(extrapolated.error):
            # a bar of exactly 0 is only honest for an exact result: at least one subnormal
            extrapolated = replace(extrapolated, error=max(extrapolated.error, SMALLEST))
        references.append(extrapolated)
    return tuple(references)


@dataclass
class _Cache:
    """References and guides depend on the objective and the point (w0 rounded to the
    dtype), not on the grid.

    Each entry keeps its objective alive, so a key made from an object's id (a model that
    knows no better name for itself) can never be reused by another object while cached.
    """

    entries: dict[Any, tuple[Any, tuple[ReferenceValue, ...], float | None, float | None]] = field(
        default_factory=dict
    )

    def get(self, objective: FunctionObjective, w: float | None = None, dtype: str = "float64"):
        key = (objective.cache_key, w, dtype if w is not None else None)
        if key not in self.entries:
            if len(self.entries) > 16:
                self.entries.pop(next(iter(self.entries)))
            from fdgui.core.sweep.guides import derivative_guides

            references = function_references(objective, w, dtype if w is not None else "float64")
            self.entries[key] = (objective, references, *derivative_guides(objective, w))
        return self.entries[key][1:]


REFERENCE_CACHE = _Cache()


def sweep_steps(
    objective: FunctionObjective | MeasuredObjective,
    settings: SweepSettings,
    *,
    chunk: int | None = None,
) -> Generator[tuple[float, str], None, SweepResult]:
    """The sweep as a generator job: yields (fraction, message), returns a SweepResult.

    ``chunk`` splits the loss evaluations into pieces so that each piece is a cancel point.
    """
    import time

    started = time.perf_counter()
    if objective.rows is not None:  # a model of measured rows: nothing to evaluate
        from fdgui.core.sweep.measured import _measured_sweep

        result = _measured_sweep(objective, settings.dtype)  # type: ignore[arg-type]
        yield 1.0, "measured rows"
        return result
    settings.validate()
    dtype = settings.dtype
    check_dtype(objective, dtype)
    check_point(objective.point, dtype)
    epsilons = settings.grid()
    yield 0.0, "references"
    w0 = _round_point(objective.point, dtype)
    # an expression is studied at w0 rounded to the dtype (its derivative can be evaluated
    # anywhere); any other model's gradient under check is at θ0, so its references are too
    at = w0 if _expression_text(objective) is not None else None
    references, curvature, third = REFERENCE_CACHE.get(objective, at, dtype)
    plus, minus = perturbed_points(objective.point, epsilons, dtype)
    values = np.concatenate([[w0], plus, minus])
    unique, inverse = np.unique(values, return_inverse=True)
    losses = np.empty(unique.size, dtype=np.float64)
    step = unique.size if not chunk else max(1, int(chunk))
    for start in range(0, unique.size, step):
        losses[start : start + step] = objective.losses(unique[start : start + step], dtype)
        yield min(0.95, (start + step) / unique.size), "evaluating the loss"
    all_losses = losses[inverse]
    count = epsilons.size
    loss = float(all_losses[0])
    loss_plus, loss_minus = all_losses[1 : count + 1], all_losses[count + 1 :]
    vanished = (plus == w0) & (minus == w0)
    text = _expression_text(objective)
    switched = None
    if text is not None and not objective.smooth:
        from fdgui.core.sweep import extended

        switched = extended.switched(text, w0, plus, minus, dtype, skip_removable=True)
    result = _assemble(
        label=objective.label,
        kind=objective.kind,
        dtype=dtype,
        point=w0,
        epsilons=epsilons,
        loss=loss,
        loss_values=np.full(count, loss),
        loss_plus=loss_plus,
        loss_minus=loss_minus,
        vanished=vanished,
        estimates=None,
        references=references,
        curvature=curvature,
        third=third,
        started=started,
        smooth=objective.smooth,
        switched=switched,
        has_checked=text is not None or objective.model.has_gradient,
        unit_roundoff=loss_roundoff(objective) if dtype == "float64" else None,
    )
    from fdgui.core.sweep.noise import with_noise  # a loss that varies from call to call
    from fdgui.core.sweep.straddle import judged_references  # steps across kinks, bars that miss

    return judged_references(with_noise(result, objective))


def run_sweep(
    objective: FunctionObjective | MeasuredObjective,
    settings: SweepSettings | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> SweepResult:
    """Drive :func:`sweep_steps` to the end on this thread."""
    from fdgui.core.jobs import drive

    return drive(sweep_steps(objective, settings or SweepSettings()), progress)


def _assemble(
    *,
    label: str,
    kind: str,
    dtype: str,
    point: float | None,
    epsilons: np.ndarray,
    loss: float,
    loss_values: np.ndarray,
    loss_plus: np.ndarray,
    loss_minus: np.ndarray,
    vanished: np.ndarray,
    estimates: dict[str, np.ndarray] | None,
    references: tuple[ReferenceValue, ...],
    curvature: float | None,
    third: float | None,
    started: float,
    smooth: bool,
    has_checked: bool = True,
    switched: np.ndarray | None = None,
    unit_roundoff: float | None = None,
    source_note: str = "",
    row_noise: np.ndarray | None = None,
) -> SweepResult:
    import time

    u = precision.unit_roundoff(dtype) if unit_roundoff is None else unit_roundoff
    reference = references[0] if references and has_checked else None
    with np.errstate(all="ignore"):
        floor = np.maximum(u * np.abs(loss_values), precision.subnormal_gap(dtype, u)) / epsilons
        if row_noise is not None:  # measured rows: their own ± (format and printed digits)
            floor = np.maximum(floor, row_noise)
        guides: dict[str, np.ndarray | None] = {"central": None, "forward": None, "backward": None}
        if third is not None and third != 0:
            guides["central"] = abs(third) * epsilons**2 / 6.0
        if curvature is not None and curvature != 0:
            guides["forward"] = guides["backward"] = abs(curvature) * epsilons / 2.0
    usable = ~vanished
    curves = _curves(
        epsilons,
        loss_values,
        loss_plus,
        loss_minus,
        estimates,
        None if reference is None else reference.value,
        usable,
        guides,
        _best_by(references, has_checked),
    )
    scale = max(1.0, abs(point)) if point is not None else 1.0
    rule = {
        "central": max(u, 2.0**-53) ** (1 / 3) * scale,
        "forward": max(u, 2.0**-53) ** (1 / 2) * scale,
        "backward": max(u, 2.0**-53) ** (1 / 2) * scale,
    }
    spacing = precision.spacing_at(point, dtype) if point is not None else None
    return SweepResult(
        label=label,
        kind=kind,
        dtype=dtype,
        point=point,
        epsilons=epsilons,
        loss=loss,
        loss_values=loss_values,
        loss_plus=loss_plus,
        loss_minus=loss_minus,
        vanished=vanished,
        curves=curves,
        reference=reference,
        references=references,
        unit_roundoff=u,
        roundoff_floor=floor,
        curvature=curvature,
        third_derivative=third,
        rule_of_thumb=rule,
        spacing=spacing,
        smooth=smooth,
        seconds=time.perf_counter() - started,
        switched=switched,
        has_checked=has_checked,
        source_note=source_note,
    )
