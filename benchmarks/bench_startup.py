"""Startup: `fdgui --smoke` against the floor any PySide6 + pyqtgraph app pays.

The floor is a minimal window with one pyqtgraph plot, shown once, then exit. Both run as
whole processes, alternating, and the script prints the median of each and their ratio.

    .venv/bin/python benchmarks/bench_startup.py [--pairs 7]
"""

from __future__ import annotations

import argparse
import compileall
import os
import pathlib
import statistics
import subprocess
import sys
import time

FLOOR = r"""
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(pg.PlotWidget())
window.resize(1280, 800)
window.show()
app.processEvents()
print('{"ok": true}')
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    elapsed = time.perf_counter() - started
    if out.returncode != 0 or '"ok": true' not in out.stdout:
        raise SystemExit(f"{command} failed: {out.stdout}\n{out.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=7)
    args = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    # Bytecode as an installed app has it (pip compiles on install; this machine sets
    # PYTHONDONTWRITEBYTECODE, which would make every start recompile fdgui's sources).
    compileall.compile_dir(root / "fdgui", quiet=1)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    floor_cmd = [sys.executable, "-c", FLOOR]
    fdgui_cmd = [sys.executable, "-m", "fdgui", "--smoke"]
    timed(floor_cmd, env), timed(fdgui_cmd, env)  # warm the file cache
    floor, fdgui = [], []
    for _ in range(args.pairs):
        floor.append(timed(floor_cmd, env))
        fdgui.append(timed(fdgui_cmd, env))
    floor_median, fdgui_median = statistics.median(floor), statistics.median(fdgui)
    print(f"pairs: {args.pairs} (alternating, whole process wall time)")
    print(f"floor  (PySide6 window + one pyqtgraph plot): median {floor_median:.3f} s")
    print(f"fdgui --smoke:                                median {fdgui_median:.3f} s")
    print(f"ratio fdgui / floor: {fdgui_median / floor_median:.2f}x (goal <= 1.30x)")


if __name__ == "__main__":
    main()
