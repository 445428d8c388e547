"""Check every parameter of the built-in network against finite differences, in batches.

The check is a generator: it yields ``(fraction, message)`` after every chunk (each yield is a
point where the caller may stop it) and returns a frozen ``CheckReport``.

How the perturbed losses are evaluated (float64)
-------------------------------------------------
Perturbing ``W[l][i, j]`` by ±ε changes one pre-activation column, ``Z[l][:, i]``, by
``±ε·A[l][:, j]``; perturbing ``b[l][i]`` changes it by ±ε. Nothing upstream changes, so the
unperturbed forward pass is reused and only what the perturbation touches is recomputed, for
thousands of perturbations per numpy call:

* output layer: one logit changes, and the change of each example's loss has a closed form
  (cross-entropy: ``log1p(p·expm1(δ)) − δ·[target]``; squared error: ``δ·(r + δ/2)``);
* the last hidden layer: the unit's new activation comes from the addition theorem
  ``tanh(z+δ) − tanh(z) = T·sech²z / (1 + tanh z·T)`` with ``T = tanh δ`` (sigmoid through
  ``σ(x) = (1 + tanh(x/2))/2``, relu exactly), and the logits move along the column
  ``W_out[:, i]`` by that change ``d``. The loss along that line,
  ``ψ(d) = log Σ_k p_k·exp(d·w_k)``, is evaluated from its cumulant series
  ``κ1·d + κ2·d²/2 + … + κ5·d⁵/120``; the series is used only where ``|d|·range(w) ≤ 1e-4``, so
  its remainder is below 1e-24 relative, and the chunk falls back to the direct
  ``log1p(Σ p·expm1(d·w))`` otherwise;
* deeper layers: the change is pushed through the remaining layers as a difference
  (``ΔZ = ΔA @ Wᵀ``, activation differences by the same addition theorem), as one matrix
  product per chunk.

Each example's loss *change* is formed directly, never as the difference of two rounded
losses, so L(w+ε) − L(w−ε) keeps about 15 digits instead of losing log10(|L|/|ΔL|) of them to
cancellation. That is why the result agrees with exact backprop to about 1e-10 while a plain
one-at-a-time loop carries round-off of about u·|L|/ε.

In float32, float16 and bfloat16 the check is what a person would see in that format: w ± ε
is rounded to the format, the perturbed losses are evaluated in it (rank-one updates, every
operation rounded), and the numeric gradient is (L+ − L−)/(2ε) of those rounded losses.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field, replace

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.mlp import (
    Arithmetic,
    Network,
    NetworkSpec,
    activate,
    affine,
    batch_mean,
    build_network,
    check_bug,
    per_sample_loss,
)
from fdgui.core.numbers.precision import DTYPE_NAMES, recommended_epsilon, unit_roundoff
from fdgui.core.numbers.verdicts import VERDICTS, verdict_for

MODES: tuple[str, ...] = ("full", "sample", "projection")
MODE_TITLES = {
    "full": "Full: every parameter",
    "sample": "Sampled: k entries per tensor",
    "projection": "Projections: K random directions per tensor",
}
MAX_SAMPLES = 1_000_000
MAX_DIRECTIONS = 10_000
WORST_COUNT = 20
HEAT_MAP_SIDE = 512  # cells per side of a drawn heat map (larger tensors: block maxima)
FAST_CHUNK_ELEMENTS = 1 << 15  # hot-loop arrays: 256 KB each, so they stay in cache
DEEP_CHUNK_ELEMENTS = 1 << 16  # (batch × perturbations × width) arrays of the deep path
CHUNK_ELEMENTS = 1 << 19  # other temporaries: 4 MB each in float64
SERIES_TAIL = 1e-20  # bound on what the cumulant terms left out may add to a numeric gradient
PROBE_ENTRIES = 2048  # the cost planner times about this many entries per tensor and mode
PROBE_SECONDS = 0.02  # ... or stops a tensor's probe after this long
MEMORY_FRACTION = 0.6  # of the memory the machine has available
Progress = tuple[float, str]
_BUFFERS = threading.local()  # work arrays reused by every check run on the same thread


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


# ---------------------------------------------------------------- BLAS threads


def _openblas_thread_functions():
    """(get, set) for the OpenBLAS numpy loaded, or None when it cannot be found."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line and ".so" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for stem in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                getter = getattr(library, f"{stem}_get_num_threads{suffix}", None)
                setter = getattr(library, f"{stem}_set_num_threads{suffix}", None)
                if getter is not None and setter is not None:
                    getter.restype = ctypes.c_int
                    setter.argtypes = [ctypes.c_int]
                    return getter, setter
    return None


_BLAS_LOCK = threading.Lock()
_BLAS_STATE: dict[str, object] = {}


class single_threaded_blas:
    """Run the check's many small matrix products on one BLAS thread.

    Threaded BLAS on small products spends its time waking threads: on this 2-core
    machine under load a deep check ran 5-8× slower with two BLAS threads than with one.
    One thread also leaves the other core to the window, which must stay responsive.
    """

    def __enter__(self) -> single_threaded_blas:
        with _BLAS_LOCK:
            if "functions" not in _BLAS_STATE:
                _BLAS_STATE["functions"] = _openblas_thread_functions()
            functions = _BLAS_STATE["functions"]
            depth = int(_BLAS_STATE.get("depth", 0))
            if functions is not None and depth == 0:
                getter, setter = functions  # type: ignore[misc]
                _BLAS_STATE["saved"] = getter()
                setter(1)
            _BLAS_STATE["depth"] = depth + 1
        return self

    def __exit__(self, *exc: object) -> None:
        with _BLAS_LOCK:
            depth = int(_BLAS_STATE.get("depth", 1)) - 1
            _BLAS_STATE["depth"] = depth
            functions = _BLAS_STATE.get("functions")
            if functions is not None and depth == 0:
                functions[1](int(_BLAS_STATE.get("saved", 1)))  # type: ignore[index]


# ---------------------------------------------------------------- settings and validation


@dataclass(frozen=True)
class CheckSettings:
    """What to check and how."""

    spec: NetworkSpec
    mode: str = "full"
    bug: str | None = None
    dtype: str = "float64"
    samples: int = 16  # k entries from every tensor (mode "sample")
    directions: int = 8  # K random directions per tensor (mode "projection")
    epsilon: float | None = None  # None: the recommended ε for the dtype, per parameter
    sample_seed: int = 0

    def validate(self) -> None:
        """Raise ValueError naming the field ("samples: ...") before any work starts."""
        self.spec.validate()
        if self.mode not in MODES:
            raise InputError("mode", f"{self.mode!r} is not one of {', '.join(MODES)}")
        if self.dtype not in DTYPE_NAMES:
            raise InputError("dtype", f"{self.dtype!r} is not one of {', '.join(DTYPE_NAMES)}")
        check_bug(self.bug, self.spec)
        check_count("samples", self.samples, MAX_SAMPLES)
        check_count("directions", self.directions, MAX_DIRECTIONS)
        if self.epsilon is not None:
            value = self.epsilon
            if not isinstance(value, float | int) or not math.isfinite(value) or value <= 0:
                raise InputError("epsilon", f"{value!r} is not a positive finite number")
            if value >= 1:
                raise InputError("epsilon", f"{value} is too large for a derivative (use < 1)")
        needed = estimate_memory_bytes(self)
        available = available_memory_bytes()
        if needed > MEMORY_FRACTION * available:
            # blame the batch when the same network fits with a batch of one example
            single = replace(self, spec=replace(self.spec, batch_size=1))
            if estimate_memory_bytes(single) <= MEMORY_FRACTION * available:
                raise InputError(
                    "batch_size",
                    f"a batch of {self.spec.batch_size:,} makes this check need "
                    f"about {format_bytes(needed)} of memory and this machine has "
                    f"{format_bytes(available)} available; use a smaller batch",
                )
            raise InputError(
                "layer_sizes",
                f"this check needs about {format_bytes(needed)} of memory "
                f"({self.spec.parameter_count:,} parameters) and this machine has "
                f"{format_bytes(available)} available",
            )

    @property
    def parameters_checked(self) -> int:
        """How many entries (or directions) the check compares."""
        shapes = self.spec.tensor_shapes
        if self.mode == "full":
            return self.spec.parameter_count
        if self.mode == "sample":
            return sum(min(self.samples, math.prod(shape)) for _, shape in shapes)
        return self.directions * len(shapes)

    @property
    def evaluations(self) -> int:
        """Loss evaluations: two per checked entry or direction (central differences)."""
        return 2 * self.parameters_checked


def check_count(name: str, value: object, upper: int) -> None:
    """ValueError ("name: ...") unless value is a whole number in 1..upper."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(name, f"{value!r} is not a whole number")
    if not 1 <= value <= upper:
        raise InputError(name, f"{value} is outside 1..{upper:,}")


def estimate_memory_bytes(settings: CheckSettings) -> int:
    """Peak bytes the check needs: parameters, gradient, results, forward pass, chunks."""
    spec = settings.spec
    count = spec.parameter_count
    widths = sum(spec.layer_sizes)
    # θ, ∇, five per-entry result arrays (+ kink flags), and the report's relative errors,
    # heat map and numeric/analytic copies: about 16 float64 per parameter (measured peak on
    # 1,000,980 parameters: 136 MB). Projections keep θ, ∇ and three copies of one tensor.
    per_parameter = 8 * 16 if settings.mode != "projection" else 8 * 5
    forward = 8 * spec.batch_size * widths * 8
    largest = max(math.prod(shape) for _, shape in spec.tensor_shapes)
    # gathered chunks: about a dozen (batch × perturbations × outputs) temporaries at most
    gathered = min(CHUNK_ELEMENTS, spec.batch_size * largest * spec.layer_sizes[-1])
    chunk_work = 8 * 12 * gathered + 8 * 6 * FAST_CHUNK_ELEMENTS
    return int(count * per_parameter + forward + chunk_work)


def available_memory_bytes() -> int:
    """Memory the machine can give now (MemAvailable on Linux, else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def format_bytes(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if count < 1024 or unit == "PB":
            return f"{count:,.0f} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1024
    return f"{count:.1f} PB"


# ---------------------------------------------------------------- tolerances per dtype


@dataclass(frozen=True)
class Tolerances:
    """ε and the agreement a correct gradient reaches in a dtype (central differences)."""

    dtype: str
    epsilon: float  # for |w| ≤ 1; scaled by max(1, |w|) per parameter
    atol: float
    rtol: float


def recommended_tolerances(
    dtype: str, loss: float = 1.0, epsilon: float | None = None
) -> Tolerances:
    """For a check that subtracts rounded losses at ε = u^(1/3)·max(1,|w|) (the usual tools).

    atol ≈ 10·u·max(1,|L|)/ε, ten times the round-off floor of (L+ − L−)/(2ε); rtol ≈
    10·u^(2/3), ten times where truncation and round-off balance, both rounded up to a power
    of ten (1-2-5 steps): float64 gives rtol 5e-10, float32 2e-4. Capped at 0.3 so that a
    factor-2 mistake still fails; in float16 and bfloat16 the cap is what limits it, i.e.
    those formats cannot confirm a gradient to better than tens of percent.

    atol is absolute, so it does not "pass anything" by itself: the check treats an entry as
    decided only where atol + rtol·|g| is below half of |g| (a sign flip or a factor 2 then
    falls outside it); smaller gradients are undecided, and a tensor made mostly of them
    makes the verdict inconclusive, never a pass. ``epsilon``: a fixed step instead of the
    recommended one (the round-off floor u·|L|/ε grows as ε shrinks, and the truncation
    error ε²·L‴/6 grows as it widens: it is allowed for as ε²·max(1, |L|), the same
    allowance the float64 check makes).
    """
    u = unit_roundoff(dtype)
    scale = max(1.0, abs(loss))
    truncation = 0.0
    if epsilon is None:
        epsilon = recommended_epsilon(dtype, 0.0, "central")
    else:
        truncation = epsilon**2 * scale
    atol = _round_up_to_power_of_ten(10 * u * scale / epsilon + truncation)
    rtol = _round_up_to_power_of_ten(10 * u ** (2.0 / 3.0))
    return Tolerances(dtype, epsilon, atol, min(rtol, 0.3))


def check_epsilon(dtype: str) -> float:
    """The check's own ε for |w| ≤ 1 (scaled by max(1, |w|) per parameter).

    In float64 the batched engine forms every loss *difference* directly, so its round-off
    is about u·|ΔL| and does not grow as ε shrinks; only the central difference's
    truncation error ε²·L'''/6 is left, and ε = √u puts that below round-off too. (At the
    calculator's u^(1/3) ≈ 5e-6, truncation alone is ~1e-13 absolute, i.e. above 1e-8
    relative for gradients smaller than ~1e-5.) In the other formats the perturbed losses
    are rounded as that format rounds them, so the usual balance ε = u^(1/3) applies.
    """
    scheme = "forward" if dtype == "float64" else "central"  # u^(1/2) or u^(1/3)
    return recommended_epsilon(dtype, 0.0, scheme)


def check_tolerances(settings: CheckSettings, loss: float, largest_weight: float) -> Tolerances:
    """The agreement a correct gradient reaches in this check: it decides 'within tolerance'.

    Float64 full and sampled checks form each loss difference directly, so their error is
    round-off of that difference (measured below 1e-16 absolute on 1e6 parameters; allowed
    1e-14·max(1,|L|)) plus the central difference's truncation, ε² times the loss's third
    derivative over 6, allowed as ε²·max(1,|L|) for the largest ε used; rtol 1e-8. That is
    tight enough to catch a backprop that is off by one part in a million. Projections and
    the other formats subtract rounded losses, so they use ``recommended_tolerances``.
    """
    if settings.dtype != "float64" or settings.mode == "projection":
        return recommended_tolerances(settings.dtype, loss, settings.epsilon)
    scale = max(1.0, abs(loss))
    epsilon = settings.epsilon if settings.epsilon is not None else check_epsilon("float64")
    widest = epsilon * (1.0 if settings.epsilon is not None else max(1.0, largest_weight))
    atol = _round_up_to_power_of_ten(1e-14 * scale + widest**2 * scale)
    return Tolerances("float64", epsilon, atol, 1e-8)


def _round_up_to_power_of_ten(value: float) -> float:
    """The next of 1, 2, 5 × 10^k at or above value (tolerances people can read)."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        if value <= step * power * (1 + 1e-12):
            return step * power
    return 10 * power


# ---------------------------------------------------------------- the report


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

    @property
    def inconclusive(self) -> bool:
        """No failures, but most entries are too small for the dtype to tell right from wrong."""
        return self.failures == 0 and self.checked > 0 and self.undecided * 2 > self.checked


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
    summary: str  # the verdict in words
    parameters_checked: int
    evaluations: int
    seconds: float
    # no failures, but some tensor is mostly undecided: the verdict is then "fail" (not a
    # pass: nothing was confirmed), the summary starts "Inconclusive" and the CLI exits 1
    inconclusive: bool = False

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    @property
    def loose(self) -> bool:
        """A pass where most entries agree only within the dtype's tolerance, not to 1e-7."""
        checked = sum(t.checked for t in self.tensors)
        within = sum(t.within_tolerance for t in self.tensors)
        return self.passed and within > checked / 2


# ---------------------------------------------------------------- cost planner


@dataclass(frozen=True)
class CostPlan:
    """What a mode costs before it runs."""

    mode: str
    parameters_checked: int
    evaluations: int
    seconds_per_evaluation: float
    expected_seconds: float
    memory_bytes: int
    # expected seconds of each tensor (in tensor order): the check's progress bar uses them
    tensor_seconds: tuple[float, ...] = ()


def plan_costs(settings: CheckSettings, network: Network | None = None) -> dict[str, CostPlan]:
    """Evaluations and expected time of every mode, from a short timed run of the real code.

    The timed run goes through the same chunks as the check itself, for up to ~2,000
    entries (or 20 ms) of every tensor in both layouts, plus one projection direction, so
    the measured seconds per evaluation include each tensor kind's batching.
    """
    settings.validate()
    with single_threaded_blas():
        return _plan_costs(settings, network)


def _plan_costs(settings: CheckSettings, network: Network | None) -> dict[str, CostPlan]:
    start = time.perf_counter()
    net = network or build_network(settings.spec)
    context = _Context(net, settings)
    setup = time.perf_counter() - start
    per_tensor: dict[str, dict[bool, float]] = {}
    jets = settings.dtype == "float64"
    names = [name for name, _shape in settings.spec.tensor_shapes]
    for position, name in enumerate(names):
        per_tensor[name] = {}
        if jets and position % 2 == 1 and position // 2 < context.layers - 2:
            # a deep bias reuses the jets its weight row computed: probing it alone would
            # time every unit's jet against a few entries; an entry costs what a weight does
            per_tensor[name] = dict(per_tensor[names[position - 1]])
            continue
        for full in (True, False):
            start = time.perf_counter()
            count = 0
            for piece in context.tensor_pieces(position, full, limit=PROBE_ENTRIES):
                count += np.size(piece[0])
                if time.perf_counter() - start > PROBE_SECONDS:
                    break
            per_tensor[name][full] = (time.perf_counter() - start) / (2 * max(count, 1))
    times = []
    largest = max(range(len(net.parameters)), key=lambda p: net.parameters[p].size)
    for k in range(3):  # the first is a warm-up
        unit = direction(net.parameters[largest].shape, 0, largest, k)
        projection_losses(context.net, settings.dtype, largest, unit, 1e-3)
        times.append(time.perf_counter())
    per_direction = (times[-1] - times[0]) / 4  # two directions, two evaluations each
    plans: dict[str, CostPlan] = {}
    for mode in MODES:
        mode_settings = replace(settings, mode=mode)
        seconds = setup
        tensor_seconds = []
        for name, shape in settings.spec.tensor_shapes:
            size = math.prod(shape)
            if mode == "full":
                tensor_seconds.append(2 * size * per_tensor[name][True])
            elif mode == "sample":
                tensor_seconds.append(2 * min(size, settings.samples) * per_tensor[name][False])
            else:
                tensor_seconds.append(2 * settings.directions * per_direction)
            seconds += tensor_seconds[-1]
        evaluations = mode_settings.evaluations
        plans[mode] = CostPlan(
            mode,
            mode_settings.parameters_checked,
            evaluations,
            seconds / max(evaluations, 1),
            seconds,
            estimate_memory_bytes(mode_settings),
            tuple(tensor_seconds),
        )
    return plans


# ---------------------------------------------------------------- the check itself


def tensor_weights(settings: CheckSettings) -> list[float]:
    """Rough relative cost of each tensor's share of the check (when no plan was measured).

    Per perturbation and example: a few dozen elementwise operations where the change stops
    at the output or the last hidden layer; for earlier layers, the change is pushed through
    every deeper hidden layer (about 8 elementwise operations per unit plus one
    multiply-add per weight of the next layer), or, for the float64 jet path, four such
    passes per unit shared by its whole row. Projections run two forward passes.
    """
    sizes = settings.spec.layer_sizes
    layers = len(sizes) - 1
    forward = sum(sizes[m] * sizes[m + 1] for m in range(layers))
    weights = []
    for position, (_name, shape) in enumerate(settings.spec.tensor_shapes):
        layer = position // 2
        if settings.mode == "projection":
            weights.append(settings.directions * 2.0 * forward)
            continue
        per_entry = 20.0
        jets = settings.dtype == "float64"
        if jets and layer < layers - 2:
            per_entry = 200.0  # gathering the jet per entry, Horner for ΔL+ and ΔL−
        for m in range(layer + 1, layers - 1):
            if jets:  # a 4th-order jet per unit, shared by the unit's row of weights
                per_entry += 1.5 * sizes[m + 1] * (8.0 + sizes[m + 2]) / sizes[layer]
            else:
                per_entry += sizes[m + 1] * (8.0 + sizes[m + 2])
        count = (
            math.prod(shape) if settings.mode == "full" else min(settings.samples, math.prod(shape))
        )
        weights.append(count * per_entry)
    return weights


def run_check(
    settings: CheckSettings,
    network: Network | None = None,
    weights: list[float] | tuple[float, ...] | None = None,
) -> Generator[Progress, None, CheckReport]:
    """Check the network's (possibly buggy) backprop; yields progress, returns the report.

    Each yield is ``(fraction, message)`` and a point where the caller may stop by closing
    the generator. Settings are validated at the first step, before any work. The fraction
    is weighted by each tensor's cost (``weights``: the cost planner's ``tensor_seconds``
    for this mode, else ``tensor_weights``), so it tracks time, not entries: in a deep
    network one entry of W1 costs hundreds of times one entry of the last layers.
    """
    settings.validate()
    count = len(settings.spec.tensor_shapes)
    if (
        weights is None
        or len(weights) != count
        or not all(math.isfinite(w) and w >= 0 for w in weights)
    ):
        weights = tensor_weights(settings)
    with single_threaded_blas():
        return (yield from _check_steps(settings, network, list(weights)))


def _check_steps(
    settings: CheckSettings, network: Network | None, weights: list[float]
) -> Generator[Progress, None, CheckReport]:
    started = time.perf_counter()
    yield 0.0, "building the network"
    net = network or build_network(settings.spec)
    yield 0.0, "forward pass and backprop"
    context = _Context(net, settings)
    analytic = context.analytic
    largest = max(float(np.max(np.abs(p))) for p in context.net.parameters)
    tolerances = check_tolerances(settings, context.loss, largest)
    total = settings.parameters_checked
    done = 0
    total_weight = sum(weights) or 1.0
    finished_weight = 0.0  # the weight of the tensors already checked
    results: list[_TensorResult] = []
    for position, (name, shape) in enumerate(settings.spec.tensor_shapes):
        result = _TensorResult(name, shape, settings.mode, settings.directions)
        results.append(result)
        weight = weights[position] / total_weight
        size = result.numeric.size
        if settings.mode == "sample":
            size = min(settings.samples, size)
        tensor_done = 0

        def fraction(part: int) -> float:
            return min(1.0, finished_weight + weight * part / max(size, 1))  # noqa: B023

        if settings.mode == "projection":
            epsilon = settings.epsilon or recommended_epsilon(settings.dtype, 0.0, "central")
            for k in range(settings.directions):
                unit = direction(shape, settings.sample_seed, position, k)
                loss_plus, loss_minus, kink, vanished = projection_losses(
                    context.net, settings.dtype, position, unit, epsilon, with_flags=True
                )
                plus, minus = loss_plus - context.loss, loss_minus - context.loss
                numeric = (plus - minus) / (2 * epsilon)  # reproducible from (ε, ΔL+, ΔL−)
                projected = float(np.sum(analytic[position] * unit))
                result.store_direction(k, numeric, projected, epsilon, plus, minus, kink, vanished)
                done += 1
                tensor_done += 1
                message = f"{name}: direction {k + 1} of {settings.directions}"
                yield fraction(tensor_done), message
            finished_weight += weight
            continue
        for piece in context.tensor_pieces(position, full=settings.mode == "full"):
            result.store(*piece)
            done += np.size(piece[0])
            tensor_done += np.size(piece[0])
            yield fraction(tensor_done), f"{name}: {done:,} of {total:,} entries"
        finished_weight += weight
    yield 1.0, "writing the report"
    return _build_report(settings, context, results, tolerances, time.perf_counter() - started)


def run_to_completion(settings: CheckSettings, network: Network | None = None) -> CheckReport:
    """Drive ``run_check`` without a caller that cancels (CLI, scripts, tests)."""
    from fdgui.core.jobs import drive

    return drive(run_check(settings, network))


# ---------------------------------------------------------------- per-tensor accumulation


class _TensorResult:
    """Numbers gathered for one tensor while the check runs."""

    def __init__(self, name: str, shape: tuple[int, ...], mode: str, directions: int) -> None:
        self.name = name
        self.shape = shape
        size = directions if mode == "projection" else math.prod(shape)
        self.numeric = np.full(size, np.nan)
        self.analytic = np.full(size, np.nan)
        self.epsilon = np.full(size, np.nan)
        self.loss_plus_change = np.full(size, np.nan)
        self.loss_minus_change = np.full(size, np.nan)
        self.kink = np.zeros(size, dtype=bool)
        self.vanished = np.zeros(size, dtype=bool)  # w ± ε rounds back to w: step lost
        self.projection = mode == "projection"

    def store(self, indices, numeric, analytic, epsilon, plus, minus, kink, vanished=False) -> None:
        self.numeric[indices] = numeric
        self.analytic[indices] = analytic
        self.epsilon[indices] = epsilon
        self.loss_plus_change[indices] = plus
        self.loss_minus_change[indices] = minus
        self.kink[indices] = kink
        self.vanished[indices] = vanished

    def store_direction(self, k, numeric, analytic, epsilon, plus, minus, kink, vanished) -> None:
        self.store(k, numeric, analytic, epsilon, plus, minus, kink, vanished)


# ---------------------------------------------------------------- evaluation context


class _Context:
    """The network's unperturbed forward pass and the tables every chunk reuses."""

    def __init__(self, net: Network, settings: CheckSettings) -> None:
        self.net = net
        self.settings = settings
        self.dtype = settings.dtype
        self.spec = net.spec
        self.layers = net.layer_count
        if settings.dtype != "float64":
            self.net = net = net.rounded_to(settings.dtype)
        self.analytic = net.gradient(settings.bug)
        self.fp = net.forward("float64")
        self.loss = float(net.loss(dtype=settings.dtype))
        self.batch = self.spec.batch_size
        base = check_epsilon(settings.dtype)
        self.epsilon_base = settings.epsilon if settings.epsilon is not None else base
        self.epsilon_scaled = settings.epsilon is None
        if settings.dtype == "float64":
            self._prepare_float64()
        else:
            self.ar = Arithmetic(settings.dtype)
            self.fp_dtype = net.forward(settings.dtype)

    # -- tables -------------------------------------------------------------------

    def _prepare_float64(self) -> None:
        fp, spec = self.fp, self.spec
        self.hidden: list[dict[str, np.ndarray]] = []
        with np.errstate(over="ignore"):
            for layer in range(self.layers - 1):
                z = fp.pre_activations[layer]
                if spec.activation == "tanh":
                    table = {"a": fp.inputs[layer + 1], "s": 1.0 / np.cosh(z) ** 2}
                    table["gs"] = table["s"]
                elif spec.activation == "sigmoid":
                    table = {"a": np.tanh(z / 2), "s": 1.0 / np.cosh(z / 2) ** 2}
                    table["gs"] = 0.5 * table["s"]
                else:
                    table = {"z": z}
                self.hidden.append(table)
        outputs = fp.pre_activations[-1]
        if spec.loss == "cross-entropy":
            shifted = outputs - outputs.max(axis=1, keepdims=True)
            probabilities = np.exp(shifted)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            self.probabilities = probabilities
            self.onehot = np.zeros_like(outputs)
            self.onehot[np.arange(self.batch), self.net.targets] = 1.0
        else:
            self.residual = outputs - self.net.targets
        if self.layers >= 2:
            w_out = self.net.parameters[-2]  # (K, n)
            if spec.loss == "cross-entropy":
                p = self.probabilities  # (B, K)
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
                target_weight = w_out[self.net.targets, :]  # (B, n)
                self.series = (
                    mean - target_weight,
                    m2 / 2,
                    m3 / 6,
                    (m4 - 3 * m2 * m2) / 24,
                    (m5 - 10 * m3 * m2) / 120,
                )
                self.weight_range = w_out.max(axis=0) - w_out.min(axis=0)
            else:
                self.series = (self.residual @ w_out, 0.5 * np.sum(w_out**2, axis=0)[None, :])

    def epsilon_for(self, values: np.ndarray) -> np.ndarray | float:
        if not self.epsilon_scaled:
            return self.epsilon_base
        return self.epsilon_base * np.maximum(1.0, np.abs(values))

    def tensor_indices(self, position: int, full: bool) -> np.ndarray:
        """The flat indices a mode checks in one tensor (k random ones when sampling)."""
        size = self.net.parameters[position].size
        if full:
            return np.arange(size)
        rng = np.random.default_rng([self.settings.sample_seed, position])
        count = min(self.settings.samples, size)
        return np.sort(rng.choice(size, size=count, replace=False))

    def tensor_pieces(self, position: int, full: bool, limit: int | None = None):
        """Evaluate one tensor chunk by chunk; yields the stored tuples of each chunk.

        Whole weight matrices of the last two layers go row-block by row-block (no index
        arrays); everything else goes as chunks of gathered indices. ``limit`` stops after
        about that many entries (the cost planner's probe).
        """
        shape = self.net.parameters[position].shape
        done = 0
        block = position // 2 >= self.layers - 2 and len(shape) == 2
        if full and self.dtype == "float64" and block:
            rows_per_chunk = max(1, FAST_CHUNK_ELEMENTS // (self.batch * shape[1]))
            for row in range(0, shape[0], rows_per_chunk):
                stop = min(shape[0], row + rows_per_chunk)
                yield from self.evaluate_rows(position, row, stop)
                done += (stop - row) * shape[1]
                if limit is not None and done >= limit:
                    return
            return
        indices = self.tensor_indices(position, full)
        step = max(1, self.gather_chunk(position))
        for start in range(0, indices.size, step):
            yield self.evaluate_indices(position, indices[start : start + step])
            done += min(step, indices.size - start)
            if limit is not None and done >= limit:
                return

    def gather_chunk(self, position: int) -> int:
        layer = position // 2
        widest = max(self.spec.layer_sizes[layer + 1 :])
        if self.dtype != "float64":
            return max(1, CHUNK_ELEMENTS // (self.batch * widest))
        if layer < self.layers - 2:
            return max(1, CHUNK_ELEMENTS // (self.batch * 8))  # jets: a few (B, P) arrays
        return max(1, CHUNK_ELEMENTS // (self.batch * max(4, self.spec.layer_sizes[-1])))

    # -- float64 engine ---------------------------------------------------------------

    def _buffer(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A reusable work array: fresh 1 MB temporaries cost more in page faults than the
        arithmetic done in them, so the hot loop writes into the same memory every chunk."""
        buffers = _BUFFERS.__dict__.setdefault("arrays", {})
        size = math.prod(shape)
        buffer = buffers.get(name)
        if buffer is None or buffer.size < size:
            buffer = np.empty(max(size, FAST_CHUNK_ELEMENTS))
            buffers[name] = buffer
        return buffer[:size].reshape(shape)

    def _fast_rows(self, position, rows, epsilon):
        """ΔL± for whole rows of the last hidden layer's weights (smooth activation, one ε).

        Returns None when the series guard fails (the caller then uses the general path).
        """
        layer = position // 2
        table = self.hidden[layer]
        source = self.fp.inputs[layer]  # (B, J)
        key = (position, float(epsilon))
        if getattr(self, "_t_key", None) != key:
            scale = 1.0 if self.spec.activation == "tanh" else 0.5
            self._t_table = np.tanh(scale * epsilon * source)[:, None, :]  # (B, 1, J)
            self._t_key = key
        t = self._t_table
        t_max = float(np.max(np.abs(t)))
        reach = t_max / (1.0 - t_max)  # |d| ≤ |T|·sech²/(1 − |a·T|) ≤ |T|/(1 − |T|)
        terms = [term[:, rows, None] for term in self.series]
        if self.spec.loss == "cross-entropy":
            degree = series_degree(reach * float(np.max(self.weight_range[rows])), epsilon)
            if degree is None:
                return None
            terms = terms[:degree]
        shape = (self.batch, rows.stop - rows.start, source.shape[1])
        numerator = self._buffer("numerator", shape)
        at = self._buffer("at", shape)
        d_plus = self._buffer("d_plus", shape)
        d_minus = self._buffer("d_minus", shape)
        np.multiply(t, table["gs"][:, rows, None], out=numerator)
        np.multiply(t, table["a"][:, rows, None], out=at)
        np.add(at, 1.0, out=d_plus)
        np.divide(numerator, d_plus, out=d_plus)
        np.subtract(at, 1.0, out=d_minus)
        np.divide(numerator, d_minus, out=d_minus)  # = −T·s/(1 − a·T)
        changes = []
        for d, work in ((d_plus, numerator), (d_minus, at)):
            np.multiply(d, terms[-1], out=work)
            for term in reversed(terms[:-1]):
                work += term
                work *= d
            changes.append(work.sum(axis=0) / self.batch)
        return changes[0], changes[1]

    def evaluate_rows(self, position: int, row_start: int, row_stop: int):
        """Every entry of rows row_start..row_stop of a weight matrix (block layout)."""
        layer = position // 2
        weight = self.net.parameters[position]
        rows = slice(row_start, row_stop)
        epsilon = self.epsilon_for(weight[rows])
        if np.ndim(epsilon) and np.all(epsilon == epsilon.flat[0]):
            epsilon = float(epsilon.flat[0])
        if np.ndim(epsilon) == 0 and layer == self.layers - 2 and self.spec.activation != "relu":
            fast = self._fast_rows(position, rows, epsilon)
            if fast is not None:
                plus, minus, vanished = self._lost_steps(weight[rows], epsilon, *fast)
                numeric = (plus - minus) / (2 * epsilon)
                flat = np.arange(row_start * weight.shape[1], row_stop * weight.shape[1])
                yield (
                    flat,
                    numeric.ravel(),
                    self.analytic[position][rows].ravel(),
                    epsilon,
                    plus.ravel(),
                    minus.ravel(),
                    False,
                    np.broadcast_to(vanished, numeric.shape).ravel(),
                )
                return
        source = self.fp.inputs[layer][:, None, :]  # (B, 1, J)

        def unit(array: np.ndarray) -> np.ndarray:
            return array[:, rows, None]

        def unit1(array: np.ndarray) -> np.ndarray:
            return array[rows, None]

        columns = weight.shape[1]
        units_flat = np.repeat(np.arange(row_start, row_stop), columns)
        plus, minus, kink = self._changes(
            layer, unit, unit1, units_flat, epsilon * source, float(np.min(epsilon))
        )
        flat = np.arange(row_start * columns, row_stop * columns)
        plus, minus, vanished = self._lost_steps(weight[rows], epsilon, plus, minus)
        numeric = (plus - minus) / (2 * epsilon)
        analytic = self.analytic[position][rows]
        yield (
            flat,
            numeric.ravel(),
            analytic.ravel(),
            np.broadcast_to(epsilon, numeric.shape).ravel(),
            plus.ravel(),
            minus.ravel(),
            kink.ravel(),
            np.broadcast_to(vanished, numeric.shape).ravel(),
        )

    def evaluate_indices(self, position: int, indices: np.ndarray):
        """Any list of flat indices of one tensor (gather layout)."""
        if self.dtype != "float64":
            return self._evaluate_in_dtype(position, indices)
        layer = position // 2
        values = self.net.parameters[position].ravel()[indices]
        epsilon = self.epsilon_for(values)
        if position % 2 == 0:
            units, sources = np.divmod(indices, self.net.parameters[position].shape[1])
            delta = epsilon * self.fp.inputs[layer][:, sources]  # (B, P)
        else:
            units = indices
            delta = np.broadcast_to(epsilon, (self.batch, indices.size))

        def unit(array: np.ndarray) -> np.ndarray:
            return array[:, units]

        def unit1(array: np.ndarray) -> np.ndarray:
            return array[units]

        plus, minus, kink = self._changes(layer, unit, unit1, units, delta, float(np.min(epsilon)))
        plus, minus, vanished = self._lost_steps(values, epsilon, plus, minus)
        numeric = (plus - minus) / (2 * epsilon)
        analytic = self.analytic[position].ravel()[indices]
        epsilon_array = np.broadcast_to(epsilon, numeric.shape)
        return indices, numeric, analytic, epsilon_array, plus, minus, kink, vanished

    def _lost_steps(self, values, epsilon, plus, minus):
        """ΔL± with the steps float64 cannot represent at w set to 0, and where both were lost.

        The engine forms ΔL from ε itself, never from w ± ε, so on its own it would report an
        exact derivative even for an ε so small that w + ε == w; a person's finite difference
        sees no step there, and so does this check (numeric 0, the entry marked as undecided).
        Only a fixed ε can be that small: the recommended √u·max(1, |w|) always moves w.
        """
        if self.epsilon_scaled:
            return plus, minus, False
        values = np.asarray(values, dtype=np.float64)
        lost_plus = np.broadcast_to(values + epsilon == values, np.shape(plus))
        lost_minus = np.broadcast_to(values - epsilon == values, np.shape(minus))
        if not (lost_plus.any() or lost_minus.any()):
            return plus, minus, False
        plus = np.where(lost_plus, 0.0, plus)
        minus = np.where(lost_minus, 0.0, minus)
        return plus, minus, lost_plus & lost_minus

    def _changes(self, layer, unit, unit1, units_flat, delta, epsilon):
        """Loss changes ΔL± (averaged over the batch) for perturbations ±delta of one layer.

        ``delta`` has the batch on axis 0 (``epsilon``: the smallest step, for the series
        bound); ``unit``/``unit1`` pick the perturbed units'
        values out of (B, n) / (n,) tables in the same layout.
        """
        batch = self.batch
        shape = np.broadcast_shapes(delta.shape, unit(self.fp.pre_activations[layer]).shape)
        kink = np.zeros(shape[1:], dtype=bool)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            if layer == self.layers - 1:
                plus = self._single_output_change(unit, delta).sum(axis=0) / batch
                minus = self._single_output_change(unit, -delta).sum(axis=0) / batch
                return plus, minus, kink
            d_plus, d_minus, kink = self._activation_changes(layer, unit, delta)
            if layer == self.layers - 2:
                plus, minus = self._output_along_column(
                    unit, unit1, units_flat, d_plus, d_minus, epsilon
                )
            else:
                jet = self._jet_change(layer, units_flat, d_plus, d_minus, epsilon)
                if jet is not None:
                    plus, minus, switched = jet
                    if switched is not None:  # relu entries where a deeper unit switches
                        plus, minus = self._exact_where(
                            layer, units_flat, d_plus, d_minus, kink, switched, plus, minus
                        )
                else:
                    plus, minus = self._deep_changes(layer, units_flat, d_plus, d_minus, kink)
        return plus, minus, kink

    def _deep_changes(self, layer, units_flat, d_plus, d_minus, kink):
        """_deep_change for ΔL+ and ΔL−, in slices that keep its (B, P, width) arrays small."""
        batch = self.batch
        shape = d_plus.shape
        units = np.broadcast_to(np.asarray(units_flat).reshape(-1), (int(np.prod(shape[1:])),))
        plus_flat = d_plus.reshape(batch, -1)
        minus_flat = d_minus.reshape(batch, -1)
        kink_flat = kink.reshape(-1)
        widest = max(self.spec.layer_sizes[layer + 1 :])
        step = max(1, DEEP_CHUNK_ELEMENTS // (batch * widest))
        plus = np.empty(units.size)
        minus = np.empty(units.size)
        for start in range(0, units.size, step):
            part = slice(start, start + step)
            flags = kink_flat[part].copy()
            plus[part] = self._deep_change(layer, units[part], plus_flat[:, part], flags)
            minus[part] = self._deep_change(layer, units[part], minus_flat[:, part], flags)
            kink_flat[part] = flags
        return plus.reshape(shape[1:]), minus.reshape(shape[1:])

    def _jet_change(self, layer, units_flat, d_plus, d_minus, epsilon):
        """ΔL± for a smooth deep layer from the loss's Taylor series in the unit's change d.

        Once hidden unit i of layer l has changed by d (exact, addition theorem), everything
        downstream is a smooth function of that one number, the same for every weight in row
        i: ΔL_b(d) = c1·d + c2·d² + c3·d³ + c4·d⁴ + O(d⁵). The coefficients come from pushing
        a 4th-order jet (Faà di Bruno) through the deeper layers once per unit, so a weight
        costs a handful of operations per example instead of a pass through every deeper
        layer. Used only where the last term kept adds below SERIES_TAIL (1e-20) to the
        numeric gradient (each omitted one is smaller again by about |d|·‖W‖, ~1e-7 at the
        recommended ε); otherwise None and the caller pushes the exact differences through.
        """
        batch = self.batch
        shape = d_plus.shape
        plus_flat = d_plus.reshape(batch, -1)
        minus_flat = d_minus.reshape(batch, -1)
        units = np.asarray(units_flat).reshape(-1)
        unique, inverse = np.unique(units, return_inverse=True)
        coefficients = self._jet_coefficients(layer, unique)  # (5, B, U)
        c = coefficients[:4, :, inverse]  # (4, B, P)
        switched = None
        if self.spec.activation == "relu":
            # exact (piecewise linear) only while no deeper unit switches: |d| < ρ(b, i);
            # entries where one does go through the exact path (which also flags the kink)
            limit = coefficients[4][:, inverse]
            switched = np.any((np.abs(plus_flat) >= limit) | (np.abs(minus_flat) >= limit), axis=0)
            if not switched.any():
                switched = None
        reach = max(float(np.max(np.abs(plus_flat))), float(np.max(np.abs(minus_flat))))
        last = float(np.max(np.sum(np.abs(c[3]), axis=0))) * reach**4 / batch
        if not math.isfinite(last) or last / (2 * epsilon) > SERIES_TAIL:
            return None
        changes = []
        for d in (plus_flat, minus_flat):
            work = c[3] * d
            for k in (2, 1, 0):
                work += c[k]
                work *= d
            changes.append(work.sum(axis=0) / batch)
        plus, minus = changes[0].reshape(shape[1:]), changes[1].reshape(shape[1:])
        return plus, minus, switched

    def _exact_where(self, layer, units_flat, d_plus, d_minus, kink, switched, plus, minus):
        """Replace ΔL± of the ``switched`` entries (flat mask) by the exact deep path."""
        batch = self.batch
        count = switched.size
        units = np.broadcast_to(np.asarray(units_flat).reshape(-1), (count,))
        chosen = np.flatnonzero(switched)
        kink_flat = kink.reshape(-1)
        flags = kink_flat[chosen].copy()
        exact_plus, exact_minus = self._deep_changes(
            layer,
            units[chosen],
            d_plus.reshape(batch, -1)[:, chosen],
            d_minus.reshape(batch, -1)[:, chosen],
            flags,
        )
        kink_flat[chosen] = flags
        plus = plus.reshape(-1).copy()
        minus = minus.reshape(-1).copy()
        plus[chosen] = exact_plus
        minus[chosen] = exact_minus
        return plus.reshape(np.shape(d_plus)[1:]), minus.reshape(np.shape(d_plus)[1:])

    def _jet_coefficients(self, layer, units):
        """c1..c4 (4, B, len(units)) of ΔL_b(d) for a change d of hidden units of layer l."""
        cache = self.__dict__.setdefault("_jets", {})
        known = cache.get(layer)
        if known is None:
            known = cache[layer] = (
                np.zeros(self.spec.layer_sizes[layer + 1], dtype=bool),
                np.zeros((5, self.batch, self.spec.layer_sizes[layer + 1])),
            )
        done, table = known
        missing = units[~done[units]]
        step = max(1, CHUNK_ELEMENTS // (4 * self.batch * max(self.spec.layer_sizes)))
        for start in range(0, missing.size, step):
            chunk = missing[start : start + step]
            table[:, :, chunk] = self._jets_for(layer, chunk)
            done[chunk] = True
        return table[:, :, units]

    def _jets_for(self, layer, units):
        batch = self.batch
        weight = self.net.parameters[2 * (layer + 1)]  # (n_next, n)
        # orders 1..4 of Δz at layer l+1: d·W[:, i] (B, U, n_next)
        first = np.broadcast_to(weight[:, units].T[None], (batch, units.size, weight.shape[0]))
        delta = [first, None, None, None]
        sigmoid = self.spec.activation == "sigmoid"
        relu = self.spec.activation == "relu"
        # relu: the smallest |d| at which some deeper unit would switch (Δz is linear in d
        # until then, so the series below is exact up to that point)
        switch = np.full((batch, units.size), np.inf)
        for deeper in range(layer + 1, self.layers - 1):
            z = self.fp.pre_activations[deeper][:, None, :]
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
            next_weight = self.net.parameters[2 * (deeper + 1)]
            delta = [term @ next_weight.T for term in a]
        o1, o2, o3, o4 = (
            np.zeros(np.shape(delta[0])) if term is None else np.asarray(term) for term in delta
        )
        if self.spec.loss == "cross-entropy":
            p = self.probabilities[:, None, :]
            e = [
                o1,
                o2 + 0.5 * o1 * o1,
                o3 + o1 * o2 + o1**3 / 6.0,
                o4 + o1 * o3 + 0.5 * o2 * o2 + 0.5 * o1 * o1 * o2 + o1**4 / 24.0,
            ]
            s1, s2, s3, s4 = (np.sum(p * term, axis=-1) for term in e)
            target = self.net.targets
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
        r = self.residual[:, None, :]
        return np.stack(
            [
                np.sum(r * o1, axis=-1),
                np.sum(r * o2 + 0.5 * o1 * o1, axis=-1),
                np.sum(r * o3 + o1 * o2, axis=-1),
                np.sum(r * o4 + 0.5 * o2 * o2 + o1 * o3, axis=-1),
                switch,
            ]
        )

    def _single_output_change(self, unit, delta):
        """Per-example loss change when one output (logit) moves by delta."""
        if self.spec.loss == "cross-entropy":
            return np.log1p(unit(self.probabilities) * np.expm1(delta)) - delta * unit(self.onehot)
        return delta * (unit(self.residual) + 0.5 * delta)

    def _activation_changes(self, layer, unit, delta):
        """f(z ± δ) − f(z) for the perturbed hidden unit, computed without cancellation."""
        table = self.hidden[layer]
        activation = self.spec.activation
        if activation == "relu":
            z = unit(table["z"])
            positive = z > 0
            up = z + delta
            down = z - delta
            d_plus = np.where(positive, np.where(up > 0, delta, -z), np.maximum(up, 0.0))
            d_minus = np.where(positive, np.where(down > 0, -delta, -z), np.maximum(down, 0.0))
            kink = ((up > 0) != positive) | ((down > 0) != positive)
            return d_plus, d_minus, kink.any(axis=0)
        if activation == "tanh":
            t = np.tanh(delta)
            numerator = t * unit(table["s"])
        else:
            t = np.tanh(0.5 * delta)
            numerator = t * (0.5 * unit(table["s"]))
        at = unit(table["a"]) * t
        d_plus = numerator / (1.0 + at)
        d_minus = -numerator / (1.0 - at)
        shape = np.broadcast_shapes(d_plus.shape)
        return d_plus, d_minus, np.zeros(shape[1:], dtype=bool)

    def _output_along_column(self, unit, unit1, units_flat, d_plus, d_minus, epsilon):
        """ΔL± when the last hidden unit i changes by d: logits move by d·W_out[:, i]."""
        batch = self.batch
        if self.spec.loss == "mse":
            linear, quadratic = (unit(term) for term in self.series)
            plus = (d_plus * (linear + d_plus * quadratic)).sum(axis=0) / batch
            minus = (d_minus * (linear + d_minus * quadratic)).sum(axis=0) / batch
            return plus, minus
        reach = max(float(np.max(np.abs(d_plus))), float(np.max(np.abs(d_minus))))
        degree = series_degree(reach * float(np.max(unit1(self.weight_range))), epsilon)
        if degree is not None:
            terms = [unit(term) for term in self.series[:degree]]
            changes = []
            for d in (d_plus, d_minus):
                work = d * terms[-1]
                for term in reversed(terms[:-1]):
                    work += term
                    work *= d
                changes.append(work.sum(axis=0) / batch)
            return changes[0], changes[1]
        shape = d_plus.shape
        flat_plus = d_plus.reshape(batch, -1)
        flat_minus = d_minus.reshape(batch, -1)
        column = self.net.parameters[-2][:, units_flat].T  # (P, K)
        plus = self._logit_change(flat_plus[:, :, None] * column[None])
        minus = self._logit_change(flat_minus[:, :, None] * column[None])
        return plus.reshape(shape[1:]), minus.reshape(shape[1:])

    def _logit_change(self, change: np.ndarray) -> np.ndarray:
        """Mean over the batch of the loss change for logit changes (B, P, K)."""
        if self.spec.loss == "cross-entropy":
            p = self.probabilities[:, None, :]
            per_example = np.log1p(np.sum(p * np.expm1(change), axis=-1))
            per_example -= np.sum(self.onehot[:, None, :] * change, axis=-1)
        else:
            per_example = np.sum(change * (self.residual[:, None, :] + 0.5 * change), axis=-1)
        return per_example.sum(axis=0) / self.batch

    def _deep_change(self, layer, units_flat, d, kink):
        """Push the change of hidden unit(s) through the remaining layers as differences.

        Every step works on a difference, never on z + Δ − z: the activation change comes
        from the addition theorem (tanh, sigmoid) or exactly (relu), so ΔL keeps its digits
        even when the loss hardly moves. Work arrays are reused (see ``_buffer``).
        """
        batch = self.batch
        shape = d.shape
        d = d.reshape(batch, -1)  # (B, P)
        count = d.shape[1]
        weight = self.net.parameters[2 * (layer + 1)]  # (n_next, n)
        width = weight.shape[0]
        change = self._buffer(f"change{layer + 1}", (batch, count, width))
        np.multiply(d[:, :, None], weight[:, units_flat].T[None], out=change)
        kink_flat = kink.reshape(-1)
        for deeper in range(layer + 1, self.layers - 1):
            table = self.hidden[deeper]
            work = self._buffer(f"work{deeper}", change.shape)
            result = self._buffer(f"result{deeper}", change.shape)
            if self.spec.activation == "relu":
                z = table["z"][:, None, :]
                np.add(z, change, out=work)  # the moved pre-activation
                on = z > 0
                moved_on = work > 0
                kink_flat |= (moved_on != on).any(axis=(0, 2))
                np.copyto(result, change)  # units that stay on: the change itself, exactly
                np.maximum(work, 0.0, out=work)
                np.copyto(result, work, where=~on)  # off before: max(z + Δ, 0)
                np.copyto(result, np.broadcast_to(-z, result.shape), where=on & ~moved_on)
            else:
                sigmoid = self.spec.activation == "sigmoid"
                if sigmoid:
                    np.multiply(change, 0.5, out=work)
                    np.tanh(work, out=work)
                else:
                    np.tanh(change, out=work)
                np.multiply(work, table["gs"][:, None, :], out=result)
                np.multiply(work, table["a"][:, None, :], out=work)
                work += 1.0
                result /= work
            next_weight = self.net.parameters[2 * (deeper + 1)]
            change = self._buffer(f"change{deeper + 1}", (batch, count, next_weight.shape[0]))
            np.matmul(
                result.reshape(-1, result.shape[-1]),
                next_weight.T,
                out=change.reshape(-1, next_weight.shape[0]),
            )
        return self._logit_change(change).reshape(shape[1:])

    # -- other dtypes --------------------------------------------------------------

    def _evaluate_in_dtype(self, position: int, indices: np.ndarray):
        """Perturbed losses evaluated in the dtype, rounded as that format rounds them."""
        ar, fp = self.ar, self.fp_dtype
        values64 = self.net.parameters[position].ravel()[indices]
        epsilon = np.broadcast_to(self.epsilon_for(values64), indices.shape).astype(float)
        current = fp.parameters[position].ravel()[indices]
        plus_values = ar.cast(values64 + epsilon)
        minus_values = ar.cast(values64 - epsilon)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            loss_plus, kink_plus = self._dtype_losses(position, indices, plus_values, current)
            loss_minus, kink_minus = self._dtype_losses(position, indices, minus_values, current)
        base = np.float64(fp.loss)
        plus, minus = loss_plus - base, loss_minus - base  # exact: both are dtype numbers
        numeric = (plus - minus) / (2 * epsilon)
        analytic = self.analytic[position].ravel()[indices]
        vanished = (plus_values == current) & (minus_values == current)
        return indices, numeric, analytic, epsilon, plus, minus, kink_plus | kink_minus, vanished

    def _dtype_losses(self, position, indices, values, current):
        ar, fp, r = self.ar, self.fp_dtype, self.ar.round
        layer = position // 2
        delta = r(values - current)  # (P,)
        z = fp.pre_activations[layer]
        if position % 2 == 0:
            units, sources = np.divmod(indices, fp.parameters[position].shape[1])
            column = r(z[:, units].T + r(delta[:, None] * fp.inputs[layer][:, sources].T))
        else:
            units = indices
            column = r(z[:, units].T + delta[:, None])
        count = indices.size
        relu = self.spec.activation == "relu"
        kink = np.zeros(count, dtype=bool)
        if layer == self.layers - 1:
            outputs = np.broadcast_to(z, (count, *z.shape)).copy()
            outputs[np.arange(count), :, units] = column
        else:
            if relu:  # the perturbed unit itself switches on or off for some example
                kink |= np.any((column > 0) != (z[:, units].T > 0), axis=1)
            change = r(
                activate(column, self.spec.activation, ar) - fp.inputs[layer + 1][:, units].T
            )
            next_weight = fp.parameters[2 * (layer + 1)]
            outputs = r(
                fp.pre_activations[layer + 1][None]
                + r(change[:, :, None] * next_weight[:, units].T[:, None, :])
            )
            for deeper in range(layer + 2, self.layers):
                if relu:  # a deeper unit switches: the loss has a kink inside ±ε too
                    moved = (outputs > 0) != (fp.pre_activations[deeper - 1] > 0)[None]
                    kink |= moved.any(axis=(1, 2))
                hidden = activate(outputs, self.spec.activation, ar)
                outputs = affine(
                    hidden, fp.parameters[2 * deeper], fp.parameters[2 * deeper + 1], ar
                )
        targets = (
            self.net.targets if self.spec.loss == "cross-entropy" else ar.cast(self.net.targets)
        )
        losses = batch_mean(per_sample_loss(outputs, targets, self.spec.loss, ar), ar)
        return losses.astype(np.float64), kink


# ---------------------------------------------------------------- projections


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


# ---------------------------------------------------------------- the report builder


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


def heat_map_of(relative: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """log10 relative errors of a 2-D array, block maxima down to HEAT_MAP_SIDE a side."""
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


def _build_report(settings, context, results, tolerances, seconds) -> CheckReport:
    loss = context.loss
    tensors: list[TensorReport] = []
    candidates: list[Entry] = []
    total_failures = 0
    for result in results:
        checked = ~np.isnan(result.numeric)
        numeric = result.numeric
        analytic = result.analytic
        with np.errstate(invalid="ignore"):
            difference = np.abs(numeric - analytic)
            scale = np.maximum(np.maximum(np.abs(numeric), np.abs(analytic)), 1e-8)
            relative = difference / scale
        relative[~checked] = np.nan
        relative[checked & ~np.isfinite(relative)] = np.inf
        correct = relative <= VERDICTS[0].upper
        window = tolerances.atol + tolerances.rtol * np.abs(analytic)
        within = (difference <= window) & ~correct
        # a window of half the gradient or more would let a sign flip or a factor 2 through:
        # agreeing within it says nothing (nor does a step the dtype rounded away)
        undecided = (within | result.vanished) & (window >= 0.5 * np.abs(analytic))
        undecided |= result.vanished & ~correct
        undecided &= checked & ~result.kink
        explained = correct | within | result.kink | undecided
        failing = checked & ~explained
        failures = int(np.sum(failing))
        total_failures += failures
        values = relative[checked]
        counts = {verdict.key: 0 for verdict in VERDICTS}
        if values.size:
            edges = [verdict.upper for verdict in VERDICTS]
            bands = np.searchsorted(edges[:-1], values, side="left")
            for band_index, verdict in enumerate(VERDICTS):
                counts[verdict.key] = int(np.sum(bands == band_index))
        shape = (1, result.numeric.size) if result.projection else result.shape
        heat = relative.reshape(shape).copy()
        heat.setflags(write=False)
        heat_map, heat_levels = heat_map_of(heat if heat.ndim == 2 else heat[None, :])
        tensors.append(
            TensorReport(
                name=result.name,
                shape=result.shape,
                checked=int(values.size),
                max_relative_error=float(values.max()) if values.size else math.nan,
                median_relative_error=float(np.median(values)) if values.size else math.nan,
                band_counts=counts,
                kinks=int(np.sum(result.kink & checked & ~correct)),
                within_tolerance=int(np.sum(within & checked & ~result.kink & ~undecided)),
                failures=failures,
                relative_errors=heat,
                numeric=_frozen(numeric),
                analytic=_frozen(analytic),
                undecided=int(np.sum(undecided)),
                heat_map=heat_map,
                heat_levels=heat_levels,
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
            if result.kink[flat] and not correct[flat]:
                note = "kink"
            elif undecided[flat]:
                note = "flat" if same else "undecided"  # "flat": L+ = L− or no step at all
            elif within[flat]:
                note = "round-off"
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
                )
            )
    candidates.sort(key=lambda entry: (not entry.failing, -entry.relative_error))
    worst = tuple(candidates[:WORST_COUNT])
    # the worst tensor is the one holding the worst entry (the largest failing error)
    worst_tensor = worst[0].tensor if worst else ""
    inconclusive = total_failures == 0 and any(t.inconclusive for t in tensors)
    verdict = "pass" if total_failures == 0 and not inconclusive else "fail"
    report = CheckReport(
        settings=settings,
        loss=loss,
        tolerances=tolerances,
        tensors=tuple(tensors),
        worst=worst,
        verdict=verdict,
        worst_tensor=worst_tensor,
        summary="",
        parameters_checked=settings.parameters_checked,
        evaluations=settings.evaluations,
        seconds=seconds,
        inconclusive=inconclusive,
    )
    from fdgui.core.report.netcheck import verdict_in_words

    return replace(report, summary=verdict_in_words(report))
