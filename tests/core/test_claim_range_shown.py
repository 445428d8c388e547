"""A typed claim's ± shows what the verdict allows (issue 10, claim21's note): the correct
derivatives of a typed expression in a low dtype are a segment (``sweep/claim_ends.py``:
the constants and w as typed or as the dtype holds them), and the verdict allows the claim
only the segment's reach towards it. The printed bar was symmetric (its larger reach both
ways: "0.0002 ± 3.3e-8" where only one side reaches that far). Now the text, the JSON and the
window print the two sides: the exact derivative the references measure may lie that far
below and above the claim."""

from __future__ import annotations

import json

import pytest

from fdgui.core import requests
from fdgui.core.report.exporters import export
from fdgui.core.report.sweep import SweepReport
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep

# (w − 1)² at the typed w = 1.0001: float32 holds w as 1.00010001659, so the exact derivative
# of the float32 losses is 2.00033e-4 while 2·(1.0001 − 1) = 2e-4 is as correct a derivative
# of the typed expression (the typed-w end, below the anchor)
EXPR, AT, DTYPE = "(w-1)**2", "1.0001", "float32"


def _sweep(grad: str, expr: str = EXPR, at: str = AT, dtype: str = DTYPE):
    objective = requests.typed_derivative_request({"expression": expr, "point": at}, grad)
    result = run_sweep(objective, requests.sweep_request({"dtype": dtype}, point=objective.point))
    return result, diagnose(result)


def _under_check(result, diagnosis) -> dict:
    data = json.loads(export(SweepReport(result, diagnosis), "json"))
    (item,) = [r for r in data["references"] if r["under_check"]]
    return item


def _analytic(result) -> float:
    return next(r.value for r in result.references if r.method == "analytic")


def test_the_segments_one_sided_reach_is_printed_one_sided():
    result, diagnosis = _sweep("0.00020000000")  # the typed-w end, many digits
    item = _under_check(result, diagnosis)
    below, above = item["error_below"], item["error_above"]
    assert below < above / 100, (below, above)  # the segment reaches above the claim only
    assert item["error"] == pytest.approx(max(below, above))
    anchor = _analytic(result)
    assert item["value"] - below <= anchor <= item["value"] + above
    line = next(
        line
        for line in export(SweepReport(result, diagnosis), "text").splitlines()
        if line.startswith("under check")
    )
    assert "±" not in line and "−" in line and "+" in line, line
    assert diagnosis.kind == "correct"


def test_a_claim_without_a_segment_keeps_its_symmetric_bar():
    result, diagnosis = _sweep("2*(w-1)", at="1.5", dtype="float64")
    item = _under_check(result, diagnosis)
    assert item["error_below"] == item["error_above"] == item["error"]
    line = next(
        line
        for line in export(SweepReport(result, diagnosis), "text").splitlines()
        if line.startswith("under check")
    )
    assert "±" in line


@pytest.mark.parametrize("offset", [-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_the_printed_range_holds_the_reference_exactly_where_the_verdict_allows_it(offset):
    """Claims along the line through both ends (offset 0: the typed-w end, 1: the anchor): the
    anchor inside the printed range ⇔ not "wrong" (well away from the range's edges)."""
    typed_end, anchor = 2e-4, None
    result, _ = _sweep("0.00020000000")
    anchor = _analytic(result)
    claim = typed_end + offset * (anchor - typed_end)
    result, diagnosis = _sweep(f"{claim:.11e}")
    item = _under_check(result, diagnosis)
    inside = item["value"] - item["error_below"] <= anchor <= item["value"] + item["error_above"]
    assert inside == (diagnosis.kind != "wrong"), (offset, diagnosis.kind, item)
