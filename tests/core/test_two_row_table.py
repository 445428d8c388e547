"""A two-row measured table never passes an arbitrary backprop: a gross disagreement at both
ε is wrong (exit 1); one the rows cannot refute is 'too few rows to judge' (exit 2), never 0."""

import subprocess
import sys

import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

ROWS = "1e-4,0.85005,0.84995\n1e-3,0.8505,0.8495\n"


def _diagnosis(text: str, backprop: str):
    objective, _problems, source = table_request(text, backprop, None)
    return diagnose(run_sweep(objective, SweepSettings(dtype=source)))


@pytest.mark.parametrize("backprop", ["500", "5", "-3"])
def test_two_rows_find_a_far_backprop_wrong(backprop):
    assert _diagnosis(ROWS, backprop).kind == "wrong"


def test_two_rows_keep_a_right_backprop_right():
    assert _diagnosis(ROWS, "0.5").kind != "wrong"


def test_one_row_never_refutes_alone():
    assert _diagnosis("1e-3,0.8505,0.8495\n", "500").kind != "wrong"


def _cli(backprop: str, tmp_path) -> int:
    path = tmp_path / "t.csv"
    path.write_text(ROWS)
    return subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--table", str(path), "--backprop", backprop],
        capture_output=True,
        text=True,
        timeout=60,
    ).returncode


def test_cli_two_rows_exit_1_for_wrong_2_for_unjudged_0_only_when_confirmed(tmp_path):
    assert _cli("500", tmp_path) == 1
    assert _cli("0.6", tmp_path) == 2  # within what two rows resolve: too few to judge
    assert _cli("0.5", tmp_path) == 0
    for unjudged in ("0", "2.5", "-0.5"):  # never a pass: wrong (1) or too few (2)
        assert _cli(unjudged, tmp_path) in (1, 2)
