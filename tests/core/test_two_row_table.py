"""Fewer than three usable ε judge nothing: two rows show no trend in ε, so no error bar
bounds their truncation, and every backprop (the truth, a factor 2, a sign flip, a far one)
is 'too few rows to judge' (exit 2) — never 'wrong' (1) and never a pass (0)."""

import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from tests.e2e.probe_cli import run_cli

ROWS = "1e-4,0.85005,0.84995\n1e-3,0.8505,0.8495\n"
# sin(300·w) at w = 0.5, exact float64 values at ε = 0.02 and 0.01: both rows deep in
# truncation, their central differences (−9.77 and 9.87) far from f′ = 209.775…
SIN300 = (
    "0.02,-0.8817846188147811,-0.49102159389846944,-0.7148764296291646\n"
    "0.01,0.8064005807754863,0.6090440218832924,-0.7148764296291646\n"
)
SIN300_DERIVATIVE = "209.77524194351253942"


def _diagnosis(text: str, backprop: str):
    objective, _problems, source = table_request(text, backprop, None)
    return diagnose(run_sweep(objective, SweepSettings(dtype=source)))


@pytest.mark.parametrize("backprop", ["500", "5", "-3", "0.5", "0.6", "0", "1", "-0.5"])
def test_two_rows_judge_no_backprop(backprop):
    diagnosis = _diagnosis(ROWS, backprop)
    assert (diagnosis.kind, diagnosis.case) == ("estimate", "too-few-rows")
    assert diagnosis.facts["rows"] == 2


@pytest.mark.parametrize("factor", ["1", "2", "0.5", "-1"])
def test_two_truncated_rows_never_call_the_truth_wrong(factor):
    backprop = str(float(SIN300_DERIVATIVE) * float(factor))
    diagnosis = _diagnosis(SIN300, backprop)
    assert (diagnosis.kind, diagnosis.case) == ("estimate", "too-few-rows"), backprop


def test_three_rows_with_one_repeated_epsilon_are_two():
    rows = ROWS + "1e-3,0.8505,0.8495\n"
    diagnosis = _diagnosis(rows, "0.5")
    assert diagnosis.case == "too-few-rows" and diagnosis.facts["rows"] == 2


def test_one_row_never_judges():
    assert _diagnosis("1e-3,0.8505,0.8495\n", "500").case == "too-few-rows"


def _cli(backprop: str, tmp_path, rows: str = ROWS) -> int:
    path = tmp_path / "t.csv"
    path.write_text(rows)
    return run_cli("sweep", "--table", str(path), "--backprop", backprop).returncode


def test_cli_two_rows_exit_2_for_every_backprop(tmp_path):
    for backprop in ("500", "0.6", "0.5", "0", "2.5", "-0.5"):
        assert _cli(backprop, tmp_path) == 2, backprop
    assert _cli(SIN300_DERIVATIVE, tmp_path, SIN300) == 2
