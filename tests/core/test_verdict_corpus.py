"""The verdict corpus: every error bar bounds a 50-digit truth and every diagnosis kind is
right, for 80+ (expression, point, dtype[, typed derivative]) cases (tests/core/sweep_corpus.py).

The truth is mpmath's own numerical differentiation at 50+ digits, independent of fdgui's
extended-precision derivative. ``python tools/verdict_corpus.py`` prints the same per case.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sweep_corpus

from fdgui.core.models.expression_model import expression_model
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective


def _sweep(case):
    model = expression_model(case.expression, case.point, case.grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=case.dtype))
    return result, diagnose(result)


def test_the_corpus_covers_what_it_must():
    cases = sweep_corpus.CASES
    assert len(cases) >= 60
    assert {c.dtype for c in cases} == {"float64", "float32", "float16", "bfloat16"}
    assert {c.kind for c in cases} >= {"correct", "wrong", "kink", "undefined", "vanished"}
    groups = {c.group for c in cases}
    for group in ("smooth", "near poles", "huge and tiny w", "saturated and flat", "oscillating",
                  "kinks at w", "kinks near w", "undefined"):  # fmt: skip
        assert group in groups


@pytest.mark.parametrize("case", sweep_corpus.CASES, ids=[c.name for c in sweep_corpus.CASES])
def test_every_error_bar_bounds_the_truth_and_the_kind_is_right(case):
    result, diagnosis = _sweep(case)
    assert diagnosis.kind == case.kind, (diagnosis.case, diagnosis.facts)
    truth = sweep_corpus.truth(case)
    if truth is None:
        return
    for reference in result.references:
        if reference.method == "your derivative" or not reference.trusted:
            continue
        assert sweep_corpus.bounds(reference.value, reference.error, truth), (
            reference.method,
            reference.value,
            reference.error,
            float(truth),
        )


def test_the_analytic_reference_is_at_the_point_the_dtype_really_sees():
    # tan near π/2 in float32: w rounds to 1.57070005…; the derivative there differs from the
    # one at the float64 w by 1e-3 relative
    case = sweep_corpus.Case("tan(w)", 1.5707, "float32", "correct")
    result, _ = _sweep(case)
    analytic = result.references[0]
    truth = sweep_corpus.truth(case)
    assert sweep_corpus.bounds(analytic.value, analytic.error, truth)
    assert analytic.error < 1e-15 * abs(analytic.value)


def test_no_overflow_at_huge_w():
    result, diagnosis = _sweep(sweep_corpus.Case("sin(w)", 1e300, "float64", "vanished"))
    assert diagnosis.kind == "vanished"
    assert math.isfinite(result.references[0].value)
