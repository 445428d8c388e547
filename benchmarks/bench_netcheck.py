"""fdgui's batched network check against its peers, all in one run.

The same float64 MLP (tanh, cross-entropy, batch 32, square input → hidden → 10 classes) at
about 1e3, 1e4 and 1e5 parameters (and 1e6 for fdgui alone). Every method checks the full
gradient:

* fdgui: ``run_check`` in full mode (network already built, report included), with the
  exact engine (the default: loss changes formed without cancellation) and with the forward
  engine (``engine="forward"``: central differences of the loss as it runs, batched through
  ``Model.losses``, what any model gets; O(P²·B), so it is skipped where the planner expects
  more than 60 s);
* torch.autograd.gradcheck, default mode (eps 1e-6, atol 1e-5, rtol 1e-3), of the loss of
  one flattened float64 parameter vector; skipped where its measured cost per evaluation
  says it would take more than 60 s;
* a plain numpy loop: one central difference per parameter, each loss a full forward pass;
* scipy.optimize.approx_fprime (forward differences, N + 1 full forward passes).

It prints parameters checked per second, each peer's time as a ratio of fdgui's, the two
engines side by side with torch.autograd.gradcheck (medians and ratios), the worst
error of each against the exact gradient, fdgui's peak memory (tracemalloc during the check,
and the whole process's max RSS in a fresh subprocess) and the cost of progress reporting and
cancel points (the real Qt worker against a bare loop over the same generator). Run:

    .venv/bin/python benchmarks/bench_netcheck.py [--quick]

Needs the ``bench`` extra (scipy) and torch==2.13.0 (CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc

import numpy as np

from fdgui.core.models.mlp import NetworkSpec, build_network
from fdgui.core.netcheck import CheckSettings, plan_costs, run_check, run_to_completion

HIDDEN = (30, 95, 311)  # 1,240 / 10,080 / 100,152 parameters
HUGE = 995  # 1,000,980 parameters, fdgui only
PEER_LIMIT_S = 60.0
FORWARD_LIMIT_S = 60.0  # the forward engine is O(P²·B): skipped where the planner expects more
THREADS = 1  # torch threads; see the note printed with the table
DEEP = (((300, 300, 300, 10), "tanh"), ((300, 300, 300, 10), "relu"),
        ((300, 300, 300, 300, 10), "tanh"), ((300, 300, 300, 300, 10), "relu"))  # fmt: skip


def spec_for(hidden: int) -> NetworkSpec:
    return NetworkSpec((hidden, hidden, 10), "tanh", "cross-entropy", batch_size=32, seed=0)


def median_time(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def best_time(function, repeats: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


# ---------------------------------------------------------------- a plain numpy loss


def flat_loss(net):
    """Loss of one flat float64 parameter vector: a straightforward numpy forward pass."""
    inputs, targets = net.inputs, net.targets
    shapes = [p.shape for p in net.parameters]
    splits = np.cumsum([p.size for p in net.parameters])[:-1]
    rows = np.arange(inputs.shape[0])

    def loss(theta: np.ndarray) -> float:
        w1, b1, w2, b2 = (part.reshape(shape) for part, shape in
                          zip(np.split(theta, splits), shapes, strict=True))  # fmt: skip
        hidden = np.tanh(inputs @ w1.T + b1)
        logits = hidden @ w2.T + b2
        shift = logits.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(logits - shift).sum(axis=1)) + shift[:, 0]
        return float(np.mean(log_sum - logits[rows, targets]))

    return loss


def plain_loop(loss, theta: np.ndarray, epsilon: float) -> np.ndarray:
    theta = theta.copy()
    gradient = np.empty_like(theta)
    for index in range(theta.size):
        saved = theta[index]
        theta[index] = saved + epsilon
        plus = loss(theta)
        theta[index] = saved - epsilon
        minus = loss(theta)
        theta[index] = saved
        gradient[index] = (plus - minus) / (2 * epsilon)
    return gradient


def max_errors(estimate: np.ndarray, exact: np.ndarray) -> tuple[float, float]:
    absolute = np.abs(estimate - exact)
    relative = absolute / np.maximum(np.maximum(np.abs(estimate), np.abs(exact)), 1e-8)
    return float(absolute.max()), float(relative.max())


# ---------------------------------------------------------------- torch


def torch_gradcheck(net, theta: np.ndarray, seconds_per_eval_out: list[float]):
    import torch

    torch.set_num_threads(THREADS)
    inputs = torch.tensor(net.inputs)
    targets = torch.tensor(net.targets)
    shapes = [p.shape for p in net.parameters]
    sizes = [p.size for p in net.parameters]

    def loss(flat):
        w1, b1, w2, b2 = (part.view(shape) for part, shape in
                          zip(torch.split(flat, sizes), shapes, strict=True))  # fmt: skip
        logits = torch.tanh(inputs @ w1.T + b1) @ w2.T + b2
        return torch.nn.functional.cross_entropy(logits, targets)

    flat = torch.tensor(theta, requires_grad=True)
    with torch.no_grad():
        value = float(loss(flat))
        start = time.perf_counter()
        for _ in range(20):
            loss(flat)
        seconds_per_eval_out.append((time.perf_counter() - start) / 20)
    assert abs(value - net.loss()) < 1e-12, (value, net.loss())
    expected = 2 * theta.size * seconds_per_eval_out[-1]
    if expected > PEER_LIMIT_S:
        return None, expected
    start = time.perf_counter()
    ok = torch.autograd.gradcheck(loss, (flat,))  # default: eps 1e-6, atol 1e-5, rtol 1e-3
    return (time.perf_counter() - start, ok), expected


# ---------------------------------------------------------------- overhead of progress/cancel


def bare_run(settings, net) -> float:
    start = time.perf_counter()
    generator = run_check(settings, net)
    yields = 0
    try:
        while True:
            next(generator)
            yields += 1
    except StopIteration:
        pass
    bare_run.yields = yields  # type: ignore[attr-defined]
    return time.perf_counter() - start


def worker_run(settings, net) -> tuple[float, float]:
    """Wall time through the real Qt worker, and the longest gap between cancel points."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from fdgui.ui.worker import start_job

    app = QCoreApplication.instance() or QCoreApplication([])
    gaps: list[float] = []
    last = [0.0]

    def timed_check():
        generator = run_check(settings, net)
        last[0] = time.perf_counter()
        try:
            while True:
                item = next(generator)
                now = time.perf_counter()
                gaps.append(now - last[0])
                last[0] = now
                yield item
        except StopIteration as stop:
            return stop.value

    loop = QEventLoop()
    start = time.perf_counter()
    finished_at = [0.0]
    job = start_job(timed_check)
    job.returned.connect(lambda _report: finished_at.__setitem__(0, time.perf_counter()))
    job.finished.connect(loop.quit)
    loop.exec()
    del app
    return finished_at[0] - start, max(gaps[1:]) if len(gaps) > 1 else 0.0


def cancel_latency(settings, net) -> float:
    """Seconds from cancel() to the worker's aborted signal, cancelling half-way."""
    from PySide6.QtCore import QEventLoop, QTimer

    from fdgui.ui.worker import start_job

    loop = QEventLoop()
    job = start_job(run_check, settings, net)
    times = {}

    def cancel():
        times["cancel"] = time.perf_counter()
        job.cancel()

    job.aborted.connect(lambda: times.__setitem__("aborted", time.perf_counter()))
    job.finished.connect(loop.quit)
    QTimer.singleShot(150, cancel)
    loop.exec()
    return times.get("aborted", float("nan")) - times.get("cancel", float("nan"))


# ---------------------------------------------------------------- peak memory


def subprocess_peak_rss(hidden: int) -> dict:
    """Peak resident memory (VmHWM) of a fresh interpreter that builds and checks the net.

    VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's, and this parent has
    torch loaded.
    """
    code = f"""
import json, time
from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.models.mlp import NetworkSpec
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
baseline = hwm()
spec = NetworkSpec(({hidden}, {hidden}, 10), batch_size=32)
start = time.perf_counter()
report = run_to_completion(CheckSettings(spec))
seconds = time.perf_counter() - start
print(json.dumps({{"baseline_kb": baseline, "peak_kb": hwm(), "seconds": seconds,
                   "verdict": report.verdict}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def per_yield_bookkeeping() -> float:
    """Seconds the Qt worker spends per yield: cancel check, clock, rate-limited signal."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    from fdgui.ui.worker import Job

    QCoreApplication.instance() or QCoreApplication([])
    job = Job()
    received = []
    job.progressed.connect(lambda fraction, message: received.append(fraction))

    def many_yields():
        for k in range(20_000):
            yield k / 20_000, "W1: entries"

    start = time.perf_counter()
    job._run(many_yields)
    return (time.perf_counter() - start) / 20_000


def tracemalloc_peak(settings, net) -> int:
    tracemalloc.start()
    try:
        run_to_completion(settings, net)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1e5 peers")
    options = parser.parse_args()
    from fdgui.core.netcheck import single_threaded_blas

    print(f"float64 MLP, tanh, cross-entropy, batch 32; {os.cpu_count()} cores; torch threads "
          f"{THREADS}; peers skipped beyond {PEER_LIMIT_S:.0f} s\n")  # fmt: skip
    rows = []
    for hidden in (*HIDDEN, HUGE):
        spec = spec_for(hidden)
        net = build_network(spec)
        count = spec.parameter_count
        settings = CheckSettings(spec)
        run_to_completion(settings, net)  # warm up
        repeats = 7 if count < 50_000 else 3
        fd_time, report = best_time(lambda: run_to_completion(settings, net), repeats)  # noqa: B023
        exact = np.concatenate([g.ravel() for g in net.gradient()])
        numeric = np.concatenate([t.numeric for t in report.tensors])
        row = {"params": count, "fdgui": fd_time, "fdgui_err": max_errors(numeric, exact),
               "verdict": report.verdict}  # fmt: skip
        row["exact_median"], _ = median_time(lambda: run_to_completion(settings, net), repeats)  # noqa: B023
        forward = CheckSettings(spec, engine="forward")
        planned = plan_costs(forward, net)["full"].expected_seconds
        row["forward_planned"] = planned
        if planned <= FORWARD_LIMIT_S:
            forward_repeats = 5 if planned < 0.5 else (3 if planned < 10 else 1)
            row["forward"], forward_report = median_time(
                lambda: run_to_completion(forward, net),  # noqa: B023
                forward_repeats,
            )
            row["forward_repeats"] = forward_repeats
            row["forward_verdict"] = forward_report.verdict
            forward_numeric = np.concatenate([t.numeric for t in forward_report.tensors])
            row["forward_err"] = max_errors(forward_numeric, exact)
        theta = np.concatenate([p.ravel() for p in net.parameters])
        loss = flat_loss(net)
        if hidden != HUGE and not (options.quick and count > 50_000):
            per_eval: list[float] = []
            result, expected = torch_gradcheck(net, theta, per_eval)
            row["torch"] = None if result is None else result[0]
            row["torch_expected"] = expected
            with single_threaded_blas():  # the plain loop's tiny products, like fdgui's
                start = time.perf_counter()
                loop_gradient = plain_loop(loss, theta, 6.06e-6)
                row["loop"] = time.perf_counter() - start
                row["loop_err"] = max_errors(loop_gradient, exact)
                from scipy.optimize import approx_fprime

                start = time.perf_counter()
                scipy_gradient = approx_fprime(theta, loss)
                row["scipy"] = time.perf_counter() - start
                row["scipy_err"] = max_errors(scipy_gradient, exact)
        rows.append(row)
        print(f"  measured {count:,} parameters", file=sys.stderr)

    def cell(row, key):
        value = row.get(key)
        if value is None:
            if key == "torch" and "torch_expected" in row:
                return f"skipped (~{row['torch_expected']:.0f} s)"
            return "n/a"
        ratio = value / row["fdgui"]
        return f"{value:.3g} s ({ratio:,.0f}×)"

    print("| parameters | fdgui full check | params/s | torch gradcheck | numpy loop "
          "| scipy approx_fprime | verdict |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['params']:,} | {row['fdgui'] * 1e3:.1f} ms | "
              f"{row['params'] / row['fdgui']:,.3g} | {cell(row, 'torch')} | "
              f"{cell(row, 'loop')} | {cell(row, 'scipy')} | {row['verdict']} |")  # fmt: skip
    print("\n(×: the peer's time divided by fdgui's, same run)\n")
    print("Engines side by side (float64 full check; medians of the runs shown):\n")
    print("| parameters | exact engine | forward engine | forward / exact "
          "| torch gradcheck | torch / forward | verdicts (exact, forward) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        exact_cell = f"{row['exact_median'] * 1e3:.1f} ms"
        if "forward" in row:
            forward_cell = f"{row['forward']:.3g} s (median of {row['forward_repeats']})"
            ratio = f"{row['forward'] / row['exact_median']:,.0f}×"
            verdicts = f"{row['verdict']}, {row['forward_verdict']}"
        else:
            forward_cell = (
                f"skipped: the planner expects ~{row['forward_planned']:.0f} s "
                f"(> {FORWARD_LIMIT_S:.0f} s; 2 full loss evaluations per entry)"
            )
            ratio, verdicts = "n/a", f"{row['verdict']}, n/a"
        torch_value = row.get("torch")
        if torch_value is None:
            torch_cell = cell(row, "torch") if "torch_expected" in row else "n/a"
            torch_ratio = "n/a"
        else:
            torch_cell = f"{torch_value:.3g} s (one run)"
            torch_ratio = f"{torch_value / row['forward']:.2g}×" if "forward" in row else "n/a"
        print(f"| {row['params']:,} | {exact_cell} | {forward_cell} | {ratio} | {torch_cell} "
              f"| {torch_ratio} | {verdicts} |")  # fmt: skip
    print(
        "\n(the forward engine evaluates the whole loss twice per entry, in chunks of perturbed "
        "points, one batched matrix product per layer per chunk; the exact engine forms each "
        "loss change from the one layer a step touches)\n"
    )
    print("| parameters | fdgui max abs / rel error | forward engine | numpy loop "
          "| scipy approx_fprime |")  # fmt: skip
    print("|---|---|---|---|---|")
    for row in rows:
        parts = [f"{row['fdgui_err'][0]:.1e} / {row['fdgui_err'][1]:.1e}"]
        for key in ("forward_err", "loop_err", "scipy_err"):
            parts.append(f"{row[key][0]:.1e} / {row[key][1]:.1e}" if key in row else "n/a")
        print(f"| {row['params']:,} | " + " | ".join(parts) + " |")
    print("\n(errors against the exact backprop gradient; relative = |n−a|/max(|n|,|a|,1e-8))\n")

    print("| parameters | tracemalloc peak during the check | process max RSS (fresh) |")
    print("|---|---|---|")
    for hidden in (HIDDEN[-1], HUGE):
        spec = spec_for(hidden)
        net = build_network(spec)
        peak = tracemalloc_peak(CheckSettings(spec), net)
        fresh = subprocess_peak_rss(hidden)
        print(f"| {spec.parameter_count:,} | {peak / 2**20:.1f} MB | "
              f"{fresh['peak_kb'] / 1024:.0f} MB (interpreter + numpy alone "
              f"{fresh['baseline_kb'] / 1024:.0f} MB; check incl. build "
              f"{fresh['seconds']:.2f} s) |")  # fmt: skip

    per_yield = per_yield_bookkeeping()
    print("\n| parameters | bare generator (best of 7) | through the Qt worker (best of 7) "
          "| yields | worker bookkeeping | longest gap between cancel points "
          "| cancel → aborted |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for hidden in (HIDDEN[-1], HUGE):
        spec = spec_for(hidden)
        net = build_network(spec)
        settings = CheckSettings(spec)
        bare_times, worker_times, gaps = [], [], []
        for _ in range(7):  # interleaved, so load changes hit both alike
            bare_times.append(bare_run(settings, net))
            wall, gap = worker_run(settings, net)
            worker_times.append(wall)
            gaps.append(gap)
        bare = min(bare_times)
        through = min(worker_times)
        latency = cancel_latency(settings, net) if hidden == HUGE else float("nan")
        yields = bare_run.yields  # type: ignore[attr-defined]
        share = yields * per_yield / bare
        print(f"| {spec.parameter_count:,} | {bare * 1e3:.1f} ms | {through * 1e3:.1f} ms "
              f"({100 * (through - bare) / bare:+.1f}%) | {yields:,} | "
              f"{yields * per_yield * 1e3:.2f} ms ({100 * share:.2f}%) | "
              f"{max(gaps) * 1e3:.1f} ms | "
              + (f"{latency * 1e3:.1f} ms |" if latency == latency else "n/a |"))  # fmt: skip
    print(
        f"\n(worker bookkeeping: {per_yield * 1e6:.2f} µs per yield, measured on 20,000 "
        "yields through fdgui.ui.worker.Job; the wall-time difference also contains thread "
        "start-up and load noise)"
    )
    print(
        "\nAgainst the issue's batched prototype (229 ms at 100,152): the prototype redoes the "
        "touched hidden unit's dot product (B·n0 ≈ 1e4 flops per perturbation) and the full "
        "softmax (K exps per example); fdgui moves the unit by ε·x (O(B)), gets its new "
        "activation from tanh's addition theorem, evaluates log Σ p·exp(d·w) by a cumulant "
        "series cut where its tail is < 1e-20 (about 3 terms at ε = √u), writes every "
        "chunk into the same cache-sized buffers (fresh 1 MB temporaries cost more in page "
        "faults than their arithmetic) and keeps BLAS on one thread."
    )
    print("\nThe speed goals above are for one hidden layer. Deeper networks, same run:\n")
    print("| layers | activation | parameters | fdgui full check | params/s | path |")
    print("|---|---|---|---|---|---|")
    for sizes, activation in DEEP:
        spec = NetworkSpec(sizes, activation, "cross-entropy", batch_size=32, seed=0)
        net = build_network(spec)
        settings = CheckSettings(spec)
        seconds, report = best_time(lambda: run_to_completion(settings, net), 1)  # noqa: B023
        path = "4th-order series in the unit's change (jets once per unit)"
        if activation == "relu":
            path = "the same series (exact: piecewise linear) where no deeper unit switches"
        print(f"| {','.join(map(str, sizes))} | {activation} | {spec.parameter_count:,} | "
              f"{seconds:.2f} s | {spec.parameter_count / seconds:,.3g} | {path} |")  # fmt: skip
    print(
        "\n(Deep layers: once a hidden unit has moved by d, the loss is a smooth function of d "
        "alone, shared by the whole row of weights feeding that unit; its 4th-order series is "
        "pushed through the deeper layers once per unit, and each weight then costs O(B). "
        "Entries whose omitted terms could reach 1e-20, and relu entries that switch a deeper "
        "unit, take the exact layer-by-layer differences, about B·n² flops each.)"
    )
    print(
        f"\nNote: torch runs with {THREADS} thread(s). On this shared 2-core machine a "
        "float64 32×30 @ 30×30 product took ~11 µs on one torch thread and ~110 µs on two, "
        "so two threads would only slow torch down here; fdgui also runs single-threaded."
    )


if __name__ == "__main__":
    main()
