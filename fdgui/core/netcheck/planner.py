"""What a check will cost before it runs: evaluations, time and memory of every mode."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from fdgui.core.models.mlp import Network
from fdgui.core.netcheck.blas import single_threaded_blas
from fdgui.core.netcheck.engines import make_engine
from fdgui.core.netcheck.ladder_plan import ladder_pilot, with_ladder
from fdgui.core.netcheck.settings import (
    MODES,
    CheckSettings,
    count_checked,
    estimate_memory_bytes,
    settings_for_model,
    tensor_shapes,
)

if TYPE_CHECKING:
    from fdgui.core.models.base import Model

# the looks after the first at an entry that disagrees (measured, ui16w: 958 evaluations for
# 16 wrong entries of torch_custom_function.py, sampled and full alike; 522 and 610 for 10 of a
# numpy probe with 0.1 % and 50 % bugs): ~60 an entry
RECHECK_EVALUATIONS = 60
PROBE_ENTRIES = 2048  # the cost planner times about this many entries per tensor and mode
PROBE_SECONDS = 0.02  # ... or stops a tensor's probe after this long


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
    engine: str = "exact"
    # expected seconds of the float64 confirmation after the last tensor (netcheck.confirm)
    confirm_seconds: float = 0.0
    # from counts × a call's measured cost (a slow loss, ``quick_plan``): measuring again
    # would pay the same few calls, not one-time costs
    quick: bool = False
    # each entry (direction) whose first look disagrees gets looked at again (noise repeats,
    # the ε ladder, the deep look, the confirmation): about this many more evaluations and
    # seconds each, for at most ``recheck_limit`` of them — not in ``evaluations`` (which
    # entries disagree is what the check finds out), said beside it (review15w M2: a plan of
    # 168 evaluations for a run of 1,126 + 110 with 16 entries wrong)
    recheck_evaluations: int = 0
    recheck_seconds: float = 0.0
    recheck_limit: int = 0

    def if_disagreeing(self, entries: int) -> tuple[int, float]:
        """(evaluations, seconds) of this plan when ``entries`` of its entries disagree."""
        looked = min(max(int(entries), 0), self.recheck_limit)
        return (
            self.evaluations + looked * self.recheck_evaluations,
            self.expected_seconds + looked * self.recheck_seconds,
        )

    @property
    def progress_weights(self) -> tuple[float, ...] | None:
        """What ``run_check`` weighs its progress bar by: each tensor's seconds, then the
        confirmation's when one is expected (None without tensor seconds)."""
        if not self.tensor_seconds:
            return None
        if self.confirm_seconds > 0:
            return (*self.tensor_seconds, self.confirm_seconds)
        return self.tensor_seconds


def plan_costs(
    settings: CheckSettings, network: Network | None = None, model: Model | None = None
) -> dict[str, CostPlan]:
    """Evaluations and expected time of every mode with the settings' engine, from a short
    timed run of the real code.

    The timed run goes through the same chunks as the check itself, for up to ~2,000
    entries (or 20 ms) of every tensor in both layouts (the forward engine: of its largest
    tensor, as an entry costs two full loss evaluations in any tensor), plus one projection
    direction, so the measured seconds per evaluation include each tensor kind's batching.
    The forward engine's plan is timed piece by piece (``forward_plan``).
    """
    settings = settings_for_model(settings, model)
    if model is not None and not model.has_gradient:  # its numeric gradient, no check
        with single_threaded_blas():
            return _numeric_plans(settings, model)
    settings.validate(model)
    with single_threaded_blas():
        plans = _plan_costs(settings, network, model)
    if settings.engine != "forward":
        return plans
    return {mode: with_rechecks(plan, settings) for mode, plan in plans.items()}


def with_rechecks(plan: CostPlan, settings: CheckSettings | None = None) -> CostPlan:
    """The plan with the second looks' cost at each entry that disagrees (``CostPlan``'s
    ``recheck_*``), at the plan's own seconds per evaluation (a look's calls are small:
    their fixed cost is in that rate about as much as in the first looks'); in a float64
    check at the recommended ε, the coarse-part looks' too (``coarse_part``, and
    ``coarse_wide``'s before an entry is called wrong)."""
    from fdgui.core.netcheck.coarse_part import LOOK_EVALUATIONS
    from fdgui.core.netcheck.coarse_wide import PLANNED_EVALUATIONS
    from fdgui.core.netcheck.reexamine import CONFIRMED_LIMIT

    evaluations = RECHECK_EVALUATIONS
    if settings is not None and settings.dtype == "float64" and settings.epsilon is None:
        evaluations += LOOK_EVALUATIONS + PLANNED_EVALUATIONS
    return replace(
        plan,
        recheck_evaluations=evaluations,
        recheck_seconds=evaluations * plan.seconds_per_evaluation,
        recheck_limit=min(plan.parameters_checked, CONFIRMED_LIMIT),
    )


def _plan_costs(
    settings: CheckSettings, network: Network | None, model: Model | None
) -> dict[str, CostPlan]:
    if model is not None and getattr(model, "gradient_cached", False):
        model.gradient()  # kept by the model: the check will not pay for it again
    if model is not None and settings.engine == "forward":
        from fdgui.core.netcheck.quick_plan import gradient_quick_plans

        # a slow loss: timing the pieces would cost more than a small share of the check
        shapes = tensor_shapes(settings, model)

        def memory(chosen: CheckSettings) -> int:
            return estimate_memory_bytes(chosen, model)

        quick = gradient_quick_plans(settings, model, shapes, CostPlan, memory)
        if quick is not None:
            return quick
    if settings.engine == "forward":
        # the first engine pays one-time costs (the loss's precision, learned once; a first
        # call of the noise measurement's batch size): timed is the setup the check will pay
        make_engine(settings, network, model)
    start = time.perf_counter()
    engine = make_engine(settings, network, model)
    setup = time.perf_counter() - start
    if settings.engine == "forward":
        # a setup is a handful of calls timed once: one stall of the machine (or of the probe
        # process) there was the whole plan's error (CI: a first plan 6.7× its check, the
        # next two 0.99×), so the faster of two setups is the one the check is likely to pay
        start = time.perf_counter()
        make_engine(settings, network, model)
        setup = min(setup, time.perf_counter() - start)
    shapes = tensor_shapes(settings, model)
    if engine.name == "forward":
        plans = _forward_plans(settings, model, engine, shapes, setup)
        pilot = ladder_pilot(engine, settings)  # the ε ladder's share (ladder_plan)
        return {mode: with_ladder(plan, pilot, settings, shapes) for mode, plan in plans.items()}
    per_tensor: dict[int, dict[bool, float]] = {}
    twins = {}
    for position in range(len(shapes)):
        twin = engine.probe_twin(position)
        if twin is not None:
            twins[position] = twin
            continue
        per_tensor[position] = {}
        for full in (True, False):
            per_tensor[position][full] = _seconds_per_evaluation(engine, position, full)
    for position, twin in twins.items():
        per_tensor[position] = dict(per_tensor[twin])
    times = []
    largest = max(range(len(shapes)), key=lambda p: math.prod(shapes[p][1]))
    for k in range(3):  # the first is a warm-up
        engine.direction_chunk(largest, k)
        times.append(time.perf_counter())
    per_direction = (times[-1] - times[0]) / 4  # two directions, two evaluations each
    pilot = ladder_pilot(engine, settings)  # the ε ladder's share (ladder_plan)
    plans: dict[str, CostPlan] = {}
    for mode in MODES:
        mode_settings = replace(settings, mode=mode)
        seconds = setup
        tensor_seconds = []
        for position, (_name, shape) in enumerate(shapes):
            size = math.prod(shape)
            if mode == "full":
                tensor_seconds.append(2 * size * per_tensor[position][True])
            elif mode == "sample":
                tensor_seconds.append(2 * min(size, settings.samples) * per_tensor[position][False])
            else:
                tensor_seconds.append(2 * settings.directions * per_direction)
            seconds += tensor_seconds[-1]
        evaluations = 2 * count_checked(mode_settings, shapes)
        plans[mode] = CostPlan(
            mode,
            evaluations // 2,
            evaluations,
            seconds / max(evaluations, 1),
            seconds,
            estimate_memory_bytes(mode_settings, model),
            tuple(tensor_seconds),
            engine.name,
        )
        plans[mode] = with_ladder(plans[mode], pilot, settings, shapes)
    return plans


def _forward_plans(settings, model, engine, shapes, setup: float) -> dict[str, CostPlan]:
    """The forward engine's plans, from its own pieces timed as the check runs them
    (``forward_plan``: warm-up of every shape, the fixed cost per call, the batch sizes)."""
    from fdgui.core.netcheck.forward_plan import forward_costs

    seconds = forward_costs(engine, settings, shapes)
    plans: dict[str, CostPlan] = {}
    for mode in MODES:
        mode_settings = replace(settings, mode=mode)
        checked = count_checked(mode_settings, shapes)
        # the looks after the first (kinks, second look, the loose ladder), at the rate
        # the timed pieces showed: their seconds are in the pieces' times already
        rates = seconds["more_along" if mode == "projection" else "more"]
        more = sum(rate * count_checked(mode_settings, [entry])
                   for rate, entry in zip(rates, shapes, strict=False))  # fmt: skip
        evaluations = 2 * checked + math.ceil(more)
        expected = setup + sum(seconds[mode])
        plans[mode] = CostPlan(
            mode,
            checked,
            evaluations,
            expected / max(evaluations, 1),
            expected,
            estimate_memory_bytes(mode_settings, model),
            tuple(seconds[mode]),
            engine.name,
        )
    return plans


def _numeric_plans(settings: CheckSettings, model: Model) -> dict[str, CostPlan]:
    """What estimating a numeric gradient costs (six evaluations an entry, four a direction),
    timed on its own pieces as the forward engine's plan is."""
    import numpy as np

    from fdgui.core.netcheck.chunks import forward_rows_per_chunk
    from fdgui.core.netcheck.forward_plan import forward_costs
    from fdgui.core.netcheck.numeric import (
        DIRECTION_EVALUATIONS,
        EVALUATIONS_PER_ENTRY,
        NumericEngine,
    )
    from fdgui.core.netcheck.quick_plan import (
        PLAN_FLOOR,
        PLAN_SHARE,
        call_cost,
        worth_detail,
    )
    from fdgui.core.netcheck.roundoff_plan import RoundoffLook

    shapes = [(t.name, tuple(t.shape)) for t in model.tensors]
    theta = np.asarray(model.theta0(), dtype=np.float64).ravel()
    rows = max(1, forward_rows_per_chunk(theta.size) // 2)
    changes = callable(getattr(model, "losses_changed", None))
    memory = 8 * EVALUATIONS_PER_ENTRY * rows * (3 if changes else theta.size)
    # a slow loss: timing the pieces would cost more than a small share of the check itself
    start = time.perf_counter()
    looked = RoundoffLook(model, settings.epsilon, theta)  # the round-off's first call
    a, b = call_cost(model.losses, theta, bool(getattr(model, "batched", True)), looked)
    known = bool(getattr(model, "precision_known", True))
    detail, quick = worth_detail(settings, shapes, rows, a, b, EVALUATIONS_PER_ENTRY, CostPlan,
                                 known, DIRECTION_EVALUATIONS)  # fmt: skip
    if not detail:
        # the round-off's call after its first, foreseen within the planning's budget
        budget = max(PLAN_FLOOR, PLAN_SHARE * quick[settings.mode].expected_seconds)
        more = looked.follow_up(model.losses, a, b, budget - (time.perf_counter() - start))
        return {mode: replace(plan, memory_bytes=memory if mode != "projection" else
                              8 * DIRECTION_EVALUATIONS * theta.size,
                              expected_seconds=plan.expected_seconds + more,
                              seconds_per_evaluation=(plan.expected_seconds + more)
                              / max(plan.evaluations, 1), quick=True)
                for mode, plan in quick.items()}  # fmt: skip
    NumericEngine(model, settings)  # one-time costs (the loss's precision) are not the run's
    start = time.perf_counter()
    engine = NumericEngine(model, settings)
    setup = time.perf_counter() - start
    shapes = [(t.name, tuple(t.shape)) for t in model.tensors]
    seconds = forward_costs(engine, settings, shapes)
    # the points of one piece: 4·rows whole points, or (changes only) three numbers each
    size = engine.theta.size
    memory = 8 * EVALUATIONS_PER_ENTRY * engine.rows * (3 if engine.changes_only else size)
    plans: dict[str, CostPlan] = {}
    for mode in MODES:
        count = count_checked(replace(settings, mode=mode), shapes)
        each = DIRECTION_EVALUATIONS if mode == "projection" else EVALUATIONS_PER_ENTRY
        evaluations = each * count
        expected = setup + sum(seconds[mode])
        pieces = memory if mode != "projection" else 8 * each * size
        plans[mode] = CostPlan(mode, count, evaluations, expected / max(evaluations, 1),
                               expected, pieces, tuple(seconds[mode]), engine.name)  # fmt: skip
    return plans


def _seconds_per_evaluation(engine, position: int, full: bool) -> float:
    """Seconds per loss evaluation of one tensor's pieces (the exact engine), timed for
    about PROBE_ENTRIES entries or PROBE_SECONDS."""
    start = time.perf_counter()
    count = 0
    for piece in engine.tensor_pieces(position, full, limit=PROBE_ENTRIES):
        count += piece.size
        if time.perf_counter() - start > PROBE_SECONDS:
            break
    return (time.perf_counter() - start) / (2 * max(count, 1))


def tensor_weights(settings: CheckSettings, model: Model | None = None) -> list[float]:
    """Rough relative cost of each tensor's share of the check (when no plan was measured).

    Exact engine, per perturbation and example: a few dozen elementwise operations where the
    change stops at the output or the last hidden layer; for earlier layers, the change is
    pushed through every deeper hidden layer (about 8 elementwise operations per unit plus
    one multiply-add per weight of the next layer), or, for the float64 jet path, four such
    passes per unit shared by its whole row. Projections run two forward passes. Forward
    engine: every entry and every direction costs two full loss evaluations.
    """
    shapes = tensor_shapes(settings, model)
    if settings.engine == "forward":
        if settings.mode == "projection":
            return [float(settings.directions)] * len(shapes)
        return [float(count_checked(settings, [entry])) for entry in shapes]
    assert settings.spec is not None
    sizes = settings.spec.layer_sizes
    layers = len(sizes) - 1
    forward = sum(sizes[m] * sizes[m + 1] for m in range(layers))
    weights = []
    for position, (_name, shape) in enumerate(shapes):
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
