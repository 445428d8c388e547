"""The float64 confirmation of a low-precision check's "wrong" entries (netcheck.confirm) is
a phase of the check: progress messages that count it, a point where Cancel stops it after
every entry, its evaluations and seconds in the cost plan, and the report saying what it
confirmed and what it left (past the limit of entries a check examines)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fdgui.core.jobs import drive
from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.netcheck import CheckSettings, check, run_check
from fdgui.core.netcheck.confirm import CONFIRM_LIMIT, EVALUATIONS_PER_ENTRY, confirming
from fdgui.core.netcheck.planner import plan_costs
from fdgui.core.netcheck.reexamine import UNCONFIRMED
from fdgui.core.netcheck.results import build_report
from fdgui.core.netcheck.stored import report_data, report_from_data, same_report
from fdgui.core.report.exporters import export

# every entry wrong (the batch mean's 1/B forgotten): more suspects than a check examines
BUGGY = CheckSettings(
    NetworkSpec((6, 10, 10, 10, 10, 3), "sigmoid", "cross-entropy", seed=0, batch_size=32),
    dtype="float32",
    bug="no-batch-mean",
)
# a wrong backprop in W2 only: fewer suspects than the limit
SQUARE = CheckSettings(
    NetworkSpec((20, 16, 16, 10), "tanh", "cross-entropy", seed=0, batch_size=32),
    dtype="float16",
    bug="transpose",
)


def _run(settings, weights=None):
    messages: list[tuple[float, str]] = []
    report = drive(run_check(settings, None, weights), lambda f, m: messages.append((f, m)))
    return report, messages


@pytest.mark.parametrize("settings", [BUGGY, SQUARE], ids=["past-limit", "within-limit"])
def test_confirmation_is_a_phase_with_its_own_progress(settings):
    report, messages = _run(settings)
    found = report.confirmation
    assert found is not None and found.examined == min(found.suspects, CONFIRM_LIMIT)
    phase = [(f, m) for f, m in messages if m.startswith("confirming in float64")]
    # one message before the first entry and one after each: a cancel point per entry
    assert len(phase) == found.examined + 1
    assert phase[-1][1].endswith(f"{found.examined:,} done")
    assert messages[-1][1] == "writing the report"  # after the confirmation, not before it
    fractions = [f for f, _ in messages]
    assert fractions == sorted(fractions)


def test_the_plan_counts_the_confirmation_and_reserves_its_share():
    plan = plan_costs(BUGGY)["full"]
    assert plan.confirm_seconds > 0
    assert plan.progress_weights is not None and len(plan.progress_weights) == 11  # 10 + 1
    report, messages = _run(BUGGY, plan.progress_weights)
    confirmation = 1 + EVALUATIONS_PER_ENTRY * report.confirmation.examined
    assert report.evaluations > confirmation
    # the plan holds the confirmation's evaluations (within the pilot's reach)
    assert abs(plan.evaluations - report.evaluations) <= 0.1 * report.evaluations
    phase = [f for f, m in messages if m.startswith("confirming in float64")]
    assert phase[0] < 0.9 and phase[-1] == 1.0  # its share of the bar, planned
    correct = plan_costs(CheckSettings(BUGGY.spec, dtype="float32"))["full"]
    assert correct.confirm_seconds == 0  # no suspect in the pilot: nothing reserved


def test_a_cancelled_confirmation_leaves_its_entries_undecided(monkeypatch):
    """Entries are marked "undecided (not confirmed)" before their float64 evaluations: a
    confirmation stopped after three entries has called only those wrong."""
    captured = {}

    def spy(results, engine, settings, tolerances, tally=None):
        captured.update(results=results, tolerances=tolerances, engine=engine)
        return confirming(results, engine, settings, tolerances, tally)

    monkeypatch.setattr(check, "confirming", spy)
    job = run_check(BUGGY)
    for _fraction, message in job:
        if message.endswith(": 3 done"):
            break
    job.close()  # what the window's Cancel does
    results = captured["results"]
    marked = sum(int(np.sum(r.reason == UNCONFIRMED)) for r in results)
    assert marked == CONFIRM_LIMIT - 3
    report = build_report(
        BUGGY, captured["engine"].loss, results, captured["tolerances"], 0.0, "exact", 433
    )
    # 3 confirmed, 256 − 3 undecided, the 433 − 256 past the limit keep the dtype's verdict
    assert sum(t.failures for t in report.tensors) == 3 + (433 - CONFIRM_LIMIT)
    assert sum(t.undecided for t in report.tensors) == CONFIRM_LIMIT - 3


def test_the_report_says_what_float64_confirmed_and_keeps_it():
    report, _ = _run(BUGGY)
    text = export(report, "text")
    assert "confirmed 256 of the 256 examined" in text
    assert "the remaining 177, past the 256 a check examines" in text
    data = json.loads(export(report, "json"))
    assert data["confirmation"] == {
        "suspects": 433,
        "examined": 256,
        "confirmed": 256,
        "limit": 256,
    }
    stored = report_from_data(json.loads(json.dumps(report_data(report))))
    assert same_report(stored.report, report)
    assert stored.report.confirmation == report.confirmation


def test_a_correct_check_has_no_confirmation():
    report, messages = _run(CheckSettings(BUGGY.spec, dtype="float32"))
    assert report.confirmation is None
    assert not any(m.startswith("confirming") for _f, m in messages)
    assert "float64 evaluations" not in export(report, "text")


# ---------------------------------------------------------------- projection mode


def _skewed_first_direction(monkeypatch, engine_class):
    """The dtype's difference along W1's first direction 1.6 times what it is (an artefact
    of the dtype's arithmetic, as the confirmation must suppose it may be): the gradient is
    right, only the low-precision evidence says otherwise."""
    original = engine_class.direction_chunk

    def skewed(self, position, k):
        chunk = original(self, position, k)
        if position == 0 and k == 0:
            chunk.numeric = 1.6 * chunk.numeric
        return chunk

    monkeypatch.setattr(engine_class, "direction_chunk", skewed)


@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_a_projection_wrong_only_in_the_dtype_is_not_confirmed(monkeypatch, engine):
    from fdgui.core.netcheck.exact import ExactEngine
    from fdgui.core.netcheck.forward import ForwardEngine

    _skewed_first_direction(monkeypatch, ExactEngine if engine == "exact" else ForwardEngine)
    spec = NetworkSpec((6, 10, 10, 3), "sigmoid", "cross-entropy", seed=0, batch_size=32)
    settings = CheckSettings(spec, dtype="float32", mode="projection", engine=engine)
    report, messages = _run(settings)
    assert sum(t.failures for t in report.tensors) == 0, report.worst[:1]
    assert report.tensors[0].undecided == 1
    worst = report.worst[0]
    assert (worst.tensor, worst.index, worst.note) == ("W1", 0, "unconfirmed")
    assert report.confirmation.suspects == 1 and report.confirmation.confirmed == 0
    assert any(m.startswith("confirming in float64 the 1 direction") for _f, m in messages)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_wrong_projections_are_confirmed_along_their_direction(dtype, engine):
    settings = CheckSettings(BUGGY.spec, dtype=dtype, mode="projection", engine=engine,
                             bug="no-batch-mean")  # fmt: skip
    report, _ = _run(settings)
    assert report.verdict == "fail"
    found = report.confirmation
    assert found.suspects > 0 and found.confirmed == found.examined == found.suspects
    assert "directions wrong; float64 evaluations" in export(report, "text")


# ---------------------------------------------------------------- the confirmation's power


@pytest.mark.parametrize("mode", ["full", "projection"])
@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_a_gradient_a_few_percent_off_is_confirmed_wrong(monkeypatch, mode, engine):
    """W1's backprop 6 % too large: float32's differences see it, and float64's finer steps
    exclude it; a coarse step whose bar (up to |a|/4) admits it no longer vetoes them (this
    check passed before, every suspect 'not confirmed')."""
    from fdgui.core.models import mlp

    correct = mlp.Network.gradient

    def wrong(self, bug=None):
        found = [g.copy() for g in correct(self, bug)]
        found[0] *= 1.06
        return found

    monkeypatch.setattr(mlp.Network, "gradient", wrong)
    spec = NetworkSpec((8, 6, 6, 3), "sigmoid", "cross-entropy", seed=1, batch_size=16)
    report, _ = _run(CheckSettings(spec, dtype="float32", mode=mode, engine=engine))
    assert report.verdict == "fail"
    assert report.tensors[0].failures > 0
    assert report.confirmation.confirmed == report.confirmation.suspects


def test_the_refuting_rule():
    from fdgui.core.netcheck.confirm import _refuted

    consistent = [(0.8, 1.3), (0.95, 1.05), (0.99, 1.01)]  # a coarse step, two fine ones
    assert _refuted(1.06, consistent)  # the two fine steps exclude it
    assert not _refuted(1.02, consistent)  # only one does: it may be a fluke
    assert not _refuted(1.0, consistent)
    assert not _refuted(1.0, [])  # no usable step: nothing confirmed
    # intervals that do not overlap (some step does not bound the truth): only a gradient
    # every step excludes is confirmed
    scattered = [(0.8, 1.3), (1.1, 1.2), (1.25, 1.35)]
    assert not _refuted(1.0, scattered)
    assert _refuted(2.0, scattered)
