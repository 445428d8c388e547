"""Running a check: validate, set up the engine, evaluate tensor by tensor, build the report.

The check is a generator: it yields ``(fraction, message)`` after every chunk (each yield is a
point where the caller may stop it) and returns a frozen ``CheckReport``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from fdgui.core.models.mlp import Network
from fdgui.core.netcheck import ladder
from fdgui.core.netcheck.blas import single_threaded_blas
from fdgui.core.netcheck.chunks import TensorResult
from fdgui.core.netcheck.confirm import confirming
from fdgui.core.netcheck.engines import make_engine
from fdgui.core.netcheck.planner import tensor_weights
from fdgui.core.netcheck.progress import Progress, ProgressTracker, usable_weights
from fdgui.core.netcheck.reexamine import SOME_EPSILON
from fdgui.core.netcheck.results import CheckReport, build_report
from fdgui.core.netcheck.settings import (
    CheckSettings,
    count_checked,
    settings_for_model,
    tensor_shapes,
)

if TYPE_CHECKING:
    from fdgui.core.models.base import Model


def run_check(
    settings: CheckSettings,
    network: Network | None = None,
    weights: Sequence[float] | None = None,
    model: Model | None = None,
) -> Generator[Progress, None, CheckReport]:
    """Check the gradient under check; yields progress, returns the report.

    ``settings.engine`` picks the engine: "exact" for the built-in network (``network``, or
    built from ``settings.spec``), "forward" for any model (``model``, else that network).
    Each yield is ``(fraction, message)`` and a point where the caller may stop by closing
    the generator. Settings are validated at the first step, before any work. The fraction
    is weighted by each tensor's cost (``weights``: the cost planner's ``tensor_seconds``
    for this mode, else ``tensor_weights``), so it tracks time, not entries: in a deep
    network one entry of W1 costs hundreds of times one entry of the last layers. One more
    weight than tensors is the float64 confirmation's (``CostPlan.progress_weights``).
    """
    settings = settings_for_model(settings, model)
    settings.validate(model)
    shapes = tensor_shapes(settings, model)
    confirm_weight = 0.0
    if weights is not None and len(weights) == len(shapes) + 1:  # the plan's confirmation
        *weights, confirm_weight = weights
    if not usable_weights(weights, len(shapes)):
        weights, confirm_weight = tensor_weights(settings, model), 0.0
    with single_threaded_blas():
        return (yield from _check_steps(settings, network, model, list(weights), confirm_weight))


def _check_steps(
    settings: CheckSettings,
    network: Network | None,
    model: Model | None,
    weights: list[float],
    confirm_weight: float = 0.0,
) -> Generator[Progress, None, CheckReport]:
    started = time.perf_counter()
    yield 0.0, "building the network" if model is None else "reading the model"
    if network is None and model is None:
        assert settings.spec is not None
        from fdgui.core.models.mlp import build_network

        network = build_network(settings.spec)
    yield 0.0, "forward pass and backprop" if model is None else "loss and gradient"
    made = getattr(model, "evaluations_made", None)  # a probe counts what its process gave
    engine = make_engine(settings, network, model)
    tolerances = engine.tolerances()
    roundoff = None
    tally = ladder.Tally()
    if settings.dtype != "float64" or ladder.retries(engine, settings):
        yield 0.0, "measuring the round-off of the losses"
        roundoff = ladder.roundoff_for(engine, settings, engine.loss, tally)
        tolerances = ladder.measured_tolerances(tolerances, roundoff, settings, engine.loss)
        engine.use_tolerances(tolerances)
    retry = roundoff is not None and ladder.retries(engine, settings)
    shapes = tensor_shapes(settings, model)
    total = count_checked(settings, shapes)
    done = 0
    progress = ProgressTracker(weights, confirm_weight)
    results: list[TensorResult] = []
    for position, (name, shape) in enumerate(shapes):
        result = TensorResult(name, shape, settings.mode, settings.directions)
        own = getattr(engine, "tolerances_of", None)  # a tensor's own measured round-off
        result.tolerances = own(position) if own is not None and not retry else None
        results.append(result)
        size = result.numeric.size
        if settings.mode == "sample":
            size = min(settings.samples, size)
        progress.start_tensor(position, size)
        tensor_done = 0
        if settings.mode == "projection":
            if math.prod(shape) == 0:  # an empty tensor has no direction to check
                progress.finish_tensor()
                continue
            for k in range(settings.directions):
                piece = engine.direction_chunk(position, k)
                if retry:
                    piece = ladder.refine(piece, position, engine, roundoff, tolerances, tally)
                result.store(piece)
                done += 1
                tensor_done += 1
                message = f"{name}: direction {k + 1} of {settings.directions}"
                yield progress.fraction(tensor_done), message
            progress.finish_tensor()
            continue
        undecided: list[np.ndarray] = []  # first-look entries the ladder re-checks
        found = 0
        for piece in engine.tensor_pieces(position, full=settings.mode == "full"):
            result.store(piece)
            done += piece.size
            tensor_done += piece.size
            message = f"{name}: {done:,} of {total:,} entries"
            if not retry:
                yield progress.fraction(tensor_done), message
                continue
            chosen = ladder.select(piece, tolerances)
            if chosen.size:
                undecided.append(np.atleast_1d(piece.indices)[chosen])
                found += chosen.size
            yield progress.first_look(tensor_done, found), message
        if undecided:
            yield from _recheck(result, position, np.concatenate(undecided), engine,
                                roundoff, tally, progress)  # fmt: skip
        progress.finish_tensor()
    # float64 evidence for every "wrong" (its evaluations count with the ladder's)
    confirmation = yield from _confirm(results, engine, settings, tolerances, tally, progress)
    yield 1.0, "writing the report"
    seconds = time.perf_counter() - started
    label = model.label if model is not None else ""
    sigma = getattr(engine, "noise_sigma", 0.0)
    report = build_report(
        settings, engine.loss, results, tolerances, seconds, engine.name, total, label,
        noisy=bool(sigma > 0), magnitude=getattr(engine, "magnitude", None),
    )  # fmt: skip
    reexamined = getattr(engine, "reexamined", 0)
    if roundoff is not None:  # the ladder's and the measurement's evaluations count too
        report = replace(
            report, roundoff=roundoff, evaluations=report.evaluations + tally.evaluations
        )
    more = int(getattr(engine, "more_evaluations", 0))  # the looks after the first
    if more:
        report = replace(report, evaluations=report.evaluations + more)
    if confirmation.suspects:
        report = replace(report, confirmation=confirmation)
    used = getattr(engine, "loss_rows", None) if made is None else model.evaluations_made - made
    if used is not None and used > report.evaluations:  # the setup's, said beside the count
        report = replace(report, setup_evaluations=int(used - report.evaluations))
    if getattr(engine, "coarse_step", 0.0):  # a coarser part's tread no step moved
        report = replace(report, coarse_step=float(engine.coarse_step))
    if reexamined or sigma:
        settled = sum(int(np.sum(r.reason == SOME_EPSILON)) for r in results)
        report = replace(report, noise_sigma=sigma, reexamined=reexamined, settled=settled)
    return report


def _recheck(result, position, indices, engine, roundoff, tally, progress):
    """The ladder phase of one tensor: its undecided entries re-checked at larger ε."""
    message = f"{result.name}: re-checking {indices.size:,} undecided entries at larger ε"
    yield progress.ladder(0, indices.size), message
    before = tally.evaluations
    rechecked = 0
    for rechecked in ladder.recheck(result, position, indices, engine, roundoff, tally):
        yield progress.ladder(rechecked, indices.size), message
    progress.ladder_rate(tally.evaluations - before, rechecked)


def _confirm(results, engine, settings, tolerances, tally, progress):
    """The float64 confirmation of the entries about to be called wrong, as a phase of the
    progress bar (its share: ``ProgressTracker.confirm_share``); returns the Confirmation."""
    job = confirming(results, engine, settings, tolerances, tally)
    dtype = settings.dtype
    units = ("direction", "directions") if settings.mode == "projection" else ("entry", "entries")
    try:
        while True:
            done, total = next(job)
            message = (
                f"confirming in float64 the {total:,} {units[total != 1]} the {dtype} "
                f"differences call wrong: {done:,} done"
            )
            yield progress.confirmation(done, total), message
    except StopIteration as stop:
        return stop.value


def run_to_completion(
    settings: CheckSettings, network: Network | None = None, model: Model | None = None
) -> CheckReport:
    """Drive ``run_check`` without a caller that cancels (CLI, scripts, tests)."""
    from fdgui.core.jobs import drive

    return drive(run_check(settings, network, model=model))
