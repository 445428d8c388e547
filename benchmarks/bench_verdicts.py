"""The verdict corpus through fdgui, numdifftools and scipy.differentiate.

For every corpus case with a derivative (tests/core/sweep_corpus.py: 50-digit mpmath truth at
the point rounded to the case's dtype), each tool estimates the derivative of the float64
expression with its own error estimate. Counted: error bars that do not bound the truth,
NaN/inf results, and (fdgui) wrong diagnosis kinds. Run:

    PYTHONPATH=. python benchmarks/bench_verdicts.py
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core"))

import sweep_corpus


def _function(case):
    from fdgui.core.models.expression import parse_expression

    expression = parse_expression(case.expression)

    def function(x):
        return expression.evaluate(np.asarray(x, dtype=np.float64), "float64")

    return function


def _numdifftools(case, point):
    import numdifftools as nd

    with np.errstate(all="ignore"):
        result = nd.Derivative(_function(case), full_output=True)(point)
    return float(result.estimate), float(result.error_estimate)


def _scipy(case, point):
    from scipy.differentiate import derivative

    with np.errstate(all="ignore"):
        result = derivative(_function(case), point)
    return float(result.df), float(result.error)


def _fdgui(case, point):
    """fdgui's trusted references: (method, value, error) each."""
    from fdgui.core.models.expression_model import expression_model
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep
    from fdgui.core.sweep.objectives import EntryObjective

    result = run_sweep(
        EntryObjective(expression_model(case.expression, case.point, case.grad), 0),
        SweepSettings(dtype=case.dtype),
    )
    references = [
        (r.method, r.value, r.error)
        for r in result.references
        if r.method != "your derivative" and r.trusted
    ]
    return references, diagnose(result).kind


def main() -> int:
    tools = {"numdifftools": _numdifftools, "scipy.differentiate": _scipy}
    tally = {name: {"cases": 0, "misses": 0, "nan": 0, "seconds": 0.0} for name in tools}
    fdgui = {"cases": 0, "bars": 0, "misses": 0, "kinds wrong": 0, "seconds": 0.0}
    for case in sweep_corpus.CASES:
        started = time.perf_counter()
        references, kind = _fdgui(case, sweep_corpus.rounded(case.point, case.dtype))
        fdgui["seconds"] += time.perf_counter() - started
        fdgui["cases"] += 1
        fdgui["kinds wrong"] += kind != case.kind
        truth = sweep_corpus.truth(case)
        if truth is None:
            continue
        for _method, value, error in references:
            fdgui["bars"] += 1
            fdgui["misses"] += not sweep_corpus.bounds(value, error, truth)
        point = sweep_corpus.rounded(case.point, case.dtype)
        for name, tool in tools.items():
            started = time.perf_counter()
            try:
                value, error = tool(case, point)
            except Exception:  # a tool that fails on a case counts as a NaN
                value, error = math.nan, math.nan
            tally[name]["seconds"] += time.perf_counter() - started
            tally[name]["cases"] += 1
            if not (math.isfinite(value) and math.isfinite(error)):
                tally[name]["nan"] += 1
            elif not sweep_corpus.bounds(value, abs(error), truth):
                tally[name]["misses"] += 1
    print(
        f"fdgui: {fdgui['cases']} cases, {fdgui['bars']} error bars, {fdgui['misses']} misses, "
        f"{fdgui['kinds wrong']} wrong kinds, {fdgui['seconds']:.1f} s"
    )
    for name, counts in tally.items():
        print(
            f"{name}: {counts['cases']} cases with a derivative, {counts['misses']} error-bar "
            f"misses, {counts['nan']} NaN/inf, {counts['seconds']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
