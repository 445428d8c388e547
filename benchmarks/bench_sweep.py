"""How long a live re-sweep takes: recompute (400 ε × three schemes) and redraw.

The default network (64-128-10 tanh, cross-entropy, batch 32: 9,610 parameters) is swept
through the explorer's own model and panel, as an edit in the window would (synchronous
path), and the plots are repainted offscreen. Run:

    .venv/bin/python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPEATS = 15


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="sweeps per median")
    repeats = parser.parse_args().repeats
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from fdgui.core.models.mlp import default_spec
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep
    from fdgui.core.sweep.objectives import network_objective
    from fdgui.ui.explorer.panel import ExplorerPanel

    spec = default_spec()
    print(
        f"default network {spec.layer_sizes}, {spec.parameter_count} parameters, batch "
        f"{spec.batch_size}; 400 ε, central/forward/backward; median of {repeats}\n"
    )

    # core only: the losses at 801 points, estimates, errors, best ε, diagnosis
    for tensor, index in (("W1", 5), ("b1", 3), ("W2", 7)):
        objective = network_objective(spec, tensor, index)
        started = time.perf_counter()
        run_sweep(objective, SweepSettings())  # first time: references and guides too
        cold = time.perf_counter() - started
        for dtype in ("float64", "float32", "bfloat16"):
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            print(
                f"core    {tensor}[{index}] {dtype:<9} median {1e3 * median:6.1f} ms"
                f"   (first sweep with references {1e3 * cold:.1f} ms)"
            )

    # the panel: model.sweep() → resultChanged → setData on every item → repaint
    panel = ExplorerPanel(None)
    panel.resize(1280, 800)
    panel.show()
    app.processEvents()
    print()
    overall = []
    scenarios = (
        ("max ε 1 ↔ 0.5 (axes kept)", "max", ("1", "0.5")),
        ("dtype float64 ↔ float32", "dtype", ("float64", "float32")),
        ("max ε 1 ↔ 1e-3 (x axis re-ticked)", "max", ("1", "1e-3")),
    )
    for tensor, index in (("W1", 5), ("b1", 3), ("W2", 7)):
        panel.model.sweep_network_parameter(spec, tensor, index, "float64")
        app.processEvents()
        for title, field, values in scenarios:
            times = []
            for repeat in range(repeats):
                panel.model.set_texts({field: values[repeat % 2]})
                started = time.perf_counter()
                panel.model.sweep()
                app.processEvents()  # paints the plots (offscreen) as the window would
                times.append(time.perf_counter() - started)
            panel.model.set_texts({"max": "1", "dtype": "float64"})
            overall += times
            print(
                f"panel   {tensor}[{index}] {title:<36} recompute + redraw median "
                f"{1e3 * statistics.median(times):5.1f} ms (max {1e3 * max(times):.1f})"
            )
    median = statistics.median(overall)
    print(
        f"\noverall median recompute + redraw: {1e3 * median:.1f} ms "
        f"(goal < 50 ms: {'met' if median < 0.05 else 'NOT met'})"
    )
    panel.close()


if __name__ == "__main__":
    main()
