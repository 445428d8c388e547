"""The benchmarks still run against the code as it is (a refactor once broke one unnoticed).

Each runs in its quickest form here; the figures themselves are measured by hand (README).
"""

import os
import pathlib
import re
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
    out = _run("bench_probe.py", "--repeats", "1", "--quick")  # every section, small sizes
    shares = [float(s) for s in re.findall(r"inside user code\s+([\d.]+)%", out)]
    assert len(shares) == 2 and all(0 < s <= 100 for s in shares), out
    against = [float(r) for r in re.findall(r"gradcheck/fdgui\s+([\d.]+)× wall", out)]
    assert len(against) == 1 and against[0] > 0, out
    firsts = re.findall(r"full check\s+([\d.]+) s .*400-point sweep\s+([\d.]+) s", out)
    assert len(firsts) == 1 and all(float(s) > 0 for s in firsts[0]), out
    picked = re.findall(r"pick → full check\s+([\d.]+) s", out)  # the picker's figures
    assert len(picked) == 2 and "not the goal's figure" in out, out
    planned = [float(r) for r in re.findall(r"predicted/ran\s+([\d.]+)", out)]
    assert len(planned) == 1 and planned[0] > 0, out
    assert "goals: " in out


@pytest.mark.slow
def test_the_history_benchmark_runs_and_reports_its_ratios():
    options = ("--rows", "3000", "--repeats", "3", "--pairs", "1", "--paste-repeats", "1")
    out = _run("bench_history.py", *options)
    assert "the empty history" in out and "longest heartbeat gap" in out
    assert "saved rows" in out and "×" in out
