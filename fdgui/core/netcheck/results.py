"""The finished check: entries, tensors, the verdict, and how they are built from the numbers.

``build_report`` turns the per-tensor numbers both engines gather (``TensorResult``) into the
frozen ``CheckReport``: relative errors, verdict bands, what explains an entry (a kink, the
dtype's tolerance, a tolerance too wide to decide), the worst entries and a heat map of every
tensor ready to draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from fdgui.core.netcheck.band_columns import excused_in_bands
from fdgui.core.netcheck.chunks import TensorResult
from fdgui.core.netcheck.confirm import Confirmation
from fdgui.core.netcheck.ladder import Roundoff
from fdgui.core.netcheck.reexamine import (
    CLEAR_AFTER_WIDER,
    CLEAR_DISAGREEMENT,
    COARSE_OPEN,
    ESTIMATE_REASONS,
    KINK_LIMIT,
    LADDER_REASONS,
    NOISE_OPEN,
    OWN_SCALE_REASONS,
    REASON_KEYS,
    SIDES_OPEN,
    SIDES_REASONS,
    SOME_EPSILON,
    UNDECIDED,
)
from fdgui.core.netcheck.settings import CheckSettings
from fdgui.core.netcheck.tolerances import Tolerances, recommended_tolerances, step_atol
from fdgui.core.numbers.verdicts import VERDICTS, verdict_for

WORST_COUNT = 20
HEAT_MAP_SIDE = 512  # cells per side of a drawn heat map (larger tensors: block maxima)


@dataclass(frozen=True)
class Entry:
    """One compared entry (or direction, in projection mode)."""

    tensor: str
    index: int  # flat index in the tensor (direction number in projection mode)
    position: tuple[int, ...]  # the multi-index, e.g. (3, 17) for W1[3, 17]
    numeric: float
    analytic: float
    relative_error: float
    epsilon: float
    loss_plus: float
    loss_minus: float
    band: str  # key of check.VERDICTS
    # "", "kink", "round-off" (within tolerance, and the tolerance is narrow enough to decide),
    # "undecided" (within a tolerance as wide as half the gradient or wider: a sign flip or a
    # factor 2 would pass too), "flat" (undecided, and L+ = L− in the dtype or no step at all)
    note: str
    # L± − L as the check formed them (float64: directly, so they keep their own digits
    # even where L+ and L− print alike; other dtypes: the difference of rounded losses)
    loss_plus_change: float = math.nan
    loss_minus_change: float = math.nan
    failing: bool = False  # neither correct nor explained (kink, tolerance, undecided)
    bar: float = math.nan  # the ε ladder's error bar of the numeric value (NaN: not retried)


# a coarse loss's tensor (the estimate's bar decided some entries) with more than this
# share of its entries undecided is inconclusive, never a pass: 8 of 20 float16 entries
# undecided, one of them a sign flip, was a "Pass" at 1/2 (review9e #4)
COARSE_UNDECIDED_SHARE = 0.25
LOOSE_SHARE = 1e-2  # a direction's window this share of |a| or more: a loose agreement


@dataclass(frozen=True)
class TensorReport:
    """Everything about one parameter tensor."""

    name: str
    shape: tuple[int, ...]
    checked: int
    max_relative_error: float
    median_relative_error: float
    band_counts: dict[str, int]
    kinks: int  # entries whose ±ε step crosses a relu kink
    within_tolerance: int  # entries explained by the dtype's tolerance (not < 1e-7)
    failures: int  # entries neither correct nor explained
    relative_errors: np.ndarray = field(repr=False)  # tensor's shape ((1, K) for projections)
    numeric: np.ndarray = field(repr=False)  # flat, NaN where not checked
    analytic: np.ndarray = field(repr=False)  # flat backprop values (g·v in projection mode)
    undecided: int = 0  # within tolerance only because the tolerance is ≥ |g|/2 (see note)
    # log10 relative error ready to draw (made in the worker, so the window never computes
    # it): at most HEAT_MAP_SIDE cells a side, each the largest error of its block; NaN where
    # nothing was checked. heat_levels: (low, high) whole decades of the full tensor's errors.
    heat_map: np.ndarray | None = field(default=None, repr=False)
    heat_levels: tuple[float, float] = (-16.0, 0.0)
    # flat: the ε ladder's error bar of each entry it retried (NaN: judged by atol + rtol·|a|;
    # inf: no step gave a bar; None: it retried none); decided_larger: entries it decided at
    # a larger ε
    bars: np.ndarray | None = field(default=None, repr=False)
    decided_larger: int = 0
    unreproducible: int = 0  # fixed ε, exact float64 engine: L+ = L− as float64 numbers
    decided_estimate: int = 0  # decided by the estimate's bar (netcheck.estimate_verdict)
    # of the undecided: entries that disagreed clearly at the first ε (CLEAR_DISAGREEMENT
    # times their window) and that the second look could neither confirm nor excuse
    unresolved: int = 0
    # entries whose loss is not a finite number at θ ± ε while their gradient is: finite
    # differences estimate nothing there, so the gradient is not judged (never "wrong")
    no_estimate: int = 0
    # directions of a projections check at the recommended ε that agree only within a
    # window of LOOSE_SHARE of |a| or more, or stay undecided: full mode re-checks such
    # entries on wider steps, directions are not — a 30 % bug passed within atol 0.1 of a
    # float32 part (review17p C1), so one such direction keeps the check from passing
    loose_directions: int = 0
    # undecided entries (not counted above) of a loss rounding far coarser than its dtype
    # (``COARSE_ATOL``): that window is the coarse rounding's, wide enough to hold a bug the
    # loss's own numbers resolve, so an entry it leaves undecided keeps the check from
    # passing (review18n C1: 10 %–4× bugs on such entries of float32 losses passed, exit 0)
    coarse_open: int = 0

    @property
    def inconclusive(self) -> bool:
        """No failures, but most entries are too small for the dtype to tell right from
        wrong — or, in a loss so coarse that the estimate's bar had to decide entries
        (float16, bfloat16), more than COARSE_UNDECIDED_SHARE of them: there even the
        estimate could not tell those, and a pass would vouch for them too — or some entry
        disagreed clearly and stayed undecided (``unresolved``): one is enough."""
        share = COARSE_UNDECIDED_SHARE if self.decided_estimate else 0.5
        if self.failures or self.checked == 0:
            return False
        return (
            self.undecided > share * self.checked
            or self.unresolved > 0
            or self.no_estimate > 0
            or self.loose_directions > 0
            or self.coarse_open > 0
        )


@dataclass(frozen=True)
class CheckReport:
    """The finished check: per-tensor summaries, worst entries, verdict."""

    settings: CheckSettings
    loss: float
    tolerances: Tolerances
    tensors: tuple[TensorReport, ...]
    worst: tuple[Entry, ...]
    verdict: str  # "pass" or "fail"
    worst_tensor: str
    parameters_checked: int
    evaluations: int
    seconds: float
    # no failures, but some tensor is mostly undecided: the verdict is then "fail" (not a
    # pass: nothing was confirmed), report.netcheck.verdict_in_words starts "Inconclusive"
    # and the CLI exits 1. (The report package words the verdict; this module has no prose.)
    inconclusive: bool = False
    engine: str = "exact"  # which engine formed the numeric gradient (settings.ENGINES)
    model_label: str = ""  # the model checked, when it is not the built-in network of spec
    # the forward engine on a model that may be noisy: σ of L(θ0) over a few evaluations
    # (0: the same number every time, or not measured); atol was widened by about 4σ/ε
    noise_sigma: float = 0.0
    # the height of the largest tread of a coarser part (a float16 sum inside a float64 loss)
    # that no step of the check moved, found along entries about to be called wrong and left
    # open (netcheck.coarse_wide; 0: none)
    coarse_step: float = 0.0
    # losses evaluated besides ``evaluations`` to set the check up (the loss's precision,
    # noise and round-off near θ0: a probe's 60 for "4 loss evaluations", review12p L1)
    setup_evaluations: int = 0
    reexamined: int = 0  # entries that disagreed at the first ε and were looked at again
    settled: int = 0  # ... of which the first ε, not the gradient, was at fault
    # the losses' round-off the check measured (netcheck.ladder; None: float64 with the
    # recommended tolerances) and how many entries the ε ladder decided at a larger ε
    roundoff: Roundoff | None = None
    # float64's confirmation of the entries the dtype called wrong (netcheck.confirm; None:
    # nothing to confirm)
    confirmation: Confirmation | None = None

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    @property
    def loose(self) -> bool:
        """A pass where most entries agree only within the dtype's tolerance, not to 1e-7."""
        checked = sum(t.checked for t in self.tensors)
        within = sum(t.within_tolerance for t in self.tensors)
        return self.passed and within > checked / 2


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


def as_matrix(values: np.ndarray) -> np.ndarray:
    """A tensor of any rank as the 2-D picture a heat map draws: a scalar is one cell, a
    vector one row, a higher-rank tensor its first axis by everything else."""
    if values.ndim == 2:
        return values
    if values.ndim < 2:
        return values.reshape(1, -1)
    return values.reshape(values.shape[0], -1)


def heat_map_of(relative: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """log10 relative errors of a tensor (any rank: see ``as_matrix``), block maxima down to
    HEAT_MAP_SIDE a side."""
    relative = as_matrix(np.asarray(relative))
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.clip(relative, 1e-17, None)).astype(np.float32)  # NaN stays NaN
    finite = logs[np.isfinite(logs)]
    low = float(np.floor(finite.min())) if finite.size else -16.0
    high = float(np.ceil(finite.max())) if finite.size else 0.0
    if high - low < 1:
        high = low + 1
    rows, columns = logs.shape
    row_step = -(-rows // HEAT_MAP_SIDE)
    column_step = -(-columns // HEAT_MAP_SIDE)
    if row_step > 1 or column_step > 1:
        padded = np.full(
            (-(-rows // row_step) * row_step, -(-columns // column_step) * column_step),
            np.nan,
            dtype=np.float32,
        )
        padded[:rows, :columns] = logs
        blocks = padded.reshape(
            padded.shape[0] // row_step, row_step, padded.shape[1] // column_step, column_step
        )
        logs = np.fmax.reduce(np.fmax.reduce(blocks, axis=3), axis=1)  # NaN only if all NaN
    logs.setflags(write=False)
    return logs, (low, high)


def _largest(values: np.ndarray, count: int) -> np.ndarray:
    """Indices of the (up to) count largest finite-or-+inf values, largest first (−inf: skip)."""
    keep = int(np.sum(values > -np.inf))
    top = min(count, keep)
    if top == 0:
        return np.zeros(0, dtype=np.intp)
    whole = top >= values.size
    order = np.arange(values.size) if whole else np.argpartition(-values, top - 1)[:top]
    return order[np.argsort(-values[order], kind="stable")]


def band_counts_of(decided: np.ndarray) -> dict[str, int]:
    """How many of the judged errors ``decided`` fall in each verdict band (also used to
    check a stored report's counts against its stored errors)."""
    counts = {verdict.key: 0 for verdict in VERDICTS}
    if decided.size:
        edges = [verdict.upper for verdict in VERDICTS]
        bands = np.searchsorted(edges[:-1], decided, side="left")
        for band_index, verdict in enumerate(VERDICTS):
            counts[verdict.key] = int(np.sum(bands == band_index))
    return counts


def judged_errors(
    relative: np.ndarray,
    difference: np.ndarray,
    scale: np.ndarray,
    failing: np.ndarray,
    undecided: np.ndarray,
    tolerances: Tolerances,
    atol: np.ndarray | float | None = None,
) -> np.ndarray:
    """The error the verdict bands and the heat map show: what is left of |n − a| after the
    round-off the dtype's tolerance allows (atol), relative to the gradient, so the band
    columns agree with the status — an entry within tolerance never lands in "> 1e-2" beside
    "ok", and a failing one is never in the "< 1e-7" column. Undecided entries (the dtype
    cannot tell right from wrong) are NaN: counted apart, blank in the heat map."""
    with np.errstate(invalid="ignore", divide="ignore"):
        allowed = tolerances.atol if atol is None else atol  # per entry: the ε ladder's bar
        beyond = np.maximum(difference - allowed, 0.0) / np.maximum(scale, 1e-300)
    judged = np.where(np.isfinite(relative), np.minimum(beyond, relative), relative)
    judged = np.where(failing, np.maximum(judged, 1.01 * VERDICTS[0].upper), judged)
    return np.where(undecided, np.nan, judged)


def _kinks_explained(result, engine: str, window, loss: float, correct, undefined):
    """(explained kinks, unexamined ones). The forward engine marks a kink only where its
    second look found the gradient a subgradient; the exact engine flags every relu switch
    within ±ε, so there the gradient must lie between the one-sided slopes ΔL+/ε and
    −ΔL−/ε, within their round-off (the window) and a truncation allowance ε·max(1, |L|);
    outside them, or where that allowance is half of |g| or more (a sign flip or a factor 2
    would be "between" too), the entry is undecided (a kink or a bug: the steps cannot
    tell), never explained."""
    kink = result.kink & ~undefined
    if engine != "exact" or not kink.any():
        return kink, np.zeros_like(kink)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        right = result.loss_plus_change / result.epsilon
        left = -result.loss_minus_change / result.epsilon
        slack = window + result.epsilon * max(1.0, abs(loss))
        a = result.analytic
        inside = (a >= np.minimum(right, left) - slack) & (a <= np.maximum(right, left) + slack)
        inside &= slack < 0.5 * np.abs(a)
    unexamined = kink & ~inside & ~correct
    return kink & ~unexamined, unexamined


COARSE_ATOL = 16.0  # a measured atol this many times the dtype's own: the loss rounds coarser


def _own_atol(settings: CheckSettings, loss: float, magnitude: float | None = None) -> float:
    """The dtype's own atol for this loss and ε (inf where it cannot be said: nothing is
    then called coarse); ``magnitude``: the size the loss rounds at where measured (a loss
    of 1e-8 rounds at u·1e-8, and a float32 part inside it is then far coarser: review18q
    C1), else max(1, |L|)."""
    if magnitude is not None and not (math.isfinite(magnitude) and magnitude > 0):
        magnitude = None
    try:
        own = recommended_tolerances(settings.dtype, loss, settings.epsilon, 0.0, magnitude).atol
    except (ValueError, KeyError, OverflowError):  # an infinite loss (refused before, today)
        return math.inf
    return own if own > 0 else math.inf


def build_report(
    settings: CheckSettings,
    loss: float,
    results: list[TensorResult],
    tolerances: Tolerances,
    seconds: float,
    engine: str,
    parameters_checked: int,
    model_label: str = "",
    noisy: bool = False,
    magnitude: float | None = None,
) -> CheckReport:
    """The frozen report of a finished check (``loss``: L at the checked point; ``noisy``:
    the loss varied between evaluations, so its window already holds the noise and any
    entry the second look leaves undecided after disagreeing beyond it is unresolved;
    ``magnitude``: the size the loss rounds at, where the engine measured it)."""
    clear_factor = 1.0 if noisy else CLEAR_DISAGREEMENT
    # (a float64 forward check at the recommended ε: the wider steps looked at every open
    # entry first — not along a projection's directions)
    wider = engine == "forward" and settings.dtype == "float64" and settings.epsilon is None
    wider = wider and not any(result.projection for result in results)
    if wider:
        clear_factor = CLEAR_AFTER_WIDER
    tensors: list[TensorReport] = []
    candidates: list[Entry] = []
    total_failures = 0
    check_tolerances = tolerances
    own_atol = _own_atol(settings, loss, magnitude)
    for result in results:
        # a tensor measured on its own lines is judged with its own round-off
        tolerances = getattr(result, "tolerances", None) or check_tolerances
        coarse_loss = max(tolerances.atol, check_tolerances.atol) > COARSE_ATOL * own_atol
        checked = result.checked
        numeric = result.numeric
        analytic = result.analytic
        with np.errstate(invalid="ignore"):
            difference = np.abs(numeric - analytic)
            scale = np.maximum(
                np.maximum(np.abs(numeric), np.abs(analytic)), tolerances.relative_floor
            )
            relative = difference / scale
        relative[~checked] = np.nan
        relative[checked & ~np.isfinite(relative)] = np.inf
        # a loss or gradient that is not a finite number where it was checked explains
        # nothing: never correct, never within a tolerance, never undecided
        undefined = checked & ~(np.isfinite(numeric) & np.isfinite(analytic))
        # of those, a loss not finite beside θ with a finite gradient: nothing to compare
        # the gradient with (review9m MEDIUM-4: "Fail … Wrong" where sweep has no estimate)
        no_loss = undefined & ~np.isfinite(numeric) & np.isfinite(analytic)
        correct = relative <= VERDICTS[0].upper
        # the forward engine's atol is round-off over the step: each entry's own step's
        entry_atol = tolerances.atol
        if engine == "forward" and not result.projection:
            entry_atol = step_atol(tolerances, result.epsilon)
        window = entry_atol + tolerances.rtol * np.abs(analytic)
        # an entry the ε ladder retried is judged by its own measured bar (netcheck.ladder)
        bar = result.bar
        laddered = np.zeros_like(checked) if bar is None else checked & ~np.isnan(bar)
        if bar is not None:
            window = np.where(laddered, bar, window)
        within = (difference <= window) & ~correct
        # a window of half the gradient or more would let a sign flip or a factor 2 through:
        # agreeing within it says nothing (nor does a step the dtype rounded away)
        undecided = (within | result.vanished) & (window >= 0.5 * np.abs(analytic))
        unresolved = (
            result.vanished | result.undecided if result.undecided.any() else result.vanished
        )
        undecided |= unresolved & ~correct
        kink, unexamined = _kinks_explained(result, engine, window, loss, correct, undefined)
        undecided &= checked & ~kink & ~undefined
        undecided |= unexamined & checked
        # a fixed ε whose losses, as float64 numbers, are equal (L+ = L−) although the
        # exact engine formed different changes: no float64 difference reproduces them,
        # so the entry is undecided even where it agrees (never a pass showing L+ = L−)
        shown_same = same_disagrees = np.zeros_like(checked)
        if settings.epsilon is not None and engine == "exact" and settings.dtype == "float64":
            with np.errstate(invalid="ignore"):
                plus_shown = loss + result.loss_plus_change
                minus_shown = loss + result.loss_minus_change
                shown_same = checked & (plus_shown == minus_shown) & ~undefined
                shown_same &= result.loss_plus_change != result.loss_minus_change
            undecided |= shown_same
            # one whose exact change disagrees keeps the check from passing: a bug confined
            # to such entries passed (rev20n LOW: --eps 1e-14, 9 of 83 entries)
            same_disagrees = shown_same & ~correct & ~within & ~kink
            correct &= ~shown_same
        within &= ~undefined
        estimated = laddered & np.isin(result.reason, ESTIMATE_REASONS)
        own = laddered & np.isin(result.reason, (*OWN_SCALE_REASONS, *SIDES_REASONS))
        # a second look (netcheck.reexamine) found the first ε at fault, not the gradient
        settled = checked & (result.reason == SOME_EPSILON) & ~undefined & ~correct & ~within
        explained = correct | within | kink | undecided | settled | no_loss
        # the second look left it undecided after a clear first disagreement: never agreeing
        with np.errstate(invalid="ignore"):
            first = entry_atol + tolerances.rtol * np.abs(analytic)  # the first ε's window
            clear = difference > clear_factor * first
        # (there also one the kink search left undecided, code 0: its refined step could not
        # tell after the first ε disagreed — review12n C3: a 30 % bug passed as "Undecided")
        left_open = result.reason == UNDECIDED
        if wider:
            left_open = left_open | ((result.reason == 0) & result.undecided)
        unresolved = undecided & left_open & clear
        # in a loss rounding far coarser than float64 the first window is that rounding's, so
        # a bug inside it is never "clear" of it: an entry the second look left open there
        # keeps the check from passing (review18p C1: a 1e-3 bug beside a float32 part passed
        # "loosely" in 16 of 18 numpy/torch/JAX runs; their honest twins leave none open)
        unresolved |= undecided & left_open & coarse_loss
        # neither side's slope; a noisy loss's wider steps against a (review17p M1)
        unresolved |= undecided & np.isin(result.reason, (SIDES_OPEN, NOISE_OPEN, COARSE_OPEN))
        unresolved |= same_disagrees
        # an undecided entry there that no clean wider pair bounded (the loose look crossed
        # a kink: KINK_LIMIT): its window (the coarse rounding's) holds bugs the loss's own
        # numbers resolve, and nothing would have called them wrong (review18n C1)
        coarse_open = undecided & ~unresolved & checked & coarse_loss
        coarse_open &= result.reason == KINK_LIMIT
        failing = checked & ~explained
        loose = np.zeros_like(checked)
        if result.projection and engine == "forward" and settings.dtype == "float64":
            with np.errstate(invalid="ignore"):
                wide = window >= LOOSE_SHARE * np.abs(analytic)
            loose = checked & ~failing & ~correct & ~kink & ((within & wide) | undecided)
        failures = int(np.sum(failing))
        total_failures += failures
        values = relative[checked]
        atol = entry_atol if bar is None else np.where(laddered, bar, entry_atol)
        judged = judged_errors(relative, difference, scale, failing, undecided, tolerances, atol)
        excused = checked & ~correct & ~undecided  # counted as the status decides them
        judged = excused_in_bands(judged, kink & excused, (within | settled) & excused & ~kink)
        judged[no_loss] = np.nan  # nothing estimated: no band, no colour
        counts = band_counts_of(judged[checked & ~undecided & ~no_loss])
        shape = (1, result.numeric.size) if result.projection else result.shape
        heat = judged.reshape(shape).copy()
        heat.setflags(write=False)
        heat_map, heat_levels = heat_map_of(heat)
        tensors.append(
            TensorReport(
                name=result.name,
                shape=result.shape,
                checked=int(values.size),
                max_relative_error=float(values.max()) if values.size else math.nan,
                median_relative_error=float(np.median(values)) if values.size else math.nan,
                band_counts=counts,
                kinks=int(np.sum(kink & checked & ~correct)),
                within_tolerance=int(np.sum(within & checked & ~kink & ~undecided)),
                failures=failures,
                relative_errors=heat,
                numeric=_frozen(numeric),
                analytic=_frozen(analytic),
                undecided=int(np.sum(undecided)),
                heat_map=heat_map,
                heat_levels=heat_levels,
                bars=None if bar is None else _frozen(bar),
                decided_larger=int(np.sum(laddered & ~undecided & ~undefined & ~estimated & ~own)),
                decided_estimate=int(np.sum(estimated & ~undecided & ~undefined)),
                unreproducible=int(np.sum(shown_same)),
                unresolved=int(np.sum(unresolved)),
                no_estimate=int(np.sum(no_loss)),
                loose_directions=int(np.sum(loose)),
                coarse_open=int(np.sum(coarse_open)),
            )
        )
        # failing entries first, then by relative error (so worst[0] is the worst failure)
        size = np.nan_to_num(relative, nan=-1.0, posinf=1e300)
        order = np.concatenate(
            [
                _largest(np.where(failing, size, -np.inf), WORST_COUNT),
                _largest(np.where(checked & ~failing, size, -np.inf), WORST_COUNT),
            ]
        )[: min(WORST_COUNT, values.size)]
        for flat in order:
            note = ""
            same = result.loss_plus_change[flat] == result.loss_minus_change[flat]
            same = same or bool(shown_same[flat])  # L+ = L− as float64 numbers
            if no_loss[flat]:
                note = "no-loss"  # the loss is not a finite number at θ ± ε
            elif undefined[flat]:
                note = "undefined"  # the loss or the gradient is not a finite number here
            elif kink[flat] and not correct[flat]:
                note = "kink"
            elif unexamined[flat]:
                note = "kink-unexamined"
            elif undecided[flat] and result.reason[flat] in LADDER_REASONS:
                note = REASON_KEYS[int(result.reason[flat])]  # the ε ladder's reason
            elif undecided[flat] and result.reason[flat] in (SIDES_OPEN, NOISE_OPEN, COARSE_OPEN):
                note = REASON_KEYS[int(result.reason[flat])]
            elif undecided[flat] and left_open[flat]:
                note = "open"  # disagreed at the first ε; the second look could not tell
            elif undecided[flat]:
                note = "flat" if same else "undecided"  # "flat": L+ = L− or no step at all
            elif laddered[flat] and result.reason[flat] in (
                *ESTIMATE_REASONS,
                *OWN_SCALE_REASONS,
                *SIDES_REASONS,
            ):
                note = REASON_KEYS[int(result.reason[flat])]  # the estimate's bar decided
            elif laddered[flat] and within[flat]:
                note = "larger-ε"  # decided at a larger ε, within its measured bar
            elif laddered[flat] and failing[flat]:
                note = "larger-ε-wrong"
            elif within[flat]:
                note = "round-off"
            elif settled[flat]:
                note = "some-ε"  # disagreed at the first ε only: truncation or round-off
            elif failing[flat] and result.reason[flat] in REASON_KEYS:
                note = REASON_KEYS[int(result.reason[flat])]  # "every-ε", "kink-outside", …
            position = (
                (int(flat),)
                if result.projection
                else tuple(int(v) for v in np.unravel_index(flat, result.shape))
            )
            candidates.append(
                Entry(
                    tensor=result.name,
                    index=int(flat),
                    position=position,
                    numeric=float(numeric[flat]),
                    analytic=float(analytic[flat]),
                    relative_error=float(relative[flat]),
                    epsilon=float(result.epsilon[flat]),
                    loss_plus=float(loss + result.loss_plus_change[flat]),
                    loss_minus=float(loss + result.loss_minus_change[flat]),
                    loss_plus_change=float(result.loss_plus_change[flat]),
                    loss_minus_change=float(result.loss_minus_change[flat]),
                    band=verdict_for(relative[flat]).key,
                    note=note,
                    failing=bool(failing[flat]),
                    bar=math.nan if bar is None else float(bar[flat]),
                )
            )
    candidates.sort(key=lambda entry: (not entry.failing, -entry.relative_error))
    worst = tuple(candidates[:WORST_COUNT])
    # the worst tensor is the one holding the worst entry (the largest failing error)
    worst_tensor = worst[0].tensor if worst else ""
    nothing_checked = sum(t.checked for t in tensors) == 0  # confirms nothing: never a pass
    inconclusive = total_failures == 0 and (nothing_checked or any(t.inconclusive for t in tensors))
    verdict = "pass" if total_failures == 0 and not inconclusive else "fail"
    report = CheckReport(
        settings=settings,
        loss=loss,
        tolerances=check_tolerances,
        tensors=tuple(tensors),
        worst=worst,
        verdict=verdict,
        worst_tensor=worst_tensor,
        parameters_checked=parameters_checked,
        evaluations=2 * parameters_checked,
        seconds=seconds,
        inconclusive=inconclusive,
        engine=engine,
        model_label=model_label,
    )
    return report
