"""Sweeps of random expressions at random points, in every dtype, with numpy's warnings as
errors: an overflow or 0/0 inside the sweep is a non-finite point the report words, never a
RuntimeWarning on stderr and never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core import requests
from fdgui.core.errors import InputError
from fdgui.core.report.exporters import export
from fdgui.core.report.sweep import SweepReport
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from tests.fuzz.strategies import DTYPES, EDGE_TEXTS

FUZZ = settings.get_profile("fdgui-fuzz")
EXPRESSIONS = [
    "cosh(w)", "exp(w)", "log(w)", "sqrt(w)", "1/w", "w**10", "tanh(w)", "abs(w)", "relu(w)",
    "sin(1/w)", "exp(-w**2)", "log(1+exp(w))", "w**-3", "arctan(w)", "sigmoid(w)*w",
    "exp(exp(w))", "w/(w-1)", "log10(abs(w)+1e-300)", "sinh(w)**2", "maximum(w, 0)*w",
]  # fmt: skip
POINTS = ["700", "-700", "0", "1e-300", "1e300", "-1", "0.5", "65000", "1e10", "1", "3e38"]


@FUZZ
@given(
    expression=st.sampled_from(EXPRESSIONS),
    point=st.one_of(st.sampled_from(POINTS), st.sampled_from(EDGE_TEXTS)),
    dtype=st.sampled_from(sorted(DTYPES)),
    low=st.sampled_from(["1e-300", "1e-16", "1e-8", "1e-3", "5e-324"]),
    high=st.sampled_from(["1e-2", "1", "100", "65504", "1e6"]),
)
def test_a_sweep_ends_in_a_report_or_a_refusal(expression, point, dtype, low, high):
    try:
        objective = requests.expression_request({"expression": expression, "point": point})
        sweep = requests.sweep_request({"dtype": dtype, "min": low, "max": high, "points": "40"})
        result = run_sweep(objective, sweep)
    except InputError as error:
        assert error.message
        return
    report = SweepReport(result, diagnose(result))
    for fmt in ("text", "json", "csv", "markdown"):
        assert export(report, fmt)
