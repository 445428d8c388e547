"""What a network check is asked to do: the settings, their validation and the memory bill."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.mlp import NetworkSpec, check_bug
from fdgui.core.netcheck.chunks import (
    CHUNK_ELEMENTS,
    FAST_CHUNK_ELEMENTS,
    FORWARD_CHUNK_ELEMENTS,
    forward_rows_per_chunk,
)
from fdgui.core.numbers.format import byte_size
from fdgui.core.numbers.precision import DTYPE_NAMES

if TYPE_CHECKING:
    from fdgui.core.models.base import Model

MODES: tuple[str, ...] = ("full", "sample", "projection")
MODE_TITLES = {
    "full": "Full: every parameter",
    "sample": "Sampled: k entries per tensor",
    "projection": "Projections: K random directions per tensor",
}
ENGINES: tuple[str, ...] = ("exact", "forward")
ENGINE_TITLES = {
    "exact": "Exact: loss changes formed without cancellation (the built-in network only)",
    "forward": "Forward: central differences of the model's own loss as it runs",
}
MAX_SAMPLES = 1_000_000
MAX_DIRECTIONS = 10_000
MEMORY_FRACTION = 0.6  # of the memory the machine has available

Shapes = list[tuple[str, tuple[int, ...]]]


def memory_refusal(settings: Any, model: Any, needed: int, available: int) -> InputError:
    """Why a check that would not fit is refused, in plain words: the estimate, the memory
    available, the share a check may take of it, and what to change."""
    limit = byte_size(int(MEMORY_FRACTION * available))
    share = (
        f"a check may use {limit}: {MEMORY_FRACTION:.0%} of the {byte_size(available)} "
        "available (free memory or ulimit -v), the rest is left to the system"
    )
    # blame the batch when the same network fits with a batch of one example
    if settings.spec is not None and model is None:
        single = replace(settings, spec=replace(settings.spec, batch_size=1))
        if estimate_memory_bytes(single) <= MEMORY_FRACTION * available:
            return InputError(
                "batch_size",
                f"a batch of {settings.spec.batch_size:,} makes this check need about "
                f"{byte_size(needed)} of memory but {share}; use a smaller batch",
            )
    count = parameter_count(tensor_shapes(settings, model))
    from fdgui.core.netcheck.memory_advice import fitting_advice  # only changes that fit

    advice = fitting_advice(settings, model, available)
    measuring = roundoff_bytes(model, len(tensor_shapes(settings, model)), count)
    why = ""
    if settings.engine == "forward" and 2 * measuring > needed:
        why = (
            f", {byte_size(measuring)} of it the round-off measurement's points near θ0 "
            "(whole copies of θ, whatever the number of entries checked)"
        )
    return InputError(
        "layer_sizes" if model is None else "model",
        f"this check needs about {byte_size(needed)} of memory ({count:,} parameters{why}) "
        f"but {share}; {advice}",
    )


@dataclass(frozen=True)
class CheckSettings:
    """What to check and how.

    ``spec`` describes the built-in network; it may be None when the check is given a model
    of its own (``run_check(settings, model=...)``, forward engine only).
    """

    spec: NetworkSpec | None
    mode: str = "full"
    bug: str | None = None
    dtype: str = "float64"
    samples: int = 16  # k entries from every tensor (mode "sample")
    directions: int = 8  # K random directions per tensor (mode "projection")
    epsilon: float | None = None  # None: the recommended ε for the dtype, per parameter
    sample_seed: int = 0
    engine: str = "exact"  # "exact" (built-in network) or "forward" (any model)

    def validate(self, model: Model | None = None) -> None:
        """Raise InputError naming the field ("samples: ...") before any work starts."""
        if self.spec is not None:
            self.spec.validate()
        elif model is None:
            raise InputError("model", "give a network spec or a model to check")
        if self.engine not in ENGINES:
            raise InputError("engine", f"{self.engine!r} is not one of {', '.join(ENGINES)}")
        if self.mode not in MODES:
            raise InputError("mode", f"{self.mode!r} is not one of {', '.join(MODES)}")
        if self.dtype not in DTYPE_NAMES:
            raise InputError("dtype", f"{self.dtype!r} is not one of {', '.join(DTYPE_NAMES)}")
        if self.spec is not None:
            check_bug(self.bug, self.spec)
        elif self.bug is not None:
            raise InputError("bug", "injected bugs belong to the built-in network")
        check_count("samples", self.samples, MAX_SAMPLES)
        check_count("directions", self.directions, MAX_DIRECTIONS)
        if self.epsilon is not None:
            value = self.epsilon
            if not isinstance(value, float | int) or not math.isfinite(value) or value <= 0:
                raise InputError("epsilon", f"{value!r} is not a positive finite number")
            if value >= 1:
                raise InputError("epsilon", f"{value} is too large for a derivative (use < 1)")
        if model is not None:
            check_model(self, model)
        if self.epsilon is not None and self.mode != "projection":
            from fdgui.core.netcheck.fixed_step import network_weights, refuse_unmovable

            weights = model.theta0() if model is not None else network_weights(self.spec)
            refuse_unmovable(float(self.epsilon), self.dtype, weights)
        needed = estimate_memory_bytes(self, model)
        available = available_memory_bytes()
        if needed > MEMORY_FRACTION * available:
            raise memory_refusal(self, model, needed, available)

    @property
    def parameters_checked(self) -> int:
        """How many entries (or directions) the check compares (built-in network)."""
        return count_checked(self, tensor_shapes(self))

    @property
    def evaluations(self) -> int:
        """Loss evaluations: two per checked entry or direction (central differences)."""
        return 2 * self.parameters_checked


def settings_for_model(settings: CheckSettings, model: Model | None) -> CheckSettings:
    """A built-in network given as a model brings its own spec and backprop bug when the
    settings name none (so either engine can check it and the report names it)."""
    from fdgui.core.models.mlp_model import MlpModel

    if isinstance(model, MlpModel) and settings.spec is None:
        return replace(settings, spec=model.spec, bug=model.bug)
    return settings


def check_model(settings: CheckSettings, model: Model) -> None:
    """InputError unless the engine can check this model in this dtype."""
    from fdgui.core.models.mlp_model import MlpModel

    if settings.engine == "exact" and not isinstance(model, MlpModel):
        raise InputError(
            "engine",
            f"the exact engine works on the built-in network only; check {model.label} "
            "with the forward engine",
        )
    if isinstance(model, MlpModel) and settings.spec != model.spec:
        raise InputError(
            "model", f"the settings describe another network than the model ({model.label})"
        )
    if isinstance(model, MlpModel) and model.bug != settings.bug:
        raise InputError(
            "bug", f"the model's backprop bug ({model.bug}) is not the one asked ({settings.bug})"
        )
    if not model.evaluable or not model.has_gradient or model.parameter_count == 0:
        raise InputError(
            "model", f"{model.label} needs parameters, a loss and a gradient to be checked"
        )
    if settings.dtype not in model.dtypes:
        raise InputError(
            "dtype", f"{model.label} evaluates in {', '.join(model.dtypes)}, not {settings.dtype}"
        )


def tensor_shapes(settings: CheckSettings, model: Model | None = None) -> Shapes:
    """(name, shape) of every tensor checked: the model's, else the network spec's."""
    if model is not None:
        return [(tensor.name, tuple(tensor.shape)) for tensor in model.tensors]
    if settings.spec is None:
        raise InputError("model", "give a network spec or a model to check")
    return settings.spec.tensor_shapes


def parameter_count(shapes: Shapes) -> int:
    return sum(math.prod(shape) for _, shape in shapes)


def count_checked(settings: CheckSettings, shapes: Shapes) -> int:
    """Entries (or directions) a mode compares in tensors of these shapes."""
    if settings.mode == "full":
        return parameter_count(shapes)
    if settings.mode == "sample":
        return sum(min(settings.samples, math.prod(shape)) for _, shape in shapes)
    return settings.directions * sum(1 for _, shape in shapes if math.prod(shape) > 0)


def check_count(name: str, value: object, upper: int) -> None:
    """InputError (name, ...) unless value is a whole number in 1..upper."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(name, f"{value!r} is not a whole number")
    if not 1 <= value <= upper:
        raise InputError(name, f"{value} is outside 1..{upper:,}")


def estimate_memory_bytes(settings: CheckSettings, model: Model | None = None) -> int:
    """Peak bytes the check needs: parameters, gradient, results, forward pass, chunks."""
    shapes = tensor_shapes(settings, model)
    count = parameter_count(shapes)
    # θ, ∇, five per-entry result arrays (+ kink flags), the report's relative errors, heat
    # map and numeric/analytic copies, and the temporaries that build them: peak RSS grows by
    # about 185 bytes per parameter (ru_maxrss, full check of 4.0M and 6.0M parameters; the
    # old 16 float64 under-estimated 25M parameters by 1.2 GB), so 24 float64 with a margin.
    # Projections keep θ, ∇ and copies of one tensor: about 70 bytes measured, 10 float64.
    # tests/core/test_netcheck_memory.py measures a check against this estimate.
    per_parameter = 8 * 24 if settings.mode != "projection" else 8 * 10
    if settings.dtype != "float64" or settings.engine == "forward":
        per_parameter += 8 * 2  # the ε ladder's bars: the results' and the report's copy
    spec = settings.spec
    forward = 0
    if spec is not None:
        forward = 8 * spec.batch_size * sum(spec.layer_sizes) * 8
    if settings.engine == "forward":
        # the perturbed points of one chunk (2·rows × P: the rows themselves, the model's
        # copy of them and the model's per-row temporaries, about the same again)
        rows = forward_rows_per_chunk(count)
        chunk_work = 8 * 3 * 2 * rows * count + 8 * 4 * FORWARD_CHUNK_ELEMENTS
        setup = roundoff_bytes(model, len(shapes), count)
        return int(count * per_parameter + forward + max(chunk_work, setup))
    assert spec is not None
    largest = max(math.prod(shape) for _, shape in shapes)
    # gathered chunks: about a dozen (batch × perturbations × outputs) temporaries at most
    gathered = min(CHUNK_ELEMENTS, spec.batch_size * largest * spec.layer_sizes[-1])
    chunk_work = 8 * 12 * gathered + 8 * 6 * FAST_CHUNK_ELEMENTS
    return int(count * per_parameter + forward + chunk_work)


# the round-off measurement near θ0 (``roundoff.measure_roundoffs``, for a model whose loss
# precision is learned: a probe) builds its lines' points whole: the points, the moves that
# make them and the narrower fans' points it keeps while widening (review12p H1: 16 GB at
# 1e7 parameters before the probe's wire stopped copying them; a 5e7-parameter check of 2
# entries was OOM-killed, not refused)
ROUNDOFF_COPIES = 3


def roundoff_bytes(model: Any, tensors: int, count: int) -> int:
    """Bytes of whole points the round-off measurement holds at once (0 for a model that
    measures none: the built-in network, a model without ``loss_precision``)."""
    if model is None or not callable(getattr(model, "loss_precision", None)):
        return 0
    from fdgui.core.netcheck import roundoff
    from fdgui.core.netcheck.roundoff import roundoff_points

    if getattr(roundoff, "ALONG_LINES", False) and callable(
        getattr(model, "losses_on_lines", None)
    ):  # sent as lines: their directions (and their stretched copies), not their points
        lines = max(roundoff.LINES, 1 + min(tensors, roundoff.TENSOR_LINES))
        return 8 * ROUNDOFF_COPIES * lines * count
    points = max(roundoff_points(tensors), roundoff_points(1))
    return 8 * ROUNDOFF_COPIES * points * count


def available_memory_bytes() -> int:
    """Memory this process can get now: the machine's (MemAvailable on Linux, else physical
    memory), and no more than its address-space limit (``ulimit -v``) leaves."""
    return min(_machine_memory_bytes(), _process_limit_bytes())


def _machine_memory_bytes() -> int:
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


def _process_limit_bytes() -> int:
    """What RLIMIT_AS (and RLIMIT_DATA) leave above what the process has mapped already."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return 2**62
    limit = 2**62
    for name in ("RLIMIT_AS", "RLIMIT_DATA"):
        kind = getattr(resource, name, None)
        if kind is None:
            continue
        soft, _hard = resource.getrlimit(kind)
        if soft != resource.RLIM_INFINITY and soft > 0:
            limit = min(limit, soft)
    if limit == 2**62:
        return limit
    return max(0, limit - _mapped_bytes())


def _mapped_bytes() -> int:
    """The process's virtual size now (VmSize), which RLIMIT_AS counts."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
