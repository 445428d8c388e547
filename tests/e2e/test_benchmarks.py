"""The benchmarks still run against the code as it is (a refactor once broke one unnoticed).

Each runs in its quickest form here; the figures themselves are measured by hand (README).
"""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run(script: str, *args: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_the_sweep_benchmark_runs_and_reports_its_goal():
    out = _run("bench_sweep.py", "--repeats", "1")
    assert "overall median recompute + redraw" in out
    assert out.count("panel   ") == 9 and out.count("core    ") == 9


@pytest.mark.slow
def test_the_startup_benchmark_runs_and_reports_its_ratio():
    out = _run("bench_startup.py", "--pairs", "1")
    assert "ratio fdgui / floor" in out


@pytest.mark.slow
def test_the_probe_benchmark_runs_and_reports_its_goals():
    pytest.importorskip("torch", reason="the torch extra is not installed")
    out = _run("bench_probe.py", "--repeats", "1")
    assert out.count("inside user code") == 2 and out.count("gradcheck/fdgui") == 2
    assert "goals: " in out and "predicted" in out


@pytest.mark.slow
def test_the_history_benchmark_runs_and_reports_its_ratios():
    options = ("--rows", "3000", "--repeats", "3", "--pairs", "1", "--paste-repeats", "1")
    out = _run("bench_history.py", *options)
    assert "the empty history" in out and "longest heartbeat gap" in out
    assert "saved rows" in out and "×" in out
