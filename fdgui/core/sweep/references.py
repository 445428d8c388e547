"""Reference derivatives that do not share finite differences' weaknesses.

- **Complex step**: for a function that is analytic along the real axis,
  f'(w) = Im f(w + ih) / h + O(h²) with no subtraction at all, so h can be 1e-20 and the result
  is exact to round-off. It needs the function to accept complex numbers (expressions built
  from analytic functions; a network with tanh or sigmoid).
- **Richardson extrapolation**: central differences D(h) at a geometric sequence of steps are
  combined in a Neville tableau in h², which cancels the h², h⁴, … error terms one by one.
  The smallest steps must show the h² law (successive differences shrinking by the step
  ratio squared); if not, the steps are too large for the function's scale and are cut
  (a few times at most), else the value is flagged unreliable with an infinite error bar.
  The entry with the smallest estimated error is returned; the estimate is the larger of the
  differences to its two tableau neighbours (times a safety factor), plus the round-off the
  tableau carries forward from each D(h). It needs only real evaluations.

Both return a :class:`ReferenceValue` with the number of function evaluations used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from fdgui.core.numbers import format as numbers

FLOAT64_ROUNDOFF = 2.0**-53
COMPLEX_STEP = 1e-20
RICHARDSON_LEVELS = 7  # 7 step sizes, 14 evaluations
RICHARDSON_RATIO = 2.0
# Largest step, as a multiple of u^(1/(2·levels+1)): where the highest-order truncation term
# and round-off balance. Measured on the benchmark set (benchmarks/bench_richardson.py).
RICHARDSON_STEP_FACTOR = 0.73
SAFETY = 2.0  # multiplies the tableau-difference error estimate
FUNCTION_ULPS = 4.0  # round-off assumed in each function value, in units of u·|f|


@dataclass(frozen=True)
class ReferenceValue:
    """One reference derivative: how it was obtained, its value and (if known) an error bar."""

    method: str  # "analytic", "backprop", "complex step", "Richardson"
    value: float
    error: float | None = None  # absolute error estimate, None when not estimated
    evaluations: int = 0
    note: str = ""
    # "ok"; "unconverged" (no honest bound: never used to judge); "unavailable" (not
    # computed: its time or memory budget, the note says why); "undefined" (no real
    # derivative here); "kink" (no two-sided derivative: ``sides`` holds the one-sided ones)
    status: str = "ok"
    sides: tuple[float | None, float | None] | None = None
    span: float | None = None  # the largest distance from w the reference evaluated at
    least: float | None = None  # the smallest step a Richardson reference extrapolated from
    # what dominates the bar ("truncation" or "round-off"), or keeps an unconverged one from
    # any bound; None where not read (measured rows' Richardson sets it)
    limit: str | None = None
    # the part of the bar that is room for a kink the rows cannot rule out (measured rows)
    kink: float | None = None
    # that room read from L+ + L− alone (a loss at w too coarse to narrow it): it assumes
    # one kink between w and the smallest ε, as rows with no loss at w do
    one_kink: bool = False
    # the bar without that room: what the rows resolve if no kink lies near w
    without_room: float | None = None
    # the largest ε of the measured rows it extrapolated from (their run of the h² law)
    largest: float | None = None

    @property
    def trusted(self) -> bool:
        """Usable to judge by: a finite value with a finite error bar."""
        return (
            self.status == "ok"
            and np.isfinite(self.value)
            and self.error is not None
            and bool(np.isfinite(self.error))
        )

    @property
    def shown_status(self) -> str:
        """The status as the text, the window and JSON give it: an "ok" reference whose bar
        came out infinite has no bound and never judges, so it is "unconverged" (cosh at
        710: the complex step's and Richardson's bars overflow; review10i M8)."""
        if self.status == "ok" and self.error is not None and not np.isfinite(self.error):
            return "unconverged"
        return self.status

    @property
    def relative_error_estimate(self) -> float | None:
        if self.error is None:
            return None
        return self.error / max(abs(self.value), 1e-300)


# the note of a measured rows' reference whose bar is mostly room for a kink near w
ROOM_NOTE = "; most of its ± is the room for a kink between w and the smallest ε"

NOISE_POINTS = 9  # samples a local round-off estimate is read from
NOISE_SPACING = 1e-8  # their spacing, relative to max(1, |w|)
NOISE_SAFETY = 3.0


def noise_level(values: np.ndarray) -> float:
    """The largest deviation of equally spaced samples from the quadratic through them.

    Sampled at points far closer together than the function's own scale, a smooth function
    is a quadratic to many digits; what is left is round-off, including the rounding of
    intermediate results inside the function (1e8 + w, 1 − cos w), which u·|f| misses.
    """
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    if finite.sum() < 4:
        return 0.0  # undefined beside w: only the u·|f| model is left
    k = np.arange(values.size, dtype=np.float64) - (values.size - 1) / 2
    centre = values[finite][finite.sum() // 2]
    with np.errstate(all="ignore"):
        coefficients = np.polyfit(k[finite], values[finite] - centre, 2)
        residual = values[finite] - centre - np.polyval(coefficients, k[finite])
    return float(np.max(np.abs(residual)))


def noise_points(w: float) -> np.ndarray:
    offsets = np.arange(NOISE_POINTS, dtype=np.float64) - (NOISE_POINTS - 1) / 2
    # close enough that a function varying on a scale of 1e-6 is still a quadratic there, far
    # enough apart (64 ulps at least) that the samples are different numbers
    spacing = float(np.spacing(abs(w))) if np.isfinite(w) else 0.0
    return w + offsets * max(NOISE_SPACING, 64.0 * spacing)


COMPLEX_ULPS = 16.0  # round-off of a complex-step quotient through a few dozen operations
COMPLEX_CHECK_STEP = 1e-15  # a second, larger step: an analytic f gives the same quotient
COMPLEX_AGREEMENT = 1e-6


def complex_step(
    function: Callable[[np.ndarray], np.ndarray], w: float, step: float = COMPLEX_STEP
) -> ReferenceValue:
    """f'(w) ≈ Im f(w + i·h)/h with h = 1e-20: exact to round-off, no cancellation.

    ``function`` takes a complex128 array and returns a complex array. Valid only for
    functions analytic near w (no abs, max, relu, comparisons). Raises ValueError where it
    does not apply: f(w) itself not finite (log at 0), or f not analytic at w, seen as the
    quotient changing with h (sqrt at 0, where Im f(i·h)/h grows like h^(-1/2)).
    """
    scale = max(1.0, abs(float(w)))
    # w + i·h needs no cancellation, so h need not grow with |w| (a larger h would add an
    # h²·f'''/6 error, e.g. 2e-11 relative for sin at 1e15 with h = 1e-5)
    h = step
    # the second step stays small in absolute terms: an analytic f's quotient changes by
    # about |f'''/f'|·h²/6, negligible for h ≤ 1e-8 unless f varies on a scale below 1e-5
    check = min(COMPLEX_CHECK_STEP * scale, 1e-8)
    with np.errstate(all="ignore"):
        values = np.asarray(
            function(np.array([complex(w, h), complex(w, check), complex(w, 0.0)])),
            dtype=np.complex128,
        ).ravel()
    at_w = values[2]
    if not (np.isfinite(at_w.real) and np.isfinite(values[0].imag)):
        raise ValueError("complex step: f(w) is not finite at w")
    derivative = values[0].imag / h
    second = values[1].imag / check
    if not np.isfinite(derivative) or abs(derivative - second) > COMPLEX_AGREEMENT * max(
        abs(derivative), abs(second), 1e-300
    ):
        raise ValueError("complex step: f is not analytic at w (the quotient depends on h)")
    # round-off, plus what the quotient still changes between the two steps (h² terms), plus
    # the round-off of intermediate results seen as jitter of the quotient at nearby w
    with np.errstate(all="ignore"):
        nearby = np.asarray(function(noise_points(float(w)) + 1j * h), dtype=np.complex128)
    jitter = NOISE_SAFETY * noise_level(nearby.ravel().imag / h)
    error = float(
        max(COMPLEX_ULPS * FLOAT64_ROUNDOFF * abs(derivative), abs(derivative - second), jitter)
    )
    return ReferenceValue(
        "complex step",
        float(derivative),
        error,
        evaluations=3 + NOISE_POINTS,
        note=f"Im f(w + i·{numbers.scientific(h, 1)}) / {numbers.scientific(h, 1)}, "
        f"checked at h = {numbers.scientific(check, 1)}",
    )


@dataclass(frozen=True)
class Tableau:
    """A Neville tableau of extrapolated central differences with the chosen entry."""

    steps: np.ndarray  # the half-widths actually used, largest first
    estimates: np.ndarray  # D(h) per step
    value: float
    error: float
    row: int  # the chosen entry's position (smallest step used, order of extrapolation)
    column: int
    carried: float = 0.0  # the round-off part of ``error`` (carried from each D(h))


# The highest tableau column (order of extrapolation) looked at. A tableau of N steps has N − 1
# columns; past a few dozen, each new column only amplifies the carried round-off, so its
# entries never win. Capping the columns makes the work O(N·cap) (a measured table of
# 300,000 distinct ε stays linear) and leaves every tableau of up to cap + 1 steps, the
# built-in references' 7 included, exactly as the full one.
MAX_COLUMNS = 64


def extrapolate(
    steps: Sequence[float] | np.ndarray,
    estimates: Sequence[float] | np.ndarray,
    noise: Sequence[float] | np.ndarray | None = None,
    max_columns: int = MAX_COLUMNS,
) -> Tableau:
    """Richardson/Neville extrapolation to h → 0 of central differences D(h) = f' + c₁h² + ….

    ``steps`` must be distinct and are sorted largest first. ``noise`` is the round-off in each
    D(h) (absolute); it is carried through the tableau and added to the error estimate.
    Non-finite entries are skipped. Raises ValueError if no finite estimate exists.
    The tableau is built a column at a time (numpy over the rows) up to ``max_columns``
    columns; the chosen entry is the one with the smallest error bar, the first in row order
    (smallest step used, then lowest order) among equals.
    """
    steps = np.asarray(steps, dtype=np.float64)
    estimates = np.asarray(estimates, dtype=np.float64)
    noise = np.zeros_like(estimates) if noise is None else np.asarray(noise, dtype=np.float64)
    order = np.argsort(-steps)
    steps, estimates, noise = steps[order], estimates[order], noise[order]
    count = len(steps)
    best_value, best_error, best_row, best_column, best_carried = np.nan, np.inf, 0, 0, 0.0
    finite = np.flatnonzero(np.isfinite(estimates))
    if finite.size:  # a lone D(h) is the answer only if no tableau entry is usable
        best_value, best_row = float(estimates[finite[0]]), int(finite[0])
    column, carried = estimates.copy(), noise.copy()  # column j holds rows j … count − 1
    with np.errstate(all="ignore"):  # inf − inf gives a non-finite entry, skipped below
        for j in range(1, min(count, max(1, int(max_columns)) + 1)):
            ratio = (steps[: count - j] / steps[j:]) ** 2
            previous, neighbour = column[1:], column[:-1]
            entry = previous + (previous - neighbour) / (ratio - 1.0)
            carried = (carried[1:] * ratio + carried[:-1]) / (ratio - 1.0)
            error = (
                SAFETY * np.maximum(np.abs(entry - previous), np.abs(entry - neighbour)) + carried
            )
            usable = np.isfinite(entry) & np.isfinite(error)
            if usable.any():
                masked = np.where(usable, error, np.inf)
                k = int(np.argmin(masked))
                row = k + j
                if masked[k] < best_error or (masked[k] == best_error and row < best_row):
                    best_value, best_error = float(entry[k]), float(masked[k])
                    best_row, best_column, best_carried = row, j, float(carried[k])
            column = entry
    if not np.isfinite(best_value):
        raise ValueError("no finite central difference: the function is undefined near w")
    if not np.isfinite(best_error):  # only one usable step: no error estimate possible
        best_error = np.inf
    return Tableau(steps, estimates, best_value, best_error, best_row, best_column, best_carried)


H2_TOLERANCE = 0.125  # each c-estimate's own relative slack: two agree within 1/8 of each


def h2_run(steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray) -> tuple[int, str | None]:
    """How many of the smallest steps show the h² law D(h) = f' + c·h² of central
    differences, at any spacing of the steps: (count, None), the count at least 3; or
    (0, what breaks the law at the three smallest steps: "truncation" or "round-off").

    Between consecutive steps the law gives c = (D(h₁) − D(h₂)) / (h₁² − h₂²), the same for
    every pair up to the h⁴ term (for steps a factor 2 apart: successive differences shrink
    4-fold). Each pair's c, with its round-off ± (the D's ± over h₁² − h₂²) and 1/8 of itself,
    must overlap every other pair's of the run; the run grows from the smallest steps (the
    regime of h → 0) until one does not. Steps deep in truncation (ε beyond the scale the
    loss varies on) give c's that wander and agree only by chance with the next.
    """
    order = np.argsort(-np.asarray(steps, dtype=np.float64))
    h = np.asarray(steps, dtype=np.float64)[order]
    d = np.asarray(estimates, dtype=np.float64)[order]
    n = np.asarray(noise, dtype=np.float64)[order]
    if h.size < 3:
        return 0, "truncation"
    with np.errstate(all="ignore"):
        q = h[:-1] ** 2 - h[1:] ** 2
        c = (d[:-1] - d[1:]) / q
        radius = (n[:-1] + n[1:]) / q + H2_TOLERANCE * np.abs(c)
        low = np.maximum.accumulate((c - radius)[::-1])  # from the smallest pair upwards
        high = np.minimum.accumulate((c + radius)[::-1])
    valid = np.isfinite(low) & np.isfinite(high) & (low <= high)
    pairs = int(np.argmin(valid)) if not valid.all() else int(valid.size)
    if pairs >= 2 and _spread_out(h[h.size - pairs - 1 :]):
        return pairs + 1, None
    # what breaks it: the pair just above the run (or the three smallest steps) changing by
    # far more than its round-off, with the larger pair changing more (truncation grows with
    # h); or a few times its round-off, the smaller pair scattering more (round-off grows as
    # h shrinks); or steps too close together to show a law within their round-off
    top = h.size - max(pairs, 1) - 2  # the larger row of the first pair that broke the run
    if pairs >= 2 and top < 0:
        return 0, "round-off"  # every pair agrees, but the steps span too little
    top = max(top, 0)
    change = np.abs(d[top : top + 2] - d[top + 1 : top + 3])
    bars = n[top : top + 2] + n[top + 1 : top + 3]
    with np.errstate(all="ignore"):
        beyond = float(np.max(change / np.maximum(bars, 1e-300)))
        triple = d[top : top + 3]
        centre = float(np.median(triple))
        # estimates that scatter around one value (not shrinking like 1/h, as far beyond
        # the loss's scale) are round-off, even beyond the format's stated bars (float32
        # rows declared float64)
        # ... scattering, not a trend: far beyond their bars, changes of one sign over the
        # triple are truncation (1/ε towards a slope past a kink, relu rows in full digits)
        steps_taken = np.diff(triple)
        trend = beyond > 30.0 and bool(steps_taken[0] * steps_taken[1] > 0)
        scattered = bool(np.max(np.abs(triple - centre)) <= 0.5 * abs(centre)) and not trend
    if (beyond <= 30.0 or scattered) and change[-1] > change[0]:
        return 0, "round-off"
    return 0, "truncation"


SPREAD = 1.1  # consecutive steps of the chain that must exist in a run (see _spread_out)


def _spread_out(steps: np.ndarray) -> bool:
    """Whether three of ``steps`` stand at least 1.2 apart from one another: two pairs whose
    differences can show the law. Rows at nearly the same ε change by their round-off only
    and would pass any law (ε = 5.28 and 5.46 of a saturated tanh)."""
    ordered = np.sort(steps)
    low, found = ordered[0], 1
    for step in ordered[1:]:
        if step >= SPREAD * low:
            low, found = step, found + 1
            if found == 3:
                return True
    return False


def richardson_steps(
    w: float,
    unit_roundoff: float = FLOAT64_ROUNDOFF,
    levels: int = RICHARDSON_LEVELS,
    ratio: float = RICHARDSON_RATIO,
) -> np.ndarray:
    """The geometric step sequence, largest first, scaled for the format's round-off.

    The largest step is 0.73·u^(1/(2·levels+1)) (0.0625 in float64 for 7 levels): large
    enough that round-off u·|f|/h stays near u, small enough that the highest-order term left
    after extrapolation is negligible for functions whose derivatives grow like k!.
    Steps grow with |w| only where w ± h must still differ from w by many ulps.
    """
    largest = RICHARDSON_STEP_FACTOR * unit_roundoff ** (1.0 / (2 * levels + 1))
    # grow only where w ± h would otherwise be too few ulps of w apart (the smallest step
    # at least 2^16 ulps): a function of a huge w still varies on its own scale (sin at 1e8)
    spacing = float(np.spacing(abs(float(w)))) if np.isfinite(w) else 0.0
    largest = max(largest, 2.0**16 * spacing * ratio ** (levels - 1))
    return largest / ratio ** np.arange(levels)


RICHARDSON_TRIES = 5  # start steps tried, each 2^levels times smaller than the last
NOT_CONVERGED = "not converged"


def _asymptotic(estimates: np.ndarray, noise: np.ndarray, ratio: float) -> bool:
    """True when the smallest steps' central differences behave like f' + c·h².

    Successive differences D(h_k) − D(h_{k+1}) must then shrink by about ratio² per step (or
    already sit at round-off level). When h is large against the function's own scale (sin of
    1000·w with h = 0.06), they wander instead, and the tableau's agreement is a coincidence.
    """
    finite = np.flatnonzero(np.isfinite(estimates))
    if finite.size < 5:
        return False
    values, bars = estimates[finite], noise[finite]
    steps = np.diff(values)
    step_noise = 4.0 * (bars[:-1] + bars[1:])
    expected = ratio**2
    for k in range(len(steps) - 4, len(steps) - 1):
        larger, smaller = steps[k], steps[k + 1]
        if abs(larger) <= step_noise[k] and abs(smaller) <= step_noise[k + 1]:
            continue  # both at round-off level: converged
        if abs(smaller) <= step_noise[k + 1]:  # reaching round-off: larger must be near it
            if abs(larger) <= 2.0 * expected * step_noise[k + 1]:
                continue
            return False
        if larger * smaller < 0:  # successive corrections change sign: not yet h²-like
            return False
        if not expected / 1.4 <= larger / smaller <= expected * 1.4:
            return False
    return True


def richardson(
    function: Callable[[np.ndarray], np.ndarray],
    w: float,
    *,
    unit_roundoff: float = FLOAT64_ROUNDOFF,
    levels: int = RICHARDSON_LEVELS,
    ratio: float = RICHARDSON_RATIO,
    tries: int = RICHARDSON_TRIES,
    floor: float = 0.0,
) -> ReferenceValue:
    """f'(w) by Richardson extrapolation of central differences, with an error estimate.

    ``function`` is vectorised: it is called with all 2·levels points of one try (float64
    array) and returns their values. Uses the step actually represented, (w+h) − (w−h), so
    rounding of w ± h adds no error.

    The first try uses :func:`richardson_steps`. If its smallest steps are not yet in the
    h² regime (the function varies on a scale shorter than the steps, like sin(1000·w)),
    the start step is cut by ratio^levels and the extrapolation repeated, up to ``tries``
    times. If none converges, the value is returned with an infinite error bar and a note
    that it is unreliable: no honest bound is known then.
    """
    if levels < 2:
        raise ValueError("levels: at least 2 step sizes are needed to extrapolate")
    if not ratio > 1.0:
        raise ValueError("ratio: must be greater than 1")
    w = float(w)
    start = richardson_steps(w, unit_roundoff, levels, ratio)
    with np.errstate(all="ignore"):  # at float64's largest the spacing is inf
        spacing = float(np.spacing(abs(w))) if w != 0 else 0.0
        # the round-off in each value: measured, and at least ``floor`` (the caller may know
        # the size of the terms the value is made of, which u·|f| does not see)
        sigma = max(NOISE_SAFETY * noise_level(function(noise_points(w))), floor)
    evaluations = NOISE_POINTS
    fallback: tuple[Tableau, np.ndarray] | None = None
    last_error: ValueError | None = None
    for attempt in range(max(1, tries)):
        nominal = start / ratio ** (levels * attempt)
        if attempt and nominal[-1] < 100 * spacing:
            break  # smaller steps would be dominated by the spacing of w itself
        points = np.concatenate([w + nominal, w - nominal])
        evaluations += 2 * levels
        with np.errstate(all="ignore"):
            values = np.asarray(function(points), dtype=np.float64).ravel()
            plus, minus = values[:levels], values[levels:]
            width = points[:levels] - points[levels:]
            estimates = (plus - minus) / width
            noise = np.maximum(
                FUNCTION_ULPS * unit_roundoff * (np.abs(plus) + np.abs(minus)), 2.0 * sigma
            ) / width + unit_roundoff * np.abs(estimates)
        finite_values = np.abs(values[np.isfinite(values)])
        # f is round-off at this scale (sin at 1e300): nothing to extrapolate
        noisy = finite_values.size > 0 and sigma > 0.1 * NOISE_SAFETY * float(
            np.median(finite_values)
        )
        try:
            tableau = extrapolate(width / 2.0, estimates, noise)
        except ValueError as error:
            last_error = error
            continue
        if not noisy and _asymptotic(estimates, noise, ratio):
            return ReferenceValue(
                "Richardson",
                tableau.value,
                tableau.error,
                span=float(nominal[0]),
                least=float(tableau.steps[-1]),
                evaluations=evaluations,
                note=(
                    f"central differences at {levels} steps {numbers.significant(nominal[0], 2)}…"
                    f"{numbers.significant(nominal[-1], 2)}, "
                    f"extrapolated to order h^{2 * tableau.column + 2}"
                ),
            )
        fallback = (tableau, estimates)
    if fallback is None:
        raise last_error or ValueError(
            "no finite central difference: the function is undefined near w"
        )
    tableau, _ = fallback
    return ReferenceValue(
        "Richardson",
        tableau.value,
        float("inf"),
        status="unconverged",
        span=float(start[0]),
        least=float(tableau.steps[-1]),
        evaluations=evaluations,
        note=(
            f"{NOT_CONVERGED}: the central differences never settled into the h² regime "
            f"(smallest step {numbers.significant(tableau.steps[-1], 2)}), so this value is "
            "unreliable"
        ),
    )
