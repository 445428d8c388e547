"""The extended-precision reference is bounded: an exponent that explodes, mpmath running
out of memory or a spent time budget make the reference unavailable (the sweep goes on), and
a strict budget (the explorer's GUI thread) raises OverBudget so the work moves away."""

import subprocess
import sys
import time

import pytest

from fdgui.core.sweep import extended
from fdgui.core.sweep.budget import OverBudget, Unbounded, budget


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fdgui.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("point", ["10", "3"])
def test_a_tower_of_powers_finishes_in_seconds_without_out_of_memory(point):
    started = time.monotonic()
    done = _cli("sweep", "--expr", "w**w**w**w**w", "--at", point, "--points", "5")
    assert time.monotonic() - started < 30
    assert done.returncode in (0, 1), done.stderr  # a verdict, never 'out of memory' (3)
    assert "out of memory" not in (done.stdout + done.stderr).lower()


def test_an_exploding_exponent_makes_the_reference_unavailable_quickly():
    started = time.monotonic()
    reference = extended.analytic_reference("w**w**w**w**w", 10.0)
    assert time.monotonic() - started < 5
    assert reference.status == "unavailable" and not reference.trusted
    assert "unavailable" in reference.note


def test_mpmath_out_of_memory_makes_the_reference_unavailable(monkeypatch):
    def no_memory(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(extended, "converged_derivative", no_memory)
    reference = extended.analytic_reference("sin(w)", 1.0)
    assert reference.status == "unavailable" and "memory" in reference.note


def test_a_spent_budget_makes_the_reference_unavailable_and_a_strict_one_raises():
    with budget(0.0):
        reference = extended.analytic_reference("sin(w)", 1.0)
    assert reference.status == "unavailable" and "unavailable" in reference.note
    with budget(0.0):
        assert extended.higher_derivatives("sin(w)", 1.0) == (None, None)
    with pytest.raises(OverBudget), budget(0.0, strict=True):
        extended.analytic_reference("sin(w)", 1.0)
    with pytest.raises(Unbounded):
        extended.evaluate("2**(w**w**w**w)", 10.0)


def test_ordinary_references_are_unchanged_by_the_budget():
    reference = extended.analytic_reference("sin(w)", 1.0)
    assert reference.status == "ok" and abs(reference.value - 0.5403023058681398) < 1e-15
    assert extended.analytic_reference("w**3.5", 2.0).status == "ok"


def test_an_unavailable_reference_is_worded_as_unavailable_with_its_reason():
    """The report said 'did not converge' for a reference that was never computed."""
    from fdgui.core.report.sweep import sweep_text
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep
    from fdgui.core.sweep.objectives import expression_objective

    with budget(0.0):
        result = run_sweep(expression_objective("sin(w)", 1.0), SweepSettings(points=9))
    text = sweep_text(result, diagnose(result))
    starts = ("reference (analytic", "under check (analytic")
    line = next(line for line in text.splitlines() if line.startswith(starts))
    assert "unavailable: it takes too long" in line and "converge" not in line
