"""fdgui-cli netcheck as a process: verdicts, exit status, JSON, bad input."""

import json
import subprocess
import sys

import pytest

from fdgui.core.models.mlp import BUGS
from tests.e2e.probe_cli import run_cli

CLI = [sys.executable, "-m", "fdgui.cli"]


def run(*args):
    return run_cli("netcheck", *args)


def test_correct_backprop_passes_with_exit_0():
    out = run("--layers", "20,16,10", "--activation", "tanh", "--loss", "cross-entropy")
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith("Pass: ")
    for name in ("W1", "b1", "W2", "b2"):
        assert f"\n{name} " in out.stdout


@pytest.mark.parametrize(
    ("bug", "layers"),
    [
        ("no-batch-mean", "20,16,10"),
        ("no-activation-grad", "20,16,10"),
        ("bias-not-summed", "20,16,10"),
        ("softmax-factor", "20,16,10"),
        ("transpose", "20,16,16,10"),
    ],
)
def test_each_bug_fails_with_exit_1(bug, layers):
    out = run("--layers", layers, "--bug", bug, "--json")
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "fail"
    assert data["worst"][0]["relative_error"] > 1e-2
    assert data["worst_tensor"] in data["summary"]


def test_json_keys_and_types():
    out = run("--layers", "12,8,8,4", "--mode", "sample", "--samples", "5", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "pass"
    assert data["parameters_checked"] == 5 * 6 - 1  # b3 has only 4 entries
    assert isinstance(data["seconds"], float) and data["seconds"] > 0
    for tensor in data["tensors"]:
        assert set(tensor) >= {"name", "shape", "max_relative_error", "median_relative_error"}
    for entry in data["worst"]:
        assert set(entry) >= {"tensor", "index", "numeric", "analytic", "relative_error"}


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--layers", "20,-3,10"], "--layers"),
        (["--layers", "20"], "--layers"),
        (["--layers", "20,1.5,10"], "--layers"),
        (["--layers", "300000,300000,10"], "--layers"),
        (["--mode", "sample", "--samples", "0"], "--samples"),
        (["--mode", "projection", "--directions", "99999"], "--directions"),
        (["--bug", "transpose"], "--bug"),
        (["--bug", "typo"], "--bug"),
        (["--activation", "gelu"], "--activation"),
        (["--batch", "0"], "--batch"),
        (["--eps", "abc"], "--eps"),
        (["--dtype", "float8"], "--dtype"),
        (["--layers", "20,,10"], "--layers"),
        (["--layers", "20,16,10,"], "--layers"),
        (["--layers", "1e3,10"], "--layers"),
        (["--worst", "0"], "--worst"),
        (["--worst", "-5"], "--worst"),
        (["--worst", "21"], "--worst"),
        (["--mode", "sample", "--samples", "100000"], "--samples"),
        (["--mode", "full", "--samples", "5"], "--samples"),
        (["--directions", "5"], "--directions"),
        (["--engine", "backward"], "--engine"),
        (["--engine", "-"], "--engine"),  # (an empty value takes the default: test_cli_round2)
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_option(args, option):
    out = run(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"fdgui-cli netcheck: {option}: "), lines


def test_absurd_size_message_gives_the_memory_number():
    out = run("--layers", "300000,300000,10")
    assert "GB" in out.stderr or "TB" in out.stderr
    assert "90,003,300,010 parameters" in out.stderr


def test_layers_message_names_the_bad_part():
    assert "'abc' is not a positive whole number" in run("--layers", "abc").stderr


def test_a_memory_refusal_caused_by_the_batch_names_the_batch():
    from fdgui.core.netcheck import available_memory_bytes

    batch = available_memory_bytes() // (64 * 46) * 2  # forward tables alone exceed memory
    out = run("--layers", "20,16,10", "--batch", str(batch))
    assert out.returncode == 2
    assert out.stderr.startswith("fdgui-cli netcheck: --batch: a batch of "), out.stderr
    assert "GB" in out.stderr or "TB" in out.stderr


def test_a_real_bug_in_float16_is_never_exit_0():
    """QA: --dtype float16 --bug transpose passed with exit 0 and green 'ok' rows."""
    out = run("--layers", "16,16,16,10", "--dtype", "float16", "--bug", "transpose", "--json")
    assert out.returncode == 1, out.stdout
    data = json.loads(out.stdout)
    assert data["verdict"] == "fail"  # the ε ladder decides some W1 entries: a plain fail
    text = run("--layers", "16,16,16,10", "--dtype", "float16", "--bug", "transpose")
    assert text.returncode == 1 and text.stdout.startswith(("Fail", "Inconclusive"))
    assert " ok" not in text.stdout.split("Worst")[0]
    coarse = run("--layers", "16,16,16,10", "--dtype", "bfloat16", "--bug", "transpose")
    assert coarse.returncode == 1 and coarse.stdout.startswith("Inconclusive")
    assert " ok" not in coarse.stdout.split("Worst")[0]


def test_sample_mode_with_k_above_some_tensors_says_so():
    out = run("--mode", "sample", "--samples", "200")
    assert out.returncode == 0
    assert "k=200," in out.stdout  # W1 has 320 entries: 200 is a real sample there
    out = run("--layers", "5,4,3", "--mode", "sample", "--samples", "20")
    assert "k=20 (every entry: no tensor has more)" in out.stdout


def test_forward_engine_json_names_the_engine_and_text_mentions_it():
    out = run("--layers", "12,8,8,4", "--engine", "forward", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["engine"] == "forward" and data["verdict"] == "pass"
    # the forward engine's own ε (u^(1/3)), not the exact engine's √u
    assert data["check"]["check_epsilon"] == pytest.approx(2.0 ** (-53 / 3), rel=1e-12)
    default = json.loads(run("--layers", "12,8,8,4", "--json").stdout)
    assert default["engine"] == "exact"
    text = run("--layers", "12,8,8,4", "--engine", " forward ")
    assert text.returncode == 0 and "forward engine" in text.stdout.splitlines()[1]


def test_bad_engine_names_the_choices():
    out = run("--engine", "backward")
    assert out.stderr == "fdgui-cli netcheck: --engine: 'backward' is not one of exact, forward\n"


CASES = [(layers, None) for layers in ("6,5,5,3", "6,5,5,4,3")] + [
    (layers, bug) for layers in ("6,5,5,3", "6,5,5,4,3") for bug in BUGS
]


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("loss", ["cross-entropy", "mse"])
def test_both_engines_give_the_same_verdict_on_the_honest_network_and_every_bug(
    activation, loss, capsys
):
    """Two and three hidden layers (5,5 is square, so 'transpose' applies), every bug."""
    from fdgui.cli import main

    for layers, bug in CASES:
        verdicts = []
        for engine in ("exact", "forward"):
            args = ["netcheck", "--layers", layers, "--activation", activation, "--loss", loss]
            args += ["--batch", "8", "--engine", engine, "--json"]
            status = main(args + (["--bug", bug] if bug else []))
            data = json.loads(capsys.readouterr().out)
            assert data["engine"] == engine
            failing = sorted(t["name"] for t in data["tensors"] if t["failures"])
            verdicts.append((status, data["verdict"], data["inconclusive"], failing))
        assert verdicts[0] == verdicts[1], (layers, bug, verdicts)
        expected = (0, "pass") if bug is None else (1, "fail")
        assert verdicts[0][:2] == expected, (layers, bug, verdicts)


def test_worst_with_thousands_of_digits_is_refused_in_one_short_line():
    done = subprocess.run(
        [*CLI, "netcheck", "--layers", "4,3,2", "--worst", "9" * 5000],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and len(done.stderr) < 120
    assert "--worst" in done.stderr and "too many digits" in done.stderr


def test_worst_limits_the_json_rows_as_it_limits_the_text():
    """rev20n LOW: ``--json --worst 6`` printed all 20 worst rows; without --worst the JSON
    keeps every worst entry the check found and the text its 10."""
    every = json.loads(run("--layers", "8,6,3", "--json").stdout)["worst"]
    assert len(every) == 20
    some = json.loads(run("--layers", "8,6,3", "--json", "--worst", "6").stdout)["worst"]
    assert some == every[:6]
    text = run("--layers", "8,6,3", "--worst", "3").stdout
    assert "Worst 3:" in text and "Worst 10:" in run("--layers", "8,6,3").stdout


def test_the_windows_name_of_the_sample_mode_is_understood():
    """'Sampled' (the window's name, and the issue's) is the sample mode (review11n LOW)."""
    out = run("--layers", "8,6,3", "--mode", "sampled", "--samples", "2", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["check"]["mode"] == "sample" and data["parameters_checked"] == 8
    bad = run("--layers", "8,6,3", "--mode", "sampling")
    assert bad.returncode == 2 and "--mode" in bad.stderr
