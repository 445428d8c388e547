"""``fdgui-cli sweep`` as a process: text, JSON, CSV and bad input."""

import json
import math
import subprocess
import sys

import pytest


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_json_for_exp_in_float32():
    run = _cli("--expr", "exp(w)", "--at", "1", "--dtype", "float32", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    central = data["schemes"]["central"]
    assert central["best_epsilon"] > 1e-4
    assert abs(central["best_estimate"] - math.e) / math.e < 1e-5
    assert isinstance(data["schemes"]["forward"]["best_relative_error"], float)
    assert isinstance(data["schemes"]["backward"]["best_epsilon"], float)
    assert data["recommended_epsilon"]["central"] > 1e-4
    assert data["reference"]["method"] == "analytic"
    assert data["reference"]["value"] == pytest.approx(math.e, rel=1e-15)
    assert data["dtype"] == "float32"
    assert data["diagnosis"]["kind"] == "correct"
    assert data["diagnosis"]["text"]


def test_text_output_and_csv(tmp_path):
    path = tmp_path / "sweep.csv"
    run = _cli("--expr", "sin(w)", "--at", "0.5", "--points", "60", "--csv", str(path))
    assert run.returncode == 0, run.stderr
    assert "central" in run.stdout and "Gradient correct" in run.stdout
    lines = path.read_text().strip().splitlines()
    assert len(lines) == 61


def test_network_with_a_bug_exits_1_and_says_wrong():
    run = _cli(
        "--network", "--layers", "8,16,4", "--tensor", "b1", "--index", "2",
        "--bug", "softmax-factor", "--points", "100", "--json",
    )  # fmt: skip
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["diagnosis"]["kind"] == "wrong"
    assert data["reference"]["method"] == "backprop"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--expr", "__import__('os')"), "--expr"),
        (("--expr", "exp(w)", "--at", "one"), "--at"),
        (("--expr", "exp(w)", "--min", "1e-3", "--max", "1e-6"), "--max"),
        (("--expr", "exp(w)", "--dtype", "float8"), "--dtype"),
        (("--expr", "exp(w)", "--points", "many"), "--points"),
        (("--network", "--tensor", "W9"), "--tensor"),
        (("--network", "--activation", "gelu"), "--activation"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, option):
    run = _cli(*args)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0]
    assert "Traceback" not in run.stderr
