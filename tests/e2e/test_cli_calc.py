"""fdgui-cli calc as a process, the way scripts and CI call it."""

import json
import os
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "fdgui.cli"]


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)


def test_text_report_matches_copy():
    from fdgui.core.calculator.schemes import DEFAULT_TEXTS, estimate, parse_inputs
    from fdgui.core.report.calculator import calculator_report

    out = run("calc", "--loss", "0.85", "--plus", "0.85005", "--minus", "0.84995", "--eps", "1e-4")
    assert out.returncode == 0, out.stderr
    inputs, _ = parse_inputs(DEFAULT_TEXTS)
    assert out.stdout == calculator_report(estimate(inputs))
    # and what it says, independently of the report code: the seed's hand-worked example
    assert "gradient ∂L/∂w (central)  0.5\n" in out.stdout
    assert "difference L+ − L−        0.0001\n" in out.stdout
    assert "denominator 2ε            0.0002\n" in out.stdout


def test_json_keeps_exact_decimals():
    out = run(
        "calc",
        "--loss",
        "0.12",
        "--plus",
        "0.120008",
        "--minus",
        "0.119992",
        "--eps",
        "0.00001",
        "--backprop",
        "0.8",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["gradient"] == "0.8"
    assert data["check"]["band"] == "correct"
    assert data["check"]["verdict"] == "consistent"  # 6 typed digits cannot show 7


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--plus", "abc", "--minus", "1", "--eps", "1e-4"], "--plus"),
        (["--plus", "1", "--minus", "nan", "--eps", "1e-4"], "--minus"),
        (["--plus", "1", "--minus", "1", "--eps", "0"], "--eps"),
        (["--plus", "1", "--minus", "1", "--eps", "-1e-4"], "--eps"),
        (["--plus", "1", "--minus", "1", "--eps", "1e999"], "--eps"),
        (["--plus", "1", "--minus", "1", "--eps", "1e-4", "--backprop", "x"], "--backprop"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(args, field):
    out = run("calc", *args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0]
    assert "Traceback" not in out.stderr


def test_missing_option_is_a_usage_error():
    out = run("calc", "--plus", "1")
    assert out.returncode == 2
    assert "--minus" in out.stderr


def test_installed_console_script_runs():
    script = os.path.join(os.path.dirname(sys.executable), "fdgui-cli")
    if not os.path.exists(script):
        pytest.skip("fdgui-cli is not installed in this environment (pip install -e . adds it)")
    out = subprocess.run(
        [script, "calc", "--plus", "0.85005", "--minus", "0.84995", "--eps", "1e-4", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(out.stdout)["gradient"] == "0.5"


def test_negative_values_after_an_option_are_values():
    out = run("calc", "--plus", "-0.5", "--minus", "\u22120.6", "--eps", "1e-1", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["gradient"] == "0.5"
    out = run("calc", "--plus", "1", "--minus", "1", "--eps", "-1e-4")
    assert out.returncode == 2
    assert "--eps" in out.stderr and "greater than zero" in out.stderr


def test_huge_results_print_instead_of_a_traceback():
    out = run("calc", "--plus", "1", "--minus", "0", "--eps", "1e-61", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["gradient"] == "5e60"


def test_join_negative_values_leaves_flags_alone():
    from fdgui.cli import join_negative_values

    options = {"--at", "--eps"}
    assert join_negative_values(["--at", "-1", "--json"], options) == ["--at=-1", "--json"]
    assert join_negative_values(["--at", "--eps", "1"], options) == ["--at", "--eps", "1"]
    assert join_negative_values(["--json", "-x"], options) == ["--json", "-x"]
