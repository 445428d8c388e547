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


@pytest.mark.parametrize(
    "args",
    [
        ("--network", "--dtype", "bfloat16"),
        ("--network", "--activation", "sigmoid", "--dtype", "float16"),
        ("--expr", "exp(w)", "--at", "1", "--dtype", "bfloat16", "--points", "2000"),
    ],
)
def test_honest_gradient_in_low_precision_exits_zero(args):
    run = _cli(*args, "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["diagnosis"]["kind"] in ("correct", "unknown")


def test_buggy_backprop_exits_one():
    run = _cli("--network", "--bug", "softmax-factor", "--tensor", "b1", "--dtype", "float32")
    assert run.returncode == 1, run.stderr


def test_bfloat16_at_zero_runs():
    run = _cli("--expr", "w", "--at", "0", "--dtype", "bfloat16")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("args", "option", "number"),
    [
        (("--expr", "exp(w)", "--at", "1e10", "--dtype", "float16"), "--at", "65504"),
        (("--network", "--layers", "100000,100000,10"), "--layers", "GB"),
    ],
)
def test_refused_before_running_with_exit_two(args, option, number):
    run = _cli(*args)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert option in run.stderr and number in run.stderr


def test_unexpected_failure_is_one_line_and_exit_three(monkeypatch, capsys):
    import argparse

    from fdgui.commands import sweep

    def broken(*_args, **_kwargs):
        raise RuntimeError("something broke\nsecond line")

    monkeypatch.setattr("fdgui.core.sweep.engine.run_sweep", broken)
    parser = argparse.ArgumentParser()
    sweep.add_parser(parser.add_subparsers())
    args = parser.parse_args(["sweep", "--expr", "exp(w)"])
    assert sweep.run(args) == 3
    error = capsys.readouterr().err
    assert error.strip().count("\n") == 0 and "something broke" in error


def test_network_layer_sizes_are_strict():
    result = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--network", "--layers", "20,,10"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--layers" in result.stderr and "empty" in result.stderr
