"""Startup of `fdgui --smoke`: from source against the bundles, median of N, alternating.

    python packaging/measure_startup.py                 # .venv's fdgui, dist/fdgui, onefile
    python packaging/measure_startup.py --runs 5 --json
    python packaging/measure_startup.py --also wheel=/tmp/venv/bin/fdgui

For each run it records the wall time from spawning the process to its exit, and the
``startup_ms`` the app reports (process start to the computed example; for the one-file
build that excludes the unpacking, which the wall time includes). Runs alternate between
the commands so that a slow moment of the machine hits all of them alike. The first,
untimed round warms the disk cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_commands() -> dict[str, list[str]]:
    source = ROOT / ".venv" / "bin" / "fdgui"
    commands = {
        "source": [str(source)] if source.exists() else [sys.executable, "-m", "fdgui"],
        "onefolder": [str(ROOT / "dist" / "fdgui" / "fdgui")],
        "onefile": [str(ROOT / "dist" / "onefile" / "fdgui")],
    }
    return {name: cmd for name, cmd in commands.items() if Path(cmd[0]).exists()}


def run_once(command: list[str]) -> tuple[float, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "--smoke"], capture_output=True, text=True, env=env, check=False, timeout=60
    )
    wall_ms = (time.perf_counter() - started) * 1000
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if not report.get("ok"):
        raise RuntimeError(f"{command[0]} --smoke failed: {result.stdout} {result.stderr}")
    return wall_ms, float(report["startup_ms"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=EXECUTABLE",
        help="one more command to time, e.g. wheel=/tmp/venv/bin/fdgui",
    )
    args = parser.parse_args(argv)
    commands = default_commands()
    for extra in args.also:
        name, _, executable = extra.partition("=")
        commands[name] = [executable]
    for command in commands.values():
        run_once(command)  # warm-up, not counted
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            samples[name].append(run_once(command))
    summary = {
        name: {
            "wall_ms_median": round(statistics.median(s[0] for s in runs)),
            "startup_ms_median": round(statistics.median(s[1] for s in runs)),
            "wall_ms": [round(s[0]) for s in runs],
        }
        for name, runs in samples.items()
    }
    if args.json:
        print(json.dumps(summary))
    else:
        for name, row in summary.items():
            print(
                f"{name:10} wall (spawn to exit) median {row['wall_ms_median']:5d} ms   "
                f"app-reported startup median {row['startup_ms_median']:5d} ms   "
                f"runs {row['wall_ms']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
