"""Long calculator histories: Calculate, paste and startup at 0 … 100,000 rows, in one run.

    .venv/bin/python benchmarks/bench_history.py [--rows 100000] [--repeats 15] [--pairs 5]
        [--paste-repeats 5]

Prints, for the real window (offscreen):

- Calculate: median time of one Calculate (a new row) with N rows already in the history,
  the slot alone and the slot plus the event-loop turn that updates table and plot and
  repaints; the ratio to the same at 0 rows;
- paste: tables of 10,000 and of N rows pasted, the median time until every row is in the
  history and the longest gap of a 10 ms heartbeat timer on the GUI thread meanwhile (a stall
  the person feels) over the runs, with the load average;
- startup: a window with N saved rows against one with none, as whole processes (time until
  the window is shown and answers), alternating, medians and their ratio; and how long the
  saved rows then take to arrive.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

STARTUP = r"""
import json, sys, time
started = time.perf_counter()
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
app.setApplicationName("fdgui"); app.setOrganizationName("fdgui")
from fdgui.ui.main_window import MainWindow
window = MainWindow(remember=True)
window.show()
app.processEvents()
shown = time.perf_counter() - started
model = window.model("calculator")
loop = QEventLoop()
def check():
    if not model.is_reading():
        loop.quit()
timer = QTimer(); timer.timeout.connect(check); timer.start(20)
loop.exec()
print(json.dumps({"shown": shown, "rows": len(model.history),
                  "loaded": time.perf_counter() - started}))
"""

WRITE_SETTINGS = r"""
import json, sys
from fdgui.core import session
rows = json.load(sys.stdin)  # the window's autosave, as it writes it (docs/SESSION-FORMAT.md)
lines = ["\t".join(row[c] for c in session.HISTORY_COLUMNS) for row in rows]
history = session.encode_table(lines)
session.write_session(
    session.autosave_path(),
    session.Session(panels={"calculator": {"history": history}}),
)
"""


def table_rows(count: int, seed: int = 1) -> list[tuple[str, str, str, str]]:
    """Measurements of L(w) = w³ at w = 1 at random ε, as a person would paste them."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        eps = 10.0 ** rng.uniform(-8, -1)
        rows.append((repr(eps), repr((1 + eps) ** 3), repr((1 - eps) ** 3), "1"))
    return rows


def _window():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from fdgui.ui import gc_guard
    from fdgui.ui.main_window import MainWindow

    gc_guard.install()  # as the app does: the cycle collector runs on the GUI thread
    window = MainWindow(remember=False)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    gc_guard.freeze_startup()
    return app, window


def bench_calculate(app, window, sizes: list[int], repeats: int) -> dict[int, tuple]:
    from fdgui.core.calculator.schemes import measurement, parse_inputs

    model = window.model("calculator")
    results = {}
    for size in sizes:
        model.clear_history()
        rows = []
        for eps, plus, minus, loss in table_rows(size, seed=size):
            texts = {"epsilon": eps, "loss_plus": plus, "loss_minus": minus, "loss": loss}
            rows.append(measurement(parse_inputs(texts)[0]))
        model.history.append_rows(rows)
        app.processEvents()
        slot, total = [], []
        for index, (eps, plus, minus, loss) in enumerate(table_rows(repeats, seed=99)):
            model.set_inputs(loss, plus, minus, eps)
            app.processEvents()
            started = time.perf_counter()
            model.calculate()
            middle = time.perf_counter()
            app.processEvents()  # table and plot update, repaint
            ended = time.perf_counter()
            assert len(model.history) == size + index + 1
            slot.append(middle - started)
            total.append(ended - started)
        results[size] = (statistics.median(slot), statistics.median(total))
    model.clear_history()
    return results


def bench_paste(app, window, count: int) -> tuple[float, float, int]:
    from PySide6.QtCore import QEventLoop, QTimer

    model = window.model("calculator")
    model.clear_history()
    _settle(app)  # the clear's repaint is not the paste
    text = "eps\tL+\tL-\tL\n" + "\n".join("\t".join(row) for row in table_rows(count))
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    started = time.perf_counter()
    last[0] = started
    loop = QEventLoop()
    model.tableRead.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    window.panel("calculator").paste_table(text)
    if len(model.history) < count:
        loop.exec()  # the GUI thread idles as it would for a person, answering the heartbeat
    elapsed = time.perf_counter() - started
    app.processEvents()  # the table and plot catch up
    heartbeat.stop()
    beat()
    return elapsed, max(gaps), len(model.history)


def _settle(app, seconds: float = 0.3) -> None:
    """Let the window finish what it was doing (repaints, deferred updates)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def startup(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", STARTUP], capture_output=True, text=True, env=env, timeout=300
    )
    if out.returncode != 0:
        raise SystemExit(f"startup failed: {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_startup(count: int, pairs: int) -> tuple[list[dict], list[dict]]:
    base = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        envs = {}
        for folder, rows in ((empty, 0), (full, count)):
            env = dict(base, XDG_CONFIG_HOME=folder, HOME=folder, FDGUI_DATA_DIR=folder)
            saved = [
                {"epsilon": e, "loss_plus": p, "loss_minus": m, "loss": loss}
                for e, p, m, loss in table_rows(rows)
            ]
            subprocess.run(
                [sys.executable, "-c", WRITE_SETTINGS],
                input=json.dumps(saved),
                text=True,
                env=env,
                check=True,
            )
            envs[rows] = env
        startup(envs[0]), startup(envs[count])  # warm the file cache
        plain, loaded = [], []
        for _ in range(pairs):
            plain.append(startup(envs[0]))
            loaded.append(startup(envs[count]))
    return plain, loaded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--paste-repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app, window = _window()
    sizes = sorted({0, min(1_000, args.rows), min(10_000, args.rows), args.rows})
    calculate = bench_calculate(app, window, sizes, args.repeats)
    base_slot, base_total = calculate[0]
    print(f"Calculate, median of {args.repeats} (slot / slot + table, plot and repaint):")
    for size, (slot, total) in calculate.items():
        print(
            f"  {size:>7,} rows: {slot * 1e3:6.2f} ms / {total * 1e3:6.2f} ms"
            f"   ({slot / base_slot:.2f}× / {total / base_total:.2f}× the empty history)"
        )
    for count in sorted({min(10_000, args.rows), args.rows}):
        runs = [bench_paste(app, window, count) for _ in range(args.paste_repeats)]
        elapsed = statistics.median(run[0] for run in runs)
        gap = max(run[1] for run in runs)
        assert all(run[2] == count for run in runs), runs
        print(
            f"paste {count:,} rows, median of {len(runs)}: {elapsed:.2f} s until all are in; "
            f"longest heartbeat gap {gap * 1e3:.0f} ms over the runs (10 ms timer on the GUI "
            f"thread); load average {os.getloadavg()[0]:.2f}"
        )
    window.close()
    plain, loaded = bench_startup(args.rows, args.pairs)
    shown_plain = statistics.median(run["shown"] for run in plain)
    shown_loaded = statistics.median(run["shown"] for run in loaded)
    arrived = statistics.median(run["loaded"] for run in loaded)
    assert all(run["rows"] == args.rows for run in loaded), loaded
    print(
        f"startup to a shown window, median of {args.pairs} alternating pairs: "
        f"{shown_plain:.3f} s empty, {shown_loaded:.3f} s with {args.rows:,} saved rows "
        f"({shown_loaded / shown_plain:.2f}×); the saved rows are all in at {arrived:.2f} s"
    )


if __name__ == "__main__":
    main()
