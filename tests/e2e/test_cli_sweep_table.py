"""``fdgui-cli sweep --grad`` (a typed derivative) and ``--table FILE`` (measured rows)."""

import json
import math
import subprocess
import sys

import numpy as np


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", *args],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )


def _table(point: float = 0.7, low: int = -12) -> str:
    lines = ["# measured with float64", "eps,L+,L-,L"]
    for epsilon in np.logspace(-1, low, 23):
        e = float(epsilon)
        lines.append(
            f"{e!r},{float(np.sin(point + e))!r},{float(np.sin(point - e))!r},"
            f"{float(np.sin(point))!r}"
        )
    return "\n".join(lines) + "\n"


def test_a_right_typed_derivative_passes_and_a_wrong_one_exits_1():
    right = _cli("--expr", "sin(w)*exp(-w**2)", "--at", "0.7", "--grad",
                 "exp(-w**2)*(cos(w) - 2*w*sin(w))", "--json")  # fmt: skip
    assert right.returncode == 0, right.stderr
    data = json.loads(right.stdout)
    assert data["diagnosis"]["kind"] == "correct"
    assert data["reference"]["method"] == "your derivative"
    methods = [item["method"] for item in data["references"]]
    assert methods[:2] == ["your derivative", "analytic"]
    wrong = _cli(
        "--expr", "sin(w)*exp(-w**2)", "--at", "0.7", "--grad", "exp(-w**2)*(cos(w) - w*sin(w))"
    )  # fmt: skip (a factor 2 lost)
    assert wrong.returncode == 1
    assert "Gradient wrong" in wrong.stdout and "Your derivative" in wrong.stdout


def test_a_typed_number_and_refusals():
    assert _cli("--expr", "w**2", "--at", "3", "--grad", "6").returncode == 0
    assert _cli("--expr", "w**2", "--at", "3", "--grad", "6.5").returncode == 1
    bad = _cli("--expr", "w**2", "--at", "3", "--grad", "6*")
    assert bad.returncode == 2 and bad.stderr.startswith("fdgui-cli sweep: --grad:")
    network = _cli("--network", "--grad", "1")
    assert network.returncode == 2 and "--grad" in network.stderr


def test_table_with_bad_rows_keeps_the_good_ones(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(_table() + "oops,1,2\n1e-3,0.1\n", encoding="utf-8")
    run = _cli("--table", str(path), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["diagnosis"]["kind"] == "estimate"
    assert [line.split(":")[0] for line in data["bad_rows"]] == ["line 26", "line 27"]
    assert "line 26" in run.stderr
    # the estimate's error bar bounds the truth
    richardson = next(r for r in data["references"] if r["method"] == "Richardson")
    assert abs(richardson["value"] - math.cos(0.7)) <= richardson["error"]
    assert set(data) >= {"schemes", "references", "diagnosis", "recommended_epsilon"}


def test_table_verdict_is_monotone_in_the_backprop_offset(tmp_path):
    path = tmp_path / "rows.tsv"
    path.write_text(_table().replace(",", "\t"), encoding="utf-8")
    kinds = []
    for offset in (0.0, 1e-13, 1e-9, 1e-6, 1e-4, 1e-3, 1e-1):
        backprop = repr(math.cos(0.7) * (1 + offset))
        run = _cli("--table", str(path), "--backprop", backprop, "--json")
        kind = json.loads(run.stdout)["diagnosis"]["kind"]
        assert run.returncode == {"wrong": 1, "estimate": 2}.get(kind, 0)
        kinds.append(kind)
    assert kinds[0] == "correct"
    # confirmed, then (an offset the rows resolve but their room for a kink near w could
    # hold: neither confirmed nor refuted, exit 2), then wrong — never back
    rank = {"correct": 0, "estimate": 1, "wrong": 2}
    assert [rank[kind] for kind in kinds] == sorted(rank[kind] for kind in kinds), kinds
    first_wrong = kinds.index("wrong")
    assert all(kind == "wrong" for kind in kinds[first_wrong:]), kinds
    assert first_wrong <= kinds.index("wrong") and kinds[3] == "wrong"  # 1e-6 is resolved


def test_rows_at_tiny_epsilon_from_a_float64_log_are_not_kinks(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(_table(low=-14), encoding="utf-8")
    run = _cli("--table", str(path), "--backprop", repr(math.cos(0.7)), "--json")
    assert json.loads(run.stdout)["diagnosis"]["kind"] == "correct", run.stdout


def test_table_refusals(tmp_path):
    missing = _cli("--table", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and "--table" in missing.stderr
    (tmp_path / "empty.csv").write_text("# nothing\n", encoding="utf-8")
    empty = _cli("--table", str(tmp_path / "empty.csv"))
    assert empty.returncode == 2
    dtype = _cli("--table", "-", "--source-dtype", "float8", stdin=_table())
    assert dtype.returncode == 2 and "--source-dtype" in dtype.stderr
    stdin = _cli("--table", "-", "--source-dtype", "exact", stdin=_table())
    assert stdin.returncode == 0, stdin.stderr


def test_options_a_table_does_not_use_are_refused_and_csv_is_written(tmp_path):
    """review10k HIGH-4: --grad with --table was ignored (exit 0 for any gradient), and so
    were --dtype, --at, --min, --max, --points; --csv wrote nothing."""
    path = tmp_path / "rows.csv"
    path.write_text(_table(), encoding="utf-8")
    refused = [("--grad", "9", "--backprop"), ("--dtype", "float16", "--source-dtype"),
               ("--at", "1", "--at"), ("--points", "9", "--points"),
               ("--min", "1e-9", "--min")]  # fmt: skip
    for option, value, named in refused:
        run = _cli("--table", str(path), option, value)
        assert run.returncode == 2, (option, run.stdout)
        assert run.stderr.startswith(f"fdgui-cli sweep: {option}:") and named in run.stderr
    csv_path = tmp_path / "out.csv"
    run = _cli("--table", str(path), "--csv", str(csv_path))
    assert run.returncode == 0, run.stderr
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("epsilon,") and len(lines) == 1 + 23


def test_float32_losses_are_read_as_float32_unless_told(tmp_path):
    """Every loss exactly a float32 number written with repr: read as float32 (said on
    stderr); --source-dtype float64 keeps float64."""
    lines = ["eps,L+,L-"]
    w = np.float32(0.7)
    for epsilon in np.logspace(-1, -5, 13):
        e = np.float32(epsilon)
        step = float(w + e) - float(w)
        lines.append(f"{step!r},{float(np.sin(w + e))!r},{float(np.sin(w - e))!r}")
    path = tmp_path / "float32.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = _cli("--table", str(path), "--json")
    assert json.loads(run.stdout)["dtype"] == "float32", run.stdout[:300]
    assert "is a float32 number" in run.stderr
    told = _cli("--table", str(path), "--source-dtype", "float64", "--json")
    assert json.loads(told.stdout)["dtype"] == "float64"
    assert "float32 number" not in told.stderr


def test_bfloat16_losses_printed_by_str_are_read_as_bfloat16(tmp_path):
    """review10m CRITICAL-1: ml_dtypes prints a bfloat16 loss with six digits (1.01562); read
    as float64 digits the exact gradient came out "Gradient wrong" (exit 1)."""
    import ml_dtypes

    dtype, lines = ml_dtypes.bfloat16, ["eps,L+,L-,L"]
    w = dtype(0.3)
    f = lambda x: dtype(np.tanh(2 * dtype(x)) + dtype(0.3) * dtype(x) ** 3)  # noqa: E731
    for epsilon in (0.0078125, 0.01171875, 0.02734375, 0.0546875, 0.1):
        plus, minus = dtype(w + dtype(epsilon)), dtype(w - dtype(epsilon))
        lines.append(f"{float(plus) - float(w)!r},{f(plus)!s},{f(minus)!s},{f(w)!s}")
    path = tmp_path / "bf16.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    truth = float(2 / np.cosh(2 * float(w)) ** 2 + 0.9 * float(w) ** 2)
    run = _cli("--table", str(path), "--backprop", repr(truth), "--json")
    assert run.returncode != 1, run.stdout[:400]
    assert json.loads(run.stdout)["dtype"] == "bfloat16"
    assert "a bfloat16 number" in run.stderr and "--source-dtype float64" in run.stderr
