"""Run the verdict corpus (tests/core/sweep_corpus.py) through fdgui's sweep and diagnosis.

Prints, per case, the diagnosis kind against the right one and every reference whose error
bar does not bound the 50-digit truth. Works on any checkout with the sweep's public API
(references with method/value/error; diagnose(result).kind), so the same command measures
the code before and after a change:

    PYTHONPATH=/path/to/checkout python tools/verdict_corpus.py [--quiet]
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core"))

import sweep_corpus


def run_case(case):
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep
    from fdgui.core.sweep.objectives import expression_objective

    if case.grad is not None:
        from fdgui.core.models.expression_model import expression_model
        from fdgui.core.sweep.objectives import EntryObjective

        objective = EntryObjective(expression_model(case.expression, case.point, case.grad), 0)
    else:
        objective = expression_objective(case.expression, case.point)
    result = run_sweep(objective, SweepSettings(dtype=case.dtype))
    return result, diagnose(result)


def bar_misses(case, result):
    """(method, value, error, truth) for every reference with a finite error bar that misses."""
    truths = {"float64": sweep_corpus.truth(case)}
    misses = []
    checked = 0
    if truths["float64"] is None:
        return misses, checked
    for reference in result.references:
        # the analytic reference studies the dtype's function (its constants rounded as the
        # dtype rounds them), complex step and Richardson the float64 losses
        constants = case.dtype if reference.method == "analytic" else "float64"
        if constants not in truths:
            truths[constants] = sweep_corpus.truth(case, constants)
        truth = truths[constants]
        if reference.method == "your derivative":
            continue  # the gradient under check, not a reference
        if getattr(reference, "status", "ok") != "ok":
            continue
        error = reference.error
        if error is None or not math.isfinite(error) or not math.isfinite(reference.value):
            continue
        checked += 1
        if not sweep_corpus.bounds(reference.value, error, truth):
            misses.append((reference.method, reference.value, error, float(truth)))
    return misses, checked


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    wrong_kinds = 0
    misses_total = 0
    bars = 0
    failures = 0
    started = time.perf_counter()
    for case in sweep_corpus.CASES:
        try:
            result, diagnosis = run_case(case)
        except Exception as error:
            failures += 1
            print(f"FAIL  {case.name}: {type(error).__name__}: {error}")
            continue
        misses, checked = bar_misses(case, result)
        bars += checked
        misses_total += len(misses)
        kind_ok = diagnosis.kind == case.kind
        wrong_kinds += not kind_ok
        if not quiet or misses or not kind_ok:
            flag = "ok  " if kind_ok and not misses else "MISS"
            print(f"{flag}  {case.name}: kind {diagnosis.kind} (right: {case.kind})")
            for method, value, error, truth in misses:
                print(f"      {method}: {value!r} ± {error!r}, truth {truth!r}")
    print(
        f"{len(sweep_corpus.CASES)} cases, {bars} error bars checked, {misses_total} bar misses, "
        f"{wrong_kinds} wrong kinds, {failures} failures, "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0 if not (misses_total or wrong_kinds or failures) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
